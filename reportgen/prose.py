"""Author prose that references data (`{{ 收入.合计 }}`), evaluated in a Jinja sandbox.

Only `{{ … }}` holding a data reference — names joined by `.` or `[…]` — is evaluated; the text
around it, and `{% … %}` or `{# … #}`, is printed exactly as written (the latter with a warning,
W504, since its author probably expected it to do something). A reference that fails (unknown
name, bad syntax, a call, a filter, an operator, an internal attribute, anything the sandbox
refuses) leaves the whole text literal and records a finding, so a typo is never printed as a
blank and nothing the author writes is executed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from jinja2 import StrictUndefined, TemplateError, Undefined, UndefinedError, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

from . import derive
from .format import money, pct
from .model import Declaration, SelfEvaluation

M = TypeVar("M", bound=BaseModel)
_REFERENCE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_STATEMENT = re.compile(r"\{%|\{#")
_HOW = "正文中只能用 {{ 键.键 }} 引用数据，如 {{ 收入.合计 }}"


class _Percent(Decimal):
    """A computed rate: printed as 99.21%."""


def _finalize(value: Any) -> Any:
    if isinstance(value, _Percent):
        return pct(value)
    if isinstance(value, Decimal):
        return money(value)
    return value


_ENVIRONMENT = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_ENVIRONMENT.globals.clear()  # no range, lipsum, cycler, joiner, namespace, dict: only the data


class ReferenceProblem(Exception):
    """A reference that cannot be printed: its finding code and Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ProseRenderer:
    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.problems: list[tuple[tuple, str, str]] = []  # (path, code, message); W… are warnings

    def render(self, text: str, path: tuple = ()) -> str:
        if not text or "{" not in text:
            return text
        if _STATEMENT.search(text):
            self.problems.append((path, "W504", f"“{{% … %}}”和“{{# … #}}”不会执行，按原文印出；{_HOW}"))
        if "{{" not in text:
            return text
        try:
            return _REFERENCE.sub(lambda match: self._reference(match.group(1)), _closed(text))
        except ReferenceProblem as exc:
            self.problems.append((path, exc.code, exc.message))
            return text

    def fill(self, model: M, path: tuple = ()) -> M:
        """The model with every reference in its text filled in: the one place `{{ … }}` becomes data.

        Every text field allows references (prose, table cells, targets, reasons); numbers and
        identifiers refuse them when the file is read (E901), so they have none to fill.
        """
        updates = {}
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            filled = self._fill(value, (*path, info.alias or name))
            if filled is not value:
                updates[name] = filled
        return model.model_copy(update=updates) if updates else model

    def _fill(self, value: Any, path: tuple) -> Any:
        if isinstance(value, str):
            filled = self.render(value, path)
            return value if filled == value else filled
        if isinstance(value, BaseModel):
            return self.fill(value, path)
        if isinstance(value, list):
            items = [self._fill(item, (*path, i)) for i, item in enumerate(value)]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        if isinstance(value, dict):  # keys (一级/二级指标) are names, not text
            filled = {key: self._fill(item, (*path, key)) for key, item in value.items()}
            return value if all(filled[k] is v for k, v in value.items()) else filled
        return value

    def _reference(self, expression: str) -> str:
        value = _evaluate(expression, self.namespace)
        if isinstance(value, dict | list):
            raise ReferenceProblem("E502", f"“{expression.strip()}”是一组数据，请引用其中的一项，如 {{{{ 收入.合计 }}}}")
        if value is None:
            raise ReferenceProblem("E501", f"引用的数据“{expression.strip()}”没有填写")
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ReferenceProblem("E503", f"“{expression.strip()}”不是数据；{_HOW}")
        return str(_finalize(value))


def _closed(text: str) -> str:
    """E502 when a `{{` has no `}}` after it."""
    if "{{" in _REFERENCE.sub("", text):
        raise ReferenceProblem("E502", f"数据引用缺少“}}}}”；{_HOW}")
    return text


def _evaluate(expression: str, namespace: dict[str, Any]) -> Any:
    check_reference(expression)
    try:
        value = _compiled(expression)(**namespace)
        if isinstance(value, Undefined):
            str(value)  # raises why it is undefined
        return value
    except SecurityError as exc:
        raise ReferenceProblem("E503", f"“{expression.strip()}”访问了不允许的属性；{_HOW}") from exc
    except UndefinedError as exc:
        raise _undefined(expression, exc) from exc
    except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError,
            IndexError) as exc:
        raise ReferenceProblem("E502", f"数据引用“{expression.strip()}”无法计算：{exc}") from exc


