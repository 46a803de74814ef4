"""Progress on a terminal (counts, rate, ETA) with rich; silent when stderr is not a TTY."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.text import Text
from rich.progress import (
    BarColumn,
    ProgressColumn,
    Task,
    TaskID,
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


class StreamProgress:
    """One line per stage of a streaming run (ingest feeds, enrich and index articles), advanced
    from any thread; the article totals grow as upstream stages hand work on. Does nothing when
    disabled or not on a terminal."""

    STAGES = (("ingest", "feeds"), ("enrich", "articles"), ("index", "articles"))

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and sys.stderr.isatty()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    @contextmanager
    def live(self, feeds: int | None) -> Iterator[None]:
        """Show the stages while the block runs; ``feeds`` to poll (None: polling until stopped)."""
        if not self.enabled:
            yield
            return
        with make_progress() as progress:
            self._progress = progress
            for name, unit in self.STAGES:
                self._tasks[name] = progress.add_task(name, total=feeds if name == "ingest" else 0, unit=unit)
            try:
                yield
            finally:
                self._progress = None

    def advance(self, stage: str, n: int, more: dict[str, int] | None = None) -> None:
        """``n`` more done by ``stage``; ``more`` adds to the totals of the stages downstream."""
        progress = self._progress
        if progress is None:
            return
        with self._lock:
            for name, extra in (more or {}).items():
                if extra:
                    task = progress.tasks[self._tasks[name]]
                    progress.update(self._tasks[name], total=(task.total or 0) + extra)
            progress.update(self._tasks[stage], advance=n)
