"""Document → spreadsheet (.xlsx) through openpyxl, from the same tables as HTML and Word.

The declaration gives its indicator table; the self-evaluation its 自评表 (money block and
indicator block with scores, total and grade). Numbers are written as numbers (Decimal, never
float) with the forms' formats; merged 一级/二级 cells are merged ranges; the indicator header
row repeats on every printed page; pages are A4, fitted to the width.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..format import money_number_format, wrapped_lines
from .archive import reproducible_zip
from .blocks import Cell, Table

FONT = "宋体"
HEADING_FONT = "黑体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CHARS_PER_PERCENT = 1.0  # column width (characters) per percent of the table width
LINE_HEIGHT = 14.5  # points per line of 11 pt text
CELL_PADDING_CHARS = 1.5  # of a column's width in characters, what its cell margins take


FIXED_TIME = datetime.datetime(2000, 1, 1)


def render_declaration_xlsx(context: dict[str, Any], templates: object = None) -> bytes:
    """The declaration's indicator table, then its 预算整体情况 on a sheet of its own."""
    workbook = Workbook()
    _declaration_sheet(workbook.active, context)
    _budget_sheet(workbook.create_sheet(), context)
    return render_xlsx(workbook, context)


def render_annex_xlsx(context: dict[str, Any], templates: object = None) -> bytes:
    """The self-evaluation's 自评表."""
    workbook = Workbook()
    _annex_sheet(workbook.active, context["annex"])
    return render_xlsx(workbook, context)


def render_xlsx(workbook: Workbook, context: dict[str, Any]) -> bytes:
    """The workbook with the document's title and author, as reproducible bytes."""
    workbook.properties.creator = context["department"]
    return workbook_bytes(workbook, context["pdf_title"])


def workbook_bytes(workbook: Workbook, title: str) -> bytes:
    """The workbook's bytes, byte-identical for equal contents."""
    workbook.properties.title = title
    # Fixed dates, so equal inputs give byte-identical workbooks: Workbook.save() stamps "now",
    # so the writer is called directly.
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return reproducible_zip(buffer.getvalue())


# --- sheets ------------------------------------------------------------------------------------


def _declaration_sheet(sheet: Worksheet, context: dict[str, Any]) -> None:
    table: Table = context["indicator_table"]
    labels = context["labels"]
    sheet.title = "绩效指标"
    width = len(table.widths)
    _title(sheet, 1, width,
           f"{context['department']}{context['year']}年{context['title']}（{labels['绩效指标']}）", table.widths)
    _line(sheet, 2, [(_with_header(f"{labels['部门名称']}：{context['department']}", context["header_values"]),
                      width - 1), (f"年度：{context['year']}年", 1)])
    header = 3
    _write_table(sheet, table, header, [1] * width)
    _page_setup(sheet, table.widths, header)


BUDGET_WIDTHS = [28, 22, 28, 22]


def _budget_sheet(sheet: Worksheet, context: dict[str, Any]) -> None:
    """预算整体情况 as the form prints it: label, amount, label, amount; amounts stay numbers."""
    sheet.title = "预算整体情况"
    width = len(BUDGET_WIDTHS)
    _title(sheet, 1, width, f"{context['department']}{context['year']}年{context['title']}（预算整体情况）",
           BUDGET_WIDTHS)
    _line(sheet, 2, [(_with_header(f"{context['labels']['部门名称']}：{context['department']}",
                                   context["header_values"]), width - 1), (f"年度：{context['year']}年", 1)])
    rows = [[Cell(text, label=row["header"] or k % 2 == 0, numeric=amount is not None, value=amount,
                  number_format=money_number_format(amount) if amount is not None else "")
             for k, (text, amount) in enumerate(zip(row["cells"], row["amounts"], strict=True))]
            for row in context["budget_rows"]]
    _write_table(sheet, Table("budget", [], BUDGET_WIDTHS, rows), 3, [1] * width)
    _page_setup(sheet, BUDGET_WIDTHS, 3)


def _annex_sheet(sheet: Worksheet, annex: dict[str, Any]) -> None:
    money: Table = annex["money_table"]
    indicators: Table = annex["indicator_table"]
    sheet.title = "自评表"
    width = len(indicators.widths)  # the grid: the indicator block's columns
    _title(sheet, 1, width, annex["title"], indicators.widths)
    _line(sheet, 2, [(_with_header(f"部门名称：{annex['department']}", annex["header_values"]), width - 4),
                     (f"年度：{annex['year']}年", 2), (f"单位：{annex['unit']}", 2)])
    # The money block's first column (its label) spans the grid's 一级 and 二级 columns.
    after_money = _write_table(sheet, money, 3, [2] + [1] * (len(money.widths) - 1))
    header = after_money + 1  # one blank row between the blocks
    _write_table(sheet, indicators, header, [1] * width)
    _page_setup(sheet, indicators.widths, header + len(indicators.header_rows))


def _with_header(text: str, values: list[tuple[str, str]]) -> str:
    """部门名称 and the profile's header fields on one line."""
    return "　　".join([text, *(f"{name}：{value}" for name, value in values)])


