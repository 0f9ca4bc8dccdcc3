"""Inter-character justification of Chinese text, after WeasyPrint's layout.

WeasyPrint justifies a line by widening its spaces only, and Chinese text has none: its lines stay
ragged. GB/T 9704 wants every line of a paragraph but the last to end flush at the right edge of the
type area, so the space a line lacks is spread over its characters as letter-spacing, on the boxes
WeasyPrint has laid out (before they are drawn; line breaks are not changed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint.document import Document as LaidOut

# A line short by more than this many ems broke early (before a long Latin word, say): spreading
# that much would gape, so it stays as it is.
MOST_EMS_SPREAD = 5


def justify_lines(document: LaidOut) -> None:
    """Spread the missing width over the characters of every full line of a justified paragraph."""
    lines = [(key, block, line) for page in document.pages
             for key, block, line in _justified_lines(page._page_box)]
    last_line = {key: line for key, _, line in lines}  # a paragraph may go on over the next page
    for key, block, line in lines:
        if line is not last_line[key]:
            _fill(block, line)


def _justified_lines(box: Any) -> Iterator[tuple[Any, Any, Any]]:
    """(paragraph key, block, line) of the blocks whose lines are justified, in document order."""
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            if box.style["text_align_all"] == "justify":
                yield (box.element if box.element is not None else id(box)), box, child
        elif isinstance(child, boxes.ParentBox):
            yield from _justified_lines(child)


def _fill(block: Any, line: Any) -> None:
    if not line.children:
        return
    right = max(child.position_x + child.margin_width() for child in line.children)
    missing = block.content_box_x() + block.width - right
    characters = _characters(line)
    if characters < 2 or not 0 < missing <= MOST_EMS_SPREAD * block.style["font_size"]:
        return
    line.width += _spread(line, missing / characters, 0)


def _characters(box: Any) -> int:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        return len(box.text)
    return sum(_characters(child) for child in getattr(box, "children", ()))


def _spread(box: Any, spacing: float, advance: float) -> float:
    """Add `spacing` after each character of `box`, moving it by `advance`; the new advance."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        box.position_x += advance
        box.style = box.style.copy()  # styles are shared between boxes
        letter_spacing = box.style["letter_spacing"]
        box.style["letter_spacing"] = (0 if letter_spacing == "normal" else letter_spacing) + spacing
        added = spacing * len(box.text)
        box.width += added
        return advance + added
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += advance
        before = advance
        for child in box.children:
            if child.is_in_normal_flow():
                advance = _spread(child, spacing, advance)
        if isinstance(box, boxes.InlineBox):
            box.width += advance - before
        return advance
    box.translate(advance, 0)  # an inline-block or image: moved, not widened
    return advance
