"""指标得分: one evaluation's indicators level by level, where it lost points, and counties side by side."""

import polars as pl
import streamlit as st

from app_ui import data, drill
from app_ui.charts import scores as charts
from app_ui.filters import Filters, page_start, pending_note
from app_ui.i18n import evaluation_kind_words, label, t, tr
from app_ui.tables import RATE, Column, retitled, show_table, spec
from warehouse.frames import recheck as recheck_views
from warehouse.frames import scores as views

EVALUATION = "scores-evaluation"  # the picker of the evaluation shown
LOST = Column("lost", ("扣分", "Lost"), "%.2f")
TARGETS = [Column("target", ("年度指标值", "Target")), Column("actual", ("实际完成值", "Actual"))]
NOTE = retitled("note", "col_note", width="large")
LEVEL_COLUMNS = [
    Column("name", "col_indicator", width="medium"),
    "points",
    "score",
    Column("score_basis", "score_basis", width="medium"),
    retitled("score_rate", "col_score_rate", format=RATE),
    LOST,
    *TARGETS,
    NOTE,
]
LOST_COLUMNS = ["level1", "path", "points", "score", LOST, *TARGETS, NOTE]
RECHECK_COLUMNS = [
    "indicator",
    "points",
    Column("reported", ("报告得分", "Reported"), "%.2f"),
    Column("report_basis", ("按报告数字重算", "On the report's figures"), "%.2f"),
    Column("recomputed", ("全部计入", "All bases"), "%.2f"),
    Column("mark", ("核对", "Check")),
    Column("basis", ("差异依据", "Rests on")),
    Column("other", ("其他读法 · 仓库数据", "Other readings · warehouse"), width="large"),
    Column("how", ("重算方式", "How")),
    Column("rule", ("评分规则", "Rule"), width="large"),
    Column("inputs", ("依据数据", "Inputs"), width="large"),
    Column("reason", "col_note"),
    Column("path", ("指标路径", "Path")),  # in the downloads only: on screen the indented name says it
]


def figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def say_missing(evaluations: pl.DataFrame, *, filters: Filters) -> None:
    """Name the chosen counties without an evaluation in the year (and programme)."""
    if missing := views.counties_without(evaluations, filters.counties):
        places = tr("、", ", ").join(filters.names.get(code, code) for code in missing)
        scope = filters.program_words
        st.info(
            tr(
                f"{places} {filters.year}年{scope}没有绩效评价。请在左侧换一个年度或项目，或在「上传」页导入评分表。",
                f"No evaluation for {places} in {filters.year}{scope}. "
                "Choose another year or programme in the sidebar, or import a score sheet on the Upload page.",
            )
        )


def chosen_evaluation(evaluations: pl.DataFrame, *, filters: Filters) -> dict:
    """The evaluation picked above the page: at first (or in another year) the first real report."""
    options = views.evaluation_options(evaluations, names=filters.names, words=charts.label_words())
    ids = options["id"].to_list()
    if st.session_state.get(f"{EVALUATION}-value") not in ids:
        drill.choose(EVALUATION, ids[views.default_option(options)])
    titles = dict(zip(ids, options["label"].to_list(), strict=True))
    chosen = drill.pick(tr("评价", "Evaluation"), ids, key=EVALUATION, titles=titles, first=True)
    return evaluations.row(ids.index(chosen), named=True)


def header_metrics(evaluation: dict, *, tree: pl.DataFrame, checked) -> None:
    """Total and grade as reported (or the computed sum), who evaluated, and the re-check's outcome."""
    if evaluation["source"] == "synthetic":
        st.caption(t("synthetic_note"))
    total, total_label = evaluation["total_score"], t("col_total_score")
    if total is None and (total := views.computed_total(tree)) is not None:
        total_label = tr("总分 · 合计（计算）", "Total · sum of level 1 (computed)")
    score_col, grade_col, about_col = st.columns([1, 1, 4])
    score_col.metric(total_label, figure(total))
    grade_col.metric(t("col_grade"), evaluation["grade"] or "—", help=tr("报告所写的等级", "As the report writes it"))
    colon = tr("：", ": ")
    about_col.markdown(
        f"{tr('评价方式', 'Kind')}{colon}{evaluation_kind_words()[evaluation['kind']]}  \n"
        f"{t('col_evaluator')}{colon}{evaluation['evaluator'] or '—'}"
    )
    if checked is None or not checked.rubric:
        return
    recheck_metrics(checked, total=total)


