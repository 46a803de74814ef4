"""``newsflow run``: every stage in one process over the configured bus and index.

With ``once`` it polls each feed once and drains both consuming stages until the topics are
idle, so it returns only when everything it ingested is indexed. Otherwise it loops until
asked to stop (SIGINT/SIGTERM), then finishes the batch in hand, commits and returns.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from newsflow.bus import open_bus
from newsflow.config import Settings
from newsflow.contracts import utcnow
from newsflow.metrics import StageMetrics
from newsflow.progress import StageProgress
from newsflow.worker import StageWorker

log = logging.getLogger(__name__)


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


class Pipeline:
    """Ingest, enrich and index wired over one bus and one index."""

    def __init__(self, settings: Settings, *, show_progress: bool = True, metrics: StageMetrics | None = None):
        # Composition root: the only place that knows every stage package.
        from enrich.stage import GROUP as ENRICH_GROUP
        from enrich.stage import EnrichStage
        from index import open_index
        from index.stage import GROUP as INDEX_GROUP
        from index.stage import IndexStage
        from ingest.stage import IngestStage

        self.settings = settings
        self.metrics = metrics or StageMetrics()
        self.progress = StageProgress(enabled=show_progress)
        self.bus = open_bus(settings)
        self.index = open_index(settings)
        self.ingest = IngestStage(settings, self.bus, metrics=self.metrics)
        from index.alerts import AlertMatcher

        # alert rules (settings.alert_rules): a broken file raises RulesError here, before anything runs
        self.alerts = AlertMatcher.from_settings(settings, self.index, self.bus)
        deadletter = settings.topic(settings.topic_deadletter)
        self.enrich = StageWorker(
            EnrichStage(settings, self.bus), self.bus,
            self.bus.consumer(ENRICH_GROUP, [settings.topic(settings.topic_articles)]),
            deadletter_topic=deadletter, batch_size=settings.enrich_batch_size, metrics=self.metrics,
        )
        self.indexer = StageWorker(
            IndexStage(self.index, self.alerts, self.metrics), self.bus,
            self.bus.consumer(INDEX_GROUP, [settings.topic(settings.topic_enriched)]),
            deadletter_topic=deadletter, batch_size=settings.index_batch_size, metrics=self.metrics,
        )

    def poll_feeds(self, feeds: list[str], report: RunReport, stop: threading.Event, *, due_only: bool = False) -> None:
        """Poll each feed once (with ``due_only``, each feed whose time has come), one at a time
        so a stop request is honoured between feeds."""
        if due_only:
            now = utcnow()
            feeds = [f for f in feeds if self.ingest.state.feed_state(f).due(now)]
        started, articles = time.monotonic(), 0
        with self.progress.task("ingest", total=len(feeds), unit="feeds") as advance:
            for feed in feeds:
                if stop.is_set():
                    break
                r = self.ingest.poll_once([feed])
                self.metrics.observe_feed(self.ingest.state.feed_state(feed))
                articles += r.articles_published
                self.metrics.feed_polls.labels("failed" if r.feeds_failed else "ok").inc(r.feeds_polled)
                self.metrics.articles_published.inc(r.articles_published)
                self.metrics.duplicates.inc(r.duplicates)
                report.feeds_polled += r.feeds_polled
                report.feeds_failed += r.feeds_failed
                report.articles_published += r.articles_published
                report.duplicates += r.duplicates
                report.failed += len(r.failures)
                report.failures.extend(r.failures)
                rate = articles / max(time.monotonic() - started, 1e-6)
                advance(1, unit=f"feeds  {articles} articles ({rate:.1f}/s)")

    def drain(self, report: RunReport, stop: threading.Event) -> None:
        """Carry everything waiting on the topics through enrich and index."""
        for worker, label in ((self.enrich, "enrich"), (self.indexer, "index")):
            before_dead = worker.deadlettered
            lag = worker.consumer.lag()
            self.metrics.lag.labels(label).set(lag)
            with self.progress.task(label, total=lag, unit="articles") as advance:
                n = worker.drain(on_batch=advance, should_stop=stop.is_set)
            self.metrics.lag.labels(label).set(worker.consumer.lag())  # after the drain, not the stale count before it
            if label == "enrich":
                report.enriched += n
            else:
                report.indexed += n
            report.deadlettered += worker.deadlettered - before_dead

    def run(self, feeds: list[str], *, once: bool, stop: threading.Event | None = None) -> RunReport:
        """Run the pipeline; see the module docstring."""
        stop = stop or threading.Event()
        report = RunReport()
        if self.settings.metrics_port:
            self.metrics.serve(self.settings.metrics_port, self.settings.metrics_host)
        with stop_on_signals(stop):
            # Leftovers of an interrupted run go first, so a restart finishes what it started.
            self.drain(report, stop)
            while not stop.is_set():
                # Without --once each feed keeps its own schedule (adaptive interval, backoff),
                # which survives restarts: a feed polled a minute ago is not polled again now.
                self.poll_feeds(feeds, report, stop, due_only=not once)
                self.drain(report, stop)
                if once:
                    break
                log.info("cycle done", extra={"published": report.articles_published, "indexed": report.indexed})
                stop.wait(max(0.1, self.ingest.seconds_until_due(feeds)))
        report.index_total = self.index.count()
        return report

    def close(self) -> None:
        """Release every resource."""
        self.enrich.close()
        self.indexer.close()
        if self.alerts is not None:
            self.alerts.close()
        self.ingest.close()
        self.index.close()
        self.bus.close()
