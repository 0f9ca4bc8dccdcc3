"""Model → the data every output format renders from.

The self-evaluation report's words and order are its template's (templates/self-evaluation.md),
parsed once into blocks that HTML, PDF and Word all print; the declaration's sections are in the
order of templates/declaration.md; table columns come from the department's form profile.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import derive, scoring
from ..format import money, pct
from ..model import Declaration, Department, SelfEvaluation, Settings
from ..profiles import Profile, numbering_style
from ..taxonomy import Taxonomy
from .annex import annex
from .blocks import HEADING_NUMBERS, Cell, Table
from .indicators import indicator_table
from .markup import MarkupError, render_blocks
from .templates import TEMPLATES


def split_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; a line break inside a paragraph is dropped (CJK text)."""
    return [re.sub(r"\s*\n\s*", "", part).strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def _signed_change(value: Decimal, up: str, down: str) -> str:
    return f"{up if value >= 0 else down}{money(abs(value))}万元"




def budget_row(cells: list[str | Decimal | None], *, header: bool = False, total: bool = False) -> dict[str, Any]:
    """A row of 预算整体情况: label, amount, label, amount. `cells` prints the amounts as money;
    `amounts` keeps the numbers for the spreadsheet."""
    amounts = [c if isinstance(c, Decimal) else None for c in cells]
    return {"cells": [money(c) if isinstance(c, Decimal) else c or "" for c in cells], "amounts": amounts,
            "header": header, "total": total}


# --- declaration ----------------------------------------------------------------------------


def budget_rows(doc: Declaration, labels: dict[str, Any]) -> list[dict[str, Any]]:
    """预算整体情况: 部门预算支出 beside 收入来源, then 事业发展性支出 beside 按预算级次划分 where the
    form has them (a Hubei form has neither), then the totals; last, where the form has them, the
    收入 beside the 支出 of the two years before the budget year (近两年收支金额). Sections are
    named by their YAML keys; headings and totals are worded as `labels` (文字 → 预算整体情况)."""
    figures = derive.declaration_figures(doc)
    spending, income, levels = doc.budget.expenditure, doc.budget.income, doc.budget.levels
    development, header = spending.development, labels["金额表头"]
    rows = [
        budget_row(["部门预算支出", header, "收入来源", header], header=True),
        budget_row(["基本支出", spending.basic, "财政拨款", income.appropriation]),
        budget_row(["项目支出", spending.project, "其他资金", income.other]),
    ]
    if development or levels:
        left = [["事业发展性支出", header], ["财政专项资金", development.special_funds],
                ["其他事业发展性支出", development.other]] if development else [["", ""]] * 3
        right = [["按预算级次划分", header], ["区本级使用资金", levels.district],
                 ["拟用于对下转移支付资金", levels.transfers]] if levels else [["", ""]] * 3
        rows += [budget_row([*a, *b], header=i == 0) for i, (a, b) in enumerate(zip(left, right, strict=True))]
    rows.append(budget_row([labels["支出合计"], figures.expenditure_total,
                            labels["收入合计"], figures.income_total], total=True))
    if figures.levels_total is not None:
        rows.append(budget_row(["", "", labels["级次合计"], figures.levels_total], total=True))
    if doc.budget.recent_years:
        rows.append(budget_row([labels["近两年收入"], labels["收入金额表头"], labels["近两年支出"],
                                labels["支出金额表头"]], header=True))
        rows += [budget_row([f"{y.year}年", y.income, f"{y.year}年", y.expenditure]) for y in doc.budget.recent_years]
    return rows


# The relative column widths of the declaration form's fixed sections; those of 表头 and 绩效指标
# follow the profile's header fields and indicator columns.
DECLARATION_WIDTHS = {"部门名称": (9, 91), "预算整体情况": (9, 25, 20, 26, 20), "总体绩效目标": (9, 91),
                      "年度重点工作任务": (15, 33, 12, 40)}


def declaration_context(doc: Declaration, department: Department | None, taxonomy: Taxonomy,
                        profile: Profile) -> dict[str, Any]:
    """`doc` with its references filled in (checks.fill_references), as every text below. The form's
    sections are laid out (`section_widths`) and labelled (`labels`, 文字 → 申报表) here, for the HTML
    and the Word form alike."""
    indicators = indicator_table("indicators", "申报表绩效指标", doc.indicators, taxonomy, profile)
    header = header_values(doc.header, profile)
    title = "部门整体预算绩效目标申报表"
    return {
        "kind": "declaration",
        "title": title,
        "form_number": doc.form_number or "",
        "department": doc.department,
        "year": doc.year,
        "header_values": header,
        "budget_rows": budget_rows(doc, profile.labels["预算整体情况"]),
        "overall_goal": split_paragraphs(doc.overall_goal),
        "tasks": [
            {"name": t.name, "content": t.content, "funds": money(t.funds), "goal": t.goal}
            for t in doc.key_tasks
        ],
        "tasks_total": money(sum((t.funds for t in doc.key_tasks), Decimal(0))),
        "other_tasks": doc.other_tasks or "",
        "indicator_table": indicators,
        "section_widths": {"表头": _pair_widths(len(header)), **{n: list(w) for n, w in DECLARATION_WIDTHS.items()},
                           "绩效指标": list(indicators.widths)},
        "labels": profile.labels["申报表"],
        "pdf_title": f"{doc.department}{doc.year}年{title}",
    }


def _pair_widths(pairs: int) -> list[int]:
    """Label and value columns of `pairs` header fields on one row, summing to 100."""
    if not pairs:
        return [100]
    per = 100 // pairs
    widths = [w for _ in range(pairs) for w in (9, per - 9)]
    widths[-1] += 100 - per * pairs
    return widths


# --- self-evaluation ------------------------------------------------------------------------


def self_evaluation_context(doc: SelfEvaluation, department: Department | None, taxonomy: Taxonomy,
                            profile: Profile, settings: Settings | None = None, *,
                            card: scoring.Scorecard | None = None, templates: Path = TEMPLATES) -> dict[str, Any]:
    """`doc` with its references filled in (checks.fill_references), as every text below; `card`:
    its scorecard when already computed (documents.Document.scorecard). The report's words and
    order come from its template, templates/self-evaluation.md."""
    scoring_settings = (settings or Settings()).scoring
    card = card or scoring.score(doc, scoring_settings)
    tables = {
        "指标设定": indicator_table("indicator-settings", "指标设定", doc.indicators, taxonomy, profile),
        "任务完成情况": tasks_table(doc, profile.labels["任务完成情况"]["表头"]),
    }
    data = {
        "doc": doc, "department": department, "year": doc.year,
        "name": department.display_name if department else doc.department,
        "figures": derive.self_evaluation_figures(doc), "card": card, "scoring": scoring_settings,
        "paragraphs": split_paragraphs, "percent": derive.percent, "change": _signed_change,
        "share": lambda part, whole: pct(derive.percent(part, whole), profile.share_decimals),
        "fixed": _fixed, "number": lambda level, n: numbering[level](n),
        "annex_title": profile.labels["自评表"]["标题"],
    }
    numbering = {**HEADING_NUMBERS, **{level: numbering_style(style) for level, style in profile.numbering.items()}}
    blocks = render_blocks("self-evaluation", data, tables, templates=templates, numbering=numbering)
    missing = [name for name, table in tables.items() if not any(b.table is table for b in blocks)]
    if missing:  # the document's rows would be printed nowhere
        raise MarkupError(f"自评报告模板中缺少表格：{'、'.join(missing)}（文书中填写的内容将无处印出）")
    title = f"{doc.department}{doc.year}年部门整体支出绩效自评报告"
    return {
        "kind": "self-evaluation",
        "title": title,
        "title_prefix": f"{doc.department}{doc.year}年",
        "title_main": "部门整体支出绩效自评报告",
        "pdf_title": title,
        "department": doc.department,
        "year": doc.year,
        "blocks": blocks,
        "annex": {**annex(doc, card, scoring_settings, taxonomy, profile),
                  "header_values": header_values(doc.header, profile)},
    }


def header_values(header: dict[str, str], profile: Profile) -> list[tuple[str, str]]:
    """The profile's header fields with what the document gives for each (blank when not given,
    as on a paper form)."""
    return [(name, header.get(name, "")) for name in profile.header_fields]


def _fixed(value: Decimal, decimals: int) -> str:
    """A score with `decimals` places, rounded half up: 92.5."""
    return f"{derive.quantize(value, decimals):.{decimals}f}"


def tasks_table(doc: SelfEvaluation, headings: tuple[str, ...]) -> Table:
    """各项工作任务绩效目标完成情况: one row per task, under `headings` (文字 → 任务完成情况 → 表头)."""
    rows = []
    for i, task in enumerate(doc.analysis.tasks):
        outcome = "\n".join(split_paragraphs(task.outcome))
        rows.append([Cell(f"任务{i + 1}：{task.name}"), Cell(task.content or ""),
                     Cell(money(task.funds), numeric=True), Cell(task.goal or ""), Cell(outcome)])
    return Table(
        "tasks", list(headings), [11, 13, 15, 26, 35], rows,  # the funds column holds 9,999.99 on one line
    )
