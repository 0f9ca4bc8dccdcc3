"""Renderers imported and fonts loaded once, in the build process, before it forks its workers."""

from __future__ import annotations

import gc
from functools import cache


@cache
def warm_renderers() -> None:
    from . import docx, fonts, formats, pdf, xlsx  # noqa: F401

    fonts.coverage()
    pdf.render_pdf('<p style="font-family: Noto Serif CJK SC, Noto Sans CJK SC, AR PL UKai CN">预热</p>')
    # What is loaded now lives as long as the workers: kept out of their collections, which then
    # walk only what a job allocates, and never touch (so never copy) the pages shared after fork.
    gc.freeze()