def recheck_metrics(checked, *, total: float | None) -> None:
    """The re-check on the report's own figures first; readings and warehouse data beside it, labelled."""
    totals, grades = checked.totals, checked.grades
    proven_col, grade_col, differences_col, others_col = st.columns([1, 1, 1, 3])
    proven = totals["report_basis"]
    proven_col.metric(
        tr("按报告数字重算", "Recomputed on the report's figures"),
        figure(proven),
        delta=f"{proven - total:+.2f}" if None not in (total, proven) and abs(proven - total) > 0.005 else None,
        delta_color="off",
        help=tr(
            "只计入由报告自身所写的数字就能证明的差异；取决于解读或仓库数据的，列在右侧",
            "Only the differences the report's own figures prove; those resting on a reading or warehouse data "
            "are listed on the right",
        ),
    )
    grade_col.metric(tr("重算等级", "Recomputed grade"), grades["report_basis"] or "—")
    proven_count = sum(1 for d in checked.differences if d.basis == "report")
    differences_col.metric(tr("报告数字证明的差异", "Proven differences"), proven_count)
    others_col.markdown(
        "  \n".join(
            f"{tr(words, english)}{tr('：', ': ')}**{figure(totals[key])}** {grades[key] or '—'}"
            for key, words, english in (
                ("report_and_readings", "另计入解读", "With readings"),
                (
                    "report_and_warehouse",
                    "另计入名册数据（合成演示数据）" if synthetic_data(checked) else "另计入仓库数据",
                    "With roster data (synthetic demo data)" if synthetic_data(checked) else "With warehouse data",
                ),
                ("all", "全部计入", "All of them"),
            )
        )
    )
    if checked.grade_note:
        st.warning(tr(f"等级：{checked.grade_note}", f"Grade: {checked.grade_note}"))


def synthetic_data(checked) -> bool:
    return any(d.synthetic for d in checked.differences if d.basis == "warehouse")


def tree_section(tree: pl.DataFrame, *, evaluation_id: int) -> None:
    """One level of the tree as bars and a table; a bar (or the picker below it) opens the next level."""
    st.subheader(tr("指标得分（逐级展开）", "Indicator scores, level by level"))
    node_key = f"scores-node-{evaluation_id}"
    node = st.session_state.get(node_key, "")
    if node not in set(tree.filter(~tree["leaf"])["path"].to_list()):
        node = st.session_state[node_key] = ""
    if node:  # the parent's picker opened this node: going back up must not open it again
        drill.choose(opener(evaluation_id, node.rpartition("/")[0]), None)
    breadcrumbs(node, node_key=node_key, evaluation_id=evaluation_id)
    rows = views.children(tree, node)
    event = st.altair_chart(
        charts.indicator_level(rows), on_select="rerun", key=f"scores-chart-{evaluation_id}-{node}", width="stretch"
    )
    if openable := rows.filter(~rows["leaf"])["path"].to_list():
        opened = drill.pick(
            tr("展开下一级（或点击图中的条形）", "Open the next level (or click a bar)"),
            openable,
            key=opener(evaluation_id, node),
            hint=("选择指标", "Choose an indicator"),
            titles=lambda path: path.rsplit("/", 1)[-1],
            clicked=(drill.clicked_point(event, "indicator") or {}).get("path"),
        )
        if opened is not None:
            open_node(node_key, opened)
            st.rerun()
    level = views.indicator_table(rows, basis_words=charts.basis_words())
    name = ("指标得分", "indicator-scores")
    show_table(level, LEVEL_COLUMNS, name=name, key="scores-level", shade="lost_points", placeholder="")
    st.caption(
        tr(
            "扣分的行以红色标出。「合计（计算）」是下级得分之和，报告本身未给出该小计。",
            "Rows that lost points are shaded. 'Computed' is the sum of the children: "
            "the report gives no subtotal there.",
        )
    )


def opener(evaluation_id: int, node: str) -> str:
    """The picker that opens a child of `node`."""
    return f"scores-open-{evaluation_id}-{node}"


def open_node(node_key: str, path: str) -> None:
    """Show the children of `path` ("" = the level-1 indicators)."""
    st.session_state[node_key] = path


