"""Write the Word templates in templates/word/ (run once; the office may then edit them in Word).

Each template carries the GB/T 9704 page (A4, margins 37/35/28/26 mm), named paragraph styles
with their Chinese fonts set on w:eastAsia, the `— N —` page number in the footer (odd pages
right, even pages left) and the docxtpl tags that place the content. Headings carry outline
levels (navigation pane, table of contents, PDF bookmarks); the East Asian language is zh-CN in
the styles, the settings and the theme, so that Word, WPS and LibreOffice pick the simplified
Chinese forms of fonts that cover several regions (Noto CJK draws 今 with a bar in Japanese).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

LINE = Pt(28.95)  # 225 mm ÷ 22 lines

# name, east-Asian font, size (pt), alignment, first-line indent (chars), line spacing
PARAGRAPH_STYLES = [
    ("公文标题", "方正小标宋简体", 22, WD_ALIGN_PARAGRAPH.CENTER, 0, Pt(36)),
    ("一级标题", "黑体", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    ("二级标题", "楷体_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    ("三级标题", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    ("四级标题", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    ("公文正文", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    ("附件标识", "黑体", 16, WD_ALIGN_PARAGRAPH.LEFT, 0, LINE),
    ("表格文字", "仿宋_GB2312", 10.5, WD_ALIGN_PARAGRAPH.LEFT, 0, None),
    ("表格标题", "黑体", 10.5, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    ("表格数字", "仿宋_GB2312", 10.5, WD_ALIGN_PARAGRAPH.RIGHT, 0, None),
    ("单位说明", "仿宋_GB2312", 12, WD_ALIGN_PARAGRAPH.RIGHT, 0, None),
    ("表号", "黑体", 14, WD_ALIGN_PARAGRAPH.LEFT, 0, None),
]
LATIN_FONT = "Times New Roman"
OUTLINE_LEVELS = {"一级标题": 0, "二级标题": 1, "三级标题": 2, "四级标题": 3}
BOLD_STYLES = ("公文标题",)
LANGUAGE = "zh-CN"
# The theme's East Asian faces (the default theme names Japanese ones first).
THEME_EAST_ASIAN = {"majorFont": "黑体", "minorFont": "宋体"}


def set_fonts(style, east_asian: str, size: float) -> None:
    style.font.name = LATIN_FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def add_styles(document) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal, "仿宋_GB2312", 16)
    for name, font, size, align, indent, spacing in PARAGRAPH_STYLES:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        set_fonts(style, font, size)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = fmt.space_after = Pt(0)
        if spacing is not None:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = spacing
        if indent:
            fmt.first_line_indent = Pt(size * indent)
        if name.endswith("标题") and name != "表格标题":
            fmt.keep_with_next = True
        if name in OUTLINE_LEVELS:
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(OUTLINE_LEVELS[name]))
            style.element.get_or_add_pPr().append(outline)
        style.font.bold = name in BOLD_STYLES or None
    document.styles["一级标题"].paragraph_format.space_before = Pt(0)


def set_language(document) -> None:
    """zh-CN as the East Asian language of the document defaults and of the theme's fonts."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = OxmlElement("w:themeFontLang")
        settings.append(theme_lang)
    theme_lang.set(qn("w:eastAsia"), LANGUAGE)
    theme = document.part.part_related_by(RT.THEME)
    theme._blob = simplified_chinese_theme(theme.blob.decode("utf-8")).encode("utf-8")


def simplified_chinese_theme(xml: str) -> str:
    """The theme with its East Asian typefaces set to the simplified Chinese ones."""
    for group, face in THEME_EAST_ASIAN.items():
        xml = re.sub(rf'(<a:{group}>.*?<a:ea typeface=")[^"]*(")', rf"\g<1>{face}\g<2>", xml, count=1, flags=re.S)
    return xml


def page_number_footer(footer, align) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.left_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.LEFT else None
    paragraph.paragraph_format.right_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
    run = paragraph.add_run("— ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" —")
    for r in paragraph.runs:
        r.font.size = Pt(14)
        r.font.name = "宋体"
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    del run


def _field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._element.extend([begin, text, end])


def setup_page(document, landscape: bool) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.footer_distance = Mm(21)
    document.settings.odd_and_even_pages_header_footer = True
    page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def base_document(landscape: bool):
    document = Document()
    document.core_properties.language = LANGUAGE
    set_language(document)
    add_styles(document)
    setup_page(document, landscape)
    body = document.element.body
    for paragraph in list(document.paragraphs):
        body.remove(paragraph._element)
    return document


def declaration_template(path: Path) -> None:
    document = base_document(landscape=True)
    document.add_paragraph("{%p if form_number %}", style="表号")
    document.add_paragraph("{{ form_number }}", style="表号")
    document.add_paragraph("{%p endif %}", style="表号")
    document.add_paragraph("{{ title }}", style="公文标题")
    document.add_paragraph("{{p form }}", style="表格文字")
    document.save(path)


def project_template(path: Path) -> None:
    """The project forms (项目支出绩效目标申报表, 项目支出绩效自评表): portrait, one form table."""
    document = base_document(landscape=False)
    document.add_paragraph("{{ title }}", style="公文标题")
    document.add_paragraph("{{ subtitle }}", style="单位说明").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{{p form }}", style="表格文字")
    document.save(path)


def self_evaluation_template(path: Path) -> None:
    document = base_document(landscape=False)
    title = document.add_paragraph("{{ title_prefix }}", style="公文标题")
    title.runs[0].add_break()  # as in the PDF: the department and year, then the document's kind
    title.add_run("{{ title_main }}")
    document.add_paragraph("", style="公文正文")
    document.add_paragraph("{%p for b in blocks %}", style="公文正文")
    document.add_paragraph("{%p if b.kind == 'h1' %}", style="公文正文")
    document.add_paragraph("{{ b.number }}{{ b.text }}", style="一级标题")
    for level, style in ((2, "二级标题"), (3, "三级标题"), (4, "四级标题")):
        document.add_paragraph(f"{{%p elif b.kind == 'h{level}' %}}", style="公文正文")
        document.add_paragraph("{{ b.number }}{{ b.text }}", style=style)
    document.add_paragraph("{%p elif b.kind == 'p' %}", style="公文正文")
    document.add_paragraph("{{ b.text }}", style="公文正文")
    document.add_paragraph("{%p elif b.kind == 'table' %}", style="公文正文")
    document.add_paragraph("{{p b.subdoc }}", style="表格文字")
    document.add_paragraph("{%p endif %}", style="公文正文")
    document.add_paragraph("{%p endfor %}", style="公文正文")
    # The annex starts on a new page headed 附件.
    document.add_paragraph("附件", style="附件标识").paragraph_format.page_break_before = True
    document.add_paragraph("{{ annex.title }}", style="公文标题")
    document.add_paragraph("单位：万元", style="单位说明")
    document.add_paragraph("{{p annex.subdoc }}", style="表格文字")
    document.save(path)


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    declaration_template(folder / "declaration.docx")
    self_evaluation_template(folder / "self-evaluation.docx")
    project_template(folder / "project.docx")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "templates" / "word")
