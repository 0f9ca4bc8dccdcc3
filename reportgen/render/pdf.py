"""HTML → PDF through WeasyPrint, fetching nothing but the project's own templates."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from ..source import Source
from .fonts import ensure_cjk_fonts, ensure_glyphs
from .justify import justify_lines
from .pdf_write import install as tune_pdf_writer
from .templates import TEMPLATES

if TYPE_CHECKING:  # weasyprint loads when a PDF is made, not for validation
    from weasyprint.document import Document as LaidOut
    from weasyprint.text.fonts import FontConfiguration

logger = logging.getLogger(__name__)

# WeasyPrint is not thread-safe, and the collector and the font configuration are the process's:
# one PDF at a time in a process (a Dask worker may run several jobs in threads).
_ONE_AT_A_TIME = threading.Lock()


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class TemplatesOnlyFetcher(URLFetcher):
        """Refuses the network and every file outside the templates folder (and the fonts folder)."""

        def __init__(self, root: Path, fonts: Path | None = None) -> None:
            super().__init__(allowed_protocols={"file"})
            self.root = root.resolve()
            self.readable = [self.root, *([fonts.resolve()] if fonts else [])]

        def fetch(self, url, headers=None):
            return super().fetch(self.allowed(url), headers)

        def allowed(self, url: str) -> str:
            """The file:// URL of the resolved file (symlinks followed), or ValueError."""
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise ValueError(f"已拒绝读取外部资源：{url}")
            try:
                path = Path(unquote(parsed.path)).resolve()
            except (OSError, ValueError) as exc:
                raise ValueError(f"已拒绝读取外部资源：{url}") from exc
            if not any(path.is_relative_to(folder) for folder in self.readable):
                raise ValueError(f"已拒绝读取外部资源：{url}")
            return path.as_uri()

    return TemplatesOnlyFetcher


def render_pdf(html: str, *, templates: Path = TEMPLATES, sources: Sequence[Source] = (),
               fonts: Path | None = None) -> bytes:
    """The same HTML as the preview, laid out for print; fonts embedded and subset.

    `sources`: the YAML the text comes from, to locate a character no font can draw.
    `fonts`: the office's fonts folder, which the HTML's @font-face rules may read.
    """
    check_printable(html, sources)
    return print_pdf(html, templates=templates, fonts=fonts)


def check_printable(html: str, sources: Sequence[Source] = ()) -> None:
    """MissingFontError unless every character of `html` has a font (located in `sources`)."""
    ensure_cjk_fonts()
    ensure_glyphs(html, sources)


def print_pdf(html: str, *, templates: Path = TEMPLATES, fonts: Path | None = None) -> bytes:
    """The PDF of HTML whose characters were checked: laid out, justified, written."""
    with _ONE_AT_A_TIME, collector_paused():
        return lay_out(html, templates=templates, fonts=fonts).write_pdf()


def lay_out(html: str, *, templates: Path = TEMPLATES, fonts: Path | None = None) -> LaidOut:
    """The pages of `html`, before they are written: the first half of render_pdf."""
    from weasyprint import HTML

    tune_pdf_writer()
    fetcher = _fetcher_class()(templates, fonts)
    document = HTML(string=html, base_url=str(templates) + "/", url_fetcher=fetcher)
    pages = document.render(font_config=_font_config(html))
    justify_lines(pages)
    return pages


def _font_config(html: str) -> FontConfiguration:
    """The process's font configuration, so that fonts are opened once, not once per document.

    WeasyPrint adds the faces of a stylesheet's @font-face rules to the configuration it is given,
    so a stylesheet with such rules gets a configuration of its own.
    """
    if "@font-face" in html:
        from weasyprint.text.fonts import FontConfiguration

        return FontConfiguration()
    return _process_font_config(os.getpid())


@cache
def _process_font_config(pid: int) -> FontConfiguration:
    """One per process: a forked worker makes its own rather than share its parent's open fonts."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint works.

    A report allocates some 100,000 objects; the default thresholds then run about 95 collections,
    and a full one walks every object of the process (up to 0.13 s measured for the seed report).
    What the document leaves behind is collected at the first collection after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
