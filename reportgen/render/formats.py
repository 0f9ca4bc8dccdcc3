"""One entry point per output format: (checked document, templates) → bytes; one job per document."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..kinds import FORMATS
from .templates import TEMPLATES

if TYPE_CHECKING:  # the models load only when a job runs, not for planning a build
    from ..documents import Document, Related

__all__ = ["FORMATS", "SUFFIX", "PrintJob", "RenderError", "RenderJob", "load_job", "print_job", "render_document",
           "render_formats", "run_job"]

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


@dataclass(frozen=True)
class PrintJob:
    """A PDF's last step, on its own: its print HTML laid out and written. It needs WeasyPrint and
    the fonts only, not the document's models (what a worker warmed during the checks runs)."""

    html: str
    templates: str
    fonts: str | None  # the office's fonts folder that the HTML's @font-face rules read


def print_job(job: PrintJob) -> bytes:
    from .pdf import print_pdf

    templates = Path(job.templates)
    fonts = Path(job.fonts) if job.fonts else None
    return _guarded(lambda: print_pdf(job.html, templates=templates, fonts=fonts), templates)


Printed = TypeVar("Printed")


def render_formats(document: Document, formats: Iterable[str], *, templates: Path = TEMPLATES,
                   draft: bool = False, printer: Callable[[PrintJob], Printed] = print_job,
                   ) -> dict[str, bytes | Printed | RenderError]:
    """Every requested format of one checked document, from one context. A format that fails
    gives its RenderError; the others are still written. The PDF is what `printer` makes of its
    print job: its bytes, or (build.py) the future of a worker's."""
    formats = tuple(formats)
    for fmt in formats:
        if fmt not in document.kind_row.outputs:
            raise ValueError(f"{document.kind} has no {fmt} output")
    try:
        context = _guarded(lambda: _context(document, templates), templates)
    except RenderError as exc:
        return {fmt: exc for fmt in formats}
    results: dict[str, bytes | Printed | RenderError] = {}
    for fmt in formats:
        try:
            if fmt == "pdf":
                results[fmt] = printer(_guarded(lambda: _print_job(document, context, templates), templates))
            else:
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
    writer = document.kind_row.writers.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt}")
    from ..kinds import resolve

    return resolve(writer)(context, templates)


def _print_job(document: Document, context: dict[str, Any], templates: Path) -> PrintJob:
    """The print HTML (its own page: with the @font-face rules of the 字体文件夹), every character
    checked to have a font."""
    from .fonts import font_face_rules
    from .html import render_html
    from .pdf import check_printable

    fonts = document.fonts_folder
    css = (templates / "style.css").read_text(encoding="utf-8")
    html = render_html(context, templates=templates, head=font_face_rules(css, fonts))
    check_printable(html, content_sources(document))
    return PrintJob(html, str(templates), str(fonts) if fonts else None)


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
    return render_formats(load_job(job), job.formats, templates=Path(job.templates))


def load_job(job: RenderJob) -> Document:
    """The job's document, loaded and checked from the texts it carries."""
    from ..documents import Loader

    document = Loader().load_from_bytes(
        Path(job.document_path), job.document_text,
        Path(job.department_path) if job.department_path else None, job.department_text,
        job.related,
    )
    if not document.ok:
        raise RenderError("文档有错误，无法生成")
    return document
