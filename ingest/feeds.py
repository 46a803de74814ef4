"""Feed sources (URLs, text lists, OPML) and feed parsing (RSS and Atom via feedparser, JSON Feed by hand).

feedparser only ever sees bytes we fetched ourselves: it is handed a file object, never a
string, because it would treat a string as a URL to fetch or a local path to open.
"""

from __future__ import annotations

import io
import json
from html import unescape
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

log = logging.getLogger(__name__)


class FeedError(Exception):
    """A feed that cannot be used; ``str(err)`` is one readable log line."""


# --- sources -------------------------------------------------------------------------------


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _opml_urls(path: Path, data: bytes) -> list[str]:
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"{path}: not a valid OPML file ({exc})") from exc
    urls = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.rsplit("}", 1)[-1].lower() != "outline":
            continue
        url = next((v for k, v in el.attrib.items() if k.lower() == "xmlurl"), "").strip()
        if not url:
            continue
        if _is_http_url(url):
            urls.append(url)
        else:
            log.warning("%s: skipping outline with a non-http(s) xmlUrl %r", path, url)
    return urls


def _text_urls(path: Path, data: bytes) -> list[str]:
    urls = []
    for lineno, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not _is_http_url(line):
            raise ValueError(f"{path} line {lineno}: {line!r} is not an http(s) feed URL")
        urls.append(line)
    return urls


def load_feed_sources(srcs: list[str]) -> list[str]:
    """Expand feed sources into feed URLs, de-duplicated in first-seen order.

    Each source is an http(s) feed URL, a text file of URLs (one per line, ``#`` comments and
    blank lines ignored) or an OPML file (every ``outline`` with an ``xmlUrl``, nested too).
    Raises ``ValueError`` for a missing file, an unreadable OPML file or a file with no feeds.
    """
    out: dict[str, None] = {}
    for src in srcs:
        if _is_http_url(src):
            out.setdefault(src.strip(), None)
            continue
        path = Path(src)
        if not path.is_file():
            raise ValueError(f"feed source {src!r}: no such file (expected a feed URL, a text file of URLs or an OPML file)")
        data = path.read_bytes()
        looks_xml = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
        urls = _opml_urls(path, data) if looks_xml else _text_urls(path, data)
        if not urls:
            raise ValueError(f"feed source {src!r}: the file lists no feeds")
        for url in urls:
            out.setdefault(url, None)
    return list(out)


# --- parsing -------------------------------------------------------------------------------


@dataclass
class FeedEntry:
    """One entry of a feed, in plain Python values."""

    link: str | None
    title: str = ""
    published: datetime | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str = ""  # plain text
    content: str = ""  # plain text of content:encoded / Atom content
    image: str | None = None
    guid: str | None = None  # the entry's id (RSS guid, Atom id, sitemap loc) as the feed gives it
    updated: datetime | None = None  # when the feed says the entry last changed


@dataclass
class ParsedFeed:
    """A parsed feed: its own metadata and its entries."""

    url: str
    title: str = ""
    link: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    bozo: bool = False
    bozo_reason: str | None = None  # why the feed is not well-formed, when ``bozo``


