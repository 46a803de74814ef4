"""Feed sources and feed parsing."""

import logging
import time
from datetime import datetime, timezone

import pytest

from ingest.feeds import FeedError, html_to_text, parse_feed

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
