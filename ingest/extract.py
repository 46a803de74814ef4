"""Main text and metadata of an article page.

trafilatura finds the article body (and drops navigation, banners, comments, footers...),
checked by a second opinion (``ingest.ensemble``).
A few fields it does not give us the way we need them are read from the page head with lxml:
the declared ``rel=canonical`` (trafilatura's ``url`` may come from ``og:url`` or ``<base>``
instead), the language (trafilatura sets it only when filtering by language) and a full
publication timestamp (trafilatura's date is a day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from newsflow.core.languages import detect_language
from ingest.bylines import drop_byline_lines, find_byline, split_authors
from ingest.declared_body import declared_body, declared_summary, jsonld_objects
from ingest.ensemble import choose_text
from ingest.extractors import drop_unread, figure_captions, headline_keys, line_key, parse_html
from ingest.fallback_meta import Gaps, fill_gaps
from ingest.promos import drop_caption_lines, drop_promo_lines


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
    extractor: str = "trafilatura-fast"  # which extractor produced ``text`` (see ingest.ensemble)


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


def _jsonld_date(jsonld: list[dict]) -> datetime | None:
    for item in jsonld:
        found = _parse_time(item.get("datePublished")) if isinstance(item.get("datePublished"), str) else None
        if found:
            return found
    return None


def _published(tree, jsonld: list[dict]) -> datetime | None:
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key and meta.get("content"):
            metas.setdefault(key, meta.get("content"))
    for key in _DATE_META:
        found = _parse_time(metas.get(key))
        if found:
            return found
    found = _jsonld_date(jsonld)
    if found:
        return found
    for el in tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate]"):
        found = _parse_time(el.get("datetime"))
        if found:
            return found
    return None


def _head_metadata(tree) -> dict[str, str | list[str] | None]:
    """Title, author, site name, image and tags as the page's head declares them (Open Graph, meta)."""
    metas: dict[str, str] = {}
    tags: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        content = " ".join((meta.get("content") or "").split())
        if not key or not content:
            continue
        if key in ("article:tag", "news_keywords"):
            tags += [t.strip() for t in content.split(",") if t.strip()]
        metas.setdefault(key, content)
    h1 = tree.find(".//h1")
    h1_text = " ".join("".join(h1.itertext()).split()) if h1 is not None else ""
    return {
        "title": metas.get("og:title") or metas.get("twitter:title") or h1_text or None,
        "h1": h1_text or None,
        "author": metas.get("author") or metas.get("article:author") or metas.get("parsely-author") or None,
        "sitename": metas.get("og:site_name") or metas.get("application-name") or None,
        "image": metas.get("og:image") or metas.get("og:image:url") or metas.get("twitter:image") or None,
        "tags": tags,
    }


# The headline may come after a kicker, a section name or a date line: "Betriebliche
# Altersvorsorge" / headline, "News" / headline. Such a line is short; a longer one above the
# headline is text, and then the headline is left where it is. On the 990 pages of the evaluation
# corpus looking three lines deep took a headline (and what stood above it) off 35 more pages; that
# corpus counts a page's headline as wanted text now and then, and one such page lost it (recall on
# the odd-indexed pages 0.9504 -> 0.9498, F1 0.9352 -> 0.9348): a snippet that begins with the
# section name and the headline it sits under is worth that.
_HEADLINE_DEPTH = 3
_MAX_KICKER = 80


# A page's <title> is often the headline with the site's name after it ("Headline | Site", "Headline
# - Site") or a kicker before it ("100. Geburtstag: Headline"): the headline in the text is then a
# part of the title. The lowest line near the top that repeats a headline or such a part goes, with
# the short lines (or other repeats) above it. On the 990 pages 22 more pages lost their headline
# (with a kicker or a repeat of it on some, and one "[object Object]"); every removed line was
# read, and F1 is unchanged: the corpus counts none of them as the only place of a wanted passage.
_TITLE_SEPARATOR = re.compile(r"\s+[|–—·-]\s+|:\s+")
_MIN_TITLE_PART = 15  # "News", "Home", "Politik" are sections, not headlines