def breadcrumbs(node: str, *, node_key: str, evaluation_id: int) -> None:
    """The way down to the open node; each step above it goes back there."""
    with st.container(horizontal=True, vertical_alignment="center"):
        for path in ["", *views.ancestors(node)]:
            st.button(
                path.rsplit("/", 1)[-1] if path else tr("全部一级指标", "All level-1 indicators"),
                key=f"scores-crumb-{evaluation_id}-{path}",
                type="tertiary",
                disabled=path == node,
                on_click=open_node,
                args=(node_key, path),
            )
            if path != node:
                st.markdown("›")


def recheck_section(checked, *, evaluation_id: int) -> None:
    """Each indicator as reported and as recomputed from the rubric, with the differences named."""
    st.subheader(tr("报告与重算对照", "Reported vs recomputed"))
    if checked is None or not checked.rubric:
        st.info(
            tr(
                "没有适用于这份评价的指标体系（rubrics/ 中无对应文件），无法重算。",
                "No rubric applies to this evaluation (none in rubrics/), so nothing can be recomputed.",
            )
        )
        return
    st.caption(
        tr(
            f"指标体系：{checked.rubric}。能由数据计算的指标（资金到位率、预算执行率、保障人数、按时发放、标准提高……）"
            "按评分规则重算；评价人员判断的指标保留报告得分，但核对其是否为规则可能给出的分数。",
            f"Rubric: {checked.rubric}. Leaves the warehouse can compute are rescored by their rule; judgement "
            "leaves keep the reported score, which is checked against the scores the rule can give.",
        )
    )
    differ_mark = tr("≠ 不一致", "≠ differs")
    comparison = recheck_views.comparison(checked.lines_frame(), marks=(differ_mark, ""))
    only = st.toggle(tr("只看不一致的指标", "Only the differences"), key=f"scores-only-differences-{evaluation_id}")
    show_table(
        recheck_views.only_differences(comparison, mark=differ_mark) if only else comparison,
        RECHECK_COLUMNS,
        name=("报告与重算对照", "reported-vs-recomputed"),
        key=f"scores-recheck-{evaluation_id}",
        placeholder="",
        column_order=[label(spec(column).title) for column in RECHECK_COLUMNS[:-1]],
    )
    differences_by_basis(checked, evaluation_id=evaluation_id)
    missed_targets(checked, evaluation_id=evaluation_id)
    if checked.problems:
        st.markdown(tr("**评价与指标体系本身的问题**", "**Problems of the sheet or the rubric itself**"))
        st.markdown("\n".join(f"- {problem}" for problem in checked.problems))


BASIS_SECTIONS = (
    ("report", ("报告自身数字证明的差异", "Proven by the report's own figures")),
    ("reading", ("取决于解读的差异", "Resting on a reading of ambiguous rubric words")),
    ("warehouse", ("仓库数据的第二意见", "Second opinion from warehouse data")),
)
INDICATOR = Column("indicator", "col_indicator", width="medium")
REPORTED = Column("reported", ("报告", "Reported"))
RECOMPUTED = Column("recomputed", ("重算", "Recomputed"))
INPUTS = Column("inputs", ("依据数据", "Inputs"), width="large")
OTHERS = Column("alternatives", ("其他读法的得分", "Score under the other readings"), width="large")
READING = Column("reading", ("所用读法", "Reading used"), width="large")
DIFFERENCE_COLUMNS = {  # what each basis needs said: the reading and its alternatives; whose data
    "report": [INDICATOR, REPORTED, RECOMPUTED, INPUTS, OTHERS],
    "reading": [INDICATOR, REPORTED, RECOMPUTED, READING, OTHERS],
    "warehouse": [INDICATOR, REPORTED, RECOMPUTED, Column("basis_words", ("数据", "Data")), INPUTS],
}
MISSED_COLUMNS = [
    Column("target", ("绩效目标", "Target"), width="medium"),
    Column("written", ("年度指标值", "Target value")),
    Column("actual", ("实际完成值", "Actual")),
    Column("indicator", ("所在指标", "Held by"), width="medium"),
    Column("score", ("报告得分", "Reported score"), "%.2f"),
    Column("points", ("分值", "Points"), "%.2f"),
]


