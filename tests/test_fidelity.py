"""The seed documents' sentences appear in our PDF and Word output (≥ 98% over the three seeds).

Seeds are text extracted from the published PDFs. Both sides are compared after removing
extraction debris: whitespace, HTML tags and table rules of the extraction, page numbers, list enumerators
(一是 / 1、 / (1) — we number automatically), form labels printed as table headers, and the
formatting of numbers (3,110.76 and 3110.760 are the same figure). Sentences carrying a figure
that content/ corrects are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tools import docx_text, pdf_text

from reportgen.documents import Loader
from reportgen.render.formats import render_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
DOCUMENTS = {
    "000_3faff0ab2e597a3a.txt": "content/panyu-media-center/2023/declaration.yaml",
    "001_dd80425c8d7553a6.txt": "content/panyu-media-center/2022/self-evaluation.yaml",
    "004_865edf74b0f6c8b6.txt": "content/liwan-publicity-department/2024/declaration.yaml",
}
# Figures that content/ corrects (see the YAML comments there).
CORRECTED = ("2392.09", "2568.72", "3618份")
FORM_LABELS = {
    "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值", "指标值", "绩效指标", "名称",
    "主要实施内容", "拟投入的资金(万元)", "期望达到的目标(概述)", "完成情况", "年度重点工作任务",
    "基本信息", "预算整体情况", "部门预算支出", "预算金额(万元)", "收入来源", "总体绩效目标",
    "产出指标", "效益指标", "满意度指标", "生态效益指标", "表14",
}
ENUMERATOR = re.compile(
    r"^\s*-\s+|[一二三四五六七八九十]+是|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+\s*[、．]|\d+\.(?!\d)|任务\s*\d+\s*[:：]",
    re.M,
)


def normalise(text: str) -> str:
    text = re.sub(r"\s+", "", text).translate(str.maketrans("（）：，；", "():,;"))
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # thousands separators
    text = re.sub(r"(\d+\.\d*?)0+(?=\D|$)", r"\1", text)  # trailing zeros of decimals
    return re.sub(r"(\d+)\.(?=\D|$)", r"\1", text)


def without_debris(text: str) -> str:
    text = re.sub(r"<[^>]+>", "\n\n", text).replace("\t", "\n\n")
    lines = []
    for line in text.splitlines():
        if re.fullmatch(r"[\s\-|]+", line) or re.fullmatch(r"\s*—\s*\d+\s*—\s*", line):
            continue  # table rules of the extraction; page numbers (page furniture)
        cells = [c for c in re.split(r"\s+", normalise_punctuation(line).strip()) if c]
        if cells and all(c in FORM_LABELS for c in cells):
            continue  # a row of form labels (table headers, repeated on each page)
        lines.append(line)
    return ENUMERATOR.sub("", "\n".join(lines))


def normalise_punctuation(text: str) -> str:
    return text.translate(str.maketrans("（）：，；", "():,;"))


def seed_sentences(text: str) -> list[str]:
    sentences = []
    for block in re.split(r"\n\s*\n", without_debris(text)):
        for sentence in re.split(r"[。；;]", block):
            sentence = normalise(sentence).rstrip(":")
            if len(sentence) >= 6 and not any(c in sentence for c in CORRECTED):
                sentences.append(sentence)
    return sentences


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for seed, content in DOCUMENTS.items():
        document = Loader().load_document(ROOT / content)
        assert document.ok, [f.format() for f in document.findings]
        tmp = tmp_path_factory.mktemp(seed.split("_")[0])
        texts[seed] = {
            "pdf": pdf_text(render_document(document, "pdf"), tmp),
            "docx": docx_text(render_document(document, "docx"), tmp),
        }
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_seed_sentences_found(outputs, fmt, capsys):
    found = total = 0
    missing = []
    for seed in DOCUMENTS:
        ours = normalise(without_debris(outputs[seed][fmt]))
        for sentence in seed_sentences((SEEDS / seed).read_text(encoding="utf-8")):
            total += 1
            if sentence in ours:
                found += 1
            else:
                missing.append(f"{seed[:3]}: {sentence[:60]}")
    share = found / total
    with capsys.disabled():
        print(f"\n{fmt}: {found}/{total} seed sentences found ({share:.1%})")
    assert total > 350  # the seeds were read, not an empty comparison
    assert share >= 0.98, "\n".join(missing)
