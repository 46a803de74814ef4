"""Lists of feeds (OPML, text files of URLs): from a file, and by URL through the guarded fetcher."""

import logging

import pytest
from click.testing import CliRunner

from ingest import feedlists
from ingest.feedlists import is_feed_list, load_feed_sources, read_feed_list
from ingest.feeds import FeedError, parse_feed
from ingest.fetch import BlockedHostError, Fetcher, HTTPStatusError
from ingest.registry import RegistryError, add_source
from ingest.state import IngestState
from newsflow.cli import cli
from test_ingest_stage import rss, serve_feed
from test_ingest_support import test_settings

OPML = ('<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>'
        '<outline text="World"><outline text="C" type="rss" xmlUrl="https://c.example/feed"/>'
        '<outline text="Deeper"><outline text="D" xmlUrl="https://d.example/feed"/></outline></outline>'
        '</body></opml>')


# --- from files ---------------------------------------------------------------------------


def test_urls_text_files_and_opml_files_expand_to_feed_urls_without_duplicates(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text("# news\nhttps://a.example/rss\n\n   https://b.example/atom  \n# https://commented.example/out\nhttps://a.example/rss\n")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>'
        '<outline text="World"><outline text="C" type="rss" xmlUrl="https://c.example/feed"/>'
        '<outline text="Deeper"><outline text="D" xmlUrl="https://d.example/feed"/></outline></outline>'
        '<outline text="B again" xmlUrl="https://b.example/atom"/>'
        '<outline text="a folder without a feed"/></body></opml>'
    )
    got = load_feed_sources(["https://z.example/feed", str(listing), str(opml), "https://z.example/feed"])
    assert got == ["https://z.example/feed", "https://a.example/rss", "https://b.example/atom",
                   "https://c.example/feed", "https://d.example/feed"]


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no such file .*feed URL, a text file of URLs or an OPML file"):
        load_feed_sources([str(tmp_path / "nope.txt")])


def test_a_file_without_feeds_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here yet\n\n")
    with pytest.raises(ValueError, match="lists no feeds"):
        load_feed_sources([str(empty)])
    opml = tmp_path / "empty.opml"
    opml.write_text("<opml><body><outline text='x'/></body></opml>")
    with pytest.raises(ValueError, match="lists no feeds"):
        load_feed_sources([str(opml)])


