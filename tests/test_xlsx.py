"""Spreadsheet output, opened with openpyxl: merged cells, number formats, print settings."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet
from samples import DECLARATION, DEPARTMENT, DEPARTMENT_NAME, SELF_EVALUATION

from reportgen import cli, kinds
from reportgen.documents import Document, Loader
from reportgen.render import formats, xlsx

ROOT = Path(__file__).resolve().parent.parent
SELF = ROOT / "content/panyu-media-center/2022/self-evaluation.yaml"
DECL = ROOT / "content/panyu-media-center/2023/declaration.yaml"


def sheet_of(path: Path) -> Worksheet:
    data = formats.render_document(Loader().load_document(path), "xlsx")
    return openpyxl.load_workbook(io.BytesIO(data)).active


@pytest.fixture(scope="module")
def annex() -> Worksheet:
    return sheet_of(SELF)


def find(sheet: Worksheet, value: object) -> tuple[int, int]:
    [found] = [(c.row, c.column) for row in sheet.iter_rows() for c in row if c.value == value]
    return found


def merged(sheet: Worksheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def test_annex_money_block(annex: Worksheet) -> None:
    row, column = find(annex, "年度预算执行情况")
    assert f"A{row}:B{row}" in merged(annex)  # the label spans the 一级 and 二级 columns
    cells = [annex.cell(row, c) for c in range(3, 9)]  # 年初 / A / B / 分值 / 执行率 / 得分
    assert cells[0].value is None  # 年初预算数 is not in the report
    assert (Decimal(str(cells[1].value)), cells[1].number_format) == (Decimal("8602.62"), "#,##0.00")
    assert (Decimal(str(cells[2].value)), cells[2].number_format) == (Decimal("8534.90"), "#,##0.00")
    assert cells[4].number_format == "0.00%"
    assert round(Decimal(str(cells[4].value)), 6) == round(Decimal("8534.90") / Decimal("8602.62"), 6)
    assert (Decimal(str(cells[5].value)), cells[5].number_format) == (Decimal("9.92"), "0.00")
    headers = [annex.cell(row - 1, c).value for c in range(3, 9)]
    assert headers == ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]


def test_annex_indicator_block(annex: Worksheet) -> None:
    header, _ = find(annex, "偏差原因分析及改进措施")
    assert [annex.cell(header, c).value for c in range(1, 9)] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert annex.print_title_rows == f"${header}:${header}"  # repeated on every printed page
    first, _ = find(annex, "产出指标")
    output_rows = 5  # 数量 ×2, 质量, 时效, 成本
    assert f"A{first}:A{first + output_rows - 1}" in merged(annex)
    assert f"B{first}:B{first + 1}" in merged(annex)  # 数量指标: two indicators
    assert annex.cell(first, 4).value == "23,618份" and annex.cell(first, 5).value == "23,618份"
    points, score = annex.cell(first, 6), annex.cell(first, 7)
    assert (points.value, points.number_format, score.value, score.number_format) == (10, "0", 10, "0.00")
    total, _ = find(annex, "总分")
    assert f"A{total}:E{total}" in merged(annex)
    assert annex.cell(total, 6).value == 100 and annex.cell(total, 7).value is None  # no total: incomplete
    grade, _ = find(annex, "自评等级")
    assert f"F{grade}:H{grade}" in merged(annex)
    assert annex.cell(grade, 6).value == "无法评定（8 项缺少评分依据）"


def test_print_settings(annex: Worksheet) -> None:
    setup = annex.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (
        int(annex.PAPERSIZE_A4), "portrait", 1, 0)
    assert annex.sheet_properties.pageSetUpPr.fitToPage
    assert all(annex.column_dimensions[c].width > 5 for c in "ABCDEFGH")


def test_declaration_indicator_table() -> None:
    sheet = sheet_of(DECL)
    header, _ = find(sheet, "实施周期指标值")
    assert sheet.print_title_rows == f"${header}:${header}"
    first, _ = find(sheet, "产出指标")
    assert f"A{first}:A{first + 3}" in merged(sheet)  # 数量, 质量, 时效, 成本: one row each
    row, _ = find(sheet, "项目验收合格比率")
    assert [sheet.cell(row, c).value for c in (4, 5)] == ["95%以上", "95%以上"]


def test_render_command_writes_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    result = CliRunner().invoke(cli.main, ["render", str(SELF), "--to", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).active.title == "自评表"


def test_formats_are_registered() -> None:
    assert cli.OUTPUT_FORMATS == formats.FORMATS
    assert formats.SUFFIX["xlsx"] == ".xlsx"
    assert all(kind.template_files("xlsx", ROOT / "templates") == [] for kind in kinds.kinds())  # laid out in code


@pytest.mark.parametrize(("budget", "money_format", "rate_text", "rate_format"), [
    ("8602.62", "#,##0.00", "99.21%", "0.00%"),
    ("8602.6218", "#,##0.0000", "99.21%", "0.00%"),  # the author's four decimals are kept
    ("8534.9", "#,##0.00", "100%", "0%"),  # a whole rate prints as the forms print it
    ("8534.20", "#,##0.00", "100.01%", "0.00%"),
    ("8590.3", "#,##0.00", "99.36%", "0.00%"),
])
def test_annex_number_formats_show_what_the_documents_print(project: Path, budget, money_format, rate_text,
                                                            rate_format) -> None:
    path = project / "content/panyu-media-center/2022/self-evaluation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("全年预算数: 8602.62", f"全年预算数: {budget}", 1),
                    encoding="utf-8")
    document = Loader().load_document(path)
    sheet = openpyxl.load_workbook(io.BytesIO(formats.render_document(document, "xlsx"))).active
    row, _ = find(sheet, "年度预算执行情况")
    adjusted, rate = sheet.cell(row, 4), sheet.cell(row, 7)
    assert (Decimal(str(adjusted.value)), adjusted.number_format) == (Decimal(budget), money_format)
    assert rate.number_format == rate_format
    html = formats.render_document(document, "html").decode()
    assert rate_text in html and f"{Decimal(budget):,}" in html


# --- text is never a formula ---------------------------------------------------------------------

SAMPLE_DEPARTMENT = Path("content/media/department.yaml")  # never read: texts are handed to the loader
FORMULA_LIKE = ['HYPERLINK("http://example.com","点击")', "1+1", "SUM(A1:A9)", "cmd|' /C calc'!A0", "A1", ""]


def scalar_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of every scalar value (not keys) of a YAML text."""
    spans = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.MappingNode):
            for _, value in node.value:
                walk(value)

    walk(yaml.compose(text))
    return spans


