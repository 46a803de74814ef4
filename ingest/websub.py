"""WebSub (W3C): feeds that advertise a hub push their updates instead of waiting for our poll.

With ``websub_callback_url`` set (the public base URL of the ingest service's HTTP port),
``WebSub.maintain`` runs on every service cycle:

- a feed without a subscription is fetched once to discover its hub (``<link rel="hub">`` and
  ``rel="self"`` in RSS and Atom, ``hubs``/``feed_url`` in JSON Feed, or HTTP ``Link`` headers),
  then a subscription is requested from the hub with a callback URL of its own (a random token)
  and a random secret;
- the hub's verification of intent (GET on the callback) is answered with its challenge only
  for the topic and mode we asked for on that callback; a hub's denial is logged, polling goes on;
- a lease is renewed when nine tenths of it have passed; a lease that ran out without renewal
  lapses (log line, normal polling) and is requested again;
- a feed that is no longer polled (removed from the registry) is unsubscribed.

Content distribution: a POST on the callback is checked (known token, body within
``fetch_max_bytes``, ``X-Hub-Signature`` an HMAC of the body with our secret) and handed to
``IngestStage.ingest_body`` as a poll of the feed that got this body, so a push and a later poll
never publish an article twice. As the specification asks, a push with a missing or wrong
signature is acknowledged (2xx) but ignored, with a log line.

While a subscription is active, the feed is still polled, as a safety net, every
``websub_poll_interval`` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urljoin

import httpx
from lxml import etree

from newsflow.core.config import Settings
from newsflow.core.contracts import utcnow
from ingest.feeds import FeedError
from ingest.fetch import FetchError, Fetcher
from ingest.stage import IngestStage
from ingest.state import FeedState, Subscription

log = logging.getLogger(__name__)

CALLBACK_PREFIX = "/websub/"
# A hub that has not verified a request within this long is asked again.
VERIFY_PATIENCE = timedelta(minutes=15)
_LINK_HEADER = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_SIGNATURE_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class HubLinks(NamedTuple):
    """What a feed says about its hub."""

    hub: str | None
    topic: str | None  # rel=self


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _xml_links(body: bytes, base: str) -> HubLinks:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return HubLinks(None, None)
    if root is None:
        return HubLinks(None, None)
    # feed-level links only: children of <feed> (Atom) or of <channel> (RSS 2.0, RDF)
    holders = [root] + [child for child in root if _local(child.tag) == "channel"]
    found: dict[str, str] = {}
    for holder in holders:
        for el in holder:
            if _local(el.tag) == "link" and el.get("href"):
                for rel in (el.get("rel") or "").lower().split():
                    found.setdefault(rel, urljoin(base, el.get("href").strip()))
    return HubLinks(found.get("hub"), found.get("self"))


def _json_links(body: bytes, base: str) -> HubLinks:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's parser goes
        return HubLinks(None, None)
    if not isinstance(doc, dict):
        return HubLinks(None, None)
    hubs = [h.get("url") for h in doc.get("hubs") or [] if isinstance(h, dict) and isinstance(h.get("url"), str)
            and str(h.get("type", "")).lower() in ("websub", "pubsubhubbub", "")]
    topic = doc.get("feed_url") if isinstance(doc.get("feed_url"), str) else None
    return HubLinks(urljoin(base, hubs[0]) if hubs else None, urljoin(base, topic) if topic else None)


def _header_links(value: str | None, base: str) -> HubLinks:
    found: dict[str, str] = {}
    for url, params in _LINK_HEADER.findall(value or ""):
        rel = re.search(r'rel\s*=\s*"?([^";]+)"?', params)
        for name in (rel.group(1).lower().split() if rel else []):
            found.setdefault(name, urljoin(base, url.strip()))
    return HubLinks(found.get("hub"), found.get("self"))


def discover(body: bytes, feed_url: str, content_type: str | None = None, link_header: str | None = None) -> HubLinks:
    """The hub and topic a feed document (and its HTTP ``Link`` header, which takes precedence) advertise."""
    header = _header_links(link_header, feed_url)
    looks_json = (content_type or "").split(";")[0].strip().endswith("json") or body.lstrip()[:1] == b"{"
    doc = _json_links(body, feed_url) if looks_json else _xml_links(body, feed_url)
    return HubLinks(header.hub or doc.hub, header.topic or doc.topic)


def valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``X-Hub-Signature: method=hex`` is the HMAC of ``body`` with ``secret``."""
    method, _, digest = (header or "").partition("=")
    algorithm = _SIGNATURE_ALGORITHMS.get(method.strip().lower())
    if algorithm is None or not digest:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, algorithm).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


@dataclass(frozen=True)
class Answer:
    """An HTTP answer of the callback."""

    status: int
    body: bytes = b""


