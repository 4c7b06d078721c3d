"""指标得分: one evaluation's indicators level by level, where it lost points, and counties side by side."""

import streamlit as st

from app_ui import data
from app_ui.charts import scores as charts
from app_ui.export import download_buttons
from app_ui.export import table as table_with_downloads
from app_ui.filters import page_start
from app_ui.i18n import language, t, tr
from warehouse.frames import recheck as recheck_views
from warehouse.frames import scores as views

LOST = "background-color: #fde2e1"  # a row that lost points


def open_node(node_key: str, path: str) -> None:
    """Show the children of `path` ("" = the level-1 indicators)."""
    st.session_state[node_key] = path


def open_picked(node_key: str, widget_key: str, openable: set[str]) -> None:
    """Open what was picked in the chart (a click) or in the fallback selectbox, if it has children."""
    picked = st.session_state[widget_key]
    if isinstance(picked, dict):  # a chart event: {"selection": {"indicator": [{"path": ...}]}}
        points = picked.get("selection", {}).get("indicator") or [{}]
        picked = points[0].get("path")
    if picked in openable:
        st.session_state[node_key] = picked


def shade_lost(row):
    return [LOST if row["lost"] and row["lost"] > 0 else ""] * len(row)


def styled(table):
    """The level's table with rows that lost points shaded, figures to 2 decimals, rates as 97.5%."""
    figures = dict.fromkeys(("points", "score", "lost"), "{:.2f}") | {"score_rate": "{:.1%}"}
    return table.to_pandas().style.apply(shade_lost, axis=1).format(figures, na_rep="")


filters = page_start("page_scores")

evaluations = data.evaluations(filters.counties, filters.program, filters.year)
if missing := views.counties_without(evaluations, filters.counties):
    places = tr("、", ", ").join(filters.names.get(code, code) for code in missing)
    scope = tr(f"（{t(filters.program)}）", f" ({t(filters.program)})") if filters.program else ""
    st.info(
        tr(
            f"{places} {filters.year}年{scope}没有绩效评价。请在左侧换一个年度或项目，或在「上传」页导入评分表。",
            f"No evaluation for {places} in {filters.year}{scope}. "
            "Choose another year or programme in the sidebar, or import a score sheet on the Upload page.",
        )
    )
if evaluations.is_empty():
    st.stop()

words = {
    "rural": tr("农村", "rural"),
    "urban": tr("城市", "urban"),
    "all": tr("城乡", "urban and rural"),
    "self": tr("自评", "self-evaluation"),
    "department": tr("部门评价", "department evaluation"),
    "finance": tr("财政评价", "finance evaluation"),
    "synthetic": tr("演示数据", "demo data"),
}
options = views.evaluation_options(evaluations, names=filters.names, words=words)
labels = dict(zip(options["id"].to_list(), options["label"].to_list(), strict=True))
remembered = st.session_state.get("scores-evaluation")
chosen = st.selectbox(
    tr("评价", "Evaluation"),
    list(labels),
    index=list(labels).index(remembered) if remembered in labels else views.default_option(options),
    format_func=labels.get,
    key=f"scores-evaluation-{language()}",  # one per language: a keyed selectbox keeps showing its old label
)
st.session_state["scores-evaluation"] = chosen
evaluation = evaluations.row(list(labels).index(chosen), named=True)
tree = views.indicator_tree(data.indicators((chosen,)))
if evaluation["source"] == "synthetic":
    st.caption(t("synthetic_note"))

total, total_label = evaluation["total_score"], tr("总分", "Total score")
if total is None and (total := views.computed_total(tree)) is not None:
    total_label = tr("总分 · 合计（计算）", "Total · sum of level 1 (computed)")
score_col, grade_col, about_col = st.columns([1, 1, 4])
score_col.metric(total_label, f"{total:.2f}" if total is not None else "—")
grade_col.metric(tr("等级", "Grade"), evaluation["grade"] or "—", help=tr("报告所写的等级", "As the report writes it"))
colon = tr("：", ": ")
about_col.markdown(
    f"{tr('评价方式', 'Kind')}{colon}{words[evaluation['kind']]}  \n"
    f"{tr('评价机构', 'Evaluator')}{colon}{evaluation['evaluator'] or '—'}"
)
checked = data.recheck(chosen)
if checked is not None and checked.rubric:
    recomputed_col, regrade_col, differences_col, _ = st.columns([1, 1, 1, 3])
    recomputed_col.metric(
        tr("重算总分", "Recomputed total"),
        f"{checked.recomputed_total:.2f}" if checked.recomputed_total is not None else "—",
        delta=(
            f"{checked.recomputed_total - total:+.2f}"
            if total is not None and checked.recomputed_total is not None and checked.recomputed_total != total
            else None
        ),
        delta_color="off",
        help=tr(
            "按指标体系由仓库数据重算可计算的指标，其余保留报告得分",
            "Computable leaves rescored from the warehouse; the others keep the reported score",
        ),
    )
    regrade_col.metric(tr("重算等级", "Recomputed grade"), checked.recomputed_grade or "—")
    differences_col.metric(tr("与报告不一致", "Differences"), len(checked.differences))
