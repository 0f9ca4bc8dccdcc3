"""Progress on long work: a rich bar on a terminal, plain lines in logs."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click

from .build import Progress


@contextlib.contextmanager
def reporter() -> Iterator[Progress]:
    if not sys.stderr.isatty():
        def plain(name: str, done: int, total: int) -> None:
            click.echo(f"[{done}/{total}] {name}", err=True)

        yield plain
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             TextColumn("{task.description}"), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def fancy(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=name)

        yield fancy
