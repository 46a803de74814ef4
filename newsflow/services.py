"""``newsflow ingest|enrich|index``: one stage as a long-running service.

Each service loops until SIGINT/SIGTERM, then finishes the batch in hand, commits and exits 0.
With a port it serves ``/healthz`` (JSON: stage, status, records, last batch) and ``/metrics``
(Prometheus) for orchestrators and scrapers. A failed downstream write does not kill the
service: it logs, backs off and resumes from the last committed position (nothing is lost,
idempotent writes make the repeat harmless).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newsflow.core.bus import Bus, open_bus
from newsflow.core.config import Settings
from newsflow.core.contracts import utcnow
from newsflow.core.errors import describe, explain
from newsflow.core.metrics import StageMetrics
from newsflow.runner import stop_on_signals
from newsflow.core.worker import Processor, StageWorker

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0


def failure_line(exc: BaseException, settings: Settings) -> str:
    """The error layer's one line for ``exc`` (Kafka or Elasticsearch out of reach), else ``Type: message``."""
    found = explain(exc, settings)
    return found.message if found is not None else describe(exc)


class Health:
    """What ``/healthz`` reports; updated by the service loop."""

    def __init__(self, stage: str):
        self.stage = stage
        self.started_at = time.time()
        self.last_batch_at: float | None = None
        self.records = 0
        self.failing_since: float | None = None
        self.last_error: str | None = None

    def doc(self) -> dict:
        """The JSON body: ``status`` is ``ok`` or ``degraded`` (writes failing, being retried)."""
        return {
            "stage": self.stage,
            "status": "degraded" if self.failing_since else "ok",
            "records": self.records,
            "uptime_s": round(time.time() - self.started_at, 1),
            "last_batch_at": self.last_batch_at,
            "last_error": self.last_error,
        }


Route = Callable[[BaseHTTPRequestHandler, str], None]  # (request, method): answers it


