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
from urllib.parse import quote, urlencode

from newsflow.core.search import FacetValue, SearchHit

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
    lang: str = ""
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    offset: int = 0

    def params(self, *, paging: bool = True) -> list[tuple[str, str]]:
        """Query-string pairs (empty values and the default sort left out, so URLs stay short)."""
        pairs: list[tuple[str, str]] = []
        if self.query:
            pairs.append(("query", self.query))
        pairs += [("entity", e) for e in self.entities]
        for key in ("label", "source", "lang", "since", "until"):
            if getattr(self, key):
                pairs.append((key, getattr(self, key)))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.offset and paging:
            pairs.append(("offset", str(self.offset)))
        return pairs

    def here(self) -> str:
        """This very page (its offset too): where an article's back link returns."""
        qs = urlencode(self.params())
        return "/" + (f"?{qs}" if qs else "")

    def article_href(self, article_id: str) -> str:
        """The article page, with a back link to this search."""
        here = self.here()
        return f"/articles/{quote(article_id, safe='')}" + (f"?{urlencode([('back', here)])}" if here != "/" else "")

    def export_href(self, fmt: str) -> str:
        """Every match of this search as CSV or JSON Lines (no paging)."""
        qs = urlencode(self.params(paging=False))
        return f"/api/search.{fmt}" + (f"?{qs}" if qs else "")

    def toggle_lang(self, code: str) -> str:
        return self.href(lang="" if self.lang.casefold() == code.casefold() else code)

    @property
    def date_preset(self) -> str:
        """The preset the date filter is (``24h``, ``7d``, ``30d``), ``custom``, or "" for any time."""
        if not self.since and not self.until:
            return ""
        if self.since in dict(DATE_PRESETS) and not self.until:
            return self.since
        return "custom"

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
        return bool(self.entities or self.label or self.source or self.lang or self.since or self.until)


# the page's date controls: --since spans (newsflow.core.search.parse_date)
DATE_PRESETS = (("24h", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days"))
SORT_NAMES = (("relevance", "Best match"), ("newest", "Newest first"), ("oldest", "Oldest first"))
# entity labels as people read them (spaCy's OntoNotes labels)
LABEL_WORDS = {
    "PERSON": ("Person", "People"), "ORG": ("Organisation", "Organisations"), "GPE": ("Place", "Places"),
    "LOC": ("Location", "Locations"), "NORP": ("Group", "Nationalities and groups"), "EVENT": ("Event", "Events"),
    "PRODUCT": ("Product", "Products"), "FAC": ("Facility", "Facilities"), "WORK_OF_ART": ("Work", "Works"),
    "LAW": ("Law", "Laws"), "LANGUAGE": ("Language", "Languages"),
}
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "ar": "Arabic", "zh": "Chinese",
                  "ja": "Japanese", "ko": "Korean", "pl": "Polish", "sv": "Swedish"}


def label_words(label: str, plural: bool = False) -> str:
    """``People`` for PERSON (plural) or ``Person``; an unknown label as it is, capitalised."""
    words = LABEL_WORDS.get(label.upper())
    if words is None:
        return label.replace("_", " ").capitalize()
    return words[1] if plural else words[0]


def language_name(code: str) -> str:
    """``English`` for ``en``; an unknown code as it is."""
    return LANGUAGE_NAMES.get(code.lower(), code)


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 mention``, ``2 mentions``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def safe_back(url: str | None) -> str:
    """A back link into this site's search page only (never another site: no open redirect)."""
    if url and (url == "/" or url.startswith("/?")) and "\\" not in url:
        return url
    return "/"


def mark_entities(paragraph: str, entities: list, href) -> str:
    """A paragraph as safe HTML with each entity's spellings linked to ``href(entity)``, longest first."""
    forms: dict[str, object] = {}
    for e in entities:
        for form in sorted({e.name, *e.surface_forms}, key=len, reverse=True):
            if len(form) > 1:
                forms.setdefault(form.casefold(), e)
    if not forms:
        return html.escape(paragraph)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?!\w)",
                         re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(paragraph):
        e = forms[m.group(1).casefold()]
        out.append(html.escape(paragraph[pos:m.start()]))
        out.append(f'<a class="ent {html.escape(e.label.lower())}" href="{html.escape(href(e.name))}" '
                   f'title="{html.escape(label_words(e.label))}: {html.escape(e.name)} (show articles naming it)">'
                   f"{html.escape(m.group(1))}</a>")
        pos = m.end()
    out.append(html.escape(paragraph[pos:]))
    return "".join(out)


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


def period_start(d: date, interval: str) -> date:
    """The first day of ``d``'s period (weeks start on Monday, like the indexes' buckets)."""
    if interval == "week":
        return d - timedelta(days=d.weekday())
    if interval == "month":
        return d.replace(day=1)
    if interval == "year":
        return d.replace(month=1, day=1)
    return d


def histogram_bars(buckets: list[FacetValue], interval: str, start: date | None = None, end: date | None = None) -> list[Bar]:
    """Bars for every period from the first bucket (or ``start``) to the last (or ``end``), empty
    periods as zero bars, so time is to scale."""
    counts = {date.fromisoformat(b.name): b.count for b in buckets}
    if not counts:
        return []
    first = min([*counts, *([period_start(start, interval)] if start else [])])
    last = max([*counts, *([period_start(end, interval)] if end else [])])
    top = max(counts.values())
    bars: list[Bar] = []
    d = first
    while d <= last and len(bars) < MAX_BARS:
        nxt = _next(d, interval)
        n = counts.get(d, 0)
        bars.append(Bar(d, nxt - timedelta(days=1), n, max(2, round(100 * n / top)) if n else 0))
        d = nxt
    return bars


__all__ = ["DATE_PRESETS", "PAGE_SIZE", "SORT_NAMES", "Bar", "PageState", "StoryGroup", "fold_stories", "histogram_bars",
           "label_words", "language_name", "mark_entities", "pick_interval", "plural", "safe_back", "snippet_html"]
