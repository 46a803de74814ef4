"""``newsflow serve``: the HTTP API and the search page, read-only over any Index backend.

Routes (the OpenAPI document at ``/openapi.json`` describes every one of them):

- ``GET /api/search``: the parameters and the JSON of ``newsflow search --json`` (both go
  through ``newsflow.frontdoor``);
- ``GET /api/articles/{id}``, ``GET /api/stories/{story_id}``, ``GET /api/entities``;
- ``GET /healthz`` (JSON; 503 when the index does not answer), ``GET /metrics`` (Prometheus);
- ``GET /`` (the search page) and ``GET /articles/{id}`` (one article), server-rendered.

Input the user must fix gets a 4xx with a message (``{"detail": ...}``), never a 500 or a
stack trace. The app never writes: it is safe beside ``newsflow run``.
"""

from __future__ import annotations

import itertools
import logging
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel

from newsflow import __version__
from newsflow.core.config import Settings
from newsflow.core.contracts import EnrichedArticle
from newsflow.core.errors import backend_error_types, describe, unavailable_reason
from newsflow.export import MEDIA_TYPES, lines
from newsflow.frontdoor import MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, build_request, check_label
from newsflow.core.search import FacetValue, Index, QueryError, SearchResult
from newsflow.web.page import (
    DATE_PRESETS,
    PAGE_SIZE,
    SORT_NAMES,
    PageState,
    fold_stories,
    histogram_bars,
    label_words,
    language_name,
    mark_entities,
    pick_interval,
    plural,
    safe_back,
    snippet_html,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
MAX_STORY_ARTICLES = 200


# --------------------------------------------------------------------------- response models


class ErrorBody(BaseModel):
    """A request the server will not answer, and why (for people)."""

    detail: str


class StoryBody(BaseModel):
    """The articles of one near-duplicate group, first published first."""

    story_id: str
    articles: list[EnrichedArticle]


class EntitiesBody(BaseModel):
    """Canonical entity names for autocomplete, most articles first."""

    entities: list[FacetValue]


class HealthBody(BaseModel):
    """``ok`` when the index answers; ``unavailable`` (HTTP 503) when it does not."""

    status: Literal["ok", "unavailable"]
    index: str
    articles: int | None = None
    error: str | None = None
    version: str


# FastAPI would document its own 422 body (a list of pydantic errors); ours is one readable line
_INVALID = {422: {"model": ErrorBody, "description": "A parameter outside what this document allows (message says which)"}}
_ERRORS = {400: {"model": ErrorBody, "description": "Input the index cannot search (message says why)"}, **_INVALID}
_NOT_FOUND = {404: {"model": ErrorBody, "description": "No such article or story"}, **_INVALID}
_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}

# query parameters shared by the API and the page, with the CLI's names and meaning
QueryText = Annotated[str, Query(max_length=MAX_QUERY_CHARS, description=(
    'Full text: words (all required, inflections too), "exact phrase", OR, AND, NOT or -word, prefix*, (groups), '
    'fields title:, source:, author:, lang:, entity:"Kim Jong Un".'))]
Entities = Annotated[list[str], Query(max_length=20, description="Entity names, any spelling; several AND together.")]
Label = Annotated[str | None, Query(max_length=40, description="Entity label (PERSON, ORG, GPE, LOC, NORP, EVENT): "
                                    "restricts `entity`, or alone requires an entity of that label.")]
Source = Annotated[str | None, Query(max_length=300, description="Only articles from this site (host name).")]
Since = Annotated[str | None, Query(max_length=40, description=(
    "Published on or after: YYYY-MM-DD, ISO 8601, or a span back from now (90m, 24h, 7d, 4w)."))]
