"""评分: score a county's year with the rubric that applies — the leaves the warehouse can compute are
filled in, the evaluator answers the rest and enters the report's performance targets with their
actuals — and save it as an evaluation."""

import streamlit as st

from app_ui import scoring, session
from app_ui.filters import Filters, page_start
from app_ui.i18n import evaluation_kind_words, program_words, t, tr
from app_ui.tables import show_table

COLON = ("：", ": ")


def introduction() -> None:
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


def which_evaluation(filters: Filters) -> scoring.Chosen:
    """County, year, evaluator, programme and kind: which evaluation is scored, by whom."""
    codes = list(filters.names)
    county_col, year_col, evaluator_col = st.columns([2, 1, 2])
    county = county_col.selectbox(
        t("col_county"),
        codes,
        index=codes.index(filters.counties[0]),
        format_func=filters.names.get,
        key="scoring-county",
    )
    year = year_col.number_input(
        t("col_year"), min_value=2000, max_value=2100, value=filters.year, step=1, key="scoring-year"
    )
    evaluator = evaluator_col.text_input(
        tr("评价机构或评价人", "Evaluator (body or person)"),
        placeholder=tr("如：某某会计师事务所", "e.g. the audit firm"),
        key="scoring-evaluator",
    )
    program_col, kind_col = st.columns(2)
    program = program_col.radio(
        t("col_program"),
        scoring.PROGRAMS,
        index=scoring.PROGRAMS.index(scoring.default_program(county, int(year), filters.program)),
        format_func=program_words().get,
        horizontal=True,
        key=f"scoring-program:{county}",
    )
    kinds = evaluation_kind_words()
    kind = kind_col.radio(
        t("col_evaluation_kind"), scoring.KINDS, format_func=kinds.get, horizontal=True, key="scoring-kind"
    )
    return scoring.Chosen(county, filters.names.get(county, county), program, int(year), kind, evaluator)


def rubric_section(chosen: scoring.Chosen) -> scoring.Rubric:
    """The rubric that applies, or why there is none (and nothing more on the page)."""
    rubric = scoring.rubric_for(chosen.county, chosen.program, chosen.year)
    if rubric is None:
        programs = program_words()
        covered = scoring.covered(chosen.county)
        spans = tr("、", "; ").join(
            f"{programs[p]} {first or '…'}–{last or '…'}" + tr("年", "") for _, p, first, last in covered
        )
        place, year, program = chosen.place, chosen.year, programs[chosen.program]
        covers = (f"该县区的指标体系适用于：{spans}。", f"This county's rubric covers: {spans}.")
        none = ("指标体系库中没有该县区的指标体系。", "The rubric library has none for this county.")
        st.info(
            tr(
                f"{place} {year}年（{program}）没有适用的指标体系，无法在此评分。",
                f"No rubric applies to {place} {year} ({program}), so it cannot be scored here. ",
            )
            + tr(*(covers if covered else none))
        )
        st.stop()
    st.markdown(
        f"**{tr('适用的指标体系', 'Rubric')}**{tr(*COLON)}{rubric.name}  \n"
        f"{tr('来源', 'Source')}{tr(*COLON)}{rubric.source or '—'}（rubrics/{rubric.id}.toml）"
    )
    return rubric


def figures_section(chosen: scoring.Chosen) -> dict[str, float | None]:
    """The evaluation's own figures (budget, funds, planned persons), prefilled from a stored evaluation."""
    st.subheader(tr("评价数字", "Evaluation figures"))
    stored, stored_kind = scoring.stored_figures(chosen.county, chosen.program, chosen.year, chosen.kind)
    figures = {
        name: scoring.figure_input(column, name, chosen.scope, stored[name])
        for column, name in zip(st.columns(len(scoring.FIGURES)), scoring.FIGURES, strict=True)
    }
    st.caption(
        tr(
            f"已按仓库中{chosen.place} {chosen.year}年的{stored_kind}预填，可修改。"
            if stored_kind
            else "仓库中没有这些数字，请填写。",
            f"Prefilled from the stored {stored_kind.lower()}; you may change them."
            if stored_kind
            else "The warehouse has none of these figures; enter them.",
        )
        + tr(
            "资金到位率、预算执行率、保障人数完成率等由这些数字计算。",
            " Funds arrival, budget execution and recipient rates are computed from them.",
        )
    )
    return figures


