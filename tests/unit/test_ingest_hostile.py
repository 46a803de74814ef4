"""Hostile feeds and pages: nothing one source does can stop, blind or fool the pipeline.

Each case runs through the ingest stage against a real loopback server, beside the control
feed of ``test_ingest_bad_input.Run`` whose article must come through in the same poll. Each
checks the one clear log line and the ``newsflow_ingest_problems`` kind it is counted under.
"""

import gzip
import json
import logging
from html import escape

import brotli
import pytest
import zstandard

import ingest.fetch as fetch_mod
from ingest.feeds import parse_feed
from ingest.stage import IngestStage
from newsflow.core.contracts import article_id
from test_ingest_bad_input import Run, feed_with
from test_ingest_stage import rss, serve_article, serve_feed
from test_ingest_support import article_html, paragraphs, redirect

MB = 1024 * 1024
JSON_FEED = "https://jsonfeed.org/version/1.1"


@pytest.fixture
def run(site, bus, tmp_path, caplog):
    def make(**overrides):
        return Run(site, bus, tmp_path, caplog, **overrides)
    return make


def json_feed(site, path, items, **extra) -> str:
    doc = {"version": JSON_FEED, "title": "JSON feed", **extra, "items": items}
    return site.route(path, json.dumps(doc), headers={"Content-Type": "application/feed+json"})


def localhost(site, path: str) -> str:
    """The same loopback server under another name: another site, another host to be polite to."""
    return site.url(path).replace("127.0.0.1", "localhost")


def published(r) -> dict[str, object]:
    return {a.url: a for a in r.articles}


def assert_page_refused(r, site, page: str, reason: str, kind: str) -> None:
    """One poll of a feed listing ``page``: one line with the reason, counted by kind, control intact."""
    r.poll(feed_with(site, "/feeds/refused.xml", page))
    assert f"article {page} not ingested: {reason}" in r.caplog.text
    assert r.counted(kind) == 1
    r.assert_good_article_published()


# --- 1. one entry's wrong types cost that entry (or that field) only -----------------------


def test_json_feed_items_with_wrong_types_lose_only_the_wrong_fields(site, run):
    r = run()
    ok = serve_article(site, "/news/json-ok", "json fine")
    odd = serve_article(site, "/news/json-odd", "json odd")
    feed = json_feed(site, "/feeds/poison.json", [
        {"id": "ok", "url": ok, "title": "Fine"},
        {"id": "odd", "url": odd, "image": 12345, "authors": 7, "tags": "not-a-list", "title": {"nested": True},
         "date_published": "0001-01-01T00:00:00+05:00", "date_modified": 17},
        42,
        ["not", "an", "object"],
    ])
    report = r.poll(feed)
    got = published(r)
    assert {ok, odd} <= set(got)
    assert got[odd].image == "https://img.example.com/lead.jpg"  # the page's own image; the feed's number was dropped
    for line in ("entry #2 (id 'odd'): field 'image' is a number, not a URL; dropped",
                 "entry #2 (id 'odd'): field 'authors' is a number, not a list; dropped",
                 "entry #2 (id 'odd'): field 'title' is an object, not a string; dropped",
                 "entry #3 skipped: it is a number, not an object",
                 "entry #4 skipped: it is a list, not an object"):
        assert f"feed {feed}: {line}" in r.caplog.text
    assert r.counted("entry:bad_field") == 5 and r.counted("entry:invalid") == 2
    assert report.feeds_failed == 0
    r.assert_good_article_published()


