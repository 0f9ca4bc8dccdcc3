"""HTML → PDF through WeasyPrint, fetching nothing but the project's own templates."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from .fonts import ensure_cjk_fonts
from .html import TEMPLATES

logger = logging.getLogger(__name__)


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class TemplatesOnlyFetcher(URLFetcher):
        """Refuses the network and every file outside the templates folder."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols={"file"})
            self.root = root.resolve()

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            path = Path(unquote(parsed.path)).resolve()
            if parsed.scheme != "file" or not path.is_relative_to(self.root):
                raise ValueError(f"已拒绝读取外部资源：{url}")
            return super().fetch(url, headers)

    return TemplatesOnlyFetcher


def render_pdf(html: str, *, templates: Path = TEMPLATES) -> bytes:
    """The same HTML as the preview, laid out for print; fonts embedded and subset."""
    ensure_cjk_fonts()
    from weasyprint import HTML

    fetcher = _fetcher_class()(templates)
    document = HTML(string=html, base_url=str(templates) + "/", url_fetcher=fetcher)
    return document.write_pdf()
