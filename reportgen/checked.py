"""Validation for a build: what it needs of each document, cached by a digest of its inputs.

A build validates every document every time and reports every finding. A document whose texts —
its own, its department.yaml, settings.yaml, the other document of its year — and reportgen's
code are all unchanged has the same findings as last time: they come from the cache, without
parsing YAML or importing the models. A changed input changes the digest; nothing is decided by
modification times.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import __version__, kinds
from .content import (
    DEPARTMENT_FILE,
    SETTINGS_FILE,
    discover,
    display_path,
    leads_outside,
    related_files,
)
from .findings import Finding, Position, Severity
from .profiles import PROFILES_FOLDER
from .render.templates import TEMPLATES
from .source import MAX_BYTES, content_digest

CACHE_FORMAT = 4


@dataclass
class CheckedDocument:
    """A validated document: its findings and the facts a build plans with."""

    path: Path
    kind: str  # the name of its kind (kinds.py)
    ok: bool
    department: str | None  # the department's name, for output names
    year: int | None
    findings: list[Finding]
    inputs: dict[str, Path] = field(default_factory=dict)  # "department", "settings", "sibling" that exist
    name_at: Position | None = None  # where 部门名称 is written (it names the outputs)
    # What each file says ("document" and the roles of `inputs`), not how it is laid out: a render
    # is decided by these (source.content_digest), so a comment alone rebuilds nothing.
    digests: dict[str, str] = field(default_factory=dict)
    subject: str | None = None  # what names it within its department and year (a project's name)
    summary: dict[str, str] = field(default_factory=dict)  # its figures for the 汇总 (summary.py)
    fonts_folder: Path | None = None  # the office's fonts its settings.yaml names, for its PDF

    @property
    def kind_row(self) -> kinds.Kind:
        return kinds.of_name(self.kind)


@dataclass
class Checks:
    documents: list[CheckedDocument]
    file_findings: list[Finding]  # of department.yaml and settings.yaml files
    entries: dict[str, dict]  # the cache to save: digest → entry, only what this run used

    @property
    def findings(self) -> list[Finding]:
        every = [*self.file_findings, *(f for d in self.documents for f in d.findings)]
        return sorted(every, key=Finding.sort_key)

    def cache_bytes(self) -> bytes:
        data = {"format": CACHE_FORMAT, "entries": self.entries}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@cache
def code_fingerprint() -> str:
    """reportgen's version and every file of the package: a new release invalidates everything."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yaml")]):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for path in sorted((TEMPLATES / PROFILES_FOLDER).glob("*.yaml")):  # the forms' profiles: read by the checks
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_all(paths: Iterable[Path], cache_file: Path | None = None) -> Checks:
    """Every document under `paths`, validated or read from the cache."""
    previous = _load(cache_file) if cache_file else {}
    run = _Run(previous)
    discovered = discover(paths)
    documents = [run.document(p) for p in discovered if kinds.of_file(p) is not None]
    # as documents name them (department_file): the folder resolved, not the file, so that a
    # department.yaml linking out of the content folder is refused rather than followed
    side_files = {p.parent.resolve() / p.name for p in discovered if p.name in (DEPARTMENT_FILE, SETTINGS_FILE)}
    for document in documents:
        side_files.update(p for role, p in document.inputs.items() if role in ("department", "settings"))
    file_findings = [f for path in sorted(side_files) for f in run.side_file(path)]
    return Checks(documents, file_findings, run.used)


