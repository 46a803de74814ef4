"""Polling like a good feed reader: schedules, backoff, Retry-After, politeness, robots.txt, state across restarts."""

import random
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.contracts import utcnow
from ingest import schedule
from ingest.fetch import Fetcher, HostGate
from ingest.robots import RobotsCache
from ingest.stage import IngestStage
from ingest.state import IngestState
from test_ingest_stage import read_topic, rss, serve_article, serve_feed
from test_ingest_support import Site, test_settings


# --- the policy ----------------------------------------------------------------------------


def test_the_interval_shrinks_while_a_feed_publishes_and_grows_while_it_is_quiet(tmp_path):
    s = test_settings(tmp_path, poll_interval=300, poll_min_interval=60, poll_max_interval=3600)
    assert schedule.next_interval(s, None, new_entries=3) == 150
    assert schedule.next_interval(s, 150, new_entries=1) == 75
    assert schedule.next_interval(s, 75, new_entries=1) == 60  # the floor
    assert schedule.next_interval(s, None, new_entries=0) == 450
    assert schedule.next_interval(s, 3000, new_entries=0) == 3600  # the ceiling


def test_the_bounds_always_include_the_configured_interval(tmp_path):
    s = test_settings(tmp_path, poll_interval=1, poll_min_interval=60)
    assert schedule.bounds(s)[0] == 1
    assert schedule.next_interval(s, 1, new_entries=5) == 1


def test_failures_back_off_exponentially_with_jitter_up_to_a_cap(tmp_path):
    s = test_settings(tmp_path, poll_interval=300, poll_backoff_max=3600)
    rng = random.Random(7)
    for failures, full in [(1, 300), (2, 600), (3, 1200), (4, 2400), (5, 3600), (9, 3600)]:
        delays = {schedule.backoff_delay(s, 300, failures, rng=rng) for _ in range(50)}
        assert all(full / 2 <= d <= full for d in delays)
        assert len(delays) > 1  # jittered, so failed feeds do not all come back at once


def test_retry_after_is_a_floor_on_the_wait(tmp_path):
    s = test_settings(tmp_path, poll_interval=60, poll_backoff_max=7200)
    assert schedule.backoff_delay(s, 60, 1, retry_after=1800) == 1800
    assert schedule.backoff_delay(s, 60, 1, retry_after=10 ** 9) == 7200  # but not an absurd one


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert schedule.parse_retry_after("120") == 120
    assert schedule.parse_retry_after("Wed, 01 Jan 2025 12:05:00 GMT", now) == 300
    assert schedule.parse_retry_after("soon") is None and schedule.parse_retry_after(None) is None


# --- the stage keeps each feed's schedule ---------------------------------------------------


def test_a_429_with_retry_after_schedules_the_next_poll_after_it(site, bus, tmp_path):
    settings = test_settings(tmp_path, poll_interval=60)
    feed = site.route("/feeds/limited.xml", status=429, headers={"Retry-After": "900"})
    stage = IngestStage(settings, bus)
    try:
        before = utcnow()
        report = stage.poll_once([feed])
        state = stage.state.feed_state(feed)
        assert report.problems["feed:http_429"] == 1
        assert state.next_poll >= before + timedelta(seconds=900)
        assert state.consecutive_failures == 1 and "HTTP 429" in state.last_error
        # not due: a scheduled poll leaves the server alone
        assert stage.poll_once([feed], due_only=True).feeds_skipped == 1
        assert site.requests["/feeds/limited.xml"] == 1
    finally:
        stage.close()


def test_repeated_5xx_back_off_further_each_time_and_success_resets(site, bus, tmp_path):
    settings = test_settings(tmp_path, poll_interval=60, poll_backoff_max=100000)
    feed = site.route("/feeds/down.xml", "down", status=503)
    stage = IngestStage(settings, bus)
    try:
        waits = []
        for _ in range(4):
            t0 = utcnow()
            stage.poll_once([feed])
            waits.append((stage.state.feed_state(feed).next_poll - t0).total_seconds())
        # each wait is in [full/2, full] with full doubling: every wait exceeds the one two before
        assert waits[2] > waits[0] and waits[3] > waits[1] and stage.state.feed_state(feed).consecutive_failures == 4
        serve_feed(site, "/feeds/down.xml", rss({"link": serve_article(site, "/news/back", "back")}))
        stage.poll_once([feed])
        state = stage.state.feed_state(feed)
        assert state.consecutive_failures == 0 and state.last_error is None and state.last_success is not None
        assert state.entries_seen == 1
    finally:
        stage.close()