def test_a_lone_surrogate_in_a_json_feed_costs_nothing(site, run):
    r = run()
    bare = site.route("/news/bare", "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs("bare")) + "</article></body></html>")
    fine = serve_article(site, "/news/after-surrogate", "after surrogate")
    feed = site.route("/feeds/surrogate.json", '{"version": "%s", "items": [{"id": "s", "url": "%s", "title": "Broken \\ud800 title"},'
                      ' {"id": "f", "url": "%s"}]}' % (JSON_FEED, bare, fine), headers={"Content-Type": "application/feed+json"})
    r.poll(feed)
    got = published(r)
    assert got[bare].title == "Broken \ufffd title" and fine in got
    r.assert_good_article_published()


@pytest.mark.parametrize("body,reason", [
    ({"version": JSON_FEED, "items": "everything"}, "JSON Feed 'items' is a string, not a list"),
    ({"version": JSON_FEED, "items": 3}, "JSON Feed 'items' is a number, not a list"),
    ('{"version": "' + JSON_FEED + '", "items": [' + "[" * 100_000 + "]" * 100_000 + "]}", "JSON nested too deeply"),
], ids=["items-a-string", "items-a-number", "deeply-nested"])
def test_a_json_feed_that_is_unusable_as_a_whole_fails_alone(site, run, body, reason):
    r = run()
    text = body if isinstance(body, str) else json.dumps(body)
    feed = site.route("/feeds/broken.json", text, headers={"Content-Type": "application/feed+json"})
    report = r.poll(feed)
    assert report.feeds_failed == 1 and r.counted("feed:unparsable") == 1
    assert f"feed {feed} failed: {feed}: not a usable feed ({reason})" in r.caplog.text
    assert "unexpected error" not in r.caplog.text
    r.assert_good_article_published()


def test_a_poison_entry_never_poisons_the_state(site, run, monkeypatch):
    r = run()
    fine, poison = serve_article(site, "/news/fine", "fine"), serve_article(site, "/news/poison", "poison")
    feed = serve_feed(site, "/feeds/mixed.xml", rss({"link": poison}, {"link": fine}))
    real = IngestStage._article

    def article(self, feed_url, entry, *args):
        if entry.link == poison:
            raise TypeError("a bug below the stage")
        return real(self, feed_url, entry, *args)

    monkeypatch.setattr(IngestStage, "_article", article)
    first = r.poll(feed)
    assert fine in published(r) and poison not in published(r)
    assert f"feed {feed}: entry {poison} skipped: TypeError: a bug below the stage" in r.caplog.text
    assert r.counted("entry:invalid") == 1 and (poison, "TypeError: a bug below the stage") in first.failures

    monkeypatch.setattr(IngestStage, "_article", real)  # the bug fixed: the same data dir goes on
    r.poll(feed)
    assert poison in published(r)
    r.assert_good_article_published()


def test_implausible_feed_dates_are_ignored_and_said_at_debug_level(caplog):
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            "<item><title>a</title><link>http://example.com/a</link><pubDate>Mon, 01 Jan 0001 00:00:00 GMT</pubDate></item>"
            "<item><title>b</title><link>http://example.com/b</link><pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item>"
            "</channel></rss>").encode()
    with caplog.at_level(logging.DEBUG, logger="ingest"):
        feed = parse_feed(body, "http://example.com/feed.xml")
    assert [e.published for e in feed.entries] == [None, None]
    assert "entry #1: published 'Mon, 01 Jan 0001 00:00:00 GMT' is outside 1900-8999; ignored" in caplog.text
    assert "entry #2: published 'Fri, 31 Dec 9999 23:59:59 GMT' is outside 1900-8999; ignored" in caplog.text
    assert all(rec.levelno == logging.DEBUG for rec in caplog.records if "ignored" in rec.getMessage())


# --- 2. a page speaks for its own site only ------------------------------------------------


def test_a_canonical_on_another_site_is_ignored(site, run):
    r = run()
    victim = localhost(site, "/news/victim")
    site.route("/news/victim", article_html("The real story", paragraphs("real")))
    r.poll(feed_with(site, "/feeds/victim.xml", victim))
    hijacker = site.route("/news/hijack", article_html("HIJACKED story", paragraphs("hijack"), canonical=victim))
    r.poll(feed_with(site, "/feeds/hijacker.xml", hijacker))

    got = published(r)
    assert got[victim].title == "The real story" and got[victim].id == article_id(victim)
    assert got[hijacker].id == article_id(hijacker) and got[hijacker].canonical_url == hijacker
    assert f"page {hijacker} declares rel=canonical {victim}, on another site; ignored" in r.caplog.text
    assert r.counted("page:foreign_canonical") == 1
    r.assert_good_article_published()


