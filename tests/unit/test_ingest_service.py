"""The ingest service polls each feed when that feed is due, across restarts too."""

from __future__ import annotations

import threading

from newsflow.core.metrics import StageMetrics
from newsflow.services import IngestService
from test_ingest_stage import rss, serve_article, serve_feed
from test_ingest_support import test_settings


def run_for(service: IngestService, until, limit: float = 10.0) -> None:
    """Run the service in a thread until ``until()`` holds (or ``limit`` seconds pass), then stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=service.run, args=(stop,), daemon=True)
    thread.start()
    for _ in range(int(limit / 0.05)):
        if until():
            break
        stop.wait(0.05)
    # a few more loop turns: a feed that is not due must stay unpolled through them
    stop.wait(0.5)
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def test_a_feed_is_polled_once_until_it_is_due_even_after_a_restart(site, bus, tmp_path):
    settings = test_settings(tmp_path, poll_interval=300.0)
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": serve_article(site, "/news/a", "bridge")}))
    feed_path = "/feeds/rss.xml"

    first = IngestService(settings, bus, [feed], StageMetrics())
    run_for(first, lambda: site.requests[feed_path] >= 1)
    first.close()
    assert site.requests[feed_path] == 1
    assert first.health.records == 1

    second = IngestService(settings, bus, [feed], StageMetrics())  # a restart: same data dir
    run_for(second, lambda: False, limit=1.0)
    second.close()
    assert site.requests[feed_path] == 1  # not due for minutes: not fetched again
