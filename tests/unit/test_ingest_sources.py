"""Sources beyond a feed URL on a command line: the registry (`newsflow feeds`), autodiscovery,
sitemaps, and articles that are edited after they were published."""

import gzip
import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from newsflow.core.bus.embedded import SQLiteBus
from newsflow.cli import cli
from newsflow.core.contracts import article_id
from ingest.feeds import FeedError, discover_feeds
from ingest.sitemaps import newest_children, parse_sitemap
from ingest.stage import IngestStage
from ingest.state import IngestState
from test_ingest_stage import read_topic, rss, serve_article, serve_feed
from test_ingest_support import Site, article_html, paragraphs, test_settings


# --- sitemaps ----------------------------------------------------------------------------------

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>{old}</loc><lastmod>2024-05-01T08:00:00Z</lastmod>
    <news:news><news:publication><news:name>Example</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-05-01T08:00:00+00:00</news:publication_date><news:title>Old story</news:title>
      <news:keywords>council, budget</news:keywords></news:news></url>
  <url><loc>{new}</loc><news:news><news:publication_date>2024-05-03T08:00:00Z</news:publication_date>
      <news:title>New story</news:title></news:news></url>
</urlset>"""


def test_a_google_news_sitemap_gives_entries_newest_first():
    body = NEWS_SITEMAP.format(old="https://ex.com/old", new="/new").encode()
    sm = parse_sitemap(body, "https://ex.com/sitemap.xml")
    assert [(e.link, e.title) for e in sm.entries] == [("https://ex.com/new", "New story"), ("https://ex.com/old", "Old story")]
    assert sm.entries[1].tags == ["council", "budget"] and sm.entries[1].published == datetime(2024, 5, 1, 8, tzinfo=timezone.utc)


def test_a_sitemap_index_lists_its_children_newest_first():
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://ex.com/a.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
      <sitemap><loc>https://ex.com/b.xml</loc><lastmod>2024-06-01</lastmod></sitemap>
      <sitemap><loc>file:///etc/passwd</loc></sitemap></sitemapindex>"""
    sm = parse_sitemap(body, "https://ex.com/index.xml")
    assert newest_children(sm.children) == ["https://ex.com/b.xml", "https://ex.com/a.xml"]


