"""Project-level forms: their checks, figures and chains, as the kinds' rows (kinds.py) name them.

A project lives under its department and year: <部门>/<年度>/projects/<项目>/ holds its
project-declaration.yaml and project-self-evaluation.yaml. Its 项目资金 add up by the form's rows;
the projects of a year add up to the department's 项目支出 (in the declaration: 年度资金总额; in the
self-evaluation: 全年执行数), rounding-aware; a project's self-evaluation takes the targets its
declaration states.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import checks, derive
from .checks import (
    CheckContext,
    check_rate,
    check_sum,
    department_and_year_at,
    indicator_taxonomy,
    never_waived,
    punctuation,
    table_sizes,
)
from .findings import Finding
from .format import money
from .model.project import BudgetLine, Funds, ProjectDeclaration, ProjectSelfEvaluation

if TYPE_CHECKING:
    from .documents import Document, Sibling

FUNDS = ("项目资金",)
ZERO = Decimal(0)


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectEvaluationFigures:
    execution_rate: Decimal | None  # 全年执行数 ÷ 全年预算数 of 年度资金总额, percent, unrounded


def evaluation_figures(doc: ProjectSelfEvaluation) -> ProjectEvaluationFigures:
    line = doc.funds.total
    return ProjectEvaluationFigures(derive.percent(line.executed, line.adjusted))


# --- checks of a project declaration -----------------------------------------------------------


identity = department_and_year_at("主管部门")


def declaration_funds(ctx: CheckContext) -> Iterator[Finding]:
    """E201: 资金总额 = 财政拨款 + 其他资金, for the year and the medium term; E703: the year within
    the medium term."""
    doc: ProjectDeclaration = ctx.document  # type: ignore[assignment]
    for key, funds in (("年度资金总额", doc.funds.annual), ("中期资金总额", doc.funds.medium_term)):
        if funds is not None and funds.appropriation is not None and funds.other is not None:
            yield from check_sum(ctx, funds.total, [funds.appropriation, funds.other], (*FUNDS, key, "资金总额"),
                                 f"{key}")
    medium = doc.funds.medium_term
    if medium is not None and doc.funds.annual.total > medium.total:
        yield ctx.error("E703", f"年度资金总额 {money(doc.funds.annual.total)} 大于中期资金总额 {money(medium.total)}",
                        (*FUNDS, "年度资金总额", "资金总额"))


def declaration_unstated(ctx: CheckContext) -> Iterator[Finding]:
    """W702: a field of the form left out (printed empty): stated nowhere, so not invented."""
    doc: ProjectDeclaration = ctx.document  # type: ignore[assignment]
    missing = [(("项目属性",), doc.attribute), (("项目期",), doc.period)]
    missing += _split_missing(doc.funds.annual, "年度资金总额")
    if doc.funds.medium_term is not None:
        missing += _split_missing(doc.funds.medium_term, "中期资金总额")
        missing.append((("总体目标", "中期目标"), doc.goals.medium_term))
    missing.append((("绩效指标",), _any_indicator(doc) or None))
    yield from _unstated(ctx, missing)


def _split_missing(funds: Funds, key: str) -> list[tuple[tuple, Any]]:
    return [((*FUNDS, key, "财政拨款"), funds.appropriation), ((*FUNDS, key, "其他资金"), funds.other)]


def _any_indicator(doc: Any) -> bool:
    return any(items for seconds in doc.indicators.values() for items in seconds.values())


def _unstated(ctx: CheckContext, fields: list[tuple[tuple, Any]]) -> Iterator[Finding]:
    for path, value in fields:
        if value is None:
            yield ctx.source.finding("W702", f"未填写“{path[-1]}”：表中此栏将留空，请补充", path[:-1] or path,
                                     warning=True, key=True)


@never_waived
def project_table_sizes(ctx: CheckContext) -> Iterator[Finding]:
    return table_sizes(ctx)


DECLARATION_CHECKS = (identity, declaration_funds, declaration_unstated, indicator_taxonomy, punctuation,
                      checks.prose_references, project_table_sizes)


# --- checks of a project self-evaluation -------------------------------------------------------

COLUMNS = (("initial", "年初预算数"), ("adjusted", "全年预算数"), ("executed", "全年执行数"))
PARTS = (("appropriation", "当年财政拨款"), ("carried_over", "上年结转资金"), ("other", "其他资金"))


def evaluation_funds(ctx: CheckContext) -> Iterator[Finding]:
    """E201: 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金 in each column; E204: a stated 执行率."""
    doc: ProjectSelfEvaluation = ctx.document  # type: ignore[assignment]
    funds = doc.funds
    parts: list[BudgetLine] = [getattr(funds, attribute) for attribute, _ in PARTS if getattr(funds, attribute)]
    if parts:
        for attribute, label in COLUMNS:
            total = getattr(funds.total, attribute)
            values = [getattr(line, attribute) for line in parts]
            if total is not None and all(v is not None for v in values):
                yield from check_sum(ctx, total, values, (*FUNDS, "年度资金总额", label), f"年度资金总额的{label}")
    yield from check_rate(ctx, funds.stated_execution_rate, funds.total.executed, funds.total.adjusted,
                          (*FUNDS, "执行率"), "执行率")


def evaluation_unstated(ctx: CheckContext) -> Iterator[Finding]:
    doc: ProjectSelfEvaluation = ctx.document  # type: ignore[assignment]
    funds = doc.funds
    missing: list[tuple[tuple, Any]] = [((*FUNDS, "年度资金总额", "年初预算数"), funds.total.initial)]
    if not any(getattr(funds, attribute) for attribute, _ in PARTS):
        missing.append(((*FUNDS, "当年财政拨款"), None))
    missing.append((("年度总体目标", "预期目标"), doc.goals.expected))
    missing.append((("绩效指标",), _any_indicator(doc) or None))
    yield from _unstated(ctx, missing)


EVALUATION_CHECKS = (identity, evaluation_funds, evaluation_unstated, indicator_taxonomy,
                     checks.self_evaluation_scoring, punctuation, checks.prose_references, project_table_sizes)


# --- the chain: a project's self-evaluation takes what its declaration states -------------------


def link_evaluation(ctx: CheckContext, document: Document, sibling: Sibling) -> None:
    """年度指标值 of the same 三级指标 and the 预期目标 (= 年度目标) where the self-evaluation leaves
    them out."""
    if not isinstance(sibling.model, ProjectDeclaration):
        return
    declared = sibling.model
    evaluation: ProjectSelfEvaluation = document.model
    targets = {(first, second, item.name): item.target for first, seconds in declared.indicators.items()
               for second, items in seconds.items() for item in items}
    indicators = {
        first: {second: [item if item.target is not None or (first, second, item.name) not in targets
                         else item.model_copy(update={"target": targets[(first, second, item.name)]})
                         for item in items] for second, items in seconds.items()}
        for first, seconds in evaluation.indicators.items()}
    goals = evaluation.goals if evaluation.goals.expected else evaluation.goals.model_copy(
        update={"expected": declared.goals.annual})
    document.model = ctx.document = evaluation.model_copy(update={"indicators": indicators, "goals": goals})


# --- the chain: the projects of a year add up to the department's 项目支出 ----------------------


def _project_total(ctx: CheckContext, parts: list[Any], amount, department_total: Decimal, label: str,
                   path: tuple, names: list[str], names_path: tuple) -> Iterator[Finding]:
    """E710 more than 项目支出, W710 less (projects not yet written), W711 names on either side (at
    the list of names, `names_path`)."""
    models = [part.model for part in parts if part.model is not None]
    if not models:
        return
    amounts = [amount(model) for model in models]
    total = sum(amounts, ZERO)
    listing = "、".join(f"{model.project} {money(value)}" for model, value in zip(models, amounts, strict=True))
    gap = department_total - total
    if abs(gap) > derive.sum_tolerance([department_total, *amounts]):
        if gap < 0:
            yield ctx.error("E710", f"本年度 {len(models)} 个项目的{label}合计 {money(total)}（{listing}），"
                                    f"超过项目支出 {money(department_total)} {money(-gap)}", path)
        else:
            yield ctx.warning("W710", f"本年度 {len(models)} 个项目的{label}合计 {money(total)}（{listing}），"
                                      f"比项目支出 {money(department_total)} 少 {money(gap)}：还有项目未编写项目表", path)
    projects = {_name_key(model.project) for model in models}
    missing = [name for name in names if _name_key(name) not in projects]
    surplus = [model.project for model in models if _name_key(model.project) not in {_name_key(n) for n in names}]
    names_label = names_path[-1]
    if names and missing:
        yield ctx.warning("W711", f"{names_label}中的“{'”“'.join(missing)}”没有对应的项目表"
                                  f"（projects/<项目>/ 下）", names_path, key=True)
    if names and surplus:
        yield ctx.warning("W711", f"项目“{'”“'.join(surplus)}”不在{names_label}中", names_path, key=True)


def _name_key(name: str) -> str:
    from .chain import name_key

    return name_key(name)


def declaration_projects(ctx: CheckContext) -> Iterator[Finding]:
    """The project declarations of the year against the declaration's 项目支出 and key tasks."""
    doc = ctx.document
    yield from _project_total(ctx, ctx.parts, lambda m: m.funds.annual.total, doc.budget.expenditure.project,
                              "年度资金总额", ("预算整体情况", "部门预算支出", "项目支出"),
                              [t.name for t in doc.key_tasks], ("年度重点工作任务",))


