"""The sidebar every page shares: counties, programme, year and language, kept in the URL."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app_ui import data, session
from app_ui.i18n import Label, label, t, tr
from warehouse.frames import marks

PROGRAMS = ("", "rural", "urban")  # "": both
MANY_COUNTIES = 20  # past this a chart of every county is unreadable and slow: pages start with a few
LANGUAGES = {"zh": "中文", "en": "English"}


@dataclass(frozen=True)
class Filters:
    counties: tuple[str, ...]
    program: str | None  # None: both programmes
    year: int | None
    names: dict[str, str]  # county code → name, for labels
    pending: bool = False  # show the versions waiting for approval (marked 待审核) where there are

    @property
    def program_words(self) -> str:
        """The chosen programme in brackets after a year in a sentence (「2023年（农村）」), or nothing for both."""
        if not self.program:
            return ""
        return tr(f"（{t(self.program)}）", f" ({t(self.program)})")


def default_counties(names: dict[str, str]) -> list[str]:
    """Every county of a small registry; of a large one (a province, the country), the account's own
    counties if it has any, else the first MANY_COUNTIES by code."""
    if len(names) <= MANY_COUNTIES:
        return list(names)
    own = session.acting().counties  # an evaluator's
    return [code for code in names if code in own] or list(names)[:MANY_COUNTIES]


def _from_url(names: dict[str, str], years: list[int]) -> dict[str, object]:
    """The widget values a link asks for; anything unknown falls back to a default."""
    params = st.query_params
    counties = [code for code in params.get("county", "").split(",") if code in names]
    year = params.get("year", "")
    return {
        "lang": params.get("lang") if params.get("lang") in LANGUAGES else "zh",
        "counties": counties or default_counties(names),
        "program": params.get("program") if params.get("program") in PROGRAMS else "",
        "year": int(year) if year.isdigit() and int(year) in years else (max(years) if years else None),
        "pending": params.get("pending") == "1",
    }


def sidebar_filters() -> Filters:
    """Draw the sidebar and return the choices.

    Each page calls this first. The choices live in plain session keys (`filter_*`), seeded
    from the URL on a session's first run, copied into the widgets before they are drawn and
    updated by the widgets' callbacks, so they survive page switches; they are written back
    to the URL on every run, so a view can be shared as a link.
    """
    names = data.county_names()
    years = sorted(data.years(), reverse=True)
    state = st.session_state
    for key, value in _from_url(names, years).items():
        state.setdefault(f"filter_{key}", value)
        # Widget ids include the page, so after a page switch a widget is new: give it the value.
        state[key] = state[f"filter_{key}"]
    with st.sidebar:
        language = st.radio(
            "语言 / Language",
            tuple(LANGUAGES),
            format_func=LANGUAGES.get,
            horizontal=True,
            key="lang",
            on_change=_remember,
            args=("lang",),
        )
        counties = st.multiselect(
            t("counties"), list(names), format_func=names.get, key="counties", on_change=_remember, args=("counties",)
        )
        if len(names) > MANY_COUNTIES:
            st.caption(
                tr(
                    f"共登记 {len(names):,} 个县区，已选 {len(counties)} 个；可输入县区名称增删。",
                    f"{len(names):,} counties registered, {len(counties)} chosen; type a name to add more.",
                )
            )
        program = st.selectbox(
            t("program"),
            PROGRAMS,
            format_func=lambda key: t(key) if key else t("all_programs"),
            key="program",
            on_change=_remember,
            args=("program",),
        )
        year = (
            st.selectbox(
                t("year"),
                years,
                format_func=lambda y: f"{y}年" if language == "zh" else str(y),
                key="year",
                on_change=_remember,
                args=("year",),
            )
            if years
            else None
        )
        pending = st.toggle(
            t("show_pending"), key="pending", help=t("show_pending_help"), on_change=_remember, args=("pending",)
        )
    st.query_params.update(
        {"county": ",".join(counties), "program": program, "year": str(year or ""), "lang": language}
        | {"pending": "1" if pending else ""}
    )
    return Filters(counties=tuple(counties), program=program or None, year=year, names=names, pending=pending)


def _remember(key: str) -> None:
    """A widget changed: keep its value where the next page will find it."""
    st.session_state[f"filter_{key}"] = st.session_state[key]


ANYONE, UPLOADERS, ADMINS = "anyone", "uploaders", "admins"


def page_start(
    title_key: str,
    *,
    who: str = ANYONE,
    needs_counties: bool = True,
    needs_year: bool = True,
    no_year: Label = "empty_warehouse",
    title: str | None = None,
) -> Filters:
    """Every page's first call: who may see it, the account box, the shared sidebar and the title.

    Where the page needs a county or a year and has none, a plain message stands in for the
    page (`no_year` says what is missing when there is no year). `title` replaces the page's
    catalogue title (the overview's shows the app's name)."""
    if who == ADMINS:
        session.require_admin()
    elif who == UPLOADERS:
        session.require_uploader()
    session.require_login()
    session.account_box()
    filters = sidebar_filters()  # the language is chosen here: every word of the page comes after it
    st.title(title or t(title_key))
    if needs_counties and not filters.counties:
        st.info(t("no_county"))
        st.stop()
    if needs_year and filters.year is None:
        st.info(label(no_year))
        st.stop()
    return filters


def pending_note(frame, filters: Filters) -> None:
    """Name the county-months (or evaluations) on the page that wait for approval (only with the toggle on)."""
    kinds = {kind: t(f"kind_{kind}") for kind in ("self", "department", "finance")}
    items = marks.pending_items(frame, names=filters.names, kinds=kinds, year_suffix=tr("年", ""))
    if filters.pending and items:
        st.warning(t("pending_months").format(months=tr("、", ", ").join(items)), icon=":material/pending:")
