"""What the search page shows, computed from the URL and a SearchResult (no I/O here).

Every filter lives in the URL (the same parameter names as ``GET /api/search``), so a page
can be bookmarked and shared, and the back button works. ``PageState`` builds the links that
add or remove one filter; ``fold_stories`` and ``histogram_bars`` shape the results.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from newsflow.search import FacetValue, SearchHit

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)

PAGE_SIZE = 20


def snippet_html(snippet: str) -> str:
    """A snippet as safe HTML: the index's ``<mark>`` spans kept, everything else escaped."""
    out: list[str] = []
    pos = 0
    for m in _MARK.finditer(snippet):
        out.append(html.escape(snippet[pos:m.start()]))
        out.append(f"<mark>{html.escape(m.group(1))}</mark>")
        pos = m.end()
    out.append(html.escape(snippet[pos:].replace("<mark>", "").replace("</mark>", "")))
    return "".join(out)


@dataclass(frozen=True)
class PageState:
    """The search as the URL holds it."""

    query: str = ""
    entities: tuple[str, ...] = ()
    label: str = ""
    source: str = ""
    since: str = ""
    until: str = ""
    offset: int = 0

    def params(self) -> list[tuple[str, str]]:
        """Query-string pairs (empty values left out, so URLs stay short)."""
        pairs: list[tuple[str, str]] = []
        if self.query:
            pairs.append(("query", self.query))
        pairs += [("entity", e) for e in self.entities]
        for key in ("label", "source", "since", "until"):
            if getattr(self, key):
                pairs.append((key, getattr(self, key)))
        if self.offset:
            pairs.append(("offset", str(self.offset)))
        return pairs

    def href(self, **changes) -> str:
        """The page URL with some fields changed; a new filter starts again at the first page."""
        changes.setdefault("offset", 0)
        qs = urlencode(replace(self, **changes).params())
        return "/" + (f"?{qs}" if qs else "")

    def api_href(self) -> str:
        """The same search as JSON."""
        qs = urlencode([p for p in self.params()])
        return "/api/search" + (f"?{qs}" if qs else "")

    def has_entity(self, name: str) -> bool:
        return any(e.casefold() == name.casefold() for e in self.entities)

    def toggle_entity(self, name: str) -> str:
        """Link that adds the entity filter, or removes it when it is on."""
        if self.has_entity(name):
            return self.href(entities=tuple(e for e in self.entities if e.casefold() != name.casefold()))
        return self.href(entities=(*self.entities, name))

    def toggle_source(self, name: str) -> str:
        return self.href(source="" if self.source.casefold() == name.casefold() else name)

    @property
    def filtered(self) -> bool:
        return bool(self.entities or self.label or self.source or self.since or self.until)


@dataclass
class StoryGroup:
    """Hits of one near-duplicate story on this page: the first shown, the others folded under it."""

    first: SearchHit
    more: list[SearchHit] = field(default_factory=list)


def fold_stories(hits: list[SearchHit]) -> list[StoryGroup]:
    """Group a page's hits by story, in the order of each story's best hit."""
    groups: dict[str, StoryGroup] = {}
    for hit in hits:
        key = hit.story_id or hit.id
        if key in groups:
            groups[key].more.append(hit)
        else:
            groups[key] = StoryGroup(hit)
    return list(groups.values())


def pick_interval(first: date, last: date) -> str:
    """A histogram bucket width that gives a readable number of bars for this span."""
    days = (last - first).days
    if days <= 62:
        return "day"
    if days <= 366:
        return "week"
    if days <= 366 * 12:
        return "month"
    return "year"


def _next(d: date, interval: str) -> date:
    if interval == "day":
        return d + timedelta(days=1)
    if interval == "week":
        return d + timedelta(days=7)
    if interval == "month":
        return date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return date(d.year + 1, 1, 1)


@dataclass(frozen=True)
class Bar:
    """One bar of the date histogram: the period [start, end] and its share of the highest bar."""

    start: date
    end: date
    count: int
    height: int  # percent of the tallest bar

    def label(self, interval: str) -> str:
        if interval == "day":
            return self.start.isoformat()
        if interval == "month":
            return self.start.strftime("%Y-%m")
        if interval == "year":
            return str(self.start.year)
        return f"week of {self.start.isoformat()}"


MAX_BARS = 400


def histogram_bars(buckets: list[FacetValue], interval: str) -> list[Bar]:
    """Bars for every period from the first bucket to the last (empty periods too, so time is to scale)."""
    if not buckets:
        return []
    counts = {date.fromisoformat(b.name): b.count for b in buckets}
    first, last = min(counts), max(counts)
    top = max(counts.values())
    bars: list[Bar] = []
    d = first
    while d <= last and len(bars) < MAX_BARS:
        nxt = _next(d, interval)
        n = counts.get(d, 0)
        bars.append(Bar(d, nxt - timedelta(days=1), n, max(2, round(100 * n / top)) if n else 0))
        d = nxt
    return bars


__all__ = ["PAGE_SIZE", "Bar", "PageState", "StoryGroup", "fold_stories", "histogram_bars", "pick_interval", "snippet_html"]