def computed_part(leaf: scoring.Indicator, part: scoring.Computed) -> None:
    text = scoring.part_text(leaf, part.key)
    st.markdown(
        (f"{text}  \n" if text else "")
        + tr(f"由数据计算：**{part.score:g} 分**", f"Computed: **{part.score:g}** points")
        + f"　{scoring.inputs_text(part)}"
    )


def judgement_part(leaf: scoring.Indicator, question: scoring.Question, scope: str) -> None:
    scoring.answer_input(question, scope, help_text=leaf.scoring)
    if question.reason and question.reason != "评价人员判断":
        st.caption(f"{tr('需评定的原因', 'Why it is asked')}{tr(*COLON)}{question.reason}")


def indicators_section(draft: scoring.Draft, scope: str) -> None:
    """Each level-1 indicator's leaves: the computed parts read-only, an input for each question."""
    st.subheader(tr("指标评分", "Indicators"))
    computed, asked = len(draft.computed), len(draft.questions)
    st.caption(
        tr(
            f"由仓库数据计算 {computed} 项（只读），待评价人员评定 {asked} 项。",
            f"{computed} computed from the warehouse (read-only); {asked} for the evaluator.",
        )
    )
    points = tr("分", "points")
    for top, leaves in scoring.sections(draft):
        with st.expander(f"{top.name}（{top.points:g} {points}）", expanded=True):
            for leaf, parts in leaves:
                st.markdown(f"**{' › '.join(leaf.path[1:]) or leaf.name}**　{leaf.points:g} {points}")
                for part in parts:
                    if isinstance(part, scoring.Computed):
                        computed_part(leaf, part)
                    else:
                        judgement_part(leaf, part, scope)


def total_section(draft: scoring.Draft, progress: scoring.Progress, chosen: scoring.Chosen) -> None:
    """Total and grade as the answers stand, and every indicator's score so far."""
    st.subheader(tr("合计", "Total"))
    total_col, grade_col, waiting_col = st.columns(3)
    tally = progress.tally
    if progress.done:
        total_col.metric(tr("总分", "Total score"), f"{tally.total:.2f}")
        grade_col.metric(tr("等级", "Grade"), tally.grade or "—")
    else:
        total_col.metric(tr("已得分（未完成）", "Score so far (incomplete)"), f"{tally.total:.2f}")
        grade_col.metric(tr("等级", "Grade"), "—")
    waiting_col.metric(tr("待评定", "Still to answer"), str(len(tally.waiting)))
    for problem in progress.problems.values():
        st.warning(problem)
    show_table(
        scoring.tree_table(draft, progress),
        scoring.TREE_COLUMNS,
        name=(f"评分-{chosen.place}-{chosen.year}", f"scoring-{chosen.county}-{chosen.year}"),
        key="scoring-tree",
        placeholder="",  # a leaf still waiting has no score yet: blank, not "None"
    )


def targets_section(rubric: scoring.Rubric, chosen: scoring.Chosen) -> list[scoring.Target]:
    """The report's performance targets and their actuals, prefilled from the evaluation a save would replace;
    under the editor, whether each actual meets its target as the rows now stand."""
    st.subheader(tr("绩效目标与实际完成值", "Performance targets and actuals"))
    st.caption(
        tr(
            "每行一个绩效指标：年度指标值连同比较符号照报告填写（≥90%、＝400元、不低于8321人）；"
            "所属指标为该指标所在的评分指标，可留空。未填写绩效指标名称的行不保存。",
            "One performance target a row: the annual target as the report writes it, with its comparator "
            "(≥90%, ＝400元, 不低于8321人); the holding indicator may be left blank. "
            "Rows without a name are not saved.",
        )
    )
    targets = scoring.targets_input(rubric, chosen)
    if not targets:
        return targets
    # data_editor cannot compute a column as cells change: the check is its own table, redrawn on each rerun
    show_table(
        scoring.target_checks(targets),
        scoring.TARGET_CHECK_COLUMNS,
        name=(f"绩效目标-{chosen.place}-{chosen.year}", f"targets-{chosen.county}-{chosen.year}"),
        key="scoring-target-check",
        shade="missed",
    )
    st.caption(
        tr(
            "是否达到按各自的比较符号判断；年度指标值或实际完成值不是数字的（如「应保尽保」）无法判断。",
            "Met or not by each target's own comparator; a target or actual in words (e.g. 应保尽保) cannot be tested.",
        )
    )
    return targets


