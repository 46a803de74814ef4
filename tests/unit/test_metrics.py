"""Freshness histograms and per-feed gauges: what they count and what they leave out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from index_corpus import art
from newsflow.core.metrics import StageMetrics

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def sample(metrics: StageMetrics, name: str, **labels) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_freshness_is_observed_by_source_from_publication_and_from_fetching():
    metrics = StageMetrics()
    a = art("a", source="one.example", published="2026-03-01T11:00:00Z").model_copy(
        update={"fetched_at": NOW - timedelta(seconds=90)})
    metrics.observe_indexed([a], now=NOW)
    assert sample(metrics, "newsflow_published_to_indexed_seconds_sum", source="one.example") == 3600
    assert sample(metrics, "newsflow_fetched_to_indexed_seconds_sum", source="one.example") == 90
    assert sample(metrics, "newsflow_fetched_to_indexed_seconds_bucket", source="one.example", le="120.0") == 1


def test_undated_and_future_dated_articles_count_for_fetching_only():
    metrics = StageMetrics()
    undated = art("u", source="s.example", published=None).model_copy(update={"fetched_at": NOW})
    future = art("f", source="s.example", published="2026-03-02T00:00:00Z").model_copy(update={"fetched_at": NOW})
    metrics.observe_indexed([undated, future], now=NOW)
    assert sample(metrics, "newsflow_fetched_to_indexed_seconds_count", source="s.example") == 2
    assert sample(metrics, "newsflow_published_to_indexed_seconds_count", source="s.example") is None


@dataclass
class Feed:
    url: str
    last_success: datetime | None
    consecutive_failures: int


def test_feed_gauges_follow_each_poll():
    metrics = StageMetrics()
    metrics.observe_feed(Feed("https://f.example/rss", NOW, 0))
    metrics.observe_feed(Feed("https://f.example/rss", NOW, 3))
    metrics.observe_feed(Feed("https://never.example/rss", None, 1))
    assert sample(metrics, "newsflow_feed_last_success_timestamp_seconds", feed="https://f.example/rss") == NOW.timestamp()
    assert sample(metrics, "newsflow_feed_consecutive_failures", feed="https://f.example/rss") == 3
    assert sample(metrics, "newsflow_feed_consecutive_failures", feed="https://never.example/rss") == 1
    assert sample(metrics, "newsflow_feed_last_success_timestamp_seconds", feed="https://never.example/rss") is None
