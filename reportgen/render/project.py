"""The project forms as one bordered table each, for HTML, Word and the spreadsheet.

项目支出绩效目标申报表 and 项目支出绩效自评表 (财预〔2020〕10号) are forms, not reports: identity rows,
the 项目资金 block, the goals and the indicator table, laid out on one grid (docx.one_grid) so that
every format prints the same cells. The self-evaluation's indicator block and its total and grade
are those of the department's 自评表 (annex.py), scored by the same rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from openpyxl import Workbook

from ..documents import Document
from ..format import pct
from ..model.project import BudgetLine, Funds, ProjectDeclaration, ProjectSelfEvaluation
from ..profiles import load_profile
from .annex import _money_cell, _points_cell, _score_cell, scored_indicator_table
from .blocks import Cell, Table
from .docx import Fragment, add_table, one_grid
from .docx import render_docx as fill_word_template
from .indicators import indicator_rows
from .templates import TEMPLATES

EMPTY = ""  # a field the author has not stated (validation warns, W702): an empty cell

PROJECT_PROFILE = "national"  # the project forms are the national ones


def _text(value: Any) -> str:
    return EMPTY if value is None else str(value)


def _money(value: Any) -> Cell:
    return _money_cell(value) if value is not None else Cell(EMPTY, numeric=True)


def _label(text: str, **kwargs: Any) -> Cell:
    return Cell(text, label=True, **kwargs)


def _identity(doc: ProjectDeclaration | ProjectSelfEvaluation, department_label: str, department: str
              ) -> list[list[Cell]]:
    return [[_label("项目名称"), Cell(doc.project, colspan=3)],
            [_label(department_label), Cell(department), _label("实施单位"), Cell(doc.implementer)]]


# --- 项目支出绩效目标申报表 ---------------------------------------------------------------------


def declaration_context(document: Document, templates: Path = TEMPLATES) -> dict[str, Any]:
    doc: ProjectDeclaration = document.model  # type: ignore[assignment]
    department = doc.department + (f"（{doc.department_code}）" if doc.department_code else "")
    identity = _identity(doc, "主管部门及代码", department)
    identity.append([_label("项目属性"), Cell(_text(doc.attribute)), _label("项目期"), Cell(_text(doc.period))])
    medium, annual = doc.funds.medium_term, doc.funds.annual
    funds = [
        [_label("项目资金\n（万元）", rowspan=3), _label("中期资金总额"), _funds(medium, "total"),
         _label("年度资金总额"), _funds(annual, "total")],
        [_label("", rowspan=0), _label("其中：财政拨款"), _funds(medium, "appropriation"),
         _label("其中：财政拨款"), _funds(annual, "appropriation")],
        [_label("", rowspan=0), _label("其他资金"), _funds(medium, "other"), _label("其他资金"),
         _funds(annual, "other")],
    ]
    goals = [[_label("总体目标", rowspan=2), _label("中期目标"), _label("年度目标")],
             [_label("", rowspan=0), Cell(_text(doc.goals.medium_term)), Cell(doc.goals.annual)]]
    columns = ["三级指标", "中期指标值", "年度指标值"]
    indicators = indicator_rows(doc.indicators, document.taxonomy, columns)  # type: ignore[arg-type]
    indicator_block = [[_label("绩效指标", colspan=5)],
                       [_label(c) for c in ("一级指标", "二级指标", *columns)], *indicators]
    form = one_grid("project-form", [
        ([18, 32, 18, 32], identity), ([14, 18, 25, 18, 25], funds), ([14, 43, 43], goals),
        ([13, 17, 32, 19, 19], indicator_block),
    ])
    return _context(document, doc, "项目支出绩效目标申报表", f"（{doc.year}年度）", form)


def _funds(funds: Funds | None, attribute: str) -> Cell:
    return _money(getattr(funds, attribute) if funds is not None else None)


# --- 项目支出绩效自评表 -----------------------------------------------------------------------


def evaluation_context(document: Document, templates: Path = TEMPLATES) -> dict[str, Any]:
    doc: ProjectSelfEvaluation = document.model  # type: ignore[assignment]
    card = document.scorecard
    settings = document.scoring_settings.scoring
    identity = _identity(doc, "主管部门", doc.department)
    header = [_label("项目资金\n（万元）", rowspan=5), _label(""), _label("年初预算数"), _label("全年预算数"),
              _label("全年执行数"), _label("分值"), _label("执行率"), _label("得分")]
    execution = card.execution
    funds = [header, [
        _label("", rowspan=0), _label("年度资金总额"), *_line(doc.funds.total),
        _points_cell(execution.points, settings), Cell(pct(execution.rate), numeric=True),
        _score_cell(execution.score, settings)]]
    for label, line in (("其中：当年财政拨款", doc.funds.appropriation), ("上年结转资金", doc.funds.carried_over),
                        ("其他资金", doc.funds.other)):
        funds.append([_label("", rowspan=0), _label(label), *_line(line), Cell("—", label=True),
                      Cell("—", label=True), Cell("—", label=True)])
    if doc.funds.reason:
        funds.append([_label("执行率偏差原因"), Cell(doc.funds.reason, colspan=7)])
    goals = [[_label("年度总体目标", rowspan=2), _label("预期目标"), _label("实际完成情况")],
             [_label("", rowspan=0), Cell(_text(doc.goals.expected)), Cell(doc.goals.achieved)]]
    # the 财预〔2020〕10号 columns, as on the national project form
    scored: Table = scored_indicator_table(doc, card, settings, document.taxonomy,  # type: ignore[arg-type]
                                           load_profile(PROJECT_PROFILE))
    indicator_block = [[_label("绩效指标", colspan=8)], [_label(c) for c in scored.columns], *scored.rows]
    form = one_grid("project-form", [
        ([14, 36, 14, 36], identity), ([12, 16, 13, 13, 13, 8, 13, 12], funds), ([12, 44, 44], goals),
        (scored.widths, indicator_block),
    ])
    return _context(document, doc, "项目支出绩效自评表", f"（{doc.year}年度）", form)


def _line(line: BudgetLine | None) -> list[Cell]:
    if line is None:
        return [_money(None), _money(None), _money(None)]
    return [_money(line.initial), _money(line.adjusted), _money(line.executed)]


# --- every format -------------------------------------------------------------------------------


def _context(document: Document, doc: Any, title: str, subtitle: str, form: Table) -> dict[str, Any]:
    return {"kind": "project", "title": title, "subtitle": subtitle, "form": form, "form_number": "",
            "department": doc.department, "year": doc.year, "project": doc.project,
            "pdf_title": f"{doc.department}{doc.year}年{title}（{doc.project}）"}


def render_docx(context: dict[str, Any], templates: Path = TEMPLATES) -> bytes:
    template = DocxTemplate(templates / "word" / "project.docx")
    fragment = Fragment(template)
    add_table(fragment, context["form"], "portrait")
    return fill_word_template(template, {**context, "form": fragment})


def render_xlsx(context: dict[str, Any], templates: object = None) -> bytes:
    """The form's table on one sheet: merged cells as merged ranges, figures as numbers."""
    from .xlsx import _page_setup, _title, _write_table
    from .xlsx import render_xlsx as finish_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = context["title"][:31]
    form: Table = context["form"]
    width = len(form.widths)
    _title(sheet, 1, width, f"{context['title']}{context['subtitle']}", form.widths)
    _write_table(sheet, form, 2, [1] * width)
    _page_setup(sheet, form.widths, 2)
    return finish_workbook(workbook, context)

