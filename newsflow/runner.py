"""``newsflow run``: every stage on one machine over the configured bus and index, as a stream.

The three stages run at once: ingest polls feeds in the calling thread (fetches in its own
threads), enrich runs in a process of its own (``newsflow.enrich_process``; spaCy gets a core
while fetches wait on the network) and index consumes in a thread as soon as enriched records
appear. Each stage takes what is waiting, up to its batch size (``newsflow.core.worker``), so the
first article fetched is searchable seconds later, not after the whole poll.

With ``once`` ingest polls each feed once; enrich then drains its topic and exits, then index
drains its own, so the run returns only when everything it ingested is indexed. Otherwise it
runs until asked to stop (SIGINT/SIGTERM), then every stage finishes the batch in hand, commits
and returns. Leftovers of an interrupted run are simply the first records the stages read.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from ingest.stage import IngestReport, IngestStage
from index.alerts import AlertMatcher
from newsflow.core.bus import Bus
from newsflow.core.config import Settings
from newsflow.core.contracts import utcnow
from newsflow.core.errors import explain
from newsflow.core.metrics import StageMetrics
from newsflow.core.search import Index
from newsflow.core.worker import StageWorker
from newsflow.enrich_process import BatchDone, CaughtUp, EnrichProcess, Failed, Started
from newsflow.progress import StreamProgress

log = logging.getLogger(__name__)

#: how long an idle index poll waits for a record before looking at the stop flags again
POLL_IDLE = 0.2
#: problem kinds of a poll that left some of its feed's entries for a later poll
DEFERRED_PROBLEMS = ("page:deferred", "feed:entries_deferred")


@dataclass
class RunReport:
    """What one run did, for the summary line and for tests."""

    feeds_polled: int = 0
    feeds_failed: int = 0
    articles_published: int = 0
    duplicates: int = 0
    failed: int = 0  # feeds or pages that could not be read (retried next poll)
    enriched: int = 0
    indexed: int = 0
    deadlettered: int = 0
    index_total: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One human line."""
        return (
            f"polled {self.feeds_polled} feeds ({self.feeds_failed} failed): {self.articles_published} new articles, "
            f"{self.duplicates} duplicates, {self.failed} failures; enriched {self.enriched}, "
            f"indexed {self.indexed}, dead-lettered {self.deadlettered}; the index holds {self.index_total} articles"
        )