def _title(sheet: Worksheet, row: int, width: int, text: str, table_widths: list[int]) -> None:
    size = 16
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = sheet.cell(row, 1)
    write_text(cell, text)
    cell.font = Font(name=HEADING_FONT, size=size)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    lines = wrapped_lines(text, _chars(sum(table_widths)) * 11 / size - CELL_PADDING_CHARS)
    sheet.row_dimensions[row].height = lines * size * 1.4 + 8


def _line(sheet: Worksheet, row: int, parts: list[tuple[str, int]]) -> None:
    """A line of labels above a table, each spanning some grid columns; the last flush right."""
    column = 1
    for i, (text, span) in enumerate(parts):
        if span > 1:
            sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + span - 1)
        cell = sheet.cell(row, column)
        write_text(cell, text)
        cell.font = Font(name=FONT, size=11)
        cell.alignment = Alignment(horizontal="right" if i == len(parts) - 1 and i else "left",
                                   vertical="center")
        column += span


# --- tables ------------------------------------------------------------------------------------


def _write_table(sheet: Worksheet, table: Table, top: int, spans: Sequence[int]) -> int:
    """Header rows, then the rows, from row `top`; returns the row after the table."""
    starts = [1 + sum(spans[:i]) for i in range(len(spans))]
    headers = [*table.header_rows, [Cell(c) for c in table.columns]] if table.columns else []
    rows = [(cells, True) for cells in headers] + [(cells, False) for cells in table.rows]
    grid = [_chars(w) for w in _grid_widths(table.widths, spans)]
    for offset, (cells, header) in enumerate(rows):
        _write_row(sheet, top + offset, cells, starts, spans, header=header)
        sheet.row_dimensions[top + offset].height = _row_height(cells, starts, spans, grid)
    _borders(sheet, top, top + len(rows) - 1, sum(spans))
    return top + len(rows)


def _grid_widths(widths: list[int], spans: Sequence[int]) -> list[float]:
    """Widths of the grid columns a table lies on (a logical column may span several)."""
    return [w / span for w, span in zip(widths, spans, strict=True) for _ in range(span)]


def _chars(width: float) -> float:
    return round(width * CHARS_PER_PERCENT, 1)


def _row_height(cells: list[Cell], starts: list[int], spans: Sequence[int], grid: list[float]) -> float:
    """Spreadsheets do not grow a row for wrapped text on opening: the height is set here.

    Cells merged over several rows do not count (the rows of their neighbours carry them).
    """
    lines = 1
    column = 0
    for cell in cells:
        if cell.rowspan == 1:
            first = starts[column] - 1
            last = starts[column + cell.colspan - 1] - 1 + spans[column + cell.colspan - 1]
            lines = max(lines, wrapped_lines(cell.text, sum(grid[first:last]) - CELL_PADDING_CHARS))
        column += cell.colspan
    return round(lines * LINE_HEIGHT + 6, 1)


def _borders(sheet: Worksheet, first: int, last: int, width: int) -> None:
    """Every cell of the block, merged or not, gets its border (merged ranges need each cell).

    After the merges: openpyxl then has no border of the first cell to copy to each merged
    range's edges, which took two thirds of a project form's workbook time.
    """
    for row in sheet.iter_rows(min_row=first, max_row=last, min_col=1, max_col=width):
        for cell in row:
            cell.border = BORDER


def _write_row(sheet: Worksheet, row: int, cells: list[Cell], starts: list[int], spans: Sequence[int],
               *, header: bool) -> None:
    column = 0  # logical column
    for cell in cells:
        if cell.rowspan == 0:  # covered by a merge from above
            column += cell.colspan
            continue
        first = starts[column]
        last = starts[column + cell.colspan - 1] + spans[column + cell.colspan - 1] - 1
        if cell.rowspan > 1 or last > first:
            sheet.merge_cells(start_row=row, start_column=first, end_row=row + cell.rowspan - 1,
                              end_column=last)
        _fill(sheet.cell(row, first), cell, header=header)
        column += cell.colspan


def _fill(target, cell: Cell, *, header: bool) -> None:
    if cell.value is not None:
        target.value = cell.value
        target.number_format = cell.number_format or "General"
    else:
        write_text(target, cell.text)
    bold = header or cell.label and cell.colspan > 1  # the total and grade rows
    target.font = Font(name=HEADING_FONT if bold else FONT, size=11)
    horizontal = "right" if cell.numeric else "center" if header or cell.label else "left"
    target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


# What a spreadsheet may take for the start of a formula (or, for tab and CR, what some
# spreadsheets strip before looking for one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_text(target, text: str | None) -> None:
    """Text stays text: openpyxl makes any string starting with `=` a formula, and Excel or
    LibreOffice re-read `+`, `-`, `@` as one when the cell is edited. The cell is typed as a
    string and marked with the quote prefix (as a typed leading apostrophe does), so neither
    happens."""
    target.value = text or None
    if text:
        target.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            target.quotePrefix = True


# --- printing ----------------------------------------------------------------------------------


def _page_setup(sheet: Worksheet, widths: list[int], header_row: int) -> None:
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = _chars(width)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = f"A{header_row + 1}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.8
