"""YAML source files → plain data with the position of every key and value.

PyYAML is used only to compose the node graph (safe, no object construction); scalars are
resolved here, so every scalar reaches the model as its own text (money becomes `Decimal` from
that text, never through a binary float) and YAML 1.1 surprises (`no` → False, `1:20` → 80)
cannot happen.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from . import slips
from .findings import Finding, Path, Position, Severity

MAX_NODES = 200_000  # bounds alias expansion ("billion laughs") and huge files
MAX_DEPTH = 200
MAX_BYTES = 5 * 1024 * 1024
# One value's text. A PDF lays out 100,000 characters in about 4 s; one value of 1.6 million (a
# 5 MB file) took more than 5 minutes.
MAX_TEXT_CHARS = 100_000

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_YAML11_BOOLS = {
    w for word in ("yes", "no", "on", "off", "y", "n") for w in (word, word.title(), word.upper())
}
# Characters XML 1.0 forbids (they cannot appear in a .docx or an XHTML document), lone UTF-16
# surrogates (a `\ud840` escape; UTF-8 cannot encode them) and DEL/C1 controls, which YAML refuses
# when typed into the file and which no font draws.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# An escape in a double-quoted scalar (`\\` pairs are consumed, so `\\x01` is not an escape).
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_SHORT_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "v": "\x0b", "f": "\x0c", "e": "\x1b", "N": "\x85"}
# Tags the resolver gives plain nodes (and their explicit `!!str` forms). Any other tag, even one
# under the standard prefix such as `!!python/object:os.system`, is refused.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value", "yaml", "map", "seq")
}


@dataclass
class Source:
    """One loaded YAML file: its data, where each part of it stands, and what went wrong."""

    file: str
    text: str = ""
    data: Any = None
    value_positions: dict[Path, Position] = field(default_factory=dict)
    key_positions: dict[Path, Position] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Where `path` stands; falls back to the nearest enclosing node that exists."""
        path = tuple(path)
        while True:
            if key and path in self.key_positions:
                return self.key_positions[path]
            if path in self.value_positions:
                return self.value_positions[path]
            if path in self.key_positions:
                return self.key_positions[path]
            if not path:
                return Position(1, 1)
            path = path[:-1]

    def written_at(self, path: Path, char: str, occurrence: int) -> Position:
        """Where the `occurrence`-th (from 0) `char` of the value at `path` is written.

        The value's characters that are not whitespace appear in the file in the same order (folding
        and indentation only change whitespace), so the n-th `char` after the value's start is it.
        """
        start = self.position(path)
        lines = self.text.splitlines()
        seen = 0
        for number in range(start.line - 1, len(lines)):
            line = lines[number]
            column = start.col - 2 if number == start.line - 1 else -1
            while (column := line.find(char, column + 1)) >= 0:
                if seen == occurrence:
                    return Position(number + 1, column + 1)
                seen += 1
        return start

    def finding(
        self, code: str, message: str, path: Path = (), *, warning: bool = False, key: bool = False,
        value: Decimal | str | None = None,
    ) -> Finding:
        """`value`: what the author wrote that the check judged (a waiver must accept it)."""
        return Finding(
            file=self.file,
            position=self.position(path, key=key),
            severity=Severity.WARNING if warning else Severity.ERROR,
            code=code,
            message=message,
            path=tuple(path),
            value=value,
        )


class _TooLarge(Exception):
    pass