@lru_cache(maxsize=256)
def _compiled(expression: str):
    return _ENVIRONMENT.compile_expression(expression, undefined_to_none=False)


def check_reference(expression: str) -> None:
    """Refuses, before anything runs, all but a data reference: names joined by `.` or `[…]`."""
    try:
        parser = Parser(_ENVIRONMENT, expression, state="variable")
        node = parser.parse_expression()
        if not parser.stream.eos:
            parser.fail(f"unexpected '{parser.stream.current.value}'")
    except TemplateSyntaxError as exc:
        raise ReferenceProblem(
            "E502", f"数据引用“{{{{{expression}}}}}”写法有误（{exc.message}）；{_HOW}") from exc
    problem = _not_a_reference(node)
    if problem:
        raise ReferenceProblem("E503", f"数据引用“{{{{{expression}}}}}”中含有不允许的操作：{problem}；{_HOW}")


def _not_a_reference(node: nodes.Node) -> str:
    """What in `node` is more than a data reference ("" when nothing is)."""
    while True:
        if isinstance(node, nodes.Name):
            return "内部名称" if node.name.startswith("_") else ""
        if isinstance(node, nodes.Getattr):
            if node.attr.startswith("_"):
                return f"内部属性“{node.attr}”"
        elif isinstance(node, nodes.Getitem):
            key = node.arg.value if isinstance(node.arg, nodes.Const) else None
            if isinstance(key, bool) or not isinstance(key, str | int):
                return "方括号中只能写键名或序号"
            if isinstance(key, str) and key.startswith("_"):
                return f"内部属性“{key}”"
        else:
            return _KINDS.get(type(node).__name__, "只能引用数据，不能计算")
        node = node.node


_KINDS = {"Call": "调用函数", "Filter": "过滤器（|）", "Test": "测试（is）", "Const": "直接写出的值",
          "Mod": "格式化（%）", "CondExpr": "条件表达式"}


def _undefined(expression: str, exc: UndefinedError) -> ReferenceProblem:
    if "unsafe" in (exc.message or ""):  # the sandbox's refusal, carried by an Undefined
        return ReferenceProblem("E503", f"“{expression.strip()}”访问了不允许的属性；{_HOW}")
    missing = _undefined_name(exc)
    detail = f"（没有“{missing}”）" if missing and missing != expression.strip() else ""
    return ReferenceProblem("E501", f"引用了不存在的数据“{expression.strip()}”{detail}")


def _undefined_name(exc: UndefinedError) -> str:
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'|has no element (-?\d+)", exc.message or "")
    if match is None:
        return ""
    if match.group(3) is not None:
        return f"序号 {match.group(3)} 的项"
    return match.group(1) or match.group(2)


def document_data(document: BaseModel) -> dict[str, Any]:
    """What prose may reference in a form: its own data, under the form's labels."""
    return document.model_dump(by_alias=True, exclude={"waivers"})


def declaration_namespace(document: Declaration) -> dict[str, Any]:
    """A declaration's data, with the totals of its budget breakdowns."""
    data = document_data(document)
    figures = derive.declaration_figures(document)
    budget = data["预算整体情况"]
    budget["部门预算支出"]["合计"] = figures.expenditure_total
    budget["收入来源"]["合计"] = figures.income_total
    if budget.get("按预算级次划分"):
        budget["按预算级次划分"]["合计"] = figures.levels_total
    data["预算"] = budget
    return data


def self_evaluation_namespace(document: SelfEvaluation) -> dict[str, Any]:
    """A self-evaluation's data, with its income and spending totals, change and execution rate."""
    data = document_data(document)
    figures = derive.self_evaluation_figures(document)
    finances = data["基本情况"]["收支情况"]
    data["收入"] = {**finances["收入"], "合计": figures.income_total}
    data["支出"] = {**finances["支出"], "合计": figures.expenditure_total, "较上年变动": figures.change}
    if figures.change_rate is not None:
        data["支出"]["较上年变动率"] = _Percent(figures.change_rate)
    data["预算"] = {**finances["预算"]}
    if figures.execution_rate is not None:
        data["预算"]["执行率"] = _Percent(figures.execution_rate)
    return data
