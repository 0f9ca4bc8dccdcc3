"""The templates folder and its Jinja environment (autoescaped, StrictUndefined)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..format import money, pct

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@cache
def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates / "html"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
    )
    env.filters["money"] = money
    env.filters["pct"] = pct
    return env
