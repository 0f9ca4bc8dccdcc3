"""Model → template data, shared by every output format.

Generated sentences are built here, once, so HTML, PDF and Word print the same words. A
document is a list of blocks (headings, paragraphs, tables); headings are numbered here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import derive, scoring
from ..format import chinese_number, money, ordinal_phrase, pct
from ..model import Declaration, Department, SelfEvaluation, Settings
from ..model.common import Indicator
from ..taxonomy import Taxonomy

FINANCES_PATH = ("基本情况", "收支情况")

HEADING_NUMBERS = {
    1: lambda n: f"{chinese_number(n)}、",
    2: lambda n: f"（{chinese_number(n)}）",
    3: lambda n: f"{n}.",
    4: lambda n: f"（{n}）",
}


@dataclass
class Cell:
    text: str
    rowspan: int = 1  # 0: covered by the cell above (merged)
    colspan: int = 1
    numeric: bool = False
    label: bool = False  # a category cell (一级/二级): centred
    total: bool = False  # a 总分/等级 cell: 黑体, its rows kept together
    value: Decimal | None = None  # the number behind the text, for spreadsheets
    number_format: str = ""  # its spreadsheet format, e.g. #,##0.00 (万元) or 0.00% (value a fraction)


# A row is kept on one page unless it may be taller than the type area (156 × 225 mm): estimated
# on the generous side, 小四 (12 pt) type on 1.45 lines, every character a full em.
TYPE_AREA_WIDTH_PT = 442.2
TYPE_AREA_HEIGHT_PT = 637.8
ESTIMATE_FONT_PT = 12
ESTIMATE_LINE_PT = 17.4


@dataclass
class Table:
    kind: str  # css class and Word table identifier
    columns: list[str]
    widths: list[int]  # relative column widths (sum 100)
    rows: list[list[Cell]]
    header_rows: list[list[Cell]] = field(default_factory=list)
    unit: str | None = None  # 单位：万元

    def taller_than_a_page(self, row: list[Cell]) -> bool:
        """Whether `row` may not fit on a page (then it may break, its header repeated)."""
        lines, column = 0, 0
        for cell in row:
            width = sum(self.widths[column:column + cell.colspan]) / 100 * TYPE_AREA_WIDTH_PT
            per_line = max(1, int(width / ESTIMATE_FONT_PT) - 1)  # less the cell's padding
            lines = max(lines, sum(math.ceil(max(1, len(part)) / per_line) for part in cell.text.split("\n")))
            column += cell.colspan
        return lines * ESTIMATE_LINE_PT > 0.8 * TYPE_AREA_HEIGHT_PT

    def row_groups(self) -> list[tuple[bool, list[list[Cell]]]]:
        """(merged, rows): the rows a first-column cell spans stay one group, kept on one page
        where it fits, so that no page shows a merged block without its 一级 label."""
        groups: list[tuple[bool, list[list[Cell]]]] = []
        i = 0
        while i < len(self.rows):
            span = self.rows[i][0].rowspan if self.rows[i] else 1
            if span > 1:
                groups.append((True, self.rows[i:i + span]))
                i += span
            else:
                if not groups or groups[-1][0] or groups[-1][1][-1][0].total != self.rows[i][0].total:
                    groups.append((False, []))  # the total rows are a group of their own
                groups[-1][1].append(self.rows[i])
                i += 1
        return groups


@dataclass
class Block:
    kind: str  # title | h1..h4 | p | table | attachment | pagebreak
    text: str = ""
    number: str = ""
    table: Table | None = None
    anchor: str = ""
    origin: tuple = ()  # (file role, YAML path) the block comes from; resolved to file:line
    source: str = ""  # "file:line", filled in by the renderer for the preview


class Outline:
    """Collects blocks and numbers headings 一、（一）1.（1） automatically."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.counters = [0, 0, 0, 0, 0]
        self.origin: tuple = ()

    def at(self, path: tuple, role: str = "document") -> None:
        """The YAML place the following blocks come from."""
        self.origin = (role, tuple(path))

    def heading(self, level: int, text: str) -> None:
        self.counters[level] += 1
        for deeper in range(level + 1, len(self.counters)):
            self.counters[deeper] = 0
        number = HEADING_NUMBERS[level](self.counters[level])
        anchor = "h-" + "-".join(str(c) for c in self.counters[1 : level + 1])
        self.blocks.append(Block(f"h{level}", text, number, anchor=anchor, origin=self.origin))

    def paragraph(self, text: str) -> None:
        if text:
            self.blocks.append(Block("p", text, origin=self.origin))

    def paragraphs(self, texts: list[str]) -> None:
        for text in texts:
            self.paragraph(text)

    def table(self, table: Table) -> None:
        self.blocks.append(Block("table", table=table, origin=self.origin))


