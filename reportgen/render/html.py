"""Document → HTML: the single source of layout for the preview and the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..documents import Document
from .blocks import Table
from .context import declaration_context, self_evaluation_context
from .markup import MarkupError, render_blocks
from .templates import TEMPLATES, environment


def document_context(document: Document, templates: Path = TEMPLATES) -> dict[str, Any]:
    """The data every format renders from, by the function its kind's row names."""
    if document.model is None:
        raise ValueError("document has errors and cannot be rendered")
    return document.kind_row.resolved("context")(document, templates)


def declaration_document_context(document: Document, templates: Path = TEMPLATES) -> dict[str, Any]:
    department = document.department.model if document.department else None
    context = declaration_context(document.model, department, document.taxonomy,  # type: ignore[arg-type]
                                  document.profile)
    context["sources"] = {key: _where(document, "document", path) for key, path in DECLARATION_SECTIONS.items()}
    context["sections"] = form_sections(context, templates)
    return context


def self_evaluation_document_context(document: Document, templates: Path = TEMPLATES) -> dict[str, Any]:
    department = document.department.model if document.department else None
    context = self_evaluation_context(document.model, department, document.taxonomy,  # type: ignore[arg-type]
                                      document.profile, document.scoring_settings, card=document.scorecard,
                                      templates=templates)
    for block in context["blocks"]:
        block.source = _where(document, *block.origin) if block.origin else ""
    return context


def form_sections(context: dict[str, Any], templates: Path) -> list[str]:
    """The declaration's sections in the order its template (templates/declaration.md) places them."""
    names = ["部门名称", "预算整体情况", "总体绩效目标", "年度重点工作任务", "绩效指标"]
    if context["header_values"]:
        names.insert(0, "表头")
    placeholders = {name: Table(name, [], [], []) for name in names}
    blocks = render_blocks("declaration", {"header_fields": context["header_values"]}, placeholders,
                           templates=templates)
    stray = next((b for b in blocks if b.table is None), None)
    if stray is not None:
        raise MarkupError(f"申报表模板中只能用 {{{{ table(\"名称\") }}}} 放置表中的部分，不能写标题或段落：“{stray.text}”")
    placed = [b.table.kind for b in blocks if b.table is not None]
    missing = [name for name in names if name not in placed]
    if missing:  # what the document says there would be printed nowhere
        raise MarkupError(f"申报表模板中缺少表中的部分：{'、'.join(missing)}（文书中填写的内容将无处印出）")
    return placed


DECLARATION_SECTIONS = {
    "header": ("表头",), "department": ("部门名称",), "budget": ("预算整体情况",), "goal": ("总体绩效目标",),
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
