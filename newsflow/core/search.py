"""The search contract shared by every index backend and both front doors (CLI, web).

A backend implements ``Index``; the CLI's ``newsflow search --json`` prints
``SearchResult.to_public()`` as it is, and the HTTP API will return the same object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field, field_validator

from newsflow.core.aliases import canonical_name

if TYPE_CHECKING:
    from newsflow.core.config import Settings
    from newsflow.core.contracts import EnrichedArticle

# Facets always present in a result, in this order (others follow when the backend has them).
FACET_LABELS = ("PERSON", "ORG", "GPE")

# Orders of hits. relevance: best score first (newest first without a full-text query);
# newest / oldest: by published_at (undated last). Ties always break by article id, so pages
# of the same search never overlap or skip.
Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")

# Bucket widths of the date histogram of hits. Buckets are UTC calendar periods named by the
# date they start on (YYYY-MM-DD; weeks start on Monday); empty buckets are left out.
HistogramInterval = Literal["day", "week", "month", "year"]
HISTOGRAM_INTERVALS: tuple[str, ...] = ("day", "week", "month", "year")


class QueryError(ValueError):
    """The user's query or filters cannot be run (bad syntax, bad date, ...). Message is for humans."""


_SPAN = re.compile(r"^(\d{1,6})\s*(m|min|h|d|w)$", re.IGNORECASE)
_SPAN_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_date(value: str | date | datetime | None, *, end: bool = False, now: datetime | None = None) -> datetime | None:
    """Parse a ``--since``/``--until`` value: ``YYYY-MM-DD``, ISO 8601 date-time, or a span back from now.

    A bare date means the start of that day (UTC) or, with ``end=True``, its last instant,
    so ``--until 2024-05-01`` includes everything published on May 1st. A span (``90m``,
    ``24h``, ``7d``, ``4w``) means that long before ``now`` (default: the current time).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time.max if end else time.min)
    else:
        text = value.strip()
        span = _SPAN.match(text)
        if span:
            delta = timedelta(**{_SPAN_UNITS[span.group(2).lower()]: int(span.group(1))})
            try:
                return (now or datetime.now(timezone.utc)) - delta
            except OverflowError:
                raise QueryError(f"the span {value!r} reaches back before year 1") from None
        try:
            if len(text) == 10:
                d = date.fromisoformat(text)
                dt = datetime.combine(d, time.max if end else time.min)
            else:
                dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(f"not a date: {value!r} (use YYYY-MM-DD, an ISO 8601 date-time, "
                             "or a span back from now: 90m, 24h, 7d, 4w)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


class SearchRequest(BaseModel):
    """What a user asks for. Several ``entities`` AND together."""

    query: str = ""
    entities: list[str] = Field(default_factory=list)
    label: str | None = None
    source: str | None = None
    # ISO 639-1 code of the articles' language (lang: in the query)
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=10, ge=0, le=1000)
    offset: int = Field(default=0, ge=0)
    facet_size: int = Field(default=10, ge=0, le=100)
    # also count the matches per period of publication (SearchResult.histogram); None: don't
    histogram: HistogramInterval | None = None
    sort: Sort = "relevance"
    # Only these article ids (alert rules run as searches over the batch just indexed); None: all.
    ids: list[str] | None = Field(default=None, max_length=1000)
    # Entity filters (entities, label) count only entities at least this salient (0..1); None: any.
    min_salience: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("label")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.strip().upper() if v else None

    @field_validator("entities")
    @classmethod
    def _canonical(cls, v: list[str]) -> list[str]:
        # the names enrich gives aliased entities: "U.S." finds what says "United States"
        return [canonical_name(name) for name in v]


def facet_skeleton(labels: list[str]) -> dict[str, list["FacetValue"]]:
    """The facets every result carries, empty: ``FACET_LABELS``, source, language, then ``labels`` sorted."""
    facets: dict[str, list[FacetValue]] = {label: [] for label in FACET_LABELS}
    facets["source"] = []
    facets["language"] = []
    for label in sorted(labels):
        facets.setdefault(label, [])
    return facets


class RejectedArticles(Exception):
    """The index refused some articles for good (e.g. a mapping error); the rest were written.

    ``errors`` holds (article id, reason). Retrying would fail the same way, so the index
    stage dead-letters these articles instead of blocking on them.
    """

    def __init__(self, message: str, errors: list[tuple[str, str]]):
        super().__init__(message)
        self.errors = errors


class EntityRef(BaseModel):
    """An entity as shown in a hit."""

    name: str
    label: str
    count: int


class FacetValue(BaseModel):
    """One bucket of a facet."""

    name: str
    count: int


class SearchHit(BaseModel):
    """One matching article."""

    id: str
    url: str
    title: str
    source: str
    published_at: datetime | None
    language: str | None = None  # ISO 639-1
    story_id: str
    score: float
    snippet: str  # matched terms wrapped in <mark>...</mark>, the rest is plain text
    entities: list[EntityRef] = Field(default_factory=list)


class SearchResult(BaseModel):
    """Total count, one page of hits and facets over all matches."""

    total: int
    hits: list[SearchHit] = Field(default_factory=list)
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)
    # matches per period (request.histogram), oldest first; name = the period's first day
    histogram: list[FacetValue] = Field(default_factory=list)

    def to_public(self) -> dict:
        """The JSON object of ``newsflow search --json`` and ``GET /api/search``."""
        return self.model_dump(mode="json")


@runtime_checkable
class Index(Protocol):
    """A search index of enriched articles."""

    def alert_ledger(self, settings: "Settings") -> Any:
        """The durable ledger of the alerts sent (``index.ledger.Ledger``), kept where this index lives
        so that every index worker of the deployment shares it."""

    def upsert(self, articles: list["EnrichedArticle"]) -> None:
        """Insert or replace articles by id, atomically for the batch."""

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; raises ``QueryError`` for input the user must fix."""

    def get(self, article_id: str) -> "EnrichedArticle | None":
        """One article by id."""

    def story(self, story_id: str, limit: int = 100) -> "list[EnrichedArticle]":
        """The articles of one near-duplicate group, first published first (undated last, then by id)."""

    def entity_names(self, prefix: str = "", label: str | None = None, limit: int = 10) -> list[FacetValue]:
        """Canonical entity names for autocomplete: the name, a spelling or a PERSON's first or
        last name starts with ``prefix``; most articles first, with the number of articles."""

    def msearch(self, requests: list[SearchRequest]) -> list[SearchResult]:
        """Several searches at once (one round trip where the backend can), results in order."""

    def export(self, request: SearchRequest) -> Iterator[SearchHit]:
        """Every hit of ``request`` (its limit and offset ignored) in its sort order, streamed
        with bounded memory (pages by a stable sort key, not one page in memory)."""

    def count(self) -> int:
        """Number of articles indexed."""

    def ensure(self) -> None:
        """Prepare the index for writing now (Elasticsearch: template, index and alias), not in the
        first upsert; idempotent. A no-op where opening the index prepared it (the embedded one)."""

    def close(self) -> None:
        """Release resources."""