def test_sitemaps_are_parsed_without_expanding_entities():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
      <urlset><url><loc>&b;</loc></url></urlset>"""
    with pytest.raises(FeedError, match="not a usable sitemap"):
        parse_sitemap(bomb, "https://ex.com/s.xml")


def test_a_gzip_sitemap_is_read_and_a_gzip_bomb_refused():
    body = gzip.compress(NEWS_SITEMAP.format(old="https://ex.com/o", new="https://ex.com/n").encode())
    assert len(parse_sitemap(body, "https://ex.com/s.xml.gz").entries) == 2
    with pytest.raises(FeedError, match="larger than 1000 bytes"):
        parse_sitemap(gzip.compress(b"<urlset>" + b" " * 100000 + b"</urlset>"), "https://ex.com/s.xml.gz", max_bytes=1000)


def test_a_registered_sitemap_is_polled_like_a_feed(site, bus, tmp_path):
    settings = test_settings(tmp_path)
    a, b = serve_article(site, "/news/a", "alpha"), serve_article(site, "/news/b", "beta")
    site.route("/sitemap-news.xml", NEWS_SITEMAP.format(old=a, new=b), headers={"Content-Type": "application/xml"})
    index = site.route("/sitemap.xml", f"<sitemapindex><sitemap><loc>{site.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>",
                       headers={"Content-Type": "text/xml"})
    stage = IngestStage(settings, bus)
    try:
        stage.state.register(index, "sitemap")
        report = stage.poll_once([index])
    finally:
        stage.close()
    assert report.articles_published == 2
    assert {art.url for _, art in read_topic(bus, settings)} == {a, b}


# --- autodiscovery and the registry ----------------------------------------------------------------


def test_feeds_are_discovered_from_alternate_links():
    html = """<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">
      <link rel="alternate" type="application/atom+xml" href="https://cdn.ex.com/atom.xml">
      <link rel="alternate" hreflang="de" href="/de/"><link rel="stylesheet" href="/s.css"></head></html>"""
    assert discover_feeds(html, "https://ex.com/news/") == ["https://ex.com/rss.xml", "https://cdn.ex.com/atom.xml"]


@pytest.fixture
def newsflow(tmp_path):
    runner = CliRunner()
    data = str(tmp_path / "data")

    def invoke(*args):
        return runner.invoke(cli, [*args[:2], "--data-dir", data, *args[2:]] if args[0] == "feeds" else list(args),
                             catch_exceptions=False)
    return invoke


def test_feeds_add_list_export_remove_import(site, newsflow, tmp_path):
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": site.url("/news/x")}))
    home = site.route("/", f'<html><head><link rel="alternate" type="application/rss+xml" title="News" href="/feeds/rss.xml"></head>'
                           "<body>Home</body></html>")
    added = newsflow("feeds", "add", "--allow-private-hosts", home)
    assert added.exit_code == 0 and f"added: feed {feed} (found on {home})" in added.output
    assert "already registered" in newsflow("feeds", "add", "--allow-private-hosts", feed).output

    rows = [json.loads(line) for line in newsflow("feeds", "list", "--json").output.splitlines()]
    assert [(r["url"], r["kind"], r["title"], r["last_success"], r["entries_seen"]) for r in rows] == [(feed, "feed", "RSS feed", None, 0)]

    exported = newsflow("feeds", "export").output
    assert f'xmlUrl="{feed}"' in exported
    (tmp_path / "feeds.opml").write_text(exported.replace(feed, site.url("/feeds/other.xml")))
    assert newsflow("feeds", "remove", feed).output == f"removed: {feed}\n"
    assert newsflow("feeds", "remove", feed).exit_code == 1
    assert "imported 1 feeds" in newsflow("feeds", "import", str(tmp_path / "feeds.opml")).output
    assert [f.url for f in IngestState(tmp_path / "data" / "ingest.db").registered()] == [site.url("/feeds/other.xml")]


def test_feeds_add_refuses_what_is_not_a_feed(site, newsflow):
    page = site.route("/plain", "<html><head><title>No feeds</title></head><body>Hi</body></html>")
    result = newsflow("feeds", "add", "--allow-private-hosts", page, site.url("/missing.xml"))
    assert result.exit_code == 1
    assert "links to no feed" in result.output and "HTTP 404" in result.output
    assert newsflow("feeds", "list").output.startswith("no feeds registered")


def test_feeds_add_refuses_private_hosts_unless_allowed(site, newsflow):
    result = newsflow("feeds", "add", serve_feed(site, "/feeds/rss.xml", rss()))
    assert result.exit_code == 1 and "--allow-private-hosts" in result.output


def test_feeds_add_sitemap(site, newsflow):
    url = site.route("/sitemap.xml", NEWS_SITEMAP.format(old=site.url("/a"), new=site.url("/b")), headers={"Content-Type": "application/xml"})
    assert f"added: sitemap {url}" in newsflow("feeds", "add", "--sitemap", "--allow-private-hosts", url).output


# --- edited articles -----------------------------------------------------------------------------


def test_an_edited_article_is_published_again_as_a_new_revision_of_the_same_article(site, bus, tmp_path):
    settings = test_settings(tmp_path)
    site.route("/news/story", article_html("The story", paragraphs("first version")))
    link = site.url("/news/story")
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": link, "summary": "First teaser."}))
    stage = IngestStage(settings, bus)
    try:
        stage.poll_once([feed])
        stage.poll_once([feed])  # unchanged: nothing fetched again, nothing published
        assert site.requests["/news/story"] == 1

        site.route("/news/story", article_html("The story (updated)", paragraphs("second version")))
        serve_feed(site, "/feeds/rss.xml", rss({"link": link, "summary": "Updated teaser."}))
        report = stage.poll_once([feed])
        assert (report.articles_revised, report.articles_published) == (1, 0)

        serve_feed(site, "/feeds/rss.xml", rss({"link": link, "summary": "Teaser reworded, page unchanged."}))
        assert stage.poll_once([feed]).articles_revised == 0  # the page text did not change: no new revision
    finally:
        stage.close()
    (_, first), (_, second) = read_topic(bus, settings)
    assert first.id == second.id == article_id(link)
    assert (first.revision, first.updated_at) == (1, None)
    assert second.revision == 2 and second.updated_at is not None
    assert "second version" in second.text and second.title == "The story (updated)"


def test_an_edit_whose_page_cannot_be_read_keeps_the_old_version(site, bus, tmp_path, caplog):
    settings = test_settings(tmp_path)
    link = serve_article(site, "/news/story", "story")
    feed = serve_feed(site, "/feeds/rss.xml", rss({"link": link, "summary": "v1"}))
    stage = IngestStage(settings, bus)
    try:
        stage.poll_once([feed])
        site.route("/news/story", "gone", status=410)
        serve_feed(site, "/feeds/rss.xml", rss({"link": link, "summary": "v2"}))
        report = stage.poll_once([feed])
        assert report.articles_revised == 0 and report.failures == [] and report.problems["entry:edit_unreadable"] == 1
        assert "changed in the feed but its new version could not be read" in caplog.text
        stage.poll_once([feed])
        assert site.requests["/news/story"] == 2  # not refetched on every poll
    finally:
        stage.close()
    assert len(read_topic(bus, settings)) == 1


def test_articles_from_before_revisions_existed_parse_as_revision_one():
    from newsflow.core.contracts import Article

    old = {"id": "x", "url": "https://e.com/a", "canonical_url": "https://e.com/a", "source": "e.com", "text": "t", "content_hash": "h"}
    art = Article.model_validate(old)
    assert (art.revision, art.updated_at) == (1, None)
