"""The chain between a year's declaration and its self-evaluation.

The self-evaluation of year Y takes the 年度指标值 of each 三级指标 and the key tasks' 主要实施内容,
拟投入的资金 and 期望达到的目标 from the declaration of year Y, so they are typed once. Where
both files state a value and the values differ, that is a conflict, reported in both files.
Matching is by name: a 三级指标 under the same 一级 and 二级, a task of the same 名称.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .findings import Path
from .format import money
from .model import Declaration, SelfEvaluation
from .model.common import EvaluatedIndicator, Indicator, KeyTask
from .model.self_evaluation import TaskOutcome
from .scoring import parse_target

if TYPE_CHECKING:
    from .checks import CheckContext
    from .documents import Document, Sibling

INDICATORS = ("绩效指标",)
TASKS = ("综合评价分析", "任务完成情况")
DECLARATION_TASKS = ("年度重点工作任务",)
# (attribute, label) of the task fields taken from the declaration.
TASK_FIELDS = (("content", "主要实施内容"), ("funds", "拟投入的资金"), ("goal", "期望达到的目标"))


@dataclass(frozen=True)
class Conflict:
    subject: str  # 三级指标“…” / 任务“…”
    label: str  # 年度指标值 / 拟投入的资金 …
    evaluation_path: Path
    declaration_path: Path
    evaluation_value: str
    declaration_value: str


@dataclass(frozen=True)
class Unevaluated:
    """Something the declaration plans that the self-evaluation does not mention."""

    subject: str
    declaration_path: Path
    evaluation_path: Path  # where it would belong in the self-evaluation


@dataclass
class Link:
    evaluation: SelfEvaluation  # with what the declaration states filled in
    conflicts: list[Conflict] = field(default_factory=list)
    unevaluated: list[Unevaluated] = field(default_factory=list)


def name_key(name: str) -> str:
    """Names match whatever their spacing, width or final full stop."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).rstrip("。.")


def same_text(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def same_target(a: str, b: str) -> bool:
    """`23,618份` and `23618 份` are the same target."""
    if same_text(a, b):
        return True
    first, second = parse_target(a), parse_target(b)
    return first.quantitative and (first.comparator, first.value, first.unit) == (
        second.comparator, second.value, second.unit)


def link(evaluation: SelfEvaluation, declaration: Declaration) -> Link:
    result = Link(evaluation)
    indicators = _link_indicators(evaluation, declaration, result)
    tasks = _link_tasks(evaluation, declaration, result)
    analysis = evaluation.analysis.model_copy(update={"tasks": tasks})
    result.evaluation = evaluation.model_copy(update={"indicators": indicators, "analysis": analysis})
    return result


def _declared_indicators(declaration: Declaration) -> dict[tuple[str, str, str], tuple[Indicator, Path]]:
    return {
        (first, second, name_key(item.name)): (item, (*INDICATORS, first, second, i))
        for first, seconds in declaration.indicators.items()
        for second, items in seconds.items()
        for i, item in enumerate(items)
    }


def _link_indicators(evaluation: SelfEvaluation, declaration: Declaration, result: Link
                     ) -> dict[str, dict[str, list[EvaluatedIndicator]]]:
    declared = _declared_indicators(declaration)
    used: set[tuple[str, str, str]] = set()
    linked: dict[str, dict[str, list[EvaluatedIndicator]]] = {}
    for first, seconds in evaluation.indicators.items():
        linked[first] = {}
        for second, items in seconds.items():
            linked[first][second] = []
            for i, item in enumerate(items):
                key = (first, second, name_key(item.name))
                if key in declared:
                    used.add(key)
                    item = _fill_indicator(item, *declared[key], (*INDICATORS, first, second, i), result)
                linked[first][second].append(item)
    for key, (item, path) in declared.items():
        if key not in used:
            where = (*INDICATORS, key[0], key[1])
            result.unevaluated.append(Unevaluated(f"三级指标“{item.name}”", path, where))
    return linked


def _fill_indicator(item: EvaluatedIndicator, declared: Indicator, declared_path: Path,
                    path: Path, result: Link) -> EvaluatedIndicator:
    if item.target is not None and not same_target(item.target, declared.target):
        result.conflicts.append(Conflict(
            f"三级指标“{item.name}”", "年度指标值", (*path, "年度指标值"),
            (*declared_path, "年度指标值"), item.target, declared.target,
        ))
    update: dict[str, Any] = {"target": declared.target}
    for attribute in ("value_type", "unit", "period_target", "explanation", "scoring_rule"):
        if getattr(item, attribute) is None:
            update[attribute] = getattr(declared, attribute)
    return item.model_copy(update=update)


def _link_tasks(evaluation: SelfEvaluation, declaration: Declaration, result: Link) -> list[TaskOutcome]:
    declared = {name_key(t.name): (t, i) for i, t in enumerate(declaration.key_tasks)}
    used: set[str] = set()
    tasks = []
    for i, task in enumerate(evaluation.analysis.tasks):
        key = name_key(task.name)
        if key in declared:
            used.add(key)
            task = _fill_task(task, *declared[key], (*TASKS, i), result)
        tasks.append(task)
    for key, (task, i) in declared.items():
        if key not in used:
            result.unevaluated.append(Unevaluated(f"年度重点工作任务“{task.name}”",
                                                  (*DECLARATION_TASKS, i), TASKS))
    return tasks


def _fill_task(task: TaskOutcome, declared: KeyTask, index: int, path: Path, result: Link) -> TaskOutcome:
    update: dict[str, Any] = {}
    for attribute, label in TASK_FIELDS:
        own, theirs = getattr(task, attribute), getattr(declared, attribute)
        update[attribute] = theirs
        if own is not None and not _same_value(own, theirs):
            result.conflicts.append(Conflict(
                f"任务“{task.name}”", label, (*path, label), (*DECLARATION_TASKS, index, label),
                _shown(own), _shown(theirs),
            ))
    return task.model_copy(update=update)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return same_text(str(a), str(b))


def _shown(value: Any) -> str:
    return money(value) if isinstance(value, Decimal) else str(value)


def missing(evaluation: SelfEvaluation) -> list[tuple[Path, str]]:
    """(parent path, key) of what the self-evaluation needs and neither file states."""
    found: list[tuple[Path, str]] = []
    for first, seconds in evaluation.indicators.items():
        for second, items in seconds.items():
            found += [((*INDICATORS, first, second, i), "年度指标值")
                      for i, item in enumerate(items) if item.target is None]
    for i, task in enumerate(evaluation.analysis.tasks):
        found += [((*TASKS, i), label) for attribute, label in TASK_FIELDS
                  if getattr(task, attribute) is None]
    return found


# --- the chain as the kinds' rows name it (kinds.py) ------------------------------------------


def link_from_evaluation(ctx: CheckContext, document: Document, sibling: Sibling) -> None:
    """A self-evaluation takes what its declaration states."""
    if isinstance(sibling.model, Declaration):
        ctx.chain = link(document.model, sibling.model)
        document.model = ctx.document = ctx.chain.evaluation


def link_from_declaration(ctx: CheckContext, document: Document, sibling: Sibling) -> None:
    """A declaration learns where its self-evaluation states something else."""
    if isinstance(sibling.model, SelfEvaluation):
        ctx.chain = link(sibling.model, document.model)
