"""The one search code path of both front doors: ``newsflow search`` and ``GET /api/search``.

Both turn the user's parameters into a ``SearchRequest`` here, with the same checks and the
same messages, and print or return ``SearchResult.to_public()``; so the CLI and the HTTP API
answer a search with the same JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pydantic import ValidationError

from newsflow.core.search_plan import search_plan
from newsflow.core.search import HISTOGRAM_INTERVALS, SORTS, Index, QueryError, SearchRequest, SearchResult, parse_date

if TYPE_CHECKING:
    from newsflow.core.config import Settings

MAX_LIMIT = 1000  # SearchRequest.limit's bound
# Deeper pages are not for people (and Elasticsearch stops at 10,000): narrow the search instead.
# The bound also keeps offsets inside SQLite's 64-bit integers.
MAX_OFFSET = 1_000_000
MAX_QUERY_CHARS = 2000  # a query is typed by a person; this bounds the work one request can ask for


def check_label(label: str | None, settings: "Settings") -> str | None:
    """The label in upper case, or ``QueryError`` when enrich does not keep entities of that label."""
    if label is None or not label.strip():
        return None
    upper = label.strip().upper()
    known = [lab.upper() for lab in settings.entity_labels]
    if upper not in known:
        raise QueryError(f"unknown label {label!r}: use one of {', '.join(known)}")
    return upper


def build_request(settings: "Settings", *, query: str = "", entities: Iterable[str] = (), label: str | None = None,
                  source: str | None = None, since: str | None = None, until: str | None = None, limit: int = 10,
                  offset: int = 0, histogram: str | None = None, facet_size: int = 10, sort: str = "relevance",
                  language: str | None = None) -> SearchRequest:
    """A validated request; ``QueryError`` (a message for the user) for anything that cannot be searched.

    ``since``/``until`` are ``YYYY-MM-DD``, ISO 8601 or a span back from now (``90m``, ``24h``,
    ``7d``, ``4w``); a bare ``until`` date includes that whole day; a range that is empty or
    ends before it starts is refused. The query is parsed here too, so its mistakes are
    reported before any index is asked.
    """
    if len(query or "") > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    if offset > MAX_OFFSET:
        raise QueryError(f"cannot page beyond {MAX_OFFSET} results; narrow the search instead")
    if histogram is not None and histogram not in HISTOGRAM_INTERVALS:
        raise QueryError(f"unknown histogram interval {histogram!r}: use one of {', '.join(HISTOGRAM_INTERVALS)}")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    now = datetime.now(timezone.utc)
    first = _in_range(parse_date(since, now=now), "since")
    last = _in_range(parse_date(until, end=True, now=now), "until")
    if first is not None and last is not None and first >= last:
        raise QueryError(f"the date range is empty: since {since} ({first.isoformat()}) is not before "
                         f"until {until} ({last.isoformat()}); swap them or widen the range")
    try:
        request = SearchRequest(
            query=query or "", entities=[e for e in entities if e and e.strip()], label=check_label(label, settings),
            source=source or None, since=first, until=last, sort=sort, language=language or None,
            limit=limit, offset=offset, histogram=histogram, facet_size=facet_size,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise QueryError(problems) from None
    search_plan(request)  # the query's mistakes, said before any index is asked
    return request


def _in_range(dt: datetime | None, name: str) -> datetime | None:
    """``dt`` unless it has no UTC equivalent (year 1 with a positive offset, year 9999 with a negative one)."""
    if dt is not None:
        try:
            dt.astimezone(timezone.utc)
        except OverflowError:
            raise QueryError(f"{name}: the date {dt.isoformat()} is out of range") from None
    return dt


def run_search(index: Index, settings: "Settings", **params) -> SearchResult:
    """Validate ``params`` (see ``build_request``) and search ``index``; raises ``QueryError``."""
    return index.search(build_request(settings, **params))


__all__ = ["MAX_LIMIT", "MAX_OFFSET", "MAX_QUERY_CHARS", "build_request", "check_label", "run_search"]
