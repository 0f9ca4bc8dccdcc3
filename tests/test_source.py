"""The YAML loader: encodings, YAML 1.1 pitfalls, unsafe input, positions."""

from __future__ import annotations

import os
import time

import pytest

from reportgen.findings import Position, Severity
from reportgen.source import MAX_DEPTH, load_bytes, load_file, load_text

CHINESE = "部门名称: 融媒体中心\n年度: 2024\n"


def billion_laughs(levels: int = 9) -> str:
    """Nine nested levels of nine aliases each: 9**9 strings once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


# --- inputs that are refused: (raw bytes, [(code, line, col)], message fragment) ------------------

REFUSED = [
    pytest.param(
        CHINESE.encode("gbk"), [("E101", 1, 1)], "GBK/GB18030", id="gbk-file"
    ),
    pytest.param(
        b"year: 2024\nname: " + "融媒体".encode("gbk") + b"\n", [("E101", 2, 7)], "UTF-8 另存",
        id="gbk-position-and-how-to-resave",
    ),
    pytest.param(
        "部门名称: 甲\n年度: 2024\n部门名称: 乙\n".encode(), [("E103", 1, 1), ("E103", 3, 1)],
        "键“部门名称”重复", id="duplicate-key-both-lines",
    ),
    pytest.param(b"a: yes\n", [("E104", 1, 4)], "YAML 1.1", id="yaml11-yes"),
    pytest.param(b"a: no\n", [("E104", 1, 4)], '"no"', id="yaml11-no"),
    pytest.param(b"a: On\n", [("E104", 1, 4)], "true/false", id="yaml11-on"),
    pytest.param(b"a:\n  - off\n", [("E104", 2, 5)], "off", id="yaml11-off-in-list"),
    pytest.param(
        b"a: !!python/object:os.system echo\n", [("E105", 1, 4)], "!!python/object:os.system",
        id="python-tag",
    ),
    pytest.param(
        b"a: !!python/object/apply:os.system [echo]\n", [("E105", 1, 4)], "python/object/apply",
        id="python-apply-tag",
    ),
    pytest.param(b"a: !custom x\n", [("E105", 1, 4)], "!custom", id="local-tag"),
    pytest.param(b"a: !!binary aGVsbG8=\n", [("E105", 1, 4)], "!!binary", id="binary-tag"),
    pytest.param(
        billion_laughs().encode(), [("E106", 1, None)], "节点数超过上限", id="billion-laughs",
    ),
    pytest.param(nested(MAX_DEPTH + 5).encode(), [("E107", 1, None)], "嵌套层级过深",
                 id="nesting-too-deep"),
    pytest.param(nested(1500).encode(), [("E107", 1, MAX_DEPTH + 4)], "嵌套层级过深",
                 id="nesting-beyond-recursion"),  # the first list too deep: "a: " + 201 × "["
    pytest.param(b'a: 1\nb: "x\\x01y"\n', [("E108", 2, 6)], "U+0001", id="escaped-control-char"),  # at the escape
    pytest.param(b"a: 1\nb: x\x01y\n", [("E108", 2, 5)], "U+0001", id="raw-control-char"),
    pytest.param(b"a: 1\nb: c: d\n", [("E102", 2, 5)], "冒号后需加空格", id="syntax-colon"),
    pytest.param(b"a:\n  b: 1\n c: 2\n", [("E915", 3, 2)], "缩进有误", id="syntax-indent"),
    pytest.param(b"a:\n\tb: 1\n", [("E914", 2, 1)], "制表符", id="syntax-tab"),
    pytest.param(b"a: 'open\n", [("E102", 2, 1)], "引号或括号未闭合", id="syntax-unclosed-quote"),
    pytest.param(b"a: *nowhere\n", [("E102", 1, 4)], "未定义的锚点", id="undefined-alias"),
]


@pytest.mark.parametrize(("raw", "expected", "fragment"), REFUSED)
def test_refused(raw: bytes, expected: list[tuple], fragment: str) -> None:
    started = time.perf_counter()
    source = load_bytes(raw, "x.yaml")
    assert time.perf_counter() - started < 2, "the loader must fail fast"
    found = [(f.code, f.position.line, f.position.col) for f in source.findings]
    assert len(found) == len(expected), [f.format() for f in source.findings]
    for (code, line, col), got in zip(expected, found, strict=True):
        assert (code, line) == got[:2] and col in (None, got[2]), got  # col None: any column
    assert all(fragment in f.message for f in source.findings)
    assert all(f.severity is Severity.ERROR and f.file == "x.yaml" for f in source.findings)
    assert not source.ok


def test_gbk_is_one_finding_that_says_how_to_resave() -> None:
    source = load_bytes(CHINESE.encode("gbk"), "x.yaml")
    [finding] = source.findings
    assert "GBK/GB18030" in finding.message
    assert "UTF-8" in finding.message and "另存" in finding.message
    assert source.data is None


def test_duplicate_key_names_the_other_line() -> None:
    source = load_text("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert [f.message for f in source.findings] == [
        "键“a”重复（另见第 3 行）", "键“a”重复（另见第 1 行）",
    ]


def test_tag_constructs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    source = load_text("a: !!python/object/apply:os.system ['echo hi']\nb: ok\n", "x.yaml")
    assert calls == []
    assert source.data == {"a": None, "b": "ok"}
    assert [f.code for f in source.findings] == ["E105"]


def test_control_character_is_removed_from_the_value() -> None:
    source = load_text('a: "x\\x01y"\n', "x.yaml")
    assert source.data == {"a": "xy"}


def test_unreadable_file(tmp_path) -> None:
    source = load_file(tmp_path / "missing.yaml", "missing.yaml")
    assert [(f.code, f.file) for f in source.findings] == [("E100", "missing.yaml")]
    assert source.findings[0].message == "无法读取文件：文件不存在（符号链接指向的文件已被删除或移走？）"
    (tmp_path / "folder.yaml").mkdir()
    assert load_file(tmp_path / "folder.yaml").findings[0].message == "无法读取文件：这是文件夹，不是文件"


def test_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reportgen.source.MAX_BYTES", 10)
    source = load_bytes(b"a: 0123456789\n", "x.yaml")
    assert [f.code for f in source.findings] == ["E109"]


# --- inputs that are accepted: (raw bytes, expected data) -----------------------------------------

ACCEPTED = [
    pytest.param("\ufeff部门名称: 融媒体中心\n".encode(), {"部门名称": "融媒体中心"}, id="utf8-bom"),
    pytest.param("部门名称: 融媒体中心\r\n年度: 2024\r\n".encode(),
                 {"部门名称": "融媒体中心", "年度": "2024"}, id="crlf"),
    pytest.param(b'a: "no"\nb: \'yes\'\n', {"a": "no", "b": "yes"}, id="quoted-no-yes"),
    pytest.param(b"a: true\nb: false\n", {"a": True, "b": False}, id="yaml12-booleans"),
    pytest.param(b"a: 1:20\n", {"a": "1:20"}, id="sexagesimal-kept"),
    pytest.param(b"a: 0o17\nb: 017\nc: 0x1F\n", {"a": "0o17", "b": "017", "c": "0x1F"},
                 id="octal-hex-kept"),
    pytest.param(b"a: 3110.76\nb: 968.1918\nc: 1e3\n", {"a": "3110.76", "b": "968.1918", "c": "1e3"},
                 id="decimals-kept-as-text"),
    pytest.param(b"a: 2024-01-01\nb: .inf\n", {"a": "2024-01-01", "b": ".inf"}, id="dates-inf-kept"),
    pytest.param(b"a:\nb: ~\nc: null\n", {"a": None, "b": None, "c": None}, id="nulls"),
    pytest.param(b"a: !!str 12\n", {"a": "12"}, id="explicit-str"),
    pytest.param(b"a: |\n  one\n  two\n", {"a": "one\ntwo\n"}, id="block-scalar"),
    pytest.param(b"", None, id="empty-file"),
]


@pytest.mark.parametrize(("raw", "data"), ACCEPTED)
def test_accepted(raw: bytes, data: object) -> None:
    source = load_bytes(raw, "x.yaml")
    assert source.findings == []
    assert source.data == data


# --- positions: 1-based (line, col) of keys and values --------------------------------------------

POSITIONED = """\
部门名称: 融媒体中心
预算:
  收入:
    - 名称: 财政拨款
      金额: 10112.30
