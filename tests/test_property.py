"""Generated documents: any text reaches HTML, Word and PDF unchanged, or is refused where it is written.

A valid minimal document (tests/samples.py) gets generated text in one of its text fields, written
as a YAML double-quoted scalar. The outcome is decided by the text alone:

- a character no document may hold (XML-forbidden controls, DEL/C1, lone surrogates) → E108 at
  the field's line, and nothing is rendered;
- `{{ … }}` that is not a valid data reference → E501/E502/E503 at the field, nothing rendered;
- `{% … %}` or `{# … #}` → warning W504 at the field; printed literally;
- anything else (`& < > " '`, newlines, tabs, characters outside the BMP, right-to-left marks,
  very long strings, a 500-row table) → no finding; HTML (html.parser), word/document.xml (lxml)
  and the PDF hold the same text (compared without whitespace, which paragraphs re-flow);
- in the PDF only: a character no installed font draws → E701 at the field's line, no PDF.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit
from tools import html_text_parts

from reportgen.documents import Document, Loader
from reportgen.model.common import PLACEHOLDER
from reportgen.render import fonts
from reportgen.render.formats import RenderError, render_document
from reportgen.source import _XML_FORBIDDEN

HTML_DOCX_EXAMPLES = 60
PDF_EXAMPLES = 15
CONTENT = Path("content/media")  # never read: the texts are handed to the loader


@dataclass(frozen=True)
class Field:
    """A text field of a sample document: the line to replace, and its YAML path."""

    name: str  # declaration.yaml | self-evaluation.yaml
    line: str  # the sample's line, e.g. "总体绩效目标: 深入开展宣传工作。"
    path: tuple


FIELDS = [
    Field("declaration.yaml", "总体绩效目标: 深入开展宣传工作。", ("总体绩效目标",)),
    Field("declaration.yaml", "    主要实施内容: 保障编外人员工资", ("年度重点工作任务", 0, "主要实施内容")),
    Field("declaration.yaml", "      - 三级指标: 保障人数", ("绩效指标", "产出指标", "数量指标", 0, "三级指标")),
    Field("self-evaluation.yaml", "  主要成效: 成效明显。", ("综合评价分析", "主要成效")),
    Field("self-evaluation.yaml", "  - 绩效目标设置不够细化", ("存在的主要问题", 0)),
    Field("self-evaluation.yaml", "      期望达到的目标: 保障机构正常运转",
          ("综合评价分析", "任务完成情况", 0, "期望达到的目标")),
    Field("self-evaluation.yaml", "        实际完成值: 覆盖全区",
          ("绩效指标", "效益指标", "社会效益指标", 0, "实际完成值")),
]
SAMPLES = {"declaration.yaml": DECLARATION, "self-evaluation.yaml": SELF_EVALUATION}
EXTRA_TASK = """\
  - 名称: 附加任务{i}
    主要实施内容: 第{i}项内容
    拟投入的资金: 0.00
    期望达到的目标: 目标{i}
