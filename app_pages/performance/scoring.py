"""评分: score a county's year with the rubric that applies — the leaves the warehouse can compute are
filled in, the evaluator answers the rest — and save it as an evaluation."""

import streamlit as st

from app_ui import export, scoring, session
from app_ui.filters import page_start
from app_ui.i18n import evaluation_kind_words, program_words, tr

session.require_uploader()
filters = page_start("page_scoring")
if saved := st.session_state.pop("scoring-saved", None):
    st.success(saved)
st.caption(
    tr(
        "按适用的指标体系为一个县区的一个年度评分：能由仓库数据计算的指标已算好并列出计算依据，"
        "其余由评价人员逐项填写；全部填写后保存为一次绩效评价（与上传的评分表一样经过校验并记入上传记录）。",
        "Score one county's year with the rubric that applies: what the warehouse can compute is filled in "
        "with the figures it came from; the evaluator answers the rest, then saves it as an evaluation "
        "(validated and logged like an uploaded score sheet).",
    )
)
colon = tr("：", ": ")
programs, kinds = program_words(), evaluation_kind_words()

# ── which evaluation ───────────────────────────────────────────────────────────
codes = list(filters.names)
county_col, year_col, evaluator_col = st.columns([2, 1, 2])
county = county_col.selectbox(
    tr("县区", "County"),
    codes,
    index=codes.index(filters.counties[0]),
    format_func=filters.names.get,
    key="scoring-county",
)
year = int(
    year_col.number_input(
        tr("年度", "Year"), min_value=2000, max_value=2100, value=filters.year, step=1, key="scoring-year"
    )
)
evaluator = evaluator_col.text_input(
    tr("评价机构或评价人", "Evaluator (body or person)"),
    placeholder=tr("如：某某会计师事务所", "e.g. the audit firm"),
    key="scoring-evaluator",
)
program_col, kind_col = st.columns(2)
program = program_col.radio(
    tr("项目", "Programme"),
    scoring.PROGRAMS,
    index=scoring.PROGRAMS.index(scoring.default_program(county, year, filters.program)),
    format_func=programs.get,
    horizontal=True,
    key=f"scoring-program:{county}",
)
kind = kind_col.radio(tr("评价类型", "Kind"), scoring.KINDS, format_func=kinds.get, horizontal=True, key="scoring-kind")
place = filters.names.get(county, county)

rubric = scoring.rubric_for(county, program, year)
if rubric is None:
    covered = scoring.covered(county)
    spans = tr("、", "; ").join(
        f"{programs[p]} {first or '…'}–{last or '…'}" + tr("年", "") for _, p, first, last in covered
    )
    st.info(
        tr(
            f"{place} {year}年（{programs[program]}）没有适用的指标体系，无法在此评分。"
            + (f"该县区的指标体系适用于：{spans}。" if covered else "指标体系库中没有该县区的指标体系。"),
            f"No rubric applies to {place} {year} ({programs[program]}), so it cannot be scored here. "
            + (f"This county's rubric covers: {spans}." if covered else "The rubric library has none for this county."),
        )
    )
    st.stop()
st.markdown(
    f"**{tr('适用的指标体系', 'Rubric')}**{colon}{rubric.name}  \n"
    f"{tr('来源', 'Source')}{colon}{rubric.source or '—'}（rubrics/{rubric.id}.toml）"
)

# ── the evaluation's figures ───────────────────────────────────────────────────
st.subheader(tr("评价数字", "Evaluation figures"))
scope = f"{county}:{program}:{year}"
stored, stored_kind = scoring.stored_figures(county, program, year, kind)
figures = {
    name: scoring.figure_input(column, name, scope, stored[name])
    for column, name in zip(st.columns(len(scoring.FIGURES)), scoring.FIGURES, strict=True)
}
st.caption(
    tr(
        f"已按仓库中{place} {year}年的{stored_kind}预填，可修改。" if stored_kind else "仓库中没有这些数字，请填写。",
        f"Prefilled from the stored {stored_kind.lower()}; you may change them."
        if stored_kind
        else "The warehouse has none of these figures; enter them.",
    )
    + tr(
        "资金到位率、预算执行率、保障人数完成率等由这些数字计算。",
        " Funds arrival, budget execution and recipient rates are computed from them.",
    )
)

