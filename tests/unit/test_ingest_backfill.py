"""Archive backfill (ingest.backfill): WARC pages become articles exactly as polled pages do.

The archives are written with warcio from pages captured over HTTP from the sample site, which
stays up so that tests can also poll its feeds live into the same state and bus.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from fixtures.topics import published_articles
from fixtures.warc_archives import ArchiveServer, Capture, capture, write_warc
from ingest.archives import SourceError, resolve_sources
from ingest.backfill import Backfill, Filters
from ingest.fetch import Fetcher
from ingest.stage import IngestStage
from ingest.state import IngestState
from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.contracts import article_id
from demo import ARTICLES, ORIGINALS, SYNDICATED_COPY, SampleSite
from test_ingest_support import test_settings


@pytest.fixture(scope="module")
def sample():
    with SampleSite() as s:
        yield s


@pytest.fixture
def settings(tmp_path):
    return test_settings(tmp_path)


@pytest.fixture
def state(settings):
    s = IngestState.open(settings)
    yield s
    s.close()


@pytest.fixture
def fetcher(settings):
    with Fetcher(settings) as f:
        yield f


@pytest.fixture
def backfill(settings, bus, state, fetcher):
    """``backfill(*srcs, filters=None, stop=None)``: one run over these sources, its report."""
    def run(*srcs, filters=None, stop=None, on_progress=None):
        archives = resolve_sources([str(s) for s in srcs], fetcher, settings.cc_news_base_url)
        return Backfill(settings, bus, state, fetcher, filters, on_progress=on_progress).run(archives, stop)

    return run




def site_captures(sample) -> list[Capture]:
    """Every article page of the site, the syndicated copy included, its RSS feed and its style sheet."""
    urls = [a.url(sample.base_url) for a in ARTICLES] + [sample.rss_url, sample.url("/static/site.css")]
    return capture(urls)


def originals(sample) -> set[str]:
    return {a.url(sample.base_url) for a in ORIGINALS}


def test_a_backfill_publishes_each_article_once_with_the_id_a_poll_gives_it(sample, settings, bus, backfill, tmp_path):
    warc = write_warc(tmp_path / "site.warc.gz", site_captures(sample))
    report = backfill(warc)
    articles = published_articles(bus, settings)
    assert {a.canonical_url for a in articles} == originals(sample)
    assert all(a.id == article_id(a.canonical_url) for a in articles)
    assert all(a.feed_url == warc.resolve().as_uri() for a in articles)
    by_url = {a.canonical_url: a for a in articles}
    first = ORIGINALS[0]
    got = by_url[first.url(sample.base_url)]
    assert got.title == first.title and first.unique_phrase in got.text and got.published_at == first.published
    assert got.authors == list(first.authors) and got.language == "en"
    assert report.articles == len(ORIGINALS) and report.files_done == 1 and not report.failures
    # the syndicated copy is the same text under another URL; the feed and the style sheet are not pages
    assert report.skipped["duplicate"] == 1 and report.skipped["not_html"] == 2
    assert report.skipped["not_response"] == 1 + len(ARTICLES) + 2  # warcinfo and the request records

    live = IngestStage(settings, bus, state=IngestState.open(settings))
    try:
        polled = live.poll_once(sample.feed_urls)
    finally:
        live.close()
    assert polled.articles_published == 0 and polled.duplicates > 0
    assert len(published_articles(bus, settings)) == len(ORIGINALS)


def test_pages_ingested_live_before_are_not_published_again(sample, settings, bus, backfill, tmp_path):
    live = IngestStage(settings, bus, state=IngestState.open(settings))
    try:
        assert live.poll_once(sample.feed_urls).articles_published == len(ORIGINALS)
    finally:
        live.close()
    live_ids = {a.id for a in published_articles(bus, settings)}
    report = backfill(write_warc(tmp_path / "site.warc", site_captures(sample)))
    assert report.articles == 0 and report.skipped["duplicate"] == len(ARTICLES)
    assert {a.id for a in published_articles(bus, settings)} == live_ids


def test_a_finished_file_is_not_read_again_and_a_stopped_one_continues_where_it_stopped(sample, settings, bus, backfill,
                                                                                       state, tmp_path):
    warc = write_warc(tmp_path / "site.warc.gz", site_captures(sample))
    first = backfill(warc, filters=Filters(limit=3))
    assert first.articles == 3 and first.stopped and first.files_done == 0
    offset, done = state.archive_progress(warc.resolve().as_uri())
    assert 0 < offset < warc.stat().st_size and not done
    second = backfill(warc)
    assert second.articles == len(ORIGINALS) - 3 and second.files_done == 1
    assert second.records < first.records + second.records == (len(ARTICLES) + 2) * 2 + 1  # warcinfo, requests, responses
    ids = [a.id for a in published_articles(bus, settings)]
    assert len(ids) == len(set(ids)) == len(ORIGINALS)
    third = backfill(warc)
    assert third.files_already_done == 1 and third.records == 0


def test_a_stop_request_saves_the_position_after_the_record_in_hand(sample, settings, bus, backfill, state, tmp_path):
    warc = write_warc(tmp_path / "site.warc.gz", site_captures(sample))
    stop = threading.Event()
    ticks = []

    def on_progress(tick):
        ticks.append(tick.position)
        if tick.report.articles == 2:
            stop.set()

    report = backfill(warc, stop=stop, on_progress=on_progress)
    assert report.stopped and report.articles == 2
    assert state.archive_progress(warc.resolve().as_uri()) == (ticks[-1], False)
    assert ticks == sorted(ticks) and ticks[-1] < warc.stat().st_size
    backfill(warc)
    assert len(published_articles(bus, settings)) == len(ORIGINALS)


def test_filters_by_date_site_and_language(sample, settings, bus, backfill, tmp_path):
    pages = site_captures(sample)
    other = Capture("https://elsewhere.example/news/1", pages[1].body.replace(b"Harbor", b"Harbour"))
    warc = write_warc(tmp_path / "site.warc.gz", pages + [other])
    dates = sorted(a.published for a in ORIGINALS)
    since, until = dates[2], dates[6]
    report = backfill(warc, filters=Filters(since=since, until=until, sources=("127.0.0.1",), languages=("en",)))
    got = published_articles(bus, settings)
    assert sorted(a.published_at for a in got) == [d for d in dates if since <= d <= until]
    assert report.skipped["other_source"] == 1 and report.skipped["outside_dates"] == len(ORIGINALS) - len(got)
    german_only = backfill(write_warc(tmp_path / "again.warc", pages), filters=Filters(languages=("de",)))
    assert german_only.articles == 0 and german_only.skipped["other_language"] == len(ORIGINALS) - len(got)


def test_short_pages_and_pages_without_text_are_skipped_with_their_reason(settings, bus, backfill, tmp_path):
    short = b"<html><body><article><h1>Brief</h1><p>Only a line of text here.</p></article></body></html>"
    empty = b"<html><head><title>Nothing</title></head><body></body></html>"
    warc = write_warc(tmp_path / "bits.warc", [Capture("https://news.example/short", short),
                                               Capture("https://news.example/empty", empty),
                                               Capture("http:///no-host", short)])
    report = backfill(warc)
    assert report.articles == 0
    assert report.skipped["too_short"] == 1 and report.skipped["no_text"] == 1 and report.skipped["bad_url"] == 1
    assert "too short" in report.summary() and "no article text" in report.summary()


def test_a_truncated_file_keeps_what_came_before_and_reports_the_rest(sample, settings, bus, backfill, state, tmp_path,
                                                                      caplog):
    warc = write_warc(tmp_path / "cut.warc.gz", site_captures(sample)[:4])
    warc.write_bytes(warc.read_bytes()[:-50])
    report = backfill(warc)
    assert report.articles == 3 and len(report.failures) == 1
    assert "truncated" in report.failures[0][1] and "cut.warc.gz" in caplog.text
    assert state.archive_progress(warc.resolve().as_uri())[1]  # not read again: it would fail the same way


def test_a_file_that_is_not_a_warc_is_one_failure(backfill, tmp_path):
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a WARC file\n" * 100)
    report = backfill(junk)
    assert report.articles == 0 and "not a WARC record at byte 0" in report.failures[0][1]


def test_a_directory_is_read_file_by_file_and_a_wrong_source_is_a_clear_error(sample, backfill, tmp_path):
    pages = site_captures(sample)
    folder = tmp_path / "crawl"
    folder.mkdir()
    write_warc(folder / "a.warc.gz", pages[:5])
    write_warc(folder / "b.warc", pages[5:])
    (folder / "notes.txt").write_text("not an archive")
    report = backfill(folder)
    assert report.files == report.files_done == 2 and report.articles == len(ORIGINALS)
    with pytest.raises(SourceError, match="no such file"):
        backfill(tmp_path / "missing.warc.gz")
    with pytest.raises(SourceError, match="cc-news:YYYY-MM"):
        backfill("cc-news:2024")


@pytest.mark.parametrize("honour_range", [True, False])
def test_a_remote_file_is_streamed_and_resumed_with_a_range_request(sample, settings, bus, backfill, tmp_path, honour_range):
    data = write_warc(tmp_path / "site.warc.gz", site_captures(sample)).read_bytes()
    server = ArchiveServer({"/archive/site.warc.gz": data}, honour_range=honour_range)
    try:
        url = server.base_url + "archive/site.warc.gz"
        assert backfill(url, filters=Filters(limit=4)).articles == 4
        report = backfill(url)
        assert report.articles == len(ORIGINALS) - 4 and report.files_done == 1
        [(_, first), (_, second)] = server.requests
        assert first is None and second and second.startswith("bytes=")
    finally:
        server.close()
    articles = published_articles(bus, settings)
    assert len(articles) == len({a.id for a in articles}) == len(ORIGINALS)
    assert {a.feed_url for a in articles} == {url}


def test_a_remote_file_above_the_size_cap_is_refused(sample, settings, bus, state, fetcher, tmp_path):
    data = write_warc(tmp_path / "site.warc.gz", site_captures(sample)).read_bytes()
    server = ArchiveServer({"/big.warc.gz": data})
    try:
        small = settings.model_copy(update={"backfill_max_bytes": len(data) // 2})
        archives = resolve_sources([server.base_url + "big.warc.gz"], fetcher, small.cc_news_base_url)
        report = Backfill(small, bus, state, fetcher).run(archives)
    finally:
        server.close()
    assert report.articles == 0 and "backfill_max_bytes" in report.failures[0][1]


def test_a_cc_news_month_reads_every_file_of_its_list(sample, settings, bus, state, fetcher, tmp_path):
    pages = site_captures(sample)
    server = ArchiveServer()
    server.add_cc_news_month(2026, 3, {
        "CC-NEWS-20260301000000-00000.warc.gz": write_warc(tmp_path / "a.warc.gz", pages[:6]).read_bytes(),
        "CC-NEWS-20260302000000-00001.warc.gz": write_warc(tmp_path / "b.warc.gz", pages[6:]).read_bytes(),
    })
    try:
        archives = resolve_sources(["cc-news:2026-03"], fetcher, server.base_url)
        assert [a.name.rsplit("/", 1)[1] for a in archives] == ["CC-NEWS-20260301000000-00000.warc.gz",
                                                               "CC-NEWS-20260302000000-00001.warc.gz"]
        report = Backfill(settings, bus, state, fetcher).run(archives)
        with pytest.raises(Exception, match="404"):
            resolve_sources(["cc-news:2026-04"], fetcher, server.base_url)
    finally:
        server.close()
    assert report.files_done == 2 and report.articles == len(ORIGINALS)
    assert {a.canonical_url for a in published_articles(bus, settings)} == originals(sample)


def test_a_publication_date_after_the_capture_is_replaced_by_the_capture_time(sample, settings, bus, backfill, tmp_path):
    page = next(c for c in site_captures(sample) if c.url == ORIGINALS[0].url(sample.base_url))
    early = Capture(page.url, page.body, date="2020-01-01T00:00:00Z")
    backfill(write_warc(tmp_path / "early.warc", [early]))
    [article] = published_articles(bus, settings)
    assert article.published_at == article.fetched_at == datetime(2020, 1, 1, tzinfo=timezone.utc)


def test_the_syndicated_copy_alone_is_an_article_of_its_own_url(sample, settings, bus, backfill, tmp_path):
    copy = capture([SYNDICATED_COPY.url(sample.base_url)])
    backfill(write_warc(tmp_path / "copy.warc", copy))
    [article] = published_articles(bus, settings)
    assert article.canonical_url == SYNDICATED_COPY.url(sample.base_url)


def test_ids_are_those_a_separate_live_ingest_of_the_same_site_gives(sample, settings, bus, backfill, tmp_path):
    backfill(write_warc(tmp_path / "site.warc.gz", site_captures(sample)))
    elsewhere = test_settings(tmp_path / "live")
    live_bus = SQLiteBus(tmp_path / "live-bus.db")
    live = IngestStage(elsewhere, live_bus)
    try:
        live.poll_once(sample.feed_urls)
        live_articles = published_articles(live_bus, elsewhere)
    finally:
        live.close()
        live_bus.close()
    ours = {a.canonical_url: a.id for a in published_articles(bus, settings)}
    theirs = {a.canonical_url: a.id for a in live_articles}
    common = ours.keys() & theirs.keys()
    assert {url: ours[url] for url in common} == {url: theirs[url] for url in common}
    # Of an original and its syndicated copy, whichever comes first is kept (the feed lists the
    # copy first, the archive the original): the one other URL of each side is that pair.
    assert len(common) == len(ORIGINALS) - 1
    assert {SYNDICATED_COPY.url(sample.base_url)} == theirs.keys() - common
