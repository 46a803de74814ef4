"""The ingest stage end to end: real HTTP server, real SQLite bus, real state database."""

import itertools
import logging
import threading
import time
from html import escape

import pytest

from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.contracts import Article, article_id
from ingest.stage import IngestStage
from ingest.state import IngestState
from test_ingest_support import Site, article_html, paragraphs, redirect, test_settings

_groups = itertools.count()


@pytest.fixture
def settings(tmp_path):
    return test_settings(tmp_path)


@pytest.fixture
def make_stage(bus):
    stages = []

    def make(settings, **kwargs):
        stage = IngestStage(settings, bus, **kwargs)
        stages.append(stage)
        return stage

    yield make
    for s in stages:
        s.close()


def read_topic(bus, settings):
    """Everything on the articles topic, as (message, Article)."""
    consumer = bus.consumer(f"test-{next(_groups)}", [settings.topic(settings.topic_articles)])
    try:
        return [(m, Article.from_json(m.value)) for m in consumer.poll(1000)]
    finally:
        consumer.close()


def rss(*items: dict) -> str:
    parts = []
    for it in items:
        content = f"<content:encoded><![CDATA[{it['content']}]]></content:encoded>" if it.get("content") else ""
        cats = "".join(f"<category>{c}</category>" for c in it.get("tags", []))
        parts.append(
            f"<item><title>{escape(it.get('title', 'Entry'))}</title><link>{escape(it['link'])}</link>"
            f"<pubDate>Thu, 02 May 2024 09:30:00 +0000</pubDate><description>{escape(it.get('summary', 'Short teaser.'))}</description>"
            f"{cats}{content}</item>"
        )
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>RSS feed</title><link>http://example.com/</link>{''.join(parts)}</channel></rss>")


