"""Document → Word (.docx) through docxtpl, from the same context as the HTML.

The Word templates (templates/word/) hold the page, the styles and the paragraph flow; tables
are built here with python-docx, since their shape (merged 一级/二级 cells, optional columns)
follows the data, into fragments the templates place with `{{p … }}`. Header rows repeat on
every page (w:tblHeader); merges are w:vMerge; a row is kept on one page (w:cantSplit) unless it
is taller than a page. The declaration is one form table, as on the printed form. An annex wider than a portrait page is its own landscape section.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import re
from bisect import bisect_left
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm
from docxtpl import DocxTemplate
from lxml import etree

from ..format import wrapped_lines
from .archive import reproducible_zip
from .blocks import Cell, Table
from .templates import TEMPLATES

TYPE_WIDTH_MM = {"portrait": 156, "landscape": 243}
TYPE_HEIGHT_MM = {"portrait": 225, "landscape": 138}
PT_PER_MM = 72 / 25.4
TABLE_TEXT_PT = 10.5  # 五号, the 表格文字 style
TABLE_LINE_PT = TABLE_TEXT_PT * 1.45  # a single-spaced line of the CJK fonts
CELL_PADDING_MM = 2 * 1.9  # left and right cell margins of the Table Grid style
# Rows (and merged blocks) up to half a page are kept on one page; a taller one may break, since
# moving it whole to the next page would leave most of a page empty.
KEEP_WHOLE = 0.5
ANNEX_STYLE = "附件标识"  # the annex's first paragraph (templates/word/self-evaluation.docx)


def render_declaration_docx(context: dict[str, Any], templates: Path = TEMPLATES) -> bytes:
    """The declaration: one form table, as on the printed form."""
    template = DocxTemplate(templates / "word" / f"{context['kind']}.docx")
    return render_docx(template, {**context, "form": _declaration_form(template, context)})


def render_report_docx(context: dict[str, Any], templates: Path = TEMPLATES) -> bytes:
    """The self-evaluation report: its blocks, then the 自评表 annex."""
    template = DocxTemplate(templates / "word" / f"{context['kind']}.docx")
    annex = context["annex"]
    return render_docx(template, {**context, "blocks": [_block(template, b) for b in context["blocks"]],
                                  "annex": {**annex, "subdoc": _annex(template, annex)}},
                       landscape_from=ANNEX_STYLE if annex["orientation"] == "landscape" else None)


def render_docx(template: DocxTemplate, data: dict[str, Any], *, landscape_from: str | None = None) -> bytes:
    """A Word template filled with `data` (its tables already built), as reproducible bytes; from
    the first paragraph of style `landscape_from` on, the pages are landscape."""
    template.render(data, autoescape=True)
    if landscape_from:
        landscape_section(template.docx, landscape_from)
    template.docx.core_properties.title = data["pdf_title"]
    template.docx.core_properties.author = data["department"]
    buffer = io.BytesIO()
    template.save(buffer)
    return reproducible_zip(buffer.getvalue())


def landscape_section(document, style: str) -> None:
    """A landscape section from the first paragraph of `style` to the end: the pages before it
    keep the template's portrait section (margins, footers), closed by a copy of it."""
    body = document.element.body
    style_id = document.styles[style].style_id
    start = next(p for p in body.iter(qn("w:p")) if p.pPr is not None and p.pPr.style == style_id)
    previous = start.getprevious()
    if previous is None or previous.tag != qn("w:p"):  # a section ends in a paragraph, not a table
        previous = OxmlElement("w:p")
        start.addprevious(previous)
    previous.get_or_add_pPr()._insert_sectPr(copy.deepcopy(body.sectPr))
    start.pPr.pageBreakBefore_val = None  # the section break starts the new page
    section = document.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


class Fragment:
    """Tables and paragraphs that a Word template places with `{{p … }}`: what docxtpl's
    subdocument is, without opening python-docx's default document for each one. It writes with
    the template's styles, and gives docxtpl the same XML."""

    def __init__(self, template: DocxTemplate) -> None:
        template.init_docx()
        element = parse_xml(f"<w:document {nsdecls('w')}><w:body/></w:document>")
        element.body.append(copy.deepcopy(template.docx.element.body.sectPr))  # python-docx sizes tables by it
        self.document = WordDocument(element, template.docx.part)
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def __html__(self) -> str:
        body = copy.deepcopy(self.document.element.body)
        body.remove(body.sectPr)
        return re.sub(r"</?w:body[^>]*>", "", etree.tostring(body, encoding="unicode"))

    __str__ = __html__


