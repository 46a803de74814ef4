"""Metadata a page's head does not declare, found by the cheap parts of trafilatura's metadata pass.

trafilatura's whole pass (``trafilatura.metadata.extract_metadata``) cost about a third of an
article's extraction time on the real pages of the evaluation corpus: its author search copies
the whole tree (8.6 ms a page), its category and tag searches and its licence lookup walk the
body (3.8 ms), all to fill gaps that a page's meta tags, JSON-LD and byline (read first, in
``ingest.extract``) mostly fill already. What is kept, each only when its field is missing:
Open Graph and meta tags read trafilatura's way plus JSON-LD (0.6 ms), its title heuristics
(<h1>, title classes, the <title> element: 0.35 ms) and htmldate in its fast mode (markup and
URL only, no extensive search of the text: 1.3 ms).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from htmldate import find_date
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.utils import line_processing

log = logging.getLogger(__name__)

_WWW = re.compile(r"^(?:www|w[0-9]+)\.")


@dataclass
class Gaps:
    """What the cheap pass found; ``None`` or empty where it found nothing."""

    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    date: str | None = None  # YYYY-MM-DD, as htmldate gives it


def _clean(value: str | None) -> str | None:
    # trafilatura's own trimming of metadata (entities, control characters, spaces)
    return (line_processing(value) or None) if value else None


def _site_name(declared: str | None, url: str | None) -> str | None:
    # as trafilatura names a site: a Twitter handle without its "@", a bare word capitalised,
    # else the host of the page's URL
    name = _clean((declared or "").lstrip("@"))
    if name:
        return name.title() if "." not in name and not name[0].isupper() else name
    host = urlsplit(url).hostname if url else None
    return _WWW.sub("", host) if host else None


def fill_gaps(tree, url: str | None, *, need_title: bool, need_date: bool) -> Gaps:
    """Title, author, site name, image, tags and (when ``need_date``) the publication day of a
    parsed page, from its meta tags, JSON-LD, title heuristics and htmldate's fast mode.

    Never raises: a page whose JSON-LD or dates trip the libraries loses that field, not the page.
    """
    gaps = Gaps()
    try:
        doc = extract_meta_json(tree, examine_meta(tree))
    except Exception as exc:  # trafilatura's JSON-LD parsing has known bugs on odd scripts
        log.debug("metadata from meta tags and JSON-LD failed: %s: %s", type(exc).__name__, exc)
        doc = None
    if doc is not None:
        # a one-word "author" meta is usually a site or a handle (trafilatura drops it too)
        gaps.author = _clean(doc.author) if doc.author and " " in doc.author.strip() else None
        gaps.title, gaps.image = _clean(doc.title), _clean(doc.image)
        gaps.tags = [t for t in (doc.tags or []) if t]
    gaps.sitename = _site_name(doc.sitename if doc is not None else None, url)
    if need_title and not gaps.title:
        gaps.title = _clean(extract_title(tree))
    if need_date:
        try:
            gaps.date = find_date(tree, extensive_search=False, original_date=True, url=url)
        except Exception as exc:  # htmldate on a malformed date attribute
            log.debug("htmldate failed: %s: %s", type(exc).__name__, exc)
    return gaps