class _Run:
    """One build's lookups: cache hits are kept, misses are validated with one shared Loader."""

    def __init__(self, previous: dict[str, dict]) -> None:
        self.previous = previous
        self.used: dict[str, dict] = {}
        self._loader = None
        self._hashes: dict[Path, bytes | None] = {}  # a department.yaml serves several documents
        self._contents: dict[Path, str] = {}

    @property
    def loader(self):  # imported on the first miss only: the models take 0.4 s to import
        if self._loader is None:
            from .documents import Loader

            self._loader = Loader()
        return self._loader

    def document(self, path: Path) -> CheckedDocument:
        kind = kinds.of_file(path)
        assert kind is not None
        if leads_outside(path):  # refused, and nothing beside it looked at
            refused = self.loader.load_document(path)
            return CheckedDocument(path, kind.name, False, None, None, refused.findings)
        # what leads out of the content folder is no input: refused (E802), never read for a render
        inputs = {role: p for role, p in related_files(path).items() if p.exists() and not leads_outside(p)}
        key = self._digest(path, *inputs.values())
        with contextlib.suppress(*_MALFORMED):
            entry = self.previous[key]  # type: ignore[index]
            checked = CheckedDocument(path, kind.name, bool(entry["ok"]), entry["department"], entry["year"],
                                      [_finding(f) for f in entry["findings"]], inputs,
                                      Position(*entry["name_at"]) if entry["name_at"] else None,
                                      dict(entry["digests"]), entry["subject"], dict(entry["summary"]),
                                      Path(entry["fonts_folder"]) if entry["fonts_folder"] else None)
            self._remember(key, entry)
            return checked
        document = self.loader.load_document(path)
        model = document.model
        name_at = document.source.position(kind.name_field) if model else None
        digests = {role: self._content(p) for role, p in {"document": path, **inputs}.items()}
        subject = getattr(model, kind.subject) if model is not None and kind.subject else None
        summary = kind.resolved("summary")(document) if model is not None and kind.summary else {}
        checked = CheckedDocument(path, kind.name, document.ok, model.department if model else None,
                                  model.year if model else None, document.findings, inputs, name_at, digests,
                                  subject, summary, document.fonts_folder)
        self._remember(key, {"ok": checked.ok, "department": checked.department, "year": checked.year,
                             "findings": [_finding_data(f) for f in checked.findings],
                             "name_at": [name_at.line, name_at.col] if name_at else None, "digests": digests,
                             "subject": subject, "summary": summary,
                             "fonts_folder": str(checked.fonts_folder) if checked.fonts_folder else None})
        return checked

    def _content(self, path: Path) -> str:
        """What a file says (computed once per run: a department.yaml serves several documents)."""
        if path not in self._contents:
            try:
                self._contents[path] = content_digest(path.read_bytes())
            except OSError:
                self._contents[path] = "-"
        return self._contents[path]

    def side_file(self, path: Path) -> list[Finding]:
        """department.yaml and settings.yaml are checked on their own too."""
        key = self._digest(path)
        with contextlib.suppress(*_MALFORMED):
            entry = self.previous[key]  # type: ignore[index]
            findings = [_finding(f) for f in entry["findings"]]
            self._remember(key, entry)
            return findings
        load = self.loader.load_department if path.name == DEPARTMENT_FILE else self.loader.load_settings
        findings = load(path).source.findings
        self._remember(key, {"findings": [_finding_data(f) for f in findings]})
        return findings

    def _digest(self, *paths: Path) -> str | None:
        """Of the code and every file's name, displayed path and bytes; None when one cannot be read."""
        digest = hashlib.sha256(f"{CACHE_FORMAT}\0{code_fingerprint()}".encode())
        for path in paths:
            if path not in self._hashes:
                self._hashes[path] = _file_hash(path)
            content = self._hashes[path]
            if content is None:
                return None
            digest.update(f"\0{path.name}\0{display_path(path)}\0".encode())
            digest.update(content)
        return digest.hexdigest()

    def _remember(self, key: str | None, entry: dict) -> None:
        """For the next run (a file that could not be read is validated afresh every time)."""
        if key is not None:
            self.used[key] = entry


# A missing or hand-edited cache entry is recomputed, never trusted.
_MALFORMED = (KeyError, TypeError, ValueError)


def _file_hash(path: Path) -> bytes | None:
    """None for a file the loader refuses anyway: unreadable, too large to be read at all, or
    leading out of the content folder."""
    try:
        if path.stat().st_size > MAX_BYTES or leads_outside(path):
            return None
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None  # the loader reports it, located


def _finding_data(finding: Finding) -> dict:
    return {
        "file": finding.file, "line": finding.position.line, "col": finding.position.col,
        "error": finding.severity is Severity.ERROR, "code": finding.code, "message": finding.message,
        "path": list(finding.path), "waived": finding.waived,
        "related": [[p.line, p.col] for p in finding.related],
    }


def _finding(data: dict) -> Finding:
    return Finding(
        data["file"], Position(data["line"], data["col"]),
        Severity.ERROR if data["error"] else Severity.WARNING, data["code"], data["message"],
        tuple(data["path"]), data["waived"], [Position(*p) for p in data["related"]],
    )


def _load(cache_file: Path) -> dict[str, dict]:
    """The previous build's entries; an unreadable or foreign cache is simply not used."""
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or not isinstance(data.get("entries"), dict):
        return {}
    return data["entries"]
