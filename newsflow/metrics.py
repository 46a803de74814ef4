"""Prometheus metrics of the stages, in a registry the caller owns (no hidden globals)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from newsflow.core.contracts import Article, utcnow

#: seconds from publication (or fetching) to searchable: a minute to a week
FRESHNESS_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 6 * 3600, 12 * 3600, 86400,
                     3 * 86400, 7 * 86400)


class FeedHealth(Protocol):
    """What the per-feed gauges read from a feed's state (``ingest.state.FeedState`` has it)."""

    url: str
    last_success: datetime | None
    consecutive_failures: int


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

        # freshness: how long after publication / after fetching an article became searchable
        self.published_to_indexed = Histogram(
            "newsflow_published_to_indexed_seconds", "Seconds from an article's publication to its indexing, by source",
            ["source"], registry=self.registry, buckets=FRESHNESS_BUCKETS)
        self.fetched_to_indexed = Histogram(
            "newsflow_fetched_to_indexed_seconds", "Seconds from fetching an article to its indexing, by source",
            ["source"], registry=self.registry, buckets=FRESHNESS_BUCKETS)
        self.feed_last_success = Gauge("newsflow_feed_last_success_timestamp_seconds",
                                       "When a feed was last read successfully (Unix time)", ["feed"], registry=self.registry)
        self.feed_failures = Gauge("newsflow_feed_consecutive_failures", "Failed polls of a feed since its last success",
                                   ["feed"], registry=self.registry)

    def observe_indexed(self, articles: Iterable[Article], now: datetime | None = None) -> None:
        """Record the freshness of articles that just became searchable (a publication date in the
        future, which some feeds give, is not a measurement: skipped)."""
        now = now or utcnow()
        for article in articles:
            self.fetched_to_indexed.labels(article.source).observe(max(0.0, (now - article.fetched_at).total_seconds()))
            if article.published_at is not None and article.published_at <= now:
                self.published_to_indexed.labels(article.source).observe((now - article.published_at).total_seconds())

    def observe_feed(self, feed: FeedHealth) -> None:
        """Update the gauges of one feed after a poll."""
        if feed.last_success is not None:
            self.feed_last_success.labels(feed.url).set(feed.last_success.timestamp())
        self.feed_failures.labels(feed.url).set(feed.consecutive_failures)

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Expose ``/metrics`` for Prometheus on a background thread."""
        start_http_server(port, addr=host, registry=self.registry)
