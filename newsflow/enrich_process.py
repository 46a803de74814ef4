"""The enrich stage of ``newsflow run`` in a process of its own.

spaCy holds the GIL for as long as it tags a batch, so in the process that fetches and
extracts pages it would take turns with ingest instead of running beside it. The runner starts
this process (``multiprocessing`` "spawn": no threads or SQLite handles inherited), which runs
the same ``StageWorker`` loop as ``newsflow enrich`` (consume, enrich, publish, commit; with
``enrich_workers`` > 1 its ``ParallelEnricher`` spreads each batch over more processes), and
reports each batch to the runner over a queue for metrics, progress and the run summary.

It stops, after finishing and committing the batch in hand, when the runner asks
(``stop``), on SIGINT/SIGTERM, or when the runner is gone (``kill -9``): nothing uncommitted is
lost, the next run reads it again. With ``finish`` set it exits once the topic is drained.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from typing import Any

from enrich.stage import GROUP, EnrichStage
from newsflow.core.bus import Bus, Consumer, open_bus
from newsflow.core.config import Settings
from newsflow.core.logs import setup_logging
from newsflow.core.worker import StageWorker

log = logging.getLogger(__name__)

#: how long an idle poll waits for a record before looking at the stop and finish flags again
IDLE_POLL = 0.2
#: the consumer lag is reported at most this often (over Kafka it costs a few round trips)
LAG_EVERY = 1.0


@dataclass(frozen=True)
class BatchDone:
    """One batch the enrich process committed."""

    consumed: int
    written: int
    deadlettered: int
    seconds: float
    lag: int | None  # records still waiting, when measured with this batch


@dataclass(frozen=True)
class Started:
    """The model is loaded; ``lag`` records were waiting."""

    lag: int


@dataclass(frozen=True)
class CaughtUp:
    """An idle poll after work: ``lag`` records wait now (the lag metric's value at rest).

    ``final``: asked to finish, the process found its topic drained and publishes nothing more
    (everything it enriched is published and committed); it exits next.
    """

    lag: int
    final: bool = False


@dataclass(frozen=True)
class Failed:
    """The loop stopped on an error the runner must report."""

    error: str


def _main(values: dict[str, Any], stop: Event, finish: Event, events: "multiprocessing.Queue") -> None:
    code = 0
    try:
        _serve(values, stop, finish, events)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    # Everything is committed, closed and reported by now. The interpreter's own teardown would
    # spend a second freeing spaCy's objects one by one while `run --once` waits for this exit.
    logging.shutdown()
    events.close()
    events.join_thread()  # the reports are in the pipe
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _serve(values: dict[str, Any], stop: Event, finish: Event, events: "multiprocessing.Queue") -> None:
    settings = Settings(**values)
    setup_logging(settings.log_level, settings.log_format)
    stopping = False

    def on_signal(_signum, _frame):
        nonlocal stopping
        stopping = True  # finish the batch in hand; the runner decides the rest

    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, on_signal)
    parent = multiprocessing.parent_process()
    if stop.is_set():  # the runner gave up before this process got going (its wiring failed)
        return
    bus = open_bus(settings)
    stage = EnrichStage(settings, bus)
    worker: StageWorker | None = None
    try:
        consumer, lag = _start(settings, bus, stage)
        worker = StageWorker(
            stage, bus, consumer,
            deadletter_topic=settings.topic(settings.topic_deadletter), batch_size=settings.enrich_batch_size,
            max_wait=settings.enrich_max_wait,
        )
        events.put(Started(lag))
        last_lag, stale = time.monotonic(), False
        while not (stopping or stop.is_set() or (parent is not None and not parent.is_alive())):
            # read before polling: once ingest is done, an empty poll means the topic is drained
            finishing = finish.is_set()
            before_dead, before_written = worker.deadlettered, worker.written
            started = time.perf_counter()
            # finishing, nothing more is published: an empty poll need not wait for records
            n = worker.run_batch(timeout=0.0 if finishing else IDLE_POLL)
            if n:
                lag = None
                stale = True
                if time.monotonic() - last_lag >= LAG_EVERY:
                    lag, last_lag, stale = worker.consumer.lag(), time.monotonic(), False
                events.put(BatchDone(n, worker.written - before_written, worker.deadlettered - before_dead,
                                     time.perf_counter() - started, lag))
            elif stale or finishing:
                # caught up: report the lag at rest, not the last one sampled while busy
                events.put(CaughtUp(worker.consumer.lag(), final=finishing))
                last_lag, stale = time.monotonic(), False
                if finishing:
                    break
    except BaseException as exc:  # noqa: BLE001 - reported to the runner, which fails the run
        events.put(Failed(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"))
        raise SystemExit(1) from None
    finally:
        if worker is not None:
            worker.close()  # the consumer, then the stage
        else:
            stage.close()
        bus.close()


def _connect(settings: Settings, bus: Bus) -> tuple[Consumer, int]:
    """The stage's group member, joined (over Kafka), and the records waiting for it."""
    consumer = bus.consumer(GROUP, [settings.topic(settings.topic_articles)])
    try:
        consumer.join(settings.enrich_batch_size)  # Kafka's group protocol; a no-op elsewhere
        bus.connect([settings.topic(settings.topic_enriched)])  # Kafka's producer and metadata
        return consumer, consumer.lag()
    except BaseException:
        consumer.close()
        raise


def _start(settings: Settings, bus: Bus, stage: EnrichStage) -> tuple[Consumer, int]:
    """Load spaCy (now, while ingest fetches, not when the first article waits) and, meanwhile,
    in threads, connect: the group join and the stores' shared topics are network waits (over
    Kafka about two seconds of start-up), spaCy's import and model load hold the GIL."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="enrich-start") as pool:
        connecting = pool.submit(_connect, settings, bus)
        stores = pool.submit(stage.open_stores)
        try:
            stage.enricher
            stores.result()
        except BaseException:
            connecting.add_done_callback(_close_consumer)
            raise
        return connecting.result()


def _close_consumer(connected: "Future[tuple[Consumer, int]]") -> None:
    if connected.exception() is None:
        connected.result()[0].close()


class EnrichProcess:
    """Starts and steers the enrich process; ``events`` carries its ``Started``/``BatchDone``/``Failed``."""

    def __init__(self, settings: Settings):
        ctx = multiprocessing.get_context("spawn")
        self.stop_event = ctx.Event()
        self.finish_event = ctx.Event()
        self.events: multiprocessing.Queue = ctx.Queue()
        self.process = ctx.Process(
            target=_main, name="newsflow-enrich", daemon=False,
            args=(settings.model_dump(), self.stop_event, self.finish_event, self.events),
        )

    def start(self) -> None:
        """Start the process (it loads the model, then consumes); once only, later calls do nothing."""
        if self.process.pid is None:
            self.process.start()

    def finish(self) -> None:
        """Exit once everything published so far is enriched (``--once``)."""
        self.finish_event.set()

    def stop(self) -> None:
        """Exit after the batch in hand."""
        self.stop_event.set()

    def is_alive(self) -> bool:
        return self.process.is_alive()

    def join(self, timeout: float | None = None) -> int | None:
        """Wait for the process; its exit code (None while it runs)."""
        self.process.join(timeout)
        return self.process.exitcode

    def close(self) -> None:
        """Stop the process (after its batch in hand) and release the queue."""
        self.stop()
        if self.process.pid is not None:
            self.process.join()
        self.events.close()
        self.events.join_thread()