def _block(template: DocxTemplate, block) -> dict[str, Any]:
    data = {"kind": block.kind, "text": block.text, "number": block.number, "subdoc": None}
    if block.table is not None:
        fragment = Fragment(template)
        add_table(fragment, block.table, "portrait")
        data["subdoc"] = fragment
    return data


def _annex(template: DocxTemplate, annex: dict[str, Any]) -> Fragment:
    fragment = Fragment(template)
    # 单位：万元 is in the template, above this line.
    fields = [("部门名称", annex["department"]), *annex["header_values"], ("年度", f"{annex['year']}年")]
    fragment.document.add_paragraph("　　".join(f"{name}：{value}" for name, value in fields), style="表格文字")
    add_table(fragment, annex["money_table"], annex["orientation"])
    add_table(fragment, annex["indicator_table"], annex["orientation"])
    return fragment


def _declaration_form(template: DocxTemplate, context: dict[str, Any]):
    """The bordered form as one table: its sections (in the order of templates/declaration.md),
    each on its own columns of a common grid. The first row repeats on every page."""
    sections = declaration_sections(context)
    form = one_grid("declaration", [sections[name] for name in context["sections"]], header_rows=1)
    fragment = Fragment(template)
    add_table(fragment, form, "landscape")
    return fragment


def declaration_sections(context: dict[str, Any]) -> dict[str, tuple[list[int], list[list[Cell]]]]:
    """Each section of the form: (relative column widths, rows), as the context lays it out."""
    labels = context["labels"]
    header = [[cell for name, value in context["header_values"]
               for cell in (Cell(name, label=True), Cell(value))]]
    identity = [[Cell(labels["部门名称"], label=True), Cell(context["department"])]]
    budget_rows = []
    for i, row in enumerate(context["budget_rows"]):
        label = Cell(labels["预算整体情况"] if i == 0 else "", rowspan=len(context["budget_rows"]) if i == 0 else 0,
                     label=True)
        cells = [Cell(text, label=row["header"] or k % 2 == 0, numeric=not row["header"] and k % 2 == 1)
                 for k, text in enumerate(row["cells"])]
        budget_rows.append([label, *cells])
    goal = [[Cell(labels["总体绩效目标"], label=True), Cell("\n".join(context["overall_goal"]))]]
    task_rows = [[Cell(labels["年度重点工作任务"], colspan=4, label=True)],
                 [Cell(c, label=True) for c in labels["任务表头"]]]
    task_rows += [[Cell(t["name"], label=True), Cell(t["content"]), Cell(t["funds"], numeric=True),
                   Cell(t["goal"])] for t in context["tasks"]]
    task_rows.append([Cell(labels["合计"], label=True), Cell(""), Cell(context["tasks_total"], numeric=True), Cell("")])
    task_rows.append([Cell(labels["其他任务"], label=True), Cell(context["other_tasks"], colspan=3)])
    indicators = context["indicator_table"]
    indicator_rows = [[Cell(labels["绩效指标"], colspan=len(indicators.columns), label=True)],
                      [Cell(c, label=True) for c in indicators.columns], *indicators.rows]
    rows = {"表头": header, "部门名称": identity, "预算整体情况": budget_rows, "总体绩效目标": goal,
            "年度重点工作任务": task_rows, "绩效指标": indicator_rows}
    return {name: (context["section_widths"][name], section_rows) for name, section_rows in rows.items()}


def one_grid(kind: str, sections: list[tuple[list[int], list[list[Cell]]]], *, header_rows: int = 0) -> Table:
    """Sections with columns of their own as one table: the grid has a column edge wherever any
    section has one, and each cell spans the grid columns between its edges. Every section spans
    the full width (a profile's columns may add up to another total than the form's)."""
    total = max(sum(widths) for widths, _ in sections)
    edges_of = [[Fraction(sum(widths[:i]) * total, sum(widths)) for i in range(len(widths) + 1)]
                for widths, _ in sections]
    grid = sorted({edge for edges in edges_of for edge in edges})
    rows = []
    for edges, (_, section_rows) in zip(edges_of, sections, strict=True):
        for cells in section_rows:
            row, column = [], 0
            for cell in cells:
                first = bisect_left(grid, edges[column])
                last = bisect_left(grid, edges[column + cell.colspan])
                row.append(dataclasses.replace(cell, colspan=last - first))
                column += cell.colspan
            rows.append(row)
    widths = [float(b - a) for a, b in pairwise(grid)]
    return Table(kind, [], widths, rows[header_rows:], header_rows=rows[:header_rows])


