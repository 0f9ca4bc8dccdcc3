"""Helpers shared by the tests: real clients, reading outputs back, building a copy of content/."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from reportgen.build import BuildReport, build
from reportgen.documents import Loader
from reportgen.render.formats import render_document

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


def texts(path: Path) -> dict[str, str]:
    """Each output's text, whitespace removed (a narrow cell may wrap a marker)."""
    document = Loader().load_document(path)
    assert document.ok, [f.message for f in document.findings if f.is_error]
    html = "".join(html_text_parts(render_document(document, "html")))
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_document(document, "pdf"))).pages)
    docx = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", zipfile.ZipFile(
        io.BytesIO(render_document(document, "docx"))).read("word/document.xml").decode()))
    workbook = openpyxl.load_workbook(io.BytesIO(render_document(document, "xlsx")))
    xlsx = "".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
                   if cell.value is not None)
    return {fmt: re.sub(r"\s+", "", text) for fmt, text in
            {"html": html, "pdf": pdf, "docx": docx, "xlsx": xlsx}.items()}


def position_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column where `needle` starts, on the only line of `text` containing it."""
    [(number, line)] = [(i, line) for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return number, line.index(needle) + 1


def line_of(text: str, needle: str) -> int:
    """1-based line of the only line containing `needle`."""
    return position_of(text, needle)[0]


def stray_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def run_build(project: Path, **options) -> BuildReport:
    """Build the project copy made by the `project` fixture."""
    options.setdefault("formats", FAST)
    options.setdefault("jobs", 2)
    return build([project / "content"], project / "build", templates=project / "templates", **options)


# --- printed lines of a PDF ----------------------------------------------------------------------

MM = 72 / 25.4  # PostScript points per millimetre
TYPE_AREA_LEFT = 28 * MM  # GB/T 9704 margins on A4 portrait
TYPE_AREA_RIGHT = (210 - 26) * MM


@dataclass
class PrintedLine:
    page: int
    x0: float
    x1: float
    text: str
    font: str


def printed_lines(pdf: Path, size: float = 16) -> list[PrintedLine]:
    """The lines of `size`-point text in a PDF, page by page, top to bottom (tables are smaller)."""
    import pdfplumber

    lines: list[PrintedLine] = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            rows: dict[int, list[dict]] = {}
            for char in page.chars:
                if abs(char["size"] - size) < 0.3 and char["text"] not in "\n\r":
                    rows.setdefault(round(char["bottom"]), []).append(char)
            for _, chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                lines.append(PrintedLine(page.page_number, chars[0]["x0"], chars[-1]["x1"],
                                         "".join(c["text"] for c in chars), chars[0]["fontname"]))
    return lines


def full_lines(lines: list[PrintedLine]) -> list[PrintedLine]:
    """The lines a paragraph goes on after: the next line starts at the type area's left edge
    (a paragraph's first line is indented two characters, headings too)."""
    return [line for line, following in zip(lines, lines[1:], strict=False)
            if abs(following.x0 - TYPE_AREA_LEFT) < 1 and following.font == line.font]


def flush_right(line: PrintedLine) -> bool:
    return abs(line.x1 - TYPE_AREA_RIGHT) <= 1 * MM


def libreoffice_pdf(docx: Path, folder: Path) -> Path:
    """The PDF LibreOffice (the readers' client) makes of a .docx, in `folder`."""
    soffice = require_tool("soffice")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(docx)],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return folder / docx.with_suffix(".pdf").name


def page_image(pdf: Path, page: int, out: Path, dpi: int = 40) -> Path:
    """One page of a PDF as a PNG (poppler's pdftoppm), at `out`."""
    pdftoppm = require_tool("pdftoppm")
    subprocess.run([pdftoppm, "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile",
                    str(pdf), str(out.with_suffix(""))], check=True, capture_output=True)
    return out


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
