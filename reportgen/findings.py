"""Findings: located diagnostics reported by the loader and the checks."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum

Path = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, order=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Finding:
    file: str
    position: Position
    severity: Severity
    code: str
    message: str
    path: Path = ()
    waived: str | None = None  # the waiver's reason when acknowledged in the YAML
    related: list[Position] = field(default_factory=list)
    value: Decimal | str | None = field(default=None, compare=False)  # the written value a check judged


    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR and self.waived is None

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING and self.waived is None

    def sort_key(self) -> tuple:
        return (self.file, self.position.line, self.position.col, self.code)

    def format(self) -> str:
        label = "已豁免" if self.waived is not None else self.severity.value
        path = f" [{format_path(self.path)}]" if self.path else ""
        text = f"{self.file}:{self.position.line}:{self.position.col}: {label} {self.code}{path} {self.message}"
        if self.waived is not None:
            text += f"（豁免理由：{self.waived}）"
        return text

    def to_json(self) -> dict:
        data = asdict(self)
        data["severity"] = "waived" if self.waived is not None else (
            "error" if self.severity is Severity.ERROR else "warning"
        )
        data["line"], data["col"] = self.position.line, self.position.col
        del data["position"], data["related"], data["value"]
        data["path"] = format_path(self.path)
        return data


def format_path(path: Path) -> str:
    """收入.来源[1].金额 — the YAML path as a staff member reads it."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + part
    return text


def summary(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    errors = sum(f.is_error for f in findings)
    warnings = sum(f.is_warning for f in findings)
    waived = sum(f.waived is not None for f in findings)
    text = f"{errors} 个错误，{warnings} 个警告"
    if waived:
        text += f"，{waived} 个已豁免"
    return text


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2)