"""

# Pieces the generator mixes into arbitrary text.
TOKENS = [
    "&", "<", ">", '"', "'", "&amp;", "<b>", "</p>", "<script>alert(1)</script>", '<img src="file:///etc/passwd">',
    "\n", "\n\n", "\t", "\r\n", " ", "\u3000", "𠀀", "𪚥", "\U0001f600", "\u200f", "\u200e", "\u202e", "\u2067",
    "\ufeff", "\u200b", "\u0301", "{{", "}}", "{%", "%}", "{#", "#}", "{{ 年度 }}", "{{ 收入.__class__ }}",
    "{% for x in range(9) %}", "\\", "\\x01", "%s", "{0}", "待", "填写", "甲乙丙", "ab12", "١٢٣", "שלום", "مرحبا",
]
# Characters no document may hold: one of them is put into about a quarter of the texts.
FORBIDDEN = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff"]
SOMETIMES_FORBIDDEN = st.one_of(st.just(""), st.just(""), st.just(""), st.sampled_from(FORBIDDEN))


def texts(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.text(alphabet, max_size=12), st.sampled_from(TOKENS))
    short = st.lists(piece, max_size=12).map("".join)
    long = st.tuples(short, st.integers(200, 3000)).map(lambda pair: ((pair[0] or "长") * pair[1])[:20_000])
    body = st.one_of(short, short, short, long)
    return st.tuples(body, SOMETIMES_FORBIDDEN, st.integers(0, 20_000)).map(
        lambda t: t[0][: t[2] % (len(t[0]) + 1)] + t[1] + t[0][t[2] % (len(t[0]) + 1):])


# Every code point but surrogates; controls other than tab and line breaks only through FORBIDDEN.
ANY_TEXT = texts(st.one_of(st.characters(exclude_categories=("Cs", "Cc")), st.sampled_from("\t\n\r")))


# --- building and classifying a generated document -----------------------------------------------


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar: json.dumps, with the characters YAML would read as line breaks
    or refuse when typed raw written as escapes (so the value is exactly `text`)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return re.sub("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", quoted)


@dataclass
class Generated:
    field: Field
    text: str
    yaml: str
    line: int  # 1-based line of the field in `yaml`
    document: Document


def generate(field: Field, text: str, extra_rows: int = 0) -> Generated:
    marker = ": " if ": " in field.line else "- "
    prefix = field.line[: field.line.index(marker) + 2]  # "  主要成效: " or "  - "
    yaml = edit(SAMPLES[field.name], field.line, prefix + yaml_string(text))
    if extra_rows:
        yaml = edit(yaml, "绩效指标:\n", "".join(EXTRA_TASK.format(i=i) for i in range(extra_rows)) + "绩效指标:\n")
    line = yaml.splitlines().index(prefix + yaml_string(text)) + 1
    document = Loader().load_from_bytes(CONTENT / "2024" / field.name, yaml.encode(),
                                        CONTENT / "department.yaml", DEPARTMENT.encode())
    return Generated(field, text, yaml, line, document)


def has_reference_syntax(text: str) -> bool:
    return "{{" in text


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def located(generated: Generated, codes: set[str]) -> None:
    """Every finding is one of `codes`, at the generated field's path and line."""
    findings = generated.document.findings
    assert findings, f"no finding for {generated.text!r}"
    for finding in findings:
        assert finding.code in codes, finding.format()
        assert finding.path == generated.field.path, finding.format()
        assert finding.position.line == generated.line, (finding.format(), generated.line)


def outside_references(text: str) -> list[str]:
    """The literal parts of a text around its `{{ … }}` references."""
    return [squash(part) for part in re.split(r"\{\{.*?\}\}", text, flags=re.S) if squash(part)]


REFERENCE_CODES = {"E501", "E502", "E503", "W504"}


def check_validation(generated: Generated) -> bool:
    """Asserts the outcome of validation; True when the document is to be rendered."""
    text = generated.text
    if _XML_FORBIDDEN.search(text):
        assert not generated.document.ok
        assert any(f.code == "E108" for f in generated.document.findings)
        located(generated, {"E108", *REFERENCE_CODES})  # the rest of the text is checked as well
        return False
    errors = [f for f in generated.document.findings if f.is_error]
    if has_reference_syntax(text) and errors:
        located(generated, REFERENCE_CODES)
        return False
    assert generated.document.ok, [f.format() for f in generated.document.findings]
    if "{%" in text or "{#" in text:
        located(generated, {"W504"})
    else:
        assert generated.document.findings == [], [f.format() for f in generated.document.findings]
    return True


def expected_in(output_text: str, text: str) -> None:
    """The text is printed as written (a valid `{{ }}` reference may have become its value)."""
    printed = squash(output_text)
    if has_reference_syntax(text):
        position = 0
        for part in outside_references(text):
            position = printed.find(part, position)
            assert position >= 0, (part, text)
        return
    assert squash(text) in printed, text


# --- reading the outputs back ----------------------------------------------------------------------


