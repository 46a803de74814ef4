"""The Elasticsearch index: the production backend of ``Index``, same answers as the embedded one.

Layout in the cluster (``A`` = ``settings.es_alias``, default ``news``):

- composable index template ``A-template`` for ``A-v*`` (mapping in ``index.es_mapping``);
- versioned index ``A-v1`` behind the alias ``A``; every read and write goes through the alias,
  so a later reindex can build ``A-v2`` and swap the alias atomically.

The template, index and alias are created on the first write (``ensure()``); a read-only index
never creates anything and reads a missing alias as an empty index.

Documents are the EnrichedArticle JSON (``get`` returns it as written) plus ``source_key``,
``indexed_at`` and ``entity_rows``, the same rows the embedded index keeps in its ``entities``
table (both from ``index.rows.entity_rows``), so entity filters, label filters and facets follow the
same rules in both backends. Differences that remain: full text does not fold diacritics (the
test node has no ``asciifolding``; entity filters do fold), and BM25 scores differ in value
(ranking differs only where scores are close).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pydantic_core
from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exc

from index.embedded import HIT_ENTITIES
from index.es_mapping import ADDED_IN_2, MAPPING_VERSION, MAPPINGS, template_body
from index.es_query import entity_evidence_agg, entity_filter, facet_aggs, label_filter, split
from index.rows import EntityRow, entity_rows, source_key
from index.snippets import matcher, snippet
from newsflow.core.analysis import iso_code, stem_text
from newsflow.core.contracts import EnrichedArticle, Entity
from newsflow.core.names import fold
from newsflow.core.search_plan import SearchPlan, author_keys, search_plan
from newsflow.core.search import (
    FACET_LABELS,
    EntityRef,
    FacetValue,
    QueryError,
    RejectedArticles,
    SearchHit,
    SearchRequest,
    SearchResult,
)

log = logging.getLogger(__name__)
# the transport logs every request at INFO: keep the CLI and the workers' logs readable
if logging.getLogger("elastic_transport.transport").level == logging.NOTSET:
    logging.getLogger("elastic_transport.transport").setLevel(logging.WARNING)

INDEX_VERSION = 1
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's default index.max_result_window
RETRY_STATUSES = (429, 502, 503, 504)
_HIT_FIELDS = ["id", "url", "canonical_url", "title", "source", "published_at", "story_id", "text", "entity_rows", "lang"]
EXPORT_PAGE = 500  # hits per search_after page while exporting
EXPORT_KEEP_ALIVE = "2m"  # the point in time lives this long between two pages


class IndexWriteError(RuntimeError):
    """Elasticsearch could not take some documents for now (429/5xx); the batch must be retried."""

    def __init__(self, message: str, errors: list[tuple[str, str]]):
        super().__init__(message)
        self.errors = errors


def client_from_settings(settings: Any, **kw: Any) -> Elasticsearch:
    """The client for ``settings.es_*``: API key or basic auth, CA file; retries 429/502/503/504."""
    options: dict[str, Any] = {
        "request_timeout": 30,
        "max_retries": 3,
        "retry_on_timeout": True,
        "retry_on_status": RETRY_STATUSES,
    }
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key
    elif settings.es_username:
        options["basic_auth"] = (settings.es_username, settings.es_password or "")
    if settings.es_ca_certs:
        options["ca_certs"] = settings.es_ca_certs
    options.update(kw)
    return Elasticsearch(settings.es_url, **options)


_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(EntityRow))


def entity_docs(entities: list[Entity]) -> list[dict]:
    """The ``entity_rows`` nested documents of an article (see ``index.rows.entity_rows``)."""
    # not dataclasses.asdict: its recursive deep copy was a third of the cost of a document
    return [{f: getattr(r, f) for f in _ROW_FIELDS} for r in entity_rows(entities)]


def _derived(article: EnrichedArticle, indexed_at: str) -> dict:
    """The fields added to an article's JSON: what searches filter on (see ``index.es_mapping``)."""
    return {
        "source_key": source_key(article.source),
        "indexed_at": indexed_at,
        "entity_rows": entity_docs(article.entities),
        "title_stem": stem_text(article.title, article.language),
        "text_stem": stem_text(article.text, article.language),
        "author_keys": author_keys(article.authors),
        "lang": iso_code(article.language),
    }


