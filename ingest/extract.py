"""Main text and metadata of an article page.

trafilatura finds the article body (and drops navigation, banners, comments, footers...).
A few fields it does not give us the way we need them are read from the page head with lxml:
the declared ``rel=canonical`` (trafilatura's ``url`` may come from ``og:url`` or ``<base>``
instead), the language (trafilatura sets it only when filtering by language) and a full
publication timestamp (trafilatura's date is a day).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura


@dataclass
class ExtractedPage:
    """What an article page says about itself."""

    title: str
    text: str
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    language: str | None = None  # primary subtag, lower-case: "en"
    image: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None  # absolute http(s), as declared by rel=canonical
    tags: list[str] = field(default_factory=list)


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

# Meta tags that carry a publication time, most specific first.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _head(html: str):
    try:
        # lxml refuses a str that still carries an XML encoding declaration (XHTML pages).
        return lxml.html.document_fromstring(_XML_DECL.sub("", html, count=1))
    except Exception:  # lxml raises several types on hopeless input
        return None


def declared_canonical(tree, base_url: str | None) -> str | None:
    """The page's ``<link rel="canonical">``, made absolute; ``None`` unless it is http(s)."""
    head = tree.find(".//head")
    for link in (head if head is not None else tree).iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" not in rels or not href:
            continue
        url = urljoin(base_url, href) if base_url else href
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            return url
        return None
    return None


def _language(tree) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value and value.strip():
            primary = re.split(r"[-_,\s]", value.strip(), maxsplit=1)[0].lower()
            if primary.isalpha() and 2 <= len(primary) <= 3:
                return primary
    return None


def _jsonld_date(tree) -> datetime | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found = _parse_time(item.get("datePublished")) if isinstance(item.get("datePublished"), str) else None
                if found:
                    return found
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return None


def _published(tree) -> datetime | None:
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key and meta.get("content"):
            metas.setdefault(key, meta.get("content"))
    for key in _DATE_META:
        found = _parse_time(metas.get(key))
        if found:
            return found
    found = _jsonld_date(tree)
    if found:
        return found
    for el in tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate]"):
        found = _parse_time(el.get("datetime"))
        if found:
            return found
    return None


def _split_authors(value: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for name in (value or "").split(";"):
        name = " ".join(name.split())
        if name:
            seen.setdefault(name, None)
    return list(seen)


def extract_html(html: str, url: str | None = None) -> ExtractedPage | None:
    """Extract an article page's main text and metadata; ``None`` when no main text is found.

    ``url`` is where the page was fetched from (after redirects); relative canonical links
    resolve against it.
    """
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if doc is None:
        return None
    data = doc if isinstance(doc, dict) else doc.as_dict()  # 1.x returned a dict, 2.x a Document
    text = (data.get("text") or "").strip()
    if not text:
        return None
    tree = _head(html)
    published = canonical = language = None
    if tree is not None:
        canonical = declared_canonical(tree, url)
        language = _language(tree)
        published = _published(tree)
    if published is None and data.get("date"):
        published = _parse_time(data["date"])  # a day only: midnight UTC
    return ExtractedPage(
        title=" ".join((data.get("title") or "").split()),
        text=text,
        authors=_split_authors(data.get("author")),
        published_at=published,
        language=language or data.get("language"),
        image=data.get("image") or None,
        site_name=data.get("sitename") or None,
        canonical_url=canonical,
        tags=[t for t in (data.get("tags") or []) if t],
    )
