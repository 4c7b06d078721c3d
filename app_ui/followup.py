"""整改台账's drawing: the register's counts and what its items rest on, the page's own filters, the table with
overdue items marked, and the form through which a county's evaluators and admins set an item.

Who may set an item is decided by access.followup (the form is only drawn for those who may; a refusal is
shown as it is worded there). Item sentences (`words`) are Chinese in both languages, as in the brief and
`dibao followup list`.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from access.followup import FollowUpRefused, set_follow_up
from access.roles import EVALUATOR
from app_ui import after_change, data, drill, session
from app_ui.filters import Filters
from app_ui.i18n import language, t, tr
from app_ui.tables import DATE, DATETIME, Column, Drawn, show_table
from warehouse.audit import ZONE, local_time
from warehouse.followup import EXPLAINED, FALSE_ALARM, FIXED, KIND_WORDS, OPEN, STATUS_WORDS, Decision

PAGE = "app_pages/data/followup.py"
FORM = "followup-form"  # the edit form's widgets start afresh after each saving (after_change.form_key)
DUE_DAYS = 15  # an item with no due date is offered one this many days ahead

KINDS = {
    "anomaly": (KIND_WORDS["anomaly"], "Anomaly"),
    "finding": (KIND_WORDS["finding"], "Data problem"),
    "recheck": (KIND_WORDS["recheck"], "Re-check difference"),
}
STATUSES = {
    OPEN: (STATUS_WORDS[OPEN], "Open"),
    EXPLAINED: (STATUS_WORDS[EXPLAINED], "Explained"),
    FIXED: (STATUS_WORDS[FIXED], "Fixed"),
    FALSE_ALARM: (STATUS_WORDS[FALSE_ALARM], "False alarm"),
}
BASES = {  # what an item rests on (briefs.followup), in the order the basis line names them
    "upload": ("上传名册", "uploaded rosters"),
    "warehouse": ("仓库数据", "warehouse data"),
    "report": ("报告数字", "the report's own figures"),
    "reading": ("解读", "a reading of the rubric"),
    "synthetic": ("演示合成数据", "synthetic demo data"),
}


def words_of(labels: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Keys → their words in the language chosen."""
    return {key: tr(*pair) for key, pair in labels.items()}


def today() -> dt.date:
    """Today on the bureau's calendar, as the register judges overdue items."""
    return dt.datetime.now(ZONE).date()


def register_of(filters: Filters) -> pl.DataFrame:
    """The register of the sidebar's view: every flag with its standing, open ones first."""
    return data.register(filters.counties, filters.program, filters.year, pending=filters.pending)


def labelled(register: pl.DataFrame) -> pl.DataFrame:
    """The register with its kind, programme, basis and status in words, and the time of its last setting on the
    bureau's clock. A reopened item says what it was; an overdue one carries 「⚠ 逾期」."""
    statuses = words_of(STATUSES)
    was = pl.col("status_set").replace_strict(statuses, default="")
    reopened = pl.concat_str(
        pl.lit(tr(" · 重新打开（原为", " · reopened (was ")), was, pl.lit(tr("：数值已变）", ": the figure changed)"))
    )
    return register.with_columns(
        kind_label=pl.col("kind").replace_strict(words_of(KINDS)),
        program_name=pl.col("program").replace_strict({"rural": t("rural"), "urban": t("urban")}, default=""),
        basis_label=pl.col("basis").replace_strict(words_of(BASES), default=pl.col("basis")),
        status_label=pl.concat_str(
            pl.col("status").replace_strict(statuses),
            pl.when("reopened").then(reopened),
            pl.when("overdue").then(pl.lit(tr(" · ⚠ 逾期", " · ⚠ overdue"))),
            ignore_nulls=True,
        ),
        updated=local_time("updated_at").dt.truncate("1s"),
    )


def nothing_flagged(filters: Filters) -> None:
    """The empty register: say so, and where its items come from."""
    scope = filters.program_words
    st.info(
        tr(
            f"所选县区 {filters.year}年{scope}没有需要跟进的事项。整改台账收录三类事项："
            "名册逐月比较发现的异常（「数据质量」页「异常」）、名册中的数据问题（「数据质量」页「数据问题」）、"
            "评价得分按指标体系重算后与报告不一致的指标（「指标得分」页）。上传新的名册或评价后，新事项会出现在这里。",
            f"Nothing to follow up for the chosen counties in {filters.year}{scope}. The register gathers three "
            "kinds of item: anomalies in the monthly rosters (Data quality › Anomalies), findings in the rosters "
            "(Data quality › Findings) and indicators whose recomputed score differs from the report (Indicator "
            "scores). New rosters or evaluations bring new items here.",
        )
    )


