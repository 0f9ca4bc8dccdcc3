"""Where content files are: discovery, and the files each document draws on.

Kept free of the models, so that a build whose documents are all unchanged never imports them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

DOCUMENT_FILES = ("declaration.yaml", "self-evaluation.yaml")
DEPARTMENT_FILE = "department.yaml"
SETTINGS_FILE = "settings.yaml"  # in the content root, beside the department folders
SIBLING = {"declaration.yaml": "self-evaluation.yaml", "self-evaluation.yaml": "declaration.yaml"}


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
            for name in DOCUMENT_FILES:
                found.update(path.rglob(name))
            found.update(path.rglob(DEPARTMENT_FILE))
        else:
            found.add(path)
    return sorted(found)


def department_file(document_path: Path) -> Path:
    """department.yaml sits beside the year folders: <dept>/department.yaml."""
    return document_path.resolve().parent.parent / DEPARTMENT_FILE


def settings_file(document_path: Path) -> Path:
    """settings.yaml in the content root: <root>/<dept>/<year>/<document>."""
    return document_path.resolve().parent.parent.parent / SETTINGS_FILE


def sibling_file(document_path: Path) -> Path:
    """The declaration beside a self-evaluation, or the self-evaluation beside a declaration."""
    return document_path.resolve().with_name(SIBLING[document_path.name])
