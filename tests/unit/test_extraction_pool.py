"""Saved pages on every core: how many workers, and results in input order whatever finishes first."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from newsflow.extraction import pool
from newsflow.extraction.pool import MIN_PAGES_PER_WORKER, ordered_map, worker_count


@pytest.mark.parametrize("jobs, pages, cores, workers", [
    (1, 100, 8, 1),                            # asked for this process only
    (3, 100, 8, 3),                            # asked for three
    (3, 2, 8, 2),                              # never more workers than pages
    (0, 100, 8, 8),                            # one per core
    (0, 2 * MIN_PAGES_PER_WORKER, 8, 2),       # ... while each gets enough pages to be worth a fork
    (0, MIN_PAGES_PER_WORKER - 1, 8, 1),       # a few pages: this process
    (0, 100, 1, 1),                            # one core: this process
    (0, 0, 8, 1),
])
def test_the_worker_count_follows_the_request_the_cores_and_the_pages(monkeypatch, jobs, pages, cores, workers):
    monkeypatch.setattr(pool, "available_cores", lambda: cores)
    assert worker_count(jobs, pages) == workers


def test_a_negative_job_count_is_refused():
    with pytest.raises(ValueError, match="jobs must be 0"):
        worker_count(-1, 10)


def slow_square(n: int) -> tuple[int, int]:
    # the first items are the slowest: they finish last, and must still come out first
    time.sleep(0.02 * max(0, 5 - n))
    return n * n, os.getpid()


def test_results_come_back_in_input_order_from_several_processes():
    with ordered_map(slow_square, range(12), 3) as results:
        out = list(results)
    assert [square for square, _ in out] == [n * n for n in range(12)]
    assert os.getpid() not in {pid for _, pid in out} and len({pid for _, pid in out}) > 1


def test_leaving_early_stops_the_workers():
    with ordered_map(slow_square, range(40), 2) as results:
        first = next(results)
        workers = list(multiprocessing.active_children())
    assert first[0] == 0 and workers
    for worker in workers:
        worker.join(timeout=10)
    assert not any(worker.is_alive() for worker in workers)


def interrupt_handler(_: int) -> bool:
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_workers_leave_ctrl_c_to_the_parent_which_stops_them():
    with ordered_map(interrupt_handler, range(4), 2) as results:
        assert all(results)