def add_table(fragment: Fragment, table: Table, orientation: str) -> None:
    """A bordered table; header rows marked to repeat; rowspans as vertical merges; rows kept on
    one page unless taller than one.

    Cells are written in one pass on the XML (python-docx's cell() and style lookups are
    quadratic), which keeps a long annex fast.
    """
    document = fragment.document
    if document.element.body.findall(qn("w:tbl")):
        document.add_paragraph("", style="表格文字")  # adjacent tables would fuse into one
    headers = [*table.header_rows, *([[Cell(c, label=True) for c in table.columns]] if table.columns else [])]
    width_mm = TYPE_WIDTH_MM[orientation]
    widths_mm = [width_mm * w / sum(table.widths) for w in table.widths]
    widths = [Mm(w) for w in widths_mm]
    docx_table = document.add_table(rows=len(headers) + len(table.rows), cols=len(widths))
    docx_table._tbl.tblStyle_val = fragment.style_id("Table Grid")
    docx_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    docx_table.autofit = False
    for column, width in zip(docx_table.columns, widths, strict=True):
        column.width = width  # w:gridCol, which LibreOffice and WPS follow
    styles = {name: fragment.style_id(name) for name in ("表格标题", "表格文字", "表格数字")}
    rows = [*headers, *table.rows]
    limit_mm = KEEP_WHOLE * TYPE_HEIGHT_MM[orientation]
    with_next = rows_kept_with_next(rows, widths_mm, limit_mm)
    for r, (tr, cells) in enumerate(zip(docx_table._tbl.tr_lst, rows, strict=True)):
        if row_height_mm(cells, widths_mm) <= limit_mm:
            _keep_whole(tr)
        if r < len(headers):
            _repeat_header(tr)
        _fill_row(tr, cells, widths, styles)
        if r in with_next:
            for paragraph in tr.iter(qn("w:p")):
                paragraph.get_or_add_pPr().keepNext_val = True


def rows_kept_with_next(rows: list[list[Cell]], widths_mm: list[float], limit_mm: float) -> set[int]:
    """Rows to keep with the row after them: title rows (every cell a label), the 总分 row with the
    自评等级 row, and the rows of a block merged under its first cell (一级 indicator, budget) when
    the block fits the limit."""
    keep = {r for r, cells in enumerate(rows[:-1]) if cells and all(c.label for c in cells if c.rowspan)}
    keep |= {r for r, (cells, following) in enumerate(pairwise(rows))
             if cells and following and cells[0].total and following[0].total}
    r = 0
    while r < len(rows):
        span = rows[r][0].rowspan if rows[r] else 1
        if span > 1 and sum(row_height_mm(cells, widths_mm) for cells in rows[r : r + span]) <= limit_mm:
            keep.update(range(r, r + span - 1))
        r += max(span, 1)
    return keep


def row_height_mm(cells: list[Cell], widths_mm: list[float]) -> float:
    """An estimate of a row's height from its text and column widths (cells merged over several
    rows do not count: their rows share them)."""
    lines, column = 1, 0
    for cell in cells:
        if cell.rowspan == 1:
            text_pt = (sum(widths_mm[column : column + cell.colspan]) - CELL_PADDING_MM) * PT_PER_MM
            lines = max(lines, wrapped_lines(cell.text, int(2 * text_pt / TABLE_TEXT_PT)))
        column += cell.colspan
    return lines * TABLE_LINE_PT / PT_PER_MM


def _fill_row(tr, cells: list[Cell], widths: list, styles: dict[str, str]) -> None:
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
            style = "表格标题" if cell.label else ("表格数字" if cell.numeric else "表格文字")
            _set_text(tc, cell.text, styles[style])
        column += cell.colspan


def _set_text(tc, text: str, style_id: str) -> None:
    first = tc.p_lst[0]
    for i, line in enumerate(text.split("\n") if text else [""]):
        paragraph = first if i == 0 else tc.add_p()
        paragraph.get_or_add_pPr().style = style_id
        if line:
            paragraph.add_r().text = line


def _keep_whole(tr) -> None:
    tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # before w:tblHeader, as the schema orders them


def _repeat_header(tr) -> None:
    properties = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
