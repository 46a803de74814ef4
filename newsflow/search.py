"""The search contract shared by every index backend and both front doors (CLI, web).

A backend implements ``Index``; the CLI's ``newsflow search --json`` prints
``SearchResult.to_public()`` as it is, and the HTTP API will return the same object.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pydantic import BaseModel, Field, field_validator

if TYPE_CHECKING:
    from newsflow.contracts import EnrichedArticle

# Facets always present in a result, in this order (others follow when the backend has them).
FACET_LABELS = ("PERSON", "ORG", "GPE")


class QueryError(ValueError):
    """The user's query or filters cannot be run (bad syntax, bad date, ...). Message is for humans."""


def parse_date(value: str | date | datetime | None, *, end: bool = False) -> datetime | None:
    """Parse a ``--since``/``--until`` value: ``YYYY-MM-DD`` or ISO 8601 date-time.

    A bare date means the start of that day (UTC) or, with ``end=True``, its last instant,
    so ``--until 2024-05-01`` includes everything published on May 1st.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time.max if end else time.min)
    else:
        text = value.strip()
        try:
            if len(text) == 10:
                d = date.fromisoformat(text)
                dt = datetime.combine(d, time.max if end else time.min)
            else:
                dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(f"not a date: {value!r} (use YYYY-MM-DD or an ISO 8601 date-time)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


class SearchRequest(BaseModel):
    """What a user asks for. Several ``entities`` AND together."""

    query: str = ""
    entities: list[str] = Field(default_factory=list)
    label: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=10, ge=0, le=1000)
    offset: int = Field(default=0, ge=0)
    facet_size: int = Field(default=10, ge=0, le=100)

    @field_validator("label")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.strip().upper() if v else None

    @field_validator("entities")
    @classmethod
    def _canonical(cls, v: list[str]) -> list[str]:
        # the names enrich gives aliased entities: "U.S." finds what says "United States"
        from newsflow.aliases import canonical_name

        return [canonical_name(name) for name in v]


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
    story_id: str
    score: float
    snippet: str  # matched terms wrapped in <mark>...</mark>, the rest is plain text
    entities: list[EntityRef] = Field(default_factory=list)


class SearchResult(BaseModel):
    """Total count, one page of hits and facets over all matches."""

    total: int
    hits: list[SearchHit] = Field(default_factory=list)
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)

    def to_public(self) -> dict:
        """The JSON object of ``newsflow search --json`` and ``GET /api/search``."""
        return self.model_dump(mode="json")


@runtime_checkable
class Index(Protocol):
    """A search index of enriched articles."""

    def upsert(self, articles: list["EnrichedArticle"]) -> None:
        """Insert or replace articles by id, atomically for the batch."""

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; raises ``QueryError`` for input the user must fix."""

    def get(self, article_id: str) -> "EnrichedArticle | None":
        """One article by id."""

    def count(self) -> int:
        """Number of articles indexed."""

    def close(self) -> None:
        """Release resources."""
