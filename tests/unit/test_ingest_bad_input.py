"""Bad input from the open web, end to end through the ingest stage against a real HTTP server.

Every case is served beside a good feed with a good article, and each test checks the same
three things: the bad input is reported (one clear log line), it is counted by kind in the
``newsflow_ingest_problems`` metric, and the good article is still published.
"""

import logging
import zlib
from datetime import datetime, timedelta, timezone
from html import escape

import pytest

import ingest.fetch as fetch_mod
from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.metrics import StageMetrics
from ingest.stage import IngestStage
from test_ingest_stage import read_topic, rss, serve_article, serve_feed
from test_ingest_support import Site, article_html, paragraphs, redirect, test_settings

MB = 1024 * 1024


class Run:
    """One poll of [bad feed, good feed] with a fresh stage and its own metrics."""

    def __init__(self, site, bus, tmp_path, caplog, **overrides):
        self.site, self.bus, self.caplog = site, bus, caplog
        self.settings = test_settings(tmp_path, **overrides)
        self.metrics = StageMetrics()
        self.good_link = serve_article(site, "/news/good", "good")
        self.good_feed = serve_feed(site, "/feeds/good.xml", rss({"link": self.good_link}))

    def poll(self, *feeds, level=logging.INFO):
        stage = IngestStage(self.settings, self.bus, metrics=self.metrics)
        try:
            with self.caplog.at_level(level, logger="ingest"):
                self.report = stage.poll_once([*feeds, self.good_feed])
        finally:
            stage.close()
        self.articles = [a for _, a in read_topic(self.bus, self.settings)]
        return self.report

    def counted(self, kind: str) -> float:
        return self.metrics.registry.get_sample_value("newsflow_ingest_problems_total", {"kind": kind}) or 0.0

    def assert_good_article_published(self):
        assert self.good_link in {a.url for a in self.articles}


@pytest.fixture
def run(site, bus, tmp_path, caplog):
    def make(**overrides):
        return Run(site, bus, tmp_path, caplog, **overrides)
    return make


def feed_with(site, path, link):
    return serve_feed(site, path, rss({"link": link}))


# --- broken feeds --------------------------------------------------------------------------


def test_a_malformed_xml_feed_without_entries_fails(site, run):
    r = run()
    bad = site.route("/feeds/bad.xml", "<rss><channel><title>unclosed &bogus; <<", headers={"Content-Type": "application/rss+xml"})
    report = r.poll(bad)
    assert report.feeds_failed == 1 and r.counted("feed:unparsable") == 1
    assert f"feed {bad} failed: " in r.caplog.text and "not a usable feed" in r.caplog.text
    r.assert_good_article_published()


def test_a_malformed_xml_feed_with_entries_is_used_and_counted(site, run):
    r = run()
    link = serve_article(site, "/news/salvaged", "salvaged")
    bad = site.route("/feeds/bad.xml", f"<rss><channel><item><title>T</title><link>{link}</link></item><item><title>cut",
                     headers={"Content-Type": "application/rss+xml"})
    report = r.poll(bad)
    assert report.feeds_failed == 0 and r.counted("feed:malformed") == 1
    assert f"feed {bad} is malformed but has 2 entries; using them" in r.caplog.text
    assert link in {a.url for a in r.articles}
    r.assert_good_article_published()


def test_an_html_page_served_as_a_feed(site, run):
    r = run()
    page = site.route("/feeds/page.xml", article_html("Not a feed", paragraphs("html")), headers={"Content-Type": "text/html"})
    report = r.poll(page)
    assert report.feeds_failed == 1 and r.counted("feed:unparsable") == 1
    assert "an HTML page" in r.caplog.text and "newsflow feeds add" in r.caplog.text
    r.assert_good_article_published()


def test_an_empty_feed_is_counted_but_is_no_failure(site, run):
    r = run()
    empty = serve_feed(site, "/feeds/empty.xml", rss())
    report = r.poll(empty)
    assert report.feeds_failed == 0 and r.counted("feed:empty") == 1
    assert f"feed {empty} has no entries" in r.caplog.text
    r.assert_good_article_published()


