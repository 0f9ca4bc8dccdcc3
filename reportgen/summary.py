"""The budget office's summary (汇总) across departments: one row per document, in a workbook and in
build/index.html (a sortable table and inline SVG charts of execution rate and score).

A document's figures are taken when it is checked, by the function its kind's row names, and kept
in the findings cache with its findings, so that a build of unchanged documents needs no model.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .findings import Finding
from .format import money, money_number_format, pct, pct_number_format

if TYPE_CHECKING:
    from .checked import CheckedDocument
    from .documents import Document

WORKBOOK = "预算绩效文书汇总.xlsx"
COLUMNS = ("部门", "年度", "文书", "项目", "预算数（万元）", "执行数（万元）", "执行率", "自评得分", "等级", "错误", "警告")
FIGURES = ("budget", "executed", "rate", "score")  # Decimal figures, kept as text in the cache


# --- the figures of one document, by kind ----------------------------------------------------------


def declaration_row(document: Document) -> dict[str, str]:
    return {"budget": str(document.figures.expenditure_total)}


def evaluation_row(document: Document) -> dict[str, str]:
    return _scored(document.scorecard)


def project_row(document: Document) -> dict[str, str]:
    """Declaration: its 年度资金总额; self-evaluation: as the department's."""
    if document.scorecard is not None:
        return _scored(document.scorecard)
    return {"budget": str(document.model.funds.annual.total)}


def _scored(card: Any) -> dict[str, str]:
    from .render.annex import grade_text

    figures = {"budget": str(card.execution.adjusted), "executed": str(card.execution.executed),
               "grade": grade_text(card)}
    if card.execution.rate is not None:
        figures["rate"] = str(card.execution.rate)
    if card.complete:
        figures["score"] = str(card.total)
    return figures


# --- rows -----------------------------------------------------------------------------------------


@dataclass
class Row:
    department: str
    year: int | None
    title: str
    project: str
    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None  # percent
    score: Decimal | None
    grade: str
    errors: int
    warnings: int

    @property
    def cells(self) -> list[str]:
        """As the documents print them (format.py)."""
        return [self.department, f"{self.year}" if self.year else "", self.title, self.project,
                money(self.budget) if self.budget is not None else "",
                money(self.executed) if self.executed is not None else "",
                pct(self.rate) if self.rate is not None else "",
                f"{self.score.quantize(Decimal('0.01'))}" if self.score is not None else "",
                self.grade, str(self.errors), str(self.warnings)]

    @property
    def sort_keys(self) -> list[str]:
        """What a column sorts by in index.html: numbers by value."""
        numbers = [self.budget, self.executed, self.rate, self.score]
        return [self.department, str(self.year or ""), self.title, self.project,
                *("" if n is None else str(n) for n in numbers), self.grade, str(self.errors), str(self.warnings)]


def rows(documents: list[CheckedDocument]) -> list[Row]:
    """One row per document that names its department (sorted: department, year, document)."""
    found = []
    for document in documents:
        if document.department is None:
            continue
        figures = {key: Decimal(value) for key, value in document.summary.items() if key in FIGURES}
        found.append(Row(
            document.department, document.year, document.kind_row.title, document.subject or "",
            figures.get("budget"), figures.get("executed"), figures.get("rate"), figures.get("score"),
            document.summary.get("grade", ""), _count(document.findings, True), _count(document.findings, False)))
    return sorted(found, key=lambda r: (r.department, r.year or 0, r.project != "", r.title, r.project))


def _count(findings: list[Finding], errors: bool) -> int:
    return sum((f.is_error if errors else f.is_warning) for f in findings)


# --- the workbook ---------------------------------------------------------------------------------


def workbook_bytes(summary: list[Row]) -> bytes:
    """Two sheets: the departments' documents, and the projects'. Numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from .render.xlsx import workbook_bytes as reproducible_bytes

    book = Workbook()
    sheets = [(book.active, "部门文书", [r for r in summary if not r.project]),
              (book.create_sheet(), "项目", [r for r in summary if r.project])]
    for sheet, title, selected in sheets:
        sheet.title = title
        sheet.append(list(COLUMNS))
        for cell in sheet[1]:
            cell.font = Font(name="黑体", bold=True)
            cell.alignment = Alignment(horizontal="center")
        for row in selected:
            sheet.append(_values(row))
            _number_formats(sheet, sheet.max_row, row)
        for column, width in zip("ABCDEFGHIJK", (28, 6, 26, 30, 14, 14, 10, 10, 18, 6, 6), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    return reproducible_bytes(book, "预算绩效文书汇总")


def _values(row: Row) -> list[Any]:
    rate = row.rate / 100 if row.rate is not None else None
    return [row.department, row.year, row.title, row.project, row.budget, row.executed, rate,
            row.score.quantize(Decimal("0.01")) if row.score is not None else None, row.grade, row.errors, row.warnings]


def _number_formats(sheet: Any, line: int, row: Row) -> None:
    for column, value in (("E", row.budget), ("F", row.executed)):
        if value is not None:
            sheet[f"{column}{line}"].number_format = money_number_format(value)
    if row.rate is not None:
        sheet[f"G{line}"].number_format = pct_number_format(row.rate)
    if row.score is not None:
        sheet[f"H{line}"].number_format = "0.00"


# --- charts for index.html ------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: Decimal
    text: str


def chart_bars(summary: list[Row]) -> dict[str, list[Bar]]:
    """Per department and year, the self-evaluation's 执行率 and 自评得分 (department documents only)."""
    rates = [Bar(f"{r.department} {r.year}", r.rate, pct(r.rate)) for r in summary
             if not r.project and r.rate is not None]
    scores = [Bar(f"{r.department} {r.year}", r.score, f"{r.score.quantize(Decimal('0.01'))}") for r in summary
              if not r.project and r.score is not None]
    return {"rates": rates, "scores": scores}


def svg_chart(bars: list[Bar], maximum: Decimal, title: str) -> str:
    """A horizontal bar chart as inline SVG (no script, nothing fetched)."""
    from markupsafe import escape

    row, label_width, bar_width = 22, 260, 300
    height = row * len(bars) + 30
    parts = [f'<svg width="{label_width + bar_width + 90}" height="{height}" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, bar in enumerate(bars):
        y = 20 + i * row
        width = float(min(bar.value, maximum) / maximum * bar_width) if maximum else 0.0
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12">{escape(bar.label)}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{width:.1f}" height="{row - 6}" fill="#3b6ea5"/>'
                     f'<text x="{label_width + width + 4:.1f}" y="{y + 14}" font-size="12">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