# ── the indicators ─────────────────────────────────────────────────────────────
draft = scoring.draft(rubric, county, program, year, figures)
st.subheader(tr("指标评分", "Indicators"))
st.caption(
    tr(
        f"由仓库数据计算 {len(draft.computed)} 项（只读），待评价人员评定 {len(draft.questions)} 项。",
        f"{len(draft.computed)} computed from the warehouse (read-only); {len(draft.questions)} for the evaluator.",
    )
)
for top, leaves in scoring.sections(draft):
    with st.expander(f"{top.name}（{top.points:g} {tr('分', 'points')}）", expanded=True):
        for leaf, parts in leaves:
            st.markdown(f"**{' › '.join(leaf.path[1:]) or leaf.name}**　{leaf.points:g} {tr('分', 'points')}")
            for part in parts:
                if isinstance(part, scoring.Computed):
                    text = scoring.part_text(leaf, part.key)
                    st.markdown(
                        (f"{text}  \n" if text else "")
                        + tr(f"由数据计算：**{part.score:g} 分**", f"Computed: **{part.score:g}** points")
                        + f"　{scoring.inputs_text(part)}"
                    )
                else:
                    scoring.answer_input(part, scope, help_text=leaf.scoring)
                    if part.reason and part.reason != "评价人员判断":
                        st.caption(f"{tr('需评定的原因', 'Why it is asked')}{colon}{part.reason}")

# ── total and grade as the answers stand ───────────────────────────────────────
given = scoring.answers(draft, scope)
live = scoring.live(draft, given)
st.subheader(tr("合计", "Total"))
total_col, grade_col, waiting_col = st.columns(3)
if live.scored is not None:
    total_col.metric(tr("总分", "Total score"), f"{live.scored.total:.2f}")
    grade_col.metric(tr("等级", "Grade"), live.scored.grade or "—")
else:
    total_col.metric(tr("已得分（未完成）", "Score so far (incomplete)"), f"{live.so_far:.2f}")
    grade_col.metric(tr("等级", "Grade"), "—")
waiting_col.metric(tr("待评定", "Still to answer"), str(live.waiting))
for problem in live.problems:
    st.warning(problem)
export.table(
    scoring.tree_table(draft, given).drop("path"),
    name=tr(f"评分-{place}-{year}", f"scoring-{county}-{year}"),
    download_key="scoring-tree",
    column_config={
        "indicator": st.column_config.TextColumn(tr("指标", "Indicator"), width="medium"),
        "points": st.column_config.NumberColumn(tr("分值", "Points"), format="%.2f"),
        "score": st.column_config.NumberColumn(tr("得分", "Score"), format="%.2f"),
        "how": tr("评分方式", "Scored by"),
        "basis": st.column_config.TextColumn(tr("计算依据", "Computed from"), width="large"),
    },
)

# ── save ───────────────────────────────────────────────────────────────────────
st.subheader(tr("保存", "Save"))
confirmed = True
if (old := scoring.existing(county, program, year, kind)) is not None:
    total = f"{old['total_score']:.2f}" if old["total_score"] is not None else "—"
    st.warning(
        tr(
            f"仓库中已有{place} {year}年{programs[program]}的{kinds[kind]}（评价机构：{old['evaluator'] or '—'}，"
            f"总分 {total}，等级 {old['grade'] or '—'}）。保存将替换它及其全部指标得分。",
            f"The warehouse already holds a {kinds[kind].lower()} of {place} {year} ({programs[program]}; "
            f"evaluator {old['evaluator'] or '—'}, total {total}, grade {old['grade'] or '—'}). "
            "Saving replaces it and all its indicator scores.",
        )
    )
    replace = tr("确认替换已有的评价", "Replace the stored evaluation")
    confirmed = st.checkbox(replace, key=f"scoring-replace:{scope}:{kind}")
if st.button(tr("保存评价", "Save the evaluation"), type="primary", disabled=not confirmed, key="scoring-save"):
    if not evaluator.strip():
        st.error(tr("未保存：请填写评价机构或评价人。", "Not saved: enter the evaluator."))
    elif (result := scoring.save(draft, given, kind=kind, evaluator=evaluator)).error:
        st.error(tr("未保存：", "Not saved: ") + result.error)
    elif result.stored == 0:
        st.info(tr("与已保存的评价完全相同，未重复保存。", "Identical to the stored evaluation; nothing to save."))
    else:
        scored = result.scored
        st.session_state["scoring-saved"] = tr(
            f"已保存{place} {year}年{programs[program]}{kinds[kind]}：总分 {scored.total:.2f}，"
            f"等级 {scored.grade or '—'}。「指标得分」「等级趋势」页已显示它。",
            f"Saved the {kinds[kind].lower()} of {place} {year} ({programs[program]}): total {scored.total:.2f}, "
            f"grade {scored.grade or '—'}. The score and grade pages show it.",
        )
        st.rerun()
