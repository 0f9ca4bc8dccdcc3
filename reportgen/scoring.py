"""Self-evaluation scoring after 财预〔2020〕10号; every number comes from the settings.

Pure functions: a parsed `Target`, the score of each rule, the `Scorecard` of a self-evaluation
with the problems it raises (turned into located findings by the checks). Money and scores are
Decimal end to end; nothing is rounded until it is printed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from . import derive
from .findings import Path
from .format import pct
from .format import plain_number as _plain
from .model import SelfEvaluation
from .model.common import EvaluatedIndicator
from .model.project import ProjectSelfEvaluation
from .model.settings import Band, Grade, Scoring

ZERO, ONE, HUNDRED, TEN_THOUSAND = Decimal(0), Decimal(1), Decimal(100), Decimal(10000)
INDICATORS = ("绩效指标",)
BUDGET = ("基本情况", "收支情况", "预算")
CONCLUSION = ("综合评价分析", "自评结论")
QUANTITATIVE, QUALITATIVE = "定量", "定性"


class Comparator(StrEnum):
    AT_LEAST = "不低于"
    AT_MOST = "不高于"


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A 年度指标值 as written, and what it means when it is a number."""

    text: str
    comparator: Comparator | None = None  # None: qualitative
    value: Decimal | None = None
    unit: str = ""
    implicit: bool = False  # a bare number, read as "at least"

    @property
    def quantitative(self) -> bool:
        return self.comparator is not None and self.value is not None

    def describe(self) -> str:
        """不低于 95%, or 不低于 23618 份（未写明“以上/以下”，按“不低于”计）."""
        if not self.quantitative:
            return "定性指标"
        unit = self.unit if self.unit in ("%", "") else f" {self.unit}"
        text = f"{self.comparator.value} {_plain(self.value)}{unit}"
        return text + ("（未写明“以上”或“以下”，按“不低于”计）" if self.implicit else "")


@dataclass(frozen=True)
class Measure:
    """An 实际完成值 read as a number."""

    value: Decimal
    unit: str


_PREFIXES = sorted([
    *((w, Comparator.AT_LEAST) for w in ("≥", ">=", ">", "不低于", "不少于", "大于等于", "大于", "至少",
                                          "高于", "多于", "超过", "超", "达到", "达")),
    *((w, Comparator.AT_MOST) for w in ("≤", "<=", "<", "不高于", "不超过", "不多于", "小于等于", "小于",
                                         "至多", "低于", "少于", "控制在")),
], key=lambda pair: -len(pair[0]))
_SUFFIXES = sorted([
    *((w, Comparator.AT_LEAST) for w in ("及以上", "或以上", "以上")),
    *((w, Comparator.AT_MOST) for w in ("及以下", "或以下", "以下", "以内", "之内")),
], key=lambda pair: -len(pair[0]))
_NEUTRAL_PREFIXES = ("约", "近", "共", "累计", "全年")
_NUMBER = re.compile(r"(?P<number>[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?)(?P<unit>\D{0,4})", re.ASCII)
_CONTROL_IN_RANGE = "控制在"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("＝", "=")


def _split(text: str) -> tuple[Comparator | None, str, Comparator | None, str]:
    """(prefix comparator, the number with its unit, suffix comparator, prefix word)."""
    before = after = None
    word = ""
    for prefix, comparator in _PREFIXES:
        if text.startswith(prefix):
            before, word, text = comparator, prefix, text[len(prefix):]
            break
    else:
        for neutral in _NEUTRAL_PREFIXES:
            if text.startswith(neutral):
                word, text = neutral, text[len(neutral):]
                break
    for suffix, comparator in _SUFFIXES:
        if text.endswith(suffix):
            after, text = comparator, text[: -len(suffix)]
            break
    return before, text, after, word


def parse_target(text: str) -> Target:
    """`95%以上`, `≥5人`, `6000万元以上`, `23,618 份` → a quantitative target; else qualitative."""
    original = text.strip()
    before, body, after, word = _split(_normalise(original))
    match = _NUMBER.fullmatch(body)
    if word == _CONTROL_IN_RANGE and after is not None:
        before = after  # 控制在 95% 以上: the suffix says which way
    if match is None or (before and after and before is not after):
        return Target(original)
    comparator = before or after
    value = Decimal(match["number"].replace(",", ""))
    return Target(original, comparator or Comparator.AT_LEAST, value, match["unit"],
                  implicit=comparator is None)