Until = Annotated[str | None, Query(max_length=40, description="Published on or before (same forms; a bare date includes that day).")]
Lang = Annotated[str | None, Query(max_length=12, description="Only articles in this language (ISO 639-1); query words are stemmed in it.")]
SortBy = Annotated[Literal["relevance", "newest", "oldest"], Query(description="Order of hits (ties by article id).")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many hits (paging).")]


def create_app(settings: Settings, index: Index, *, registry: CollectorRegistry | None = None) -> FastAPI:
    """The ASGI app over an open (read-only) ``index``; the caller closes the index."""
    app = FastAPI(
        title="newsflow", version=__version__,
        description="Search enriched news articles by full text and by entity (any spelling).",
        # Swagger UI and ReDoc load their scripts from a CDN; the page must work offline
        docs_url=None, redoc_url=None,
    )
    registry = registry or CollectorRegistry()
    requests_total = Counter("newsflow_http_requests", "HTTP requests by route and status",
                             ["method", "route", "status"], registry=registry)
    request_seconds = Histogram("newsflow_http_request_seconds", "Time to answer an HTTP request", ["route"],
                                registry=registry, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["snippet_html"] = snippet_html
    templates.env.filters["label_words"] = label_words
    templates.env.filters["language_name"] = language_name
    templates.env.globals["plural"] = plural
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.index = index
    app.state.settings = settings

    @app.middleware("http")
    async def measure(request: Request, call_next):
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = getattr(request.scope.get("route"), "path", None) or "unmatched"
            requests_total.labels(request.method, route, str(status)).inc()
            request_seconds.labels(route).observe(time.perf_counter() - started)

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/healthz", "/metrics", "/openapi"))

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        # one readable line, not pydantic's nested list: "limit: Input should be less than or equal to 1000"
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in exc.errors())
        if wants_html(request):
            return error_page(request, problems, 422)
        return JSONResponse({"detail": problems}, status_code=422)

    async def unavailable(request: Request, exc: Exception):
        reason = unavailable_reason(exc, settings)
        if reason is None:
            return internal_error(request, exc)
        # the index is down: say which and where, as 503 (retry later), not a 500 with a trace
        log.error("index unavailable", extra={"path": request.url.path, "error": reason})
        if wants_html(request):
            return error_page(request, f"The search index is unavailable: {reason}", 503)
        return JSONResponse({"detail": reason}, status_code=503, headers={"Retry-After": "30"})

    # a handler of a specific class answers without the server logging a traceback (Exception's re-raises)
    for error_type in backend_error_types():
        app.add_exception_handler(error_type, unavailable)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        if unavailable_reason(exc, settings) is not None:  # a backend failure wrapped in another exception
            return await unavailable(request, exc)
        return internal_error(request, exc)

    def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # the trace goes to the log, never to the client
        log.error("request failed", exc_info=exc, extra={"path": request.url.path})
        return JSONResponse({"detail": "internal error (logged on the server)"}, status_code=500)

    def error_page(request: Request, message: str, status: int) -> HTMLResponse:
        return templates.TemplateResponse(request, "error.html", {"message": message, "status": status}, status_code=status)

    # ----------------------------------------------------------------------- API

    @app.get("/api/search", response_model=SearchResult, responses=_ERRORS, tags=["api"],
             summary="Search (the JSON of `newsflow search --json`)")
    def api_search(query: QueryText = "", entity: Entities = [], label: Label = None,  # noqa: B006 - FastAPI's idiom
                   source: Source = None, lang: Lang = None, since: Since = None, until: Until = None,
                   sort: SortBy = "relevance",
                   limit: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="Hits per page.")] = 10,
                   offset: Offset = 0,
                   histogram: Annotated[Literal["day", "week", "month", "year"] | None, Query(
                       description="Also count the matches per period of publication.")] = None) -> JSONResponse:
        """Full text plus entity, label, source, language and date filters; facets (and a date histogram) over all matches."""
        request = build_request(settings, query=query, entities=entity, label=label, source=source, language=lang,
                                since=since, until=until, sort=sort, limit=limit, offset=offset, histogram=histogram)
        # the very object the CLI prints, serialised the same way
        return JSONResponse(index.search(request).to_public())

    def export(fmt: str, query: str, entity: list[str], label: str | None, source: str | None, lang: str | None,
               since: str | None, until: str | None, sort: str) -> StreamingResponse:
        request = build_request(settings, query=query, entities=entity, label=label, source=source, language=lang,
                                since=since, until=until, sort=sort)
        hits = index.export(request)
        first = next(hits, None)  # a query the backend refuses fails here, as a 400, before the 200 is sent
        stream = lines(itertools.chain([first] if first is not None else [], hits), fmt)
        name = f"newsflow-search-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.{fmt}"
        return StreamingResponse(stream, media_type=MEDIA_TYPES[fmt],
                                 headers={"Content-Disposition": f'attachment; filename="{name}"'})

    _EXPORT = {**_ERRORS, 200: {"description": "Every match, streamed", "content": {
        MEDIA_TYPES["csv"].split(";")[0]: {"schema": {"type": "string"}},
        MEDIA_TYPES["jsonl"]: {"schema": {"type": "string"}}}}}

    @app.get("/api/search.csv", response_class=StreamingResponse, responses=_EXPORT, tags=["api"],
             summary="Every match as CSV")
    def api_search_csv(query: QueryText = "", entity: Entities = [], label: Label = None,  # noqa: B006
                       source: Source = None, lang: Lang = None, since: Since = None, until: Until = None,
                       sort: SortBy = "relevance") -> StreamingResponse:
        """Every match of the search (no paging), one row each: published_at, source, title, url, language,
        story_id, entities (names joined by "; "), score; a header row first."""
        return export("csv", query, entity, label, source, lang, since, until, sort)

    @app.get("/api/search.jsonl", response_class=StreamingResponse, responses=_EXPORT, tags=["api"],
             summary="Every match as JSON Lines")
    def api_search_jsonl(query: QueryText = "", entity: Entities = [], label: Label = None,  # noqa: B006
                         source: Source = None, lang: Lang = None, since: Since = None, until: Until = None,
                         sort: SortBy = "relevance") -> StreamingResponse:
        """Every match of the search (no paging), one JSON object a line: the hits of `/api/search` without snippets."""
        return export("jsonl", query, entity, label, source, lang, since, until, sort)

    @app.get("/api/articles/{article_id}", response_model=EnrichedArticle, responses=_NOT_FOUND, tags=["api"],
             summary="One enriched article")
    def api_article(article_id: Annotated[str, PathParam(max_length=200)]) -> JSONResponse:
        """Text, entities with salience, keyphrases, story and provenance of one article."""
        article = index.get(article_id)
        if article is None:
            return JSONResponse({"detail": f"no article with id {article_id!r}"}, status_code=404)
        return JSONResponse(article.model_dump(mode="json"))

    @app.get("/api/stories/{story_id}", response_model=StoryBody, responses=_NOT_FOUND, tags=["api"],
             summary="The articles of one story (near-duplicate group)")
    def api_story(story_id: Annotated[str, PathParam(max_length=200)]) -> JSONResponse:
        """Every article of one near-duplicate group, first published first."""
        articles = index.story(story_id, limit=MAX_STORY_ARTICLES)
        if not articles:
            return JSONResponse({"detail": f"no story with id {story_id!r}"}, status_code=404)
        return JSONResponse(StoryBody(story_id=story_id, articles=articles).model_dump(mode="json"))

    @app.get("/api/entities", response_model=EntitiesBody, responses=_ERRORS, tags=["api"],
             summary="Entity names for autocomplete")
    def api_entities(prefix: Annotated[str, Query(max_length=200, description="Start of a name or a spelling of it.")] = "",
                     label: Label = None,
                     limit: Annotated[int, Query(ge=1, le=100)] = 10) -> JSONResponse:
        """Canonical names whose name, a spelling or a PERSON's first or last name starts with ``prefix``."""
        names = index.entity_names(prefix, label=check_label(label, settings), limit=limit)
        return JSONResponse(EntitiesBody(entities=names).model_dump(mode="json"))

    # ----------------------------------------------------------------------- operations

    @app.get("/healthz", response_model=HealthBody, responses={503: {"model": HealthBody}}, tags=["operations"])
    def healthz() -> JSONResponse:
        """Whether the index answers (and how many articles it holds)."""
        try:
            body = HealthBody(status="ok", index=settings.index, articles=index.count(), version=__version__)
        except Exception as exc:  # noqa: BLE001 - any failure of the backend is "unavailable", said as such
            reason = unavailable_reason(exc, settings) or describe(exc)
            body = HealthBody(status="unavailable", index=settings.index, error=reason, version=__version__)
            return JSONResponse(body.model_dump(), status_code=503)
        return JSONResponse(body.model_dump())

    @app.get("/metrics", response_class=Response, tags=["operations"],
             responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}})
    def metrics() -> Response:
        """Prometheus metrics: requests by route and status, latencies."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    # ----------------------------------------------------------------------- pages

    @app.get("/", response_class=HTMLResponse, tags=["pages"],
             responses={400: {"description": "A query the index cannot run (shown on the page)", **_HTML},
                        422: {"description": "A parameter outside what this document allows", **_HTML}},
             summary="The search page")
    def search_page(request: Request, query: QueryText = "", entity: Entities = [], label: Label = None,  # noqa: B006
                    source: Source = None, lang: Lang = None, since: Since = None, until: Until = None,
                    sort: SortBy = "relevance", offset: Offset = 0) -> HTMLResponse:
        """Query box, sort and date controls, results with snippets and entity chips, facets, a date
        histogram, export links; every filter in the URL."""
        state = PageState(query=query, entities=tuple(e for e in entity if e.strip()), label=label or "",
                          source=source or "", lang=lang or "", since=since or "", until=until or "", sort=sort,
                          offset=offset)
        context: dict = {"state": state, "error": None, "result": None, "presets": DATE_PRESETS, "sorts": SORT_NAMES}
        try:
            search = build_request(settings, query=query, entities=entity, label=label, source=source, language=lang,
                                   since=since, until=until, sort=sort, limit=PAGE_SIZE, offset=offset, histogram="day")
            result = index.search(search)
        except QueryError as exc:
            context["error"] = str(exc)
            return templates.TemplateResponse(request, "search.html", context, status_code=400)
        # the histogram spans the asked-for range (zero bars where nothing was published), else the matches
        start = search.since.date() if search.since else None
        end = (search.until or datetime.now(timezone.utc)).date() if search.since else (search.until.date() if search.until else None)
        days = [date.fromisoformat(b.name) for b in result.histogram]
        interval = "day"
        if days:
            wanted = pick_interval(min([*days, *([start] if start else [])]), max([*days, *([end] if end else [])]))
            if wanted != interval:  # a wider span: count again with wider buckets (no hits, no facets: cheap)
                interval = wanted
                result.histogram = index.search(search.model_copy(update={
                    "limit": 0, "offset": 0, "facet_size": 0, "histogram": interval})).histogram
        bars = histogram_bars(result.histogram, interval, start, end)
        labels = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT")
        context.update(
            result=result, groups=fold_stories(result.hits), interval=interval, bars=bars,
            top=max((b.count for b in bars), default=0),
            facets=[(label_words(lab, plural=True), result.facets.get(lab, [])) for lab in labels],
            sources=result.facets.get("source", []), languages=result.facets.get("language", []), page_size=PAGE_SIZE,
        )
        return templates.TemplateResponse(request, "search.html", context)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, tags=["pages"],
             responses={404: {"description": "No such article", **_HTML},
                        422: {"description": "A parameter outside what this document allows", **_HTML}},
             summary="One article")
    def article_page(request: Request, article_id: Annotated[str, PathParam(max_length=200)],
                     back: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS * 3, description=(
                         "The search page to go back to (a URL on this site)."))] = None) -> HTMLResponse:
        """The article's text with its entities marked and linked, entities by label with salience,
        keyphrases, the other articles of its story."""
        article = index.get(article_id)
        if article is None:
            return error_page(request, f"There is no article with id {article_id!r}.", 404)
        story = [a for a in index.story(article.story_id, limit=MAX_STORY_ARTICLES) if a.id != article.id]
        by_label: dict[str, list] = {}
        for e in sorted(article.entities, key=lambda e: (-e.salience, -e.count, e.name)):
            by_label.setdefault(e.label, []).append(e)
        state = PageState()
        paragraphs = [mark_entities(p.strip(), article.entities, lambda name: state.href(entities=(name,)))
                      for p in article.text.split("\n") if p.strip()]
        return templates.TemplateResponse(request, "article.html", {
            "article": article, "story": story, "by_label": by_label, "paragraphs": paragraphs,
            "state": state, "back": safe_back(back)})

    return app


__all__ = ["create_app", "ErrorBody", "StoryBody", "EntitiesBody", "HealthBody"]