def test_og_url_of_another_site_claims_nothing(site, run):
    r = run()
    victim = localhost(site, "/news/victim-og")
    html = article_html("OG hijack", paragraphs("og")).replace("<head>", f'<head><meta property="og:url" content="{victim}">')
    page = site.route("/news/og", html)
    r.poll(feed_with(site, "/feeds/og.xml", page))
    assert published(r)[page].id == article_id(page)
    r.assert_good_article_published()


def test_a_canonical_within_the_same_site_still_counts(site, run):
    r = run()
    canonical = site.url("/news/the-canonical")
    page = site.route("/news/amp-copy", article_html("Same site", paragraphs("same site"), canonical=canonical))
    r.poll(feed_with(site, "/feeds/same.xml", page))
    assert published(r)[page].canonical_url == canonical and r.counted("page:foreign_canonical") == 0


def test_the_public_suffix_list_is_never_fetched(monkeypatch):
    import importlib

    import requests

    import ingest.sites as sites

    def no_network(*args, **kwargs):
        raise AssertionError("tldextract tried to fetch the public suffix list")

    monkeypatch.setattr(requests.Session, "request", no_network)
    fresh = importlib.reload(sites)
    assert fresh.registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert fresh.registrable_domain("alice.github.io") == "alice.github.io"  # private suffixes: one site per user
    assert not fresh.same_site("https://alice.github.io/a", "https://bob.github.io/b")


# --- 3. one big feed or one slow site does not hold the run -------------------------------