def differences_by_basis(checked, *, evaluation_id: int) -> None:
    """Every difference under what it rests on, never mixed: the report's figures, a reading, the warehouse."""
    differences = checked.differences_frame()
    for basis, title in BASIS_SECTIONS:
        shown = recheck_views.resting_on(differences, basis)
        if shown.is_empty():
            continue
        words = tr(*title)
        if basis == "warehouse" and synthetic_data(checked):
            words += tr("（合成演示数据，不是该县的真实名册）", " (synthetic demo data, not the county's rosters)")
        st.markdown(f"**{words}**")
        show_table(
            shown,
            DIFFERENCE_COLUMNS[basis],
            name=(title[0], f"differences-{basis}"),
            key=f"scores-{basis}-{evaluation_id}",
            placeholder="",
        )


def missed_targets(checked, *, evaluation_id: int) -> None:
    """Targets the report's own actual misses while the indicator holding them got full marks."""
    missed = checked.missed_targets_frame()
    if missed.is_empty():
        return
    st.markdown(
        tr(
            "**未达到目标却得满分**（报告自身的目标值与实际完成值）",
            "**Missed targets scored in full** (the report's own figures)",
        )
    )
    show_table(missed, MISSED_COLUMNS, name=("未达目标", "missed-targets"), key=f"scores-missed-{evaluation_id}")


def lost_points(tree: pl.DataFrame) -> None:
    """The leaves that lost points, the largest loss first."""
    st.subheader(tr("失分排行", "Where points were lost"))
    lost = views.lost_points(tree)
    if lost.is_empty():
        st.success(tr("各末级指标均得满分。", "Every leaf indicator scored full marks."))
    else:
        show_table(lost, LOST_COLUMNS, name=("失分排行", "points-lost"), key="scores-lost")
    if unscored := views.unscored_leaves(tree):
        st.caption(
            tr(
                f"另有 {unscored} 项末级指标报告未给得分，未列入排行。",
                f"{unscored} more leaf indicators have no score in the report and are not ranked.",
            )
        )


def side_by_side(evaluations: pl.DataFrame, *, filters: Filters) -> None:
    """The level-1 score rates of every chosen county's evaluation in the year, as bars and a table."""
    st.subheader(tr("县区并排：一级指标得分率", "Counties side by side: level-1 score rates"))
    if evaluations.height < 2:
        st.info(
            tr(
                "在左侧多选几个县区，即可并排比较同一年度的一级指标得分率。",
                "Choose more counties in the sidebar to compare their level-1 score rates for the year.",
            )
        )
        return
    every_tree = views.indicator_tree(data.indicators(tuple(evaluations["id"].to_list())))
    level1 = views.level1_side_by_side(evaluations, every_tree, names=filters.names, words=charts.label_words())
    st.altair_chart(charts.level1_by_county(level1), width="stretch")
    side = views.side_by_side_table(level1)
    rates = [Column(name, (name, name), RATE) for name in side.columns[1:]]
    show_table(
        side,
        [Column("series", "col_county"), *rates],
        name=("一级指标得分率", "level-1-rates"),
        key="scores-side",
        placeholder="",
    )
    st.caption(
        tr(
            "得分率 = 得分 ÷ 分值；报告未给一级小计的，按下级得分合计（计算）。空白：该县的指标体系没有这一项。",
            "Score rate = score ÷ points; where a report gives no level-1 subtotal, the children's sum is used. "
            "Blank: the county's rubric has no such indicator.",
        )
    )


filters = page_start("page_scores")
evaluations = data.evaluations(filters.counties, filters.program, filters.year, pending=filters.pending)
pending_note(evaluations, filters)
say_missing(evaluations, filters=filters)
if evaluations.is_empty():
    st.stop()
evaluation = chosen_evaluation(evaluations, filters=filters)
tree = views.indicator_tree(data.indicators((evaluation["id"],)))
checked = data.recheck(evaluation["id"])
header_metrics(evaluation, tree=tree, checked=checked)
if tree.is_empty():
    st.info(tr("这份评价没有指标得分行。", "This evaluation has no indicator rows."))
    st.stop()
tree_section(tree, evaluation_id=evaluation["id"])
recheck_section(checked, evaluation_id=evaluation["id"])
lost_points(tree)
side_by_side(evaluations, filters=filters)
