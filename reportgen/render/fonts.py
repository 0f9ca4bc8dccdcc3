"""CJK font availability: a PDF must never show boxes in place of characters."""

from __future__ import annotations

import bisect
import contextlib
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path as FilePath

from ..findings import Finding, Path, Position, Severity
from ..source import Source, iter_strings


class MissingFontError(RuntimeError):
    """No font on this machine can draw Chinese text."""


@cache
def cjk_families() -> tuple[str, ...]:
    """Families fontconfig knows that cover Simplified Chinese."""
    if shutil.which("fc-list") is None:
        return ()
    result = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    )
    return tuple(sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()}))


def ensure_cjk_fonts() -> None:
    if not cjk_families():
        raise MissingFontError(
            "未找到中文字体，生成的 PDF 会出现方框。请安装：apt-get install fonts-noto-cjk fonts-arphic-ukai"
            "（make build 会自动安装）"
        )


# --- glyph coverage ------------------------------------------------------------------------------

# Drawn as nothing, never as a box: controls, format characters (RLM, ZWSP, BOM…), line and
# paragraph separators, variation selectors.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


class MissingGlyphError(MissingFontError):
    """Characters that no installed font draws: the PDF would show boxes."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        lines = "\n".join(f.format() for f in findings)
        super().__init__(f"以下字符没有可用的字体，PDF 中会显示为方框，未生成 PDF：\n{lines}\n"
                         "请改用常用字或删除这些字符（私用区字符请改为通用汉字）")


@cache
def coverage() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Code point ranges (starts, ends) some installed font draws: fontconfig's charsets, merged.

    One `fc-list` call (about 20 ms) for the whole process; Pango falls back to any installed font,
    so a character is drawn when any font has it.
    """
    if shutil.which("fc-list") is None:
        return (), ()
    result = subprocess.run(["fc-list", "--format=%{charset}\\n"], capture_output=True, text=True, check=False)
    ranges = sorted(_ranges(set(result.stdout.split())))  # many fonts share a charset
    starts: list[int] = []
    ends: list[int] = []
    for low, high in ranges:
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return tuple(starts), tuple(ends)


def _ranges(tokens: Iterable[str]) -> Iterator[tuple[int, int]]:
    for token in tokens:
        low, _, high = token.partition("-")
        with contextlib.suppress(ValueError):
            yield int(low, 16), int(high or low, 16)