def dated_rss(links: list[str]) -> str:
    """Items dated one day apart, the last link newest, listed oldest first (order must not matter)."""
    items = "".join(f"<item><title>Entry {i}</title><link>{escape(link)}</link>"
                    f"<pubDate>{1 + i:02d} May 2024 09:00:00 +0000</pubDate></item>" for i, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>{items}</channel></rss>'


def test_a_big_feed_gives_its_newest_entries_first_and_the_rest_in_later_polls(site, run):
    r = run(feed_max_entries=3)
    links = [serve_article(site, f"/news/big-{i}", f"big number {i}") for i in range(7)]
    feed = serve_feed(site, "/feeds/big.xml", dated_rss(links), etag='"v1"')
    rounds = []
    for _ in range(3):
        before = {a.url for a in r.articles} if hasattr(r, "articles") else set()
        r.poll(feed)
        rounds.append({a.url for a in r.articles} - before - {r.good_link})
    assert rounds == [set(links[4:]), set(links[1:4]), {links[0]}]
    assert f"feed {feed}: more than 3 entries to fetch; taking the newest 3 now, the rest in later polls" in r.caplog.text
    assert r.counted("feed:entries_deferred") == 2


def test_only_the_first_entries_of_a_huge_feed_document_are_parsed(caplog):
    items = "".join(f"<item><title>Entry {i}</title><link>http://example.com/a/{i}</link></item>" for i in range(12))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>{items}</channel></rss>'.encode()
    with caplog.at_level(logging.INFO, logger="ingest"):
        feed = parse_feed(body, "http://example.com/huge.xml", max_entries=5)
    assert [e.link for e in feed.entries] == [f"http://example.com/a/{i}" for i in range(5)]
    assert not feed.bozo and feed.title == "huge"  # the document stays well-formed after the cut
    assert feed.problems == ["feed:too_many_entries"]
    assert "feed http://example.com/huge.xml lists 12 entries; reading the first 5" in caplog.text


def crawl_delay_robots(delay: int):
    """robots.txt asking ``localhost`` (the slow site) for ``delay`` seconds between requests, 127.0.0.1 for nothing."""
    def handler(h):
        body = (f"User-agent: *\nCrawl-delay: {delay}\n" if h.headers.get("Host", "").startswith("localhost")
                else "User-agent: *\nAllow: /\n").encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return handler


def test_a_huge_crawl_delay_is_capped_and_never_holds_other_sites(site, run):
    r = run(respect_robots=True, robots_max_crawl_delay=1.5)
    site.route("/robots.txt", handler=crawl_delay_robots(100_000))
    slow = [localhost(site, f"/news/slow-{i}") for i in range(3)]
    fast = [site.url(f"/news/fast-{i}") for i in range(3)]
    for i in range(3):
        site.route(f"/news/slow-{i}", article_html(f"Slow {i}", paragraphs(f"slow site {i}")))
        serve_article(site, f"/news/fast-{i}", f"fast site {i}")
    mixed = [u for pair in zip(slow, fast) for u in pair]
    feed = serve_feed(site, "/feeds/mixed.xml", rss(*({"link": u} for u in mixed)))
    report = r.poll(feed)
    got = set(published(r))
    assert set(fast) <= got  # the other site's pages all came through in this poll
    assert len(got & set(slow)) == 1 and report.failures == []
    assert "asks for a Crawl-delay of 100000 s; honouring 1.5 s (robots_max_crawl_delay)" in r.caplog.text
    assert f"feed {feed}: 2 of its pages left for a later poll: their sites' politeness delays" in r.caplog.text
    assert r.counted("robots:crawl_delay_capped") == 1 and r.counted("page:deferred") == 2
    r.assert_good_article_published()

    r.poll(feed)  # the next poll takes the next page of the slow site
    assert len(set(published(r)) & set(slow)) == 2


def test_a_page_over_the_markup_budget_is_refused_before_extraction(site, run):
    r = run()
    attrs = " ".join(f'data-a{i}="{i}"' for i in range(50_000))
    html = article_html("Attribute bomb", paragraphs("attributes")).replace("<article>", f"<article {attrs}>")
    page = site.route("/news/attrs", html)
    assert_page_refused(r, site, page, "markup over budget: an element with 50000 attributes (at most 1000)",
                        "page:markup_budget")


# --- 4. memory ----------------------------------------------------------------------------


def test_xml_entity_amplification_is_refused(site, run):
    r = run()
    value = "x" * 1000
    items = "".join(f"<item><title>&big;</title><link>{site.url(f'/news/e{i}')}</link><description>"
                    + "&big;" * 200 + "</description></item>" for i in range(20))
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{value}">]>'
            f'<rss version="2.0"><channel><title>bomb</title>{items}</channel></rss>')
    feed = site.route("/feeds/amplified.xml", body, headers={"Content-Type": "application/rss+xml"})
    report = r.poll(feed)
    assert report.feeds_failed == 1 and r.counted("feed:unparsable") == 1
    assert "XML entity expansion refused: entity 'big' is used 4020 times" in r.caplog.text
    r.assert_good_article_published()


def test_a_small_declared_entity_is_still_expanded(site, run):
    r = run()
    link = serve_article(site, "/news/entity", "entity")
    body = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY co "Example Corp">]><rss version="2.0"><channel><title>t</title>'
            f"<item><title>News from &co;</title><link>{link}</link></item></channel></rss>")
    feed = site.route("/feeds/entity.xml", body, headers={"Content-Type": "application/rss+xml"})
    assert parse_feed(body.encode(), feed).entries[0].title == "News from Example Corp"
    r.poll(feed)
    assert link in published(r)


def test_a_brotli_bomb_is_cut_at_the_size_cap(site, run):
    r = run()
    assert "br" in fetch_mod.ACCEPT_ENCODING and "zstd" not in fetch_mod.ACCEPT_ENCODING
    bomb = brotli.compress(b"<p>" + b"\0" * (200 * MB), quality=5)  # 200 MB in a few hundred bytes
    page = site.route("/news/br-bomb", bomb, headers={"Content-Type": "text/html", "Content-Encoding": "br"})
    assert_page_refused(r, site, page, f"body larger than {MB} bytes", "page:too_large")
    assert "br" in r.site.headers_seen["/news/br-bomb"][0]["Accept-Encoding"]


