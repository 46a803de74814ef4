"""The web front door on Elasticsearch: the reads it needs (stories, date histogram, entity names)
answer as on the embedded index, and the app serves the same API over either backend.

Works behind its own alias (``test-web-<uuid>``) on the node of deploy/local and deletes it after.
"""

from __future__ import annotations

import uuid
import warnings

import pytest

from index.elasticsearch import ElasticsearchIndex
from index.embedded import EmbeddedIndex
from newsflow.core.config import Settings
from newsflow.core.search import SearchRequest, parse_date
from newsflow.web.app import create_app
from web_corpus import CORPUS

with warnings.catch_warnings():  # starlette 1.x's TestClient still runs on httpx, and says so at import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def both(tmp_path_factory, elasticsearch_url):
    settings = Settings(index="elasticsearch", es_url=elasticsearch_url, es_alias=f"test-web-{uuid.uuid4().hex[:12]}")
    embedded = EmbeddedIndex(tmp_path_factory.mktemp("web-es") / "index.db")
    es = ElasticsearchIndex(settings)
    embedded.upsert(CORPUS)
    es.upsert(CORPUS)
    yield embedded, es, settings
    es.drop()
    es.close()
    embedded.close()


@pytest.mark.parametrize("story_id,limit", [("s-erdogan", 100), ("s-erdogan", 1), ("s-nato", 100), ("nope", 100)])
def test_stories_are_the_same_articles_in_the_same_order(both, story_id, limit):
    embedded, es, _ = both
    assert es.story(story_id, limit=limit) == embedded.story(story_id, limit=limit)


@pytest.mark.parametrize("interval", ["day", "week", "month", "year"])
@pytest.mark.parametrize("request_", [
    SearchRequest(), SearchRequest(query="Kim"), SearchRequest(entities=["Erdogan"]), SearchRequest(source="wire.example"),
    SearchRequest(since=parse_date("2026-03-01"), until=parse_date("2026-03-12", end=True)),
    SearchRequest(query="nothingmatches"), SearchRequest(limit=0, facet_size=0),
], ids=lambda r: r.model_dump_json(exclude_defaults=True))
def test_the_date_histogram_has_the_same_buckets(both, request_, interval):
    embedded, es, _ = both
    request_ = request_.model_copy(update={"histogram": interval})
    want, got = embedded.search(request_), es.search(request_)
    assert got.histogram == want.histogram
    assert got.facets == want.facets and got.total == want.total


def test_the_histogram_only_when_asked(both):
    _, es, _ = both
    assert es.search(SearchRequest()).histogram == []


@pytest.mark.parametrize("prefix,label", [("kim", None), ("erdo", None), ("n", "ORG"), ("", None), ("tur", "GPE")])
def test_entity_names_are_the_same(both, prefix, label):
    embedded, es, _ = both
    assert es.entity_names(prefix, label=label) == embedded.entity_names(prefix, label=label)


def test_the_app_serves_the_same_api_over_elasticsearch(both):
    embedded, es, settings = both
    with TestClient(create_app(settings, es)) as on_es, TestClient(create_app(Settings(), embedded)) as on_embedded:
        # requests without a full-text query: no BM25 scores, so the JSON is identical
        for params in ({}, {"entity": "Kim Jong-un", "histogram": "day"}, {"label": "ORG"}, {"source": "wire.example"},
                       {"since": "2026-03-01", "limit": 3, "offset": 2}):
            assert on_es.get("/api/search", params=params).json() == on_embedded.get("/api/search", params=params).json()
        ranked = on_es.get("/api/search", params={"query": "shipping talks"}).json()
        assert {h["id"] for h in ranked["hits"]} == {"erdogan", "erdogan-wire"}
        for path in ("/api/articles/summit", "/api/stories/s-erdogan", "/api/entities?prefix=put"):
            assert on_es.get(path).json() == on_embedded.get(path).json()
        assert on_es.get("/api/articles/nope").status_code == 404
        assert on_es.get("/api/search", params={"query": '"unclosed'}).status_code == 400
        health = on_es.get("/healthz").json()
        assert health["status"] == "ok" and health["index"] == "elasticsearch" and health["articles"] == len(CORPUS)
        page = on_es.get("/", params={"query": "shipping talks"}).text
        assert "1 more from this story" in page
