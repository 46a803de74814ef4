"""Feed sources and feed parsing."""

import logging
import time
from datetime import datetime, timezone

import pytest

from ingest.feeds import FeedError, html_to_text, load_feed_sources, parse_feed

# --- sources -------------------------------------------------------------------------------


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


# --- parsing -------------------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Example News</title><link>https://news.example/</link>
  <item>
    <title>Council approves &amp; funds the bridge</title>
    <link>/2024/05/bridge?utm_source=rss</link>
    <pubDate>Thu, 02 May 2024 09:30:00 +0200</pubDate>
    <dc:creator>Jane Doe</dc:creator>
    <category>Local</category><category>Transport</category>
    <description>&lt;p&gt;The council approved the &lt;b&gt;bridge&lt;/b&gt;.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>First paragraph of the story.</p><script>alert(1)</script><p>Second paragraph, AT&amp;T said.</p>]]></content:encoded>
    <media:content url="https://img.news.example/bridge.jpg" medium="image"/>
  </item>
  <item><title>No date here</title><link>https://news.example/nodate</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom News</title>
  <entry>
    <title>Atom story</title>
    <link rel="alternate" href="https://atom.example/story"/>
    <updated>2024-05-03T10:00:00Z</updated>
    <author><name>Ann Author</name></author><author><name>Bob Writer</name></author>
    <category term="politics"/>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;Full &lt;em&gt;content&lt;/em&gt; of the Atom story.&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_rss_entries_become_plain_values():
    feed = parse_feed(RSS, "https://news.example/feed.xml")
    assert feed.title == "Example News" and not feed.bozo
    first, second = feed.entries
    assert first.link == "https://news.example/2024/05/bridge?utm_source=rss"  # resolved against the feed URL
    assert first.title == "Council approves & funds the bridge"
    assert first.published == datetime(2024, 5, 2, 7, 30, tzinfo=timezone.utc)
    assert first.authors == ["Jane Doe"]
    assert first.tags == ["Local", "Transport"]
    assert first.summary == "The council approved the bridge."
    assert first.content == "First paragraph of the story.\nSecond paragraph, AT&T said."
    assert first.image == "https://img.news.example/bridge.jpg"
    assert second.published is None and second.content == ""


def test_atom_entries_with_html_content_and_several_authors():
    (entry,) = parse_feed(ATOM, "https://atom.example/feed").entries
    assert entry.link == "https://atom.example/story"
    assert entry.published == datetime(2024, 5, 3, 10, 0, tzinfo=timezone.utc)
    assert entry.authors == ["Ann Author", "Bob Writer"]
    assert entry.tags == ["politics"]
    assert entry.summary == "Short summary."
    assert entry.content == "Full content of the Atom story."


def test_json_feeds_are_parsed():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "url": "https://j.example/1", "title": "Json item", "content_html": "<p>Body</p>"}]}'
    (entry,) = parse_feed(body, "https://j.example/feed.json").entries
    assert (entry.link, entry.title) == ("https://j.example/1", "Json item")


def test_a_malformed_feed_with_entries_is_used_with_a_warning(caplog):
    broken = RSS.replace(b"</channel></rss>", b"<item><title>unclosed")
    with caplog.at_level(logging.WARNING, logger="ingest.feeds"):
        feed = parse_feed(broken, "https://news.example/feed.xml")
    assert feed.bozo and len(feed.entries) >= 2
    assert "malformed but has" in caplog.text and "https://news.example/feed.xml" in caplog.text


def test_garbage_is_a_clear_feed_error():
    with pytest.raises(FeedError, match=r"https://x.example/feed: not a usable feed"):
        parse_feed(b"\x00\x9f\x92garbage<<<>>>\xff" * 10, "https://x.example/feed")
    with pytest.raises(FeedError, match="not a usable feed"):
        parse_feed(b"<html><body><p>Just a web page</p></body></html>", "https://x.example/page")


def test_feed_bytes_are_never_taken_for_a_path_or_url(tmp_path):
    # feedparser opens a *string* argument as a file or fetches it as a URL; we never let it
    local = tmp_path / "local-feed.xml"
    local.write_bytes(RSS)
    with pytest.raises(FeedError):
        parse_feed(str(local).encode(), "https://x.example/feed")


def test_entity_expansion_bombs_do_not_blow_up():
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    bomb = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol0 "lol">
{entities}]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Entry &lol9;</title><link>https://x.example/a</link><description>&lol9;</description></item>
</channel></rss>""".encode()
    t0 = time.monotonic()
    feed = parse_feed(bomb, "https://x.example/feed")
    assert time.monotonic() - t0 < 2
    # a billion "lol"s would be 3 GB; nothing anywhere near that is produced
    assert len(feed.title) < 100
    assert all(len(e.title) < 100 and len(e.summary) < 100 for e in feed.entries)


def test_html_to_text_keeps_paragraphs_and_drops_markup():
    assert html_to_text("<p>One &amp; two</p><script>x()</script><p>Three<br>four</p>") == "One & two\nThree\nfour"
    assert html_to_text("Plain AT&amp;T") == "Plain AT&T"