@contextmanager
def stop_on_signals(stop: threading.Event):
    """Turn SIGINT/SIGTERM into ``stop.set()`` for the duration (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        if stop.is_set():  # second signal: the user really means it
            raise KeyboardInterrupt
        log.info("stopping after the current batch", extra={"signal": signal.Signals(signum).name})
        stop.set()

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


class StageFailed(RuntimeError):
    """A stage of the run stopped on an error (the run stops too, after the batches in hand)."""


class Pipeline:
    """Ingest, enrich and index over one bus and one index, running concurrently.

    Built by ``newsflow.wiring.pipeline``; the pipeline owns (and closes) every part it is given.
    """

    def __init__(self, settings: Settings, *, bus: Bus, index: Index, ingest: IngestStage, indexer: StageWorker,
                 alerts: AlertMatcher | None, metrics: StageMetrics, show_progress: bool = True,
                 enrich: EnrichProcess | None = None):
        """``enrich``: the enrich process, possibly started already (its start-up takes seconds)."""
        self.settings = settings
        self.metrics = metrics
        self.progress = StreamProgress(enabled=show_progress)
        self.bus, self.index, self.ingest, self.indexer, self.alerts = bus, index, ingest, indexer, alerts
        self.enrich = enrich or EnrichProcess(settings)
        self._failures: list[str] = []
        self._lock = threading.Lock()  # the report is updated from the stage threads

    # --- ingest (the calling thread) ------------------------------------------------------

    def poll_feeds(self, feeds: list[str], report: RunReport, stop: threading.Event, *, due_only: bool = False) -> None:
        """Poll each feed once (with ``due_only``, each feed whose time has come), one at a time
        so a stop request is honoured between feeds.

        A poll takes at most ``feed_max_entries`` entries of a feed, and only the pages its sites'
        politeness delays allow within the poll's budget; the rest wait for the next poll (or
        the next ``--once`` run), so one huge feed or one slow site never holds the others.
        """
        if due_only:
            now = utcnow()
            feeds = [f for f in feeds if self.ingest.state.feed_state(f).due(now)]
        for feed in feeds:
            if stop.is_set():
                return
            r = self._poll_one(feed, report)
            left = sum(r.problems[kind] for kind in DEFERRED_PROBLEMS)
            if left:
                log.info("feed %s: some entries are left for the next poll", feed, extra={"feed": feed})
            self.progress.advance("ingest", 1)

    def _poll_one(self, feed: str, report: RunReport) -> IngestReport:
        r = self.ingest.poll_once([feed])
        self.metrics.observe_poll(self.ingest.state.feed_state(feed), r)
        with self._lock:
            report.feeds_polled += r.feeds_polled
            report.feeds_failed += r.feeds_failed
            report.articles_published += r.articles_published
            report.duplicates += r.duplicates
            report.failed += len(r.failures)
            report.failures.extend(r.failures)
        self.progress.advance("ingest", 0, more={"enrich": r.articles_published + r.articles_revised})
        return r

    # --- enrich (its own process; this thread relays what it reports) ------------------------

    def _relay_enrich(self, report: RunReport, stop: threading.Event, exited: threading.Event,
                      drained: threading.Event) -> None:
        """Turn the enrich process's reports into metrics, progress and the run's counts; set
        ``drained`` when the process says it publishes nothing more (``--once``)."""
        while True:
            try:
                event = self.enrich.events.get(timeout=0.2)
            except queue.Empty:
                if exited.is_set():
                    return
                continue
            if isinstance(event, Started):
                self.progress.advance("enrich", 0, more={"enrich": event.lag})
                self.metrics.lag.labels("enrich").set(event.lag)
            elif isinstance(event, BatchDone):
                m = self.metrics
                m.records_in.labels("enrich").inc(event.consumed)
                m.records_out.labels("enrich").inc(event.written)
                m.deadletters.labels("enrich").inc(event.deadlettered)
                m.batch_seconds.labels("enrich").observe(event.seconds)
                if event.lag is not None:
                    m.lag.labels("enrich").set(event.lag)
                with self._lock:
                    report.enriched += event.consumed
                    report.deadlettered += event.deadlettered
                self.progress.advance("enrich", event.consumed, more={"index": event.written})
            elif isinstance(event, CaughtUp):
                self.metrics.lag.labels("enrich").set(event.lag)
                if event.final:
                    # the index may drain now, not after the process's exit (closing its Kafka
                    # clients and unloading spaCy took 1-2 s of every --once run)
                    drained.set()
            elif isinstance(event, Failed):
                self._fail(f"enrich: {event.error}", stop)

    def _fail(self, error: str, stop: threading.Event) -> None:
        log.error("stage failed; stopping the run", extra={"error": error.splitlines()[0]})
        with self._lock:
            self._failures.append(error)
        stop.set()

    # --- index (a thread) ----------------------------------------------------------------

    def _index_loop(self, report: RunReport, stop: threading.Event, enrich_done: threading.Event) -> None:
        """Index what enrich publishes until stopped, or, once enrich is done, until drained."""
        try:
            # Elasticsearch's template, index and alias (about half a second): now, while enrich
            # starts, not in the first batch's bulk (the embedded index has nothing to prepare)
            self.index.ensure()
            # here, not in run(): a consumer (kafka-python's above all) is used by one thread only
            lag = self.indexer.consumer.lag()
            self.metrics.lag.labels("index").set(lag)
            self.progress.advance("index", 0, more={"index": lag})
            last_lag, stale = time.monotonic(), False
            while not stop.is_set():
                finishing = enrich_done.is_set()  # read first: a later empty poll then means drained
                if finishing:
                    # nothing more is coming: neither linger for more records nor wait on an empty poll
                    self.indexer.max_wait = 0.0
                before_dead = self.indexer.deadlettered
                n = self.indexer.run_batch(timeout=0.0 if finishing else POLL_IDLE)
                if n:
                    with self._lock:
                        report.indexed += n
                        report.deadlettered += self.indexer.deadlettered - before_dead
                    self.progress.advance("index", n)
                    stale = True
                    if time.monotonic() - last_lag >= 1.0:
                        self.metrics.lag.labels("index").set(self.indexer.consumer.lag())
                        last_lag, stale = time.monotonic(), False
                elif stale or finishing:
                    # caught up: the drained value, not the last one sampled while busy (lag alerts read it)
                    self.metrics.lag.labels("index").set(self.indexer.consumer.lag())
                    last_lag, stale = time.monotonic(), False
                    if finishing:
                        return
        except Exception as exc:  # noqa: BLE001 - reported by run(), which raises it
            # a backend out of reach gets its one line naming the setting (the index prepares
            # Elasticsearch at its start, so an unreachable URL surfaces here first)
            failure = explain(exc, self.settings)
            self._fail(f"index: {failure.message}" if failure else f"index: {type(exc).__name__}: {exc}", stop)

    # --- the run ---------------------------------------------------------------------------

    def run(self, feeds: list[str], *, once: bool, stop: threading.Event | None = None) -> RunReport:
        """Run the pipeline; see the module docstring. Raises ``StageFailed`` when a stage failed."""
        stop = stop or threading.Event()
        report = RunReport()
        if self.settings.metrics_port:
            self.metrics.serve(self.settings.metrics_port, self.settings.metrics_host)
        enrich_done, enrich_exited = threading.Event(), threading.Event()
        relay = threading.Thread(target=self._relay_enrich, args=(report, stop, enrich_exited, enrich_done),
                                 name="enrich-relay")
        indexer = threading.Thread(target=self._index_loop, args=(report, stop, enrich_done), name="index")
        with stop_on_signals(stop), self.progress.live(feeds=len(feeds) if once else None):
            try:
                self.enrich.start()
                relay.start()
                indexer.start()
                self._ingest(feeds, report, stop, once=once)
                if once:
                    self.enrich.finish()
                else:
                    self.enrich.stop()
                while self.enrich.join(0.2) is None:
                    if stop.is_set():
                        self.enrich.stop()
                # a non-zero exit after a stop request is a Ctrl-C that reached the process early
                if self.enrich.join() != 0 and not self._failures and not stop.is_set():
                    self._fail(f"enrich: the process exited with code {self.enrich.join()}", stop)
                enrich_done.set()
                enrich_exited.set()
                relay.join()
                if not once:
                    stop.set()  # the index finishes its batch in hand, like the others
                indexer.join()
            finally:
                stop.set()
                enrich_exited.set()
                self.enrich.stop()
                for thread in (relay, indexer):
                    if thread.ident is not None:  # started
                        thread.join()
        if self._failures:
            raise StageFailed("; ".join(f.splitlines()[0] for f in self._failures))
        report.index_total = self.index.count()
        return report

    def _ingest(self, feeds: list[str], report: RunReport, stop: threading.Event, *, once: bool) -> None:
        if once:
            self.poll_feeds(feeds, report, stop)
            return
        while not stop.is_set():
            if not self.enrich.is_alive():  # killed (out of memory?) without a word: stop, say so
                self._fail(f"enrich: the process exited with code {self.enrich.join()}", stop)
                return
            # Each feed keeps its own schedule (adaptive interval, backoff), which survives
            # restarts: a feed polled a minute ago is not polled again now.
            self.poll_feeds(feeds, report, stop, due_only=True)
            stop.wait(max(0.1, min(self.ingest.seconds_until_due(feeds), self.settings.poll_interval)))

    def close(self) -> None:
        """Release every resource."""
        self.enrich.close()
        self.indexer.close()
        if self.alerts is not None:
            self.alerts.close()
        self.ingest.close()
        self.index.close()
        self.bus.close()