def parse_actual(text: str) -> Measure | None:
    """`99.21%`, `70场以上`, `23,618份` → the number and its unit; None when it is not a number."""
    _, body, _, _ = _split(_normalise(text))
    match = _NUMBER.fullmatch(body)
    if match is None:
        return None
    return Measure(Decimal(match["number"].replace(",", "")), match["unit"])


def in_unit(measure: Measure, unit: str) -> Measure:
    """5万份 in 份 → 50000 份; 12000元 in 万元 → 1.2 万元; other units are left as they are."""
    if unit and measure.unit == f"万{unit}":
        return Measure(measure.value * TEN_THOUSAND, unit)
    if measure.unit and unit == f"万{measure.unit}":
        return Measure(measure.value / TEN_THOUSAND, unit)
    return measure


# --- the rules --------------------------------------------------------------------------------


def quantitative_fraction(target: Target, actual: Decimal, zero_multiple: Decimal) -> Decimal:
    """Share of the points earned (0–1) by an actual against a quantitative target.

    At least A: B ≥ A → 1, else B/A. At most A: B ≤ A → 1; A < B < kA → 1 − (B−A)/((k−1)A);
    B ≥ kA → 0 (k = 反向指标零分倍数, 2 by default).
    """
    a = target.value
    assert a is not None
    if target.comparator is Comparator.AT_MOST:
        if actual <= a:
            return ONE
        if a <= 0 or actual >= zero_multiple * a:
            return ZERO
        return ONE - (actual - a) / ((zero_multiple - ONE) * a)
    if actual >= a:
        return ONE
    if a <= 0:
        return ZERO
    return max(actual / a, ZERO)


def execution_score(points: Decimal, rate: Decimal | None) -> Decimal | None:
    """预算执行率 score: points × rate, capped at the points (rate in percent)."""
    if rate is None:
        return None
    return min(points, max(points * rate / HUNDRED, ZERO))


def find_band(bands: list[Band], name: str) -> Band | None:
    return next((b for b in bands if b.name == name.strip()), None)


def in_band(band: Band, percent: Decimal) -> bool:
    """Edges belong to both neighbouring bands: 80% is in 80–100% and in 60–80%."""
    return band.lower <= percent <= band.upper


def grade(total: Decimal, grades: list[Grade]) -> str:
    """The grade of the unrounded total: the highest whose minimum it reaches."""
    ordered = sorted(grades, key=lambda g: g.minimum, reverse=True)
    return next((g.name for g in ordered if total >= g.minimum), ordered[-1].name)


# --- a whole self-evaluation ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A finding in the making: code, message, YAML path; turned into a Finding by the checks."""

    code: str
    message: str
    path: Path
    warning: bool = False
    key: bool = False
    value: Decimal | str | None = None  # the written value judged (E607, E608)


@dataclass
class IndicatorResult:
    first: str
    second: str
    index: int
    indicator: EvaluatedIndicator
    kind: str  # 定量 / 定性
    target: Target | None
    points: Decimal
    score: Decimal | None = None  # None: not scored (data missing or wrong)
    target_key: str = "年度指标值"  # the field `target` was read from: 调整指标值 when the target was adjusted

    @property
    def path(self) -> Path:
        return (*INDICATORS, self.first, self.second, self.index)


@dataclass
class ExecutionResult:
    initial: Decimal | None
    adjusted: Decimal
    executed: Decimal
    rate: Decimal | None  # percent, unrounded
    points: Decimal
    score: Decimal | None


@dataclass
class Scorecard:
    execution: ExecutionResult
    indicators: list[IndicatorResult]
    points_total: Decimal
    grades: list[Grade]
    problems: list[Problem] = field(default_factory=list)

    @property
    def scored(self) -> list[Decimal | None]:
        return [self.execution.score, *(i.score for i in self.indicators)]

    uncovered: list[str] = field(default_factory=list)  # 一级 blocks with points but no indicator

    @property
    def complete(self) -> bool:
        """The rules give a total and a grade only when every point of the form can be scored."""
        return all(s is not None for s in self.scored) and not self.uncovered

    @property
    def incomplete_reason(self) -> str:
        """Why no total or grade: the same words in the annex, the report and the findings."""
        reasons = [f"{self.unscored} 项缺少评分依据"] if self.unscored else []
        reasons += [f"一级指标“{first}”没有三级指标" for first in self.uncovered]
        return "；".join(reasons)

    @property
    def total(self) -> Decimal:
        """Unrounded; what is not scored counts 0."""
        return sum((s for s in self.scored if s is not None), ZERO)

    @property
    def unscored(self) -> int:
        return sum(s is None for s in self.scored)

    @property
    def max_total(self) -> Decimal:
        """The total if everything not scored earned its full points."""
        missing = [i.points for i in self.indicators if i.score is None]
        if self.execution.score is None:
            missing.append(self.execution.points)
        return self.total + sum(missing, ZERO)

    @property
    def grade(self) -> str:
        return grade(self.total, self.grades)


