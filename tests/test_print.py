"""Print layout of the PDF (GB/T 9704): justified 28-character lines, page numbers, wrapping, fonts."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from tools import (
    ROOT,
    TYPE_AREA_LEFT,
    TYPE_AREA_RIGHT,
    flush_right,
    full_lines,
    printed_lines,
    require_tool,
    run_build,
)

from reportgen.documents import Loader
from reportgen.render.formats import render_document

REPORT = "content/panyu-media-center/2022/self-evaluation.yaml"
CJK_ONLY = set("，。、；：？！“”‘’（）《》")  # full-width in every CJK face (— … · are not)


def is_cjk_only(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" or c in CJK_ONLY for c in text)


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    document = Loader().load_document(ROOT / REPORT)
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    path.write_bytes(render_document(document, "pdf"))
    return path


def test_full_lines_end_flush_at_the_right_edge(report_pdf):
    lines = full_lines(printed_lines(report_pdf))
    assert len(lines) > 200
    flush = [line for line in lines if flush_right(line)]
    assert len(flush) / len(lines) >= 0.95, [line.text for line in lines if not flush_right(line)]


def test_a_full_line_holds_28_characters(report_pdf):
    """Lines of Chinese only: 28 characters, 26 after the indent, one or two fewer where a 。，、
    may not start the next line (the characters before it go down with it) or a 《“ end this one."""
    lines = printed_lines(report_pdf)
    source = (ROOT / REPORT).read_text(encoding="utf-8")
    following = dict(zip(map(id, lines), lines[1:], strict=False))
    counted = 0
    for line in full_lines(lines):
        if not is_cjk_only(line.text):
            continue
        indented = abs(line.x0 - TYPE_AREA_LEFT) > 1
        width = 26 if indented else 28
        nxt = following[id(line)]
        assert nxt.text[0] not in "。，、；：？！）》”", nxt.text
        # went down with a 。，、 that may not start a line, or before a 《“ that may not end one
        kept_together = set(nxt.text[1:3]) & set("。，、；：？！）》”") or nxt.text[0] in "《（“‘"
        at_a_space = f"{line.text[-4:]} {nxt.text[:2]}" in source  # the author's space, dropped
        # before a figure, which is never broken: a half-width character is half a Chinese one
        figure = re.match(r"[0-9A-Za-z,.%]+", nxt.text)
        before_a_figure = figure is not None and width - len(line.text) <= len(figure[0]) / 2
        assert len(line.text) == width or (width - 2 <= len(line.text) and kept_together) or (
            len(line.text) == width - 1 and at_a_space) or before_a_figure, line
        counted += len(line.text) == width
    assert counted > 80


def test_22_lines_a_page(report_pdf):
    per_page = Counter(line.page for line in printed_lines(report_pdf))
    assert max(per_page.values()) == 22
    assert sum(count == 22 for count in per_page.values()) >= 8  # the pages of running text


def test_page_numbers_one_character_in_from_the_type_area(report_pdf):
    numbers = [line for line in printed_lines(report_pdf, size=14) if line.text.startswith("—")]
    assert len(numbers) >= 20
    for number in numbers:
        if number.page % 2:
            assert abs(TYPE_AREA_RIGHT - 14 - number.x1) < 1, number
        else:
            assert abs(number.x0 - TYPE_AREA_LEFT - 14) < 1, number


def fonts_of(page, words: list[str]) -> dict[str, set[str]]:
    """The fonts each word of `words` is printed in on a pdfplumber page."""
    text = "".join(c["text"] for c in page.chars)
    return {word: {c["fontname"] for c in page.chars[text.index(word):text.index(word) + len(word)]}
            for word in words}


def test_annex_on_one_page_with_heiti_only_in_its_total_rows(report_pdf):
    import pdfplumber

    with pdfplumber.open(report_pdf) as opened:
        annex = opened.pages[-1]
        text = annex.extract_text()
        for part in ("附件", "部门整体支出绩效自评表", "部门名称", "年度预算执行情况", "客户满意度",
                     "总分", "自评等级"):
            assert part in text, part
        fonts = fonts_of(annex, ["客户满意度", "减少汽车尾气排放量", "总分", "自评等级"])
    heiti = fonts["总分"]
    assert heiti == fonts["自评等级"] and "Sans" in next(iter(heiti))
    assert fonts["客户满意度"] == fonts["减少汽车尾气排放量"] and not fonts["客户满意度"] & heiti


DECLARATION = "content/panyu-media-center/2023/declaration.yaml"


@pytest.mark.parametrize("name", [REPORT, DECLARATION])
def test_tables_are_closed_at_every_page_foot(name, tmp_path):
    """Below the lowest table text of every page runs a rule: no table is left open."""
    import pdfplumber

    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(render_document(Loader().load_document(ROOT / name), "pdf"))
    with pdfplumber.open(pdf) as opened:
        pages = [page for page in opened.pages if any(c["size"] < 12.5 for c in page.chars)]
        assert len(pages) >= 3
        for page in pages:
            lowest_text = max(c["bottom"] for c in page.chars if c["size"] < 12.5)
            rules = [edge for edge in page.horizontal_edges  # stroked borders, not white fills
                     if edge["width"] > 20 and edge["stroke"] and edge["stroking_color"] == (0, 0, 0)]
            lowest_rule = max(edge["top"] for edge in rules)
            assert lowest_rule >= lowest_text, f"page {page.page_number}: table open at the foot"


def test_a_row_taller_than_a_page_breaks_under_its_repeated_header(project):
    path = project / "content/panyu-media-center/2022/self-evaluation.yaml"
    items = "\n\n".join(f"        {i}、完成年度经营任务，推动融媒体改革发展，提升传播力和影响力。" for i in range(6, 60))
    text = path.read_text(encoding="utf-8").replace(
        "        5、中心各大重大活动招商创收3,273万元。",
        f"        5、中心各大重大活动招商创收3,273万元。\n\n{items}\n\n        结束标记。", 1)
    path.write_text(text, encoding="utf-8")
    pdf = project / "out.pdf"
    pdf.write_bytes(render_document(Loader().load_document(path), "pdf", templates=project / "templates"))
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        pages = ["".join(c["text"] for c in page.chars) for page in opened.pages]  # cell by cell
    spanned = [i for i, page in enumerate(pages) if "推动融媒体改革发展" in page]
    assert len(spanned) >= 3  # the row goes on over pages…
    assert all("期望达到的目标" in pages[i] for i in spanned)  # …each headed by the table's header
    assert spanned == list(range(spanned[0], spanned[-1] + 1))
    assert "结束标记" in "".join(pages)
    assert "（二）各项工作任务绩效目标完成情况分析" in pages[spanned[0]]  # no blank page before


URL = "https://example.org/" + "a1b2c3d4e5" * 28  # 300 characters, no break opportunity


def test_a_long_url_stays_inside_the_page(project):
    path = project / "content/panyu-media-center/2022/self-evaluation.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("实际完成值: 使活动效果和影响力加深", f"实际完成值: {URL}")
    text = text.replace("对相关项目进度缓慢等问题及时反馈相关经办人员。", f"对相关项目进度缓慢等问题及时反馈相关经办人员。{URL}")
    path.write_text(text, encoding="utf-8")
    document = Loader().load_document(path)
    assert document.ok, [f.format() for f in document.findings]
    pdf = project / "out.pdf"
    pdf.write_bytes(render_document(document, "pdf", templates=project / "templates"))
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        chars = [c for page in opened.pages for c in page.chars]
    url_chars = [c for c in chars if c["text"] in "abcde12345"]
    assert len(url_chars) > 2 * 250  # the URL is printed, twice
    assert all(c["x0"] >= TYPE_AREA_LEFT - 1 and c["x1"] <= TYPE_AREA_RIGHT + 1 for c in chars
               if c["size"] < 14 or abs(c["size"] - 16) < 0.3), "text outside the type area"


def office_font(folder: Path, version: str = "1.0") -> None:
    """An OFL face renamed 仿宋_GB2312 (the office's own files cannot be shipped)."""
    from fontTools.ttLib import TTCollection

    face = TTCollection("/usr/share/fonts/opentype/noto/NotoSansCJK-Light.ttc", lazy=True).fonts[2]
    for record in list(face["name"].names):
        if record.nameID in (1, 4, 5, 6, 16):
            name = {5: f"Version {version}", 6: "FangSong_GB2312"}.get(record.nameID, "仿宋_GB2312")
            face["name"].setName(name, record.nameID, record.platformID, record.platEncID, record.langID)
    folder.mkdir(exist_ok=True)
    face.save(folder / "fangsong.otf")


def test_fonts_folder_faces_are_used_and_embedded(project):
    require_tool("pdffonts")
    office_font(project / "content" / "字体")
    settings = project / "content" / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "字体文件夹: 字体\n", encoding="utf-8")
    report = run_build(project, formats=("pdf",))
    assert report.ok and report.built
    assert report.fonts[0] == "仿宋_GB2312：使用字体文件夹中的 fangsong.otf"
    assert report.fonts[1].startswith("方正小标宋简体：未找到，以 ")
    listing = subprocess.run(["pdffonts", str(report.built[0])], capture_output=True, text=True,
                             check=True).stdout
    office = [line for line in listing.splitlines() if "office--fangsong" in line]
    assert office and office[0].split()[-5] == "yes", listing  # emb
    assert not run_build(project, formats=("pdf",)).built  # nothing changed
    (project / "content" / "字体" / "fangsong.otf").unlink()
    office_font(project / "content" / "字体", version="2.0")  # the office updates its font
    assert run_build(project, formats=("pdf",)).built


def test_without_a_fonts_folder_the_build_names_each_stand_in(project):
    report = run_build(project, formats=("pdf",))
    assert [line.split("：")[0] for line in report.fonts] == ["仿宋_GB2312", "方正小标宋简体", "楷体_GB2312", "黑体"]
    assert all("代替" in line or "已安装" in line for line in report.fonts)


def test_fetcher_reads_the_fonts_folder_and_nothing_beside_it(tmp_path):
    from reportgen.render import pdf
    from reportgen.render.templates import TEMPLATES

    fonts = tmp_path / "字体"
    fonts.mkdir()
    (fonts / "fangsong.otf").write_bytes(b"OTTO")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    fetcher = pdf._fetcher_class()(TEMPLATES, fonts)
    assert fetcher.allowed((fonts / "fangsong.otf").as_uri()) == (fonts / "fangsong.otf").resolve().as_uri()
    for outside in (tmp_path / "secret.txt", fonts / ".." / "secret.txt"):
        with pytest.raises(ValueError):
            fetcher.allowed(outside.as_uri())
    with pytest.raises(ValueError):
        pdf._fetcher_class()(TEMPLATES).allowed((fonts / "fangsong.otf").as_uri())
