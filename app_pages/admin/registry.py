"""县区与指标体系: the county registry with the import of a registry file, and the rubric library (read-only)."""

import streamlit as st

from app_ui import after_change, county_registry, rubric_library
from app_ui.filters import ADMINS, Filters, page_start
from app_ui.i18n import tr
from app_ui.tables import PROBLEM_COLUMNS, show_table

REGISTRY_FILE = "registry-file"  # the file picker, empty again after an import


def county_table() -> None:
    st.subheader(tr("县区名录", "County registry"))
    show_table(
        county_registry.registry_rows(),
        county_registry.REGISTRY_COLUMNS,
        name=("县区名录", "county-registry"),
        key="registry",
    )


def import_section() -> None:
    """Choose a registry file; see what it would change, or why it cannot be imported; confirm."""
    st.markdown(tr("**导入县区名录文件**", "**Import a registry file**"))
    st.caption(
        tr(
            "列：县区代码、县区名称（必填），简称、省份、地市、发放截止日（1–31，空为月末）、乡镇代码、乡镇名称；"
            "一行一个乡镇，县区各列只写在其第一行即可。文件中的县区，其信息和乡镇名单整体换成文件中的内容；"
            "文件中没有的县区不变。",
            "Columns: 县区代码 and 县区名称 (required), 简称, 省份, 地市, 发放截止日 (1–31; blank: month end), "
            "乡镇代码, 乡镇名称; one row per township. A county in the file gets the file's details and township "
            "list as a whole; counties not in the file stay as they are.",
        )
    )
    file = st.file_uploader(
        tr("选择文件（CSV、XLSX 或 XLS）", "Choose a file (CSV, XLSX or XLS)"),
        type=["csv", "xlsx", "xls"],
        key=after_change.form_key(REGISTRY_FILE),
    )
    if file is None:
        return
    checked = county_registry.check(file.name, file.getvalue())
    if checked.rejected:
        st.error(
            tr(
                f"文件未导入：发现 {len(checked.problems)} 个问题，请修改后重新上传。",
                f"Not imported: {len(checked.problems)} problems; fix them and upload again.",
            )
        )
        show_table(
            checked.problems_frame(),
            PROBLEM_COLUMNS,
            name=(f"校验报告-{file.name}", f"problems-{file.name}"),
            key="registry-problems",
        )
    elif checked.already_stored:
        st.success(tr("此文件已导入过，无需再次导入。", "This very file is already imported; nothing to do."))
    else:
        show_table(checked.preview, county_registry.PREVIEW_COLUMNS, name=("导入预览", "preview"), key="preview")
        if st.button(tr("确认导入", "Import it"), type="primary", key="registry-confirm"):
            count = county_registry.store(checked)
            if count is None:
                st.rerun()  # the loader's problems are in `checked`: the next run shows them
            else:
                after_change.done(
                    tr(f"「{file.name}」已导入：{count} 个县区。", f"“{file.name}” imported: {count} counties."),
                    fresh_form=REGISTRY_FILE,
                )


def rubric_section(filters: Filters) -> None:
    st.subheader(tr("指标体系", "Rubrics"))
    st.info(
        tr(
            "指标体系是仓库 rubrics/ 目录中的 TOML 文件，随代码一同修改和审阅，不能在此页更改。"
            "改动后运行 `dibao rubric validate` 检查，格式见 docs/rubrics.md。本页只读。",
            "Rubrics are TOML files in the repository's rubrics/ folder, changed and reviewed with the code, not on "
            "this page. Check a change with `dibao rubric validate`; the format is in docs/rubrics.md. Read-only.",
        )
    )
    rubrics, broken = rubric_library.rubrics()
    if broken:
        st.error(tr("指标体系文件有误，未能载入：", "A rubric file is wrong and the library did not load:"))
        st.code("\n".join(broken), language=None)
        return
    rows = rubric_library.rubric_rows(rubrics, filters.names)
    show_table(rows, rubric_library.RUBRIC_COLUMNS, name=("指标体系", "rubrics"), key="rubrics")
    st.markdown(
        tr(
            "**报告原文问题**（照原文转录、已标注的评分规则问题，重算时按说明处理）",
            "**Report errata** (faults of the report's own rubric, transcribed and flagged)",
        )
    )
    errata = rubric_library.errata_rows(rubrics)
    show_table(errata, rubric_library.ERRATA_COLUMNS, name=("报告原文问题", "errata"), key="errata")


filters = page_start("page_registry", who=ADMINS, needs_counties=False, needs_year=False)
after_change.show_notice()
county_table()
import_section()
rubric_section(filters)
