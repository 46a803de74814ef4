"""Saved pages extracted on every core, the records coming back in input order.

Extraction is pure CPU (lxml, trafilatura, resiliparse), and trafilatura and resiliparse hold
the GIL throughout, so threads would not help: workers are processes. They are forked, so they
start with the parent's imports (a spawned worker would import trafilatura again: a third of a
second each). Only the file inputs go to the workers; URLs are fetched by the parent, whose
fetcher keeps the per-host politeness one process can keep.

``concurrent.futures``' pool, not ``multiprocessing.Pool``: when a worker dies (the kernel's
out-of-memory killer, a crash in a C extension on a hostile page) the first says so
(``BrokenProcessPool``), where the second waits forever for the lost pages.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A worker is worth forking for at least this many pages: a page takes about 30 ms, a fork and the
# worker's first page's set-up about 10, so with fewer pages per worker the split gains little.
MIN_PAGES_PER_WORKER = 4


def available_cores() -> int:
    """The cores this process may run on (its affinity mask where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def worker_count(jobs: int, pages: int) -> int:
    """How many worker processes ``pages`` saved pages get: ``jobs`` when given (1: none, the
    caller's own process does the work), else one per available core, as long as each worker gets
    ``MIN_PAGES_PER_WORKER`` pages. A count under 2 means: no workers."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (one per core) or more, not {jobs}")
    wanted = jobs or available_cores()
    return max(1, min(wanted, pages if jobs else pages // MIN_PAGES_PER_WORKER))


def _context():
    # fork: the workers inherit the imports (not the default everywhere: macOS spawns)
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _start_worker(initializer: Callable[[], None] | None) -> None:
    # Ctrl-C reaches the whole process group: the parent alone handles it (it stops the workers
    # on its way out), instead of every worker printing a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()


@contextmanager
def ordered_map(func: Callable[[T], R], items: Iterable[T], workers: int,
                initializer: Callable[[], None] | None = None) -> Iterator[Iterator[R]]:
    """``func`` over ``items`` in ``workers`` processes; the results in the order of ``items``,
    each as soon as it and those before it are done. ``func`` must be a module-level function.
    A worker that dies makes the results raise ``BrokenProcessPool``. Leaving the block cancels
    what no worker has started (an interrupted run waits for a few pages at most, and leaves no
    process behind)."""
    # one item a task: batches of 3 or 6 pages ran no faster over 100 real pages (1.75-1.78 s, 5
    # interleaved rounds), and the pool keeps a batch per worker and one more in flight, which a
    # reader that stops early (`newsflow extract ... | head`) waits for
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker, initargs=(initializer,))
    try:
        yield pool.map(func, items)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
