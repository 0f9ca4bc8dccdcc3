"""One entry point per output format: (document source texts, templates) → bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .templates import TEMPLATES

if TYPE_CHECKING:  # the models load only when a job runs, not for planning a build
    from ..documents import Document, Related

FORMATS = ("html", "pdf", "docx", "xlsx")
SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx"}

# The template files each format draws on, relative to the templates folder (for input hashes).
TEMPLATE_FILES = {
    "html": ("{kind}.md", "style.css", "html/base.html", "html/tables.html", "html/{kind}.html"),
    "pdf": ("{kind}.md", "style.css", "html/base.html", "html/tables.html", "html/{kind}.html"),
    "docx": ("{kind}.md", "word/{kind}.docx"),
    "xlsx": (),  # laid out in code (render/xlsx.py)
}


class RenderError(Exception):
    """A document that validated but could not be rendered (template error, missing font…)."""


def template_files(fmt: str, kind: str, templates: Path = TEMPLATES) -> list[Path]:
    return [templates / name.format(kind=kind) for name in TEMPLATE_FILES[fmt]]


def render_document(document: Document, fmt: str, *, templates: Path = TEMPLATES,
                    draft: bool = False) -> bytes:
    """Bytes of one document in one format; raises RenderError with a Chinese message."""
    from jinja2 import TemplateError

    from .fonts import MissingFontError
    from .html import document_context, render_html

    try:
        context = document_context(document, templates)
        if fmt == "html":
            return render_html(context, templates=templates, draft=draft).encode("utf-8")
        if fmt == "pdf":
            from .fonts import font_face_rules
            from .pdf import render_pdf

            fonts = document.fonts_folder
            css = (templates / "style.css").read_text(encoding="utf-8")
            html = render_html(context, templates=templates, head=font_face_rules(css, fonts))
            return render_pdf(html, templates=templates, sources=content_sources(document), fonts=fonts)
        if fmt == "docx":
            from .docx import render_docx

            return render_docx(context, templates=templates)
        if fmt == "xlsx":
            from .xlsx import render_xlsx

            return render_xlsx(context)
    except MissingFontError as exc:
        raise RenderError(str(exc)) from exc
    except TemplateError as exc:
        where = f"{template_path(exc.filename, templates)}:{exc.lineno}: " if getattr(exc, "lineno", None) else ""
        raise RenderError(f"模板错误：{where}{exc.message}") from exc
    except OSError as exc:
        raise RenderError(f"无法读取模板：{exc.filename or exc}") from exc
    raise ValueError(f"unknown format {fmt}")


def template_path(filename: str | None, templates: Path) -> str:
    """A template's file as the office knows it: templates/self-evaluation.md."""
    path = Path(filename or "")
    if not path.is_absolute():
        path = templates / path
    try:
        return (Path(templates.name) / path.relative_to(templates)).as_posix()
    except ValueError:
        return path.name


def content_sources(document: Document) -> list:
    """The YAML files whose text is printed: the document, its department.yaml, its declaration."""
    related = (document.department, document.sibling)
    return [document.source, *(r.source for r in related if r is not None)]


@dataclass(frozen=True)
class RenderJob:
    """A plain, picklable unit of work: any concurrent.futures executor can run it."""

    document_path: str
    document_text: bytes
    department_path: str | None
    department_text: bytes | None
    fmt: str
    templates: str
    related: Related = ()  # settings.yaml and, for a self-evaluation, its declaration


def run_job(job: RenderJob) -> bytes:
    """Pure function of the job: parse the given texts, render, return the bytes."""
    from ..documents import Loader

    document = Loader().load_from_bytes(
        Path(job.document_path), job.document_text,
        Path(job.department_path) if job.department_path else None, job.department_text,
        job.related,
    )
    if not document.ok:
        raise RenderError("文档有错误，无法生成")
    return render_document(document, job.fmt, templates=Path(job.templates))
