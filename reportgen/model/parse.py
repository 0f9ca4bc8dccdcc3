"""Loaded YAML → typed model, with pydantic's errors turned into located Chinese findings."""

from __future__ import annotations

import difflib
import re
import types
import typing
import unicodedata
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..findings import Path, Position
from ..source import Source
from .common import PLACEHOLDER

M = TypeVar("M", bound=BaseModel)


def parse_model(source: Source, model_class: type[M]) -> M | None:
    """Validate `source.data` against `model_class`; on failure add findings and return None."""
    if source.data is None and not source.ok:
        return None  # the file could not be read or parsed: nothing to validate
    if not isinstance(source.data, dict):
        source.findings.append(source.finding("E004", "文件内容应为“键: 值”形式的映射"))
        return None
    placeholders = set(find_placeholders(source.data))
    for path in sorted(placeholders, key=lambda p: source.position(p)):
        source.findings.append(source.finding(
            "E007", f"尚未填写：请把“{PLACEHOLDER}”改为实际内容", path))
    try:
        return model_class.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        misspelt = _misspelt_keys(model_class, errors)
        for error in errors:
            if error["type"] == "missing" and tuple(error["loc"]) in misspelt:
                continue  # the unknown key's E002 already names it: one mistake, one finding
            if tuple(error["loc"]) in placeholders:
                continue  # “待填写” in a number field: E007 already says so
            source.findings.append(_finding(source, model_class, error))
        return None


def find_placeholders(data: Any, path: Path = ()) -> list[Path]:
    """Where the author still has to fill in a value (`待填写`, written by `reportgen new`)."""
    if isinstance(data, str):
        return [path] if data.strip() == PLACEHOLDER else []
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in find_placeholders(value, (*path, key))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in find_placeholders(value, (*path, i))]
    return []


def _misspelt_keys(model_class: type[BaseModel], errors: list[Any]) -> set[Path]:
    """Locations of missing keys that an unknown key beside them probably misspells."""
    found: set[Path] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent, name = tuple(error["loc"][:-1]), str(error["loc"][-1])
            close = _closest(name, _known_keys(model_class, parent))
            if close:
                found.add((*parent, close))
    return found


_TYPE_MESSAGES = {
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "decimal_type": "应为数字",
    "list_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为映射（“键: 值”）",
    "model_type": "应为映射（“键: 值”）",
    "model_attributes_type": "应为映射（“键: 值”）",
    "bool_type": "应为 true 或 false",
}


def _finding(source: Source, model_class: type[BaseModel], error: dict[str, Any]):
    loc: Path = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        parent, name = loc[:-1], loc[-1]
        return source.finding("E001", f"缺少必填项“{name}”", parent, key=True)
    if kind == "extra_forbidden":
        parent, name = loc[:-1], str(loc[-1])
        known = _known_keys(model_class, parent)
        return source.finding("E002", _unknown_key_message(name, known), loc, key=True)
    if kind == "too_short":
        return source.finding("E005", "至少需要填写一项", loc)
    if kind == "value_error":
        exc = error.get("ctx", {}).get("error")
        message = str(exc) if exc is not None else error["msg"]
        code = getattr(exc, "code", None) or ("E006" if "数字" in message or "整数" in message else "E003")
        finding = source.finding(code, message, loc)
        finding.position = _slip_position(source, finding.position, error.get("input"), getattr(exc, "at", ""))
        return finding
    message = _TYPE_MESSAGES.get(kind, error["msg"])
    code = "E004" if kind in ("list_type", "dict_type", "model_type", "model_attributes_type") else "E003"
    written = error.get("input")
    if code == "E004" and isinstance(written, str):
        slip = _structure_slip(written, kind)
        if slip:
            return source.finding(*slip, loc)
    return source.finding(code, message, loc)


