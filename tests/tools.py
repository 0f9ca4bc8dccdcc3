"""Helpers shared by the tests: real clients, reading outputs back, building a copy of content/."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document as WordDocument

from reportgen.build import BuildReport, build

ROOT = Path(__file__).resolve().parent.parent
FAST = ("html", "docx")  # PDF has its own tests; builds in tests stay quick


def require_tool(name: str) -> str:
    """In CI a missing client is a failure, never a skip."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI")
        pytest.skip(f"{name} not installed")
    return path


class _Text(HTMLParser):
    """The text nodes of an HTML document, without <style>, <title> and <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "title", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "title", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text_parts(html: bytes | str) -> list[str]:
    parser = _Text()
    parser.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    parser.close()
    return parser.parts


def stray_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def run_build(project: Path, **options) -> BuildReport:
    """Build the project copy made by the `project` fixture."""
    options.setdefault("formats", FAST)
    options.setdefault("jobs", 2)
    return build([project / "content"], project / "build", templates=project / "templates", **options)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    # -raw: content-stream order, which WeasyPrint writes cell by cell.
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def docx_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.docx"
    path.write_bytes(data)
    body = WordDocument(str(path)).element.body
    paragraphs = (p for p in body.iter() if p.tag.endswith("}p"))
    return "\n".join("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t")) for p in paragraphs)


def xlsx_text(data: bytes) -> str:
    """Every cell's value, one a line, from every sheet."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows()
                     for cell in row if cell.value is not None)
