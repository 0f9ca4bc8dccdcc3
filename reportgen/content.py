"""Where content files are: discovery, and the files each document draws on.

Kept free of the models, so that a build whose documents are all unchanged never imports them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
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
    """Every document file under the given files and folders, in a stable order.

    Folders reached through symbolic links are searched too, so that what they hold is checked
    and reported (a file leading out of the content folder is refused when it is loaded); one
    leading out of the folder searched is looked into no deeper than a department's layout.
    """
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(_walk(path, Path(os.path.realpath(path)), (), depth=None))
        else:
            found.add(path)
    return sorted(found)


CONTENT_NAMES = (*DOCUMENT_FILES, DEPARTMENT_FILE)
_LAYOUT_DEPTH = 2  # <dept>/<year>/ below a linked folder: as deep as content files ever are


def _walk(folder: Path, root: Path, ancestors: tuple[str, ...], depth: int | None) -> Iterator[Path]:
    real = os.path.realpath(folder)
    if real in ancestors:  # a link back to a folder above: a loop
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = folder / entry.name
        if entry.name in CONTENT_NAMES and not entry.is_dir():
            yield path
        elif entry.is_dir() and depth != 0:
            if depth is None and entry.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(root):
                yield from _walk(path, root, (*ancestors, real), _LAYOUT_DEPTH)
            else:
                yield from _walk(path, root, (*ancestors, real), None if depth is None else depth - 1)


def content_root(path: Path) -> Path:
    """The content folder a content file belongs to, by its place: <root>/<dept>/<year>/<document>,
    <root>/<dept>/department.yaml, <root>/settings.yaml (links in the path not followed)."""
    parents = Path(os.path.abspath(path)).parents
    level = {DEPARTMENT_FILE: 1, SETTINGS_FILE: 0}.get(path.name, 2)
    return parents[min(level, len(parents) - 1)]


def leads_outside(path: Path) -> Path | None:
    """Where a content file really is, when a symbolic link takes it out of its content folder."""
    target = path.resolve()
    return None if target.is_relative_to(content_root(path).resolve()) else target


def department_file(document_path: Path) -> Path:
    """department.yaml sits beside the year folders: <dept>/department.yaml."""
    return document_path.resolve().parent.parent / DEPARTMENT_FILE


def settings_file(document_path: Path) -> Path:
    """settings.yaml in the content root: <root>/<dept>/<year>/<document>."""
    return document_path.resolve().parent.parent.parent / SETTINGS_FILE


def sibling_file(document_path: Path) -> Path:
    """The declaration beside a self-evaluation, or the self-evaluation beside a declaration."""
    return document_path.resolve().with_name(SIBLING[document_path.name])
