"""审计日志: who did what and when, filtered by days, person, action, county and words; counted; exported.

The log is append-only (the database refuses to change or delete a row): this page only reads it.
"""

import datetime as dt

import polars as pl
import streamlit as st

from app_ui import audit_log
from app_ui.filters import ADMINS, Filters, page_start
from app_ui.i18n import t, tr
from app_ui.tables import show_table

LIMIT = 2000  # rows listed; the counts and the note cover the whole filtered range


def filter_bar(filters: Filters) -> audit_log.AuditFilters:
    """Days, person, action, county and words to search for; 全部 where nothing is chosen."""
    words, everyone = audit_log.action_words(), tr("全部", "All")
    days, person, kind, place = st.columns([2, 1, 1, 1])
    since, until = audit_log.date_range(
        days.date_input(
            tr("日期范围", "Dates"),
            value=(audit_log.today() - dt.timedelta(days=29), audit_log.today()),
            format="YYYY-MM-DD",
            key="audit-dates",
        )
    )
    actor = person.selectbox(
        tr("操作人", "Who"), ["", *audit_log.actors()], format_func=lambda name: name or everyone, key="audit-actor"
    )
    action = kind.selectbox(
        tr("操作", "Action"), ["", *words], format_func=lambda key: words[key] if key else everyone, key="audit-action"
    )
    county = place.selectbox(
        t("col_county"),
        ["", *filters.names],
        format_func=lambda code: filters.names[code] if code else everyone,
        key="audit-county",
    )
    text = st.text_input(
        tr("搜索文件名、文件哈希或说明", "Search file names, hashes and details"),
        key="audit-text",
        placeholder=tr("例如 曲阜 或哈希的前几位", "e.g. part of a file name or the first characters of a hash"),
    )
    return audit_log.AuditFilters(
        since=since, until=until, actor=actor or None, action=action or None, county=county or None, text=text or None
    )


def counts_by_action(counts: pl.DataFrame) -> int:
    """A metric per action, six to a row; the number of events in all."""
    words = audit_log.action_words()
    total = int(counts["events"].sum())
    st.subheader(tr(f"按操作统计（共 {total:,} 条）", f"By action ({total:,} in all)"))
    tallies = list(counts.iter_rows())
    for start in range(0, len(tallies), 6):
        for column, (key, events) in zip(st.columns(6), tallies[start : start + 6], strict=False):
            column.metric(words.get(key, key), f"{events:,}")
    return total


def event_table(chosen: audit_log.AuditFilters, total: int, filters: Filters) -> None:
    st.subheader(tr("记录（最新的在前）", "Events (newest first)"))
    if total > LIMIT:
        st.caption(
            tr(
                f"共 {total:,} 条，下表和下载只含最新的 {LIMIT:,} 条；请缩小日期范围或加条件。",
                f"{total:,} events; the table and downloads hold the newest {LIMIT:,}. "
                "Narrow the filters to see others.",
            )
        )
    rows = audit_log.rows(audit_log.events(chosen, limit=LIMIT), filters.names)
    show_table(rows, audit_log.COLUMNS, name=audit_log.export_name(chosen), key="audit")


filters = page_start("page_audit", who=ADMINS, needs_counties=False, needs_year=False)
st.caption(
    tr(
        "每次上传、替换、拒收、登录、登录失败、锁定、账户变更、备份和恢复都记入此日志，含操作人、时间和文件哈希。"
        "日志只增不改，本页只能查阅和导出。时间为北京时间。",
        "Every upload, replacement, rejection, login, failed login, lock, account change, backup and restore is "
        "logged with who, when and the file's hash. The log is append-only; this page only reads it. Beijing time.",
    )
)
chosen = filter_bar(filters)
counts = audit_log.counts(chosen)
if counts.is_empty():
    st.info(t("audit_nothing_logged"))
    st.stop()
event_table(chosen, counts_by_action(counts), filters)