def score(doc: SelfEvaluation, settings: Scoring) -> Scorecard:
    """Score the self-evaluation (its targets already taken from the declaration, if any)."""
    card = Scorecard(_execution(doc, settings), [], settings.points_total(), settings.grades)
    card.problems.extend(_execution_problems(doc, card.execution, settings))
    _score_indicators(doc, card, settings)
    card.problems.extend(stated_problems(doc, card, settings))
    return card


PROJECT_FUNDS = ("项目资金",)


def score_project(doc: ProjectSelfEvaluation, settings: Scoring) -> Scorecard:
    """Score a 项目支出绩效自评表 by the same rules and settings: 执行率 = 全年执行数 ÷ 全年预算数
    of 年度资金总额, its points × rate (capped); the indicators as the department's."""
    line = doc.funds.total
    rate = derive.percent(line.executed, line.adjusted)
    points = settings.execution_points
    execution = ExecutionResult(line.initial, line.adjusted, line.executed, rate, points,
                                execution_score(points, rate))
    card = Scorecard(execution, [], settings.points_total(), settings.grades)
    card.problems.extend(_reason_missing(rate, doc.funds.reason, settings, "执行率", PROJECT_FUNDS))
    _score_indicators(doc, card, settings)
    return card


def _score_indicators(doc: SelfEvaluation | ProjectSelfEvaluation, card: Scorecard, settings: Scoring) -> None:
    for first, items in _blocks(doc):
        points, problems = allocate(first, [item for _, _, item in items], settings)
        card.problems.extend(problems)
        for (second, index, item), share in zip(items, points, strict=True):
            result = _indicator(first, second, index, item, share)
            card.problems.extend(_score_indicator(result, settings))
            card.indicators.append(result)
    uncovered = _uncovered_blocks(doc, settings)
    card.uncovered = [first for first, _ in uncovered]
    card.problems.extend(problem for _, problem in uncovered)


def _blocks(doc: SelfEvaluation) -> Iterator[tuple[str, list[tuple[str, int, EvaluatedIndicator]]]]:
    for first, seconds in doc.indicators.items():
        items = [(second, i, item) for second, listed in seconds.items() for i, item in enumerate(listed)]
        if items:
            yield first, items


def _execution(doc: SelfEvaluation, settings: Scoring) -> ExecutionResult:
    budget = doc.background.finances.budget
    figures = derive.self_evaluation_figures(doc)
    points = settings.execution_points
    return ExecutionResult(budget.initial, budget.adjusted, figures.expenditure_total,
                           figures.execution_rate, points, execution_score(points, figures.execution_rate))


def _execution_problems(doc: SelfEvaluation, result: ExecutionResult, settings: Scoring) -> list[Problem]:
    return _reason_missing(result.rate, doc.background.finances.budget.reason, settings, "预算执行率", BUDGET)


def _reason_missing(rate: Decimal | None, reason: str | None, settings: Scoring, label: str,
                    path: tuple) -> list[Problem]:
    """E601: an execution rate below the threshold needs its 执行率偏差原因."""
    if rate is None or rate >= settings.execution_reason_below or reason:
        return []
    threshold = pct(settings.execution_reason_below)
    shown = pct(rate)
    if shown == threshold:  # 89.99996% would print as 90%: say 89.99%
        shown = f"{rate.quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"
    return [Problem("E601", f"{label} {shown} 低于 {threshold}，请在“执行率偏差原因”中说明原因", path, key=True)]


