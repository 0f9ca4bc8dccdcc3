"""Document → Word (.docx) through docxtpl, from the same context as the HTML.

The Word templates (templates/word/) hold the page, the styles and the paragraph flow; tables
are built here with python-docx, since their shape (merged 一级/二级 cells, optional columns)
follows the data. Header rows repeat on every page (w:tblHeader); merges are w:vMerge.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm
from docxtpl import DocxTemplate

from .context import Cell, Table
from .templates import TEMPLATES

TYPE_WIDTH_MM = {"portrait": 156, "landscape": 243}


def render_docx(context: dict[str, Any], *, templates: Path = TEMPLATES) -> bytes:
    template = DocxTemplate(templates / "word" / f"{context['kind']}.docx")
    data = dict(context)
    if context["kind"] == "declaration":
        data["form"] = _declaration_form(template, context)
    else:
        data["blocks"] = [_block(template, b) for b in context["blocks"]]
        data["annex"] = {**context["annex"], "subdoc": _annex(template, context["annex"])}
    template.render(data, autoescape=True)
    template.docx.core_properties.title = context["pdf_title"]
    template.docx.core_properties.author = context["department"]
    buffer = io.BytesIO()
    template.save(buffer)
    return reproducible_zip(buffer.getvalue())


def reproducible_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times, so equal inputs give byte-identical files."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info))
    return buffer.getvalue()


def _block(template: DocxTemplate, block) -> dict[str, Any]:
    data = {"kind": block.kind, "text": block.text, "number": block.number, "subdoc": None}
    if block.table is not None:
        subdoc = template.new_subdoc()
        add_table(subdoc, block.table, TYPE_WIDTH_MM["portrait"])
        data["subdoc"] = subdoc
    return data


def _annex(template: DocxTemplate, annex: dict[str, Any]):
    subdoc = template.new_subdoc()
    # 单位：万元 is in the template, above this line.
    subdoc.add_paragraph(f"部门名称：{annex['department']}　　年度：{annex['year']}年", style="表格文字")
    add_table(subdoc, annex["money_table"], TYPE_WIDTH_MM["portrait"])
    add_table(subdoc, annex["indicator_table"], TYPE_WIDTH_MM["portrait"])
    return subdoc


def _declaration_form(template: DocxTemplate, context: dict[str, Any]):
    """The bordered form: identity, budget, goal, tasks and indicators, one table each."""
    subdoc = template.new_subdoc()
    width = TYPE_WIDTH_MM["landscape"]
    add_table(subdoc, Table("identity", [], [12, 88],
                            [[Cell("部门名称", label=True), Cell(context["department"])]]), width)
    budget_rows = []
    for i, row in enumerate(context["budget_rows"]):
        label = Cell("基本信息\n预算整体情况" if i == 0 else "", rowspan=len(context["budget_rows"]) if i == 0 else 0,
                     label=True)
        cells = [Cell(text, label=row["header"] or k % 2 == 0, numeric=not row["header"] and k % 2 == 1)
                 for k, text in enumerate(row["cells"])]
        budget_rows.append([label, *cells])
    add_table(subdoc, Table("budget", [], [12, 24, 20, 24, 20], budget_rows), width)
    goal = "\n".join(context["overall_goal"])
    add_table(subdoc, Table("goal", [], [12, 88], [[Cell("总体绩效目标", label=True), Cell(goal)]]), width)
    task_rows = [[Cell(t["name"], label=True), Cell(t["content"]), Cell(t["funds"], numeric=True),
                  Cell(t["goal"])] for t in context["tasks"]]
    task_rows.append([Cell("合计", label=True), Cell(""), Cell(context["tasks_total"], numeric=True), Cell("")])
    task_rows.append([Cell("其他需完成的任务（可选填）", label=True), Cell(context["other_tasks"], colspan=3)])
    add_table(subdoc, Table("tasks", ["名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）"],
                            [15, 33, 12, 40], task_rows, header_rows=[[Cell("年度重点工作任务", colspan=4)]]),
              width)
    indicators = context["indicator_table"]
    add_table(subdoc, Table(indicators.kind, indicators.columns, [12, 16, 36, 18, 18], indicators.rows,
                            header_rows=[[Cell("绩效指标", colspan=5)]]), width)
    return subdoc


def add_table(subdoc, table: Table, width_mm: float) -> None:
    """A bordered table; header rows marked to repeat; rowspans as vertical merges.

    Cells are written in one pass on the XML (python-docx's cell() and style lookups are
    quadratic), which keeps a long annex fast.
    """
    if subdoc.subdocx.element.body.findall(qn("w:tbl")):
        subdoc.add_paragraph("", style="表格文字")  # adjacent tables would fuse into one
    headers = [*table.header_rows, [Cell(c) for c in table.columns]] if table.columns else []
    widths = [Mm(width_mm * w / sum(table.widths)) for w in table.widths]
    docx_table = subdoc.add_table(rows=len(headers) + len(table.rows), cols=len(widths))
    docx_table.style = "Table Grid"
    docx_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    docx_table.autofit = False
    for column, width in zip(docx_table.columns, widths, strict=True):
        column.width = width  # w:gridCol, which LibreOffice and WPS follow
    styles = {name: subdoc.subdocx.styles[name].style_id for name in ("表格标题", "表格文字", "表格数字")}
    for r, tr in enumerate(docx_table._tbl.tr_lst):
        header = r < len(headers)
        if header:
            _repeat_header(tr)
        cells = headers[r] if header else table.rows[r - len(headers)]
        _fill_row(tr, cells, widths, styles, header=header)


def _fill_row(tr, cells: list[Cell], widths: list, styles: dict[str, str], *, header: bool) -> None:
    tcs = list(tr.tc_lst)
    column = 0
    for cell in cells:
        tc = tcs[column]
        if cell.colspan > 1:
            tc.get_or_add_tcPr().grid_span = cell.colspan
            for covered in tcs[column + 1 : column + cell.colspan]:
                tr.remove(covered)
        tc.width = Emu(sum(widths[column : column + cell.colspan]))
        if cell.rowspan == 0:
            tc.get_or_add_tcPr()._add_vMerge()  # continues the merge from the row above
        elif cell.rowspan > 1:
            tc.vMerge = "restart"
        tc.get_or_add_tcPr().vAlign_val = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if cell.rowspan != 0:
            style = "表格标题" if header or cell.label else ("表格数字" if cell.numeric else "表格文字")
            _set_text(tc, cell.text, styles[style])
        column += cell.colspan


def _set_text(tc, text: str, style_id: str) -> None:
    first = tc.p_lst[0]
    for i, line in enumerate(text.split("\n") if text else [""]):
        paragraph = first if i == 0 else tc.add_p()
        paragraph.get_or_add_pPr().style = style_id
        if line:
            paragraph.add_r().text = line


def _repeat_header(tr) -> None:
    properties = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
