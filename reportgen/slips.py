"""Slips in the YAML text itself, found in the raw lines where they are (E911–E916).

PyYAML reports a full-width colon or a wrong indentation where the damage shows, often a later
line ("mapping values are not allowed here"): `基本支出：1234.50` is read as text that goes on to
the next line. The clerk needs the line where the slip is, named, with the corrected line. Slips
that change the structure without breaking YAML (a full-width space before a key, `-名称:`) are
looked for on every file; the others only when PyYAML fails, up to the line where it failed, so
prose that merely looks like them is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Slip:
    line: int  # 1-based
    col: int  # 1-based
    code: str
    message: str


# A key as clerks write them: no spaces, quotes, brackets or comment signs.
_KEY = r"[^\s:：#'\"\[\]{}&*!|>%@`,，-][^\s:：#'\"\[\]{}]{0,39}?"
_ITEM = re.compile(r"(?:-[ ]+)+")
_KEY_LINE = re.compile(rf"(?P<key>{_KEY}):(?:[ ]+(?P<value>.*))?$")
_BLOCK = re.compile(r"[|>][+-]?\d*[+-]?\s*(#.*)?$")
_WIDE_SPACE_KEY = re.compile(rf"^(?P<lead>[ ]*)(?P<wide>\u3000+)(?P<rest>(?:-[ ]+)?{_KEY}:(?: |$).*)$")
_WIDE_SPACE_VALUE = re.compile(rf"^(?P<lead>[ ]*(?:-[ ]+)*{_KEY}):(?P<wide>\u3000+)(?P<value>\S.*)$")
_DASH_WITHOUT_SPACE = re.compile(rf"^(?P<lead>[ ]*)-(?P<rest>{_KEY}:(?: |$).*)$")
_WIDE_DASH = re.compile(rf"^(?P<lead>[ ]*)(?P<dash>[－—–•·●])[ \u3000]*(?P<rest>{_KEY}:(?: |$).*)$")
_TAB = re.compile(r"^[ ]*\t")
_WIDE_COLON = re.compile(rf"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>{_KEY})：[ \u3000]*(?P<value>.*)$")
_NO_SPACE = re.compile(rf"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>{_KEY}):(?P<value>[^\s/].*)$")


def text_slips(text: str) -> list[Slip]:
    """Slips that YAML may accept while they change what the file says: looked for always."""
    found: list[Slip] = []
    for number, line in _structure_lines(text):
        if _TAB.match(line):
            fixed = line.replace("\t", "    ")
            found.append(Slip(number, line.index("\t") + 1, "E914",
                              f"用制表符（Tab）缩进，YAML 只认空格；请改为空格：“{fixed.strip()}”前缩进 "
                              f"{len(fixed) - len(fixed.lstrip(' '))} 个空格（与同级的键对齐）"))
        elif match := _WIDE_SPACE_KEY.match(line):
            lead = match["lead"] + "  " * len(match["wide"])
            found.append(Slip(number, match.start("wide") + 1, "E913",
                              f"行首用了全角空格“　”缩进，YAML 只认半角空格；请改为半角空格：“{lead}{match['rest']}”"
                              f"（缩进与同级的键对齐）"))
        elif match := _WIDE_SPACE_VALUE.match(line):
            found.append(Slip(number, match.start("wide") + 1, "E913",
                              f"冒号后用了全角空格“　”，YAML 只认半角空格；请改为：“{match['lead'].strip()}: "
                              f"{match['value']}”"))
        elif match := _DASH_WITHOUT_SPACE.match(line):
            found.append(Slip(number, match.start("rest"), "E916",
                              f"列表项的“-”后缺少空格；请改为：“- {match['rest']}”"))
        elif match := _WIDE_DASH.match(line):
            found.append(Slip(number, match.start("dash") + 1, "E916",
                              f"列表项用了“{match['dash']}”，应为半角“-”加空格；请改为：“- {match['rest']}”"))
    return found


def syntax_slips(text: str, failed_line: int) -> list[Slip]:
    """When PyYAML fails at `failed_line`: the slips at or before it that explain the failure."""
    found, continued = _indentation(text)
    found = [s for s in found if s.line <= failed_line]
    for number, line in _structure_lines(text):
        if number > failed_line:
            break
        if number in continued:
            continue
        if match := _WIDE_COLON.match(line):
            if ": " in line[: match.start("value")] or line.rstrip().endswith(":"):
                continue
            fixed = f"{match['key']}: {match['value'].strip()}".rstrip()
            found.append(Slip(number, match.end("key") + 1, "E911",
                              f"键“{match['key']}”后用了全角冒号“：”，YAML 只认半角冒号加空格；请改为：“{fixed}”"))
        elif match := _NO_SPACE.match(line):
            found.append(Slip(number, match.end("key") + 1, "E912",
                              f"键“{match['key']}”的冒号后缺少空格；请改为：“{match['key']}: {match['value'].strip()}”"))
    return sorted(found, key=lambda s: (s.line, s.col))


def _structure_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of the lines that hold keys and items: not blank, not comments, not
    the content of block scalars (`|`, `>`)."""
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip(" ")
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        yield number, line
        body = line[indent:]
        item = _ITEM.match(body)
        match = _KEY_LINE.match(body[item.end() if item else 0:])
        if match and match["value"] is not None and _BLOCK.match(match["value"]):
            block_indent = indent + (item.end() if item else 0)


def _indentation(text: str) -> tuple[list[Slip], set[int]]:
    """Lines whose indentation fits no open level (the YAML failure they cause shows later), and
    the lines that continue a plain value of the line above (text, not keys)."""
    found: list[Slip] = []
    continued: set[int] = set()
    levels = [0]  # indentation of the open mappings and lists, outermost first
    opened = scalar = False  # the previous line opened a block / held a value
    for number, line in _structure_lines(text):
        indent = len(line) - len(line.lstrip(" "))
        body = line[indent:]
        item = _ITEM.match(body)
        key = _KEY_LINE.match(body[item.end() if item else 0:])
        if opened and (indent > levels[-1] or (indent == levels[-1] and item)):
            if indent > levels[-1]:
                levels.append(indent)
        elif indent > levels[-1]:
            if scalar and key:
                found.append(_indent_slip(number, line, indent, levels[-1], "上一行的键已有值，此行"))
                indent = levels[-1]
            else:
                continued.add(number)  # the previous value goes on (plain text over several lines)
                continue
        else:
            popped = indent
            while levels[-1] > indent:
                popped = levels.pop()
            if levels[-1] != indent:
                expected = popped if popped - indent <= indent - levels[-1] else levels[-1]
                found.append(_indent_slip(number, line, indent, expected, "此行"))
                indent = expected
                if levels[-1] != indent:
                    levels.append(indent)
        if item and levels[-1] != indent + item.end():
            levels.append(indent + item.end())
        value = key["value"] if key else None
        opened = bool(key and not (value or "").strip()) or bool(item and not body[item.end():].strip())
        scalar = bool(key and value and value.strip() and not _BLOCK.match(value))
    return found, continued


def _indent_slip(number: int, line: str, indent: int, expected: int, subject: str) -> Slip:
    fixed = " " * expected + line.lstrip(" ")
    return Slip(number, indent + 1, "E915",
                f"缩进有误：{subject}缩进 {indent} 个空格，同级的键缩进 {expected} 个空格；"
                f"请改为 {expected} 个空格：“{fixed}”")