@pytest.mark.parametrize("status,kind", [(404, "feed:http_4xx"), (500, "feed:http_5xx")])
def test_a_feed_answering_an_error_status(site, run, status, kind):
    r = run()
    bad = site.route("/feeds/err.xml", "error", status=status)
    report = r.poll(bad)
    assert report.feeds_failed == 1 and r.counted(kind) == 1
    assert f"feed {bad} failed: HTTP {status}" in r.caplog.text
    r.assert_good_article_published()


@pytest.mark.parametrize("status,kind", [(404, "page:http_4xx"), (500, "page:http_5xx")])
def test_a_page_answering_an_error_status(site, run, status, kind):
    r = run()
    bad = site.route("/news/err", "error", status=status)
    report = r.poll(feed_with(site, "/feeds/err.xml", bad))
    assert r.counted(kind) == 1 and report.failures[0][0] == bad
    assert f"article {bad} not ingested: HTTP {status}" in r.caplog.text
    r.assert_good_article_published()


# --- servers that misbehave ----------------------------------------------------------------


def test_a_feed_server_that_never_answers(site, run):
    r = run(fetch_read_timeout=0.3, fetch_total_timeout=1.0)
    silent = site.route("/feeds/silent.xml", "<rss/>", delay=3.0)
    report = r.poll(silent)
    assert report.feeds_failed == 1 and r.counted("feed:timeout") == 1
    assert f"feed {silent} failed: timed out" in r.caplog.text
    r.assert_good_article_published()


def test_a_slow_drip_page(site, run):
    r = run(fetch_read_timeout=1.0, fetch_total_timeout=0.8)
    drip = site.route("/news/drip", chunks=lambda: (b"<p>x</p>" for _ in range(1000)), chunk_delay=0.1)
    r.poll(feed_with(site, "/feeds/drip.xml", drip))
    assert r.counted("page:timeout") == 1
    assert f"article {drip} not ingested: timed out: no complete response within 0.8 s" in r.caplog.text
    r.assert_good_article_published()


