"""A progress bar on stderr for scans of many models; a free no-op otherwise.

Shown only when stderr is a terminal, there is more than one model and the user did
not ask for quiet, so pipes, CI logs and pre-commit hooks never see it (and never
pay for importing rich).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class NullProgress:
    """Same interface as the real bar; does nothing."""

    def advance(self, label: str = "") -> None:
        pass

    __call__ = advance  # usable as a plain `progress(label)` callback too


class RichProgress:
    def __init__(self, progress: Any, task: Any) -> None:
        self._progress = progress
        self._task = task

    def advance(self, label: str = "") -> None:
        self._progress.update(self._task, advance=1, description=label[:60] or "scanning")

    __call__ = advance


def wanted(total: int, quiet: bool, stream: Any = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(total > 1 and not quiet and isatty is not None and isatty())


@contextmanager
def progress_bar(
    total: int, quiet: bool = False, stream: Any = None
) -> Iterator[NullProgress | RichProgress]:
    """`with progress_bar(n, quiet) as bar: ... bar.advance("org/name")`."""
    if not wanted(total, quiet, stream):
        yield NullProgress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=stream if stream is not None else sys.stderr)
    columns = (
        TextColumn("{task.description}", justify="left"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("scanning", total=total)
        yield RichProgress(progress, task)