def split_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; a line break inside a paragraph is dropped (CJK text)."""
    return [re.sub(r"\s*\n\s*", "", part).strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def _signed_change(value: Decimal, up: str, down: str) -> str:
    return f"{up if value >= 0 else down}{money(abs(value))}万元"


# --- indicator tables -----------------------------------------------------------------------


IndicatorKey = tuple[str, str, int]  # (一级, 二级, index)


def indicator_rows(
    indicators: dict[str, dict[str, list[Indicator]]], taxonomy: Taxonomy, columns: list[str],
    overrides: dict[IndicatorKey, dict[str, Cell]] | None = None,
) -> list[list[Cell]]:
    """Rows of 一级/二级/三级 with merged cells; every 二级 of the preset is printed.

    `overrides` gives cells of some columns for an indicator (its score in the 自评表).
    """
    overrides = overrides or {}
    rows: list[list[Cell]] = []
    firsts = list(taxonomy.levels) + [f for f in indicators if f not in taxonomy.levels]
    for first in firsts:
        seconds_given = indicators.get(first, {})
        seconds = list(taxonomy.levels.get(first, ())) + [s for s in seconds_given if s not in taxonomy.levels.get(first, ())]
        first_row = len(rows)
        for second in seconds:
            items = seconds_given.get(second) or []
            second_row = len(rows)
            for i, item in enumerate(items or [None]):
                cells = _indicator_cells(item, columns, overrides.get((first, second, i), {}))
                rows.append([Cell(""), Cell(""), *cells])
            rows[second_row][1] = Cell(second, rowspan=len(items) or 1, label=True)
            for covered in rows[second_row + 1 :]:
                covered[1] = Cell("", rowspan=0)
        rows[first_row][0] = Cell(first, rowspan=len(rows) - first_row, label=True)
        for covered in rows[first_row + 1 :]:
            covered[0] = Cell("", rowspan=0)
    return rows


def _indicator_cells(item: Indicator | None, columns: list[str], overrides: dict[str, Cell]
                     ) -> list[Cell]:
    if item is None:
        return [Cell("") for _ in columns]
    values = {
        "三级指标": item.name,
        "实施周期指标值": item.period_target or "",
        "年度指标值": item.target or "",
        "指标值": item.target or "",
        "实际完成值": getattr(item, "actual", None) or "",
        "偏差原因分析及改进措施": getattr(item, "deviation_reason", None) or "",
    }
    return [overrides.get(column) or Cell(values.get(column, "")) for column in columns]


def budget_row(cells: list[str], *, header: bool = False, total: bool = False) -> dict[str, Any]:
    return {"cells": cells, "header": header, "total": total}


# --- declaration ----------------------------------------------------------------------------


def declaration_context(doc: Declaration, department: Department | None, taxonomy: Taxonomy
                        ) -> dict[str, Any]:
    """`doc` with its references filled in (checks.fill_references), as every text below."""
    figures = derive.declaration_figures(doc)
    spending, income, levels = doc.budget.expenditure, doc.budget.income, doc.budget.levels
    header = ["预算金额（万元）"]
    budget_rows = [
        budget_row(["部门预算支出", *header, "收入来源", *header], header=True),
        budget_row(["基本支出", money(spending.basic), "财政拨款", money(income.appropriation)]),
        budget_row(["项目支出", money(spending.project), "其他资金", money(income.other)]),
        budget_row(["事业发展性支出", *header, "按预算级次划分", *header], header=True),
        budget_row(["财政专项资金", money(spending.development.special_funds),
                   "区本级使用资金", money(levels.district)]),
        budget_row(["其他事业发展性支出", money(spending.development.other),
                   "拟用于对下转移支付资金", money(levels.transfers)]),
        budget_row(["部门预算支出合计", money(figures.expenditure_total),
                   "收入来源合计", money(figures.income_total)], total=True),
        budget_row(["", "", "按预算级次划分合计", money(figures.levels_total)], total=True),
    ]
    indicator_columns = ["三级指标", "实施周期指标值", "年度指标值"]
    return {
        "kind": "declaration",
        "title": "部门整体预算绩效目标申报表",
        "form_number": doc.form_number or "",
        "department": doc.department,
        "year": doc.year,
        "budget_rows": budget_rows,
        "overall_goal": split_paragraphs(doc.overall_goal),
        "tasks": [
            {"name": t.name, "content": t.content, "funds": money(t.funds), "goal": t.goal}
            for t in doc.key_tasks
        ],
        "tasks_total": money(sum((t.funds for t in doc.key_tasks), Decimal(0))),
        "other_tasks": doc.other_tasks or "",
        "indicator_table": Table(
            "indicators", ["一级指标", "二级指标", *indicator_columns], [12, 14, 34, 20, 20],
            indicator_rows(doc.indicators, taxonomy, indicator_columns),
        ),
        "pdf_title": f"{doc.department}{doc.year}年部门整体预算绩效目标申报表",
    }


# --- self-evaluation ------------------------------------------------------------------------


def self_evaluation_context(doc: SelfEvaluation, department: Department | None, taxonomy: Taxonomy,
                            settings: Settings | None = None, card: scoring.Scorecard | None = None
                            ) -> dict[str, Any]:
    """`doc` with its references filled in (checks.fill_references), as every text below; `card`:
    its scorecard when already computed (documents.Document.scorecard)."""
    builder = _ReportBuilder(doc, department, taxonomy, settings or Settings(), card)
    builder.build()
    title = f"{doc.department}{doc.year}年部门整体支出绩效自评报告"
    return {
        "kind": "self-evaluation",
        "title": title,
        "title_prefix": f"{doc.department}{doc.year}年",
        "title_main": "部门整体支出绩效自评报告",
        "pdf_title": title,
        "department": doc.department,
        "year": doc.year,
        "blocks": builder.outline.blocks,
        "annex": builder.annex(),
    }


class _ReportBuilder:
    """Writes the report's sections in the seed's order."""

    def __init__(self, doc: SelfEvaluation, department: Department | None, taxonomy: Taxonomy,
                 settings: Settings, card: scoring.Scorecard | None = None) -> None:
        self.doc = doc
        self.department = department
        self.taxonomy = taxonomy
        self.settings = settings.scoring
        self.figures = derive.self_evaluation_figures(doc)
        self.card = card or scoring.score(doc, self.settings)
        self.outline = Outline()
        self.name = department.display_name if department else doc.department

    def build(self) -> None:
        o = self.outline
        o.at(("基本情况",))
        o.heading(1, "基本情况")
        o.heading(2, "部门概况")
        self.functions()
        self.organisation()
        self.staffing()
        self.annual_work()
        o.heading(2, "部门整体收支情况")
        self.finances()
        o.heading(2, "部门整体绩效管理情况")
        self.management()
        o.at(("综合评价分析",))
        o.heading(1, "综合评价分析")
        self.conclusion()
        self.tasks()
        self.projects()
        o.at(("综合评价分析", "主要成效"))
        o.heading(2, "主要工作成效")
        o.paragraphs(split_paragraphs(self.doc.analysis.achievements))
        o.at(("存在的主要问题",))
        o.heading(1, "存在的主要问题")
        self.numbered_items("存在的主要问题", self.doc.problems)
        o.at(("下一步改进措施",))
        o.heading(1, "下一步改进措施")
        self.numbered_items("下一步改进措施", self.doc.improvements)
        o.at(())
        o.heading(1, "附件")
        o.paragraph("部门整体支出绩效自评表")

    def numbered_items(self, key: str, items: list[str]) -> None:
        for i, item in enumerate(items):
            self.outline.at((key, i))
            self.outline.paragraph(f"{i + 1}、{item}")

    # 一、(一) -----------------------------------------------------------------------------

    def functions(self) -> None:
        functions = self.department.functions if self.department else None
        if functions is None:  # E902: the report is not printed without them
            return
        self.outline.at(("部门职能",), "department")
        self.outline.heading(3, "部门职能")
        self.outline.at(("部门职能", "概述"), "department")
        self.outline.paragraphs(split_paragraphs(functions.introduction))
        for i, duty in enumerate(functions.duties):
            self.outline.at(("部门职能", "主要职责", i), "department")
            self.outline.paragraph(f"{ordinal_phrase(i + 1)}{duty}")

    def organisation(self) -> None:
        org = self.department.organisation if self.department else None
        if org is None:  # E902: the report is not printed without them
            return
        self.outline.at(("机构情况",), "department")
        self.outline.heading(3, "机构情况")
        level = f"，{org.budget_level}" if org.budget_level else ""
        if org.subordinate_units:
            first = f"本部门有下属单位{len(org.subordinate_units)}个：{'、'.join(org.subordinate_units)}{level}。"
        else:
            first = f"本部门无下属单位{level}。"
        units = len(org.subordinate_units) + 1
        internal = (f"，内设职能部门{len(org.internal_units)}个，分别是{'、'.join(org.internal_units)}"
                    if org.internal_units else "")
        self.outline.paragraph(f"{first}{self.name}共有机构数{units}个{internal}。")

    def staffing(self) -> None:
        self.outline.at(("基本情况", "人员情况"))
        self.outline.heading(3, "人员情况")
        staffing = self.doc.background.staffing
        clauses = []
        for i, group in enumerate(staffing.groups):
            clause = ("实有" if i == 0 else "") + f"{group.category}{group.count}人"
            if group.parts:
                clause += "（其中" + "，".join(f"{p.category}{p.count}人" for p in group.parts) + "）"
            if group.previous is not None:
                diff = group.count - group.previous
                if diff == 0:
                    clause += "与上年对比持平"
                else:
                    word = "增加" if diff > 0 else "减少"
                    clause += f"，对比上年{word}{abs(diff)}人"
                    if group.change_reason:
                        clause += f"，{word}原因是{group.change_reason}"
            clauses.append(clause)
        self.outline.paragraph(
            f"核定{staffing.establishment_kind or '编制'}{staffing.establishment}名。{self.doc.year}年"
            + "；".join(clauses) + "。"
        )

    def annual_work(self) -> None:
        o, work = self.outline, self.doc.background.annual_work
        base = ("基本情况", "年度总体工作")
        o.at(base)
        o.heading(2, "年度总体工作和重点工作任务")
        o.at((*base, "部门履职总体目标"))
        o.heading(3, "部门履职总体目标")
        o.paragraphs(split_paragraphs(work.mission))
        o.at((*base, "年度总体工作完成情况"))
        o.heading(3, "年度总体工作完成情况")
        o.paragraphs(split_paragraphs(work.summary))
        for a, area in enumerate(work.areas):
            o.at((*base, "重点工作", a))
            o.heading(4, area.title)
            for i, item in enumerate(area.items):
                o.at((*base, "重点工作", a, "条目", i))
                paragraphs = split_paragraphs(item)
                o.paragraph(HEADING_NUMBERS[3](i + 1) + paragraphs[0] if paragraphs else "")  # 1. as in headings
                o.paragraphs(paragraphs[1:])

    # 一、(三) ------------------------------------------------------------------------------

    def goals(self) -> None:
        for i, goal in enumerate(self.doc.background.finances.goals):
            self.outline.at((*FINANCES_PATH, "整体支出绩效目标", i))
            self.outline.paragraph(f"{ordinal_phrase(i + 1)}{goal}")

    def finances(self) -> None:
        o, f = self.outline, self.doc.background.finances
        year, total = self.doc.year, self.figures.expenditure_total
        income_total = self.figures.income_total
        o.at((*FINANCES_PATH, "整体支出绩效目标"))
        o.heading(3, "整体支出绩效目标")
        self.goals()
        o.at((*FINANCES_PATH, "收入"))
        o.heading(3, "预算完成情况")
        o.paragraph(
            f"本部门{year}年收入预算执行{money(income_total)}万元，其中："
            + "；".join(f"{s.name}预算执行{money(s.amount)}万元" for s in f.income.sources) + "。"
        )
        if f.expenditure.by_function:
            o.paragraph(
                f"本部门{year}年支出预算执行{money(total)}万元，其中："
                + "；".join(f"{a.name}{money(a.amount)}万元" for a in f.expenditure.by_function) + "。"
            )
        o.heading(3, "年度预算收入总体情况")
        o.paragraph(f"{self.doc.department}{year}年度总收入{money(income_total)}万元。具体情况如下：")
        o.paragraph("；".join(
            f"({i}){s.name}{money(s.amount)}万元，占本年总收入的{pct(derive.percent(s.amount, income_total))}"
            for i, s in enumerate(f.income.sources, 1)
        ) + "。")
        self.expenditure()
        o.at((*FINANCES_PATH, "预算"))
        o.heading(3, "预算支出进度情况")
        o.paragraph(f"{year}年支出预算执行{money(total)}万元，年度预算执行进度为{pct(self.figures.execution_rate)}。")

    def expenditure(self) -> None:
        o, spending = self.outline, self.doc.background.finances.expenditure
        year, total = self.doc.year, self.figures.expenditure_total
        o.at((*FINANCES_PATH, "支出"))
        o.heading(3, "年度预算支出总体情况")
        o.paragraph(f"{self.doc.department}{year}年度总支出{money(total)}万元。具体情况如下：")
        basic, project = spending.basic, spending.project
        o.paragraph(f"基本支出{money(basic.amount)}万元，占本年总支出合计的{pct(derive.percent(basic.amount, total))}。")
        if basic.parts:
            o.paragraph("；".join(
                f"({i}){p.name}{money(p.amount)}万元，占基本支出{pct(derive.percent(p.amount, basic.amount))}"
                + (f"，{p.note}" if p.note else "")
                for i, p in enumerate(basic.parts, 1)
            ) + "。")
        o.paragraph(f"项目支出{money(project.amount)}万元，占本年支出合计的{pct(derive.percent(project.amount, total))}；")
        if project.parts:
            o.paragraph("其中：" + "；".join(
                f"{p.name}{money(p.amount)}万元，占项目支出{pct(derive.percent(p.amount, project.amount))}"
                + (f"，{p.note}" if p.note else "")
                for p in project.parts
            ) + "。")
        if self.figures.change is not None:
            change, rate = self.figures.change, self.figures.change_rate
            sentence = (f"支出与上年对比{_signed_change(change, '增加', '减少')}，"
                        f"{'增长' if change >= 0 else '下降'}{pct(abs(rate)) if rate is not None else '—'}")
            if spending.change_reasons:
                sentence += "，主要原因：" + "，".join(
                    f"{ordinal_phrase(i)}{r.name}{_signed_change(r.change, '增加', '减少')}"
                    for i, r in enumerate(spending.change_reasons, 1)
                )
            o.paragraph(sentence + "。")

    def management(self) -> None:
        o = self.outline
        o.at((*FINANCES_PATH, "整体支出绩效目标"))
        o.heading(3, "整体支出绩效目标")
        self.goals()
        o.at(("绩效指标",))
        o.heading(3, "指标设定情况")
        columns = ["三级指标", "指标值"]
        o.table(Table("indicator-settings", ["一级指标", "二级指标", *columns], [14, 18, 44, 24],
                      indicator_rows(self.doc.indicators, self.taxonomy, columns)))
        o.at(("基本情况", "绩效管理情况", "绩效运行监控情况"))
        o.heading(3, "绩效运行监控情况")
        o.paragraphs(split_paragraphs(self.doc.background.management.monitoring))

    # 二、 ----------------------------------------------------------------------------------

    def conclusion(self) -> None:
        o, c = self.outline, self.doc.analysis.conclusion
        budget = self.doc.background.finances.budget
        o.at(("综合评价分析", "自评结论"))
        o.heading(2, "自评结论综述")
        sentence = (f"{self.doc.year}年{self.name}全年预算数{money(budget.adjusted)}万元，"
                    f"执行数{money(self.figures.expenditure_total)}万元，完成预算{pct(self.figures.execution_rate)}。")
        clauses = []
        if c.project_groups:
            clauses.append("组织单位整体支出自评，" + "，".join(
                f"涉及{g.kind}{g.count}个，{'共' if i == 0 else ''}涉及{g.funds_name}{money(g.funds)}万元"
                for i, g in enumerate(c.project_groups)
            ))
        score = self.score_phrase()
        if score:
            clauses.append(score)
        if clauses:
            sentence += "，".join(clauses) + "。"
        o.paragraph(sentence + (split_paragraphs(c.assessment) or [""])[0])
        o.paragraphs(split_paragraphs(c.assessment)[1:])

    def score_phrase(self) -> str:
        """The computed score and grade once the 自评表 is complete; else the stated score."""
        if self.card.complete:
            decimals = self.settings.total_decimals
            total = f"{derive.quantize(self.card.total, decimals):.{decimals}f}"
            return f"整体支出绩效自评得分{total}分，自评等级为“{self.card.grade}”"
        stated = self.doc.analysis.conclusion.stated_score
        return f"整体支出绩效自评得分{stated}分" if stated is not None else ""

    def tasks(self) -> None:
        self.outline.at(("综合评价分析", "任务完成情况"))
        self.outline.heading(2, "各项工作任务绩效目标完成情况分析")
        rows = []
        for i, task in enumerate(self.doc.analysis.tasks):
            outcome = "\n".join(split_paragraphs(task.outcome))
            rows.append([Cell(f"任务{i + 1}：{task.name}"), Cell(task.content or ""),
                         Cell(money(task.funds), numeric=True), Cell(task.goal or ""), Cell(outcome)])
        self.outline.table(Table(
            "tasks", ["名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标（概述）", "完成情况"],
            [11, 13, 15, 26, 35], rows,  # the funds column holds 9,999.99 on one line
        ))

    def projects(self) -> None:
        o = self.outline
        o.heading(2, "各重点任务项目支出完成情况分析")
        for i, p in enumerate(self.doc.analysis.projects, 1):
            o.at(("综合评价分析", "重点任务项目支出", i - 1))
            paragraphs = split_paragraphs(p.outcome)
            o.paragraph(
                f"{i}、{p.name}，全年预算数{money(p.budget)}万元，实际执行数{money(p.executed)}万元，"
                f"预算执行率{pct(derive.percent(p.executed, p.budget))}。" + (paragraphs[0] if paragraphs else "")
            )
            o.paragraphs(paragraphs[1:])

    # 五、附件 ------------------------------------------------------------------------------

    def annex(self) -> dict[str, Any]:
        """The 自评表: money block, indicator block with scores, total and grade."""
        from .annex import annex

        return annex(self.doc, self.card, self.settings, self.taxonomy)