"""

POSITIONS = [
    pytest.param(("部门名称",), True, Position(1, 1), id="top-key"),
    pytest.param(("部门名称",), False, Position(1, 7), id="top-value"),
    pytest.param(("预算", "收入"), True, Position(3, 3), id="nested-key"),
    pytest.param(("预算", "收入"), False, Position(4, 5), id="list-value"),
    pytest.param(("预算", "收入", 0), False, Position(4, 7), id="list-item"),
    pytest.param(("预算", "收入", 0, "金额"), True, Position(5, 7), id="item-key"),
    pytest.param(("预算", "收入", 0, "金额"), False, Position(5, 11), id="item-value"),
    pytest.param(("预算", "收入", 0, "缺少"), True, Position(4, 7), id="missing-falls-back"),
]


ENCODINGS = {  # as editors save a file: encoding, and the byte order mark written before it
    "utf-8": ("utf-8", b""), "utf-8-bom": ("utf-8", b"\xef\xbb\xbf"),
    "utf-16-le-bom": ("utf-16-le", b"\xff\xfe"), "utf-16-be-bom": ("utf-16-be", b"\xfe\xff"),
}


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("path", "key", "position"), POSITIONS)
def test_positions(path: tuple, key: bool, position: Position, newline: str, encoding: str) -> None:
    codec, bom = ENCODINGS[encoding]
    source = load_bytes(bom + POSITIONED.replace("\n", newline).encode(codec), "x.yaml")
    assert source.findings == []
    assert source.position(path, key=key) == position


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_files_with_a_byte_order_mark_are_read(encoding: str) -> None:
    codec, bom = ENCODINGS[encoding]
    source = load_bytes(bom + "# 注释\n部门名称: 融媒体中心\n年度: yes\n".encode(codec), "x.yaml")
    assert source.data == {"部门名称": "融媒体中心", "年度": "yes"}
    assert [(f.code, f.position) for f in source.findings] == [("E104", Position(3, 5))]


@pytest.mark.parametrize(("raw", "position"), [
    pytest.param(b"\xff\xfe" + "a: 1\nb: 甲".encode("utf-16-le") + b"\x00", Position(2, 5), id="odd-length"),
    pytest.param(b"\xfe\xff" + "a: 1\nb: ".encode("utf-16-be") + b"\xdc\x00" + "x".encode("utf-16-be"),
                 Position(2, 4), id="lone-surrogate"),
])
def test_broken_utf16_is_located(raw: bytes, position: Position) -> None:
    [finding] = load_bytes(raw, "x.yaml").findings
    assert (finding.code, finding.position) == ("E101", position) and "UTF-16" in finding.message


def test_crlf_error_position() -> None:
    source = load_bytes(b"a: 1\r\nb: 2\r\nc: yes\r\n", "x.yaml")
    assert [(f.code, f.position) for f in source.findings] == [("E104", Position(3, 4))]
