"""Progress on a terminal (counts, rate, ETA) with rich; silent when stderr is not a TTY."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.text import Text
from rich.progress import (
    BarColumn,
    ProgressColumn,
    Task,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RateColumn(ProgressColumn):
    """Items per second, from rich's sliding-window speed estimate."""

    def render(self, task: "Task") -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f}/s" if speed else "-/s", style="progress.data.speed")


def make_progress(console: Console | None = None, *, transient: bool = False) -> Progress:
    """A progress display with count, percentage, rate-based ETA and elapsed time."""
    return Progress(
        TextColumn("[bold]{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TaskProgressColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=transient,
    )


class StageProgress:
    """One progress task per stage step; does nothing when disabled or not on a terminal."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and sys.stderr.isatty()

    @contextmanager
    def task(self, description: str, total: int | None, unit: str) -> Iterator[Callable[[int], None]]:
        """Yield an ``advance(n, unit=...)`` callable for a step of known (or unknown) size.

        ``unit`` (optional) replaces the text after the count, e.g. to show a second figure.
        """
        if not self.enabled or not total:
            yield lambda n, unit=None: None
            return
        with make_progress() as progress:
            task_id = progress.add_task(description, total=total, unit=unit)

            def advance(n: int, unit: str | None = None) -> None:
                progress.update(task_id, advance=n, **({"unit": unit} if unit is not None else {}))

            yield advance