def with_value(text: str, span: tuple[int, int], value: str) -> str:
    """The text with one scalar replaced by `value` written as a double-quoted YAML scalar."""
    return text[: span[0]] + json.dumps(value, ensure_ascii=False) + text[span[1]:]


def load_sample(name: str, text: str, department: str = DEPARTMENT) -> Document:
    return Loader().load_from_bytes(Path("content/media/2024") / name, text.encode(), SAMPLE_DEPARTMENT,
                                    department.encode())


def text_fields() -> list[tuple[str, tuple[int, int] | None]]:
    """Every scalar of both samples that accepts a formula-like text (the others, numbers and
    closed lists, refuse it, so it never reaches a spreadsheet); None stands for 部门名称, which is
    written in department.yaml too."""
    fields: list[tuple[str, tuple[int, int] | None]] = [("declaration.yaml", None), ("self-evaluation.yaml", None)]
    for name, text in (("declaration.yaml", DECLARATION), ("self-evaluation.yaml", SELF_EVALUATION)):
        for span in scalar_spans(text):
            if text[span[0]:span[1]] != DEPARTMENT_NAME and load_sample(name, with_value(text, span, "=1+1")).ok:
                fields.append((name, span))
    return fields


TEXT_FIELDS = text_fields()


def fill(field: tuple[str, tuple[int, int] | None], value: str) -> Document:
    name, span = field
    text = DECLARATION if name == "declaration.yaml" else SELF_EVALUATION
    if span is not None:
        return load_sample(name, with_value(text, span, value))
    quoted = json.dumps(value, ensure_ascii=False)
    return load_sample(name, text.replace(DEPARTMENT_NAME, quoted), DEPARTMENT.replace(DEPARTMENT_NAME, quoted))


def workbook_cells(data: bytes) -> list:
    return [cell for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows() for cell in row]


def assert_no_formula(data: bytes, value: str) -> list:
    """No formula anywhere in the workbook (reportgen writes none of its own); returns the cells
    that hold `value`, each of which must be a quote-prefixed string."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    cells = workbook_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    holding = [c for c in cells if isinstance(c.value, str) and value.strip() and value.strip() in c.value]
    for cell in holding:
        assert cell.data_type == "s"
        if cell.value.startswith(xlsx.FORMULA_STARTS):
            assert cell.quotePrefix, cell.coordinate
    return holding


def test_text_fields_reach_the_spreadsheet_as_text() -> None:
    """Each accepted text field, starting with `=`, is in the workbook as text, or not printed there."""
    assert len(TEXT_FIELDS) >= 20
    printed = 0
    for field in TEXT_FIELDS:
        document = fill(field, "=HYPERLINK(\"http://example.com\")")
        assert document.ok, [f.format() for f in document.findings if f.is_error]
        printed += bool(assert_no_formula(formats.render_document(document, "xlsx"), "=HYPERLINK"))
    assert printed >= 10  # 部门名称, the indicator and task columns…: not only prose fields


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(field=st.sampled_from(TEXT_FIELDS), start=st.sampled_from(xlsx.FORMULA_STARTS),
       body=st.one_of(st.sampled_from(FORMULA_LIKE),
                      st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)))
def test_no_text_becomes_a_formula(field, start, body) -> None:
    value = start + body
    document = fill(field, value)
    assume(document.ok)  # a text a field refuses (a reference, 待填写…) is reported, not rendered
    assert_no_formula(formats.render_document(document, "xlsx"), value)


@pytest.mark.slow
def test_libreoffice_shows_formula_like_text_as_text(tmp_path: Path) -> None:
    """The real client: LibreOffice opens the workbook and saves its cells as CSV; a text that
    reads as a formula is there as written, not evaluated (=1+1 would be saved as 2)."""
    import csv
    import subprocess

    from tools import require_tool

    soffice = require_tool("soffice")
    texts = {"三级指标: 保障人数": "=1+1", "年度指标值: 55人": "+2+2", "三级指标: 宣传覆盖面": "-3+3",
             "三级指标: 群众满意度": "@SUM(1,1)"}
    declaration = DECLARATION
    for line, value in texts.items():
        declaration = declaration.replace(line, f"{line.split(':')[0]}: {json.dumps(value)}", 1)
    document = load_sample("declaration.yaml", declaration)
    assert document.ok
    (tmp_path / "indicators.xlsx").write_bytes(formats.render_document(document, "xlsx"))
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(tmp_path / "indicators.xlsx")],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "indicators.csv", encoding="utf-8", newline="") as handle:
        cells = {cell for row in csv.reader(handle) for cell in row}
    assert set(texts.values()) <= cells, cells
    assert not {"2", "4", "0"} & cells