class WebSub:
    """Subscriptions of the ingest service's feeds, and its callback; see the module docstring.

    ``lock`` (re-entrant) serialises use of ``stage`` and its state between the service loop and
    the HTTP server's threads.
    """

    def __init__(self, settings: Settings, stage: IngestStage, lock: threading.RLock | None = None):
        if not settings.websub_callback_url:
            raise ValueError("WebSub needs websub_callback_url")
        self.settings = settings
        self.stage = stage
        self.state = stage.state
        self.fetcher: Fetcher = stage.fetcher
        self.lock = lock or threading.RLock()
        self.base = settings.websub_callback_url.rstrip("/")
        self._looked: dict[str, datetime] = {}  # feed -> when we last looked for its hub

    # --- the service loop ------------------------------------------------------------------

    def maintain(self, feed_urls: list[str], now: datetime | None = None) -> None:
        """Subscribe, renew, re-request and unsubscribe as the feeds and leases require."""
        now = now or utcnow()
        wanted = set(feed_urls)
        with self.lock:
            subs = self.state.subscriptions()
        for sub in subs:
            if sub.feed_url not in wanted and sub.state != "unsubscribing":
                self._request(sub, "unsubscribe")
        for feed_url in feed_urls:
            with self.lock:
                sub = self.state.subscription(feed_url)
            if sub is None:
                self._subscribe_new(feed_url)
            elif sub.state == "active" and sub.lease_expires is not None and now >= sub.lease_expires:
                log.warning("websub: the lease of %s ran out; polling it as usual", feed_url,
                            extra={"feed": feed_url, "hub": sub.hub})
                sub.state = "lapsed"
                self._save(sub)
                self._request(sub, "subscribe")
            elif sub.state == "active" and self._renewal_due(sub, now):
                self._request(sub, "subscribe")
            elif sub.state in ("requested", "lapsed") and now - sub.requested_at >= VERIFY_PATIENCE:
                self._request(sub, "subscribe")

    def wants_poll(self, feed: FeedState, now: datetime | None = None) -> bool:
        """Whether a due feed should be polled: always, unless an active subscription pushes it
        (then only every ``websub_poll_interval`` seconds, as a safety net)."""
        with self.lock:
            sub = self.state.subscription(feed.url)
        if sub is None or sub.state != "active":
            return True
        now = now or utcnow()
        return feed.last_polled is None or now - feed.last_polled >= timedelta(seconds=self.settings.websub_poll_interval)

    @staticmethod
    def _renewal_due(sub: Subscription, now: datetime) -> bool:
        if sub.lease_expires is None or not sub.lease_seconds:
            return False
        return now >= sub.lease_expires - timedelta(seconds=sub.lease_seconds / 10)

    def _subscribe_new(self, feed_url: str) -> None:
        now = utcnow()
        last = self._looked.get(feed_url)
        if last is not None and now - last < timedelta(seconds=self.settings.poll_max_interval):
            return  # looked for its hub lately and found none
        self._looked[feed_url] = now
        try:
            with self.lock:
                fetched = self.fetcher.fetch(feed_url, "feed")
        except FetchError as exc:
            log.info("websub: cannot read %s to find its hub: %s", feed_url, exc.reason, extra={"feed": feed_url})
            return
        links = discover(fetched.body, fetched.final_url, fetched.headers.get("content-type"), fetched.headers.get("link"))
        if links.hub is None:
            return
        sub = Subscription(feed_url=feed_url, hub=links.hub, topic=links.topic or fetched.final_url,
                           token=secrets.token_urlsafe(18), secret=secrets.token_hex(32), state="requested",
                           requested_at=utcnow())
        self._request(sub, "subscribe")

    def _request(self, sub: Subscription, mode: str) -> None:
        """Ask the hub to (un)subscribe; the hub confirms by verifying intent on our callback."""
        data = {"hub.mode": mode, "hub.topic": sub.topic, "hub.callback": self.callback_url(sub.token)}
        if mode == "subscribe":
            data |= {"hub.secret": sub.secret, "hub.lease_seconds": str(self.settings.websub_lease_seconds)}
        if mode == "subscribe" and sub.state != "active":
            sub.state = "requested" if sub.state != "lapsed" else "lapsed"
        elif mode == "unsubscribe":
            sub.state = "unsubscribing"
        sub.requested_at = utcnow()
        try:
            self.fetcher.check_url(sub.hub)
            response = self.fetcher.client.post(sub.hub, data=data)
            if response.status_code not in (202, 204, 200):
                raise FetchError(sub.hub, f"HTTP {response.status_code}")
            sub.last_error = None
            log.info("websub: %s request for %s sent to %s", mode, sub.feed_url, sub.hub, extra={"feed": sub.feed_url})
        except (FetchError, httpx.HTTPError, OSError) as exc:
            sub.last_error = f"{mode} request refused: {getattr(exc, 'reason', None) or exc}"
            log.warning("websub: %s; polling %s as usual", sub.last_error, sub.feed_url, extra={"feed": sub.feed_url,
                        "hub": sub.hub})
        self._save(sub)

    def _save(self, sub: Subscription) -> None:
        with self.lock:
            self.state.save_subscription(sub)

    def callback_url(self, token: str) -> str:
        """Where the hub reaches us for one subscription."""
        return f"{self.base}{CALLBACK_PREFIX}{token}"

    # --- the callback -----------------------------------------------------------------------

    def verify(self, token: str, params: dict[str, str]) -> Answer:
        """A hub's verification of intent (GET): the challenge, only for what we asked for."""
        with self.lock:  # the state's connection is the stage's, used by the service loop too
            return self._verify(token, params)

    def _verify(self, token: str, params: dict[str, str]) -> Answer:
        sub = self.state.subscription(token=token)
        mode, topic = params.get("hub.mode", ""), params.get("hub.topic", "")
        if sub is None or topic != sub.topic:
            log.warning("websub: refused a %s verification for %s: not a topic we asked for on this callback", mode or "?",
                        topic or "?", extra={"problem": "websub:unknown_topic"})
            return Answer(404, b"unknown topic\n")
        if mode == "denied":
            sub.state, sub.last_error = "denied", f"the hub denied the subscription: {params.get('hub.reason') or 'no reason'}"
            self.state.save_subscription(sub)
            log.warning("websub: %s: %s; polling it as usual", sub.feed_url, sub.last_error, extra={"feed": sub.feed_url})
            return Answer(200)
        intended = "unsubscribe" if sub.state == "unsubscribing" else "subscribe"
        challenge = params.get("hub.challenge", "")
        if mode != intended or not challenge:
            log.warning("websub: refused a %s verification for %s: we asked to %s", mode or "?", sub.feed_url, intended,
                        extra={"feed": sub.feed_url, "problem": "websub:unexpected_mode"})
            return Answer(404, b"not our intent\n")
        if mode == "unsubscribe":
            self.state.delete_subscription(sub.feed_url)
            log.info("websub: unsubscribed from %s", sub.feed_url, extra={"feed": sub.feed_url})
            return Answer(200, challenge.encode("utf-8"))
        lease = params.get("hub.lease_seconds", "")
        sub.lease_seconds = int(lease) if lease.isdigit() else None
        sub.lease_expires = utcnow() + timedelta(seconds=sub.lease_seconds) if sub.lease_seconds else None
        sub.state, sub.last_error = "active", None
        self.state.save_subscription(sub)
        log.info("websub: subscribed to %s at %s (lease %s s)", sub.feed_url, sub.hub, sub.lease_seconds or "unlimited",
                 extra={"feed": sub.feed_url})
        return Answer(200, challenge.encode("utf-8"))

    def too_large(self, token: str, size: int) -> Answer:
        """Refuse a push of ``size`` bytes, more than ``fetch_max_bytes`` (without reading it)."""
        with self.lock:
            sub = self.state.subscription(token=token)
        log.warning("websub: push for %s refused: %d bytes, more than fetch_max_bytes", sub.feed_url if sub else token,
                    size, extra={"problem": "websub:too_large"})
        return Answer(413, b"too large\n")

    def deliver(self, token: str, body: bytes, content_type: str | None, signature: str | None) -> Answer:
        """A hub's content distribution (POST): the feed's new body, ingested as a poll of it."""
        with self.lock:
            sub = self.state.subscription(token=token)
        if sub is None or sub.state == "unsubscribing":
            return Answer(410, b"no such subscription\n")  # tells the hub to stop
        if len(body) > self.settings.fetch_max_bytes:
            return self.too_large(token, len(body))
        if not valid_signature(sub.secret, body, signature):
            log.warning("websub: push for %s ignored: %s X-Hub-Signature", sub.feed_url, "wrong" if signature else "no",
                        extra={"feed": sub.feed_url, "problem": "websub:bad_signature"})
            return Answer(202)
        try:
            with self.lock:
                report = self.stage.ingest_body(sub.feed_url, body, content_type)
        except FeedError as exc:
            log.warning("websub: push for %s is not a feed: %s", sub.feed_url, exc, extra={"feed": sub.feed_url})
            return Answer(202)
        log.info("websub: push for %s: %d new articles", sub.feed_url, report.articles_published,
                 extra={"feed": sub.feed_url, "published": report.articles_published})
        return Answer(202)