def test_a_brotli_page_within_the_cap_is_read(site, run):
    r = run()
    html = article_html("Brotli story", paragraphs("brotli")).encode()
    page = site.route("/news/br", brotli.compress(html), headers={"Content-Type": "text/html", "Content-Encoding": "br"})
    r.poll(feed_with(site, "/feeds/br-ok.xml", page))
    assert published(r)[page].title == "Brotli story"


def test_a_zstd_body_we_did_not_ask_for_is_refused(site, run):
    r = run()
    body = zstandard.ZstdCompressor().compress(article_html("Zstd", paragraphs("zstd")).encode())
    page = site.route("/news/zstd", body, headers={"Content-Type": "text/html", "Content-Encoding": "zstd"})
    assert_page_refused(r, site, page, "unsupported Content-Encoding 'zstd' (we ask for gzip, deflate, br)", "page:fetch_error")


# --- 5. decoding and links ----------------------------------------------------------------


def test_a_multi_member_gzip_feed_is_read_whole(site, run):
    r = run()
    links = [serve_article(site, f"/news/member-{i}", f"member {i}") for i in range(4)]
    body = rss(*({"link": u} for u in links)).encode()
    half = len(body) // 2
    feed = site.route("/feeds/members.xml", gzip.compress(body[:half]) + gzip.compress(body[half:]),
                      headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})
    r.poll(feed)
    assert set(links) <= set(published(r))
    r.assert_good_article_published()


CYRILLIC = "Городской совет обсудил новый план строительства моста через реку. " * 4


@pytest.mark.parametrize("codec,declared", [("cp1251", "utf-8"), ("utf-8", "windows-1251")])
def test_a_feed_in_another_charset_than_declared_is_decoded_right(site, run, codec, declared):
    r = run()
    missing = site.url(f"/news/gone-{codec}")  # 404: the article is taken from the feed's own text
    body = (f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>Новости</title>'
            f"<item><title>Мост</title><link>{missing}</link><description>{CYRILLIC}</description></item></channel></rss>")
    feed = site.route(f"/feeds/{codec}.xml", body.encode(codec), headers={"Content-Type": f"application/rss+xml; charset={declared}"})
    r.poll(feed)
    art = published(r)[missing]
    assert art.title == "Мост" and CYRILLIC.strip() in art.text
    assert r.counted("feed:charset_mismatch") == 1
    shown = "windows-1251" if declared == "utf-8" else "cp1251"
    assert f"feed {feed}: declared charset {'utf-8' if declared == 'utf-8' else shown} does not fit the bytes" in r.caplog.text
    r.assert_good_article_published()


def test_relative_entry_links_resolve_against_the_feed_url_and_xml_base(site, run):
    r = run()
    for name in ("rel-json", "rel-atom", "rel-base"):
        serve_article(site, f"/news/{name}", name)
    feed_json = json_feed(site, "/feeds/sub/rel.json", [{"id": "1", "url": "../../news/rel-json"}])
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            '<entry><title>a</title><link href="/news/rel-atom"/><id>a</id><updated>2024-05-03T10:00:00Z</updated></entry>'
            '<entry xml:base="/news/"><title>b</title><link href="rel-base"/><id>b</id><updated>2024-05-03T10:00:00Z</updated></entry>'
            "</feed>")
    feed_atom = site.route("/feeds/rel.atom", atom, headers={"Content-Type": "application/atom+xml"})
    r.poll(feed_json, feed_atom)
    assert {site.url(f"/news/{n}") for n in ("rel-json", "rel-atom", "rel-base")} <= set(published(r))
    r.assert_good_article_published()