def counts(register: pl.DataFrame) -> None:
    """How many items are open (and of those, overdue), explained, fixed and false alarms."""
    statuses = words_of(STATUSES)
    shown = [
        (statuses[OPEN], register.filter(status=OPEN).height),
        (tr("其中逾期", "of which overdue"), register.filter("overdue").height),
        *((statuses[status], register.filter(status=status).height) for status in (EXPLAINED, FIXED, FALSE_ALARM)),
    ]
    for column, (title, count) in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(title, f"{count:,}")


def basis_line(register: pl.DataFrame) -> None:
    """What the items rest on: how many on synthetic demo data, on the report's figures, on a reading …"""
    found = dict(register.group_by("basis").len().iter_rows())
    parts = [
        tr(f"{zh} {found[key]:,} 项", f"{found[key]:,} on {en}") for key, (zh, en) in BASES.items() if key in found
    ]
    line = tr(f"这些事项的依据：{'，'.join(parts)}。", f"Of these items, {', '.join(parts)}.")
    if "synthetic" in found:
        line += tr(
            "出自演示合成数据的事项仅供演示，不是真实县区的问题。",
            " Items on synthetic demo data are for demonstration, not problems of a real county.",
        )
    if "reading" in found:
        line += tr(
            "「解读」指评分细则有歧义处按其中一种理解重算（另一理解的得分见「指标得分」页）。",
            " A reading: an ambiguous rubric rule recomputed one way (the other's score is on Indicator scores).",
        )
    st.caption(line)


def overdue_warning(register: pl.DataFrame) -> None:
    """Open items past their due date, said above the table that marks them."""
    late = register.filter("overdue")
    if late.is_empty():
        return
    st.warning(
        tr(
            f"{late.height} 项已过期限仍待核实（表中以底色和「⚠ 逾期」标出）：请负责人尽快核实，或调整期限。",
            f"{late.height} open item(s) are past their due date (shaded and marked ⚠ overdue in the table).",
        ),
        icon=":material/schedule:",
    )


def chosen(register: pl.DataFrame) -> pl.DataFrame:
    """The page's own filters (kind, status, overdue only) and the items they keep."""
    kind_col, status_col, overdue_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    kind = _pick_one_or_all(
        tr("类型", "Kind"), KINDS, key="followup-kind", every=tr("全部类型", "All kinds"), where=kind_col
    )
    status = _pick_one_or_all(
        tr("状态", "Status"), STATUSES, key="followup-status", every=tr("全部状态", "Every status"), where=status_col
    )
    overdue = overdue_col.toggle(tr("只看逾期", "Overdue only"), key="followup-overdue")
    if kind:
        register = register.filter(kind=kind)
    if status:
        register = register.filter(status=status)
    return register.filter("overdue") if overdue else register


def _pick_one_or_all(title: str, labels: dict[str, tuple[str, str]], *, key: str, every: str, where) -> str:
    """One of `labels`' keys, or "" for all of them (the picker shows None as nothing chosen)."""
    words = words_of(labels)
    return drill.pick(
        title, ["", *labels], key=key, titles=lambda chosen: words[chosen] if chosen else every, first=True, where=where
    )


def columns() -> list:
    """What to act on first (its status), what the item is (its sentence, wide enough to read whole on a laptop),
    then who follows it up by when, and its record."""
    return [
        Column("key", ("编号", "Key")),
        Column("status_label", ("状态", "Status"), width="medium"),
        Column("words", ("内容", "What"), width=560),
        Column("due", ("期限", "Due"), DATE, width=100),  # wide enough for a date among blank rows
        Column("owner", ("负责人", "Owner")),
        Column("kind_label", ("类型", "Kind")),
        Column("county", "col_county"),
        Column("program_name", "col_program"),
        Drawn("month", "col_month", drawn=st.column_config.DateColumn(format=tr("YYYY年M月", "MMM YYYY"))),
        Column("basis_label", ("依据", "Basis")),
        Column("note", "col_note", width="medium"),
        Column("updated_by", ("更新人", "Updated by")),
        Column("updated", ("更新时间（北京时间）", "Updated (Beijing time)"), DATETIME),
    ]


