"""Discover content files and load each document with its department: load → model → checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import kinds
from .checks import CheckContext, punctuation_findings, run_checks
from .content import (
    DEPARTMENT_FILE,
    SETTINGS_FILE,
    department_file,
    discover,
    display_path,
    leads_outside,
    part_files,
    settings_file,
    sibling_file,
)
from .findings import Finding
from .model import Department, Settings
from .model.parse import parse_model
from .model.settings import with_scoring
from .placement import placement_findings
from .profiles import DEFAULT_PROFILE, Profile, ProfileError, load_profile
from .source import Source, load_bytes, load_file
from .taxonomy import Taxonomy, load_preset


@dataclass
class LoadedDepartment:
    path: Path
    source: Source
    model: Department | None


@dataclass
class LoadedSettings:
    path: Path
    source: Source
    model: Settings | None


@dataclass
class Sibling:
    """The other document of the same department and year, parsed (not checked) for the chain."""

    path: Path
    source: Source
    model: Any | None


@dataclass
class Document:
    """A checked document: loaded (with what its sibling states, through the chain), checked, and
    with its derived figures and scorecard computed once, for the checks and every format."""

    path: Path
    source: Source
    model: Any | None  # of its kind's model; a self-evaluation with its declaration's values
    department: LoadedDepartment | None
    check_findings: list[Finding] = field(default_factory=list)
    settings: LoadedSettings | None = None
    sibling: Sibling | None = None
    figures: Any = None  # the kind's derived figures (totals, rates…), when it has any
    scorecard: Any = None  # scoring.Scorecard, for a kind that is scored
    parts: list[Sibling] = field(default_factory=list)  # the projects of its year, parsed (not checked)

    @cached_property
    def scoring_settings(self) -> Settings:
        """content/settings.yaml (or the defaults), its 评分 overridden by the profile's and then
        by the department's."""
        settings = self.settings.model if self.settings and self.settings.model else Settings()
        department = self.department.model if self.department else None
        return with_scoring(settings, self.profile.scoring,
                            department.scoring if department and department.scoring else None)

    @cached_property
    def profile(self) -> Profile:
        """The 表式 the department picks, else settings.yaml's, else the built-in default."""
        department = self.department.model if self.department else None
        settings = self.settings.model if self.settings else None
        name = (department.profile if department else None) or (settings.profile if settings else None)
        return load_profile(name or DEFAULT_PROFILE)

    @property
    def fonts_folder(self) -> Path | None:
        """The office's fonts (字体文件夹 of settings.yaml), relative to the content folder."""
        folder = self.settings.model.fonts_folder if self.settings and self.settings.model else None
        return self.settings.path.parent / folder if folder and self.settings else None

    @property
    def taxonomy(self) -> Taxonomy:
        return self.profile.taxonomy or load_preset(self.scoring_settings.taxonomy)

    @property
    def input_paths(self) -> list[Path]:
        """The content files it is made from: itself, department.yaml, settings.yaml, its sibling."""
        parts = (self.department, self.settings, self.sibling)
        return [self.path, *(part.path for part in parts if part is not None)]

    @property
    def kind_row(self) -> kinds.Kind:
        kind = kinds.of_file(self.path)
        assert kind is not None
        return kind

    @property
    def kind(self) -> str:
        return self.kind_row.name

    @property
    def findings(self) -> list[Finding]:
        return [*self.source.findings, *self.check_findings]

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(f.is_error for f in self.findings) and (
            self.department is None or self.department.model is not None
        ) and (self.settings is None or self.settings.model is not None)