def _slip_position(source: Source, value_at: Position, written: Any, at: str) -> Position:
    """Where in the written value the slip is (`12345000元`: at 元), when the value is found as
    written on its line; else where the value starts."""
    if not at or not isinstance(written, str):
        return value_at
    lines = source.text.splitlines()
    line = lines[value_at.line - 1] if 0 < value_at.line <= len(lines) else ""
    start = line.find(written.strip(), value_at.col - 1)
    if start < 0:
        return value_at
    offset = written.strip().find(at)
    return Position(value_at.line, start + max(offset, 0) + 1)


def _structure_slip(written: str, kind: str) -> tuple[str, str] | None:
    """A mapping or a list written on one line: `c:1` (no space after the colon), `甲、乙`."""
    if kind != "list_type" and (match := re.fullmatch(r"([^\s:：]+)([:：])\s*(\S.*)", written)):
        if match[2] == "：":
            return "E911", f"“{written}”被读作文字：键“{match[1]}”后用了全角冒号“：”，请改为：“{match[1]}: {match[3]}”"
        return "E912", f"“{written}”被读作文字：键“{match[1]}”的冒号后缺少空格，请改为：“{match[1]}: {match[3]}”"
    parts = [p.strip() for p in re.split(r"[、，,；;]", written) if p.strip()]
    if kind == "list_type" and len(parts) > 1:
        lines = "”“".join(f"- {p}" for p in parts)
        return "E004", f"应为列表：每项一行，以“- ”开头，请改为 {len(parts)} 行：“{lines}”"
    return None


def _closest(name: str, known: list[str]) -> str | None:
    meant = meant_key(name, known)
    return meant[0] if meant else None


def meant_key(name: str, known: list[str]) -> tuple[str, str] | None:
    """The known key an unknown one stands for, and the slip that made it: spaces inside, a unit
    in brackets, traditional characters, a synonym (by meaning, kept as data), then spelling."""
    spaced = re.sub(r"\s+", "", name)
    if spaced in known and spaced != name:
        return spaced, "键中有空格"
    bare = re.sub(r"[（(][^（()）]*[)）]$", "", unicodedata.normalize("NFKC", spaced))
    if bare in known and bare != spaced:
        return bare, "单位或说明不写在键中"
    simplified = _simplified(bare)
    if simplified in known and simplified != bare:
        return simplified, "繁体字"
    for key in known:
        if simplified in _synonyms().get(key, ()):
            return key, "同义的说法"
    close = difflib.get_close_matches(simplified, known, n=1, cutoff=0.34)
    return (close[0], "") if close else None


def _simplified(text: str) -> str:
    import opencc  # only for an unknown key

    return _converter(opencc).convert(text)


@cache
def _converter(opencc: types.ModuleType):
    return opencc.OpenCC("t2s")


@cache
def _synonyms() -> dict[str, list[str]]:
    """presets/key-synonyms.yaml: key → what clerks write for it."""
    text = resources.files("reportgen.presets").joinpath("key-synonyms.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _unknown_key_message(name: str, known: list[str]) -> str:
    meant = meant_key(name, known)
    if meant and meant[1]:
        return f"未知的键“{name}”（{meant[1]}），应为“{meant[0]}”"
    if meant:
        return f"未知的键“{name}”，是否应为“{meant[0]}”？"
    if known:
        return f"未知的键“{name}”，此处可用的键：{'、'.join(known)}"
    return f"未知的键“{name}”"


def _known_keys(model_class: type[BaseModel], loc: Path) -> list[str]:
    target = _type_at(model_class, loc)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return [field.alias or name for name, field in target.model_fields.items()]
    return []


def _type_at(annotation: Any, loc: Path) -> Any:
    """The type that a location of the data is validated against."""
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {field.alias or name: field for name, field in annotation.model_fields.items()}
            if part not in fields:
                return None
            annotation = fields[part].annotation
            continue
        args = typing.get_args(annotation)
        origin = typing.get_origin(annotation)
        if origin is list and args:
            annotation = args[0]
        elif origin is dict and len(args) == 2:
            annotation = args[1]
        else:
            return None
    return _unwrap(annotation)


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] to the type that carries the fields."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0]
        else:
            return annotation
