"""What a render job needs loaded, loaded once per process: the models and checks of every kind,
the renderers, the fonts and the compiled templates. A build warms itself so before forking its
workers (build.local_pool); the worker it starts before its checks (build.warming_pool) loads only
what a print job needs."""

from __future__ import annotations

import contextlib
import gc
from functools import cache
from pathlib import Path

from .templates import TEMPLATES

# The kind's code a job runs: loading, linking, checking, scoring, its context and writers.
_KIND_CODE = ("model", "checks", "context", "link", "figures", "score", "summary", "parts_link", "prepare",
              "namespace")


@cache
def warm_renderers(templates: Path = TEMPLATES) -> None:
    from .. import documents  # noqa: F401
    from ..kinds import KINDS, resolve
    from . import docx, fonts, formats, markup, pdf, xlsx  # noqa: F401
    from .templates import environment

    for kind in KINDS:
        for attribute in _KIND_CODE:
            kind.resolved(attribute)
        for writer in kind.writers.values():
            resolve(writer)
        _compile(markup.environment(templates), markup.template_name(kind.name))
    pages = environment(templates)
    for name in pages.list_templates(extensions=["html"]):  # with those they extend and include
        _compile(pages, name)
    fonts.coverage()
    warm_printer()


@cache
def warm_printer() -> None:
    """What a print job needs (formats.print_job): WeasyPrint and the fonts, opened."""
    from . import pdf

    pdf.print_pdf('<p style="font-family: Noto Serif CJK SC, Noto Sans CJK SC, AR PL UKai CN">预热</p>')
    # What is loaded now lives as long as the workers: kept out of their collections, which then
    # walk only what a job allocates, and never touch (so never copy) the pages shared after fork.
    gc.freeze()


def _compile(environment, name: str) -> None:
    """A template compiled into the environment's cache; one the office broke is reported by the
    job that uses it, located, not here."""
    from jinja2 import TemplateError

    with contextlib.suppress(TemplateError, OSError):
        environment.get_template(name)
