"""Scoring of the 自评表: target parsing, every rule and its boundaries, findings, settings, the seed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from samples import DEPARTMENT, SELF_EVALUATION, department, edit, parse, write_tree

from reportgen import kinds, scoring
from reportgen.checks import CheckContext, run_checks
from reportgen.documents import Loader
from reportgen.findings import Finding
from reportgen.model import Settings
from reportgen.model.settings import Scoring, default_bands, default_grades
from reportgen.render.html import document_context
from reportgen.scoring import Comparator, Target, parse_actual, parse_target
from reportgen.taxonomy import load_preset

D = Decimal
AT_LEAST, AT_MOST = Comparator.AT_LEAST, Comparator.AT_MOST
ROOT = Path(__file__).resolve().parent.parent

# --- targets as written in the forms -----------------------------------------------------------

TARGETS = [
    ("95%以上", AT_LEAST, "95", "%", False),
    ("≥95%", AT_LEAST, "95", "%", False),
    ("≥5人", AT_LEAST, "5", "人", False),
    (">=90%", AT_LEAST, "90", "%", False),
    ("不低于90%", AT_LEAST, "90", "%", False),
    ("不少于 5 人", AT_LEAST, "5", "人", False),
    ("6000万元以上", AT_LEAST, "6000", "万元", False),
    ("6,000万元以上", AT_LEAST, "6000", "万元", False),
    ("70个以上", AT_LEAST, "70", "个", False),
    ("１０年以上", AT_LEAST, "10", "年", False),  # full-width digits
    ("95％以上", AT_LEAST, "95", "%", False),  # full-width percent sign
    ("10场", AT_LEAST, "10", "场", True),  # a bare number: at least, and said so
    ("23,618 份", AT_LEAST, "23618", "份", True),
    ("100%", AT_LEAST, "100", "%", True),
    ("5%以下", AT_MOST, "5", "%", False),
    ("≤5%", AT_MOST, "5", "%", False),
    ("不超过3天", AT_MOST, "3", "天", False),
    ("不高于2.5%", AT_MOST, "2.5", "%", False),
    ("控制在5%以内", AT_MOST, "5", "%", False),
    ("显著提升", None, None, "", False),
    ("按月安排", None, None, "", False),
    ("加深活动效果和影响力，有效提升中心宣传传播力度。", None, None, "", False),
    ("90%-100%", None, None, "", False),  # a range is not one comparison
    ("≥95%以下", None, None, "", False),  # contradictory
]


@pytest.mark.parametrize(("text", "comparator", "value", "unit", "implicit"), TARGETS,
                         ids=[row[0] for row in TARGETS])
def test_parse_target(text, comparator, value, unit, implicit) -> None:
    target = parse_target(text)
    assert target.text == text  # printed as written
    assert (target.comparator, target.value, target.unit, target.implicit) == (
        comparator, D(value) if value else None, unit, implicit)
    assert target.quantitative is (comparator is not None)
    if implicit:
        assert "按“不低于”计" in target.describe()


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("99.21%", "99.21", "%"), ("70场以上", "70", "场"), ("23,618份", "23618", "份"),
    ("约5万份", "5", "万份"), ("100", "100", ""),
])
def test_parse_actual(text, value, unit) -> None:
    assert parse_actual(text) == scoring.Measure(D(value), unit)


@pytest.mark.parametrize("text", ["基本完成", "良好", "", "九十"])
def test_actual_without_number(text) -> None:
    assert parse_actual(text) is None


def test_ten_thousands_are_converted() -> None:
    assert scoring.in_unit(scoring.Measure(D(5), "万份"), "份") == scoring.Measure(D(50000), "份")
    assert scoring.in_unit(scoring.Measure(D(12000), "元"), "万元") == scoring.Measure(D("1.2"), "万元")


# --- the rules ---------------------------------------------------------------------------------

def target(comparator: Comparator, value: str) -> Target:
    return Target("", comparator, D(value))


FRACTIONS = [
    pytest.param(AT_LEAST, "100", "100", "1", id="at-least-met"),
    pytest.param(AT_LEAST, "100", "150", "1", id="at-least-exceeded-capped"),
    pytest.param(AT_LEAST, "100", "80", "0.8", id="at-least-proportional"),
    pytest.param(AT_LEAST, "95", "0", "0", id="at-least-nothing"),
    pytest.param(AT_LEAST, "0", "0", "1", id="at-least-zero-target"),
    pytest.param(AT_MOST, "10", "10", "1", id="at-most-met"),
    pytest.param(AT_MOST, "10", "5", "1", id="at-most-under"),
    pytest.param(AT_MOST, "10", "15", "0.5", id="at-most-halfway"),
    pytest.param(AT_MOST, "10", "19.99", "0.001", id="at-most-just-under-2A"),
    pytest.param(AT_MOST, "10", "20", "0", id="at-most-exactly-2A"),
    pytest.param(AT_MOST, "10", "30", "0", id="at-most-beyond-2A"),
    pytest.param(AT_MOST, "0", "1", "0", id="at-most-zero-target"),
]


@pytest.mark.parametrize(("comparator", "a", "b", "expected"), FRACTIONS)
def test_quantitative_fraction(comparator, a, b, expected) -> None:
    assert scoring.quantitative_fraction(target(comparator, a), D(b), D(2)) == D(expected)


def test_zero_multiple_is_a_setting() -> None:
    """反向指标零分倍数 3: 0 points from 3A, half at 2A."""
    assert scoring.quantitative_fraction(target(AT_MOST, "10"), D(20), D(3)) == D("0.5")
    assert scoring.quantitative_fraction(target(AT_MOST, "10"), D(30), D(3)) == D(0)


@pytest.mark.parametrize(("rate", "expected"), [
    ("99.11", "9.911"), ("100", "10"), ("103.5", "10"), ("90", "9"), ("89.99", "8.999"), ("0", "0"),
])
def test_execution_score_is_capped(rate, expected) -> None:
    assert scoring.execution_score(D(10), D(rate)) == D(expected)


@pytest.mark.parametrize(("total", "grade"), [
    ("100", "优"), ("90", "优"), ("89.99", "良"), ("89.999", "良"), ("80", "良"), ("79.99", "中"),
    ("60", "中"), ("59.99", "差"), ("0", "差"),
])
def test_grade_edges(total, grade) -> None:
    assert scoring.grade(D(total), default_grades()) == grade


def test_grade_from_unrounded_total() -> None:
    """89.996 prints as 90.00 but is 良: the grade is that of the unrounded total."""
    assert scoring.grade(D("89.996"), default_grades()) == "良"


@pytest.mark.parametrize(("band", "percent", "inside"), [
    ("达成年度指标", "100", True), ("达成年度指标", "80", True), ("达成年度指标", "79.99", False),
    ("部分达成并具有一定效果", "80", True), ("部分达成并具有一定效果", "60", True),
    ("部分达成并具有一定效果", "80.01", False), ("部分达成并具有一定效果", "59.99", False),
    ("未达成且效果较差", "60", True), ("未达成且效果较差", "0", True), ("未达成且效果较差", "60.01", False),
])
def test_band_edges(band, percent, inside) -> None:
    found = scoring.find_band(default_bands(), band)
    assert found is not None and scoring.in_band(found, D(percent)) is inside


# --- points shared in a block ----------------------------------------------------------------------

def _items(*points: str | None):
    from reportgen.model.common import EvaluatedIndicator

    return [EvaluatedIndicator.model_validate({"三级指标": f"指标{i}", "年度指标值": "100%",
                                               **({"分值": p} if p is not None else {})})
            for i, p in enumerate(points)]


@pytest.mark.parametrize(("points", "shares", "code"), [
    pytest.param([None, None, None], [D(50) / 3] * 3, None, id="even-thirds"),
    pytest.param(["20", None, None], ["20", "15", "15"], None, id="rest-shared"),
    pytest.param(["20", "20", "10"], ["20", "20", "10"], None, id="all-stated"),
    pytest.param(["20", "20", "20"], ["20", "20", "20"], "E604", id="all-stated-too-many"),
    pytest.param(["20", "20", "5"], ["20", "20", "5"], "E604", id="all-stated-too-few"),
    pytest.param(["30", "20", None], ["30", "20", "0"], "E604", id="nothing-left-to-share"),
])
def test_allocate(points, shares, code) -> None:
    allocated, problems = scoring.allocate("产出指标", _items(*points), Scoring())
    assert allocated == [D(s) for s in shares]
    assert [p.code for p in problems] == ([code] if code else [])


# --- findings on a self-evaluation -------------------------------------------------------------------

QUANTITY = "        年度指标值: 55人\n        实际完成值: 55人\n"
SATISFACTION = "        年度指标值: ≥90%\n        实际完成值: 95%\n"
BAND = "        完成档次: 达成年度指标\n        档内得分比例: 90%\n"
BUDGET = "      全年预算数: 10200.00\n      预算执行率: 99.11%\n"


def check(text: str, settings: Settings | None = None) -> list[Finding]:
    source, model = parse(text, "self-evaluation.yaml")
    assert model is not None, [f.format() for f in source.findings]
    ctx = CheckContext(source, model, department(), None, load_preset(), settings=settings or Settings())
    kind = kinds.of_file("self-evaluation.yaml")
    kind.resolved("prepare")(ctx)  # as the loader does: references filled in first
    return run_checks(ctx, kind.resolved("checks"))


# (edits, [(code, line, message fragment)]); lines of the edited sample.
FINDINGS = [
    pytest.param([], [], id="complete-sample-scores-clean"),
    pytest.param([(BUDGET, "      全年预算数: 12000.00\n")],
                 [("E601", 22, "预算执行率 84.24% 低于 90%")], id="E601-execution-below-90"),
    pytest.param([(BUDGET, "      全年预算数: 12000.00\n      执行率偏差原因: 项目延期\n")], [],
                 id="E601-reason-given"),
    pytest.param([(BUDGET, "      全年预算数: 11232.55\n")], [], id="E601-just-above-90"),
    pytest.param([(BUDGET, "      全年预算数: 11232.56\n")],
                 [("E601", 22, "预算执行率 89.99% 低于 90%")], id="E601-just-below-90"),
    pytest.param([(QUANTITY, "        年度指标值: 55人\n        实际完成值: 50人\n")],
                 [("E602", 66, "未达到年度指标值“55人”（不低于 55 人（未写明“以上”或“以下”，按“不低于”计））"
                               "，得分 45.45/50")], id="E602-below-target"),
    pytest.param([(QUANTITY, "        年度指标值: 55人\n        实际完成值: 50人\n"
                             "        偏差原因分析及改进措施: 编制未补齐\n")], [], id="E602-reason-given"),
    pytest.param([(BAND, "        完成档次: 部分达成并具有一定效果\n        档内得分比例: 70%\n")],
                 [("E602", 73, "为“部分达成并具有一定效果”，未达成年度指标")], id="E602-qualitative-band"),
    pytest.param([(SATISFACTION, "        年度指标值: ≥90%\n        实际完成值: 117%\n")],
                 [("E603", 79, "为年度指标值“≥90%”的 130%")], id="E603-exactly-130"),
    pytest.param([(SATISFACTION, "        年度指标值: ≥90%\n        实际完成值: 116.99%\n")], [],
                 id="E603-just-under-130"),
    pytest.param([(SATISFACTION, "        年度指标值: ≤10%\n        实际完成值: 15%\n")],
                 [("E602", 79, "得分 5/10")], id="at-most-target-below"),
    pytest.param([("        分值: 50\n", "        分值: 40\n")],
                 [("E604", 62, "合计 40 分，与该一级指标的 50 分不符")], id="E604-points-do-not-add-up"),
    pytest.param([(BAND, "        完成档次: 完全达成\n        档内得分比例: 90%\n")],
                 [("E605", 73, "未知的完成档次“完全达成”")], id="E605-unknown-band"),
    pytest.param([(BAND, "        完成档次: 达成年度指标\n        档内得分比例: 79%\n")],
                 [("E605", 74, "档内得分比例 79% 不在“达成年度指标”的 80%–100% 之内")],
                 id="E605-percent-outside-band"),
    pytest.param([(BAND, "        完成档次: 达成年度指标\n        档内得分比例: 80%\n")], [],
                 id="E605-band-edge"),
    pytest.param([(SATISFACTION, "        年度指标值: ≥90%\n        实际完成值: 基本满意\n")],
                 [("E606", 79, "实际完成值“基本满意”无法读出数字")], id="E606-actual-not-a-number"),
    pytest.param([("  自评结论:\n", "  自评结论:\n    自评得分: 92.3\n")],
                 [("E607", 82, "自评得分写为 92.3 分，按自评表计算为 96.91 分")], id="E607-stated-score"),
    pytest.param([("  自评结论:\n", "  自评结论:\n    自评得分: 96.9\n")], [], id="E607-same-at-its-precision"),
    pytest.param([("  自评结论:\n", "  自评结论:\n    自评等级: 良\n")],
                 [("E608", 82, "自评等级写为“良”，按自评表总分 96.91 分应为“优”")], id="E608-stated-grade"),
    pytest.param([("  自评结论:\n", "  自评结论:\n    自评得分: 96.9\n    自评等级: 优\n")], [],
                 id="E608-same-grade"),
    pytest.param([(SATISFACTION, "        年度指标值: ≥90%\n")],
                 [("W601", 77, "“群众满意度”缺少实际完成值，本项按 0 分计")], id="W601-missing-actual"),
    pytest.param([(BAND, "")], [("W602", 70, "缺少完成档次和档内得分比例")], id="W602-missing-band"),
    pytest.param([("  满意度指标:\n    服务对象满意度指标:\n      - 三级指标: 群众满意度\n" + SATISFACTION, "")],
                 [("W603", 61, "一级指标“满意度指标”没有三级指标，其 10 分无法评分")], id="W603-empty-block"),
    pytest.param([(QUANTITY, "        年度指标值: 55人\n        实际完成值: 55名\n")],
                 [("W605", 66, "单位“名”与年度指标值的单位“人”不同")], id="W605-units-differ"),
    pytest.param([(SATISFACTION, SATISFACTION + "        完成档次: 达成年度指标\n")],
                 [("W606", 80, "定量指标按实际完成值评分")], id="W606-band-on-quantitative"),
]


@pytest.mark.parametrize(("edits", "expected"), FINDINGS)
def test_scoring_findings(edits, expected) -> None:
    text = SELF_EVALUATION
    for old, new in edits:
        text = edit(text, old, new)
    findings = check(text)
    found = [(f.code, f.position.line) for f in findings]
    assert found == [row[:2] for row in expected], [f.format() for f in findings]
    for finding, row in zip(findings, expected, strict=True):
        assert row[2] in finding.message, finding.message


def test_explicit_quantitative_type_needs_a_number() -> None:
    text = edit(SELF_EVALUATION, "        年度指标值: 有效提升\n",
                "        年度指标值: 有效提升\n        指标值类型: 定量\n")
    codes = [(f.code, f.path[-1]) for f in check(text)]
    assert ("E606", "年度指标值") in codes


def test_sample_scorecard() -> None:
    _, model = parse(SELF_EVALUATION, "self-evaluation.yaml")
    card = scoring.score(model, Scoring())
    # 10 × 10109.30 / 10200.00 + 50 + 30 × 90% + 10
    assert card.total == D(10) * D("10109.30") / D("10200.00") + D(50) + D(27) + D(10)
    assert card.complete and card.grade == "优" and card.points_total == D(100)
    assert [(i.indicator.name, i.points, i.score) for i in card.indicators] == [
        ("保障人数", D(50), D(50)), ("宣传覆盖面", D(30), D(27)), ("群众满意度", D(10), D(10))]


# --- settings change the result -------------------------------------------------------------------

def settings(data: dict) -> Settings:
    return Settings.model_validate(data)


def test_settings_rename_grades_and_move_points() -> None:
    _, model = parse(SELF_EVALUATION, "self-evaluation.yaml")
    custom = settings({"评分": {
        "预算执行率分值": 20, "一级指标分值": {"产出指标": 50, "效益指标": 20, "满意度指标": 10},
        "等级": [{"名称": "优秀", "最低分": 98}, {"名称": "良好", "最低分": 80}, {"名称": "一般", "最低分": 0}],
    }})
    card = scoring.score(model, custom.scoring)
    assert card.total == D(20) * D("10109.30") / D("10200.00") + D(50) + D(18) + D(10)  # 97.82…
    assert card.grade == "良好"
    assert scoring.score(model, Scoring()).grade == "优"


def test_settings_band_and_threshold() -> None:
    strict = {"评分": {"预算执行率须说明原因的下限": "99.5%", "定性指标档次": [
        {"名称": "达成年度指标", "下限": "95%", "上限": "100%"},
        {"名称": "部分达成并具有一定效果", "下限": "60%", "上限": "95%"},
        {"名称": "未达成且效果较差", "下限": "0%", "上限": "60%"},
    ]}}
    codes = [f.code for f in check(SELF_EVALUATION, settings(strict))]
    assert codes == ["E601", "E605"]  # 99.11% < 99.5%; 90% is no longer 达成年度指标


def test_settings_file_is_found_in_the_content_root(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "media/department.yaml": DEPARTMENT,
        "media/2024/self-evaluation.yaml": SELF_EVALUATION,
    })
    path = root / "media/2024/self-evaluation.yaml"
    assert Loader().load_document(path).findings == []
    (root / "settings.yaml").write_text("评分:\n  一级指标分值:\n    产出指标: 40\n    效益指标: 30\n"
                                        "    满意度指标: 10\n", encoding="utf-8")
    document = Loader().load_document(path)
    assert [f.code for f in document.findings] == ["E604"]
    assert document.settings is not None and document.settings.path == root / "settings.yaml"


def test_broken_settings_file_blocks_rendering(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "settings.yaml": "评分:\n  等级: 优\n",
        "media/department.yaml": DEPARTMENT,
        "media/2024/self-evaluation.yaml": SELF_EVALUATION,
    })
    document = Loader().load_document(root / "media/2024/self-evaluation.yaml")
    assert not document.ok
    assert [f.code for f in document.settings.source.findings] == ["E004"]


# --- the report states the computed score when the annex is complete --------------------------------

def test_conclusion_states_computed_score(tmp_path: Path) -> None:
    text = edit(SELF_EVALUATION, "  自评结论:\n", "  自评结论:\n    自评得分: 96.9\n")
    root = write_tree(tmp_path, {"media/department.yaml": DEPARTMENT, "media/2024/self-evaluation.yaml": text})
    context = document_context(Loader().load_document(root / "media/2024/self-evaluation.yaml"))
    sentences = [b.text for b in context["blocks"] if "自评得分" in b.text]
    assert len(sentences) == 1 and "整体支出绩效自评得分96.9分，自评等级为“优”。" in sentences[0]
    annex = context["annex"]
    assert annex["total"] == "96.91" and annex["grade"] == "优" and annex["complete"]


# --- the seed, end to end ---------------------------------------------------------------------------

SEED = ROOT / "content/panyu-media-center/2022/self-evaluation.yaml"


def test_seed_scored_end_to_end() -> None:
    document = Loader().load_document(SEED)
    card = scoring.score(document.model, document.scoring_settings.scoring)
    execution = D(10) * D("8534.90") / D("8602.62")
    assert card.execution.score == execution  # 9.921…: 99.21% of 10 points
    assert card.total == execution + D(30)  # 23,618份, 70场以上 and 99.21%: 10 points each
    assert derive_2(card.total) == "39.92" and card.grade == "差"
    assert not card.complete and card.unscored == 8
    assert derive_2(card.max_total) == "99.92"
    waived = {f.code: f for f in document.findings if f.waived}
    assert set(waived) == {"E607", "E608"}
    assert "自评表不完整，无法评定等级（8 项缺少评分依据" in waived["E608"].message  # as the annex says
    assert document.ok
    context = document_context(document)
    conclusion = next(b.text for b in context["blocks"] if "自评得分" in b.text)
    assert "整体支出绩效自评得分92.3分" in conclusion  # the stated score: the annex is incomplete
    assert context["annex"]["grade"] == "无法评定（8 项缺少评分依据）"


def derive_2(value: Decimal) -> str:
    from reportgen.derive import quantize

    return f"{quantize(value, 2):.2f}"
