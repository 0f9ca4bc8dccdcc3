"""Renderers imported and fonts loaded once, in the build process, before it forks its workers."""

from __future__ import annotations

from functools import cache


@cache
def warm_renderers() -> None:
    from weasyprint import HTML

    from . import docx, fonts, formats, pdf, xlsx  # noqa: F401

    fonts.coverage()
    HTML(string='<p style="font-family: Noto Serif CJK SC, Noto Sans CJK SC, AR PL UKai CN">预热</p>').write_pdf()