if tree.is_empty():
    st.info(tr("这份评价没有指标得分行。", "This evaluation has no indicator rows."))
    st.stop()

# ── the tree, one level at a time ──────────────────────────────────────────────
st.subheader(tr("指标得分（逐级展开）", "Indicator scores, level by level"))
node_key = f"scores-node-{chosen}"
openable = set(tree.filter(~tree["leaf"])["path"].to_list())
if st.session_state.get(node_key, "") not in openable:
    st.session_state[node_key] = ""
node = st.session_state[node_key]
rows = views.children(tree, node)

with st.container(horizontal=True, vertical_alignment="center"):
    crumbs = ["", *views.ancestors(node)]
    for path in crumbs:
        name = path.rsplit("/", 1)[-1] if path else tr("全部一级指标", "All level-1 indicators")
        st.button(
            name,
            key=f"scores-crumb-{chosen}-{path}",
            type="tertiary",
            disabled=path == node,
            on_click=open_node,
            args=(node_key, path),
        )
        if path != node:
            st.markdown("›")

chart_key = f"scores-chart-{chosen}-{node}"
st.altair_chart(
    charts.indicator_level(rows),
    on_select=lambda: open_picked(node_key, chart_key, openable),
    key=chart_key,
    width="stretch",
)
children_with_children = rows.filter(~rows["leaf"])["path"].to_list()
if children_with_children:
    open_key = f"scores-open-{chosen}-{node}"
    st.selectbox(
        tr("展开下一级（或点击图中的条形）", "Open the next level (or click a bar)"),
        children_with_children,
        index=None,
        format_func=lambda path: path.rsplit("/", 1)[-1],
        placeholder=tr("选择指标", "Choose an indicator"),
        key=open_key,
        on_change=lambda: open_picked(node_key, open_key, openable),
    )

columns = {
    "name": tr("指标", "Indicator"),
    "points": tr("分值", "Points"),
    "score": tr("得分", "Score"),
    "score_basis": tr("得分口径", "Score basis"),
    "score_rate": tr("得分率", "Score rate"),
    "lost": tr("扣分", "Lost"),
    "target": tr("年度指标值", "Target"),
    "actual": tr("实际完成值", "Actual"),
    "note": tr("说明", "Note"),
}
table = views.indicator_table(rows, basis_words=charts.basis_words())
st.dataframe(
    styled(table),
    column_config=columns
    | {
        "name": st.column_config.TextColumn(columns["name"], width="medium"),
        "score_basis": st.column_config.TextColumn(columns["score_basis"], width="medium"),
        "note": st.column_config.TextColumn(columns["note"], width="large"),
    },
    placeholder="",
    hide_index=True,
    width="stretch",
)
st.caption(
    tr(
        "扣分的行以红色标出。「合计（计算）」是下级得分之和，报告本身未给出该小计。",
        "Rows that lost points are shaded. 'Computed' is the sum of the children: the report gives no subtotal there.",
    )
)
download_buttons(table.rename(columns), tr("指标得分", "indicator-scores"), key="scores-level")

# ── reported vs recomputed ─────────────────────────────────────────────────────
st.subheader(tr("报告与重算对照", "Reported vs recomputed"))
if checked is None or not checked.rubric:
    st.info(
        tr(
            "没有适用于这份评价的指标体系（rubrics/ 中无对应文件），无法重算。",
            "No rubric applies to this evaluation (none in rubrics/), so nothing can be recomputed.",
        )
    )
