"""Document → HTML: the single source of layout for the preview and the PDF."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..documents import Document
from ..format import money, pct
from ..prose import ProseRenderer, namespace
from ..taxonomy import load_preset
from .context import declaration_context, self_evaluation_context

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


def document_context(document: Document) -> dict[str, Any]:
    """The data every format renders from."""
    model = document.model
    if model is None:
        raise ValueError("document has errors and cannot be rendered")
    department = document.department.model if document.department else None
    prose = ProseRenderer(namespace(model))
    if document.kind == "declaration":
        return declaration_context(model, department, load_preset(), prose)  # type: ignore[arg-type]
    return self_evaluation_context(model, department, load_preset(), prose)  # type: ignore[arg-type]


def render_html(context: dict[str, Any], *, templates: Path = TEMPLATES, draft: bool = False,
                head: str = "") -> str:
    env = environment(templates)
    css = (templates / "style.css").read_text(encoding="utf-8")
    template = env.get_template(f"{context['kind']}.html")
    return template.render(**context, css=css, draft=draft)