def _title_parts(headlines: list[str | None]) -> set[str]:
    """The keys of each headline's parts: without what follows its last separator (the site),
    without what precedes its first (a kicker or the site), and its first and last pieces."""
    parts = set()
    for headline in headlines:
        separators = _TITLE_SEPARATOR.findall(headline or "")
        if not separators:
            continue
        pieces = _TITLE_SEPARATOR.split(headline)
        head = headline[:headline.rfind(separators[-1])]
        tail = headline[headline.find(separators[0]) + len(separators[0]):]
        parts.update(line_key(part) for part in (head, tail, pieces[0], pieces[-1])
                     if len(part.strip()) >= _MIN_TITLE_PART)
    return parts


def drop_headline(text: str, headlines: list[str | None]) -> str:
    """``text`` without the line near its top that only repeats the headline (an ``<h1>`` inside
    ``<article>`` comes out as one of the body's first lines), and without the kicker or section
    name above it: snippets and the lead would begin with them."""
    keys = headline_keys(headlines) | _title_parts(headlines)
    lines = text.split("\n")
    # the lowest match: a kicker may itself be a part of the title ("Kicker: Headline | Site")
    at = next((i for i in reversed(range(min(_HEADLINE_DEPTH, len(lines)))) if line_key(lines[i]) in keys), None)
    if at is None:
        return text
    rest = lines[at + 1:]
    above_short = all(len(above) <= _MAX_KICKER or line_key(above) in keys for above in lines[:at])
    if any(r.strip() for r in rest) and above_short:
        return "\n".join(rest).lstrip("\n")
    return text


# Metadata comes from the page head (cheap) and a byline lookup; the cheap parts of
# trafilatura's metadata pass (ingest.fallback_meta) run only for a page whose head lacks a
# title or a date.
def extract_html(html: str, url: str | None = None) -> ExtractedPage | None:
    """Extract an article page's main text and metadata; ``None`` when no main text is found.

    ``url`` is where the page was fetched from (after redirects); relative canonical links
    resolve against it.
    """
    tree = parse_html(html)
    published = canonical = language = None
    declared = summary = ""
    meta: dict = {"title": None, "h1": None, "author": None, "sitename": None, "image": None, "tags": []}
    gaps = Gaps()
    if tree is not None:
        canonical = declared_canonical(tree, url)
        language = _language(tree)
        jsonld = list(jsonld_objects(tree))  # parsed once: the date and the declared body read it
        published = _published(tree, jsonld)
        declared, summary = declared_body(jsonld), declared_summary(jsonld)
        meta = _head_metadata(tree)
        # An author is worth a cheap byline lookup, not trafilatura's author search (which
        # copies the whole tree: a quarter of an article's extraction time).
        if not meta["author"]:
            meta["author"] = find_byline(tree)
        if not (meta["title"] and published):
            gaps = fill_gaps(tree, url, need_title=not meta["title"], need_date=published is None)
        drop_unread(tree)  # the metadata is read: what follows reads the text
    headlines = [meta["title"], meta["h1"], gaps.title]
    captions = figure_captions(tree)  # before choose_text, which strips the tree's asides
    # our parse of the page, handed over: trafilatura need not parse it again (it works on a copy)
    choice = choose_text(tree, html, url, headlines, declared, summary)
    for name in ("title", "author", "sitename", "image"):
        meta[name] = meta[name] or getattr(gaps, name)
    authors = split_authors(meta["author"])
    # bylines and dates first: the headline may stand below them
    text = drop_promo_lines(drop_headline(drop_byline_lines(drop_caption_lines(choice.text, captions), authors), headlines))
    if not text:
        return None
    meta["tags"] = meta["tags"] or gaps.tags
    if language is None:
        language = detect_language(text)
    if published is None and gaps.date:
        published = _parse_time(gaps.date)  # a day only: midnight UTC
    return ExtractedPage(
        title=" ".join((meta["title"] or "").split()),
        text=text,
        authors=authors,
        published_at=published,
        language=language,
        image=meta["image"],
        site_name=meta["sitename"],
        canonical_url=canonical,
        tags=list(dict.fromkeys(meta["tags"])),
        extractor=choice.source,
    )
