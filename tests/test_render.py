"""Rendering of the seed documents: Word structure, PDF fonts and metadata, real clients."""

from __future__ import annotations

import gc
import io
import multiprocessing
import re
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from tools import ROOT, html_text_parts, require_tool

from reportgen.cli import main
from reportgen.documents import Document, Loader
from reportgen.render import fonts, pdf
from reportgen.render.formats import RenderError, render_document
from reportgen.render.pdf import render_pdf

DOCUMENTS = [
    "content/panyu-media-center/2023/declaration.yaml",
    "content/panyu-media-center/2022/self-evaluation.yaml",
    "content/liwan-publicity-department/2024/declaration.yaml",
]
TWIPS_PER_MM = 1440 / 25.4


def load(relative: str) -> Document:
    document = Loader().load_document(ROOT / relative)
    assert document.ok, [f.format() for f in document.findings]
    return document


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, bytes]]:
    return {
        name: {fmt: render_document(load(name), fmt) for fmt in ("html", "pdf", "docx")}
        for name in DOCUMENTS
    }


def document_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def styles_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/styles.xml").decode("utf-8")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_docx_structure(rendered, name):
    xml = document_xml(rendered[name]["docx"])
    assert "<w:tblHeader" in xml  # header rows repeat on every page
    assert 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml  # merged 一级/二级 cells
    margins = re.search(r"<w:pgMar ([^>]*)/>", xml).group(1)
    values = dict(re.findall(r'w:(\w+)="(\d+)"', margins))
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(int(values[side]) / TWIPS_PER_MM - mm) < 0.1, (side, values[side])
    styles = styles_xml(rendered[name]["docx"])
    for font in ("仿宋_GB2312", "黑体", "方正小标宋简体"):
        assert f'w:eastAsia="{font}"' in styles
    assert "{{" not in xml and "{%" not in xml  # every template tag was rendered


def test_self_evaluation_docx_headings_and_page_numbers(rendered):
    docx = rendered["content/panyu-media-center/2022/self-evaluation.yaml"]["docx"]
    xml = document_xml(docx)
    for heading in ("一、基本情况", "（一）部门概况", "1.部门职能", "（1）坚持政治引领"):
        assert heading in xml
    assert 'w:eastAsia="楷体_GB2312"' in styles_xml(docx)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        footers = [archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")]
    assert any("PAGE" in f and "— " in f for f in footers)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_docx_text_matches_html_text(rendered, name):
    parts = [p.strip() for p in html_text_parts(rendered[name]["html"]) if p.strip()]
    docx_text = re.sub(r"\s+", "", "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", document_xml(rendered[name]["docx"]))))
    docx_text = docx_text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    missing = [p for p in parts if re.sub(r"\s+", "", p) not in docx_text]
    assert len(parts) > 30
    assert not missing, missing[:5]


@pytest.mark.slow
@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdf_fonts_embedded_and_metadata(rendered, name, tmp_path):
    require_tool("pdffonts")
    path = tmp_path / "out.pdf"
    path.write_bytes(rendered[name]["pdf"])
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines  # emb column
    assert any("CJK" in line for line in lines)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    model = load(name).model
    assert f"Author:          {model.department}" in info
    assert str(model.year) in re.search(r"Title:\s+(.*)", info).group(1)
    from pypdf import PdfReader

    reader = PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    if "self-evaluation" in name:
        titles = [item.title for item in reader.outline if not isinstance(item, list)]
        assert titles[:2] == ["一、基本情况", "二、综合评价分析"]


def test_weasyprint_reports_nothing(caplog):
    """WeasyPrint logs every CSS or layout problem with line:col; the templates must cause none."""
    caplog.set_level("WARNING", logger="weasyprint")
    for name in DOCUMENTS:
        render_document(load(name), "pdf")
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]


def test_missing_cjk_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_families", lambda: ())
    with pytest.raises(RenderError, match="未找到中文字体"):
        render_document(load(DOCUMENTS[0]), "pdf")


