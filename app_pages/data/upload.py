"""上传: pick a roster or score sheet, see the validation report before anything is stored, then confirm."""

import streamlit as st

from app_ui import export, session, upload
from app_ui.filters import current
from app_ui.i18n import t, tr

session.require_uploader()
filters = current()
st.title(t("page_upload"))
if stored := st.session_state.pop("upload_stored", None):
    st.success(stored)
kind_labels = {
    "roster": tr("月度发放名册", "Monthly roster"),
    "evaluation": tr("绩效评价得分表", "Evaluation score sheet"),
    "standards": tr("保障标准表", "Benefit standards"),
}
kind = st.radio(tr("文件类型", "File type"), upload.KINDS, format_func=kind_labels.get, horizontal=True, key="kind")
county = month = program = None
if kind == "roster":
    left, middle, right = st.columns(3)
    codes = ("", *filters.names)
    county = (
        left.selectbox(
            tr("县区", "County"),
            codes,
            key="upload_county",
            format_func=lambda code: filters.names.get(code) or tr("从文件标题识别", "from the file's title"),
        )
        or None
    )
    month = middle.text_input(tr("月份（YYYY-MM，可留空）", "Month (YYYY-MM, optional)"), key="upload_month") or None
    program = (
        right.selectbox(
            tr("项目", "Programme"),
            ("", "rural", "urban"),
            key="upload_program",
            format_func=lambda key: t(key) if key else tr("从文件标题识别", "from the file's title"),
        )
        or None
    )
file = st.file_uploader(
    tr("选择文件（CSV、XLSX 或 XLS）", "Choose a file (CSV, XLSX or XLS)"),
    type=["csv", "xlsx", "xls", "txt"],
    key="file",
)
if file is None:
    st.info(
        tr(
            "选择文件后，先显示校验报告；确认后才入库。",
            "After choosing a file you see its report first; nothing is stored until you confirm.",
        )
    )
    st.stop()

checked = upload.check(kind, file.name, file.getvalue(), county=county, month=month, program=program)
if checked.rejected:
    st.error(
        tr(
            f"文件未入库：发现 {len(checked.problems)} 个问题，请修改后重新上传。",
            f"Not stored: {len(checked.problems)} problems found; fix them and upload again.",
        )
    )
    problems = checked.problems_frame()
    export.table(problems, name=f"校验报告-{file.name}", download_key="problems", column_config={
            "file": tr("文件", "File"),
            "sheet": tr("工作表", "Sheet"),
            "row": tr("行", "Row"),
            "column": tr("列", "Column"),
            "message": tr("问题", "Problem"),
        })
    st.stop()

if kind == "roster":
    report = checked.report
    st.subheader(
        tr(
            f"{report.county_name} {report.month.year}年{report.month.month}月 {t(report.program)}",
            f"{report.county_name} {report.month:%Y-%m} {t(report.program)}",
        )
    )
    a, b, c, d = st.columns(4)
    a.metric(tr("数据行", "Rows"), f"{report.rows_read:,}")
    b.metric(tr("保障户数", "Households"), f"{report.households:,}")
    c.metric(tr("保障人数", "Persons"), f"{report.persons:,}")
    d.metric(tr("发放金额（万元）", "Paid (10k yuan)"), f"{report.amount_fen / 1_000_000:,.2f}")
    if report.unchanged:
        st.success(tr("此文件与已入库版本完全相同，无需再次入库。", "This very file is already stored; nothing to do."))
        st.stop()
    if report.replaces is not None:
        old = report.replaces
        st.warning(
            tr(
                f"将替换已入库的版本：第 {old.upload_id} 号上传「{old.file_name}」（{old.uploaded_by}，"
                f"{old.uploaded_at:%Y-%m-%d %H:%M}，{old.households:,} 户）。",
                f"Replaces stored upload #{old.upload_id} “{old.file_name}” ({old.households:,} households).",
            )
        )
    counts = report.findings.group_by("kind").len().sort("len", descending=True)
    st.markdown(
        tr("**发现的问题**（已接受，入库后可在「数据质量」页查看）", "**Findings** (accepted; see Data quality)")
    )
    if report.findings.is_empty():
        st.write(tr("未发现问题。", "None."))
    else:
        st.write("，".join(f"{upload.KIND_LABELS[kind_]} {n}" for kind_, n in counts.iter_rows()))
        export.table(report.findings, name=f"发现-{file.name}", download_key="findings")
    st.markdown(tr("**按乡镇的数字**", "**Figures by township**"))
    export.table(report.figures, name=f"数字-{file.name}", download_key="figures")
else:
    sheet = checked.sheet
    if sheet.already_stored:
        st.success(tr("此文件已入库过，无需再次入库。", "This very file is already stored; nothing to do."))
        st.stop()
    st.markdown(tr(f"**{sheet.rows.height} 行，校验通过。**", f"**{sheet.rows.height} rows, all valid.**"))
    export.table(sheet.summary, name=f"校验结果-{file.name}", download_key="summary")

if st.button(tr("确认入库", "Store it"), type="primary", key="confirm"):
    upload.commit(checked, user=session.acting())
    st.session_state["upload_stored"] = tr(
        f"「{file.name}」已入库，各页面的数字已更新。", f"“{file.name}” stored; every page shows it."
    )
    st.rerun()