class Loader:
    """Loads documents, sharing each department.yaml between the documents that use it."""

    def __init__(self) -> None:
        self.departments: dict[Path, LoadedDepartment | None] = {}
        self.settings: dict[Path, LoadedSettings | None] = {}
        self.siblings: dict[Path, Sibling | None] = {}

    def department_for(self, document_path: Path) -> LoadedDepartment | None:
        candidate = department_file(document_path)
        if candidate not in self.departments:
            self.departments[candidate] = self.load_department(candidate) if candidate.exists() else None
        return self.departments[candidate]

    def load_department(self, path: Path) -> LoadedDepartment:
        resolved = path.resolve()
        if self.departments.get(resolved) is None:
            self.departments[resolved] = _department(path, load_content_file(path))
        return self.departments[resolved]  # type: ignore[return-value]

    def settings_for(self, document_path: Path) -> LoadedSettings | None:
        candidate = settings_file(document_path)
        if candidate not in self.settings:
            self.settings[candidate] = self.load_settings(candidate) if candidate.exists() else None
        return self.settings[candidate]

    def load_settings(self, path: Path) -> LoadedSettings:
        resolved = path.resolve()
        if self.settings.get(resolved) is None:
            source = load_content_file(path)
            self.settings[resolved] = LoadedSettings(path, source, parse_model(source, Settings))
        return self.settings[resolved]  # type: ignore[return-value]

    def sibling_for(self, document_path: Path) -> Sibling | None:
        candidate = sibling_file(document_path)
        if candidate is None:
            return None
        if candidate not in self.siblings:
            self.siblings[candidate] = _sibling(candidate, load_content_file(candidate)) \
                if candidate.exists() else None
        return self.siblings[candidate]

    def parts_for(self, document_path: Path) -> list[Sibling]:
        """The documents of the year that add up to this one, as its kind's row names them."""
        kind = kinds.of_file(document_path)
        if kind is None or not kind.parts:
            return []
        found = []
        for path in part_files(document_path, kind.parts).values():
            if leads_outside(path):
                continue  # refused when it is checked itself (E802)
            if path not in self.siblings:
                self.siblings[path] = _sibling(path, load_content_file(path))
            found.append(self.siblings[path])
        return [part for part in found if part is not None]

    def load_document(self, path: Path) -> Document:
        source = load_content_file(path)
        if not source.ok and source.findings[0].code == LEADS_OUTSIDE:
            return Document(path, source, None, None)  # nothing beside it is read either
        return self._document(path, source, self.department_for(path), self.settings_for(path),
                              self.sibling_for(path), self.parts_for(path))

    def load_from_bytes(self, path: Path, text: bytes, department_path: Path | None,
                        department_text: bytes | None, related: Related = ()) -> Document:
        """The same as load_document, from texts already read (a render job carries them)."""
        department = settings = sibling = None
        parts: list[Sibling] = []
        if department_path is not None and department_text is not None:
            department = _department(department_path, load_bytes(department_text, display_path(department_path)))
        for role, related_path, related_text in related:
            source = load_bytes(related_text, display_path(Path(related_path)))
            if role == "settings":
                settings = LoadedSettings(Path(related_path), source, parse_model(source, Settings))
            elif role == "sibling":
                sibling = _sibling(Path(related_path), source)
            elif role.startswith("part:"):
                parts.append(_sibling(Path(related_path), source))
        return self._document(path, load_bytes(text, display_path(path)), department, settings, sibling, parts)

    def _document(self, path: Path, source: Source, department: LoadedDepartment | None,
                  settings: LoadedSettings | None = None, sibling: Sibling | None = None,
                  parts: list[Sibling] | None = None) -> Document:
        kind = kinds.of_file(path)
        assert kind is not None
        model = parse_model(source, kind.model_class())
        document = Document(path, source, model, department, settings=settings, sibling=sibling,
                            parts=parts or [])
        try:
            placed = placement_findings(source, model, document.profile) if model is not None else []
        except ProfileError as exc:  # a broken profile file: nothing can be checked against it
            source.findings.append(source.finding("E304", str(exc), ()))
            return document
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
                taxonomy=document.taxonomy,
                settings=document.scoring_settings,
                counterpart=sibling.source if sibling else None,
                parts=document.parts,
                department_file=department.source.file if department else None,
            )
            _link(kind, ctx, document, sibling)
            if kind.parts_link and document.parts:
                kind.resolved("parts_link")(ctx, document)
            ctx.namespace = kind.resolved("namespace")
            if kind.prepare:  # e.g. every text's references filled in, before anything reads it
                kind.resolved("prepare")(ctx)
                document.model = ctx.document
            _derive(kind, ctx, document)
            document.check_findings = [*placed, *run_checks(ctx, kind.resolved("checks"))]
        return document


LEADS_OUTSIDE = "E802"


def load_content_file(path: Path) -> Source:
    """A content file, unless a symbolic link takes it out of its content folder: what lies
    elsewhere (another department's file, a file of the system) is not read."""
    target = leads_outside(path)
    if target is None:
        return load_file(path, display_path(path))
    source = Source(file=display_path(path))
    source.findings.append(source.finding(
        LEADS_OUTSIDE, f"这个文件是指向内容文件夹以外的符号链接（实际位置：{display_path(target)}），已拒绝读取；"
                       "请把文件本身复制到内容文件夹中"))
    return source


Related = tuple[tuple[str, str, bytes], ...]  # (role, path, text): "settings", "sibling" or "part:<项目>"


def _sibling(path: Path, source: Source) -> Sibling:
    kind = kinds.of_file(path)
    assert kind is not None
    return Sibling(path, source, parse_model(source, kind.model_class()))


def _link(kind: kinds.Kind, ctx: CheckContext, document: Document, sibling: Sibling | None) -> None:
    """The chain with the sibling, as the kind's row says (a self-evaluation takes what its
    declaration states; conflicts are noted for both files)."""
    if sibling is None or kind.link is None:
        return
    if sibling.model is None:
        ctx.sibling_broken = True
        return
    kind.resolved("link")(ctx, document, sibling)


def _derive(kind: kinds.Kind, ctx: CheckContext, document: Document) -> None:
    """Figures and scorecard, once: the checks and every format use these."""
    if kind.figures:
        document.figures = ctx.figures = kind.resolved("figures")(document.model)
    if kind.score:
        document.scorecard = ctx.scorecard = kind.resolved("score")(document.model, document.scoring_settings.scoring)


def _department(path: Path, source: Source) -> LoadedDepartment:
    model = parse_model(source, Department)
    if model is not None:  # its texts are printed in the report: W010 as in the documents
        source.findings.extend(punctuation_findings(source))
    return LoadedDepartment(path, source, model)


def _folder_year(path: Path) -> int | None:
    kind = kinds.of_file(path)
    name = kind.year_folder(path.resolve()).name if kind else path.resolve().parent.name
    return int(name) if name.isdigit() and len(name) == 4 else None


@dataclass
class ValidationResult:
    documents: list[Document]
    departments: list[LoadedDepartment]
    unknown: list[Path]
    settings: list[LoadedSettings] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        findings = [f for d in self.documents for f in d.findings]
        findings += [f for d in self.departments for f in d.source.findings]
        findings += [f for s in self.settings for f in s.source.findings]
        return sorted(findings, key=Finding.sort_key)


def validate(paths: Iterable[Path]) -> ValidationResult:
    loader = Loader()
    documents: list[Document] = []
    unknown: list[Path] = []
    for path in discover(paths):
        if kinds.of_file(path) is not None:
            documents.append(loader.load_document(path))
        elif path.name == DEPARTMENT_FILE:
            loader.load_department(path)
        elif path.name == SETTINGS_FILE:
            loader.load_settings(path)
        else:
            unknown.append(path)
    departments = [d for d in loader.departments.values() if d is not None]
    settings = [s for s in loader.settings.values() if s is not None]
    return ValidationResult(documents, departments, unknown, settings)