def replace_warning(chosen: scoring.Chosen) -> bool:
    """Warn when a save would replace a stored evaluation; True once there is none or the replacing is confirmed."""
    old = scoring.existing(chosen.county, chosen.program, chosen.year, chosen.kind)
    if old is None:
        return True
    place, year = chosen.place, chosen.year
    program, kind = program_words()[chosen.program], evaluation_kind_words()[chosen.kind]
    total = f"{old['total_score']:.2f}" if old["total_score"] is not None else "—"
    st.warning(
        tr(
            f"仓库中已有{place} {year}年{program}的{kind}（评价机构：{old['evaluator'] or '—'}，"
            f"总分 {total}，等级 {old['grade'] or '—'}）。保存将替换它及其全部指标得分。",
            f"The warehouse already holds a {kind.lower()} of {place} {year} ({program}; "
            f"evaluator {old['evaluator'] or '—'}, total {total}, grade {old['grade'] or '—'}). "
            "Saving replaces it and all its indicator scores.",
        )
    )
    replace = tr("确认替换已有的评价", "Replace the stored evaluation")
    return st.checkbox(replace, key=f"scoring-replace:{chosen.scope}:{chosen.kind}")


def save_section(
    draft: scoring.Draft, given: dict[str, object], targets: list[scoring.Target], chosen: scoring.Chosen
) -> None:
    """Save the evaluation and its targets (validated and logged like an upload), or say why it was not saved."""
    st.subheader(tr("保存", "Save"))
    confirmed = replace_warning(chosen)
    if not st.button(tr("保存评价", "Save the evaluation"), type="primary", disabled=not confirmed, key="scoring-save"):
        return
    if not chosen.evaluator.strip():
        st.error(tr("未保存：请填写评价机构或评价人。", "Not saved: enter the evaluator."))
    elif (result := scoring.save(draft, given, kind=chosen.kind, evaluator=chosen.evaluator, targets=targets)).error:
        st.error(tr("未保存：", "Not saved: ") + result.error)
    elif result.stored == 0:
        st.info(tr("与已保存的评价完全相同，未重复保存。", "Identical to the stored evaluation; nothing to save."))
    else:
        place, year, scored = chosen.place, chosen.year, result.scored
        program, kind = program_words()[chosen.program], evaluation_kind_words()[chosen.kind]
        st.session_state["scoring-saved"] = tr(
            f"已保存{place} {year}年{program}{kind}：总分 {scored.total:.2f}，"
            f"等级 {scored.grade or '—'}。待审核：本县其他审核人或管理员在「审核」页审核通过后，"
            "「指标得分」「等级趋势」页才显示它（侧栏打开「含待审核数据」可先行查看）。",
            f"Saved the {kind.lower()} of {place} {year} ({program}): total {scored.total:.2f}, "
            f"grade {scored.grade or '—'}, awaiting approval: the score and grade pages show it once another "
            "evaluator of the county or an admin approves it on the Approval page.",
        )
        st.rerun()


session.require_uploader()
filters = page_start("page_scoring")
introduction()
chosen = which_evaluation(filters)
rubric = rubric_section(chosen)
figures = figures_section(chosen)
draft = scoring.draft(rubric, chosen.county, chosen.program, chosen.year, figures)
indicators_section(draft, chosen.scope)
given = scoring.answers(draft, chosen.scope)
total_section(draft, draft.progress(given), chosen)
targets = targets_section(rubric, chosen)
save_section(draft, given, targets, chosen)
