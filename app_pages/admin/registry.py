"""县区与指标体系: the county registry with the import of a registry file, and the rubric library (read-only)."""

import streamlit as st

from app_ui import admin, export, session
from app_ui.filters import current
from app_ui.i18n import t, tr

session.require_admin()
filters = current()
st.title(t("page_registry"))
if stored := st.session_state.pop("registry-stored", None):
    st.success(stored)

# ── the county registry ────────────────────────────────────────────────────────
st.subheader(tr("县区名录", "County registry"))
st.dataframe(admin.registry_rows(admin.registry()), hide_index=True, width="stretch")

st.markdown(tr("**导入县区名录文件**", "**Import a registry file**"))
st.caption(
    tr(
        "列：县区代码、县区名称（必填），简称、省份、地市、发放截止日（1–31，空为月末）、乡镇代码、乡镇名称；"
        "一行一个乡镇，县区各列只写在其第一行即可。文件中的县区，其信息和乡镇名单整体换成文件中的内容；"
        "文件中没有的县区不变。",
        "Columns: 县区代码 and 县区名称 (required), 简称, 省份, 地市, 发放截止日 (1–31; blank: month end), 乡镇代码, "
        "乡镇名称; one row per township. A county in the file gets the file's details and township list as a "
        "whole; counties not in the file stay as they are.",
    )
)
attempt = admin.form_round("registry-file")
file = st.file_uploader(
    tr("选择文件（CSV、XLSX 或 XLS）", "Choose a file (CSV, XLSX or XLS)"),
    type=["csv", "xlsx", "xls"],
    key=f"registry-file-{attempt}",
)
if file is not None:
    checked = admin.check_registry(file.name, file.getvalue())
    if checked.rejected:
        st.error(
            tr(
                f"文件未导入：发现 {len(checked.problems)} 个问题，请修改后重新上传。",
                f"Not imported: {len(checked.problems)} problems; fix them and upload again.",
            )
        )
        export.table(
            admin.problems_frame(checked.problems), name=f"校验报告-{file.name}", download_key="registry-problems"
        )
    elif checked.already_stored:
        st.success(tr("此文件已导入过，无需再次导入。", "This very file is already imported; nothing to do."))
    else:
        st.dataframe(checked.preview, hide_index=True, width="stretch")
        if st.button(tr("确认导入", "Import it"), type="primary", key="registry-confirm"):
            count = admin.store_registry(checked)
            if count is not None:
                st.session_state["registry-stored"] = tr(
                    f"「{file.name}」已导入：{count} 个县区。", f"“{file.name}” imported: {count} counties."
                )
                st.session_state["registry-file-round"] = attempt + 1  # an empty file picker
            st.rerun()

# ── the rubric library ─────────────────────────────────────────────────────────
st.subheader(tr("指标体系", "Rubrics"))
st.info(
    tr(
        "指标体系是仓库 rubrics/ 目录中的 TOML 文件，随代码一同修改和审阅，不能在此页更改。"
        "改动后运行 `dibao rubric validate` 检查，格式见 docs/rubrics.md。本页只读。",
        "Rubrics are TOML files in the repository's rubrics/ folder, changed and reviewed with the code, not on "
        "this page. Check a change with `dibao rubric validate`; the format is in docs/rubrics.md. Read-only.",
    )
)
rubrics, broken = admin.rubrics()
if broken:
    st.error(tr("指标体系文件有误，未能载入：", "A rubric file is wrong and the library did not load:"))
    st.code("\n".join(broken), language=None)
else:
    st.dataframe(
        admin.rubric_rows(rubrics, filters.names),
        hide_index=True,
        width="stretch",
        column_config={
            admin.rubric_columns()["name"]: st.column_config.TextColumn(width=280),
            admin.rubric_columns()["points"]: st.column_config.NumberColumn(format="%g"),
        },
    )
    st.markdown(
        tr(
            "**报告原文问题**（照原文转录、已标注的评分规则问题，重算时按说明处理）",
            "**Report errata** (faults of the report's own rubric, transcribed and flagged)",
        )
    )
    st.dataframe(admin.rubric_problems(rubrics), hide_index=True, width="stretch")
