"""Discover content files and load each document with its department: load → model → checks."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .checks import CheckContext, run_checks
from .findings import Finding
from .model import Declaration, Department, SelfEvaluation
from .model.parse import parse_model
from .source import Source, load_bytes, load_file
from .taxonomy import load_preset

DOCUMENT_KINDS: dict[str, type[Declaration] | type[SelfEvaluation]] = {
    "declaration.yaml": Declaration,
    "self-evaluation.yaml": SelfEvaluation,
}
DEPARTMENT_FILE = "department.yaml"


@dataclass
class LoadedDepartment:
    path: Path
    source: Source
    model: Department | None


@dataclass
class Document:
    path: Path
    source: Source
    model: Declaration | SelfEvaluation | None
    department: LoadedDepartment | None
    check_findings: list[Finding] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.path.name.removesuffix(".yaml")

    @property
    def findings(self) -> list[Finding]:
        return [*self.source.findings, *self.check_findings]

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(f.is_error for f in self.findings) and (
            self.department is None or self.department.model is not None
        )


def display_path(path: Path) -> str:
    """Paths in findings are relative to the working folder, as a compiler prints them."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every document file under the given files and folders, in a stable order."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for name in DOCUMENT_KINDS:
                found.update(path.rglob(name))
            found.update(path.rglob(DEPARTMENT_FILE))
        else:
            found.add(path)
    return sorted(found)


class Loader:
    """Loads documents, sharing each department.yaml between the documents that use it."""

    def __init__(self) -> None:
        self.departments: dict[Path, LoadedDepartment | None] = {}

    def department_for(self, document_path: Path) -> LoadedDepartment | None:
        """department.yaml sits beside the year folders: <dept>/department.yaml."""
        candidate = document_path.resolve().parent.parent / DEPARTMENT_FILE
        if candidate not in self.departments:
            self.departments[candidate] = self.load_department(candidate) if candidate.exists() else None
        return self.departments[candidate]

    def load_department(self, path: Path) -> LoadedDepartment:
        resolved = path.resolve()
        if self.departments.get(resolved) is None:
            source = load_file(path, display_path(path))
            self.departments[resolved] = LoadedDepartment(path, source, parse_model(source, Department))
        return self.departments[resolved]  # type: ignore[return-value]

    def load_document(self, path: Path) -> Document:
        source = load_file(path, display_path(path))
        return self._document(path, source, self.department_for(path))

    def load_from_bytes(self, path: Path, text: bytes, department_path: Path | None,
                        department_text: bytes | None) -> Document:
        """The same as load_document, from texts already read (a render job carries them)."""
        department = None
        if department_path is not None and department_text is not None:
            dep_source = load_bytes(department_text, display_path(department_path))
            department = LoadedDepartment(department_path, dep_source, parse_model(dep_source, Department))
        return self._document(path, load_bytes(text, display_path(path)), department)

    def _document(self, path: Path, source: Source, department: LoadedDepartment | None) -> Document:
        model = parse_model(source, DOCUMENT_KINDS[path.name])
        document = Document(path, source, model, department)
        if department is None:
            source.findings.append(source.finding(
                "W403", f"未找到本部门的 {DEPARTMENT_FILE}（应在年度文件夹的上一级），无法核对部门名称",
                warning=True,
            ))
        if model is not None:
            ctx = CheckContext(
                source=source,
                document=model,
                department=department.model if department else None,
                folder_year=_folder_year(path),
                taxonomy=load_preset(),
            )
            document.check_findings = run_checks(ctx)
        return document


def _folder_year(path: Path) -> int | None:
    name = path.resolve().parent.name
    return int(name) if name.isdigit() and len(name) == 4 else None


@dataclass
class ValidationResult:
    documents: list[Document]
    departments: list[LoadedDepartment]
    unknown: list[Path]

    @property
    def findings(self) -> list[Finding]:
        findings = [f for d in self.documents for f in d.findings]
        findings += [f for d in self.departments for f in d.source.findings]
        return sorted(findings, key=Finding.sort_key)


def validate(paths: Iterable[Path]) -> ValidationResult:
    loader = Loader()
    documents: list[Document] = []
    unknown: list[Path] = []
    for path in discover(paths):
        if path.name in DOCUMENT_KINDS:
            documents.append(loader.load_document(path))
        elif path.name == DEPARTMENT_FILE:
            loader.load_department(path)
        else:
            unknown.append(path)
    departments = [d for d in loader.departments.values() if d is not None]
    return ValidationResult(documents, departments, unknown)
