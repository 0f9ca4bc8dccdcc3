"""Spreadsheet output, opened with openpyxl: merged cells, number formats, print settings."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from reportgen import cli
from reportgen.documents import Loader
from reportgen.render import formats

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
    assert formats.SUFFIX["xlsx"] == ".xlsx" and formats.TEMPLATE_FILES["xlsx"] == ()
