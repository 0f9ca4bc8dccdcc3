"""The 自评表 (annex of the self-evaluation report) as tables, after the 财预〔2020〕10号 form.

Money block: 年初预算数 / 全年预算数（A）/ 全年执行数（B）/ 分值 / 执行率（B/A）/ 得分; indicator
block: 一级 / 二级 / 三级 / 年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施, then the
total and the grade. Every number cell carries its value and spreadsheet format as well.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..derive import quantize
from ..format import money, money_number_format, pct, pct_number_format
from ..model import SelfEvaluation
from ..model.settings import Scoring
from ..profiles import LEVEL_COLUMNS, Profile
from ..scoring import QUALITATIVE, IndicatorResult, Scorecard
from ..taxonomy import Taxonomy
from .blocks import Cell, IndicatorKey, Table
from .indicators import indicator_table

HUNDRED = Decimal(100)
# Indicator columns a portrait type area holds (the 财预〔2020〕10号 form has 8); a wider annex is
# printed on landscape pages, as the declaration form is.
PORTRAIT_COLUMNS = 8


def annex(doc: SelfEvaluation, card: Scorecard, settings: Scoring, taxonomy: Taxonomy,
          profile: Profile) -> dict[str, Any]:
    indicators = scored_indicator_table(doc, card, settings, taxonomy, profile)
    return {
        "title": profile.labels["自评表"]["标题"],
        "department": doc.department,
        "year": doc.year,
        "unit": "万元",
        "money_table": money_table(doc, card, settings, profile.labels["自评表"]),
        "indicator_table": indicators,
        "orientation": "landscape" if len(indicators.widths) > PORTRAIT_COLUMNS else "portrait",
        "complete": card.complete,
        "total": score_text(card.total, settings.score_decimals) if card.complete else "",
        "grade": grade_text(card),
    }


def score_text(value: Decimal, decimals: int) -> str:
    return f"{quantize(value, decimals):.{decimals}f}"


def points_text(value: Decimal, decimals: int) -> str:
    """10 → '10', 16.666… → '16.67': whole points print without decimals, as on the forms."""
    rounded = quantize(value, decimals)
    return f"{rounded:.0f}" if rounded == rounded.to_integral_value() else f"{rounded:.{decimals}f}"


def grade_text(card: Scorecard) -> str:
    if card.complete:
        return card.grade
    return f"无法评定（{card.incomplete_reason}）"


def _score_format(decimals: int) -> str:
    return "0." + "0" * decimals if decimals else "0"


def _points_cell(value: Decimal, settings: Scoring) -> Cell:
    decimals = settings.score_decimals
    rounded = quantize(value, decimals)
    whole = rounded == rounded.to_integral_value()
    return Cell(points_text(value, decimals), numeric=True, value=rounded,
                number_format=_score_format(0 if whole else decimals))


def _score_cell(value: Decimal | None, settings: Scoring) -> Cell:
    if value is None:
        return Cell("", numeric=True)
    decimals = settings.score_decimals
    return Cell(score_text(value, decimals), numeric=True, value=quantize(value, decimals),
                number_format=_score_format(decimals))


def _money_cell(value: Decimal | None) -> Cell:
    if value is None:
        return Cell("", numeric=True)
    return Cell(money(value), numeric=True, value=value, number_format=money_number_format(value))


def money_table(doc: SelfEvaluation, card: Scorecard, settings: Scoring, labels: dict[str, Any]) -> Table:
    """The 年度预算执行情况 row (and the 执行率偏差原因 row), worded as `labels` (the profile's 文字 → 自评表)."""
    execution = card.execution
    rate = Cell(pct(execution.rate), numeric=True)
    if execution.rate is not None:
        rate = Cell(rate.text, numeric=True, value=execution.rate / HUNDRED,
                    number_format=pct_number_format(execution.rate))
    rows = [[Cell(labels["预算执行"], label=True), _money_cell(execution.initial),
             _money_cell(execution.adjusted), _money_cell(execution.executed),
             _points_cell(execution.points, settings), rate, _score_cell(execution.score, settings)]]
    reason = doc.background.finances.budget.reason
    if reason:
        rows.append([Cell(labels["偏差原因"], label=True), Cell(reason, colspan=6)])
    return Table("annex-money", ["", *labels["资金表头"]], [22, 15, 15, 15, 8, 13, 12], rows)


def scored_indicator_table(doc: SelfEvaluation, card: Scorecard, settings: Scoring, taxonomy: Taxonomy,
                           profile: Profile) -> Table:
    """The indicator block with the profile's columns, then the 总分 and 自评等级 rows: their label
    spans the columns before 分值, the total stands under 分值 and 得分."""
    overrides: dict[IndicatorKey, dict[str, Cell]] = {
        (r.first, r.second, r.index): _scored_cells(r, settings) for r in card.indicators
    }
    table = indicator_table("annex-indicators", "自评表绩效指标", doc.indicators, taxonomy, profile, overrides)
    keys = [*LEVEL_COLUMNS, *(c.key for c in profile.columns("自评表绩效指标"))]
    before = keys.index("分值")
    labels = profile.labels["自评表"]
    after = len(keys) - before - 2
    total = [Cell(labels["总分"], colspan=before, label=True), _points_cell(card.points_total, settings),
             _score_cell(card.total if card.complete else None, settings), *([Cell("", colspan=after)] if after else [])]
    grade = [Cell(labels["自评等级"], colspan=before, label=True), Cell(grade_text(card), colspan=len(keys) - before, label=True)]
    for cell in (*total, *grade):
        cell.total = True
    table.rows += [total, grade]
    return table


def _scored_cells(result: IndicatorResult, settings: Scoring) -> dict[str, Cell]:
    item = result.indicator
    actual = item.actual or ""
    if result.kind == QUALITATIVE and item.band:
        actual = f"{actual}\n（{item.band}）" if actual else item.band
    return {
        "实际完成值": Cell(actual),
        "分值": _points_cell(result.points, settings),
        "得分": _score_cell(result.score, settings),
        "得分系数": _ratio_cell(result.score, result.points),
    }


def _ratio_cell(score: Decimal | None, points: Decimal) -> Cell:
    """得分 ÷ 分值 (Chongqing's 得分系数), two decimals."""
    if score is None or not points:
        return Cell("", numeric=True)
    ratio = quantize(score / points, 2)
    return Cell(f"{ratio:.2f}", numeric=True, value=ratio, number_format="0.00")
