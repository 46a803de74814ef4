"""The feed registry behind ``newsflow feeds``: add (with autodiscovery), import, export, list, remove.

The registry lives in the ingest state database (``IngestState``), beside each feed's polling
state, so ``feeds list`` shows what the pollers last saw and a removed feed keeps its seen
articles (adding it back does not republish them).

Adding checks the source first, with the same guarded fetcher as polling: a feed URL must parse
as a feed, a ``--sitemap`` URL as a sitemap, and a web page is searched for the feeds it
advertises (``<link rel="alternate" type="application/rss+xml" ...>``), the first of which is
registered. Import (an OPML list or a text list of URLs, from a file or by URL through the same
fetcher) registers the listed feeds as they are, without fetching each: a list is the user's
own, explicit choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.feedlists import is_feed_list, is_http_url, load_feed_sources, read_feed_list
from ingest.feeds import FeedError, discover_feeds, opml_document, parse_feed
from ingest.fetch import FetchError, Fetcher
from ingest.sitemaps import parse_sitemap
from ingest.state import FeedState, IngestState
from newsflow.core.limits import MAX_BODY_BYTES


class RegistryError(Exception):
    """A source that cannot be registered; ``str(err)`` says why, in one line."""


@dataclass
class Added:
    """The outcome of adding one source."""

    requested: str
    url: str  # what was registered (a discovered feed's URL for a site address)
    kind: str
    title: str | None
    new: bool  # False: it was registered already
    discovered: list[str]  # every feed the page advertised, when ``url`` was discovered


def _looks_html(body: bytes, content_type: str | None) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return content_type in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html"))


def add_source(state: IngestState, fetcher: Fetcher, url: str, *, sitemap: bool = False, max_bytes: int = MAX_BODY_BYTES) -> Added:
    """Check ``url`` and register it; raises ``RegistryError`` when it is no feed (or sitemap) and links to none."""
    url = url.strip()
    try:
        if sitemap:
            got = fetcher.fetch(url, "sitemap")
            parse_sitemap(got.body, got.final_url, max_bytes=max_bytes)
            return Added(url, url, "sitemap", None, state.register(url, "sitemap"), [])
        got = fetcher.fetch(url, "feed")
        if is_feed_list(got.body, got.content_type):
            raise RegistryError(f"{url}: a list of feeds, not a feed; `newsflow feeds import {url}` registers the feeds it lists")
        try:
            feed = parse_feed(got.body, got.final_url, content_type=got.headers.get("content-type"))
            return Added(url, url, "feed", feed.title or None, state.register(url, "feed", feed.title or None), [])
        except FeedError as exc:
            if not _looks_html(got.body, got.content_type):
                raise RegistryError(str(exc)) from None
        found = discover_feeds(got.body, got.final_url)
        if not found:
            raise RegistryError(f"{url}: a web page that links to no feed (no <link rel=\"alternate\"> of a feed type); "
                                "for a site without feeds try `newsflow feeds add --sitemap URL/sitemap.xml`")
        feed_url = found[0]
        got = fetcher.fetch(feed_url, "feed")
        feed = parse_feed(got.body, got.final_url, content_type=got.headers.get("content-type"))
        return Added(url, feed_url, "feed", feed.title or None, state.register(feed_url, "feed", feed.title or None), found)
    except (FetchError, FeedError) as exc:
        raise RegistryError(str(exc)) from None


def import_opml(state: IngestState, source: str | Path, fetcher: Fetcher | None = None) -> tuple[int, int]:
    """Register every feed of an OPML list (or a text list of URLs); returns (new, already registered).

    ``source`` is a file, or an http(s) URL read through ``fetcher`` (the guarded fetcher of
    polling; its ``FetchError`` propagates: the list may be fine and the network not). The feeds
    listed are registered as they are, without fetching each.
    """
    source = str(source)
    try:
        if is_http_url(source):
            if fetcher is None:
                raise RegistryError(f"{source}: reading a list by URL needs a fetcher")
            urls = read_feed_list(fetcher, source)
        else:
            urls = load_feed_sources([source])
    except ValueError as exc:
        raise RegistryError(str(exc)) from None
    new = sum(1 for url in urls if state.register(url, "feed"))
    return new, len(urls) - new


def export_opml(state: IngestState) -> bytes:
    """The registered feeds as an OPML document (sitemaps are not feeds and are left out)."""
    return opml_document([(f.url, f.title) for f in state.registered() if f.kind == "feed"])


def feed_row(f: FeedState) -> dict:
    """One registered feed as plain JSON values, for ``feeds list``."""
    def iso(value):
        return value.isoformat(timespec="seconds") if value else None

    return {
        "url": f.url, "kind": f.kind, "title": f.title, "added_at": iso(f.added_at),
        "last_success": iso(f.last_success), "last_error": f.last_error, "consecutive_failures": f.consecutive_failures,
        "entries_seen": f.entries_seen, "interval_s": round(f.interval) if f.interval else None, "next_poll": iso(f.next_poll),
    }
