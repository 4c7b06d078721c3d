"""Interface words in Chinese (first) and English; `t("key")` in the language chosen."""

from __future__ import annotations

import streamlit as st

from warehouse.vocabulary import FINDING_WORDS, KIND_WORDS, PROGRAM_WORDS

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
    "page_followup": ("整改台账", "Follow-up register"),
    "page_approval": ("审核", "Approval"),
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
    "pick_in_chart": ("点击图中的点，或在此选择", "Click a point in the chart, or choose here"),
    "synthetic": ("演示数据", "Demo data"),
    "show_pending": ("含待审核数据", "Include data awaiting approval"),
    "show_pending_help": (
        "默认只显示已审核（及已锁定）的月份和评价；打开后，等待审核的名册新版本代替已审核版本显示，首次上传的评价也一并显示，均标注「待审核」。",
        "By default only approved (and locked) months are shown; switched on, versions awaiting approval are "
        "shown in their place, marked pending.",
    ),
    "pending_mark": ("（待审核）", " (pending)"),
    "pending_months": ("以下为待审核数据，尚未经审核：{months}", "Awaiting approval, not yet approved: {months}"),
    # — programmes and evaluation kinds: the Chinese words are the vocabulary's own —
    "program_rural": (PROGRAM_WORDS["rural"], "Rural"),
    "program_urban": (PROGRAM_WORDS["urban"], "Urban"),
    "program_all": (PROGRAM_WORDS["all"], "Urban and rural"),
    "kind_self": (KIND_WORDS["self"], "Self-evaluation"),
    "kind_department": (KIND_WORDS["department"], "Department evaluation"),
    "kind_finance": (KIND_WORDS["finance"], "Finance evaluation"),
    # — column titles shared by several tables (app_ui.columns gives each its format) —
    "col_county": ("县区", "County"),
    "col_program": ("项目", "Programme"),
    "col_category": ("保障类别", "Category"),
    "col_township": ("乡镇（街道）", "Township"),
    "col_village": ("村（社区）", "Village"),
    "col_month": ("月份", "Month"),
    "col_year": ("年度", "Year"),
    "col_households": ("保障户数", "Households"),
    "col_persons": ("保障人数", "Persons"),
    "col_new_households": ("新增户数", "New households"),
    "col_exited_households": ("退出户数", "Exited households"),
    "col_amount_wan": ("发放金额（万元）", "Amount paid (10k yuan)"),
    "col_amount": ("发放金额（元）", "Amount (yuan)"),
    "col_data": ("数据", "Data"),
    "col_source": ("来源", "Source"),
    "col_document": ("文号", "Document"),
    "col_effective_from": ("起始日期", "In force from"),
    "col_rise_pct": ("增幅（%）", "Rise (%)"),
    "col_file": ("文件", "File"),
    "col_sheet": ("工作表", "Sheet"),
    "col_row": ("行号", "Row"),
    "col_column": ("列", "Column"),
    "col_problem": ("问题", "Problem"),
    "col_detail": ("说明", "Detail"),
    "col_note": ("说明", "Note"),
    "col_id_masked": ("身份证号（已脱敏）", "ID number (masked)"),
    "col_finding_kind": ("问题类型", "Kind"),
    "col_indicator": ("指标", "Indicator"),
    "col_level1": ("一级指标", "Level-1 indicator"),
    "col_points": ("分值", "Points"),
    "col_score": ("得分", "Score"),
    "col_score_rate": ("得分率", "Score rate"),
    "col_total_score": ("总分", "Total score"),
    "col_grade": ("等级", "Grade"),
    "col_grade_reported": ("等级（报告原文）", "Grade (as reported)"),
    "col_band": ("按分数应为", "Band of the score"),
    "col_evaluation_kind": ("评价类型", "Kind"),
    "col_evaluator": ("评价机构", "Evaluator"),
    "col_on_time_rate": ("按时发放率", "On-time rate"),
    # — page words (each area adds its own below its heading) —
    # dashboard
    "no_earlier_month": (
        "没有上月名册可比，无法计算新增与退出。",
        "No earlier month stored to compare with: no new or exited figures.",
    ),
    "month_format": ("%Y年%-m月", "%b %Y"),  # strftime and d3: a month in the dashboard's labels
    "no_rosters": (
        "仓库里还没有任何年度的名册。请在「上传」页导入月度发放名册。",
        "No rosters stored yet. Import monthly rosters on the Upload page.",
    ),
    "no_rosters_in_year": (
        "所选县区在 {year}年 没有发放名册。请在左侧换一个年度或县区，或在「上传」页导入名册。",
        "The chosen counties have no rosters in {year}. Choose another year or county, or upload rosters.",
    ),
    "deadline": ("发放截止", "Deadline"),
    "on_time_households": ("按时户数", "On time"),
    "late_households": ("逾期户数", "Late"),
    "unpaid_households": ("未发放户数", "Unpaid"),
    "on_time_12m": ("近 12 个月按时率", "On time, 12 months"),
    "standard_series": ("项目 · 类别", "Programme · category"),
    # performance
    "score_basis": ("得分口径", "Score basis"),
    # data
    "finding_invalid_id": (FINDING_WORDS["invalid_id"], "Invalid ID number"),
    "finding_duplicate_household": (FINDING_WORDS["duplicate_household"], "Listed twice in a roster"),
    "finding_cross_county_duplicate": (FINDING_WORDS["cross_county_duplicate"], "Paid in two counties"),
    "finding_over_standard": (FINDING_WORDS["over_standard"], "Paid above standard"),
    "finding_late_payment": (FINDING_WORDS["late_payment"], "Paid late"),
    "finding_unpaid": (FINDING_WORDS["unpaid"], "Not paid"),
    "upload_from_title": ("从文件标题识别", "from the file's title"),
    # admin
    "audit_nothing_logged": (
        "所选范围内没有记录。可放宽日期或去掉条件。",
        "Nothing logged in this range; widen the dates or clear a filter.",
    ),
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
    return {program: t(f"program_{program}") for program in PROGRAM_WORDS}


def evaluation_kind_words() -> dict[str, str]:
    """Evaluation kinds as the interface names them."""
    return {kind: t(f"kind_{kind}") for kind in KIND_WORDS}


Label = str | tuple[str, str]  # a catalogue key of WORDS, or a page's own (中文, English)


def label(text: Label) -> str:
    """A catalogue key, or a page's own (中文, English) pair, in the language chosen."""
    return tr(*text) if isinstance(text, tuple) else t(text)
