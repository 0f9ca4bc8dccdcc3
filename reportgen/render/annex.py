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
from ..scoring import QUALITATIVE, IndicatorResult, Scorecard
from ..taxonomy import Taxonomy
from .context import Cell, IndicatorKey, Table, indicator_rows

TITLE = "部门整体支出绩效自评表"
MONEY_COLUMNS = ["", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
INDICATOR_COLUMNS = ["三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
HUNDRED = Decimal(100)


def annex(doc: SelfEvaluation, card: Scorecard, settings: Scoring, taxonomy: Taxonomy) -> dict[str, Any]:
    return {
        "title": TITLE,
        "department": doc.department,
        "year": doc.year,
        "unit": "万元",
        "money_table": money_table(doc, card, settings),
        "indicator_table": indicator_table(doc, card, settings, taxonomy),
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


def money_table(doc: SelfEvaluation, card: Scorecard, settings: Scoring) -> Table:
    execution = card.execution
    rate = Cell(pct(execution.rate), numeric=True)
    if execution.rate is not None:
        rate = Cell(rate.text, numeric=True, value=execution.rate / HUNDRED,
                    number_format=pct_number_format(execution.rate))
    rows = [[Cell("年度预算执行情况", label=True), _money_cell(execution.initial),
             _money_cell(execution.adjusted), _money_cell(execution.executed),
             _points_cell(execution.points, settings), rate, _score_cell(execution.score, settings)]]
    reason = doc.background.finances.budget.reason
    if reason:
        rows.append([Cell("执行率偏差原因", label=True), Cell(reason, colspan=6)])
    return Table("annex-money", MONEY_COLUMNS, [22, 15, 15, 15, 8, 13, 12], rows)


def indicator_table(doc: SelfEvaluation, card: Scorecard, settings: Scoring, taxonomy: Taxonomy) -> Table:
    overrides: dict[IndicatorKey, dict[str, Cell]] = {
        (r.first, r.second, r.index): _scored_cells(r, settings) for r in card.indicators
    }
    rows = indicator_rows(doc.indicators, taxonomy, INDICATOR_COLUMNS, overrides)
    total = [Cell("总分", colspan=5, label=True), _points_cell(card.points_total, settings),
             _score_cell(card.total if card.complete else None, settings), Cell("")]
    grade = [Cell("自评等级", colspan=5, label=True), Cell(grade_text(card), colspan=3, label=True)]
    for cell in (*total, *grade):
        cell.total = True
    rows += [total, grade]
    return Table("annex-indicators", ["一级指标", "二级指标", *INDICATOR_COLUMNS],
                 [8, 12, 18, 12, 12, 9, 10, 19], rows)


def _scored_cells(result: IndicatorResult, settings: Scoring) -> dict[str, Cell]:
    item = result.indicator
    actual = item.actual or ""
    if result.kind == QUALITATIVE and item.band:
        actual = f"{actual}\n（{item.band}）" if actual else item.band
    return {
        "实际完成值": Cell(actual),
        "分值": _points_cell(result.points, settings),
        "得分": _score_cell(result.score, settings),
    }
