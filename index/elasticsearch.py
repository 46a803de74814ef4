"""The Elasticsearch index: the production backend of ``Index``, same answers as the embedded one.

Layout in the cluster (``A`` = ``settings.es_alias``, default ``news``):

- composable index template ``A-template`` for ``A-v*`` (mapping in ``index.es_mapping``);
- versioned index ``A-v1`` behind the alias ``A``; every read and write goes through the alias,
  so a later reindex can build ``A-v2`` and swap the alias atomically.

The template, index and alias are created on the first write (``ensure()``); a read-only index
never creates anything and reads a missing alias as an empty index.

Documents are the EnrichedArticle JSON (``get`` returns it as written) plus ``source_key``,
``indexed_at`` and ``entity_rows``, the same rows the embedded index keeps in its ``entities``
table (``index.embedded.entity_rows``), so entity filters, label filters and facets follow the
same rules in both backends. Differences that remain: full text does not fold diacritics (the
test node has no ``asciifolding``; entity filters do fold), and BM25 scores differ in value
(ranking differs only where scores are close).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exc

from index.embedded import HIT_ENTITIES, _lead, entity_rows, source_key
from index.es_mapping import MAPPINGS, template_body
from index.es_query import entity_evidence_agg, entity_filter, facet_aggs, label_filter, split
from newsflow.contracts import EnrichedArticle
from newsflow.names import fold
from newsflow.query import fts5_parts, parse
from newsflow.search import FACET_LABELS, EntityRef, FacetValue, QueryError, SearchHit, SearchRequest, SearchResult

log = logging.getLogger(__name__)

INDEX_VERSION = 1
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's default index.max_result_window
FRAGMENT_CHARS = 150  # highlight window on the text (~30 words, like the embedded snippet)
RETRY_STATUSES = (429, 502, 503, 504)
_HIT_FIELDS = ["id", "url", "canonical_url", "title", "source", "published_at", "story_id", "text", "entity_rows"]


class IndexWriteError(RuntimeError):
    """Elasticsearch refused some documents of a batch; ``errors`` holds (article id, reason)."""

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


def to_document(article: EnrichedArticle, indexed_at: str) -> dict:
    """The ``_source`` of an article: its JSON plus the fields searches filter on."""
    doc = article.model_dump(mode="json")
    doc["source_key"] = source_key(article.source)
    doc["indexed_at"] = indexed_at
    doc["entity_rows"] = [
        {"label": label, "key": key, "name": name, "count": count, "salience": salience,
         "kind": kind, "entity_key": entity_key}
        for _, label, key, name, count, salience, kind, entity_key in entity_rows(0, article.entities)
    ]
    return doc


def _facet_skeleton(labels: list[str]) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {label: [] for label in FACET_LABELS}
    facets["source"] = []
    for label in sorted(labels):
        facets.setdefault(label, [])
    return facets


def _snippet(fragment: str, text: str) -> str:
    """A highlighted fragment with … where it does not reach the start or the end of the text."""
    plain = fragment.replace("<mark>", "").replace("</mark>", "")
    body = text.strip()
    head = "" if body.startswith(plain.strip()[:40]) else "…"
    tail = "" if body.endswith(plain.strip()[-40:]) else "…"
    return f"{head}{fragment.strip()}{tail}"


class ElasticsearchIndex:
    """The ``Index`` on an Elasticsearch cluster (8.x), through the alias ``settings.es_alias``."""

    def __init__(self, settings: Any, readonly: bool = False, *, client: Elasticsearch | None = None,
                 refresh: str | bool = "wait_for"):
        """``refresh``: how ``upsert`` makes a batch visible before it returns.

        ``"wait_for"`` (default) waits for the next scheduled refresh (``refresh_interval``, 1 s by
        default): no extra segments, but up to a second of latency per batch. ``True`` forces a
        refresh after each batch: visible at once, but every batch makes a small segment (more
        merging under a steady stream). ``False``: visible within ``refresh_interval``.
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
        self.client.indices.put_index_template(name=self.template_name, **template_body(self.alias))
        if not self.client.indices.exists_alias(name=self.alias):
            if self.client.indices.exists(index=self.alias):
                raise RuntimeError(
                    f"{self.alias!r} is a concrete index, not an alias: newsflow reads and writes through "
                    f"the alias {self.alias!r} -> {self.index_name!r}; delete or rename that index, or set NEWSFLOW_ES_INDEX")
            try:
                self.client.indices.create(index=self.index_name, aliases={self.alias: {"is_write_index": True}})
                log.info("created Elasticsearch index %s behind the alias %s", self.index_name, self.alias)
            except es_exc.BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":  # another writer won the race
                    raise
                self.client.indices.put_alias(index=self.index_name, name=self.alias)
        self._ready = True

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
        actions = ({"_index": self.alias, "_id": a.id, "_source": to_document(a, now)} for a in latest.values())
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
            failed: list[tuple[str, str]] = []
            for item in errors:
                info = next(iter(item.values()))
                err = info.get("error") or {}
                reason = f"{err.get('type', 'error')}: {err.get('reason', err)}" if isinstance(err, dict) else str(err)
                failed.append((str(info.get("_id")), f"status {info.get('status')} {reason}"))
            shown = "; ".join(f"{aid}: {reason}" for aid, reason in failed[:3])
            more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
            raise IndexWriteError(
                f"Elasticsearch refused {len(failed)} of {len(latest)} articles in {self.alias!r}: {shown}{more}", failed)

    # ------------------------------------------------------------------ reads

    def get(self, article_id: str) -> EnrichedArticle | None:
        """One article by id, as it was written."""
        try:
            doc = self.client.get(index=self.alias, id=article_id)
        except es_exc.NotFoundError:
            return None
        return EnrichedArticle.model_validate(doc["_source"])  # extra fields (entity_rows, ...) are ignored

    def count(self) -> int:
        """Number of articles indexed."""
        try:
            return int(self.client.count(index=self.alias)["count"])
        except es_exc.NotFoundError:
            return 0

    def search(self, request: SearchRequest) -> SearchResult:
        """Full text (BM25, title boosted) plus entity, label, source and date filters; facets over all matches."""
        node = parse(request.query)
        fts5_parts(node)  # refuses what the embedded index refuses, with the same message
        query, exclusions = split(node) if node is not None else (None, [])
        if request.limit and request.offset + request.limit > MAX_RESULT_WINDOW:
            raise QueryError(f"cannot page beyond {MAX_RESULT_WINDOW} results; narrow the search instead")
        try:
            filters = self._filters(request)
            body = self._body(request, query, filters, exclusions)
            resp = self.client.search(index=self.alias, **body)
        except es_exc.NotFoundError as exc:
            if exc.error == "index_not_found_exception":  # nothing indexed yet
                return SearchResult(total=0, facets=_facet_skeleton([]))
            raise
        except es_exc.BadRequestError as exc:
            raise QueryError(f"cannot run this query: {exc.message}") from None
        return self._result(request, resp, scored=query is not None)

    # ------------------------------------------------------------------ search internals

    def _filters(self, request: SearchRequest) -> list[dict]:
        label = request.label
        keys: list[str] = []
        for value in request.entities:
            if not value or not value.strip():
                continue
            q = fold(value)
            if not q:
                raise QueryError(f"the entity {value!r} has no letters or digits to match")
            keys.append(q)
        filters: list[dict] = []
        if keys:
            # short forms the corpus linked to each key (surface rows of that entity): one small query
            unique = list(dict.fromkeys(keys))
            aggs = {f"e{i}": entity_evidence_agg(k, label) for i, k in enumerate(unique)}
            resp = self.client.search(index=self.alias, size=0, aggs=aggs, request_cache=True)
            evidence = {k: [b["key"] for b in resp["aggregations"][f"e{i}"]["f"]["keys"]["buckets"]]
                        for i, k in enumerate(unique)}
            filters += [entity_filter(k, label, evidence[k]) for k in unique]
        elif label:
            filters.append(label_filter(label))
        if request.source and request.source.strip():
            filters.append({"term": {"source_key": source_key(request.source)}})
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
        newest = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}]
        body: dict[str, Any] = {
            "query": {"bool": clauses} if clauses else {"match_all": {}},
            "from_": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "sort": ([{"_score": {"order": "desc"}}] if query is not None else []) + newest,
            "source": {"includes": _HIT_FIELDS},
        }
        if query is not None:
            body["highlight"] = {
                "pre_tags": ["<mark>"], "post_tags": ["</mark>"],
                "fields": {"text": {"type": "unified", "fragment_size": FRAGMENT_CHARS,
                                    "number_of_fragments": 1, "no_match_size": 200}},
            }
        if request.facet_size > 0:
            body["aggs"] = facet_aggs(request.facet_size)
        return body

    @staticmethod
    def _result(request: SearchRequest, resp: dict, scored: bool) -> SearchResult:
        total = int(resp["hits"]["total"]["value"])
        hits: list[SearchHit] = []
        for h in resp["hits"]["hits"]:
            src = h["_source"]
            text = src.get("text") or ""
            if scored:
                fragments = (h.get("highlight") or {}).get("text") or []
                snippet = _snippet(fragments[0], text) if fragments else _lead(text[:800])
            else:
                snippet = _lead(text[:800])
            rows = sorted((r for r in src.get("entity_rows") or [] if r.get("kind") == "name"),
                          key=lambda r: (-r["salience"], -r["count"], r["name"]))[:HIT_ENTITIES]
            published = src.get("published_at")
            hits.append(SearchHit(
                id=src.get("id") or h["_id"], url=src.get("canonical_url") or src.get("url") or "",
                title=src.get("title") or "", source=src.get("source") or "",
                published_at=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
                story_id=src.get("story_id") or "",
                score=max(0.0, float(h.get("_score") or 0.0)) if scored else 0.0, snippet=snippet,
                entities=[EntityRef(name=r["name"], label=r["label"], count=r["count"]) for r in rows],
            ))
        aggs = resp.get("aggregations")
        if not total or not aggs:
            return SearchResult(total=total, hits=hits, facets=_facet_skeleton([]))
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
        return SearchResult(total=total, hits=hits, facets=facets)

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
