"""Lists of feeds: OPML subscription lists and text files of feed URLs, from a file or by URL.

A list read by URL goes through the same guarded fetcher as feeds (private hosts refused unless
allowed, size and time limits, redirects checked), so a list someone else hosts is no more
trusted than a feed. OPML is parsed with defusedxml: entity declarations are refused, never
expanded. Nested ``outline`` elements are followed; OPML 2.0 ``type="include"`` outlines (a
link to another list) are not fetched: each is logged, so an operator can import it on its own.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ingest.fetch import Fetcher

log = logging.getLogger(__name__)

#: a URL source whose path ends so is read as a list of feeds, not polled as a feed
LIST_SUFFIXES = (".opml", ".txt")
#: media types servers give OPML (there is no registered one)
OPML_TYPES = frozenset({"text/x-opml", "application/x-opml", "text/x-opml+xml", "application/opml+xml"})
#: feeds read from one list; a longer one is cut with a warning (one feed is one poller's work)
MAX_LISTED = 20_000

_OPML_ROOT = re.compile(rb"^(?:<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*<opml\b", re.I | re.S)
_BOM_SPACE = b"\xef\xbb\xbf \t\r\n"


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def looks_like_opml(body: bytes, content_type: str | None = None) -> bool:
    """Whether a document is an OPML list (by its media type or its root element)."""
    return (content_type or "").lower() in OPML_TYPES or bool(_OPML_ROOT.match(body[:4096].lstrip(_BOM_SPACE)))


def looks_like_url_list(body: bytes) -> bool:
    """Whether a document is a text list of feed URLs (every line a URL, a comment or blank)."""
    if body.lstrip(_BOM_SPACE)[:1] in (b"<", b"{"):  # XML or JSON: a feed, not worth decoding
        return False
    lines = [line.strip() for line in body[:1_000_000].decode("utf-8-sig", errors="replace").splitlines()]
    urls = [line for line in lines if line and not line.startswith("#")]
    return bool(urls) and all(is_http_url(line) for line in urls)


def is_feed_list(body: bytes, content_type: str | None = None) -> bool:
    """Whether a fetched document lists feeds (OPML or a text list) instead of being one."""
    return looks_like_opml(body, content_type) or looks_like_url_list(body)


def _opml_urls(where: str, data: bytes) -> list[str]:
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"{where}: not a valid OPML file ({exc})") from exc
    urls = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.rsplit("}", 1)[-1].lower() != "outline":
            continue
        attrs = {k.lower(): v.strip() for k, v in el.attrib.items()}
        url = attrs.get("xmlurl", "")
        if not url:
            if attrs.get("type", "").lower() == "include" and attrs.get("url"):
                log.warning("%s: not following the included list %s; import it on its own", where, attrs["url"])
            continue
        if is_http_url(url):
            urls.append(url)
        else:
            log.warning("%s: skipping outline with a non-http(s) xmlUrl %r", where, url)
    return urls


def _text_urls(where: str, data: bytes) -> list[str]:
    urls = []
    for lineno, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_http_url(line):
            raise ValueError(f"{where} line {lineno}: {line!r} is not an http(s) feed URL")
        urls.append(line)
    return urls


def parse_feed_list(data: bytes, where: str, content_type: str | None = None) -> list[str]:
    """The feed URLs an OPML document or a text list names, in document order.

    ``where`` (a path or URL) prefixes every message. Raises ``ValueError`` for invalid OPML, a
    text line that is not a URL, or a list without feeds.
    """
    urls = _opml_urls(where, data) if looks_like_opml(data, content_type) or data.lstrip(_BOM_SPACE).startswith(b"<") \
        else _text_urls(where, data)
    if not urls:
        raise ValueError(f"feed source {where!r}: it lists no feeds")
    if len(urls) > MAX_LISTED:
        log.warning("%s lists %d feeds; reading the first %d", where, len(urls), MAX_LISTED)
        urls = urls[:MAX_LISTED]
    return urls


def read_feed_list(fetcher: Fetcher, url: str) -> list[str]:
    """Fetch a list of feeds by URL through ``fetcher`` and return the feeds it names.

    Raises ``ingest.fetch.FetchError`` when it cannot be fetched and ``ValueError`` when it is
    not a list of feeds (a feed's own URL, for instance: that one belongs in ``--feeds`` as is).
    """
    got = fetcher.fetch(url, "feed")
    body, content_type = got.body, got.content_type
    if not is_feed_list(body, content_type):
        raise ValueError(f"feed source {url!r}: not an OPML file or a text list of feed URLs "
                         f"(got {content_type or 'no Content-Type'}); a feed URL is given as is")
    return parse_feed_list(body, url, content_type)


def is_list_url(src: str) -> bool:
    """Whether a URL source names a list of feeds (its path ends in .opml or .txt)."""
    return is_http_url(src) and urlsplit(src).path.lower().endswith(LIST_SUFFIXES)


def load_feed_sources(srcs: list[str], fetcher: Fetcher | None = None) -> list[str]:
    """Expand feed sources into feed URLs, de-duplicated in first-seen order.

    Each source is an http(s) feed URL, a text file of URLs (one per line, ``#`` comments and
    blank lines ignored) or an OPML file (every ``outline`` with an ``xmlUrl``, nested too). With
    a ``fetcher``, an http(s) URL whose path ends in ``.opml`` or ``.txt`` is such a list too,
    read through it. Raises ``ValueError`` for a missing file, an unreadable OPML file or a list
    with no feeds, and what ``read_feed_list`` raises for a list URL.
    """
    out: dict[str, None] = {}
    for src in srcs:
        src = src.strip()
        if fetcher is not None and is_list_url(src):
            urls = read_feed_list(fetcher, src)
        elif is_http_url(src):
            urls = [src]
        else:
            path = Path(src)
            if not path.is_file():
                raise ValueError(f"feed source {src!r}: no such file (expected a feed URL, a text file of URLs or an OPML file)")
            urls = parse_feed_list(path.read_bytes(), str(path))
        for url in urls:
            out.setdefault(url, None)
    return list(out)