def allocate(first: str, items: list[EvaluatedIndicator], settings: Scoring
             ) -> tuple[list[Decimal], list[Problem]]:
    """Points of each indicator of a first-level block: as stated, the rest shared evenly."""
    block = settings.block_points.get(first)
    if block is None:
        return [ZERO] * len(items), [Problem(
            "W603", f"设置中没有一级指标“{first}”的分值，其下指标不计分", (*INDICATORS, first),
            warning=True, key=True,
        )]
    stated = [i.points for i in items if i.points is not None]
    unset = len(items) - len(stated)
    remainder = block - sum(stated, ZERO)
    share = remainder / unset if unset and remainder > 0 else ZERO
    points = [i.points if i.points is not None else share for i in items]
    if (unset and remainder <= 0) or (not unset and remainder != 0):
        written = "、".join(_plain(p) for p in stated)
        rest = f"，另有 {unset} 项未填写分值" if unset else ""
        return points, [Problem(
            "E604",
            f"“{first}”下各指标的分值（{written}）合计 {_plain(sum(stated, ZERO))} 分{rest}，"
            f"与该一级指标的 {_plain(block)} 分不符",
            (*INDICATORS, first), key=True,
        )]
    return points, []


def _uncovered_blocks(doc: SelfEvaluation, settings: Scoring) -> list[tuple[str, Problem]]:
    scored = {first for first, _ in _blocks(doc)}
    return [
        (first, Problem("W603", f"一级指标“{first}”没有三级指标，其 {_plain(points)} 分无法评分，"
                        "自评表不印总分和等级",
                        (*INDICATORS, first) if first in doc.indicators else INDICATORS, warning=True, key=True))
        for first, points in settings.block_points.items() if first not in scored and points > 0
    ]


def _indicator(first: str, second: str, index: int, item: EvaluatedIndicator, points: Decimal
               ) -> IndicatorResult:
    # An adjusted target (调整指标值, Chongqing form) replaces the year's for judging what was achieved;
    # a project's indicators have none.
    adjusted = getattr(item, "adjusted_target", None)
    key, written = ("调整指标值", adjusted) if adjusted is not None else ("年度指标值", item.target)
    target = parse_target(written) if written is not None else None
    if item.value_type in (QUANTITATIVE, QUALITATIVE):
        kind = item.value_type
    else:
        kind = QUANTITATIVE if target is not None and target.quantitative else QUALITATIVE
    return IndicatorResult(first, second, index, item, kind, target, points, target_key=key)


def _score_indicator(result: IndicatorResult, settings: Scoring) -> list[Problem]:
    if result.target is None:
        return []  # no target at all: the chain check reports the missing 年度指标值
    if result.kind == QUANTITATIVE:
        return _quantitative(result, settings)
    return _qualitative(result, settings)


def _quantitative(result: IndicatorResult, settings: Scoring) -> list[Problem]:
    item, target, path = result.indicator, result.target, result.path
    assert target is not None
    problems = []
    if item.band is not None or item.band_percent is not None:
        problems.append(Problem(
            "W606", "定量指标按实际完成值评分，“完成档次”和“档内得分比例”不适用；"
            "如应按定性评分，请填写“指标值类型: 定性”", (*path, "完成档次" if item.band else "档内得分比例"),
            warning=True, key=True,
        ))
    if not target.quantitative:
        return [*problems, Problem("E606", f"指标值类型为定量，但{result.target_key}“{target.text}”无法读出数字",
                                   (*path, result.target_key))]
    if item.actual is None:
        return [*problems, Problem(
            "W601", f"“{item.name}”缺少实际完成值，本项按 0 分计（自评表不完整）", path, warning=True)]
    actual = parse_actual(item.actual)
    if actual is None:
        return [*problems, Problem(
            "E606", f"实际完成值“{item.actual}”无法读出数字，不能与{result.target_key}“{target.text}”比较",
            (*path, "实际完成值"))]
    if target.unit == "%" and not actual.unit and target.value and target.value > ONE and ZERO < actual.value <= ONE:
        meant = f"{_plain(actual.value * HUNDRED)}%"
        return [*problems, Problem(
            "E925", f"实际完成值“{item.actual}”没有写 %，{result.target_key}是百分数“{target.text}”：是否应为“{meant}”？"
            f"（小数 {item.actual} 即 {meant}）", (*path, "实际完成值"))]
    actual = in_unit(actual, target.unit)
    if target.unit and actual.unit and actual.unit != target.unit:
        problems.append(Problem(
            "W605", f"实际完成值的单位“{actual.unit}”与{result.target_key}的单位“{target.unit}”不同，已按数字比较",
            (*path, "实际完成值"), warning=True))
    fraction = quantitative_fraction(target, actual.value, settings.at_most_zero_multiple)
    result.score = result.points * fraction
    return problems + _reasons(result, target, actual, fraction, settings)


