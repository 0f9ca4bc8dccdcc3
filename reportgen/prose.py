"""Author prose that references data (`{{ 收入.合计 }}`), rendered in a Jinja sandbox.

Text without template syntax is returned as is. A reference that fails (unknown name, syntax
error, anything the sandbox refuses) leaves the text literal and records a finding, so a typo is
never printed as a blank.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import derive
from .format import money, pct
from .model import Declaration, SelfEvaluation

_TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#")


class _Percent(Decimal):
    """A computed rate: printed as 99.21%."""


def _finalize(value: Any) -> Any:
    if isinstance(value, _Percent):
        return pct(value)
    if isinstance(value, Decimal):
        return money(value)
    return value


_ENVIRONMENT = ImmutableSandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, finalize=_finalize, keep_trailing_newline=True
)


class ProseRenderer:
    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.problems: list[tuple[tuple, str, str]] = []  # (path, code, message)

    def render(self, text: str, path: tuple = ()) -> str:
        if not text or not _TEMPLATE_SYNTAX.search(text):
            return text
        try:
            return _ENVIRONMENT.from_string(text).render(self.namespace)
        except TemplateSyntaxError as exc:
            self.problems.append((path, "E502", f"数据引用写法有误：{exc.message}"))
        except UndefinedError as exc:
            self.problems.append((path, "E501", f"引用了不存在的数据：{_undefined_name(exc)}"))
        except SecurityError:
            self.problems.append((path, "E503", "数据引用中含有不允许的操作（只能引用数据，如 {{ 收入.合计 }}）"))
        except TemplateError as exc:
            self.problems.append((path, "E502", f"数据引用无法计算：{exc.message}"))
        except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError) as exc:
            self.problems.append((path, "E502", f"数据引用无法计算：{exc}"))
        return text


def _undefined_name(exc: UndefinedError) -> str:
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
    if match:
        return match.group(1) or match.group(2)
    return exc.message or ""


def namespace(document: Declaration | SelfEvaluation) -> dict[str, Any]:
    """What prose may reference: the document's own data (Chinese keys) and computed figures."""
    data = document.model_dump(by_alias=True, exclude={"waivers"})
    if isinstance(document, Declaration):
        figures = derive.declaration_figures(document)
        budget = data["预算整体情况"]
        budget["部门预算支出"]["合计"] = figures.expenditure_total
        budget["收入来源"]["合计"] = figures.income_total
        budget["按预算级次划分"]["合计"] = figures.levels_total
        data["预算"] = budget
        return data
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