@pytest.mark.parametrize("location", ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>"])
def test_a_redirect_to_a_script_url_is_a_clear_refusal(site, run, location):
    r = run()
    feed = site.route("/feeds/script.xml", handler=redirect(location))
    page = site.route("/news/script", handler=redirect(location))
    report = r.poll(feed, feed_with(site, "/feeds/to-script.xml", page))
    scheme = location.split(":")[0]
    assert f"feed {feed} failed: refused: redirect to a {scheme}: URL" in r.caplog.text
    assert f"article {page} not ingested: refused: redirect to a {scheme}: URL" in r.caplog.text
    assert r.counted("feed:blocked_host") == 1 and r.counted("page:blocked_host") == 1
    assert "unexpected" not in r.caplog.text and "InvalidURL" not in r.caplog.text
    assert report.feeds_failed == 1
    r.assert_good_article_published()


def test_entry_links_with_refused_schemes_are_named(site, run):
    r = run()
    feed = serve_feed(site, "/feeds/schemes.xml", rss({"link": "javascript:alert(1)"}, {"link": "file:///etc/passwd"},
                                                      {"link": "data:text/html,hi"}))
    report = r.poll(feed)
    for link, scheme in (("javascript:alert(1)", "javascript"), ("file://etc/passwd", "file"), ("data:text/html,hi", "data")):
        assert f"feed {feed}: entry link {link} refused: {scheme}: links are not fetched (only http and https)" in r.caplog.text
    assert r.counted("entry:not_http") == 3 and report.failures == []
    r.assert_good_article_published()


def test_a_far_future_page_date_gives_way_to_the_feed_date_with_a_debug_line(site, run):
    r = run()
    page = site.route("/news/far-future", article_html("Far future", paragraphs("far future"), published="2999-01-01T00:00:00+00:00"))
    r.poll(feed_with(site, "/feeds/far.xml", page), level=logging.DEBUG)
    assert published(r)[page].published_at.isoformat() == "2024-05-02T09:30:00+00:00"  # the feed's pubDate
    assert f"article {page}: publication date 2999-01-01T00:00:00+00:00 is in the future; trying the next source" in r.caplog.text
    r.assert_good_article_published()


def test_all_hostile_cases_together_in_one_poll(site, run):
    """Every feed above at once: each fails or is trimmed alone, and the control feed is whole."""
    r = run(feed_max_entries=2)
    attrs = " ".join(f'a{i}="{i}"' for i in range(5_000))
    feeds = [
        json_feed(site, "/feeds/t-poison.json", [{"id": "x", "url": site.url("/news/t-json"), "image": 5}, 7]),
        site.route("/feeds/t-deep.json", '{"version": "' + JSON_FEED + '", "items": ' + "[" * 50_000 + "]" * 50_000 + "}",
                   headers={"Content-Type": "application/feed+json"}),
        feed_with(site, "/feeds/t-hijack.xml", site.route("/news/t-hijack", article_html(
            "HIJACKED", paragraphs("hijacked"), canonical=localhost(site, "/news/good")))),
        feed_with(site, "/feeds/t-attrs.xml", site.route(
            "/news/t-attrs", article_html("Attrs", paragraphs("attrs")).replace("<article>", f"<article {attrs}>"))),
        site.route("/feeds/t-amp.xml", '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "' + "y" * 1000 + '">]><rss><channel>'
                   + "<item><title>&e;</title><link>http://127.0.0.1/</link></item>" * 2000 + "</channel></rss>",
                   headers={"Content-Type": "application/rss+xml"}),
        site.route("/feeds/t-br.xml", brotli.compress(b"\0" * (100 * MB)), headers={"Content-Type": "application/rss+xml",
                                                                                     "Content-Encoding": "br"}),
        serve_feed(site, "/feeds/t-big.xml", dated_rss([serve_article(site, f"/news/t-big-{i}", f"t big {i}") for i in range(5)])),
    ]
    site.route("/news/t-json", article_html("Json", paragraphs("t json")))
    report = r.poll(*feeds)
    assert report.feeds_failed == 3  # the nested JSON, the entity bomb and the brotli bomb
    assert r.counted("page:foreign_canonical") == 1 and r.counted("page:markup_budget") == 1
    assert r.counted("feed:entries_deferred") == 1
    assert "unexpected error" not in r.caplog.text
    good = [a for a in r.articles if a.url == r.good_link]
    assert len(good) == 1 and good[0].title == "The good story"
    r.assert_good_article_published()