def fill_project_spending(ctx: CheckContext, document: Document) -> None:
    """重点任务项目支出 rows that leave out 全年预算数 or 实际执行数 take them from the project
    self-evaluation of the same name (typed once)."""
    by_name = {_name_key(part.model.project): part.model for part in ctx.parts if part.model is not None}
    evaluation = document.model
    rows = []
    for item in evaluation.analysis.projects:
        project = by_name.get(_name_key(item.name))
        if project is not None and (item.budget is None or item.executed is None):
            item = item.model_copy(update={
                "budget": project.funds.total.adjusted if item.budget is None else item.budget,
                "executed": project.funds.total.executed if item.executed is None else item.executed})
        rows.append(item)
    analysis = evaluation.analysis.model_copy(update={"projects": rows})
    document.model = ctx.document = evaluation.model_copy(update={"analysis": analysis})


def evaluation_projects(ctx: CheckContext) -> Iterator[Finding]:
    """The project self-evaluations of the year against the report's 项目支出 and 重点任务项目支出;
    E711 where both state a project's figures and they differ; E712 a figure stated nowhere."""
    doc = ctx.document
    spending = doc.analysis.projects
    yield from _project_total(ctx, ctx.parts, lambda m: m.funds.total.executed,
                              doc.background.finances.expenditure.project.amount, "全年执行数",
                              ("基本情况", "收支情况", "支出", "项目支出", "金额"),
                              [item.name for item in spending], ("综合评价分析", "重点任务项目支出"))
    by_name = {_name_key(part.model.project): part.model for part in ctx.parts if part.model is not None}
    for index, item in enumerate(spending):
        path = ("综合评价分析", "重点任务项目支出", index)
        for label, value in (("全年预算数", item.budget), ("实际执行数", item.executed)):
            if value is None:
                yield ctx.error("E712", f"“{item.name}”未填写{label}，本年度也没有同名项目的项目支出绩效自评表可取",
                                path)
        project = by_name.get(_name_key(item.name))
        if project is None:
            continue
        for label, stated, actual in (("全年预算数", item.budget, project.funds.total.adjusted),
                                      ("实际执行数", item.executed, project.funds.total.executed)):
            if stated is not None and stated != actual:
                yield ctx.error("E711", f"“{item.name}”的{label}为 {money(stated)}，与项目自评表中的 "
                                        f"{money(actual)} 不一致", (*path, label))


DEPARTMENT_DECLARATION_CHECKS = (*checks.DECLARATION_CHECKS, declaration_projects)
DEPARTMENT_EVALUATION_CHECKS = (*checks.SELF_EVALUATION_CHECKS, evaluation_projects)
