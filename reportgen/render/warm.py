"""Preloaded by the build's forkserver: the renderers imported and the fonts loaded once, so that
every worker forked from it starts ready."""

from weasyprint import HTML

from . import docx, fonts, formats, pdf, xlsx  # noqa: F401

fonts.coverage()
HTML(string='<p style="font-family: Noto Serif CJK SC, Noto Sans CJK SC, AR PL UKai CN">预热</p>').write_pdf()