def to_document(article: EnrichedArticle, indexed_at: str) -> dict:
    """The ``_source`` of an article: its JSON plus the fields searches filter on."""
    return {**article.model_dump(mode="json"), **_derived(article, indexed_at)}


def to_source_json(article: EnrichedArticle, indexed_at: str) -> str:
    """``to_document`` already serialised (pydantic's JSON encoder is about twice as fast as
    ``model_dump`` + ``json.dumps``); the bulk helper sends a string ``_source`` as it is."""
    body = article.model_dump_json()
    # pydantic-core's encoder for the derived fields too: 3x faster than json.dumps here
    extra = pydantic_core.to_json(_derived(article, indexed_at)).decode()
    return body[:-1] + "," + extra[1:]


def _facet_skeleton(labels: list[str]) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {label: [] for label in FACET_LABELS}
    facets["source"] = []
    facets["language"] = []
    for label in sorted(labels):
        facets.setdefault(label, [])
    return facets


class ElasticsearchIndex:
    """The ``Index`` on an Elasticsearch cluster (8.x), through the alias ``settings.es_alias``."""

    def __init__(self, settings: Any, readonly: bool = False, *, client: Elasticsearch | None = None,
                 refresh: str | bool = True):
        """``refresh``: how ``upsert`` makes a batch visible to searches before it returns.

        ``True`` (default): an explicit refresh after each batch: visible at once (alert rules run
        as searches over the batch just indexed), at the cost of one small segment per batch.
        Measured on the local 8.19 node (2 cores, 5 KB articles): 0.66x the rate of a plain
        ``helpers.bulk`` with batches of 200, 0.92x with 500. ``"wait_for"`` waits for the next
        scheduled refresh instead (no extra segments, but up to ``refresh_interval`` = 1 s per
        batch: 0.07x with batches of 200). ``False``: no wait, visible within ``refresh_interval``
        (0.99-1.08x plain bulk).
        """
        self.settings = settings
        self.readonly = readonly
        self.alias = settings.es_alias
        self.index_name = f"{self.alias}-v{INDEX_VERSION}"
        self.template_name = f"{self.alias}-template"
        self.refresh = refresh
        self._own_client = client is None
        self.client = client or client_from_settings(settings)
        self._ready = False

    # ------------------------------------------------------------------ setup and health

    def health(self) -> str:
        """Cluster status (green, yellow, red) from ``cluster.health`` (``ping()`` is False on the test node)."""
        return str(self.client.cluster.health(timeout="5s")["status"])

    def ensure(self) -> None:
        """Put the index template, and create the versioned index behind the alias unless the alias exists."""
        if self.readonly:
            raise PermissionError(f"the Elasticsearch index {self.alias!r} is open read-only")
        if self._ready:
            return
        self.client.indices.put_index_template(
            name=self.template_name, **template_body(self.alias, getattr(self.settings, "es_text_analyzer", "standard")))
        if self.client.indices.exists_alias(name=self.alias):
            self._upgrade_mapping()
        else:
            if self.client.indices.exists(index=self.alias):
                raise RuntimeError(
                    f"{self.alias!r} is a concrete index, not an alias: newsflow reads and writes through "
                    f"the alias {self.alias!r} -> {self.index_name!r}; delete or rename that index, or set NEWSFLOW_ES_ALIAS to another name")
            try:
                self.client.indices.create(index=self.index_name, aliases={self.alias: {"is_write_index": True}})
                log.info("created Elasticsearch index %s behind the alias %s", self.index_name, self.alias)
            except es_exc.BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":  # another writer won the race
                    raise
                self.client.indices.put_alias(index=self.index_name, name=self.alias)
        self._ready = True

    def _upgrade_mapping(self) -> None:
        """An index behind the alias with an older mapping gets the fields added since (additive,
        allowed on a live index); its older articles get them from `newsflow index reindex`."""
        for name, body in self.client.indices.get_mapping(index=self.alias).items():
            mapping = body.get("mappings") or {}
            version = int((mapping.get("_meta") or {}).get("newsflow_mapping_version") or 1)
            if version >= MAPPING_VERSION:
                continue
            self.client.indices.put_mapping(
                index=name, properties={f: MAPPINGS["properties"][f] for f in ADDED_IN_2},
                meta={**(mapping.get("_meta") or {}), "newsflow_mapping_version": MAPPING_VERSION,
                      "newsflow_upgraded_from": version})
            log.warning("Elasticsearch index %s had mapping version %s: added %s; articles indexed before now are "
                        "found by inflections only after `newsflow index reindex`", name, version, ", ".join(ADDED_IN_2))

    # ------------------------------------------------------------------ writes

    def upsert(self, articles: list[EnrichedArticle]) -> None:
        """Index articles by id (replays replace, never duplicate); visible to searches on return.

        Raises ``IndexWriteError`` if Elasticsearch refused any document (the others are indexed).
        """
        if self.readonly:
            raise PermissionError(f"the Elasticsearch index {self.alias!r} is open read-only")
        latest: dict[str, EnrichedArticle] = {}
        for article in articles:
            latest[article.id] = article
        if not latest:
            return
        self.ensure()
        now = datetime.now(timezone.utc).isoformat()
        actions = ({"_index": self.alias, "_id": a.id, "_source": to_source_json(a, now)} for a in latest.values())
        # One bulk request per batch (up to 10 MB), so refresh="wait_for" waits once per batch.
        # helpers.bulk itself retries documents rejected with 429 (queue full), with backoff.
        _, errors = helpers.bulk(
            self.client, actions, chunk_size=max(500, len(latest)), max_chunk_bytes=10 * 1024 * 1024,
            raise_on_error=False, raise_on_exception=True, max_retries=3, initial_backoff=1,
            refresh="wait_for" if self.refresh == "wait_for" else False,
        )
        if self.refresh is True:
            self.client.indices.refresh(index=self.alias)
        if errors:
            transient: list[tuple[str, str]] = []
            permanent: list[tuple[str, str]] = []
            for item in errors:
                info = next(iter(item.values()))
                err = info.get("error") or {}
                reason = f"{err.get('type', 'error')}: {err.get('reason', err)}" if isinstance(err, dict) else str(err)
                status = int(info.get("status") or 500)
                (transient if status == 429 or status >= 500 else permanent).append(
                    (str(info.get("_id")), f"status {status} {reason}"))
            for kind, failed in (("could not take", transient), ("refused", permanent)):
                if not failed:
                    continue
                shown = "; ".join(f"{aid}: {reason}" for aid, reason in failed[:3])
                more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
                message = f"Elasticsearch {kind} {len(failed)} of {len(latest)} articles in {self.alias!r}: {shown}{more}"
                # Transient first: the whole batch is retried (idempotent), permanent ones included.
                raise (IndexWriteError if failed is transient else RejectedArticles)(message, failed)

    # ------------------------------------------------------------------ reads

    def get(self, article_id: str) -> EnrichedArticle | None:
        """One article by id, as it was written."""
        try:
            doc = self.client.get(index=self.alias, id=article_id)
        except es_exc.NotFoundError:
            return None
        return EnrichedArticle.model_validate(doc["_source"])  # extra fields (entity_rows, ...) are ignored

    def story(self, story_id: str, limit: int = 100) -> list[EnrichedArticle]:
        """The articles of one near-duplicate group, first published first (undated last, then by id)."""
        if limit <= 0:
            return []
        try:
            resp = self.client.search(
                index=self.alias, query={"term": {"story_id": story_id}}, size=min(limit, MAX_RESULT_WINDOW),
                sort=[{"published_at": {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}],
                source_excludes=["entity_rows", "source_key", "indexed_at"])
        except es_exc.NotFoundError:
            return []
        return [EnrichedArticle.model_validate(h["_source"]) for h in resp["hits"]["hits"]]

    def count(self) -> int:
        """Number of articles indexed."""
        try:
            return int(self.client.count(index=self.alias)["count"])
        except es_exc.NotFoundError:
            return 0

    def entity_names(self, prefix: str = "", label: str | None = None, limit: int = 10) -> list[FacetValue]:
        """Canonical entity names whose name, a spelling of it or a PERSON's first or last name
        starts with ``prefix``, most articles first, with the number of articles naming them
        (for autocomplete; same answers as ``EmbeddedIndex.entity_names``)."""
        p = fold(prefix) if prefix.strip() else ""
        flt: list[dict] = []
        if p:
            flt.append({"prefix": {"entity_rows.key": p}})
        if label:
            flt.append({"term": {"entity_rows.label": label.strip().upper()}})
        if limit <= 0:
            return []
        try:
            resp = self.client.search(index=self.alias, size=0, aggs={"rows": {"nested": {"path": "entity_rows"}, "aggs": {
                "f": {"filter": {"bool": {"filter": flt}}, "aggs": {
                    "keys": {"terms": {"field": "entity_rows.entity_key", "size": limit,
                                       "order": [{"articles": "desc"}, {"_key": "asc"}]},
                             "aggs": {"articles": {"reverse_nested": {}}}}}}}}})
            keys = [(b["key"], b["articles"]["doc_count"]) for b in resp["aggregations"]["rows"]["f"]["keys"]["buckets"]]
            if not keys:
                return []
            resp = self.client.search(index=self.alias, size=0, aggs={"rows": {"nested": {"path": "entity_rows"}, "aggs": {
                "f": {"filter": {"bool": {"filter": [{"term": {"entity_rows.kind": "name"}},
                                                     {"terms": {"entity_rows.entity_key": [k for k, _ in keys]}}]}}, "aggs": {
                    "keys": {"terms": {"field": "entity_rows.entity_key", "size": len(keys)}, "aggs": {
                        "name": {"terms": {"field": "entity_rows.name", "size": 1,
                                           "order": [{"_count": "desc"}, {"_key": "asc"}]}}}}}}}}})
        except es_exc.NotFoundError:
            return []
        names = {b["key"]: b["name"]["buckets"][0]["key"]
                 for b in resp["aggregations"]["rows"]["f"]["keys"]["buckets"] if b["name"]["buckets"]}
        return [FacetValue(name=names.get(k, k), count=n) for k, n in keys]

    def _prepare(self, request: SearchRequest) -> tuple[SearchPlan, dict | None, list[dict]]:
        """The plan (refuses what the embedded index refuses, with the same messages), the scoring
        query and the exclusions."""
        plan = search_plan(request)
        query, exclusions = split(plan.text, plan.query_languages)
        return plan, query, exclusions

    def search(self, request: SearchRequest) -> SearchResult:
        """Full text (BM25, title boosted) plus entity, label, source, language and date filters;
        facets over all matches; hits in ``request.sort`` order."""
        plan, query, exclusions = self._prepare(request)
        if request.limit and request.offset + request.limit > MAX_RESULT_WINDOW:
            raise QueryError(f"cannot page beyond {MAX_RESULT_WINDOW} results; narrow the search instead")
        try:
            filters = self._filters(request, plan)
            body = self._body(request, query, filters, exclusions)
            resp = self.client.search(index=self.alias, **body)
        except es_exc.NotFoundError as exc:
            if exc.error == "index_not_found_exception":  # nothing indexed yet
                return SearchResult(total=0, facets=_facet_skeleton([]))
            raise
        except es_exc.BadRequestError as exc:
            raise QueryError(f"cannot run this query: {exc.message}") from None
        return self._result(plan, resp, scored=query is not None)

    def msearch(self, requests: list[SearchRequest]) -> list[SearchResult]:
        """Several searches in one ``msearch`` request (after one evidence query for all their
        entities); each answers exactly what ``search`` would. Results in order."""
        if not requests:
            return []
        prepared: list[tuple[SearchRequest, SearchPlan, dict | None, list[dict]]] = []
        for request in requests:
            plan, query, exclusions = self._prepare(request)
            if request.limit and request.offset + request.limit > MAX_RESULT_WINDOW:
                raise QueryError(f"cannot page beyond {MAX_RESULT_WINDOW} results; narrow the search instead")
            prepared.append((request, plan, query, exclusions))
        empty = [SearchResult(total=0, facets=_facet_skeleton([])) for _ in requests]
        try:
            evidence = self._evidence([pair for r, p, _, _ in prepared for pair in self._evidence_pairs(r, p)])
            searches: list[dict] = []
            for request, plan, query, exclusions in prepared:
                body = self._body(request, query, self._filters(request, plan, evidence), exclusions)
                # msearch takes raw bodies: the client's keyword names differ from the JSON ones
                body["from"] = body.pop("from_")
                body["_source"] = body.pop("source")
                searches += [{"index": self.alias}, body]
            resp = self.client.msearch(searches=searches)
        except es_exc.NotFoundError as exc:
            if exc.error == "index_not_found_exception":
                return empty
            raise
        except es_exc.BadRequestError as exc:
            raise QueryError(f"cannot run this query: {exc.message}") from None
        results: list[SearchResult] = []
        for (request, plan, query, _), item, none in zip(prepared, resp["responses"], empty):
            if "error" in item:
                err = item["error"]
                kind = err.get("type") if isinstance(err, dict) else str(err)
                if kind == "index_not_found_exception":
                    results.append(none)
                    continue
                reason = err.get("reason", err) if isinstance(err, dict) else err
                if int(item.get("status") or 500) == 400:
                    raise QueryError(f"cannot run this query: {kind}: {reason}")
                raise RuntimeError(f"Elasticsearch msearch failed: {kind}: {reason}")
            results.append(self._result(plan, item, scored=query is not None))
        return results

    def export(self, request: SearchRequest) -> Iterator[SearchHit]:
        """Every match of ``request`` in its sort order (limit and offset ignored), without snippets.

        Pages of ``EXPORT_PAGE`` through a point in time with ``search_after`` (one consistent
        view, no 10,000-hit window, bounded memory); the point in time is closed at the end.
        """
        plan, query, exclusions = self._prepare(request)
        try:
            filters = self._filters(request, plan)
            pit = self.client.open_point_in_time(index=self.alias, keep_alive=EXPORT_KEEP_ALIVE)["id"]
        except es_exc.NotFoundError as exc:
            if exc.error == "index_not_found_exception":
                return
            raise
        try:
            body = self._body(request.model_copy(update={"limit": EXPORT_PAGE, "offset": 0, "facet_size": 0,
                                                         "histogram": None}), query, filters, exclusions)
            body.pop("from_")
            body.pop("highlight", None)
            after = None
            while True:
                try:
                    resp = self.client.search(pit={"id": pit, "keep_alive": EXPORT_KEEP_ALIVE}, track_total_hits=False,
                                              **({"search_after": after} if after else {}),
                                              **{k: v for k, v in body.items() if k != "track_total_hits"})
                except es_exc.BadRequestError as exc:
                    raise QueryError(f"cannot run this query: {exc.message}") from None
                pit = resp.get("pit_id", pit)
                page = resp["hits"]["hits"]
                for h in page:
                    yield self._hit(h, "", scored=query is not None)
                if len(page) < EXPORT_PAGE:
                    break
                after = page[-1]["sort"]
        finally:
            try:
                self.client.close_point_in_time(id=pit)
            except es_exc.ApiError:  # it expires by itself
                log.warning("could not close an export's point in time; it expires in %s", EXPORT_KEEP_ALIVE)

    # ------------------------------------------------------------------ search internals

    @staticmethod
    def _entity_keys(values: tuple[str, ...] | list[str]) -> list[str]:
        """The folded keys of entity names, without repeats."""
        keys: list[str] = []
        for value in values:
            if not value or not value.strip():
                continue
            q = fold(value)
            if not q:
                raise QueryError(f"the entity {value!r} has no letters or digits to match")
            keys.append(q)
        return list(dict.fromkeys(keys))

    def _evidence_pairs(self, request: SearchRequest, plan: SearchPlan) -> list[tuple[str, str | None]]:
        return ([(k, request.label) for k in self._entity_keys(plan.entities)]
                + [(k, None) for k in self._entity_keys(plan.not_entities)])

    def _evidence(self, pairs: list[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[str]]:
        """Short forms the corpus linked to each (entity key, label): surface rows of that entity, one small query."""
        unique = list(dict.fromkeys(pairs))
        if not unique:
            return {}
        aggs = {f"e{i}": entity_evidence_agg(k, label) for i, (k, label) in enumerate(unique)}
        resp = self.client.search(index=self.alias, size=0, aggs=aggs, request_cache=True)
        return {pair: [b["key"] for b in resp["aggregations"][f"e{i}"]["f"]["keys"]["buckets"]]
                for i, pair in enumerate(unique)}

    def _filters(self, request: SearchRequest, plan: SearchPlan,
                 evidence: dict[tuple[str, str | None], list[str]] | None = None) -> list[dict]:
        label = request.label
        keys = self._entity_keys(plan.entities)
        not_keys = self._entity_keys(plan.not_entities)
        if evidence is None:
            evidence = self._evidence(self._evidence_pairs(request, plan))
        filters: list[dict] = []
        if keys:
            filters += [entity_filter(k, label, evidence[(k, label)], request.min_salience) for k in keys]
        elif label:
            filters.append(label_filter(label, request.min_salience))
        filters += [{"bool": {"must_not": [entity_filter(k, None, evidence[(k, None)])]}} for k in not_keys]
        if request.ids is not None:  # alert rules: the batch just indexed (document _id = article id)
            filters.append({"ids": {"values": list(request.ids)}})
        for value in plan.sources:
            if value.strip():
                filters.append({"term": {"source_key": source_key(value)}})
        for field, values, negated in (("source_key", [source_key(v) for v in plan.not_sources], True),
                                       ("author_keys", plan.authors, False), ("author_keys", plan.not_authors, True),
                                       ("lang", plan.languages, False), ("lang", plan.not_languages, True)):
            for value in values:
                term = {"term": {field: value}}
                filters.append({"bool": {"must_not": [term]}} if negated else term)
        dates: dict[str, str] = {}
        if request.since is not None:
            dates["gte"] = _iso(request.since)
        if request.until is not None:
            dates["lte"] = _iso(request.until)
        if dates:
            filters.append({"range": {"published_at": dates}})
        return filters

    @staticmethod
    def _body(request: SearchRequest, query: dict | None, filters: list[dict], exclusions: list[dict]) -> dict:
        clauses: dict[str, list[dict]] = {}
        if query is not None:
            clauses["must"] = [query]
        if filters:
            clauses["filter"] = filters
        if exclusions:
            clauses["must_not"] = exclusions
        # the embedded index's ORDER BY: undated last, ties by id, so pages are stable
        direction = "asc" if request.sort == "oldest" else "desc"
        by_date = [{"published_at": {"order": direction, "missing": "_last"}}, {"id": {"order": "asc"}}]
        relevance = query is not None and request.sort == "relevance"
        body: dict[str, Any] = {
            "query": {"bool": clauses} if clauses else {"match_all": {}},
            "from_": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "sort": ([{"_score": {"order": "desc"}}] if relevance else []) + by_date,
            "source": {"includes": _HIT_FIELDS},
        }
        if query is not None and not relevance:
            body["track_scores"] = True  # a score in every hit, whatever the order
        if request.facet_size > 0:
            body["aggs"] = facet_aggs(request.facet_size)
        if request.histogram:  # same buckets as the embedded index: UTC calendar periods, empty ones left out
            body.setdefault("aggs", {})["dates"] = {"date_histogram": {
                "field": "published_at", "calendar_interval": request.histogram, "min_doc_count": 1,
                "format": "yyyy-MM-dd"}}
        return body

    @staticmethod
    def _hit(h: dict, snippet_text: str, scored: bool) -> SearchHit:
        src = h["_source"]
        rows = sorted((r for r in src.get("entity_rows") or [] if r.get("kind") == "name"),
                      key=lambda r: (-r["salience"], -r["count"], r["name"]))[:HIT_ENTITIES]
        published = src.get("published_at")
        return SearchHit(
            id=src.get("id") or h["_id"], url=src.get("canonical_url") or src.get("url") or "",
            title=src.get("title") or "", source=src.get("source") or "",
            published_at=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
            language=src.get("lang"), story_id=src.get("story_id") or "",
            score=max(0.0, float(h.get("_score") or 0.0)) if scored else 0.0, snippet=snippet_text,
            entities=[EntityRef(name=r["name"], label=r["label"], count=r["count"]) for r in rows],
        )

    @classmethod
    def _result(cls, plan: SearchPlan, resp: dict, scored: bool) -> SearchResult:
        total = int(resp["hits"]["total"]["value"])
        marks = matcher(plan.text, plan.query_languages) if scored else None
        hits = [cls._hit(h, snippet(h["_source"].get("text") or "", marks, h["_source"].get("lang")), scored)
                for h in resp["hits"]["hits"]]
        aggs = resp.get("aggregations") or {}
        histogram = [FacetValue(name=b["key_as_string"], count=b["doc_count"]) for b in aggs.get("dates", {}).get("buckets", [])]
        if not total or "entities" not in aggs:
            return SearchResult(total=total, hits=hits, facets=_facet_skeleton([]), histogram=histogram)
        labels = aggs["entities"]["names"]["labels"]["buckets"]
        facets = _facet_skeleton([b["key"] for b in labels if b["keys"]["buckets"]])
        for lb in labels:
            values = [FacetValue(name=kb["name"]["buckets"][0]["key"] if kb["name"]["buckets"] else kb["key"],
                                 count=kb["doc_count"]) for kb in lb["keys"]["buckets"]]
            if values:
                facets[lb["key"]] = values
        facets["source"] = [
            FacetValue(name=b["name"]["buckets"][0]["key"] if b["name"]["buckets"] else b["key"], count=b["doc_count"])
            for b in aggs["sources"]["buckets"]]
        facets["language"] = [FacetValue(name=b["key"], count=b["doc_count"]) for b in aggs["languages"]["buckets"]]
        return SearchResult(total=total, hits=hits, facets=facets, histogram=histogram)

    def close(self) -> None:
        """Close the client (if this index made it)."""
        if self._own_client:
            self.client.close()

    # ------------------------------------------------------------------ maintenance (tests, operators)

    def drop(self) -> None:
        """Delete the versioned indices behind the alias and the template (tests; irreversible)."""
        if self.readonly:
            raise PermissionError(f"the Elasticsearch index {self.alias!r} is open read-only")
        self.client.indices.delete(index=f"{self.alias}-v*", ignore_unavailable=True, allow_no_indices=True)
        try:
            self.client.indices.delete_index_template(name=self.template_name)
        except es_exc.NotFoundError:
            pass
        self._ready = False


def _iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat()


__all__ = ["ElasticsearchIndex", "IndexWriteError", "MAPPINGS", "client_from_settings", "to_document"]