def html_text(html: bytes) -> str:
    return "".join(html_text_parts(html))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))  # raises on malformed XML
    pieces = []
    for element in root.iter(f"{W}t", f"{W}tab", f"{W}br"):
        pieces.append(element.text or "" if element.tag == f"{W}t" else ("\t" if element.tag == f"{W}tab" else "\n"))
    return "".join(pieces)


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


# --- HTML and Word ---------------------------------------------------------------------------------


def test_any_text_reaches_html_and_word_or_is_refused_where_written(capsys):
    outcomes: Counter[str] = Counter()

    @settings(max_examples=HTML_DOCX_EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(field=st.sampled_from(FIELDS), text=ANY_TEXT, rows=st.sampled_from([0, 0, 0, 499]))
    def check(field: Field, text: str, rows: int) -> None:
        assume(text.strip() != PLACEHOLDER)
        generated = generate(field, text, rows if field.name == "declaration.yaml" else 0)
        outcomes["examples"] += 1
        if not check_validation(generated):
            outcomes["refused"] += 1
            return
        html = render_document(generated.document, "html")
        expected_in(html_text(html), text)
        docx = render_document(generated.document, "docx")
        expected_in(docx_text(docx), text)
        outcomes["rendered"] += 1
        outcomes["500-row tables"] += rows > 0

    check()
    with capsys.disabled():
        print(f"\nHTML/Word 生成用例：{dict(outcomes)}")
    assert outcomes["rendered"] > 0 and outcomes["refused"] > 0


# --- PDF ---------------------------------------------------------------------------------------------

# Mostly characters the installed fonts draw, so that most PDFs are made; sometimes one they do not.
DRAWN = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.sampled_from("，。、；：？！“”‘’（）《》—…％≥≤×÷①②"),
)
PDF_TEXT = texts(st.one_of(DRAWN, DRAWN, DRAWN, st.characters()))
PROSE_FIELDS = [f for f in FIELDS if f.path in (("总体绩效目标",), ("综合评价分析", "主要成效"))]
RTL = {"R", "AL", "RLE", "RLO", "RLI", "FSI", "AN"}


def robust(text: str) -> str:
    """What PDF text extraction reliably gives back: ASCII letters and digits, common CJK."""
    return "".join(c for c in text if (c.isascii() and c.isalnum()) or "\u4e00" <= c <= "\u9fa5")


PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")  # the footer, where a long text crosses a page


def expected_in_pdf(pdf: bytes, text: str) -> None:
    extracted = robust(PAGE_NUMBER.sub("", pdf_text(pdf)))
    parts = outside_references(text) if has_reference_syntax(text) else [text]
    if any(unicodedata.bidirectional(c) in RTL for c in text):  # bidi reorders runs: compare counts
        assert not Counter(robust("".join(parts))) - Counter(extracted), text
        return
    position = 0
    for part in parts:
        position = extracted.find(robust(part), position)
        assert position >= 0, (part, text)


@pytest.mark.slow
def test_any_text_reaches_the_pdf_or_its_missing_glyph_is_located(capsys):
    outcomes: Counter[str] = Counter()

    @settings(max_examples=PDF_EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(field=st.sampled_from(PROSE_FIELDS), text=PDF_TEXT)
    def check(field: Field, text: str) -> None:
        assume(text.strip() != PLACEHOLDER)
        generated = generate(field, text[:3000])
        text = generated.text
        outcomes["examples"] += 1
        if not check_validation(generated):
            outcomes["refused at validation"] += 1
            return
        missing = fonts.missing_glyphs(text)
        try:
            pdf = render_document(generated.document, "pdf")
        except RenderError as exc:
            assert missing, exc
            for char in missing:
                assert f"U+{ord(char):04X}" in str(exc)
            assert f"{generated.document.source.file}:{generated.line}:" in str(exc)
            assert "E701" in str(exc)
            outcomes["missing glyph located"] += 1
            return
        assert not missing, missing
        assert pdf.startswith(b"%PDF-")
        expected_in_pdf(pdf, text)
        outcomes["rendered"] += 1

    check()
    with capsys.disabled():
        print(f"\nPDF 生成用例：{dict(outcomes)}")
    assert outcomes["rendered"] > 0
