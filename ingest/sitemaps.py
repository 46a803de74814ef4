"""Sitemaps as a source of articles, for sites without feeds.

Reads ``sitemap.xml`` url sets, sitemap indexes and Google News sitemaps (the ``news:`` extension
with title, publication date, keywords), plain or gzip-compressed. Parsed with defusedxml:
a sitemap that declares entities is refused, never expanded. Elements are matched by local
name, so sitemaps with sloppy or missing namespaces still work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ingest.feeds import FeedEntry, FeedError, iso_time
from newsflow.core.compression import GzipError, gunzip, is_gzip
from newsflow.core.limits import MAX_BODY_BYTES

MAX_CHILD_SITEMAPS = 5  # newest child sitemaps of an index read per poll: news lives in the newest


@dataclass
class ParsedSitemap:
    """A url set (``entries``) or a sitemap index (``children``: child sitemap URL and lastmod)."""

    url: str
    entries: list[FeedEntry] = field(default_factory=list)
    children: list[tuple[str, datetime | None]] = field(default_factory=list)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(el, name: str):
    return next((c for c in el if _local(c.tag) == name), None)


def _text(el, *path: str) -> str:
    for name in path:
        if el is None:
            return ""
        el = _child(el, name)
    return " ".join((el.text or "").split()) if el is not None else ""


def _http(base: str, loc: str) -> str | None:
    url = urljoin(base, loc.strip())
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def parse_sitemap(body: bytes, url: str, *, max_urls: int = 200, max_bytes: int = MAX_BODY_BYTES) -> ParsedSitemap:
    """Parse sitemap bytes fetched from ``url``; raises ``FeedError`` when they are not a sitemap.

    Of a url set, the ``max_urls`` newest entries are kept (by news publication date, else
    ``lastmod``; undated ones after the dated ones, in document order). A child sitemap of an
    index is kept only if it is http(s).
    """
    if is_gzip(body):
        try:
            body = gunzip(body, max_bytes)
        except GzipError as exc:
            raise FeedError(f"{url}: sitemap: {exc}") from exc
    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise FeedError(f"{url}: not a usable sitemap ({type(exc).__name__}: {exc})") from exc
    kind = _local(root.tag)
    out = ParsedSitemap(url)
    if kind == "sitemapindex":
        for sm in root:
            if _local(sm.tag) != "sitemap":
                continue
            loc = _http(url, _text(sm, "loc"))
            if loc:
                out.children.append((loc, iso_time(_text(sm, "lastmod"))))
        return out
    if kind != "urlset":
        raise FeedError(f"{url}: not a usable sitemap (root element <{kind}>, expected <urlset> or <sitemapindex>)")
    for el in root:
        if _local(el.tag) != "url":
            continue
        loc = _text(el, "loc")
        news = _child(el, "news")
        link = _http(url, loc) if loc else None
        keywords = _text(news, "keywords")
        out.entries.append(FeedEntry(
            link=link,
            title=_text(news, "title"),
            published=iso_time(_text(news, "publication_date")),
            updated=iso_time(_text(el, "lastmod")),
            guid=loc or None,
            tags=[k.strip() for k in keywords.split(",") if k.strip()],
            image=_http(url, _text(el, "image", "loc")) if _child(el, "image") is not None else None,
        ))
    dated = sorted((e for e in out.entries if e.published or e.updated),
                   key=lambda e: e.published or e.updated, reverse=True)
    undated = [e for e in out.entries if not (e.published or e.updated)]
    out.entries = (dated + undated)[:max_urls]
    return out


def newest_children(children: list[tuple[str, datetime | None]], n: int = MAX_CHILD_SITEMAPS) -> list[str]:
    """The ``n`` child sitemaps most recently modified (undated ones last, in document order)."""
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    ordered = sorted(enumerate(children), key=lambda ic: (ic[1][1] or epoch, -ic[0]), reverse=True)
    return [url for _, (url, _) in ordered[:n]]
