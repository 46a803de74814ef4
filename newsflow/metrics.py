"""Prometheus metrics of the stages, in a registry the caller owns (no hidden globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server


class StageMetrics:
    """Counters shared by every stage worker, labelled by stage name."""

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        self.records_in = Counter("newsflow_records_in", "Records consumed", ["stage"], registry=self.registry)
        self.records_out = Counter("newsflow_records_out", "Records written downstream", ["stage"], registry=self.registry)
        self.deadletters = Counter("newsflow_deadletters", "Records sent to the dead-letter topic", ["stage"], registry=self.registry)
        self.errors = Counter("newsflow_errors", "Batches that failed and will be retried", ["stage"], registry=self.registry)
        self.lag = Gauge("newsflow_consumer_lag", "Records not yet committed", ["stage"], registry=self.registry)
        self.feed_polls = Counter("newsflow_feed_polls", "Feed polls by outcome", ["outcome"], registry=self.registry)
        self.articles_published = Counter("newsflow_articles_published", "New articles published by ingest", registry=self.registry)
        self.duplicates = Counter("newsflow_duplicates", "Feed entries skipped as already seen", registry=self.registry)
        # one label value per kind of bad input (ingest.stage.PROBLEMS), so each shows on a dashboard
        self.ingest_problems = Counter("newsflow_ingest_problems", "Feeds, entries and pages ingest could not use, by kind",
                                       ["kind"], registry=self.registry)
        self.articles_revised = Counter("newsflow_articles_revised", "Edited articles published again as a new revision",
                                        registry=self.registry)
        self.batch_seconds = Histogram(
            "newsflow_batch_seconds", "Time to process and write one batch", ["stage"], registry=self.registry,
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Expose ``/metrics`` for Prometheus on a background thread."""
        start_http_server(port, addr=host, registry=self.registry)
