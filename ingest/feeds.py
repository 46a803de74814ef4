"""Feed parsing (RSS and Atom via feedparser, JSON Feed by hand) and feed autodiscovery.

Lists of feeds (OPML, text files of URLs) are ``ingest.feedlists``.

feedparser only ever sees bytes we fetched ourselves: it is handed a file object, never a
string, because it would treat a string as a URL to fetch or a local path to open.
"""

from __future__ import annotations

import io
import json
import re
from html import unescape
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin
from xml.etree import ElementTree as ET  # building OPML only (opml_document): untrusted XML goes through defusedxml

import feedparser
import lxml.html

from ingest.charset import decode_feed_checked
from ingest.entryfields import (ENTRY_INVALID, EntryFields, absolute, checked_date, entry_label, parse_iso, plausible,
                                type_name)
from ingest.feedlists import is_http_url, looks_like_opml
from ingest.xmlguard import EntityExpansionError, as_utf8_xml, check_entity_expansion, first_items
from newsflow.core.limits import MAX_BODY_BYTES

log = logging.getLogger(__name__)


class FeedError(Exception):
    """A feed that cannot be used; ``str(err)`` is one readable log line."""


DEFAULT_EXPANDED_MAX = MAX_BODY_BYTES  # the default fetch_max_bytes
# Entries read from one feed document (the first ones: feeds list newest first). Parsing costs
# ~0.5 ms an entry; ingest takes at most ``feed_max_entries`` (200) new ones per poll anyway.
MAX_PARSED_ENTRIES = 1000
_CHARSET_PARAM = re.compile(r";\s*charset\s*=\s*[\"']?([^\"';\s]+)", re.I)


def _media_charset(content_type: str | None) -> str | None:
    m = _CHARSET_PARAM.search(content_type or "")
    return m.group(1) if m else None


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
    # metric labels of what was wrong with single entries (each already logged): "entry:bad_field", ...
    problems: list[str] = field(default_factory=list)
    charset_note: str | None = None  # the declared charset did not fit the bytes (see ``decode_feed_checked``)


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


def _datetime(parsed, fields: EntryFields | None = None, name: str = "date", original: object = None) -> datetime | None:
    if not parsed:
        return None
    try:
        dt = datetime(*parsed[:6], tzinfo=timezone.utc)  # feedparser normalises to UTC
    except (TypeError, ValueError, OverflowError):
        dt = None
    if fields is None:
        return dt if plausible(dt) else None
    return checked_date(fields.feed_url, fields.label, name, original, dt)


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = " ".join((item if isinstance(item, str) else "").split())
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _str(value) -> str:
    return value if isinstance(value, str) else ""


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
        value = _str(item.get("value"))
        parts.append(value if item.get("type") == "text/plain" else html_to_text(value))
    return "\n".join(p for p in parts if p)


def _entry(entry, fields: EntryFields, base: str) -> FeedEntry:
    authors = [a.get("name", "") for a in entry.get("authors", []) or [] if isinstance(a, dict)]
    if not any(authors) and entry.get("author"):
        authors = [entry["author"]]
    tags = [t.get("term") or t.get("label") or "" for t in entry.get("tags", []) or []]
    summary = _str(entry.get("summary"))
    summary = summary if entry.get("summary_detail", {}).get("type") == "text/plain" else html_to_text(summary)
    content = _content_text(entry)
    link = _str(entry.get("link")).strip()
    image = _image(entry)
    # dict.get: feedparser's own get falls back from one date to the other (and warns about it)
    published_name = "published" if dict.get(entry, "published_parsed") else "updated"
    return FeedEntry(
        # feedparser resolves relative links against xml:base and the feed URL; this catches the
        # cases it leaves alone (a relative link with no base in force)
        link=absolute(base, link) if link else None,
        title=" ".join(_str(entry.get("title")).split()),
        published=_datetime(dict.get(entry, f"{published_name}_parsed"), fields, published_name,
                            dict.get(entry, published_name)),
        authors=_unique(authors),
        tags=_unique(tags),
        summary=summary,
        # Some feeds repeat the description as content; keep the field empty then, it adds nothing.
        content="" if content == summary else content,
        image=absolute(base, image) if isinstance(image, str) and image.strip() else None,
        guid=_str(entry.get("id")).strip() or None,
        updated=_datetime(dict.get(entry, "updated_parsed"), fields, "updated", dict.get(entry, "updated")),
    )


