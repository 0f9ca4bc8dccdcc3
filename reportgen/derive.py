"""Computed figures: totals, shares, rates and changes — never typed by the author."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Declaration, SelfEvaluation

HUNDRED = Decimal(100)


def half_unit(value: Decimal) -> Decimal:
    """Half of the last written digit, at most 0.005: 3110.76 → 0.005, 968.1918 → 0.00005."""
    exponent = value.as_tuple().exponent
    decimals = max(-exponent if isinstance(exponent, int) else 0, 2)
    return Decimal(5).scaleb(-decimals - 1)


def sum_tolerance(parts: Iterable[Decimal]) -> Decimal:
    """How far a total may differ from the sum of its rounded parts (n × 0.005 for cents)."""
    return sum((half_unit(p) for p in parts), Decimal(0))


def quantize(value: Decimal, decimals: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent, unrounded; None when whole is zero."""
    if whole == 0:
        return None
    return part / whole * HUNDRED


def percent_tolerance(stated: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """Allowed gap between a stated percentage and the one computed from rounded amounts."""
    stated_half = half_unit_of_written(stated)
    if whole == 0:
        return stated_half
    share = abs(part / whole) * HUNDRED
    relative = (half_unit(part) / abs(part) if part else Decimal(0)) + half_unit(whole) / abs(whole)
    return stated_half + share * relative


def half_unit_of_written(value: Decimal) -> Decimal:
    """Half of the last written digit as written (7.6 → 0.05, 45.32 → 0.005)."""
    exponent = value.as_tuple().exponent
    return Decimal(5).scaleb((exponent if isinstance(exponent, int) else 0) - 1)


@dataclass(frozen=True)
class DeclarationFigures:
    expenditure_total: Decimal
    development_total: Decimal
    income_total: Decimal
    levels_total: Decimal | None  # None: the form has no 按预算级次划分


def declaration_figures(doc: Declaration) -> DeclarationFigures:
    spending, levels = doc.budget.expenditure, doc.budget.levels
    development = spending.development.special_funds + spending.development.other if spending.development else Decimal(0)
    return DeclarationFigures(
        expenditure_total=spending.basic + spending.project + development,
        development_total=development,
        income_total=doc.budget.income.appropriation + doc.budget.income.other,
        levels_total=levels.district + levels.transfers if levels else None,
    )


@dataclass(frozen=True)
class SelfEvaluationFigures:
    income_total: Decimal
    expenditure_total: Decimal
    execution_rate: Decimal | None
    change: Decimal | None
    change_rate: Decimal | None


def self_evaluation_figures(doc: SelfEvaluation) -> SelfEvaluationFigures:
    finances = doc.background.finances
    spending = finances.expenditure
    expenditure_total = spending.basic.amount + spending.project.amount
    change = change_rate = None
    if spending.previous_total is not None:
        change = expenditure_total - spending.previous_total
        change_rate = percent(change, spending.previous_total)
    return SelfEvaluationFigures(
        income_total=sum((s.amount for s in finances.income.sources), Decimal(0)),
        expenditure_total=expenditure_total,
        execution_rate=percent(expenditure_total, finances.budget.adjusted),
        change=change,
        change_rate=change_rate,
    )
