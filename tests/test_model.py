"""Typed models: bad input becomes one located Chinese finding (E001–E006); good input keeps its text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit, parse

from reportgen.model import Department
from reportgen.model.parse import parse_model
from reportgen.source import load_text

DECL, SELF = "declaration.yaml", "self-evaluation.yaml"
TEXTS = {DECL: DECLARATION, SELF: SELF_EVALUATION}

INCOME_SECTION = "  收入来源:\n    财政拨款: 10112.30\n    其他资金: 0.00\n"
LEVELS_SECTION = "  按预算级次划分:\n    区本级使用资金: 10112.30\n    拟用于对下转移支付资金: 0.00\n"
BASIC = "    基本支出: 3110.76"
GOAL = "总体绩效目标: 深入开展宣传工作。"

# (file, old text, new text, code, line, col, message fragment); lines are those of the edited text.
BAD = [
    pytest.param(DECL, "    其他资金: 0.00", "    其它资金: 0.00",
                 "E002", 12, 5, "未知的键“其它资金”，是否应为“其他资金”", id="mistyped-key"),
    pytest.param(DECL, "        年度指标值: 55人", "        年度指示值: 55人",
                 "E002", 26, 9, "是否应为“年度指标值”", id="mistyped-indicator-key"),
    pytest.param(DECL, "部门名称: ", "部门: ", "E002", 1, 1, "是否应为“部门名称”",
                 id="mistyped-top-key"),
    pytest.param(DECL, GOAL, GOAL + "\n备注: 无", "E002", 17, 1, "此处可用的键：部门名称、年度",
                 id="unknown-key-lists-keys"),
    pytest.param(DECL, INCOME_SECTION, "", "E001", 3, 1, "缺少必填项“收入来源”",
                 id="missing-section-at-parent"),
    pytest.param(DECL, "    其他资金: 0.00\n", "", "E001", 10, 3, "缺少必填项“其他资金”",
                 id="missing-amount-at-parent"),
    pytest.param(DECL, GOAL + "\n", "", "E001", 1, 1, "缺少必填项“总体绩效目标”",
                 id="missing-top-level"),
    pytest.param(SELF, "    预算:\n      年初预算数: 10112.30\n      全年预算数: 10200.00\n"
                 "      预算执行率: 99.11%\n", "", "E001", 19, 3, "缺少必填项“预算”",
                 id="missing-self-evaluation-section"),
    pytest.param(DECL, BASIC, "    基本支出: ３，１１０．７６", "E006", 5, 11, "请改为半角：3110.76",
                 id="full-width-number"),
    pytest.param(DECL, BASIC, "    基本支出: ３１１０.７６", "E006", 5, 11, "请改为半角：3110.76",
                 id="full-width-digits"),
    pytest.param(DECL, "年度: 2024", "年度: ２０２４", "E006", 2, 5, "请改为半角：2024",
                 id="full-width-year"),
    pytest.param(DECL, BASIC, "    基本支出: 3110.76万元", "E006", 5, 18, "不要写单位“万元”（单位为万元），请改为：3110.76",
                 id="stray-unit"),
    pytest.param(DECL, BASIC, "    基本支出: 3,110.76 元", "E921", 5, 20, "即 0.311076 万元，请改为：0.311076",
                 id="stray-unit-grouped"),
    pytest.param(DECL, BASIC, "    基本支出: 三千一百", "E922", 5, 11, "用了中文数字“三千一百”，请改为阿拉伯数字：3100",
                 id="non-numeric"),
    pytest.param(DECL, BASIC, "    基本支出: 3.110,76", "E006", 5, 11, "不是数字", id="european-number"),
    pytest.param(DECL, BASIC, "    基本支出: 1e3", "E006", 5, 11, "不是数字", id="exponent"),
    pytest.param(DECL, BASIC, "    基本支出: " + "9" * 27, "E006", 5, 11, "位数过多：整数部分最多 15 位",
                 id="too-many-digits"),
    pytest.param(DECL, BASIC, "    基本支出: 3110.123456789", "E006", 5, 11, "小数最多 8 位",
                 id="too-many-decimals"),
    pytest.param(DECL, BASIC, "    基本支出:", "E006", 5, 10, "没有填写数字", id="empty-amount"),
    pytest.param(DECL, "年度: 2024", "年度: 2024.5", "E924", 2, 5, "年度只写四位数字的年份，“2024.5”请改为：2024",
                 id="fractional-year"),
    pytest.param(SELF, "        人数: 55", "        人数: -1", "E006", 8, 13, "应为非负整数",
                 id="negative-count"),
    pytest.param(SELF, "          占比: 98.92%", "          占比: ９８．９２％", "E006", 31, 15,
                 "请改为半角：98.92", id="full-width-percent"),
    pytest.param(DECL, GOAL, "总体绩效目标:\n  - 深入开展宣传工作。", "E003", 17, 3, "应为文字",
                 id="text-given-list"),
    pytest.param(DECL, "部门名称: 广州市番禺区融媒体中心", "部门名称:\n  名称: 融媒体中心", "E003", 2, 3,
                 "应为文字", id="text-given-mapping"),
    pytest.param(SELF, "  - 细化绩效目标", "  - [细化绩效目标]", "E003", 103, 5, "应为文字",
                 id="list-item-given-list"),
    pytest.param(DECL, LEVELS_SECTION, "  按预算级次划分: 10112.30\n", "E004", 13, 12,
                 "应为映射", id="section-given-text"),
    pytest.param(DECL, "年度重点工作任务:\n  - 名称: 机构运行辅助经费\n    主要实施内容: 保障编外人员工资\n"
                 "    拟投入的资金: 968.19\n    期望达到的目标: 保障机构正常运转\n",
                 "年度重点工作任务: 机构运行辅助经费\n", "E004", 17, 11, "应为列表", id="list-given-text"),
    pytest.param(DECL, "年度重点工作任务:\n  - 名称: 机构运行辅助经费\n    主要实施内容: 保障编外人员工资\n"
                 "    拟投入的资金: 968.19\n    期望达到的目标: 保障机构正常运转\n",
                 "年度重点工作任务: []\n", "E005", 17, 11, "至少需要填写一项", id="empty-required-list"),
    pytest.param(SELF, "存在的主要问题:\n  - 绩效目标设置不够细化\n", "存在的主要问题:\n", "E004", 100, 9,
                 "应为列表", id="null-required-list"),
]


@pytest.mark.parametrize(("name", "old", "new", "code", "line", "col", "fragment"), BAD)
def test_bad_input(name: str, old: str, new: str, code: str, line: int, col: int, fragment: str) -> None:
    source, model = parse(edit(TEXTS[name], old, new), name)
    assert model is None
    [finding] = source.findings  # one mistake, one finding
    assert (finding.code, finding.position.line, finding.position.col) == (code, line, col), finding.format()
    assert fragment in finding.message


def test_not_a_mapping() -> None:
    source, model = parse("- 部门名称\n- 年度\n")
    assert model is None
    assert [(f.code, f.position.line, f.position.col) for f in source.findings] == [("E004", 1, 1)]


def test_loader_failure_is_not_reported_twice() -> None:
    source, model = parse("部门名称: [\n")
    assert model is None
    assert [f.code for f in source.findings] == ["E102"]


def _get(obj: Any, *path: str | int) -> Any:
    for part in path:
        obj = obj[part] if isinstance(part, int) or isinstance(obj, dict) else getattr(obj, part)
    return obj


# (file, old text, new text, attribute path in the model, expected value); old None: no edit.
GOOD = [
    pytest.param(DECL, BASIC, "    基本支出: 3,110.76", ("budget", "expenditure", "basic"),
                 Decimal("3110.76"), id="thousands-separator"),
    pytest.param(DECL, BASIC, "    基本支出: ' 3110.76 '", ("budget", "expenditure", "basic"),
                 Decimal("3110.76"), id="quoted-number-with-spaces"),
    pytest.param(DECL, "    拟投入的资金: 968.19", "    拟投入的资金: 968.1918", ("key_tasks", 0, "funds"),
                 Decimal("968.1918"), id="precision-kept"),
    pytest.param(DECL, BASIC, "    基本支出: 3110.760", ("budget", "expenditure", "basic"),
                 Decimal("3110.760"), id="trailing-zero-kept"),
    pytest.param(DECL, None, None, ("indicators", "产出指标", "质量指标"), [],
                 id="empty-second-level"),  # the sample has `质量指标:` with nothing under it
    pytest.param(DECL, "        年度指标值: 55人", "        年度指标值: 55", ("indicators", "产出指标",
                 "数量指标", 0, "target"), "55", id="number-as-indicator-text"),
    pytest.param(SELF, "          占比: 98.92%", "          占比: 98.92％", ("background", "finances",
                 "income", "sources", 0, "stated_share"), Decimal("98.92"), id="full-width-percent-sign"),
    pytest.param(SELF, "          占比: 98.92%", "          占比: 98.92", ("background", "finances",
                 "income", "sources", 0, "stated_share"), Decimal("98.92"), id="percent-without-sign"),
    pytest.param(SELF, "          变动: 100.00", "          变动: -100.00", ("background", "finances",
                 "expenditure", "change_reasons", 0, "change"), Decimal("-100.00"), id="negative-money"),
    pytest.param(SELF, "        人数: 55", "        人数: '55'", ("background", "staffing", "groups", 0,
                 "count"), 55, id="quoted-count"),
]


@pytest.mark.parametrize(("name", "old", "new", "path", "expected"), GOOD)
def test_good_input(name: str, old: str | None, new: str | None, path: tuple, expected: Any) -> None:
    text = TEXTS[name] if old is None or new is None else edit(TEXTS[name], old, new)
    source, model = parse(text, name)
    assert source.findings == [], [f.format() for f in source.findings]
    value = _get(model, *path)
    assert value == expected
    if isinstance(expected, Decimal):
        assert str(value) == str(expected)  # the written digits, not a float's


@pytest.mark.parametrize("name", [DECL, SELF])
def test_samples_are_valid(name: str) -> None:
    source, model = parse(TEXTS[name], name)
    assert model is not None and source.findings == []


def test_department() -> None:
    source = load_text(DEPARTMENT, "department.yaml")
    department = parse_model(source, Department)
    assert department is not None and department.display_name == "区融媒体中心"
