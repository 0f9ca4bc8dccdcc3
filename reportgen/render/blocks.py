"""The parsed document every writer prints: blocks (headings, paragraphs, tables) of cells.

Headings are numbered here (一、（一）1.（1）), never in a template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ..format import chinese_number, wrapped_lines

IndicatorKey = tuple[str, str, int]  # (一级, 二级, index)

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
    widths: list[float]  # relative column widths (sum 100)
    rows: list[list[Cell]]
    header_rows: list[list[Cell]] = field(default_factory=list)
    unit: str | None = None  # 单位：万元

    def taller_than_a_page(self, row: list[Cell]) -> bool:
        """Whether `row` may not fit on a page (then it may break, its header repeated)."""
        lines, column = 0, 0
        for cell in row:
            width = sum(self.widths[column:column + cell.colspan]) / 100 * TYPE_AREA_WIDTH_PT
            per_line = max(1, int(width / ESTIMATE_FONT_PT) - 1)  # full ems, less the cell's padding
            lines = max(lines, wrapped_lines(cell.text, 2 * per_line))
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

    def __init__(self, numbering: dict[int, Callable[[int], str]] | None = None) -> None:
        self.numbering = {**HEADING_NUMBERS, **(numbering or {})}
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
        number = self.numbering[level](self.counters[level])
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