def atom(*items: dict) -> str:
    entries = "".join(
        f"<entry><title>{escape(it.get('title', 'Entry'))}</title><link rel='alternate' href='{escape(it['link'])}'/>"
        f"<id>{escape(it['link'])}</id><updated>2024-05-03T10:00:00Z</updated><summary>{escape(it.get('summary', 'Teaser.'))}</summary></entry>"
        for it in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title>{entries}</feed>'


def serve_feed(site: Site, path: str, body: str, etag: str | None = None) -> str:
    """Serve a feed; with ``etag``, answer 304 to a matching If-None-Match."""
    data = body.encode()

    def handler(h):
        if etag and h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml" if "<rss" in body else "application/atom+xml")
        if etag:
            h.send_header("ETag", etag)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return site.route(path, handler=handler)


def serve_article(site: Site, path: str, topic: str, **kwargs) -> str:
    return site.route(path, article_html(f"The {topic} story", paragraphs(topic), **kwargs))


# --- publishing once -----------------------------------------------------------------------


def test_two_feeds_listing_the_same_article_publish_it_once(site, settings, bus, make_stage):
    a1 = serve_article(site, "/news/a1", "bridge")
    a2 = serve_article(site, "/news/a2", "tunnel")
    rss_url = serve_feed(site, "/feeds/rss.xml", rss({"link": a1 + "?utm_source=rss&utm_medium=feed", "title": "Bridge", "tags": ["Local"]},
                                                     {"link": a2, "title": "Tunnel"}))
    atom_url = serve_feed(site, "/feeds/atom.xml", atom({"link": a1, "title": "Bridge (atom)"}))

    report = make_stage(settings).poll_once([rss_url, atom_url])

    assert (report.feeds_polled, report.entries_seen, report.articles_published, report.duplicates) == (2, 3, 2, 1)
    assert report.failures == []
    assert site.requests["/news/a1"] == 1  # the second listing was recognised before any fetch
    records = read_topic(bus, settings)
    assert len(records) == 2
    msg, art = records[0]
    assert msg.key == art.id == article_id(a1)
    assert msg.headers == {"schema_version": "1", "producer": "ingest"}
    assert art.url == a1 + "?utm_source=rss&utm_medium=feed"  # as the feed gave it
    assert art.canonical_url == a1
    assert (art.feed_url, art.source, art.title) == (rss_url, "127.0.0.1", "The bridge story")
    assert art.authors == ["Jane Doe"] and art.language == "en" and art.tags == ["Local"]
    assert art.published_at.isoformat() == "2024-05-02T09:30:00+00:00"
    assert art.text_source == "page" and paragraphs("bridge")[0] in art.text
    assert art.extractor == "trafilatura-fast"  # which extractor's text it is (ingest/ensemble.py)
    assert "cookies" not in art.text and "Reader comment" not in art.text


def test_a_second_poll_publishes_nothing_and_fetches_no_page(site, settings, bus, make_stage):
    links = [serve_article(site, f"/news/{t}", t) for t in ("alpha", "beta", "gamma")]
    feed = serve_feed(site, "/feeds/rss.xml", rss(*({"link": link} for link in links)))
    stage = make_stage(settings)
    assert stage.poll_once([feed]).articles_published == 3
    pages_before = site.page_requests()

    again = stage.poll_once([feed])

    assert (again.articles_published, again.duplicates, again.entries_seen) == (0, 3, 3)
    assert site.page_requests() == pages_before
    assert len(read_topic(bus, settings)) == 3


def test_state_survives_a_restart(site, settings, bus, make_stage):
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": serve_article(site, "/news/one", "one")}))
    make_stage(settings).poll_once([feed])
    # a new stage on the same data directory (a restarted process) remembers what it published
    assert make_stage(settings).poll_once([feed]).articles_published == 0
    assert site.requests["/news/one"] == 1


def test_an_unchanged_feed_is_answered_304_and_not_parsed(site, settings, make_stage):
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": serve_article(site, "/news/one", "one")}), etag='"v1"')
    stage = make_stage(settings)
    stage.poll_once([feed])

    report = stage.poll_once([feed])

    assert report.feeds_not_modified == 1 and report.entries_seen == 0 and report.feeds_failed == 0
    assert site.headers_seen["/feeds/rss.xml"][-1]["If-None-Match"] == '"v1"'
    assert stage.state.feed_state(feed).etag == '"v1"'


def test_a_syndicated_copy_with_the_same_text_is_published_once(site, settings, bus, make_stage):
    original = serve_article(site, "/news/story", "harbour")
    copy = serve_article(site, "/partner/syndicated/harbour-copy", "harbour")
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": original}, {"link": copy}))
    stage = make_stage(settings)

    report = stage.poll_once([feed])

    assert (report.articles_published, report.duplicates) == (1, 1)
    assert [a.canonical_url for _, a in read_topic(bus, settings)] == [original]
    # the copy's URL now leads to the original, so it is not fetched again
    assert stage.state.seen_url(copy).article_id == article_id(original)


def test_a_declared_canonical_url_identifies_the_article(site, settings, bus, make_stage):
    real = serve_article(site, "/news/real", "canal")
    amp = serve_article(site, "/amp/real", "canal", canonical="/news/real")
    feed_a = serve_feed(site, "/feeds/a.xml", rss({"link": amp}))
    feed_b = serve_feed(site, "/feeds/b.xml", rss({"link": real}))

    report = make_stage(settings).poll_once([feed_a, feed_b])

    (_, art), = read_topic(bus, settings)
    assert (art.url, art.canonical_url, art.id) == (amp, real, article_id(real))
    assert report.duplicates == 1 and site.requests["/news/real"] == 0


def test_a_home_page_canonical_is_not_trusted(site, settings, bus, make_stage):
    a = serve_article(site, "/news/a", "orchard", canonical="/")
    b = serve_article(site, "/news/b", "vineyard", canonical="/")
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": a}, {"link": b}))
    assert make_stage(settings).poll_once([feed]).articles_published == 2
    assert sorted(art.canonical_url for _, art in read_topic(bus, settings)) == [a, b]


def test_redirects_are_followed_and_the_final_url_is_the_canonical_one(site, settings, bus, make_stage):
    final = serve_article(site, "/news/final", "meadow")
    short = site.route("/r/xyz", handler=redirect("/news/final", 301))
    make_stage(settings).poll_once([serve_feed(site, "/feeds/rss.xml", rss({"link": short}))])
    (_, art), = read_topic(bus, settings)
    assert (art.url, art.canonical_url) == (short, final)


# --- failures and fallbacks ----------------------------------------------------------------


def test_a_broken_feed_fails_clearly_and_the_other_feeds_are_still_processed(site, settings, bus, make_stage, caplog):
    broken = site.route("/feeds/broken.xml", b"\x00\x01 this is not a feed \xff\xfe" * 20, headers={"Content-Type": "application/rss+xml"})
    good = serve_feed(site, "/feeds/good.xml", rss({"link": serve_article(site, "/news/fine", "fine")}))
    stage = make_stage(settings)

    with caplog.at_level(logging.WARNING, logger="ingest"):
        report = stage.poll_once([broken, good])

    assert (report.feeds_polled, report.feeds_failed, report.articles_published) == (2, 1, 1)
    assert report.failures[0][0] == broken and "not a usable feed" in report.failures[0][1]
    assert f"feed {broken} failed: " in caplog.text
    state = stage.state.feed_state(broken)
    assert state.consecutive_failures == 1 and "not a usable feed" in state.last_error


def test_a_missing_page_is_a_failure_and_is_retried_later(site, settings, bus, make_stage, caplog):
    link = site.url("/news/later")
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": link}), etag='"same"')
    stage = make_stage(settings)

    with caplog.at_level(logging.WARNING, logger="ingest"):
        first = stage.poll_once([feed])
    assert first.articles_published == 0 and first.failures == [(link, "HTTP 404 Not Found; the feed entry has no usable text either")]
    assert f"article {link} not ingested: HTTP 404" in caplog.text

    serve_article(site, "/news/later", "later")  # the page appears
    second = stage.poll_once([feed])
    # the feed is unchanged, but it was fetched in full (no 304) so the entry got its retry
    assert second.feeds_not_modified == 0 and second.articles_published == 1
    assert stage.poll_once([feed]).feeds_not_modified == 1


def test_a_failing_page_falls_back_to_the_feed_text(site, settings, bus, make_stage):
    link = site.route("/news/down", "oops", status=500)
    body = "<p>" + " ".join(paragraphs("fallback", 2)) + "</p>"
    make_stage(settings).poll_once([serve_feed(site, "/feeds/rss.xml", rss({"link": link, "title": "Down story", "content": body}))])
    (_, art), = read_topic(bus, settings)
    assert art.text_source == "feed" and art.text == " ".join(paragraphs("fallback", 2))
    assert art.extractor is None
    assert (art.title, art.canonical_url) == ("Down story", link)


def test_a_page_with_too_little_text_and_a_thin_entry_is_a_failure(site, settings, make_stage):
    link = site.route("/news/stub", "<html><body><article><p>Developing story.</p></article></body></html>")
    report = make_stage(settings).poll_once([serve_feed(site, "/feeds/rss.xml", rss({"link": link}))])
    assert report.articles_published == 0
    (url, reason), = report.failures
    assert url == link and ("too short" in reason or "no article text" in reason)


def test_a_slow_page_times_out_within_bounds(site, tmp_path, make_stage):
    settings = test_settings(tmp_path, fetch_read_timeout=0.3, fetch_total_timeout=1.0)
    slow = site.route("/news/slow", "<p>late</p>", delay=5.0)
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": slow}))
    t0 = time.monotonic()
    report = make_stage(settings).poll_once([feed])
    assert time.monotonic() - t0 < 2.0
    assert report.failures and report.failures[0][0] == slow and "timed out" in report.failures[0][1]


def test_an_oversized_page_is_a_failure_not_an_exception(site, tmp_path, make_stage):
    settings = test_settings(tmp_path, fetch_max_bytes=64 * 1024)
    big = site.route("/news/big", b"<html><body>" + b"<p>words words words</p>" * 20000 + b"</body></html>")
    report = make_stage(settings).poll_once([serve_feed(site, "/feeds/rss.xml", rss({"link": big}))])
    assert report.failures and "larger than 65536 bytes" in report.failures[0][1]


def test_a_non_html_page_is_a_failure(site, settings, make_stage):
    pdf = site.route("/files/report.pdf", b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    report = make_stage(settings).poll_once([serve_feed(site, "/feeds/rss.xml", rss({"link": pdf}))])
    assert "'application/pdf' is not HTML" in report.failures[0][1]


def test_private_hosts_are_refused_with_a_hint_on_how_to_allow_them(site, tmp_path, make_stage, caplog):
    settings = test_settings(tmp_path, allow_private_hosts=False)
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": site.url("/news/x")}))
    with caplog.at_level(logging.WARNING, logger="ingest"):
        report = make_stage(settings).poll_once([feed])
    assert report.feeds_failed == 1 and site.requests["/feeds/rss.xml"] == 0
    assert "loopback" in caplog.text and "--allow-private-hosts" in caplog.text


# --- threads and callbacks -----------------------------------------------------------------


class RecordingBus:
    """A bus wrapper that notes which thread publishes."""

    def __init__(self, inner):
        self.inner = inner
        self.threads = set()

    def publish(self, *args, **kwargs):
        self.threads.add(threading.current_thread().name)
        return self.inner.publish(*args, **kwargs)

    def publish_many(self, *args, **kwargs):
        self.threads.add(threading.current_thread().name)
        return self.inner.publish_many(*args, **kwargs)

    def flush(self):
        return self.inner.flush()


def test_pages_are_fetched_in_parallel_but_published_from_the_calling_thread(site, settings, bus, tmp_path):
    links = [site.route(f"/news/p{i}", article_html(f"Story {i}", paragraphs(f"topic{i}")), delay=0.3) for i in range(4)]
    feed = serve_feed(site, "/feeds/rss.xml", rss(*({"link": link} for link in links)))
    recording = RecordingBus(bus)
    stage = IngestStage(settings, recording, state=IngestState(tmp_path / "state.db"))
    try:
        t0 = time.monotonic()
        report = stage.poll_once([feed])
        elapsed = time.monotonic() - t0
    finally:
        stage.close()
    assert report.articles_published == 4
    assert elapsed < 1.0  # four 0.3 s pages, fetched four at a time
    assert recording.threads == {threading.current_thread().name}


def test_progress_is_reported_per_feed(site, settings, make_stage):
    f1 = serve_feed(site, "/feeds/1.xml", rss({"link": serve_article(site, "/news/x1", "x1")}, {"link": serve_article(site, "/news/x2", "x2")}))
    f2 = serve_feed(site, "/feeds/2.xml", rss({"link": site.url("/news/x1")}))
    calls = []
    make_stage(settings).poll_once([f1, f2], progress=lambda feed, n: calls.append((feed, n)))
    assert calls == [(f1, 2), (f2, 0)]


def test_a_feeds_first_articles_are_published_while_its_later_pages_are_still_being_fetched(site, settings, bus, make_stage):
    fast = serve_article(site, "/news/fast", "harbour")
    released = threading.Event()
    slow_html = article_html("The quarry story", paragraphs("quarry")).encode()

    def slow(h):
        released.wait(60)  # this page answers only once the test has seen the first article
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(slow_html)))
        h.end_headers()
        h.wfile.write(slow_html)

    slow_url = site.route("/news/slow", handler=slow)
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": fast, "title": "Harbour"}, {"link": slow_url, "title": "Quarry"}))
    stage = make_stage(settings)
    poll = threading.Thread(target=stage.poll_once, args=([feed],))
    poll.start()
    try:
        deadline = time.monotonic() + 30
        while not read_topic(bus, settings) and time.monotonic() < deadline:
            time.sleep(0.05)
        first = [a.url for _, a in read_topic(bus, settings)]
    finally:
        released.set()
        poll.join()
    assert first == [fast], "the ready article was handed on before the slow page arrived"
    assert [a.url for _, a in read_topic(bus, settings)] == [fast, slow_url]
