"""Number and numbering formats shared by every output format (also the Jinja filters)."""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal

from .derive import quantize

_DIGITS = "零一二三四五六七八九"


def money(value: Decimal | None, min_decimals: int = 2) -> str:
    """3110.76 → '3,110.76'; keeps the author's precision when it is finer (968.1918)."""
    if value is None:
        return ""
    decimals = money_decimals(value, min_decimals)
    return f"{_unsigned_zero(quantize(value, decimals)):,.{decimals}f}"


def money_decimals(value: Decimal, min_decimals: int = 2) -> int:
    """Decimals an amount prints with: the author's, at least `min_decimals`."""
    exponent = value.as_tuple().exponent
    return max(-exponent if isinstance(exponent, int) else 0, min_decimals)


def money_number_format(value: Decimal, min_decimals: int = 2) -> str:
    """The spreadsheet format showing an amount as money() prints it: 968.1918 → '#,##0.0000'."""
    return "#,##0." + "0" * money_decimals(value, min_decimals)


def pct(value: Decimal | None, decimals: int = 2) -> str:
    """Percent value (already ×100) → '99.21%'; trailing zeros dropped as the forms print them
    (100.00 → '100%', 7.60 → '7.6%')."""
    if value is None:
        return "—"
    return f"{_rate_text(value, decimals)}%"


def pct_number_format(value: Decimal, decimals: int = 2) -> str:
    """The spreadsheet format of value ÷ 100 showing it as pct() prints it: '0.00%', '0.0%', '0%'."""
    shown = _rate_text(value, decimals).partition(".")[2]
    return "0." + "0" * len(shown) + "%" if shown else "0%"


def _rate_text(value: Decimal, decimals: int) -> str:
    text = f"{_unsigned_zero(quantize(value, decimals)):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wide(char: str) -> bool:
    """A Chinese character or a full-width mark (wide or full-width in Unicode)."""
    return unicodedata.east_asian_width(char) in "WF"


def display_width(text: str) -> int:
    """Width of a text in half-width characters: Chinese characters and full-width marks count two."""
    return sum(2 if wide(c) else 1 for c in text)


def wrapped_lines(text: str, places: float) -> int:
    """Lines `text` takes where a line holds `places` half-width characters: each of its own lines
    at least one. The one estimate behind every row height (PDF, Word, spreadsheet)."""
    usable = max(places, 1)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in (text or "").split("\n"))


def _unsigned_zero(value: Decimal) -> Decimal:
    """-0.001 rounds to -0.00: print it 0.00."""
    return abs(value) if value.is_zero() else value


def plain_number(value: Decimal) -> str:
    """23618 → '23618', 95.50 → '95.5', 1234.5000 → '1234.5': a number inside a message."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (enough for section numbering)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    if n >= 100:
        return str(n)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def ordinal_phrase(n: int) -> str:
    """1 → 一是, 2 → 二是: the enumerator of 部门职能 and goal lists."""
    return f"{chinese_number(n)}是"
