"""The neutral form of a document: its template (templates/<kind>.md) writes a small block markup,
parsed here into the blocks every writer (HTML → PDF, Word) prints.

The markup is a subset of Markdown, parsed with markdown-it-py: `#`…`####` headings (numbered here,
never in the template), paragraphs separated by a blank line, a table placed by a fenced line
(```` ```表格 名称 ```` then ```` ``` ````), and `<!-- 来源 … -->` comments naming the YAML place the
following blocks come from (shown in the preview). Values written into the template are escaped,
so what an author types is printed as typed, never read as markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from markdown_it import MarkdownIt

from ..format import chinese_number, money, ordinal_phrase, pct
from .blocks import Block, Outline, Table

_PARSER = MarkdownIt("zero", {"html": True}).enable(["heading", "fence", "html_block", "escape"])
_SPECIAL = re.compile(r"([\\`#~<>*_\[\]!|-])")
_SOURCE = re.compile(r"<!--\s*来源\s+(\S+)\s+(.*?)\s*-->", re.DOTALL)
TABLE_FENCE = "表格"


class Raw(str):
    """Markup written by the template's own helpers (a table's fence, a source comment)."""


class MarkupError(TemplateError):
    """A template that names something that does not exist (a table); located by `located`."""

    filename: str | None = None
    lineno: int | None = None


def escape(value: Any) -> str:
    """A value as literal text: markup characters backslash-escaped, blank lines kept single so a
    value is never split into blocks."""
    if isinstance(value, Raw):
        return value
    text = "" if value is None else str(value)
    return re.sub(r"\n\s*\n", "\n", _SPECIAL.sub(r"\\\1", text))


def source(*path: Any, file: str = "document") -> Raw:
    """`<!-- 来源 document ["基本情况", "人员情况"] -->`: the YAML place of what follows."""
    return Raw(f"<!-- 来源 {file} {json.dumps(list(path), ensure_ascii=False)} -->\n")


def table_placer(tables: dict[str, Table]) -> Callable[[str], Raw]:
    def table(name: str) -> Raw:
        if name not in tables:
            raise MarkupError(f"未知的表格“{name}”；可用的表格：{'、'.join(tables)}")
        return Raw(f"```{TABLE_FENCE} {name}\n```\n")
    return table


@cache
def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=False,
        undefined=StrictUndefined,
        finalize=escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=money, pct=pct, ordinal=ordinal_phrase, chinese=chinese_number)
    env.globals.update(source=source)
    return env


def template_name(kind: str) -> str:
    return f"{kind}.md"


def render_blocks(kind: str, data: dict[str, Any], tables: dict[str, Table], *, templates: Path,
                  numbering: dict[int, Callable[[int], str]] | None = None) -> list[Block]:
    """The document's blocks: its template rendered with `data`, then parsed."""
    name = template_name(kind)
    try:
        text = environment(templates).get_template(name).render(**data, table=table_placer(tables))
    except TemplateError as exc:
        located(exc, name)
        raise
    return parse(text, tables, numbering)


def located(exc: TemplateError, name: str) -> None:
    """The error with the template file and line it happened on (Jinja puts the template's lines
    in the traceback; syntax errors carry them already)."""
    if getattr(exc, "lineno", None):
        return
    frame, line = exc.__traceback__, None
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.endswith(name):
            line = frame.tb_lineno
        frame = frame.tb_next
    if line is not None:
        exc.filename, exc.lineno = name, line  # type: ignore[attr-defined]


def parse(text: str, tables: dict[str, Table],
          numbering: dict[int, Callable[[int], str]] | None = None) -> list[Block]:
    outline = Outline(numbering)
    tokens = _PARSER.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            outline.heading(int(token.tag[1:]), _text(tokens[i + 1]))
        elif token.type == "paragraph_open":
            outline.paragraph(_text(tokens[i + 1]))
        elif token.type == "fence":
            kind, _, name = token.info.partition(" ")
            if kind != TABLE_FENCE or name.strip() not in tables:
                raise MarkupError(f"模板中的 ``` 行只能是 {{{{ table(\"名称\") }}}} 放置的表格，不能是“```{token.info}”")
            outline.table(tables[name.strip()])
        elif token.type == "html_block":
            match = _SOURCE.search(token.content)
            if match:
                outline.at(tuple(json.loads(match.group(2))), match.group(1))
    return outline.blocks


def _text(inline) -> str:
    """A paragraph's or heading's text; its line breaks dropped, as in CJK text."""
    return re.sub(r"\s*\n\s*", "", "".join(child.content for child in inline.children or ()))