def iso_time(value) -> datetime | None:
    """An ISO 8601 date-time (``Z`` allowed; naive means UTC) in UTC, or None if not one (or implausible)."""
    if not isinstance(value, str) or not value:
        return None
    dt = parse_iso(value)
    return dt if plausible(dt) else None


def _skip_entry(feed_url: str, label: str, why: str, problems: list[str]) -> None:
    log.warning("feed %s: %s skipped: %s", feed_url, label, why, extra={"feed": feed_url, "problem": ENTRY_INVALID})
    problems.append(ENTRY_INVALID)


def _json_entry(item: dict, f: EntryFields, feed_url: str) -> FeedEntry:
    authors = f.strings(item, "authors", key="name")
    if not authors and item.get("author") is not None:  # JSON Feed 1.0: one author object
        author = item["author"]
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            authors = [author["name"]]
        elif not isinstance(author, dict):
            f.drop("author", f"is {type_name(author)}, not an object")
    html = f.text(item, "content_html")
    published = f.date(item, "date_published")
    updated = f.date(item, "date_modified")
    ident = f.text(item, "id").strip()
    return FeedEntry(
        link=f.url(item, "url", feed_url) or f.url(item, "external_url", feed_url),
        title=" ".join(f.text(item, "title").split()),
        published=published or updated,
        authors=_unique(authors),
        tags=_unique(f.strings(item, "tags")),
        summary=html_to_text(f.text(item, "summary")),
        content=html_to_text(html) if html else " ".join(f.text(item, "content_text").split()),
        image=f.url(item, "image", feed_url) or f.url(item, "banner_image", feed_url),
        guid=ident or None,
        updated=updated,
    )


def _parse_json_feed(body: bytes, feed_url: str) -> ParsedFeed | None:
    """A JSON Feed (jsonfeed.org), which this feedparser version does not read; ``None`` if not one.

    Each item is read on its own: an item that is not an object, or fails for any reason, is
    skipped with one log line; a field of the wrong type is dropped with one log line.
    """
    try:
        doc = json.loads(body)
    except RecursionError as exc:
        raise FeedError(f"{feed_url}: not a usable feed (JSON nested too deeply)") from exc
    except ValueError:
        return None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        return None
    items = doc.get("items")
    if items is not None and not isinstance(items, list):
        raise FeedError(f"{feed_url}: not a usable feed (JSON Feed 'items' is {type_name(items)}, not a list)")
    problems: list[str] = []
    entries = []
    for index, item in enumerate(items or [], 1):
        if not isinstance(item, dict):
            _skip_entry(feed_url, f"entry #{index}", f"it is {type_name(item)}, not an object", problems)
            continue
        label = entry_label(index, item.get("id"))
        try:
            entries.append(_json_entry(item, EntryFields(feed_url, label, problems), feed_url))
        except Exception as exc:  # noqa: BLE001 - whatever one item does costs that item only
            _skip_entry(feed_url, label, f"{type(exc).__name__}: {exc}", problems)
    fields = EntryFields(feed_url, "feed", problems)
    return ParsedFeed(url=feed_url, title=" ".join(fields.text(doc, "title").split()),
                      link=fields.url(doc, "home_page_url", feed_url), entries=entries, problems=problems)