def table(shown: pl.DataFrame, *, filters: Filters) -> str | None:
    """The items, overdue rows shaded; the key of a row clicked in it, if any."""
    if shown.is_empty():
        st.info(tr("没有符合上方条件的事项。", "No item matches the choices above."))
        return None
    event = show_table(
        labelled(shown),
        columns(),
        name=(f"整改台账_{filters.year}", f"follow-up-{filters.year}"),
        key="followup-items",
        shade="overdue",
        internal=data.internal(shown["county_code"].unique().to_list()),
        on_select="rerun",
        selection_mode="single-row",
        placeholder="",  # not set yet: blank, not "None"
    )
    if language() == "en":
        st.caption("Item descriptions are in Chinese, as in the monthly brief and `dibao followup list`.")
    rows = (event or {}).get("selection", {}).get("rows") or []
    return shown["key"][rows[0]] if rows else None


def editing(shown: pl.DataFrame, *, clicked: str | None, names: dict[str, str]) -> None:
    """The form for one item: only for the county's evaluators and admins (leadership reads the register)."""
    st.subheader(tr("处理事项", "Follow up an item"))
    actor = session.acting()
    if not session.may_upload():
        st.caption(
            tr(
                "您的账户只能查看整改台账；各项由所属县区的评价人员或管理员处理。",
                "Your account reads the register; each item is set by its county's evaluators or an administrator.",
            )
        )
        return
    mine = shown if session.is_admin() else shown.filter(pl.col("county_code").is_in(list(actor.counties)))
    if clicked is not None and clicked not in mine["key"]:
        st.caption(tr("表中所选事项不属于您可处理的县区，只读。", "The row picked belongs to a county you cannot set."))
    if mine.is_empty():
        own = tr("、", ", ").join(names.get(code, code) for code in sorted(actor.counties)) or tr("无", "none")
        st.info(
            tr(
                f"上表中没有您可处理的县区（{own}）的事项；其他县区的事项只读。",
                f"None of the items above is in a county you may set ({own}); the others are read only.",
            )
        )
        return
    titles = {row["key"]: f"{row['key']} · {row['county']} · {row['words'][:60]}" for row in mine.iter_rows(named=True)}
    key = drill.pick(
        tr("事项（或在上表中点选一行）", "Item (or click its row above)"),
        list(titles),
        key="followup-item",
        titles=titles,
        clicked=clicked,
        first=True,
    )
    form(mine.row(list(titles).index(key), named=True))


def form(item: dict) -> None:
    """Status, owner, due date and note of one item; saved through access.followup as the logged-in account."""
    base = f"{after_change.form_key(FORM)}-{item['key']}-{language()}"
    statuses = words_of(STATUSES)
    with st.form(base):
        st.markdown(f"**{item['key']}** · {item['county']} · {item['words']}")
        status_col, owner_col, due_col = st.columns(3)
        status = status_col.selectbox(
            tr("状态", "Status"),
            list(STATUSES),
            index=list(STATUSES).index(item["status"]),
            format_func=statuses.get,
            key=f"{base}-status",
        )
        owner = owner_col.text_input(tr("负责人", "Owner"), value=item["owner"] or "", key=f"{base}-owner")
        due = due_col.date_input(
            tr("期限", "Due"), value=item["due"] or today() + dt.timedelta(days=DUE_DAYS), key=f"{base}-due"
        )
        if suggested := county_accounts(item["county_code"]):
            names = tr("、", ", ").join(suggested)
            owner_col.caption(tr(f"本县区评价人员：{names}", f"County evaluators: {names}"))
        note = st.text_area(
            tr("说明", "Note"),
            value=item["note"] or "",
            key=f"{base}-note",
            help=tr(
                "标为「已说明」或「误报」须写明核实了什么、为何不需整改。",
                "Explained and false alarm need a note: what was checked, and why nothing needs fixing.",
            ),
        )
        saved = st.form_submit_button(tr("保存", "Save"), type="primary")
    if saved:
        save(item, Decision(status, owner=owner, due=due, note=note))


def county_accounts(county: str) -> list[str]:
    """The usernames of the county's active evaluators: who an owner usually is."""
    users = data.accounts()
    evaluators = users.filter(
        pl.col("role") == EVALUATOR,
        ~pl.col("disabled").fill_null(False),
        pl.col("counties").fill_null("").str.split(",").list.contains(county),
    )
    return evaluators["username"].to_list()


def save(item: dict, decision: Decision) -> None:
    """Set the item as the logged-in account; the refusal as it is worded, or the page drawn again with it set."""
    try:
        set_follow_up(data.engine(), session.actor(), item, decision)
    except FollowUpRefused as refused:
        st.error(str(refused))
        return
    data.refresh()
    status = words_of(STATUSES)[decision.status]
    after_change.done(
        tr(
            f"已保存 {item['key']}（{item['county']}）：{item['words']} → {status}",
            f"Saved {item['key']} ({item['county']}): {item['words']} → {status}",
        ),
        fresh_form=FORM,
    )
