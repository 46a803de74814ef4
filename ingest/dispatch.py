"""Page fetches handed to the worker threads only when their site is ready for them.

``HostGate`` makes a thread sleep until a host's turn comes. With a site that asks for a long
``Crawl-delay``, every worker thread could end up asleep on that one site while pages of other
sites wait in the queue. So the calling thread schedules instead: a job goes to the pool only
when its host has a free slot and its turn has come (at most one job at a time to a host
whose spacing is longer than ``SHORT_DELAY`` or not known yet, so no thread sleeps on it), meanwhile other
hosts' jobs run. A job whose host's turn would come more than ``budget`` seconds after the
start is not run at all: it is deferred (its entry is retried in a later poll), so a slow site
costs one poll at most ``budget`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Callable, TypeVar

import httpx

from ingest.fetch import HostGate

T = TypeVar("T")

SHORT_DELAY = 1.0  # a wait this short inside a worker thread costs other hosts nothing that matters


def host_of(url: str) -> str:
    """The host key ``Fetcher`` gates a URL's first request by ("" when the URL has none)."""
    try:
        return httpx.URL(url).host
    except (httpx.InvalidURL, TypeError, ValueError):
        return ""


def dispatch(pool: Executor, gate: HostGate, jobs: list[tuple[str, Callable[[], T]]], budget: float,
             on_start: Callable[[int, Future[T]], None] | None = None,
             on_defer: Callable[[int], None] | None = None) -> list[Future[T] | None]:
    """Run ``(url, job)`` pairs on ``pool`` politely; returns each job's future, ``None`` for a deferred one.

    Returns when every job that was started has finished. Jobs of one host start in list order.
    ``on_start(i, future)`` and ``on_defer(i)`` tell as it happens which job started or was deferred.
    """
    start = time.monotonic()
    results: list[Future[T] | None] = [None] * len(jobs)
    hosts = [host_of(url) for url, _ in jobs]
    waiting = list(range(len(jobs)))
    running: dict[Future[T], str] = {}
    in_flight: Counter[str] = Counter()
    # Until a host's first job is done its spacing is not known (that job reads its robots.txt,
    # which may ask for a Crawl-delay), so it runs alone.
    known: set[str] = set()
    while waiting or running:
        now = time.monotonic()
        wake: float | None = None
        held: set[str] = set()  # hosts whose earlier job is still waiting: keep their order
        still: list[int] = []
        for i in waiting:
            host = hosts[i]
            if host in held:
                still.append(i)
                continue
            parallel = host in known and gate.delay_of(host) <= SHORT_DELAY
            busy = in_flight[host] >= (gate.per_host if parallel else 1)
            ready = gate.ready_at(host)
            if ready - start > budget:
                if on_defer is not None:
                    on_defer(i)
                continue  # its turn comes too late for this poll: deferred
            if busy or ready > now:
                held.add(host)
                still.append(i)
                if not busy:
                    wake = ready if wake is None else min(wake, ready)
                continue
            future = pool.submit(jobs[i][1])
            results[i] = future
            if on_start is not None:
                on_start(i, future)
            running[future] = host
            in_flight[host] += 1
        waiting = still
        timeout = None if wake is None else max(0.0, wake - time.monotonic())
        if running:
            done, _ = wait(list(running), timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                host = running.pop(future)
                in_flight[host] -= 1
                known.add(host)
        elif waiting:
            time.sleep(timeout or 0.01)
    return results


def dispatch_in_background(pool: Executor, gate: HostGate, jobs: list[tuple[str, Callable[[], T]]],
                           budget: float) -> list[Future[Future[T] | None]]:
    """``dispatch`` on a scheduling thread of its own, so the caller can handle pages as they arrive.

    Returns one future per job, in job order; each resolves once its job finished (to the job's
    future) or was deferred (to ``None``). A scheduler failure is raised by every unresolved one.
    """
    slots: list[Future[Future[T] | None]] = [Future() for _ in jobs]

    def started(i: int, future: Future[T]) -> None:
        future.add_done_callback(lambda done, slot=slots[i]: slot.set_result(done))

    def schedule() -> None:
        try:
            dispatch(pool, gate, jobs, budget, on_start=started, on_defer=lambda i: slots[i].set_result(None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through its futures
            for slot in slots:
                if not slot.done():
                    slot.set_exception(exc)

    threading.Thread(target=schedule, name="ingest-dispatch", daemon=True).start()
    return slots
