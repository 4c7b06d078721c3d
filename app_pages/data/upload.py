"""上传: pick a roster or score sheet, see the validation report before anything is stored, then confirm."""

import streamlit as st

from app_ui import after_change, session, upload
from app_ui.filters import UPLOADERS, Filters, page_start
from app_ui.i18n import t, tr
from app_ui.tables import PROBLEM_COLUMNS, show_table

FILE = "upload-file"  # the file picker, empty again once its file is stored


def file_kind() -> str:
    kinds = {
        "roster": tr("月度发放名册", "Monthly roster"),
        "evaluation": tr("绩效评价得分表", "Evaluation score sheet"),
        "standards": tr("保障标准表", "Benefit standards"),
    }
    return st.radio(tr("文件类型", "File type"), upload.KINDS, format_func=kinds.get, horizontal=True, key="kind")


def roster_slot(filters: Filters) -> dict[str, str | None]:
    """County, month and programme of a roster, where its title does not say them (None: from the title)."""
    left, middle, right = st.columns(3)
    county = left.selectbox(
        t("col_county"),
        ("", *filters.names),
        key="upload_county",
        format_func=lambda code: filters.names.get(code) or t("upload_from_title"),
    )
    month = middle.text_input(tr("月份（YYYY-MM，可留空）", "Month (YYYY-MM, optional)"), key="upload_month")
    program = right.selectbox(
        t("col_program"),
        ("", "rural", "urban"),
        key="upload_program",
        format_func=lambda key: t(key) if key else t("upload_from_title"),
    )
    return {"county": county or None, "month": month or None, "program": program or None}


def chosen_file():
    """The file picked, or None with a word on what happens once one is."""
    file = st.file_uploader(
        tr("选择文件（CSV、XLSX 或 XLS）", "Choose a file (CSV, XLSX or XLS)"),
        type=["csv", "xlsx", "xls", "txt"],
        key=after_change.form_key(FILE),
    )
    if file is None:
        st.info(
            tr(
                "选择文件后，先显示校验报告；确认后才入库。",
                "After choosing a file you see its report first; nothing is stored until you confirm.",
            )
        )
    return file


def rejection(checked: upload.Checked) -> None:
    """Every problem of a file that cannot be stored."""
    st.error(
        tr(
            f"文件未入库：发现 {len(checked.problems)} 个问题，请修改后重新上传。",
            f"Not stored: {len(checked.problems)} problems found; fix them and upload again.",
        )
    )
    name = checked.file_name
    show_table(
        checked.problems_frame(), PROBLEM_COLUMNS, name=(f"校验报告-{name}", f"problems-{name}"), key="problems"
    )


def roster_report(checked: upload.Checked) -> bool:
    """The roster's figures, what it replaces and its findings; False when this very file is stored already."""
    report, name = checked.report, checked.file_name
    st.subheader(
        tr(
            f"{report.county_name} {report.month.year}年{report.month.month}月 {t(report.program)}",
            f"{report.county_name} {report.month:%Y-%m} {t(report.program)}",
        )
    )
    rows, households, persons, amount = st.columns(4)
    rows.metric(tr("数据行", "Rows"), f"{report.rows_read:,}")
    households.metric(t("col_households"), f"{report.households:,}")
    persons.metric(t("col_persons"), f"{report.persons:,}")
    amount.metric(t("col_amount_wan"), f"{report.amount_fen / 1_000_000:,.2f}")
    if report.unchanged:
        st.success(tr("此文件与已入库版本完全相同，无需再次入库。", "This very file is already stored; nothing to do."))
        return False
    if (old := report.replaces) is not None:
        st.warning(
            tr(
                f"将替换已入库的版本：第 {old.upload_id} 号上传「{old.file_name}」（{old.uploaded_by}，"
                f"{old.uploaded_at:%Y-%m-%d %H:%M}，{old.households:,} 户）；已审核的版本在新版本审核通过前仍是领导看到的数字。",
                f"Replaces stored upload #{old.upload_id} “{old.file_name}” ({old.households:,} households).",
            )
        )
    st.markdown(
        tr("**发现的问题**（已接受，入库后可在「数据质量」页查看）", "**Findings** (accepted; see Data quality)")
    )
    if report.findings.is_empty():
        st.write(tr("未发现问题。", "None."))
    else:
        st.write(upload.findings_count(report))
        show_table(
            upload.findings_rows(report),
            upload.FINDING_COLUMNS,
            name=(f"发现-{name}", f"findings-{name}"),
            key="findings",
        )
    st.markdown(tr("**按乡镇的数字**", "**Figures by township**"))
    figures = upload.figure_rows(report)  # no new or exited households (—) in a county's first stored month
    show_table(figures, upload.FIGURE_COLUMNS, name=(f"数字-{name}", f"figures-{name}"), key="figures", placeholder="—")
    return True


def sheet_report(checked: upload.Checked) -> bool:
    """What a score sheet or standards sheet stores; False when this very file is stored already."""
    sheet = checked.sheet
    if sheet.already_stored:
        st.success(tr("此文件已入库过，无需再次入库。", "This very file is already stored; nothing to do."))
        return False
    st.markdown(tr(f"**{sheet.rows.height} 行，校验通过。**", f"**{sheet.rows.height} rows, all valid.**"))
    show_table(
        upload.summary_rows(sheet),
        upload.SUMMARY_COLUMNS[checked.kind],
        name=(f"校验结果-{checked.file_name}", f"checked-{checked.file_name}"),
        key="summary",
    )
    return True


def confirm(checked: upload.Checked) -> None:
    """Store the file on confirmation; the next run says so, with the file picker empty again."""
    if st.button(tr("确认入库", "Store it"), type="primary", key="confirm"):
        upload.commit(checked, user=session.acting())
        name = checked.file_name
        stored = (
            tr(
                f"「{name}」已入库，待审核：本县其他审核人或管理员在「审核」页审核通过后，领导看到的页面才显示新的数字"
                "（侧栏打开「含待审核数据」可先行查看）。",
                f"“{name}” stored, awaiting approval: leadership's pages show it once another evaluator of the county "
                "or an admin approves it on the Approval page (switch on “Include data awaiting approval” to see it now).",
            )
            if checked.kind in ("roster", "evaluation")
            else tr(f"「{name}」已入库，各页面的数字已更新。", f"“{name}” stored; every page shows it.")
        )
        after_change.done(stored, fresh_form=FILE)


filters = page_start("page_upload", who=UPLOADERS, needs_counties=False, needs_year=False)
after_change.show_notice()
kind = file_kind()
slot = roster_slot(filters) if kind == "roster" else dict.fromkeys(("county", "month", "program"))
if (file := chosen_file()) is None:
    st.stop()
checked = upload.check(kind, file.name, file.getvalue(), **slot)
report = roster_report if kind == "roster" else sheet_report
if checked.rejected:
    rejection(checked)
elif report(checked):  # False: this very file is stored already
    confirm(checked)
