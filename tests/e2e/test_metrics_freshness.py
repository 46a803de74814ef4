"""What ``/metrics`` of a running ``newsflow run`` says once the sample site is indexed: freshness
histograms by source, per-feed health, and a consumer lag of 0 after the drain."""

from __future__ import annotations

import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from cli_support import free_port
from demo import ORIGINALS


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples, name: str, **labels) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_after_a_run_show_freshness_feed_health_and_no_lag(cli, site):
    port = free_port()
    feeds = [a for url in site.feed_urls for a in ("--feeds", url)]
    service = cli.popen("run", "--allow-private-hosts", "--no-progress", "--metrics-port", str(port), *feeds)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert service.poll() is None, service.stderr_text()
            try:
                samples = scrape(port)
            except httpx.TransportError:
                samples = {}
            if (value(samples, "newsflow_records_out_total", stage="index") or 0) >= len(ORIGINALS):
                time.sleep(1.0)  # the drain's closing lag update follows the last batch
                samples = scrape(port)
                break
            assert time.monotonic() < deadline, service.stderr_text()
            time.sleep(0.5)
    finally:
        service.terminate()
        service.wait(timeout=60)

    source = site.base_url.split("//", 1)[1].split(":")[0]  # the articles' source: the site's host
    fetched = value(samples, "newsflow_fetched_to_indexed_seconds_count", source=source)
    published = value(samples, "newsflow_published_to_indexed_seconds_count", source=source)
    assert fetched is not None and fetched >= len(ORIGINALS), sorted(k for k in samples if "indexed" in k[0])
    assert published is not None and published >= 1
    assert value(samples, "newsflow_fetched_to_indexed_seconds_bucket", source=source, le="+Inf") == fetched

    assert value(samples, "newsflow_consumer_lag", stage="index") == 0
    assert value(samples, "newsflow_consumer_lag", stage="enrich") == 0
    for url in site.feed_urls:
        assert value(samples, "newsflow_feed_consecutive_failures", feed=url) == 0
        assert value(samples, "newsflow_feed_last_success_timestamp_seconds", feed=url) > time.time() - 3600