def test_a_line_that_is_not_a_url_names_file_and_line(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text("https://a.example/rss\nnews.example.com/rss\n")
    with pytest.raises(ValueError, match="feeds.txt line 2: 'news.example.com/rss' is not an http"):
        load_feed_sources([str(listing)])


def test_opml_with_entity_declarations_is_refused_not_expanded(tmp_path):
    opml = tmp_path / "evil.opml"
    opml.write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<opml><body><outline xmlUrl="https://x.example/&b;"/></body></opml>')
    with pytest.raises(ValueError, match="not a valid OPML file"):
        load_feed_sources([str(opml)])



# --- by URL --------------------------------------------------------------------------------


@pytest.fixture
def fetcher(tmp_path):
    with Fetcher(test_settings(tmp_path)) as f:
        yield f


def test_an_opml_list_served_as_text_x_opml_expands_to_its_feeds(site, fetcher):
    url = site.route("/subs.opml", OPML, headers={"Content-Type": "text/x-opml"})
    assert load_feed_sources(["https://z.example/feed", url], fetcher) == [
        "https://z.example/feed", "https://c.example/feed", "https://d.example/feed"]


def test_a_text_list_by_url_expands_and_an_ordinary_feed_url_is_not_fetched(site, fetcher):
    url = site.route("/lists/feeds.txt", "# desk feeds\nhttps://a.example/rss\n\nhttps://b.example/atom\n",
                     headers={"Content-Type": "text/plain; charset=utf-8"})
    feed = site.route("/feeds/rss.xml", rss())
    assert load_feed_sources([url, feed], fetcher) == ["https://a.example/rss", "https://b.example/atom", feed]
    assert site.requests["/feeds/rss.xml"] == 0  # a feed URL stays a feed: the poller fetches it


def test_a_list_url_that_serves_a_feed_is_a_clear_error(site, fetcher):
    url = site.route("/feeds.txt", rss(), headers={"Content-Type": "application/rss+xml"})
    with pytest.raises(ValueError, match=r"not an OPML file or a text list of feed URLs \(got application/rss\+xml\)"):
        read_feed_list(fetcher, url)


def test_a_list_on_a_private_host_is_refused_unless_allowed(site, tmp_path):
    url = site.route("/subs.opml", OPML, headers={"Content-Type": "text/x-opml"})
    with Fetcher(test_settings(tmp_path, allow_private_hosts=False)) as strict:
        with pytest.raises(BlockedHostError):
            load_feed_sources([url], strict)


def test_a_missing_list_raises_the_fetch_error(site, fetcher):
    with pytest.raises(HTTPStatusError, match="HTTP 404"):
        load_feed_sources([site.url("/gone.opml")], fetcher)


def test_included_lists_are_logged_not_followed(site, fetcher, caplog):
    url = site.route("/subs.opml", '<opml version="2.0"><body><outline xmlUrl="https://a.example/rss"/>'
                                   '<outline type="include" url="https://lists.example/more.opml"/></body></opml>')
    with caplog.at_level(logging.WARNING, logger="ingest.feedlists"):
        assert load_feed_sources([url], fetcher) == ["https://a.example/rss"]
    assert "not following the included list https://lists.example/more.opml" in caplog.text
    assert site.requests["/more.opml"] == 0


def test_a_very_long_list_is_cut_with_a_warning(site, fetcher, monkeypatch, caplog):
    monkeypatch.setattr(feedlists, "MAX_LISTED", 2)
    url = site.route("/many.txt", "".join(f"https://f{i}.example/rss\n" for i in range(5)))
    with caplog.at_level(logging.WARNING, logger="ingest.feedlists"):
        assert load_feed_sources([url], fetcher) == ["https://f0.example/rss", "https://f1.example/rss"]
    assert "lists 5 feeds; reading the first 2" in caplog.text


def test_lists_are_told_apart_from_feeds():
    assert is_feed_list(OPML.encode())
    assert is_feed_list(b"<!-- exported --><opml><body/></opml>")
    assert is_feed_list(b"anything", "text/x-opml")
    assert is_feed_list(b"\xef\xbb\xbfhttps://a.example/rss\n# note\n")
    assert not is_feed_list(rss().encode())
    assert not is_feed_list(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}')
    assert not is_feed_list(b"https://a.example/rss\nnot a url\n")


def test_polling_an_opml_list_as_a_feed_says_how_to_import_it():
    with pytest.raises(FeedError, match="an OPML list of feeds, not a feed; `newsflow feeds import https://x.example/subs` registers"):
        parse_feed(OPML.encode(), "https://x.example/subs", content_type="text/x-opml")


# --- the registry and the CLI ---------------------------------------------------------------


def test_adding_a_list_as_a_feed_points_to_import(site, tmp_path, fetcher):
    url = site.route("/subs.opml", OPML, headers={"Content-Type": "text/x-opml"})
    state = IngestState.open(test_settings(tmp_path))
    try:
        with pytest.raises(RegistryError, match="a list of feeds, not a feed; `newsflow feeds import"):
            add_source(state, fetcher, url)
        assert state.registered() == []
    finally:
        state.close()


def test_feeds_import_by_url_registers_every_listed_feed(site, tmp_path):
    url = site.route("/subs.opml", OPML, headers={"Content-Type": "text/x-opml"})
    data = str(tmp_path / "data")
    runner = CliRunner()
    refused = runner.invoke(cli, ["feeds", "import", url, "--data-dir", data])
    assert refused.exit_code == 1 and "--allow-private-hosts" in refused.output
    done = runner.invoke(cli, ["feeds", "import", url, "--allow-private-hosts", "--data-dir", data])
    assert done.exit_code == 0, done.output
    assert done.output == "imported 2 feeds (0 already registered)\n"
    assert [f.url for f in IngestState(tmp_path / "data" / "ingest.db").registered()] == [
        "https://c.example/feed", "https://d.example/feed"]
    gone = runner.invoke(cli, ["feeds", "import", site.url("/gone.opml"), "--allow-private-hosts", "--data-dir", data])
    assert gone.exit_code == 1 and "HTTP 404" in gone.output and len(gone.output.strip().splitlines()) == 1


def test_run_reads_a_feed_list_by_url(site, tmp_path):
    """`run --feeds URL.txt` polls the feeds the list names (here one, on the same test site)."""
    feed = serve_feed(site, "/feeds/rss.xml", rss())
    listing = site.route("/desk.txt", f"{feed}\n", headers={"Content-Type": "text/plain"})
    result = CliRunner().invoke(cli, ["run", "--once", "--feeds", listing, "--allow-private-hosts",
                                      "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert site.requests["/feeds/rss.xml"] >= 1
