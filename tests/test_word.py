"""Word output as its readers see it: outline levels, the East Asian language, the declaration as
one form table, rows kept on a page; and the PDF LibreOffice (the readers' client) makes of it."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from functools import cache
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader
from tools import ROOT, require_tool

from reportgen.documents import Loader
from reportgen.render.blocks import Cell
from reportgen.render.docx import TYPE_HEIGHT_MM, row_height_mm
from reportgen.render.formats import render_document

DOCUMENTS = {
    "panyu-declaration": "content/panyu-media-center/2023/declaration.yaml",
    "self-evaluation": "content/panyu-media-center/2022/self-evaluation.yaml",
    "liwan-declaration": "content/liwan-publicity-department/2024/declaration.yaml",
}
HEADINGS = {"一级标题": "0", "二级标题": "1", "三级标题": "2", "四级标题": "3"}


def render(path: Path, fmt: str) -> bytes:
    document = Loader().load_document(path)
    assert document.ok, [f.format() for f in document.findings]
    return render_document(document, fmt)


@pytest.fixture(scope="module")
def docx() -> dict[str, bytes]:
    return {name: render(ROOT / path, "docx") for name, path in DOCUMENTS.items()}


def part(docx: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return etree.fromstring(archive.read(name))


def w(name: str) -> str:
    return qn(f"w:{name}")


def style(styles: etree._Element, name: str) -> etree._Element:
    [found] = [s for s in styles.iter(w("style")) if s.find(w("name")).get(w("val")) == name]
    return found


@pytest.mark.parametrize("name", DOCUMENTS)
def test_headings_carry_outline_levels(docx, name):
    styles = part(docx[name], "word/styles.xml")
    for heading, level in HEADINGS.items():
        assert style(styles, heading).find(f"{w('pPr')}/{w('outlineLvl')}").get(w("val")) == level
    assert style(styles, "公文正文").find(f"{w('pPr')}/{w('outlineLvl')}") is None
    assert style(styles, "公文标题").find(f"{w('rPr')}/{w('b')}") is not None  # the title is bold


@pytest.mark.parametrize("name", DOCUMENTS)
def test_east_asian_language_is_simplified_chinese(docx, name):
    styles = part(docx[name], "word/styles.xml")
    [default] = styles.iter(w("rPrDefault"))
    assert default.find(f"{w('rPr')}/{w('lang')}").get(w("eastAsia")) == "zh-CN"
    [theme_language] = part(docx[name], "word/settings.xml").iter(w("themeFontLang"))
    assert theme_language.get(w("eastAsia")) == "zh-CN"
    theme = part(docx[name], "word/theme/theme1.xml")
    drawing = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    faces = {group: theme.find(f".//{drawing}{group}/{drawing}ea").get("typeface")
             for group in ("majorFont", "minorFont")}
    assert faces == {"majorFont": "黑体", "minorFont": "宋体"}
    for xml in ("word/styles.xml", "word/settings.xml", "word/document.xml"):
        assert b"ja-JP" not in etree.tostring(part(docx[name], xml))


@pytest.mark.parametrize("name", ["panyu-declaration", "liwan-declaration"])
def test_declaration_is_one_form_table(docx, name):
    body = part(docx[name], "word/document.xml").find(w("body"))
    [table] = body.iter(w("tbl"))  # one table, none nested
    text = "".join(table.itertext())
    for section in ("部门名称", "预算整体情况", "部门预算支出合计", "总体绩效目标", "年度重点工作任务",
                    "拟投入的资金（万元）", "其他需完成的任务", "绩效指标", "实施周期指标值"):
        assert section in text, section
    rows = table.findall(w("tr"))
    assert rows[0].find(f"{w('trPr')}/{w('tblHeader')}") is not None  # 部门名称 on every page
    assert "部门名称" in "".join(rows[0].itertext())
    assert all(r.find(f"{w('trPr')}/{w('tblHeader')}") is None for r in rows[1:])
    columns = len(table.findall(f"{w('tblGrid')}/{w('gridCol')}"))
    for row in rows:  # every row fills the grid: no cell hangs out, none is missing
        spans = [int(tc.find(f"{w('tcPr')}/{w('gridSpan')}").get(w("val")))
                 if tc.find(f"{w('tcPr')}/{w('gridSpan')}") is not None else 1 for tc in row.findall(w("tc"))]
        assert sum(spans) == columns


def breaking_rows(docx: bytes) -> list[str]:
    """The text of the rows allowed to break across pages (no w:cantSplit)."""
    rows = part(docx, "word/document.xml").iter(w("tr"))
    return ["".join(r.itertext()) for r in rows if r.find(f"{w('trPr')}/{w('cantSplit')}") is None]


@pytest.mark.parametrize(("name", "breaking"), [
    ("liwan-declaration", []),
    ("panyu-declaration", ["总体绩效目标一、深入开展"]),  # 939 characters: more than half a page
    ("self-evaluation", ["任务4：做好电视播控技术"]),  # 593 characters in narrow columns
])
def test_rows_are_kept_on_one_page_unless_taller_than_half(docx, name, breaking):
    rows = breaking_rows(docx[name])
    assert len(rows) == len(breaking) and all(r.startswith(b) for r, b in zip(rows, breaking, strict=True)), rows
    assert len(list(part(docx[name], "word/document.xml").iter(w("tr")))) > 25


def test_the_annex_total_row_is_kept_with_its_grade(docx):
    """总分 and 自评等级 are one block, as in the PDF (tbody.totals): never split by a page break."""
    rows = list(part(docx["self-evaluation"], "word/document.xml").iter(w("tr")))
    [total] = [r for r in rows if "".join(r.itertext()).startswith("总分")]
    assert "".join(rows[rows.index(total) + 1].itertext()).startswith("自评等级")
    assert all(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in total.iter(w("p")))


def test_row_height_estimate():
    # 28 Chinese characters in a 100 mm column hold 51 half-width places a line (96.2 mm of 10.5 pt
    # text): two lines of 15.225 pt.
    assert row_height_mm([Cell("字" * 28)], [100]) == pytest.approx(2 * 15.225 * 25.4 / 72)
    assert row_height_mm([Cell("字" * 25)], [100]) == pytest.approx(15.225 * 25.4 / 72)
    assert row_height_mm([Cell("甲\n乙\n丙")], [100]) == pytest.approx(3 * 15.225 * 25.4 / 72)
    merged = [Cell("字" * 500, rowspan=3), Cell("一")]  # a cell over several rows is its rows' to carry
    assert row_height_mm(merged, [50, 50]) == pytest.approx(15.225 * 25.4 / 72)


def test_a_row_taller_than_a_page_may_break(project):
    path = project / "content/liwan-publicity-department/2024/declaration.yaml"
    text = path.read_text(encoding="utf-8")
    long_goal = "深入开展学习宣传贯彻党的二十大精神宣传工作。" * 150
    text, count = re.subn(r"(?m)^总体绩效目标: \|-\n  .*\n", f"总体绩效目标: {long_goal}\n", text)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    assert row_height_mm([Cell(long_goal)], [243]) > TYPE_HEIGHT_MM["landscape"]
    assert [row[:10] for row in breaking_rows(render(path, "docx"))] == ["总体绩效目标深入开展"]


# --- LibreOffice -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice(docx, tmp_path_factory) -> dict[str, Path]:
    """The LibreOffice PDF of each document, converted in one call."""
    soffice = require_tool("soffice")
    folder = tmp_path_factory.mktemp("libreoffice")
    for name, data in docx.items():
        (folder / f"{name}.docx").write_bytes(data)
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder / "pdf"), *sorted(str(p) for p in folder.glob("*.docx"))],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {name: folder / "pdf" / f"{name}.pdf" for name in docx}


def flat_outline(items, depth: int = 0):
    for item in items:
        if isinstance(item, list):
            yield from flat_outline(item, depth + 1)
        else:
            yield depth, item.title


@pytest.mark.slow
def test_libreoffice_outline_follows_the_headings(libreoffice):
    outline = list(flat_outline(PdfReader(libreoffice["self-evaluation"]).outline))
    assert outline[:3] == [(0, "一、基本情况"), (1, "（一）部门概况"), (2, "1.部门职能")]
    assert [t for d, t in outline if d == 0] == [
        "一、基本情况", "二、综合评价分析", "三、存在的主要问题", "四、下一步改进措施", "五、附件"]
    assert any(d == 3 for d, _ in outline)  # （1） headings


@pytest.mark.slow
@pytest.mark.parametrize("name", DOCUMENTS)
def test_libreoffice_pages_match_the_pdf(libreoffice, name):
    require_tool("pdfinfo")
    weasyprint = len(PdfReader(io.BytesIO(render(ROOT / DOCUMENTS[name], "pdf"))).pages)
    office = len(PdfReader(libreoffice[name]).pages)
    assert abs(office - weasyprint) <= 1, (office, weasyprint)


@cache
def face_glyphs(family: str, style: str, region: str) -> dict[int, int]:
    """Character → glyph (CID) of one regional face of an installed Noto CJK collection."""
    require_tool("fc-match")
    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", f"{family} {region}:style={style}"],
                           capture_output=True, text=True, check=True).stdout
    file, index = found.split("\n")
    assert region in TTFont(file, fontNumber=int(index), lazy=True)["name"].getDebugName(1)
    cmap = TTFont(file, fontNumber=int(index), lazy=True).getBestCmap()
    return {code: int(name.removeprefix("cid")) for code, name in cmap.items()}


def embedded_cjk_glyphs(pdf: Path):
    """(family, style, character, CID) of each Noto CJK glyph LibreOffice embedded (as Type 1 fonts
    named cidNNNN, with a ToUnicode map)."""
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = re.fullmatch(r"/\w+\+Noto(Serif|Sans)CJK\w+-([A-Za-z]+)(-.*)?", font["/BaseFont"])
            if name is None:
                continue
            program = font["/FontDescriptor"]["/FontFile"].get_data()
            encoding = program[: program.index(b"eexec")].decode("latin-1")
            cids = {int(code): int(cid) for code, cid in re.findall(r"dup (\d+) /cid(\d+) put", encoding)}
            to_unicode = font["/ToUnicode"].get_data().decode("latin-1")
            for code, char in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", to_unicode):
                yield f"Noto {name.group(1)} CJK", name.group(2), chr(int(char, 16)), cids[int(code, 16)]


@pytest.mark.slow
@pytest.mark.parametrize("name", DOCUMENTS)
def test_libreoffice_draws_simplified_chinese_forms(libreoffice, name):
    """Every character whose glyph differs between the SC and the JP face of Noto CJK (今, 以, 关…)
    is drawn with the SC one. pdffonts cannot tell: the faces of the collection share one CFF
    table, so LibreOffice names every subset NotoSerifCJKjp-… whichever face it used."""
    fonts = {re.sub(r"^/\w+\+", "", ref.get_object()["/BaseFont"])
             for page in PdfReader(libreoffice[name]).pages for ref in page["/Resources"]["/Font"].values()}
    chinese = {f for f in fonts if re.search(r"CJK|UKai|UMing", f)}
    # Noto CJK is checked glyph by glyph below; any other Chinese face must be the mainland one.
    assert all(re.match(r"Noto(Serif|Sans)CJK", f) or re.search(r"CN\b", f) for f in chinese), fonts
    regional = {"SC": set(), "JP": set(), "neither": set()}
    for family, style, char, cid in set(embedded_cjk_glyphs(libreoffice[name])):
        sc, jp = (face_glyphs(family, style, region).get(ord(char)) for region in ("SC", "JP"))
        if sc != jp:
            regional["SC" if cid == sc else "JP" if cid == jp else "neither"].add(char)
    assert len(regional["SC"]) > 50  # the documents have many such characters: the test can fail
    assert not regional["JP"] and not regional["neither"], regional


@pytest.mark.parametrize("profile", sorted(p.name for p in (ROOT / "tests/fixtures/profiles").iterdir()))
def test_every_row_of_a_word_declaration_spans_its_whole_grid(profile):
    """A profile whose indicator columns add up to another total than the form's other sections
    used to leave a sliver of a column, empty and unbordered, at the right of those rows."""
    declaration = next((ROOT / "tests/fixtures/profiles" / profile).rglob("declaration.yaml"))
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(render(declaration, "docx"))).read("word/document.xml"))
    for table in body.iter(qn("w:tbl")):
        columns = len(table.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
        for row in table.iter(qn("w:tr")):
            spans = [int(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")))
                     if tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None else 1
                     for tc in row.findall(qn("w:tc"))]
            assert sum(spans) == columns, ("".join(row.itertext())[:20], spans)
            # each cell is one of the form's: python-docx's leftover cells carry no alignment
            assert all(tc.find(f"{qn('w:tcPr')}/{qn('w:vAlign')}") is not None for tc in row.findall(qn("w:tc")))
