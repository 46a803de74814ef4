"""The Elasticsearch index against a real node: what only this backend has.

The search contract both backends share (the fixture corpus, the table of requests and hit
sets, parity of snippets and facets) is tests/integration/test_index_contract.py. Here: the
template and alias, read-only use, mapping rejections, huge texts, deep paging, and the
``entity_rows`` that make entity filters answer like the embedded index's ``entities`` table.
Every test works behind its own alias (``test-<uuid>``: template ``<alias>-template``, index
``<alias>-v1``) and deletes it after.
"""

from __future__ import annotations

import uuid

import pytest

from index.elasticsearch import ElasticsearchIndex, entity_docs
from index.embedded import entity_rows
from index_corpus import CORPUS, art, ent
from newsflow.core.config import Settings
from newsflow.core.search import FACET_LABELS, QueryError, RejectedArticles, SearchRequest

pytestmark = pytest.mark.integration


def es_settings(url: str) -> Settings:
    return Settings(index="elasticsearch", es_url=url, es_alias=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def es_index(elasticsearch_url):
    ix = ElasticsearchIndex(es_settings(elasticsearch_url))
    yield ix
    ix.drop()
    ix.close()


def ids(index, query: str = "", **kw) -> list[str]:
    return [h.id for h in index.search(SearchRequest(query=query, limit=100, **kw)).hits]


# --------------------------------------------------------------------------- Elasticsearch specifics


def test_template_index_and_alias_are_created_on_first_write(es_index):
    client = es_index.client
    assert not client.indices.exists_alias(name=es_index.alias)
    assert es_index.count() == 0 and es_index.search(SearchRequest(query="x")).total == 0
    es_index.upsert([art("a", "hello")])
    assert client.indices.exists_index_template(name=es_index.template_name)
    assert list(client.indices.get_alias(name=es_index.alias)) == [es_index.index_name]
    mapping = client.indices.get_mapping(index=es_index.index_name)[es_index.index_name]["mappings"]
    assert mapping["properties"]["entity_rows"]["type"] == "nested"
    assert mapping["properties"]["source_key"]["normalizer"] == "lowercase"
    assert es_index.health() in ("green", "yellow")


def test_a_readonly_index_never_creates_and_reads_what_a_writer_wrote(elasticsearch_url):
    settings = es_settings(elasticsearch_url)
    reader = ElasticsearchIndex(settings, readonly=True)
    writer = ElasticsearchIndex(settings)
    try:
        result = reader.search(SearchRequest(query="putin", entities=["Putin"]))
        assert result.total == 0 and result.hits == [] and set(FACET_LABELS) <= set(result.facets)
        assert reader.count() == 0 and reader.get("a") is None
        assert reader.entity_names("p") == []
        assert not reader.client.indices.exists_alias(name=settings.es_alias)
        with pytest.raises(PermissionError):
            reader.upsert([art("c")])
        writer.upsert([art("a", "hello world")])
        assert ids(reader, "hello") == ["a"]
    finally:
        writer.drop()
        reader.close()
        writer.close()


def test_a_document_the_mapping_rejects_is_reported_for_good_and_the_rest_is_indexed(es_index):
    bad = art("bad", "bad", story="x" * 40_000)  # a keyword term over Lucene's 32 KB limit
    with pytest.raises(RejectedArticles, match="refused 1 of 2 articles") as info:
        es_index.upsert([art("good", "good"), bad])
    assert [aid for aid, _ in info.value.errors] == ["bad"]
    assert es_index.count() == 1 and es_index.get("good") is not None


def test_a_huge_text_is_searched_and_highlighted(es_index):
    es_index.upsert([art("huge", "Huge", "needle " + "filler " * 200_000 + "haystack"), art("small", "Small", "needle")])
    hits = es_index.search(SearchRequest(query="needle")).hits
    assert {h.id for h in hits} == {"huge", "small"} and all("<mark>needle</mark>" in h.snippet for h in hits)
    assert [h.id for h in es_index.search(SearchRequest(query="haystack")).hits] == ["huge"]


def test_deep_paging_is_a_query_error(es_index):
    es_index.upsert([art("a")])
    with pytest.raises(QueryError, match="beyond"):
        es_index.search(SearchRequest(offset=9_999, limit=10))



def test_entity_rows_are_the_embedded_index_rows():
    for article in CORPUS + [art("merge", entities=[ent("Kim Jong Un", count=2, salience=0.9),
                                                    ent("Kim Jong-un", "PERSON", "Kim", count=3, salience=0.2)])]:
        rows = [(0, r["label"], r["key"], r["name"], r["count"], r["salience"], r["kind"], r["entity_key"])
                for r in entity_docs(article.entities)]
        assert rows == entity_rows(0, article.entities)