def parse_feed(body: bytes, feed_url: str, *, content_type: str | None = None, max_bytes: int | None = None,
               max_entries: int = MAX_PARSED_ENTRIES) -> ParsedFeed:
    """Parse feed bytes fetched from ``feed_url`` (relative links resolve against it).

    RSS and Atom go through feedparser, JSON Feed through a small reader of our own. A feed
    that is not well-formed but still yields entries is used (with a warning); one that
    yields no entries and is not well-formed, or is no feed at all, raises ``FeedError``.
    XML entities declared in the feed are expanded only while the expanded document stays
    within ``max_bytes`` characters (``fetch_max_bytes``); external ones never are. The
    charset is detected and checked like a page's (``ParsedFeed.charset_note`` says when the
    declared one was wrong). An entry that cannot be read is skipped with one log line. Only
    the first ``max_entries`` RSS/Atom entries of the document are read (a warning says so).
    """
    text, note = decode_feed_checked(body, _media_charset(content_type))
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        feed = _parse_json_feed(text.encode("utf-8"), feed_url)
        if feed is None:
            raise FeedError(f"{feed_url}: not a usable feed (JSON, but not a JSON Feed)")
        feed.charset_note = note
        return feed
    head = text[:1024].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html")):
        raise FeedError(f"{feed_url}: not a usable feed (an HTML page; `newsflow feeds add` with the site's address "
                        "finds the feeds it links to)")
    if looks_like_opml(text[:4096].encode("utf-8"), (content_type or "").split(";")[0].strip()):
        raise FeedError(f"{feed_url}: an OPML list of feeds, not a feed; `newsflow feeds import {feed_url}` "
                        "registers the feeds it lists")
    try:
        check_entity_expansion(text, max_bytes or DEFAULT_EXPANDED_MAX)
    except EntityExpansionError as exc:
        raise FeedError(f"{feed_url}: not a usable feed ({exc})") from exc
    text, cut = first_items(text, max_entries)
    if cut:
        log.warning("feed %s lists %d entries; reading the first %d", feed_url, max_entries + cut, max_entries,
                    extra={"feed": feed_url, "problem": "feed:too_many_entries"})
    body = as_utf8_xml(text)
    # feedparser flags a missing Content-Type as an error; absent one, XML is the honest guess.
    media = (content_type or "application/xml").split(";")[0].strip() or "application/xml"
    headers = {"content-location": feed_url, "content-type": f"{media}; charset=utf-8"}
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    except RecursionError as exc:
        raise FeedError(f"{feed_url}: not a usable feed (nested too deeply)") from exc
    reason = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        reason = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    problems: list[str] = []
    entries = []
    for index, raw in enumerate(parsed.get("entries", []), 1):
        label = entry_label(index, raw.get("id"))
        try:
            entries.append(_entry(raw, EntryFields(feed_url, label, problems), feed_url))
        except Exception as exc:  # noqa: BLE001 - whatever one entry does costs that entry only
            _skip_entry(feed_url, label, f"{type(exc).__name__}: {exc}", problems)
    if not entries and (reason or not parsed.get("version")):
        raise FeedError(f"{feed_url}: not a usable feed ({reason or 'no RSS, Atom or JSON Feed content'})")
    if reason:
        log.warning("feed %s is malformed but has %d entries; using them (%s)", feed_url, len(entries), reason, extra={"feed": feed_url})
    meta = parsed.get("feed", {})
    return ParsedFeed(
        url=feed_url,
        title=" ".join(_str(meta.get("title")).split()),
        link=_str(meta.get("link")) or None,
        entries=entries,
        bozo=bool(reason),
        bozo_reason=reason,
        problems=problems + (["feed:too_many_entries"] if cut else []),
        charset_note=note,
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
            if is_http_url(url):
                found.setdefault(url, None)
    return list(found)


def opml_document(feeds: list[tuple[str, str | None]], title: str = "newsflow feeds") -> bytes:
    """An OPML 2.0 document listing ``(url, title)`` feeds, as UTF-8 bytes."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    for url, name in feeds:
        ET.SubElement(body, "outline", type="rss", text=name or url, title=name or url, xmlUrl=url)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
