"""What is printed is what was written: references filled in every text field and every format;
nothing unfinished, invented or impossible printed (placeholders, a grade without indicators,
negative amounts, `-0.00`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit, write_tree
from tools import ROOT, docx_text, html_text_parts, pdf_text, require_tool, xlsx_text

from reportgen import scoring
from reportgen.documents import Document, Loader, validate
from reportgen.format import money, pct
from reportgen.model.common import parse_decimal
from reportgen.render.formats import render_document

DECL, SELF = "declaration.yaml", "self-evaluation.yaml"


def load(tmp_path: Path, name: str, text: str, department: str = DEPARTMENT) -> Document:
    root = write_tree(tmp_path, {"media/department.yaml": department, f"media/2024/{name}": text})
    return Loader().load_document(root / "media" / "2024" / name)


def text_of(data: bytes, fmt: str, tmp_path: Path) -> str:
    if fmt == "html":
        return "".join(html_text_parts(data))
    if fmt == "pdf":
        require_tool("pdftotext")
        return "".join(pdf_text(data, tmp_path).split())
    if fmt == "docx":
        return docx_text(data, tmp_path)
    return xlsx_text(data)


# --- 2. references: the same in every text field, refused where they are not allowed ------------

# References in table cells (task fields, 三级指标, 年度指标值, 偏差原因…), each with the words it
# must print. The 年度指标值 reference gives “55人”, which the 自评表 must score as 55人.
CELL_REFERENCES = {
    DECL: ([("    主要实施内容: 保障编外人员工资", "    主要实施内容: 保障{{ 年度 }}年编外人员工资"),
            ("      - 三级指标: 保障人数\n        年度指标值: 55人",
             "      - 三级指标: “{{ 部门名称 }}”保障人数\n        年度指标值: '{{ 年度 }}年55人'")],
           {"html": ["保障2024年编外人员工资", "“广州市番禺区融媒体中心”保障人数", "2024年55人"],
            "pdf": ["保障2024年编外人员工资", "2024年55人"],
            "docx": ["保障2024年编外人员工资", "“广州市番禺区融媒体中心”保障人数", "2024年55人"],
            "xlsx": ["“广州市番禺区融媒体中心”保障人数", "2024年55人"]}),
    SELF: ([("      主要实施内容: 保障编外人员工资", "      主要实施内容: 保障{{ 年度 }}年编外人员工资"),
            ("        年度指标值: 55人\n        实际完成值: 55人",
             "        年度指标值: '{{ 基本情况.人员情况.人员[0].人数 }}人'\n        实际完成值: 55人"),
            ("        实际完成值: 覆盖全区\n",
             "        实际完成值: 覆盖全区\n        偏差原因分析及改进措施: '{{ 年度 }}年已覆盖全区'\n")],
           {"html": ["保障2024年编外人员工资", "55人", "2024年已覆盖全区"],
            "pdf": ["保障2024年编外人员工资", "2024年已覆盖全区"],
            "docx": ["保障2024年编外人员工资", "2024年已覆盖全区"],
            "xlsx": ["2024年已覆盖全区"]}),
}


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "xlsx"])
@pytest.mark.parametrize("name", [DECL, SELF])
def test_references_in_table_cells_are_filled_in_every_format(tmp_path: Path, name: str, fmt: str) -> None:
    edits, expected = CELL_REFERENCES[name]
    text = DECLARATION if name == DECL else SELF_EVALUATION
    for old, new in edits:
        text = edit(text, old, new)
    document = load(tmp_path, name, text)
    assert document.ok, [f.format() for f in document.findings]
    printed = text_of(render_document(document, fmt), fmt, tmp_path)
    assert "{{" not in printed and "}}" not in printed
    for words in expected[fmt]:
        assert words in printed, (words, printed[:2000])


def test_a_reference_in_a_target_is_scored_as_its_value(tmp_path: Path) -> None:
    edits, _ = CELL_REFERENCES[SELF]
    text = SELF_EVALUATION
    for old, new in edits:
        text = edit(text, old, new)
    document = load(tmp_path, SELF, text)
    card = scoring.score(document.model, document.scoring_settings.scoring)  # type: ignore[arg-type]
    [quantity] = [r for r in card.indicators if r.second == "数量指标"]
    assert quantity.indicator.target == "55人"
    assert quantity.score == Decimal(50)


REFUSED = [
    pytest.param(DECL, "    拟投入的资金: 968.19", '    拟投入的资金: "{{ 年度 }}"', (20, 13), "数字中不能引用数据",
                 id="amount"),
    pytest.param(DECL, f"部门名称: {DEPARTMENT.splitlines()[0].split(': ')[1]}", '部门名称: "{{ 年度 }}局"', (1, 7),
                 "此栏中不能引用数据", id="department-name"),
    pytest.param(SELF, "        完成档次: 达成年度指标", "        完成档次: '{{ 年度 }}'", None,
                 "此栏中不能引用数据", id="band"),
]


@pytest.mark.parametrize(("name", "old", "new", "where", "words"), REFUSED)
def test_references_are_refused_in_numbers_and_identifiers(
        tmp_path: Path, name: str, old: str, new: str, where: tuple[int, int] | None, words: str) -> None:
    text = edit(DECLARATION if name == DECL else SELF_EVALUATION, old, new)
    document = load(tmp_path, name, text)
    [finding] = [f for f in document.findings if f.code == "E901"]
    line = text.splitlines().index(new.splitlines()[0]) + 1
    assert finding.position.line == line
    if where:
        assert (finding.position.line, finding.position.col) == where
    assert words in finding.message and finding.is_error


def test_department_file_refuses_references(tmp_path: Path) -> None:
    department = edit(DEPARTMENT, "简称: 区融媒体中心", "简称: '{{ 年度 }}融媒体中心'")
    root = write_tree(tmp_path, {"media/department.yaml": department})
    [finding] = validate([root]).findings
    assert (finding.code, finding.position.line, finding.position.col) == ("E901", 2, 5)
    assert "department.yaml（各年度、各文书共用）中不能引用数据" in finding.message


# --- 3. nothing unfinished printed -------------------------------------------------------------

PLACEHOLDERS = ("尚未填写", "待填写", "见 department.yaml", "{{", "-0.00")


@pytest.mark.parametrize("relative", sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "content").rglob("*.yaml")
    if p.name in (DECL, SELF)))
def test_no_placeholder_in_the_content_outputs(relative: str, tmp_path: Path) -> None:
    document = Loader().load_document(ROOT / relative)
    assert document.ok
    for fmt in ("html", "docx", "xlsx"):
        printed = text_of(render_document(document, fmt), fmt, tmp_path)
        assert not [p for p in PLACEHOLDERS if p in printed], fmt


@pytest.mark.parametrize(("department", "missing"), [
    pytest.param(DEPARTMENT.split("部门职能:")[0], "部门职能和机构情况", id="neither"),
    pytest.param(DEPARTMENT.split("机构情况:")[0], "机构情况", id="organisation"),
])
def test_department_facts_missing_is_an_error_not_a_placeholder(
        tmp_path: Path, department: str, missing: str) -> None:
    document = load(tmp_path, SELF, SELF_EVALUATION, department)
    [finding] = [f for f in document.findings if f.code == "E902"]
    assert finding.is_error and not document.ok
    assert f"要印出{missing}" in finding.message and "department.yaml" in finding.message
    assert (finding.position.line, finding.position.col) == (1, 1)


def test_a_report_without_indicators_prints_no_score_and_no_grade(tmp_path: Path) -> None:
    text = SELF_EVALUATION
    start, end = text.index("绩效指标:\n  产出指标:"), text.index("综合评价分析:")
    document = load(tmp_path, SELF, text[:start] + "绩效指标: {}\n" + text[end:])
    assert document.ok, [f.format() for f in document.findings]
    assert {f.code for f in document.findings} == {"W603"}
    printed = text_of(render_document(document, "html"), "html", tmp_path)
    assert "自评得分" not in printed and "“差”" not in printed
    reason = "无法评定（一级指标“产出指标”没有三级指标；一级指标“效益指标”没有三级指标；一级指标“满意度指标”没有三级指标）"
    assert reason in printed
    annex = render_document(document, "xlsx")
    cells = xlsx_text(annex).splitlines()
    assert reason in cells and "差" not in cells
    assert cells[cells.index("总分") + 1: cells.index("自评等级")] == ["100"]  # points, and no score


def test_a_missing_establishment_kind_is_not_invented(tmp_path: Path) -> None:
    document = load(tmp_path, SELF, SELF_EVALUATION)  # the sample has 核定编制 and no 编制类型
    printed = text_of(render_document(document, "html"), "html", tmp_path)
    assert "核定编制60名" in printed and "事业编制" not in printed
    stated = load(tmp_path, SELF, edit(SELF_EVALUATION, "    核定编制: 60", "    编制类型: 行政编制\n    核定编制: 60"))
    assert "核定行政编制60名" in text_of(render_document(stated, "html"), "html", tmp_path)


@pytest.mark.parametrize(("name", "old", "new"), [
    pytest.param(DECL, "    基本支出: 3110.76\n    项目支出: 6998.54",
                 "    基本支出: -3110.76\n    项目支出: 13220.06", id="balancing-negative"),
    pytest.param(SELF, "      全年预算数: 10200.00", "      全年预算数: -10200.00", id="budget"),
])
def test_negative_amounts_are_refused(tmp_path: Path, name: str, old: str, new: str) -> None:
    text = edit(DECLARATION if name == DECL else SELF_EVALUATION, old, new)
    document = load(tmp_path, name, text)
    [finding] = [f for f in document.findings if f.is_error]
    assert finding.code == "E903" and "金额不能为负数" in finding.message
    assert finding.position.line == next(i for i, line in enumerate(text.splitlines(), 1) if ": -" in line)


def test_changes_may_be_negative(tmp_path: Path) -> None:
    text = edit(SELF_EVALUATION, "          变动: 100.00\n        - 名称: 项目经费\n          变动: 109.30",
                "          变动: -100.00\n        - 名称: 项目经费\n          变动: 309.30")
    assert load(tmp_path, SELF, text).ok


@pytest.mark.parametrize("written", ["-0", "-0.00", "-0.000"])
def test_minus_zero_prints_as_zero(written: str) -> None:
    assert not parse_decimal(written).is_signed()
    assert money(parse_decimal(written)) in ("0.00", "0.000")
    assert money(Decimal("-0.00")) == "0.00" and pct(Decimal("-0.001")) == "0%"


def test_minus_zero_amount_in_a_document(tmp_path: Path) -> None:
    text = edit(DECLARATION, "      其他事业发展性支出: 0.00", "      其他事业发展性支出: -0")
    document = load(tmp_path, DECL, text)
    assert document.ok, [f.format() for f in document.findings]
    printed = text_of(render_document(document, "html"), "html", tmp_path)
    assert "-0" not in printed


@pytest.mark.parametrize(("old", "new", "label"), [
    pytest.param("      全年预算数: 10200.00", "      全年预算数: 0", "全年预算数为 0", id="budget"),
    pytest.param("      上年支出合计: 9900.00", "      上年支出合计: 0", "上年支出合计为 0", id="previous-year"),
])
def test_a_zero_whole_is_an_error_not_a_dash(tmp_path: Path, old: str, new: str, label: str) -> None:
    text = edit(SELF_EVALUATION, old, new)
    document = load(tmp_path, SELF, text)
    found = [f for f in document.findings if f.code == "E926"]
    assert found and label in found[0].message and not document.ok
    assert found[0].position.line == text.splitlines().index(new) + 1