def test_a_50_mb_page(site, run):
    r = run()
    chunk = b"<p>" + b"a" * (64 * 1024 - 7) + b"</p>\n"
    huge = site.route("/news/huge", chunks=lambda: (chunk for _ in range(50 * MB // len(chunk))))
    r.poll(feed_with(site, "/feeds/huge.xml", huge))
    assert r.counted("page:too_large") == 1
    assert f"article {huge} not ingested: body larger than {MB} bytes" in r.caplog.text
    r.assert_good_article_published()


def test_a_gzip_bomb(site, run):
    r = run()
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(c.compress(b"\0" * MB) for _ in range(50)) + c.flush()  # 50 MB in ~50 KB
    url = site.route("/news/bomb", bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    r.poll(feed_with(site, "/feeds/bomb.xml", url))
    assert r.counted("page:too_large") == 1
    assert f"article {url} not ingested: body larger than" in r.caplog.text
    r.assert_good_article_published()


def test_a_redirect_loop(site, run):
    r = run()
    a = site.route("/news/loop-a", handler=redirect("/news/loop-b"))
    site.route("/news/loop-b", handler=redirect("/news/loop-a"))
    r.poll(feed_with(site, "/feeds/loop.xml", a))
    assert r.counted("page:too_many_redirects") == 1
    assert f"article {a} not ingested: more than 3 redirects" in r.caplog.text
    r.assert_good_article_published()


def test_a_redirect_to_the_cloud_metadata_service(site, run, monkeypatch):
    real = fetch_mod.blocked_reason
    # the test server's own address passes as public, so only the redirect hop is private
    monkeypatch.setattr(fetch_mod, "blocked_reason", lambda ip: None if str(ip) == "127.0.0.1" else real(ip))
    r = run(allow_private_hosts=False)
    url = site.route("/news/steal", handler=redirect("http://169.254.169.254/latest/meta-data/"))
    r.poll(feed_with(site, "/feeds/steal.xml", url))
    assert r.counted("page:blocked_host") == 1
    assert "169.254.169.254 is a cloud metadata service address" in r.caplog.text
    r.assert_good_article_published()


def test_a_pdf_link(site, run):
    r = run()
    pdf = site.route("/files/report.pdf", b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"})
    r.poll(feed_with(site, "/feeds/pdf.xml", pdf))
    assert r.counted("page:bad_content_type") == 1
    assert f"article {pdf} not ingested: content type 'application/pdf' is not HTML" in r.caplog.text
    r.assert_good_article_published()


# --- wrong charsets ------------------------------------------------------------------------


@pytest.mark.parametrize("codec,declared,words", [
    ("cp1252", "utf-8", "Café crème, naïve façade — the déjà vu of “smart” quotes"),
    ("shift_jis", "iso-8859-1", "東京都の新しい交通計画について、市民の意見が分かれている。"),
])
def test_a_wrongly_declared_charset_is_detected(site, run, bus, codec, declared, words):
    r = run()
    html = article_html("Charset story", [f"{words} {p}" for p in paragraphs("charset")], charset=None)
    url = site.route("/news/charset", html.encode(codec), headers={"Content-Type": f"text/html; charset={declared}"})
    r.poll(feed_with(site, "/feeds/charset.xml", url))
    art = next(a for a in r.articles if a.url == url)
    assert words in art.text
    assert r.counted("page:charset_mismatch") == 1
    assert f"page {url}: declared charset {'cp1252' if declared == 'iso-8859-1' else declared} does not fit the bytes" in r.caplog.text
    r.assert_good_article_published()


# --- odd entries ---------------------------------------------------------------------------


def test_duplicate_guids_with_different_links_are_two_articles(site, run):
    r = run()
    one, two = serve_article(site, "/news/one", "first"), serve_article(site, "/news/two", "second")
    items = "".join(f"<item><title>T</title><guid isPermaLink='false'>same-id</guid><link>{escape(u)}</link></item>" for u in (one, two))
    feed = serve_feed(site, "/feeds/guid.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>')
    r.poll(feed)
    assert {one, two} <= {a.url for a in r.articles}
    assert r.counted("entry:duplicate_guid") == 1
    assert "entries with the same id 'same-id' link to" in r.caplog.text
    r.assert_good_article_published()


def test_entries_without_links_are_skipped_and_the_others_kept(site, run):
    r = run()
    fine = serve_article(site, "/news/linked", "linked")
    feed = serve_feed(site, "/feeds/nolink.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
                      "<item><title>No link here</title><description>Teaser.</description></item>"
                      f"<item><title>Linked</title><link>{escape(fine)}</link></item></channel></rss>")
    report = r.poll(feed)
    assert fine in {a.url for a in r.articles} and report.failures == []
    assert r.counted("entry:no_link") == 1
    assert "entry 'No link here' has no link; skipped" in r.caplog.text
    r.assert_good_article_published()


def test_relative_links_resolve_against_the_feed_url(site, run):
    r = run()
    serve_article(site, "/news/relative", "relative")
    feed = serve_feed(site, "/feeds/rel.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
                      "<item><title>Rel</title><link>../news/relative</link></item></channel></rss>")
    r.poll(feed)
    assert site.url("/news/relative") in {a.url for a in r.articles}
    r.assert_good_article_published()


def test_dates_in_the_future_are_replaced_by_the_fetch_time(site, run):
    r = run()
    future = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    url = site.route("/news/future", article_html("Future story", paragraphs("future"), published=future))
    r.poll(feed_with(site, "/feeds/future.xml", url))
    art = next(a for a in r.articles if a.url == url)
    assert art.published_at <= art.fetched_at  # the feed's pubDate is in the past: it is used
    assert r.counted("entry:future_date") == 0

    fut_rss = rss({"link": site.url("/news/future2")}).replace("Thu, 02 May 2024", "Thu, 02 May 2124")
    site.route("/news/future2", article_html("Future two", paragraphs("future two"), published=future))
    feed2 = site.route("/feeds/future2.xml", fut_rss, headers={"Content-Type": "application/rss+xml"})
    r.poll(feed2)
    art2 = next(a for a in r.articles if a.url == site.url("/news/future2"))
    assert art2.published_at == art2.fetched_at
    assert r.counted("entry:future_date") == 1
    assert "publication date 2124-05-02" in r.caplog.text or "is in the future" in r.caplog.text