def serve_http(port: int, host: str, health: Health, metrics: StageMetrics,
               routes: dict[str, Route] | None = None) -> ThreadingHTTPServer:
    """Start ``/healthz``, ``/metrics`` and the service's own ``routes`` (by path prefix) on a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def _route(self, method: str) -> bool:
            for prefix, route in (routes or {}).items():
                if self.path.startswith(prefix):
                    route(self, method)
                    return True
            return False

        def do_POST(self):  # noqa: N802 - http.server's naming
            if not self._route("POST"):
                self.send_error(404)

        def do_GET(self):  # noqa: N802 - http.server's naming
            if self._route("GET"):
                return
            if self.path.split("?")[0] == "/healthz":
                doc = health.doc()
                body, ctype = json.dumps(doc).encode(), "application/json"
                status = 200 if doc["status"] == "ok" else 503
            elif self.path.split("?")[0] == "/metrics":
                body, ctype, status = generate_latest(metrics.registry), CONTENT_TYPE_LATEST, 200
            else:
                body, ctype, status = b"not found\n", "text/plain", 404
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # scrapes every few seconds would drown the service's own lines
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    log.info("serving /healthz and /metrics", extra={"host": host, "port": server.server_address[1]})
    return server


class ConsumingService:
    """A consuming stage (enrich, index) looping over its topic."""

    def __init__(self, settings: Settings, bus: Bus, processor: Processor, group: str, topic: str, batch_size: int,
                 metrics: StageMetrics, closers: tuple[Callable[[], None], ...] = (), max_wait: float = 0.0):
        self.settings, self.bus, self.processor, self.closers = settings, bus, processor, closers
        self.max_wait = max_wait  # newsflow.core.worker: linger for a fuller batch while records are this fresh
        self.group, self.topic, self.batch_size, self.metrics = group, topic, batch_size, metrics
        self.health = Health(processor.name)
        # made in run(), inside the retry loop: a broker that is down at start (or while the
        # consumer is re-made after a failure) is waited for, not a reason to exit
        self.worker: StageWorker | None = None

    def _worker(self) -> StageWorker:
        return StageWorker(
            self.processor, self.bus, self.bus.consumer(self.group, [self.topic]),
            deadletter_topic=self.settings.topic(self.settings.topic_deadletter),
            batch_size=self.batch_size, max_wait=self.max_wait, metrics=self.metrics,
        )

    def run(self, stop: threading.Event) -> None:
        """Process batches until ``stop`` is set."""
        backoff = 1.0
        while not stop.is_set():
            try:
                if self.worker is None:
                    self.worker = self._worker()
                n = self.worker.run_batch(timeout=1.0)
                if n:
                    lag = self.worker.consumer.lag()
            except Exception as exc:  # noqa: BLE001 - the bus or the downstream is down: retry, never die
                self.health.failing_since = self.health.failing_since or time.time()
                self.health.last_error = failure_line(exc, self.settings)
                log.error("batch failed; retrying from the last commit", extra={"stage": self.processor.name,
                          "error": self.health.last_error, "retry_in_s": backoff})
                # the consumer's position ran past the uncommitted batch: start again from the commit
                self._close_worker()
                stop.wait(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
                continue
            if self.health.failing_since is not None:
                log.info("recovered", extra={"stage": self.processor.name,
                         "after_s": round(time.time() - self.health.failing_since, 1)})
            backoff = 1.0
            self.health.failing_since = None
            if n:
                self.health.records += n
                self.health.last_batch_at = time.time()
                self.metrics.lag.labels(self.processor.name).set(lag)

    def _close_worker(self) -> None:
        worker, self.worker = self.worker, None
        if worker is None:
            return
        try:
            worker.close()
        except Exception as exc:  # noqa: BLE001 - leaving a group on a dead broker may fail: nothing to keep
            log.warning("closing the consumer failed", extra={"stage": self.processor.name, "error": repr(exc)})

    def close(self) -> None:
        """Close the consumer and whatever the processor writes to."""
        self._close_worker()
        for close in self.closers:
            close()


class IngestService:
    """The ingest stage polling each of its feeds when that feed is due."""

    def __init__(self, settings: Settings, bus: Bus, feeds: list[str], metrics: StageMetrics):
        from ingest.stage import IngestStage

        self.settings, self.feeds, self.metrics = settings, feeds, metrics
        self.stage = IngestStage(settings, bus, metrics=metrics)
        self.health = Health("ingest")
        self.lock = threading.RLock()  # the stage (and its state's connection) is shared with the WebSub callback's threads
        self.websub = None
        self.routes: dict = {}
        if settings.websub_callback_url:
            from ingest.websub import CALLBACK_PREFIX, WebSub
            from newsflow.websub_http import handle

            self.websub = WebSub(settings, self.stage, self.lock)
            self.routes[CALLBACK_PREFIX] = lambda request, method: handle(self.websub, request, method)

    def run(self, stop: threading.Event) -> None:
        """Poll the feeds that are due, wait for the next one, repeat until ``stop`` is set.

        Each feed keeps its own schedule (adaptive interval, error backoff, ``Retry-After``),
        stored with its state, so a restarted service does not poll everything at once.
        """
        backoff = 1.0
        while not stop.is_set():
            now = utcnow()
            if self.websub is not None:
                self.websub.maintain(self.feeds, now)
            with self.lock:
                due = [f.url for f in map(self.stage.state.feed_state, self.feeds)
                       if f.due(now) and (self.websub is None or self.websub.wants_poll(f, now))]
            for feed in due:
                if stop.is_set():
                    break
                try:
                    with self.lock:
                        report = self.stage.poll_once([feed])
                        self.metrics.observe_feed(self.stage.state.feed_state(feed))
                except Exception as exc:  # noqa: BLE001 - the bus is down: the articles stay unseen, retried
                    self.health.failing_since = self.health.failing_since or time.time()
                    self.health.last_error = failure_line(exc, self.settings)
                    log.error("publishing failed; polling again", extra={"stage": "ingest", "feed": feed,
                              "error": self.health.last_error, "retry_in_s": backoff})
                    stop.wait(backoff)
                    backoff = min(MAX_BACKOFF, backoff * 2)
                    break
                backoff = 1.0
                self.health.failing_since = None
                self.metrics.feed_polls.labels("failed" if report.feeds_failed else "ok").inc(report.feeds_polled)
                self.metrics.articles_published.inc(report.articles_published)
                self.metrics.duplicates.inc(report.duplicates)
                self.health.records += report.articles_published
                self.health.last_batch_at = time.time()
            # a pushed feed stays due while it waits for its safety-net poll: no tighter loop than 1 s then
            floor = 0.1 if self.websub is None else 1.0
            with self.lock:
                wait = min(self.stage.seconds_until_due(self.feeds), self.settings.poll_interval)
            stop.wait(max(floor, wait))

    def close(self) -> None:
        """Close the stage's fetcher and state."""
        self.stage.close()


def run_service(settings: Settings, build: Callable[[Bus, StageMetrics], "ConsumingService | IngestService"],
                port: int | None = None) -> None:
    """Build a service on the configured bus, serve health and metrics, run until a signal."""
    metrics = StageMetrics()
    bus = open_bus(settings)
    service = build(bus, metrics)
    routes = getattr(service, "routes", None)
    server = serve_http(port, settings.metrics_host, service.health, metrics, routes) if port is not None else None
    stop = threading.Event()
    log.info("service started", extra={"stage": service.health.stage, "bus": settings.bus, "index": settings.index})
    try:
        with stop_on_signals(stop):
            service.run(stop)
    finally:
        service.close()
        bus.close()
        if server is not None:
            server.shutdown()
    log.info("service stopped", extra={"stage": service.health.stage, "records": service.health.records})
