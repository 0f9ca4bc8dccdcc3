"""HTML → PDF through WeasyPrint, fetching nothing but the project's own templates."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..source import Source
from .fonts import ensure_cjk_fonts, ensure_glyphs
from .templates import TEMPLATES

logger = logging.getLogger(__name__)


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class TemplatesOnlyFetcher(URLFetcher):
        """Refuses the network and every file outside the templates folder."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols={"file"})
            self.root = root.resolve()

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
            if not path.is_relative_to(self.root):
                raise ValueError(f"已拒绝读取外部资源：{url}")
            return path.as_uri()

    return TemplatesOnlyFetcher


def render_pdf(html: str, *, templates: Path = TEMPLATES, sources: Sequence[Source] = ()) -> bytes:
    """The same HTML as the preview, laid out for print; fonts embedded and subset.

    `sources`: the YAML the text comes from, to locate a character no font can draw.
    """
    ensure_cjk_fonts()
    ensure_glyphs(html, sources)
    from weasyprint import HTML

    fetcher = _fetcher_class()(templates)
    document = HTML(string=html, base_url=str(templates) + "/", url_fetcher=fetcher)
    return document.write_pdf()
