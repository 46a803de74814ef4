"""The runner's relay of the enrich process's reports: the index may drain as soon as the
process says it publishes nothing more, without waiting for the process to exit."""

from __future__ import annotations

import queue
import threading
from types import SimpleNamespace

from newsflow.enrich_process import BatchDone, CaughtUp
from newsflow.core.metrics import StageMetrics
from newsflow.progress import StreamProgress
from newsflow.runner import Pipeline, RunReport


def relay_of(events: list) -> tuple[threading.Event, RunReport]:
    """Relay ``events`` through a Pipeline's relay loop; the ``drained`` flag it leaves and the report."""
    pipeline = Pipeline.__new__(Pipeline)  # only what the relay touches: no bus, index or process
    pipeline.metrics, pipeline.progress = StageMetrics(), StreamProgress(enabled=False)
    pipeline._lock, pipeline._failures = threading.Lock(), []
    pipeline.enrich = SimpleNamespace(events=queue.Queue())
    for event in events:
        pipeline.enrich.events.put(event)
    report, stop, exited, drained = RunReport(), threading.Event(), threading.Event(), threading.Event()
    relay = threading.Thread(target=pipeline._relay_enrich, args=(report, stop, exited, drained))
    relay.start()
    while not pipeline.enrich.events.empty():
        threading.Event().wait(0.01)
    exited.set()
    relay.join(timeout=5)
    return drained, report


def test_the_final_caught_up_lets_the_index_drain_before_the_process_exits():
    drained, report = relay_of([BatchDone(3, 3, 0, 0.1, None), CaughtUp(0, final=True)])
    assert drained.is_set() and report.enriched == 3


def test_an_ordinary_caught_up_while_running_does_not():
    drained, _ = relay_of([BatchDone(2, 2, 0, 0.1, 0), CaughtUp(0)])
    assert not drained.is_set()
