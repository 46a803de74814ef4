"""WebSub (ingest.websub) against a real hub on loopback (tests/fixtures/websub_hub.py), through
the ingest service's own HTTP port."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import httpx
import pytest
from click.testing import CliRunner

from cli_support import free_port
from fixtures.topics import published_articles
from fixtures.websub_hub import Hub
from ingest.websub import discover, valid_signature
from newsflow.cli import cli
from newsflow.core.contracts import utcnow
from newsflow.core.metrics import StageMetrics
from newsflow.services import IngestService, serve_http
from test_ingest_support import article_html, paragraphs, test_settings


def rss(hub: str | None, self_url: str | None, links: list[str]) -> str:
    head = "".join(f'<atom:link rel="{rel}" href="{href}"/>' for rel, href in (("hub", hub), ("self", self_url)) if href)
    items = "".join(f"<item><title>Story {i}</title><link>{link}</link><description>Teaser {i}.</description></item>"
                    for i, link in enumerate(links))
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>Pushed news</title><link>http://example.com/</link>{head}{items}</channel></rss>")




@pytest.fixture
def hub():
    h = Hub().start()
    yield h
    h.close()


@pytest.fixture
def pushed(site, hub, bus, tmp_path):
    """An ingest service with a WebSub callback on its HTTP port, and a feed that names ``hub``."""
    for n in range(3):
        site.route(f"/news/{n}.html", article_html(f"Harbour story {n}", paragraphs(f"harbour dredging {n}")))
    feed = site.url("/feeds/rss.xml")
    topic = "https://news.example/feeds/rss.xml"  # rel=self: what the hub knows the feed by
    site.route("/feeds/rss.xml", rss(hub.url, topic, [site.url("/news/0.html")]),
               headers={"Content-Type": "application/rss+xml"})
    port = free_port()
    settings = test_settings(tmp_path, websub_callback_url=f"http://127.0.0.1:{port}/")
    metrics = StageMetrics()
    service = IngestService(settings, bus, [feed], metrics)
    server = serve_http(port, "127.0.0.1", service.health, metrics, service.routes)
    yield SimpleNamespace(service=service, websub=service.websub, settings=settings, feed=feed, topic=topic, site=site)
    server.shutdown()
    server.server_close()
    service.close()


def subscribed(pushed, hub):
    pushed.websub.maintain([pushed.feed])
    hub.wait(lambda: hub.subscribers and pushed.websub.state.subscription(pushed.feed).state == "active")
    return pushed.websub.state.subscription(pushed.feed)


def test_the_hub_and_self_links_are_found_in_rss_atom_json_feed_and_link_headers():
    base = "https://news.example/feed"
    assert discover(rss("https://hub.example/", "https://news.example/rss", []).encode(), base) == (
        "https://hub.example/", "https://news.example/rss")
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="/hub"/><link rel="self" href="/atom"/>'
            b'<entry><link rel="hub" href="https://wrong.example/"/></entry></feed>')
    assert discover(atom, base) == ("https://news.example/hub", "https://news.example/atom")
    jsonfeed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "feed_url": "https://news.example/feed.json",
                           "hubs": [{"type": "WebSub", "url": "https://hub.example/"}], "items": []}).encode()
    assert discover(jsonfeed, base, "application/feed+json") == ("https://hub.example/", "https://news.example/feed.json")
    header = '<https://hub2.example/>; rel="hub", <https://news.example/canonical>; rel="self"'
    assert discover(atom, base, link_header=header) == ("https://hub2.example/", "https://news.example/canonical")
    assert discover(rss(None, None, []).encode(), base) == (None, None)
    assert discover(b"<not xml", base) == (None, None)



def test_a_json_feed_nested_deeper_than_the_parser_goes_names_no_hub():
    deep = b"[" * 200_000 + b"]" * 200_000  # json.loads raises RecursionError, not ValueError
    assert discover(deep, "https://news.example/feed.json", "application/feed+json") == (None, None)

def test_signatures_are_hmacs_of_the_body_with_the_secret():
    good = "sha1=" + hmac.new(b"k", b"body", hashlib.sha1).hexdigest()
    assert valid_signature("k", b"body", good)
    assert not valid_signature("k", b"other body", good)
    assert not valid_signature("other", b"body", good)
    assert not valid_signature("k", b"body", None) and not valid_signature("k", b"body", "md5=abc")


def test_a_feed_with_a_hub_is_subscribed_and_the_hub_verifies_our_intent(pushed, hub):
    sub = subscribed(pushed, hub)
    [request] = hub.requests
    assert request["hub.mode"] == "subscribe" and request["hub.topic"] == pushed.topic
    assert request["hub.callback"].startswith(pushed.settings.websub_callback_url.rstrip("/") + "/websub/")
    assert len(request["hub.secret"]) >= 32 and request["hub.lease_seconds"] == str(pushed.settings.websub_lease_seconds)
    assert hub.verifications[-1].echoed and hub.verifications[-1].status == 200
    assert sub.hub == hub.url and sub.lease_expires > utcnow() + timedelta(days=9)


def test_a_signed_push_is_ingested_at_once_and_a_later_poll_adds_nothing(pushed, hub, bus):
    subscribed(pushed, hub)
    feed_fetches = pushed.site.requests["/feeds/rss.xml"]
    body = rss(hub.url, pushed.topic, [pushed.site.url("/news/0.html"), pushed.site.url("/news/1.html")]).encode()
    assert hub.publish(pushed.topic, body) == [202]
    assert pushed.site.requests["/feeds/rss.xml"] == feed_fetches  # no poll was needed
    assert {a.title for a in published_articles(bus, pushed.settings)} == {"Harbour story 0", "Harbour story 1"}
    pushed.site.route("/feeds/rss.xml", body, headers={"Content-Type": "application/rss+xml"})
    assert pushed.service.stage.poll_once([pushed.feed]).articles_published == 0
    assert len(published_articles(bus, pushed.settings)) == 2


@pytest.mark.parametrize("signing", ["none", "wrong"])
def test_unsigned_and_wrongly_signed_pushes_are_acknowledged_but_ignored(pushed, hub, bus, caplog, signing):
    subscribed(pushed, hub)
    body = rss(hub.url, pushed.topic, [pushed.site.url("/news/2.html")]).encode()
    assert hub.publish(pushed.topic, body, signing=signing) == [202]
    assert published_articles(bus, pushed.settings) == []
    assert f"{'no' if signing == 'none' else 'wrong'} X-Hub-Signature" in caplog.text


def test_a_push_over_the_size_cap_or_to_an_unknown_callback_is_refused(pushed, hub, bus):
    sub = subscribed(pushed, hub)
    big = b"<rss>" + b" " * (pushed.settings.fetch_max_bytes + 1) + b"</rss>"
    callback = pushed.websub.callback_url(sub.token)
    assert httpx.post(callback, content=big, headers={"X-Hub-Signature": "sha256=0"}).status_code == 413
    assert httpx.post(pushed.websub.callback_url("no-such-token"), content=b"<rss/>").status_code == 410
    assert published_articles(bus, pushed.settings) == []


def test_the_challenge_is_answered_only_for_the_topic_and_mode_we_asked_for(pushed, hub):
    sub = subscribed(pushed, hub)
    callback = pushed.websub.callback_url(sub.token)
    assert hub.verify(callback, "subscribe", "https://other.example/feed").status == 404
    assert not hub.verify(callback, "unsubscribe", pushed.topic).echoed  # we never asked to leave
    assert not hub.verify(pushed.websub.callback_url("forged"), "subscribe", pushed.topic).echoed
    assert pushed.websub.state.subscription(pushed.feed).state == "active"


def test_a_lease_is_renewed_before_it_expires(pushed, hub):
    sub = subscribed(pushed, hub)
    pushed.websub.maintain([pushed.feed], now=sub.lease_expires - timedelta(hours=1))
    hub.wait(lambda: len([v for v in hub.verifications if v.echoed]) == 2)  # appended after our answer was saved
    assert [r["hub.mode"] for r in hub.requests] == ["subscribe", "subscribe"]
    assert len({r["hub.callback"] for r in hub.requests}) == 1
    renewed = pushed.websub.state.subscription(pushed.feed)
    assert renewed.state == "active" and renewed.lease_expires > sub.lease_expires


def test_a_lapsed_or_denied_subscription_falls_back_to_polling_with_a_log_line(pushed, hub, caplog):
    sub = subscribed(pushed, hub)
    feed_state = pushed.service.stage.state.feed_state(pushed.feed)
    feed_state.last_polled = utcnow()
    assert not pushed.websub.wants_poll(feed_state)  # pushed: no poll until the safety net's time
    later = utcnow() + timedelta(seconds=pushed.settings.websub_poll_interval + 1)
    assert pushed.websub.wants_poll(feed_state, later)

    hub.deny = True
    caplog.set_level(logging.INFO)
    pushed.websub.maintain([pushed.feed], now=sub.lease_expires + timedelta(seconds=1))
    assert "ran out; polling it as usual" in caplog.text
    hub.wait(lambda: pushed.websub.state.subscription(pushed.feed).state == "denied")
    assert "the hub denied the subscription: not on this hub" in caplog.text
    assert pushed.websub.wants_poll(feed_state)


def test_a_removed_feed_is_unsubscribed(pushed, hub):
    subscribed(pushed, hub)
    pushed.websub.maintain([])
    hub.wait(lambda: not hub.subscribers)
    assert hub.requests[-1]["hub.mode"] == "unsubscribe" and hub.verifications[-1].echoed
    assert pushed.websub.state.subscription(pushed.feed) is None


def test_feeds_list_shows_each_feeds_subscription_state(pushed, hub):
    subscribed(pushed, hub)
    pushed.service.stage.state.register(pushed.feed)
    result = CliRunner().invoke(cli, ["feeds", "list", "--json", "--data-dir", str(pushed.settings.data_dir)])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert row["url"] == pushed.feed and row["websub"] == "active"


def test_a_short_lease_granted_by_the_hub_runs_out_and_is_requested_again(pushed, hub, caplog):
    hub.lease_seconds = 1  # the hub grants less than we asked for
    sub = subscribed(pushed, hub)
    assert sub.lease_seconds == 1
    hub.wait(lambda: utcnow() > sub.lease_expires, timeout=5)
    caplog.set_level(logging.INFO)
    pushed.websub.maintain([pushed.feed])
    assert "ran out; polling it as usual" in caplog.text
    hub.wait(lambda: len([v for v in hub.verifications if v.echoed]) == 2)
    again = pushed.websub.state.subscription(pushed.feed)
    assert again.state == "active" and again.lease_expires > sub.lease_expires and again.token == sub.token
