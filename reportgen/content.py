"""Where content files are: discovery, and the files each document draws on.

Kept free of the models, so that a build whose documents are all unchanged never imports them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import kinds

DEPARTMENT_FILE = "department.yaml"
SETTINGS_FILE = "settings.yaml"  # in the content root, beside the department folders


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


def is_content_name(name: str) -> bool:
    return name == DEPARTMENT_FILE or kinds.of_file(name) is not None


def _layout_depth() -> int:
    """<dept>/<year>/… below a linked folder: as deep as content files ever are."""
    return 2 + max(kind.depth for kind in kinds.kinds())


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
        if is_content_name(entry.name) and not entry.is_dir():
            yield path
        elif entry.is_dir() and depth != 0:
            if depth is None and entry.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(root):
                yield from _walk(path, root, (*ancestors, real), _layout_depth())
            else:
                yield from _walk(path, root, (*ancestors, real), None if depth is None else depth - 1)


def content_root(path: Path) -> Path:
    """The content folder a content file belongs to, by its place: <root>/<dept>/<year>/<document>
    (deeper for a kind whose depth says so), <root>/<dept>/department.yaml, <root>/settings.yaml
    (links in the path not followed)."""
    parents = Path(os.path.abspath(path)).parents
    kind = kinds.of_file(path)
    level = {DEPARTMENT_FILE: 1, SETTINGS_FILE: 0}.get(path.name, 2 + (kind.depth if kind else 0))
    return parents[min(level, len(parents) - 1)]


def leads_outside(path: Path) -> Path | None:
    """Where a content file really is, when a symbolic link takes it out of its content folder."""
    target = path.resolve()
    return None if target.is_relative_to(content_root(path).resolve()) else target


def _year_folder(document_path: Path) -> Path:
    kind = kinds.of_file(document_path)
    resolved = document_path.resolve()
    return resolved.parents[kind.depth] if kind else resolved.parent


def department_file(document_path: Path) -> Path:
    """department.yaml sits beside the year folders: <dept>/department.yaml."""
    return _year_folder(document_path).parent / DEPARTMENT_FILE


def settings_file(document_path: Path) -> Path:
    """settings.yaml in the content root: <root>/<dept>/<year>/<document>."""
    return _year_folder(document_path).parent.parent / SETTINGS_FILE


def sibling_file(document_path: Path) -> Path | None:
    """The other document of the same folder that this kind reads (its row says which), if any."""
    kind = kinds.of_file(document_path)
    return document_path.resolve().with_name(kind.sibling) if kind and kind.sibling else None


def related_files(document_path: Path) -> dict[str, Path]:
    """Every file a document may draw on, by role (as its kind's row lists them), whether it
    exists or not."""
    kind = kinds.of_file(document_path)
    found: dict[str, Path] = {}
    for role in kind.related if kind else ():
        if role == "department":
            found[role] = department_file(document_path)
        elif role == "settings":
            found[role] = settings_file(document_path)
        elif role == "sibling" and (sibling := sibling_file(document_path)) is not None:
            found[role] = sibling
        elif role == "parts" and kind.parts:
            found.update(part_files(document_path, kind.parts))
    return found


def part_files(document_path: Path, part_file: str) -> dict[str, Path]:
    """The documents of the year that add up to this one (a project's form, in its folder under
    projects/), by role "part:<folder>"."""
    part = kinds.of_file(part_file)
    if part is None or not part.folder:
        return {}
    folder = _year_folder(document_path) / part.folder
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return {}
    return {f"part:{entry.name}": Path(entry.path) / part_file for entry in entries
            if entry.is_dir() and (Path(entry.path) / part_file).exists()}
