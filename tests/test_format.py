"""The one number formatter: amounts and rates as the seed documents print them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.documents import Loader
from reportgen.format import money, money_number_format, pct, pct_number_format
from reportgen.render.formats import render_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.mark.parametrize(("value", "text", "number_format"), [
    ("99.2128", "99.21%", "0.00%"),
    ("100", "100%", "0%"),  # seed 001: 预算执行率 100%
    ("100.00", "100%", "0%"),
    ("99.999", "100%", "0%"),  # rounds half up to 100.00
    ("7.599", "7.6%", "0.0%"),  # seed 001: 占项目支出 7.6%
    ("93.2254", "93.23%", "0.00%"),
    ("0", "0%", "0%"),
    ("0.004", "0%", "0%"),
])
def test_rates_drop_trailing_zeros(value, text, number_format):
    assert pct(Decimal(value)) == text
    assert pct_number_format(Decimal(value)) == number_format


@pytest.mark.parametrize(("value", "text", "number_format"), [
    ("3110.76", "3,110.76", "#,##0.00"),
    ("8534.9", "8,534.90", "#,##0.00"),
    ("968.1918", "968.1918", "#,##0.0000"),
    ("0", "0.00", "#,##0.00"),
    ("12", "12.00", "#,##0.00"),
])
def test_amounts_keep_the_authors_decimals(value, text, number_format):
    assert money(Decimal(value)) == text
    assert money_number_format(Decimal(value)) == number_format


def test_report_prints_rates_as_the_seed_does():
    seed = re.sub(r"\s+", "", (SEEDS / "001_dd80425c8d7553a6.txt").read_text(encoding="utf-8"))
    document = Loader().load_document(ROOT / "content/panyu-media-center/2022/self-evaluation.yaml")
    html = re.sub(r"\s+", "", render_document(document, "html").decode())
    for phrase in ("实际执行数2,716.81万元，预算执行率100%", "完成预算99.21%", "占项目支出7.6%"):
        assert phrase.replace("，", ",") in seed.replace("，", ",")  # the seed writes some commas half-width
        assert phrase in html, phrase


@pytest.mark.parametrize(("text", "places", "lines"), [
    ("一二三四五", 10, 1),  # 10 half-width places: five Chinese characters fill one line
    ("一二三四五六", 10, 2),
    ("abcdefghijk", 10, 2),  # Latin letters take one place each
    ("一\n\n二", 10, 3),  # each line of the text, an empty one too, takes a line
    ("", 10, 1),
    ("一二", 0, 4),  # a column narrower than a place still holds one
])
def test_wrapped_lines(text, places, lines):
    from reportgen.format import wrapped_lines

    assert wrapped_lines(text, places) == lines