class _LimitExceeded(Exception):
    """Raised while composing, before the rest of an oversized file is even read."""

    def __init__(self, code: str, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = Position(mark.line + 1, mark.column + 1)


class _Bounds:
    """Composes at most MAX_NODES nodes and MAX_DEPTH levels (a mixin over a PyYAML composer).

    The plain composer builds every node of the file first: a 5 MB flow list of 2 million items
    took 46 s and 1.5 GB before the walker's count could refuse it. Counting here stops at once.
    """

    nodes = 0
    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _LimitExceeded("E106", f"节点数超过上限 {MAX_NODES}（文件中的键、值或列表项过多）",
                                 self.peek_event().start_mark)
        if self.depth > MAX_DEPTH:
            raise _LimitExceeded("E107", f"嵌套层级过深（上限 {MAX_DEPTH} 层）", self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self.depth -= 1


class _BoundedLoader(_Bounds, yaml.SafeLoader):
    """PyYAML's own reader and parser: exact positions for every problem it reports."""


try:  # libyaml's parser: 13 times faster, under the same bounded composer
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

if CParser is not None:
    class _FastLoader(_Bounds, Composer, CParser, Resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

# Texts that only PyYAML's reader reports exactly: control characters and escapes that may make them.
_NEEDS_PYYAML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\\]")


def _compose(text: str) -> yaml.Node | None:
    if CParser is not None and not _NEEDS_PYYAML.search(text):
        try:
            return _compose_with(_FastLoader, text)
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's own diagnostics and positions
    return _compose_with(_BoundedLoader, text)


def _compose_with(loader_class: type, text: str) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def content_digest(raw: bytes) -> str:
    """A digest of what a YAML file says rather than of how it is laid out: comments, blank lines,
    and indentation or line breaks that keep the structure leave it unchanged. A render depends on
    nothing else (line numbers only locate findings, and a file with errors is not rendered). A
    file that does not decode or parse is digested by its bytes."""
    digest = hashlib.sha256()
    text = _decode(raw, Source(file=""))
    try:
        if text is None:
            raise yaml.YAMLError
        for event in _events(text):
            value = getattr(event, "value", None)
            # Quoting matters only where a plain scalar would be read as something else (_scalar).
            plain = isinstance(event, yaml.ScalarEvent) and not event.style and value in _RESOLVED_WORDS
            digest.update(repr((type(event).__name__, getattr(event, "anchor", None), getattr(event, "tag", None),
                                value, plain)).encode())
    except yaml.YAMLError:
        return "bytes:" + hashlib.sha256(raw).hexdigest()
    return "content:" + digest.hexdigest()


_RESOLVED_WORDS = _NULLS | set(_BOOLS) | _YAML11_BOOLS


def _events(text: str) -> Iterator[yaml.Event]:
    if CParser is None:
        yield from yaml.parse(text, Loader=yaml.SafeLoader)
        return
    parser = CParser(text)
    try:
        while (event := parser.get_event()) is not None:
            yield event
            if isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        parser.dispose()


def load_file(path: FsPath | str, display: str | None = None) -> Source:
    path = FsPath(path)
    name = display or str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # no more: a huge file is refused without reading it all
            size = os.fstat(handle.fileno()).st_size if len(raw) > MAX_BYTES else len(raw)
    except OSError as exc:
        source = Source(file=name)
        source.findings.append(source.finding("E100", f"无法读取文件：{read_problem(exc)}"))
        return source
    return load_bytes(raw, name, size)


_READ_PROBLEMS = {
    errno.ENOENT: "文件不存在（符号链接指向的文件已被删除或移走？）", errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限", errno.EISDIR: "这是文件夹，不是文件", errno.ELOOP: "符号链接形成了循环",
    errno.EIO: "磁盘读写出错", errno.ENAMETOOLONG: "文件名过长",
}


def read_problem(exc: OSError) -> str:
    """Why a file could not be read, in words a staff member understands."""
    return _READ_PROBLEMS.get(exc.errno or 0) or str(exc.strerror or exc)


def load_bytes(raw: bytes, file: str, size: int | None = None) -> Source:
    source = Source(file=file)
    if len(raw) > MAX_BYTES:
        size = max(size or 0, len(raw))
        source.findings.append(source.finding(
            "E109", f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）"
        ))
        return source
    text = _decode(raw, source)
    if text is None:
        return source
    return load_text(text, file, source)


def load_text(text: str, file: str, source: Source | None = None) -> Source:
    source = source or Source(file=file)
    source.text = text
    found = slips.text_slips(text)
    try:
        node = _compose(text)
    except _LimitExceeded as exc:
        source.findings.append(Finding(file, exc.position, Severity.ERROR, exc.code, exc.message))
        return source
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        if (exc.problem or "").startswith(_STRUCTURE_PROBLEMS):  # what a slip of the hand looks like
            found = [*found, *slips.syntax_slips(text, position.line)]
        found = _unique_lines(found)
        if found:  # the slip where it is, not the later line where YAML gave up
            source.findings.extend(_slip_finding(file, slip) for slip in found)
            return source
        problem = _translate_yaml_problem(exc.problem or str(exc))
        source.findings.append(Finding(file, position, Severity.ERROR, "E102", f"YAML 语法错误：{problem}"))
        return source
    except yaml.reader.ReaderError as exc:
        source.findings.append(_reader_error(text, exc, file))
        return source
    except yaml.YAMLError as exc:
        source.findings.append(source.finding("E102", f"YAML 语法错误：{exc}"))
        return source
    except RecursionError:
        source.findings.append(source.finding("E107", f"嵌套层级过深（上限 {MAX_DEPTH} 层）"))
        return source
    if found:  # YAML read it, but not as the clerk meant: nothing else is judged until fixed
        source.findings.extend(_slip_finding(file, slip) for slip in found)
        return source
    if node is None:
        source.data = None
        return source
    walker = _Walker(source)
    try:
        source.data = walker.convert(node, (), 0)
    except _TooLarge:
        source.data = None
    return source


def _slip_finding(file: str, slip: slips.Slip) -> Finding:
    return Finding(file, Position(slip.line, slip.col), Severity.ERROR, slip.code, slip.message)


def _unique_lines(found: list[slips.Slip]) -> list[slips.Slip]:
    """One slip a line (the first), in line order."""
    by_line: dict[int, slips.Slip] = {}
    for slip in sorted(found, key=lambda s: (s.line, s.col)):
        by_line.setdefault(slip.line, slip)
    return list(by_line.values())


def _reader_error(text: str, exc: yaml.reader.ReaderError, file: str) -> Finding:
    """A raw character YAML refuses (e.g. U+0001 typed into the file), located by line and column."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    col = exc.position - (before.rfind("\n") + 1) + 1
    return Finding(
        file, Position(line, col), Severity.ERROR, "E108",
        f"含有文档中不允许的控制字符 U+{exc.character:04X}，请删除",
    )


# Byte order marks, longest first (UTF-32 LE begins as UTF-16 LE does): what Windows Notepad and
# some editors write ("Unicode" in Notepad's save dialog is UTF-16 LE with its mark).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _decode(raw: bytes, source: Source) -> str | None:
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    if encoding not in (None, "utf-8-sig"):
        return _decode_marked(raw, encoding, source)  # type: ignore[arg-type]
    if encoding:
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
            guess = "看起来是 GBK/GB18030 编码（Windows 记事本、WPS 常用）"
        except UnicodeDecodeError:
            guess = "无法识别其编码"
        source.findings.append(Finding(
            source.file, Position(line, col), Severity.ERROR, "E101",
            f"文件不是 UTF-8 编码，{guess}。请用 UTF-8 另存：VS Code 点右下角编码→“通过编码保存”→UTF-8；"
            "记事本“另存为”时编码选 UTF-8",
        ))
        return None


def _decode_marked(raw: bytes, encoding: str, source: Source) -> str | None:
    """A UTF-16 or UTF-32 text, by its byte order mark (the codec reads the mark and drops it)."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        name = encoding.upper()
        source.findings.append(Finding(
            source.file, Position(line, col), Severity.ERROR, "E101",
            f"文件以 {name} 的字节顺序标记开头，但此处不是有效的 {name} 编码（文件被截断或混入了其他编码的内容？）。"
            "请用 UTF-8 另存：VS Code 点右下角编码→“通过编码保存”→UTF-8；记事本“另存为”时编码选 UTF-8",
        ))
        return None


_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": "制表符不能用于缩进，请改用空格",
    "mapping values are not allowed here": "此处不能出现“:”（冒号后需加空格，或把整段文字加引号）",
    "could not find expected ':'": "缺少“:”",
    "found undefined alias": "引用了未定义的锚点",
    "expected <block end>, but found": "缩进不一致",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "found unacceptable character": "含有不允许的控制字符",
    "but found another document": "一个文件只能有一份内容：此处的“---”开始了第二份，请删除多余的“---”及其后的内容",
    "found unexpected document separator": "文字中出现了“---”或“...”（文件分隔符），请把这段文字加引号",
    "sequence entries are not allowed here": "此处不能出现列表项“- ”（缩进不对？）",
    "mapping keys are not allowed here": "此处不能出现“? ”（键的写法有误）",
    "found character": "此处的字符不能作为值的开头（以 @、` 等开头的文字请加引号）",
    "expected ' ', but found": "符号后需加空格",
    "expected a comment or a line break, but found": "引号或块标记之后只能是注释或换行",
    "found unknown escape character": "双引号中的“\\”转义写错了（要写反斜杠本身请写“\\\\”，或改用单引号）",
    "expected escape sequence of": "双引号中的 \\x、\\u、\\U 转义位数不对",
    "expected the node content, but found": "此处缺少值",
    "expected ',' or ']', but got": "方括号列表 [ … ] 中缺少“,”或“]”",
    "expected ',' or '}', but got": "花括号 { … } 中缺少“,”或“}”",
    "invalid indentation or unclosed '[' or '{'": "缩进不对，或方括号、花括号未闭合",
    "expected alphabetic or numeric character, but found": "锚点、别名或标签的名称只能由字母和数字组成",
    "found duplicate anchor": "锚点名称重复",
    "second occurrence": "锚点名称重复",
    "expected chomping or indentation indicators, but found": "“|”或“>”之后的写法有误",
    "expected indentation indicator in the range 1-9, but found 0": "“|”或“>”之后的缩进数字应为 1–9",
    "expected '<document start>', but found": "文件开头的指令（%）之后缺少“---”",
}


# PyYAML's complaints when a line's structure is wrong (not an unclosed quote or bracket).
_STRUCTURE_PROBLEMS = ("mapping values are not allowed here", "could not find expected ':'",
                       "expected <block end>, but found")


def _translate_yaml_problem(problem: str) -> str:
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"{chinese}（{problem}）"
    return f"写法有误（{problem}）"


class _Walker:
    """Turns a composed node graph into plain data, recording positions as it goes."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.count = 0

    def _error(self, code: str, node: yaml.Node, message: str, path: Path) -> None:
        mark = node.start_mark
        self.source.findings.append(Finding(
            self.source.file, Position(mark.line + 1, mark.column + 1), Severity.ERROR, code, message, path
        ))

    def convert(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self._error("E106", node, f"节点数超过上限 {MAX_NODES}（锚点/别名展开过多？）", path)
            raise _TooLarge
        if depth > MAX_DEPTH:
            self._error("E107", node, f"嵌套层级过深（上限 {MAX_DEPTH} 层）", path)
            raise _TooLarge
        mark = node.start_mark
        self.source.value_positions[path] = Position(mark.line + 1, mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self._error("E105", node, f"不支持的 YAML 标签 {tag}（内容文件只用普通的键、值和列表）", path)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict:
        result: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._error("E102", key_node, "键必须是文字", path)
                continue
            key = self._allowed_text(key_node, path).strip()
            child = (*path, key)
            if key in seen:
                first = seen[key].start_mark.line + 1
                self._error("E103", seen[key], f"键“{key}”重复（另见第 {key_node.start_mark.line + 1} 行）", child)
                self._error("E103", key_node, f"键“{key}”重复（另见第 {first} 行）", child)
            seen[key] = key_node
            mark = key_node.start_mark
            self.source.key_positions[child] = Position(mark.line + 1, mark.column + 1)
            result[key] = self.convert(value_node, child, depth + 1)
        return result

    def _allowed_text(self, node: yaml.ScalarNode, path: Path) -> str:
        """The scalar's text; a character no document may hold is reported where it is written."""
        bad = _XML_FORBIDDEN.search(node.value)
        if bad is None:
            return node.value
        char = bad.group()
        self.source.findings.append(Finding(
            self.source.file, _char_position(self.source.text, node, char), Severity.ERROR, "E108",
            _forbidden_message(char), path,
        ))
        return _XML_FORBIDDEN.sub("", node.value)

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if len(node.value) > MAX_TEXT_CHARS:
            self._error("E111", node, f"文字过长（{len(node.value)} 字，上限 {MAX_TEXT_CHARS} 字），请删减", path)
        text = self._allowed_text(node, path)
        if text != node.value:
            return text
        if node.style:  # quoted or block scalar: always text (plain is None, or "" from libyaml)
            return text
        if text in _NULLS:
            return None
        if text in _BOOLS:
            return _BOOLS[text]
        if text in _YAML11_BOOLS:
            self._error(
                "E104", node,
                f"“{text}”在 YAML 1.1 中会被当作布尔值，含义不明：文字请加引号（\"{text}\"），是非请写 true/false",
                path,
            )
        return text


def _forbidden_message(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return (f"含有单独的 UTF-16 代理码位 U+{ord(char):04X}（\\u 转义写错了？非 BMP 字符请直接写出该字，"
                "或写成 \\U0002A6A5 这样的 8 位转义），请删除")
    return f"含有文档中不允许的控制字符 U+{ord(char):04X}，请删除"


def _char_position(text: str, node: yaml.Node, char: str) -> Position:
    """Where `char` is written inside the node: typed as is, or as an escape (`\\x01`, `\\u0001`, `\\b`)."""
    start = node.start_mark
    written = text[start.index : node.end_mark.index]
    offset = written.find(char)
    if offset < 0:
        offset = next((m.start() for m in _ESCAPE.finditer(written) if _unescape(m) == char), 0)
    before = written[:offset]
    if "\n" not in before:
        return Position(start.line + 1, start.column + offset + 1)
    return Position(start.line + before.count("\n") + 1, offset - before.rfind("\n"))


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2) or match.group(3)
    if code:
        return chr(int(code, 16))
    return _SHORT_ESCAPES.get(match.group(4), "")


def iter_strings(data: object, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every text value of loaded data with its YAML path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from iter_strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_strings(value, (*path, i))