def _reasons(result: IndicatorResult, target: Target, actual: Measure, fraction: Decimal,
             settings: Scoring) -> list[Problem]:
    item = result.indicator
    if item.deviation_reason:
        return []
    where = (*result.path, "实际完成值")
    if fraction < ONE:
        return [Problem(
            "E602", f"实际完成值“{item.actual}”未达到{result.target_key}“{target.text}”（{target.describe()}），"
            f"得分 {_plain(derive.quantize(result.score or ZERO))}/{_plain(derive.quantize(result.points))}；"
            "请填写“偏差原因分析及改进措施”", where)]
    excess = settings.excess_reason_at
    if target.comparator is Comparator.AT_LEAST and target.value and \
            actual.value * HUNDRED >= excess * target.value:
        share = derive.percent(actual.value, target.value)
        return [Problem(
            "E603", f"实际完成值“{item.actual}”为{result.target_key}“{target.text}”的 {pct(share)}，达到 "
            f"{pct(excess)} 及以上，请在“偏差原因分析及改进措施”中说明原因（目标是否偏低）", where)]
    return []


def _qualitative(result: IndicatorResult, settings: Scoring) -> list[Problem]:
    item, path = result.indicator, result.path
    names = "、".join(b.name for b in settings.bands)
    if item.band is None or item.band_percent is None:
        missing = "和".join(k for k, v in (("完成档次", item.band), ("档内得分比例", item.band_percent))
                           if v is None)
        return [Problem(
            "W602", f"定性指标“{item.name}”缺少{missing}（档次：{names}），本项按 0 分计（自评表不完整）",
            path, warning=True)]
    band = find_band(settings.bands, item.band)
    if band is None:
        return [Problem("E605", f"未知的完成档次“{item.band}”；可选：{names}", (*path, "完成档次"))]
    if not in_band(band, item.band_percent) and ZERO < item.band_percent <= ONE and \
            in_band(band, item.band_percent * HUNDRED):
        meant = f"{_plain(item.band_percent * HUNDRED)}%"
        return [Problem("E925", f"档内得分比例写为 {_plain(item.band_percent)}，是小数写法？百分数应为：{meant}",
                        (*path, "档内得分比例"))]
    if not in_band(band, item.band_percent):
        return [Problem(
            "E605", f"档内得分比例 {pct(item.band_percent)} 不在“{band.name}”的 "
            f"{pct(band.lower)}–{pct(band.upper)} 之内", (*path, "档内得分比例"))]
    result.score = result.points * item.band_percent / HUNDRED
    if band is not settings.bands[0] and not item.deviation_reason:
        return [Problem(
            "E602", f"定性指标“{item.name}”为“{band.name}”，未达成年度指标，"
            "请填写“偏差原因分析及改进措施”", (*path, "完成档次"))]
    return []


def stated_problems(doc: SelfEvaluation, card: Scorecard, settings: Scoring) -> list[Problem]:
    """E607/E608: a stated 自评得分 or 自评等级 that the annex does not give."""
    conclusion = doc.analysis.conclusion
    problems = []
    total = derive.quantize(card.total, settings.score_decimals)
    note = "" if card.complete else (
        f"（自评表不完整：{card.incomplete_reason}，按 0 分计；全部得满分时最高为 "
        f"{_plain(derive.quantize(card.max_total, settings.score_decimals))} 分）"
    )
    stated = conclusion.stated_score
    if stated is not None and abs(stated - card.total) > derive.half_unit_of_written(stated):
        problems.append(Problem(
            "E607", f"自评得分写为 {_plain(stated)} 分，按自评表计算为 {_plain(total)} 分{note}",
            (*CONCLUSION, "自评得分"), value=stated))
    if conclusion.stated_grade is not None and conclusion.stated_grade.strip("“”\"") != card.grade:
        if card.complete:
            message = f"自评等级写为“{conclusion.stated_grade}”，按自评表总分 {_plain(total)} 分应为“{card.grade}”"
        else:  # as the annex prints it: no grade from an incomplete annex
            message = (f"自评等级写为“{conclusion.stated_grade}”，但自评表不完整，无法评定等级（"
                       f"{card.incomplete_reason}；已评分部分合计 {_plain(total)} 分，全部得满分时最高为 "
                       f"{_plain(derive.quantize(card.max_total, settings.score_decimals))} 分）")
        problems.append(Problem("E608", message, (*CONCLUSION, "自评等级"), value=conclusion.stated_grade))
    return problems