else:
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
    only = st.toggle(tr("只看不一致的指标", "Only the differences"), key=f"scores-only-differences-{chosen}")
    shown = recheck_views.only_differences(comparison, mark=differ_mark) if only else comparison
    recheck_columns = {
        "indicator": tr("指标", "Indicator"),
        "points": tr("分值", "Points"),
        "reported": tr("报告得分", "Reported"),
        "recomputed": tr("重算得分", "Recomputed"),
        "mark": tr("核对", "Check"),
        "how": tr("重算方式", "How"),
        "rule": tr("评分规则", "Rule"),
        "inputs": tr("依据数据", "Inputs"),
        "reason": tr("说明", "Note"),
        "path": tr("指标路径", "Path"),
    }
    table_with_downloads(
        shown,
        name=tr("报告与重算对照", "reported-vs-recomputed"),
        download_key=f"scores-recheck-{chosen}",
        column_config=recheck_columns
        | {
            "points": st.column_config.NumberColumn(recheck_columns["points"], format="%.2f"),
            "reported": st.column_config.NumberColumn(recheck_columns["reported"], format="%.2f"),
            "recomputed": st.column_config.NumberColumn(recheck_columns["recomputed"], format="%.2f"),
            "rule": st.column_config.TextColumn(recheck_columns["rule"], width="large"),
            "inputs": st.column_config.TextColumn(recheck_columns["inputs"], width="large"),
            "path": None,
        },
        placeholder="",
    )
    for difference in checked.differences:
        if difference.indicator in ("合计", "等级"):
            reported, recomputed = recheck_views.shown(difference.reported), recheck_views.shown(difference.recomputed)
            st.warning(
                tr(
                    f"{difference.indicator}：报告 {reported}，重算 {recomputed}",
                    f"{difference.indicator}: reported {reported}, recomputed {recomputed}",
                )
            )
    if checked.problems:
        st.markdown(tr("**评价与指标体系本身的问题**", "**Problems of the sheet or the rubric itself**"))
        st.markdown("\n".join(f"- {problem}" for problem in checked.problems))

# ── where the points were lost ─────────────────────────────────────────────────
st.subheader(tr("失分排行", "Where points were lost"))
lost = views.lost_points(tree)
if lost.is_empty():
    st.success(tr("各末级指标均得满分。", "Every leaf indicator scored full marks."))
else:
    lost_columns = {
        "level1": tr("一级指标", "Level 1"),
        "path": tr("指标", "Indicator"),
        "points": columns["points"],
        "score": columns["score"],
        "lost": columns["lost"],
        "target": columns["target"],
        "actual": columns["actual"],
        "note": columns["note"],
    }
    lost_table = lost.select(list(lost_columns))
    st.dataframe(
        lost_table,
        column_config={
            "level1": lost_columns["level1"],
            "path": lost_columns["path"],
            "points": st.column_config.NumberColumn(columns["points"], format="%.2f"),
            "score": st.column_config.NumberColumn(columns["score"], format="%.2f"),
            "lost": st.column_config.NumberColumn(columns["lost"], format="%.2f"),
            "target": columns["target"],
            "actual": columns["actual"],
            "note": st.column_config.TextColumn(columns["note"], width="large"),
        },
        hide_index=True,
        width="stretch",
    )
    download_buttons(lost_table.rename(lost_columns), tr("失分排行", "points-lost"), key="scores-lost")
if unscored := views.unscored_leaves(tree):
    st.caption(
        tr(
            f"另有 {unscored} 项末级指标报告未给得分，未列入排行。",
            f"{unscored} more leaf indicators have no score in the report and are not ranked.",
        )
    )

# ── counties side by side ──────────────────────────────────────────────────────
st.subheader(tr("县区并排：一级指标得分率", "Counties side by side: level-1 score rates"))
if evaluations.height < 2:
    st.info(
        tr(
            "在左侧多选几个县区，即可并排比较同一年度的一级指标得分率。",
            "Choose more counties in the sidebar to compare their level-1 score rates for the year.",
        )
    )
else:
    every_tree = views.indicator_tree(data.indicators(tuple(evaluations["id"].to_list())))
    level1 = views.level1_side_by_side(evaluations, every_tree, names=filters.names, words=words)
    st.altair_chart(charts.level1_by_county(level1), width="stretch")
    side = views.side_by_side_table(level1)
    st.dataframe(
        side.to_pandas().style.format("{:.1%}", subset=side.columns[1:], na_rep=""),
        column_config={"series": tr("县区", "County")},
        placeholder="",
        hide_index=True,
        width="stretch",
    )
    st.caption(
        tr(
            "得分率 = 得分 ÷ 分值；报告未给一级小计的，按下级得分合计（计算）。空白：该县的指标体系没有这一项。",
            "Score rate = score ÷ points; where a report gives no level-1 subtotal, the children's sum is used. "
            "Blank: the county's rubric has no such indicator.",
        )
    )
    county_column = {"series": tr("县区", "County")}
    download_buttons(side.rename(county_column), tr("一级指标得分率", "level-1-rates"), key="scores-side")