def test_schedule_validators_and_seen_entries_survive_a_restart(site, bus, tmp_path):
    settings = test_settings(tmp_path)
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": serve_article(site, "/news/a", "a")}), etag='"v1"')
    first = IngestStage(settings, bus)
    try:
        first.poll_once([feed])
    finally:
        first.close()
    again = IngestStage(settings, bus)  # a new process, the same data dir
    try:
        state = again.state.feed_state(feed)
        assert state.etag == '"v1"' and state.next_poll > utcnow() and state.entries_seen == 1
        assert again.poll_once([feed], due_only=True).feeds_skipped == 1  # not refetched
        assert again.seconds_until_due([feed]) > 0
        report = again.poll_once([feed])  # polled anyway: 304, nothing republished
        assert report.feeds_not_modified == 1 and len(read_topic(bus, settings)) == 1
    finally:
        again.close()


def test_the_configured_user_agent_is_sent(site, tmp_path):
    url = site.route("/ua", "<p>x</p>")
    with Fetcher(test_settings(tmp_path, user_agent="acme-news/2.0 (+https://acme.example/bot)")) as f:
        f.fetch(url)
    assert site.headers_seen["/ua"][0]["User-Agent"] == "acme-news/2.0 (+https://acme.example/bot)"


# --- politeness ------------------------------------------------------------------------------


def test_no_more_than_the_per_host_limit_of_requests_run_at_once(site, tmp_path):
    active, peak, lock = [0], [0], threading.Lock()

    def slow(h):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "8")
        h.end_headers()
        h.wfile.write(b"<p>x</p>")

    url = site.route("/slow", handler=slow)
    with Fetcher(test_settings(tmp_path, fetch_per_host=2, fetch_host_delay=0.0, fetch_concurrency=8)) as f:
        threads = [threading.Thread(target=f.fetch, args=(url,)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert site.requests["/slow"] == 6 and peak[0] == 2


class FakeClock:
    """Stands in for ``time`` in ingest.fetch: sleeping only moves the clock (no real waiting)."""

    def __init__(self):
        self.now, self.sleeps = 100.0, []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_requests_to_one_host_start_spaced_by_the_politeness_delay(monkeypatch):
    import ingest.fetch as fetch_mod

    clock = FakeClock()
    monkeypatch.setattr(fetch_mod, "time", clock)
    gate = HostGate(per_host=4, delay=2.0)
    for _ in range(3):
        gate.enter("example.com")
        gate.leave("example.com")
    assert clock.sleeps == [2.0, 2.0]  # the first request goes at once, then one every 2 s
    gate.enter("other.example")  # another host does not wait for example.com
    gate.leave("other.example")
    gate.slow_down("example.com", 10.0)  # a robots.txt Crawl-delay
    gate.enter("example.com")
    gate.leave("example.com")
    gate.enter("example.com")
    assert clock.sleeps == [2.0, 2.0, 2.0, 10.0]


# --- robots.txt --------------------------------------------------------------------------------


def test_pages_disallowed_by_robots_txt_are_not_fetched(site, bus, tmp_path):
    site.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    hidden = serve_article(site, "/private/story", "hidden")
    allowed = serve_article(site, "/news/story", "allowed")
    stage = IngestStage(test_settings(tmp_path), bus)
    try:
        report = stage.poll_once([serve_feed(site, "/feeds/rss.xml", rss({"link": hidden}, {"link": allowed}))])
    finally:
        stage.close()
    assert site.requests["/private/story"] == 0 and site.requests["/robots.txt"] == 1  # fetched once, cached
    assert report.problems["page:robots"] == 1
    assert any(url == hidden and "disallowed by" in why for url, why in report.failures)
    assert [a.url for _, a in read_topic(bus, test_settings(tmp_path))] == [allowed]


def test_robots_txt_is_ignored_when_configured_so(site, bus, tmp_path):
    site.route("/robots.txt", "User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    link = serve_article(site, "/news/story", "story")
    stage = IngestStage(test_settings(tmp_path, respect_robots=False), bus)
    try:
        assert stage.poll_once([serve_feed(site, "/feeds/rss.xml", rss({"link": link}))]).articles_published == 1
    finally:
        stage.close()
    assert site.requests["/robots.txt"] == 0


def test_robots_rules_for_our_agent_and_unreadable_files(site, tmp_path):
    settings = test_settings(tmp_path, user_agent="newsflow/0.1 (+https://example.org)")
    with Fetcher(settings) as f:
        site.route("/robots.txt", "User-agent: newsflow\nDisallow: /mine\n\nUser-agent: *\nDisallow: /\n",
                   headers={"Content-Type": "text/plain"})
        robots = RobotsCache(f, settings.user_agent)
        assert robots.check(site.url("/mine/a")) and robots.check(site.url("/news/a")) is None

        site.route("/robots.txt", "oops", status=503)
        assert "could not be read" in (RobotsCache(f, settings.user_agent).check(site.url("/news/a")) or "")
        site.route("/robots.txt", "gone", status=404)
        assert RobotsCache(f, settings.user_agent).check(site.url("/news/a")) is None