_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article figure figcaption header footer".split()
)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML fragment: one line per paragraph, whitespace collapsed."""
    if not html or "<" not in html:
        return " ".join(unescape(html or "").split())
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises several types on hopeless input
        return " ".join(html.split())
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            if el.tag.lower() != "br":
                el.text = "\n" + (el.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _datetime(parsed) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=timezone.utc)  # feedparser normalises to UTC
    except (TypeError, ValueError):
        return None


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = " ".join((item or "").split())
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _image(entry) -> str | None:
    for media in entry.get("media_content", []) or []:
        if media.get("url") and (media.get("medium") == "image" or str(media.get("type", "")).startswith("image/")):
            return media["url"]
    for thumb in entry.get("media_thumbnail", []) or []:
        if thumb.get("url"):
            return thumb["url"]
    for link in list(entry.get("enclosures", []) or []) + list(entry.get("links", []) or []):
        if link.get("href") and str(link.get("type", "")).startswith("image/") and link.get("rel", "enclosure") == "enclosure":
            return link["href"]
    image = entry.get("image")
    if isinstance(image, dict) and image.get("href"):
        return image["href"]
    return None


def _content_text(entry) -> str:
    parts = []
    for item in entry.get("content", []) or []:
        value = item.get("value") or ""
        parts.append(value if item.get("type") == "text/plain" else html_to_text(value))
    return "\n".join(p for p in parts if p)


def _entry(entry) -> FeedEntry:
    authors = [a.get("name", "") for a in entry.get("authors", []) or [] if isinstance(a, dict)]
    if not any(authors) and entry.get("author"):
        authors = [entry["author"]]
    tags = [t.get("term") or t.get("label") or "" for t in entry.get("tags", []) or []]
    summary = entry.get("summary") or ""
    summary = summary if entry.get("summary_detail", {}).get("type") == "text/plain" else html_to_text(summary)
    content = _content_text(entry)
    return FeedEntry(
        link=(entry.get("link") or "").strip() or None,
        title=" ".join((entry.get("title") or "").split()),
        published=_datetime(entry.get("published_parsed") or entry.get("updated_parsed")),
        authors=_unique(authors),
        tags=_unique(tags),
        summary=summary,
        # Some feeds repeat the description as content; keep the field empty then, it adds nothing.
        content="" if content == summary else content,
        image=_image(entry),
        guid=(entry.get("id") or "").strip() or None,
        # dict.get: feedparser's own get would fall back to published_parsed (and warn about it)
        updated=_datetime(dict.get(entry, "updated_parsed")),
    )


def iso_time(value) -> datetime | None:
    """An ISO 8601 date-time (``Z`` allowed; naive means UTC) in UTC, or None if not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _parse_json_feed(body: bytes, feed_url: str) -> ParsedFeed | None:
    """A JSON Feed (jsonfeed.org), which this feedparser version does not read; ``None`` if not one."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        return None
    entries = []
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        link = item.get("url") or item.get("external_url")
        html = item.get("content_html")
        entries.append(FeedEntry(
            link=urljoin(feed_url, link) if isinstance(link, str) and link.strip() else None,
            title=" ".join(str(item.get("title") or "").split()),
            published=iso_time(item.get("date_published")) or iso_time(item.get("date_modified")),
            authors=_unique(a.get("name") for a in authors if isinstance(a, dict)),
            tags=_unique(t for t in item.get("tags") or [] if isinstance(t, str)),
            summary=html_to_text(str(item.get("summary") or "")),
            content=html_to_text(html) if isinstance(html, str) else " ".join(str(item.get("content_text") or "").split()),
            image=item.get("image") or item.get("banner_image") or None,
            guid=str(item["id"]) if item.get("id") is not None else None,
            updated=iso_time(item.get("date_modified")),
        ))
    return ParsedFeed(url=feed_url, title=" ".join(str(doc.get("title") or "").split()),
                      link=doc.get("home_page_url"), entries=entries)


def parse_feed(body: bytes, feed_url: str, *, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from ``feed_url`` (relative links resolve against it).

    RSS and Atom go through feedparser, JSON Feed through a small reader of our own. A feed
    that is not well-formed but still yields entries is used (with a warning); one that
    yields no entries and is not well-formed, or is no feed at all, raises ``FeedError``.
    XML entities declared in the feed are never expanded (feedparser strips unsafe ones).
    """
    if body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        feed = _parse_json_feed(body, feed_url)
        if feed is None:
            raise FeedError(f"{feed_url}: not a usable feed (JSON, but not a JSON Feed)")
        return feed
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FeedError(f"{feed_url}: not a usable feed (an HTML page; `newsflow feeds add` with the site's address "
                        "finds the feeds it links to)")
    # feedparser flags a missing Content-Type as an error; absent one, XML is the honest guess.
    headers = {"content-location": feed_url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    reason = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        reason = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    entries = [_entry(e) for e in parsed.get("entries", [])]
    if not entries and (reason or not parsed.get("version")):
        raise FeedError(f"{feed_url}: not a usable feed ({reason or 'no RSS, Atom or JSON Feed content'})")
    if reason:
        log.warning("feed %s is malformed but has %d entries; using them (%s)", feed_url, len(entries), reason, extra={"feed": feed_url})
    meta = parsed.get("feed", {})
    return ParsedFeed(
        url=feed_url,
        title=" ".join((meta.get("title") or "").split()),
        link=meta.get("link"),
        entries=entries,
        bozo=bool(reason),
        bozo_reason=reason,
    )


# --- autodiscovery -------------------------------------------------------------------------

FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json", "application/rdf+xml")


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """The feeds a web page advertises with ``<link rel="alternate" type="...">``, absolute, in page order."""
    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several types on hopeless input
        return []
    found: dict[str, None] = {}
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        ctype = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and ctype in FEED_LINK_TYPES and href:
            url = urljoin(base_url, href)
            if _is_http_url(url):
                found.setdefault(url, None)
    return list(found)


def opml_document(feeds: list[tuple[str, str | None]], title: str = "newsflow feeds") -> bytes:
    """An OPML 2.0 document listing ``(url, title)`` feeds, as UTF-8 bytes."""
    from xml.etree import ElementTree as ET  # building, not parsing: nothing untrusted is read here

    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    for url, name in feeds:
        ET.SubElement(body, "outline", type="rss", text=name or url, title=name or url, xmlUrl=url)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
