"""Document → HTML: the single source of layout for the preview and the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..documents import Document
from .context import declaration_context, self_evaluation_context
from .templates import TEMPLATES, environment


def document_context(document: Document) -> dict[str, Any]:
    """The data every format renders from, by the function its kind's row names."""
    if document.model is None:
        raise ValueError("document has errors and cannot be rendered")
    return document.kind_row.resolved("context")(document)


def declaration_document_context(document: Document) -> dict[str, Any]:
    department = document.department.model if document.department else None
    context = declaration_context(document.model, department, document.taxonomy)  # type: ignore[arg-type]
    context["sources"] = {key: _where(document, "document", path) for key, path in DECLARATION_SECTIONS.items()}
    return context


def self_evaluation_document_context(document: Document) -> dict[str, Any]:
    department = document.department.model if document.department else None
    context = self_evaluation_context(document.model, department, document.taxonomy,  # type: ignore[arg-type]
                                      document.scoring_settings, card=document.scorecard)
    for block in context["blocks"]:
        block.source = _where(document, *block.origin) if block.origin else ""
    return context


DECLARATION_SECTIONS = {
    "department": ("部门名称",), "budget": ("预算整体情况",), "goal": ("总体绩效目标",),
    "tasks": ("年度重点工作任务",), "other_tasks": ("其他需完成的任务",), "indicators": ("绩效指标",),
}


def _where(document: Document, role: str, path: tuple) -> str:
    """file:line of a YAML path in the document or its department.yaml (for the preview)."""
    source = document.source if role == "document" else (
        document.department.source if document.department else None)
    if source is None:
        return ""
    position = source.position(path, key=True)
    return f"{source.file}:{position.line}"


def render_html(context: dict[str, Any], *, templates: Path = TEMPLATES, draft: bool = False,
                head: str = "") -> str:
    env = environment(templates)
    css = (templates / "style.css").read_text(encoding="utf-8")
    template = env.get_template(f"{context['kind']}.html")
    return template.render(**context, css=Markup(css), draft=draft,  # our own stylesheet, trusted
                           head=Markup(head))  # the caller's own markup, trusted