def drawable(char: str) -> bool:
    code = ord(char)
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES or any(
            low <= code <= high for low, high in _VARIATION_SELECTORS):
        return True
    starts, ends = coverage()
    i = bisect.bisect_right(starts, code) - 1
    return i >= 0 and code <= ends[i]


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of `text` no installed font draws, in code point order."""
    if not coverage()[0]:
        return []  # no fontconfig: ensure_cjk_fonts reports that
    return sorted(c for c in set(text) if not c.isascii() and not drawable(c))


def ensure_glyphs(html: str, sources: Sequence[Source]) -> None:
    """Raise MissingGlyphError, each character located in the YAML, before anything is laid out."""
    missing = missing_glyphs(html)
    if missing:
        raise MissingGlyphError([_locate(char, sources) for char in missing])


def _locate(char: str, sources: Sequence[Source]) -> Finding:
    message = f"字符“{char}”（U+{ord(char):04X}）没有可用的字体，PDF 中会显示为方框"
    for source in sources:
        for path, text in iter_strings(source.data):
            if char in text:
                return Finding(source.file, _written_at(source, path, char), Severity.ERROR, "E701",
                               message, path)
    first = sources[0].file if sources else "模板"
    return Finding(first, Position(1, 1), Severity.ERROR, "E701", message + "（来自模板，不在内容文件中）")


def _written_at(source: Source, path: Path, char: str) -> Position:
    """The character itself after the value's start; the value's start when written as an escape."""
    start = source.position(path)
    lines = _LINE_BREAK.split(source.text)
    for number in range(start.line - 1, len(lines)):
        column = lines[number].find(char, start.col - 1 if number == start.line - 1 else 0)
        if column >= 0:
            return Position(number + 1, column + 1)
    return start


# PyYAML counts these as line breaks, so positions do too.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


# --- the office's fonts folder and the faces standing in ------------------------------------------

# The faces GB/T 9704 documents name, and the stylesheet variable holding each one's family list.
OFFICIAL_FACES = {"仿宋_GB2312": "--fangsong", "方正小标宋简体": "--xiaobiaosong",
                  "楷体_GB2312": "--kaiti", "黑体": "--heiti"}
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
_FAMILY_NAME_IDS = (1, 16)  # family and typographic family, in every language the font gives


def folder_families(folder: FilePath) -> dict[str, FilePath]:
    """Each family name (English and Chinese) of the font files in `folder` → its file."""
    from fontTools.ttLib import TTCollection, TTFont

    families: dict[str, FilePath] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        try:
            fonts = (TTCollection(path).fonts if path.suffix.lower() in (".ttc", ".otc")
                     else [TTFont(path, lazy=True)])
        except Exception:  # fontTools raises many kinds; a file that is no font is passed over
            continue
        for font in fonts:
            for record in font["name"].names:
                name = record.toUnicode().strip() if record.nameID in _FAMILY_NAME_IDS else ""
                if name and not set(name) & set('"\\;{}'):
                    families.setdefault(name, path)
    return families


def font_face_rules(css: str, folder: FilePath | None) -> str:
    """A stylesheet putting the office's own files first in the family lists they match.

    The faces get names of their own: fontconfig's aliases (64-reportgen-gov-fonts.conf maps
    仿宋_GB2312 to Noto Serif CJK SC for LibreOffice) would otherwise win over an @font-face.
    """
    provided = folder_families(folder) if folder is not None and folder.is_dir() else {}
    faces, variables = [], []
    for variable, chain, own in _official_files(css, provided):
        if own is not None:
            private = f"office{variable}"
            faces.append(f'@font-face {{ font-family: "{private}"; src: url("{own.resolve().as_uri()}"); }}')
            variables.append(f"  {variable}: " + ", ".join(f'"{name}"' for name in [private, *chain]) + ";")
    if not faces:
        return ""
    return "<style>\n" + "\n".join(faces) + "\n:root {\n" + "\n".join(variables) + "\n}\n</style>"


def _official_files(css: str, provided: dict[str, FilePath],
                    ) -> Iterator[tuple[str, list[str], FilePath | None]]:
    """(variable, family list, the folder's file for it or None) of each official face."""
    for variable in OFFICIAL_FACES.values():
        chain = _family_list(css, variable)
        yield variable, chain, next((provided[name] for name in chain if name in provided), None)


def stand_ins(css: str, folder: FilePath | None) -> list[str]:
    """One line per official face: the file of the fonts folder, or the installed face that
    fontconfig picks from the stylesheet's family list."""
    provided = folder_families(folder) if folder is not None and folder.is_dir() else {}
    lines = []
    for (official, _), (_, chain, own) in zip(OFFICIAL_FACES.items(), _official_files(css, provided),
                                             strict=True):
        if own is not None:
            lines.append(f"{official}：使用字体文件夹中的 {own.name}")
        else:
            face = _fontconfig_match(chain)
            named = face in chain and chain.index(face) <= chain.index(official)
            lines.append(f"{official}：使用已安装的 {face}" if named else f"{official}：未找到，以 {face} 代替")
    return lines


def _family_list(css: str, variable: str) -> list[str]:
    match = re.search(rf"{re.escape(variable)}\s*:\s*([^;]+);", css)
    if match is None:
        raise ValueError(f"style.css has no {variable}")
    return [name.strip().strip('"') for name in match.group(1).split(",")]


def _fontconfig_match(families: list[str]) -> str:
    """The installed family fontconfig gives for a family list (its aliases applied)."""
    if shutil.which("fc-match") is None:
        return "（未知：未安装 fontconfig）"
    pattern = ",".join(re.sub(r"([-,:\\])", r"\\\1", name) for name in families) + ":lang=zh-cn"
    result = subprocess.run(["fc-match", "-f", "%{family[0]}", pattern],
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() or "（未知）"
