"""Interface words in Chinese (first) and English; `t("key")` in the language chosen."""

from __future__ import annotations

import streamlit as st

WORDS: dict[str, tuple[str, str]] = {
    "app_title": ("低保绩效驾驶舱", "Dibao performance cockpit"),
    "group_dashboard": ("驾驶舱", "Dashboard"),
    "group_performance": ("绩效", "Performance"),
    "group_data": ("数据", "Data"),
    "group_admin": ("管理", "Administration"),
    "page_overview": ("总览", "Overview"),
    "page_recipients": ("保障人数", "Recipients"),
    "page_standards": ("保障标准", "Standards"),
    "page_on_time": ("按时发放", "On-time payment"),
    "page_scores": ("指标得分", "Indicator scores"),
    "page_grades": ("等级趋势", "Grade trends"),
    "page_scoring": ("评分", "Score an evaluation"),
    "page_upload": ("上传", "Upload"),
    "page_findings": ("数据质量", "Data quality"),
    "page_users": ("账户管理", "Accounts"),
    "page_audit": ("审计日志", "Audit log"),
    "page_registry": ("县区与指标体系", "Counties and rubrics"),
    "counties": ("县区", "Counties"),
    "program": ("项目", "Programme"),
    "year": ("年度", "Year"),
    "language": ("语言", "Language"),
    "rural": ("农村低保", "Rural"),
    "urban": ("城市低保", "Urban"),
    "all_programs": ("全部", "All"),
    "synthetic_note": (
        "演示数据：名册为按真实评价报告数字生成的合成数据；标注「演示数据」的评价与标准亦为合成。",
        "Demo data: rosters are synthetic, generated to match the real reports; items marked demo are synthetic.",
    ),
    "empty_warehouse": (
        "数据仓库是空的。请先运行 `dibao demo` 载入演示数据，或在「上传」页导入名册和评价。",
        "The warehouse is empty. Run `dibao demo` to load the demo data, or import files on the Upload page.",
    ),
    "no_county": ("请在左侧选择至少一个县区。", "Choose at least one county in the sidebar."),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
}


def language() -> str:
    """The sidebar's choice; before the sidebar is drawn (navigation titles), the URL's."""
    chosen = st.session_state.get("filter_lang") or st.query_params.get("lang")
    return "en" if chosen == "en" else "zh"


def t(key: str) -> str:
    chinese, english = WORDS[key]
    return english if language() == "en" else chinese


def tr(chinese: str, english: str) -> str:
    """A page's own words, in the language chosen (shared words live in WORDS)."""
    return english if language() == "en" else chinese


def program_words() -> dict[str, str]:
    """Programme keys as the interface names them."""
    return {"rural": tr("农村", "Rural"), "urban": tr("城市", "Urban"), "all": tr("城乡", "Urban and rural")}


def evaluation_kind_words() -> dict[str, str]:
    """Evaluation kinds as the interface names them."""
    return {
        "self": tr("自评", "Self-evaluation"),
        "department": tr("部门评价", "Department evaluation"),
        "finance": tr("财政评价", "Finance evaluation"),
    }
