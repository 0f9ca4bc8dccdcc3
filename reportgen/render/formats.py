"""One entry point per output format: (checked document, templates) → bytes; one job per document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kinds import FORMATS
from .templates import TEMPLATES

if TYPE_CHECKING:  # the models load only when a job runs, not for planning a build
    from ..documents import Document, Related

__all__ = ["FORMATS", "SUFFIX", "RenderError", "RenderJob", "render_document", "render_formats", "run_job"]

SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx"}


class RenderError(Exception):
    """A document that validated but could not be rendered (template error, missing font…)."""


def render_document(document: Document, fmt: str, *, templates: Path = TEMPLATES,
                    draft: bool = False) -> bytes:
    """Bytes of one document in one format; raises RenderError with a Chinese message."""
    outcome = render_formats(document, (fmt,), templates=templates, draft=draft)[fmt]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def render_formats(document: Document, formats: Iterable[str], *, templates: Path = TEMPLATES,
                   draft: bool = False) -> dict[str, bytes | RenderError]:
    """Every requested format of one checked document, from one context. A format that fails
    gives its RenderError; the others are still written."""
    formats = tuple(formats)
    for fmt in formats:
        if fmt not in document.kind_row.outputs:
            raise ValueError(f"{document.kind} has no {fmt} output")
    try:
        context = _guarded(lambda: _context(document, templates), templates)
    except RenderError as exc:
        return {fmt: exc for fmt in formats}
    results: dict[str, bytes | RenderError] = {}
    for fmt in formats:
        try:
            results[fmt] = _guarded(lambda fmt=fmt: _write(document, context, fmt, templates, draft), templates)
        except RenderError as exc:
            results[fmt] = exc
    return results


def _context(document: Document, templates: Path) -> dict[str, Any]:
    from .html import document_context

    return document_context(document, templates)


def _write(document: Document, context: dict[str, Any], fmt: str, templates: Path, draft: bool) -> bytes:
    if fmt == "html":
        from .html import render_html

        return render_html(context, templates=templates, draft=draft).encode("utf-8")
    if fmt == "pdf":  # its own page: with the @font-face rules of the 字体文件夹
        from .fonts import font_face_rules
        from .html import render_html
        from .pdf import render_pdf

        fonts = document.fonts_folder
        css = (templates / "style.css").read_text(encoding="utf-8")
        html = render_html(context, templates=templates, head=font_face_rules(css, fonts))
        return render_pdf(html, templates=templates, sources=content_sources(document), fonts=fonts)
    writer = document.kind_row.writers.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt}")
    from ..kinds import resolve

    return resolve(writer)(context, templates)


def _guarded(step, templates: Path):
    """Runs a rendering step; a template, font or file problem becomes a RenderError in Chinese."""
    from jinja2 import TemplateError

    from .fonts import MissingFontError

    try:
        return step()
    except MissingFontError as exc:
        raise RenderError(str(exc)) from exc
    except TemplateError as exc:
        where = f"{template_path(exc.filename, templates)}:{exc.lineno}: " if getattr(exc, "lineno", None) else ""
        raise RenderError(f"模板错误：{where}{exc.message}") from exc
    except OSError as exc:
        raise RenderError(f"无法读取模板：{exc.filename or exc}") from exc


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
    """The YAML files whose text is printed: the document, its department.yaml, its sibling."""
    related = (document.department, document.sibling)
    return [document.source, *(r.source for r in related if r is not None)]


@dataclass(frozen=True)
class RenderJob:
    """A plain, picklable unit of work: every format of one document. Any concurrent.futures
    executor can run it."""

    document_path: str
    document_text: bytes
    department_path: str | None
    department_text: bytes | None
    formats: tuple[str, ...]
    templates: str
    related: Related = ()  # settings.yaml and the sibling, as the kind's row lists them


def run_job(job: RenderJob) -> dict[str, bytes | RenderError]:
    """Pure function of the job: load and check the given texts once, then render every format."""
    from ..documents import Loader

    document = Loader().load_from_bytes(
        Path(job.document_path), job.document_text,
        Path(job.department_path) if job.department_path else None, job.department_text,
        job.related,
    )
    if not document.ok:
        raise RenderError("文档有错误，无法生成")
    return render_formats(document, job.formats, templates=Path(job.templates))