@pytest.mark.slow
def test_libreoffice_opens_every_docx(rendered, tmp_path):
    soffice = require_tool("soffice")
    for i, name in enumerate(DOCUMENTS):
        (tmp_path / f"doc{i}.docx").write_bytes(rendered[name]["docx"])
    profile = tmp_path / "profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *sorted(str(p) for p in tmp_path.glob("*.docx"))],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert len(pdfs) == len(DOCUMENTS)
    text = subprocess.run(["pdftotext", str(pdfs[1]), "-"], capture_output=True, text=True).stdout
    assert "部门整体支出绩效自评表" in re.sub(r"\s+", "", text)
    assert re.search(r"—\s*2\s*—", text)  # the footer's page field


def test_render_command_writes_one_file(tmp_path):
    out = tmp_path / "报告.html"
    result = CliRunner().invoke(main, ["render", str(ROOT / DOCUMENTS[1]), "--to", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "部门整体支出绩效自评报告" in out.read_text(encoding="utf-8")


def test_render_command_refuses_a_document_with_errors(tmp_path):
    broken = tmp_path / "d" / "2023"
    broken.mkdir(parents=True)
    text = (ROOT / DOCUMENTS[0]).read_text(encoding="utf-8").replace("基本支出:", "基本支岀:")
    (broken / "declaration.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["render", str(broken / "declaration.yaml"), "--to", "pdf", "-o", str(out)])
    assert result.exit_code == 1
    assert "E002" in result.output and "未生成" in result.output
    assert not out.exists()


def test_merged_blocks_are_row_groups_kept_on_one_page() -> None:
    from reportgen.render.blocks import Cell, Table

    rows = [[Cell("产出", rowspan=2), Cell("数量")], [Cell("", rowspan=0), Cell("质量")],
            [Cell("满意度"), Cell("服务对象")], [Cell("总分"), Cell("")]]
    groups = Table("t", ["一级", "二级"], [50, 50], rows).row_groups()
    assert [(merged, [r[1].text for r in group]) for merged, group in groups] == [
        (True, ["数量", "质量"]), (False, ["服务对象", ""])]
    html = render_document(Loader().load_document(ROOT / "content/liwan-publicity-department/2024/declaration.yaml"),
                           "html").decode()
    indicators = html[html.index('class="sheet indicators"'):]
    assert indicators.count('<tbody class="merged">') == 2  # 产出指标 and 效益指标; 满意度指标 has one row
    assert re.search(r'<tbody class="merged">\s*<tr>\s*<td rowspan="\d+" class="label">产出指标', indicators)


# --- PDF speed settings: same bytes, fewer collections -------------------------------------------

def test_pdf_does_not_depend_on_what_the_process_rendered_before(rendered):
    """Fonts are opened once per process: after other documents, a PDF is byte for byte the one a
    fresh font configuration gives."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from reportgen.render.justify import justify_lines
    from reportgen.render.templates import TEMPLATES

    for name in reversed(DOCUMENTS):
        html = rendered[name]["html"].decode("utf-8")
        pages = HTML(string=html, base_url=str(TEMPLATES) + "/").render(font_config=FontConfiguration())
        justify_lines(pages)
        fresh = pages.write_pdf()
        assert render_pdf(html) == fresh == rendered[name]["pdf"], name


def test_font_configuration_is_the_process_own():
    shared = pdf._font_config("<p>一</p>")
    assert pdf._font_config("<p>二</p>") is shared
    assert pdf._font_config("<style>@font-face { font-family: x; src: local(x) }</style>") is not shared
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_child_font_config_is_new, (id(shared),))


def _child_font_config_is_new(parent_config_id: int) -> bool:
    return id(pdf._font_config("<p>三</p>")) != parent_config_id


def test_no_garbage_collection_while_a_pdf_is_made(rendered):
    html = rendered[DOCUMENTS[1]]["html"].decode("utf-8")
    generations: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(record)
    try:
        render_pdf(html)
    finally:
        gc.callbacks.remove(record)
    # at most one young collection, where the collector resumes or before layout (~95 if it ran)
    assert len(generations) <= 1 and 2 not in generations, generations
    assert gc.isenabled()


def test_collector_state_is_restored():
    with pytest.raises(RuntimeError), pdf.collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with pdf.collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_warmed_build_process_freezes_what_it_loaded():
    """Workers forked after the warm-up never walk the renderers' objects in their collections."""
    code = ("import gc; from reportgen.render.warm import warm_renderers; warm_renderers();"
            " print(gc.get_freeze_count())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert int(result.stdout) > 10_000


def test_one_pdf_at_a_time_in_a_process(monkeypatch):
    """Threads (a Dask worker's, say) take turns: WeasyPrint and the shared fonts are not thread-safe."""
    running, overlaps = [0], []

    class Pages:
        def write_pdf(self) -> bytes:
            running[0] += 1
            overlaps.append(running[0])
            time.sleep(0.05)
            running[0] -= 1
            return b"%PDF"

    monkeypatch.setattr(pdf, "lay_out", lambda html, templates, fonts: Pages())
    with ThreadPoolExecutor(4) as threads:
        assert list(threads.map(render_pdf, ["<p>一</p>"] * 8)) == [b"%PDF"] * 8
    assert max(overlaps) == 1


def drawn(pdf_bytes: bytes) -> tuple[list[bytes], list[bytes]]:
    """What a PDF draws, decompressed: each page's content and each embedded font file."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    pages = [page.get_contents().get_data() for page in reader.pages]
    font_files = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            font_files |= {descriptor[key].get_data() for key in ("/FontFile2", "/FontFile3") if key in descriptor}
    return pages, sorted(font_files)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_tuned_pdf_writer_draws_what_weasyprint_draws(rendered, name):
    """The font files read on demand, the single subsetting pass and the lighter compression
    change no page and no glyph (the report has a TrueType face, UKai, besides the CFF ones)."""
    from reportgen.render.pdf_write import weasyprint_own_writer

    html = rendered[name]["html"].decode("utf-8")
    tuned = render_pdf(html)
    with weasyprint_own_writer():
        untuned = render_pdf(html)
    assert tuned != untuned
    assert drawn(tuned) == drawn(untuned)
    assert len(drawn(tuned)[1]) >= 2
    assert render_pdf(html) == tuned  # the tuned writer back after the block


def test_a_face_is_subset_in_one_pass(rendered, monkeypatch):
    """WeasyPrint subsets each face twice (about 25 ms a pass for a CJK face): the faces of a
    declaration take one pass each, with the same bytes (test above)."""
    from weasyprint.pdf import fonts

    passes = []
    library = fonts.harfbuzz_subset

    class Counting:
        def __getattr__(self, name):
            return getattr(library, name)

        def hb_subset_or_fail(self, *args):
            passes.append(args)
            return library.hb_subset_or_fail(*args)

    html = rendered[DOCUMENTS[0]]["html"].decode("utf-8")
    faces = len(drawn(render_pdf(html))[1])
    monkeypatch.setattr(fonts, "harfbuzz_subset", Counting())
    render_pdf(html)
    assert faces >= 2
    assert len(passes) == faces


def test_a_pdf_is_written_without_copying_whole_font_files(rendered):
    """The CJK faces are 17–27 MB files: WeasyPrint copies each whole before subsetting it."""
    import tracemalloc

    from reportgen.render.pdf_write import weasyprint_own_writer

    def peak_mb(html: str) -> float:
        render_pdf(html)
        tracemalloc.start()
        try:
            render_pdf(html)
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()

    html = rendered[DOCUMENTS[1]]["html"].decode("utf-8")
    with weasyprint_own_writer():
        copying = peak_mb(html)
    assert peak_mb(html) < 40 < 60 < copying
