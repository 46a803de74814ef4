"""Property: no malformed JSON Feed or RSS document stops a poll or costs the control feed.

Hypothesis writes the documents (wrong types anywhere, odd dates, broken markup, truncation,
declared entities); each is served on a real loopback server beside a control feed, and one
``poll_once`` over both, with fresh state, must return normally with the control article
published, and no parser error may surface as an "unexpected error". Every link the documents hold stays on the loopback server (absolute to it,
relative, or a non-http scheme), so no example reaches for a real host.
"""

import json
import string
import tempfile
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ingest.fetch import Fetcher
from ingest.stage import IngestReport, IngestStage
from newsflow.core.bus.embedded import SQLiteBus
from test_ingest_stage import read_topic, rss, serve_article, serve_feed
from test_ingest_support import Site, paragraphs, test_settings

JSON_FEED = "https://jsonfeed.org/version/1.1"
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One loopback site for every example (the control feed, two real articles, the document under
    test) and one fetcher (building its TLS context is most of a stage's start-up cost)."""
    site = Site()
    control = serve_article(site, "/news/control", "control")
    serve_article(site, "/news/other", "other")
    # a page that says nothing about itself: title, image and authors come from the feed entry
    site.route("/news/bare", "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs("bare")) + "</article></body></html>")
    control_feed = serve_feed(site, "/feeds/control.xml", rss({"link": control}))
    fetcher = Fetcher(test_settings(tmp_path_factory.mktemp("fetcher"), fetch_total_timeout=2.0))
    yield site, control_feed, control, fetcher
    fetcher.close()
    site.close()


def links(site_base: str):
    """Links a hostile feed might hold, all of them harmless to follow from a test."""
    safe_text = st.text(alphabet=string.ascii_letters + string.digits + "-_.~%?=& ", max_size=20)  # relative, no host
    return st.one_of(
        st.sampled_from([f"{site_base}/news/control", f"{site_base}/news/other", f"{site_base}/news/bare", f"{site_base}/missing",
                         "../news/other", "/news/control", "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd",
                         "mailto:a@b.c", "", " "]),
        safe_text,
    )


DATES = st.one_of(
    st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2024-13-45T99:99:99Z", "",
                     "Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "yesterday", "2024-05-02T09:30:00Z"]),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(max_size=30),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.sampled_from(["\ud800", "a\udfffb"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


def json_documents(site_base: str):
    link = links(site_base)
    item = st.fixed_dictionaries({}, optional={
        "id": JSON_VALUES, "url": link | JSON_VALUES, "external_url": link | JSON_VALUES, "title": JSON_VALUES,
        "content_html": st.text(max_size=200) | JSON_VALUES, "content_text": JSON_VALUES, "summary": JSON_VALUES,
        "image": link | JSON_VALUES, "banner_image": JSON_VALUES, "date_published": DATES | JSON_VALUES,
        "date_modified": DATES | JSON_VALUES, "authors": JSON_VALUES, "author": JSON_VALUES, "tags": JSON_VALUES,
    })
    doc = st.fixed_dictionaries({"version": st.just(JSON_FEED) | JSON_VALUES}, optional={
        "title": JSON_VALUES, "home_page_url": JSON_VALUES, "items": st.lists(item | JSON_VALUES, max_size=6) | JSON_VALUES,
    })
    text = doc.map(json.dumps)
    nested = st.integers(1, 60_000).map(lambda n: '{"version": "%s", "items": %s}' % (JSON_FEED, "[" * n + "]" * n))
    return st.one_of(text, nested, st.tuples(text, st.floats(0, 1)).map(lambda t: t[0][: int(len(t[0]) * t[1])]))


def rss_documents(site_base: str):
    raw = st.text(max_size=60)  # unescaped: markup, ampersands and control characters as they come
    value = st.one_of(raw.map(escape), raw, links(site_base).map(escape))

    def element(name, values):
        return st.one_of(st.just(""), values.map(lambda v: f"<{name}>{v}</{name}>"))

    item = st.tuples(
        element("title", value), element("link", links(site_base).map(escape) | value), element("pubDate", DATES.map(escape)),
        element("description", value), element("guid", value), element("author", value), element("category", value),
        st.one_of(st.just(""), links(site_base).map(lambda u: f'<enclosure url="{escape(u)}" type="image/jpeg"/>')),
    ).map(lambda parts: "<item>" + "".join(parts) + "</item>")
    prolog = st.sampled_from(['<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="windows-1251"?>',
                              '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "entity text">]>', ""])
    doc = st.builds(lambda p, items, title: f'{p}<rss version="2.0"><channel>{title}{"".join(items)}</channel></rss>',
                     prolog, st.lists(item, max_size=6), element("title", value))
    return st.one_of(doc, st.tuples(doc, st.floats(0, 1)).map(lambda t: t[0][: int(len(t[0]) * t[1])]))


def poll_beside_control(server, body: bytes, content_type: str) -> tuple[IngestReport, set[str]]:
    site, control_feed, _, fetcher = server
    hostile = site.route("/feeds/hostile", body, headers={"Content-Type": content_type})
    with tempfile.TemporaryDirectory() as tmp:
        cfg = test_settings(Path(tmp), fetch_total_timeout=2.0)
        bus = SQLiteBus(Path(tmp) / "bus.db")
        stage = IngestStage(cfg, bus, fetcher=fetcher)
        try:
            report = stage.poll_once([hostile, control_feed])
            urls = {a.url for _, a in read_topic(bus, cfg)}
        finally:
            stage.close()
            bus.close()
    return report, urls


@pytest.mark.parametrize("documents,content_type", [(json_documents, "application/feed+json"),
                                                   (rss_documents, "application/rss+xml")], ids=["json-feed", "rss"])
def test_no_malformed_feed_stops_the_poll_or_costs_the_control_feed(server, documents, content_type):
    site, _control_feed, control, _ = server

    @EXAMPLES
    @given(documents(site.base))
    def check(text):
        report, urls = poll_beside_control(server, text.encode("utf-8", "surrogatepass"), content_type)
        assert control in urls
        assert report.feeds_polled == 2
        assert not {k for k in report.problems if k.endswith(":unexpected")}  # no exception escaped a parser

    check()
