"""The index contract on Elasticsearch, and the parity of both backends, against the real node.

The contract (tests/contracts/index_contract.py) runs here on Elasticsearch, each index behind
an alias of its own; its embedded half runs in the unit tier
(tests/unit/test_index_contract_embedded.py). Both need ``elasticsearch_url``: skipped without
the node, an error under NEWSFLOW_REQUIRE_SERVICES=1.

``test_parity_*`` loads the fixture corpus (tests/index_corpus.py) into both backends and
compares everything else they answer (totals, hits, snippets, facets, order where there are
no scores, autocomplete, msearch, stories) request by request.
"""

from __future__ import annotations

import uuid

import pytest

from contracts.index_contract import IndexContract
from index.elasticsearch import ElasticsearchIndex
from index.embedded import EmbeddedIndex
from index_corpus import CORPUS
from newsflow.core.config import Settings
from newsflow.core.search import SearchRequest, parse_date


def es_settings(url: str) -> Settings:
    return Settings(index="elasticsearch", es_url=url, es_alias=f"test-contract-{uuid.uuid4().hex[:12]}")


class TestElasticsearchIndex(IndexContract):
    # the server-core mapping has no asciifolding: phrases and prefixes match the written form only
    FOLDS_EXACT_WORDS = False

    @classmethod
    def open_index(cls, request, path) -> ElasticsearchIndex:
        ix = ElasticsearchIndex(es_settings(request.getfixturevalue("elasticsearch_url")))
        request.addfinalizer(ix.close)
        request.addfinalizer(ix.drop)
        return ix


# --------------------------------------------------------------------------- parity: everything else both backends answer

PARITY_REQUESTS = [
    SearchRequest(),
    SearchRequest(query="state media"),
    SearchRequest(query='"state media"'),
    SearchRequest(query="media -sanctions"),
    SearchRequest(query="-media"),
    SearchRequest(query="NOT war NOT peace"),
    SearchRequest(query="Vladivostok OR tariffs OR pipeline"),
    SearchRequest(query="(Vladivostok OR tariffs) AND media"),
    SearchRequest(query="sanct* OR Vladi* OR pipe*"),
    SearchRequest(query="U.S. OR Jong-un"),
    SearchRequest(query="war"),
    SearchRequest(query="war", limit=2, offset=1),
    SearchRequest(query="Georgia"),
    SearchRequest(query="needle"),
    SearchRequest(query='"protest continued" OR "Saturday organisers"'),
    SearchRequest(entities=["Putin"]),
    SearchRequest(entities=["Vladimir Putin"]),
    SearchRequest(entities=["Kim Jong-un"]),
    SearchRequest(entities=["Kim Yo-jong"]),
    SearchRequest(entities=["Kim Jong Un", "Putin"]),
    SearchRequest(entities=["Erdogan"]),
    SearchRequest(entities=["Georgia"]),
    SearchRequest(entities=["Georgia"], label="GPE"),
    SearchRequest(entities=["Georgia"], label="PERSON"),
    SearchRequest(label="ORG"),
    SearchRequest(label="PERSON", facet_size=3),
    SearchRequest(query="war", entities=["Kim Jong Un"]),
    SearchRequest(source="b.com"),
    SearchRequest(source="https://www.a.com/x", query="war"),
    SearchRequest(since=parse_date("2024-05-01"), until=parse_date("2024-05-01", end=True)),
    SearchRequest(until=parse_date("2024-04-30", end=True)),
    SearchRequest(query="nothingmatches"),
    SearchRequest(query="sanction OR speaks"),
    SearchRequest(query="war", sort="newest"),
    SearchRequest(query="media", sort="oldest"),
    SearchRequest(sort="oldest"),
    SearchRequest(query="entity:putin"),
    SearchRequest(query="war -source:a.com"),
    SearchRequest(query="title:war OR title:pipeline"),
    SearchRequest(query="putin's"),
]


@pytest.fixture(scope="module")
def both(tmp_path_factory, elasticsearch_url):
    embedded = EmbeddedIndex(tmp_path_factory.mktemp("parity") / "index.db")
    es = ElasticsearchIndex(es_settings(elasticsearch_url))
    embedded.upsert(CORPUS)
    es.upsert(CORPUS)
    yield embedded, es
    es.drop()
    es.close()
    embedded.close()


@pytest.mark.parametrize("request_", PARITY_REQUESTS, ids=lambda r: r.model_dump_json(exclude_defaults=True))
def test_parity_same_totals_hits_and_facets(both, request_):
    embedded, es = both
    want, got = embedded.search(request_), es.search(request_)
    assert got.total == want.total
    if request_.offset or request_.limit < want.total:  # a page of a ranked list: same size
        assert len(got.hits) == len(want.hits)
    else:
        assert {h.id for h in got.hits} == {h.id for h in want.hits}
    if not request_.query or request_.query.startswith(("-", "NOT")) or request_.sort != "relevance":  # a deterministic order
        assert [h.id for h in got.hits] == [h.id for h in want.hits]
        assert [h.snippet for h in got.hits] == [h.snippet for h in want.hits]
    by_id = {h.id: h for h in want.hits}
    for h in got.hits:
        if h.id in by_id:
            w = by_id[h.id]
            assert (h.url, h.title, h.source, h.published_at, h.story_id, h.entities, h.snippet) == \
                   (w.url, w.title, w.source, w.published_at, w.story_id, w.entities, w.snippet)
    assert got.facets == want.facets


@pytest.mark.parametrize("prefix,label,limit", [("put", None, 10), ("kim", None, 1), ("kim", None, 10), ("russ", "GPE", 10),
                                                ("russ", "PERSON", 10), ("", None, 5), ("erdo", None, 10), ("g", None, 10)])
def test_parity_entity_names_for_autocomplete(both, prefix, label, limit):
    embedded, es = both
    assert es.entity_names(prefix, label=label, limit=limit) == embedded.entity_names(prefix, label=label, limit=limit)


def test_parity_count_and_get(both):
    embedded, es = both
    assert es.count() == embedded.count() == len({a.id for a in CORPUS})
    for a in CORPUS[:5]:
        assert es.get(a.id) == embedded.get(a.id)


@pytest.mark.parametrize("chunk", [slice(0, 20), slice(20, None)], ids=["first", "rest"])
def test_parity_msearch(both, chunk):
    embedded, es = both
    requests = PARITY_REQUESTS[chunk]
    want, got = embedded.msearch(requests), es.msearch(requests)
    assert [r.total for r in got] == [r.total for r in want]
    assert [r.facets for r in got] == [r.facets for r in want]
    for request_, g, w in zip(requests, got, want):
        if request_.offset or request_.limit < w.total:  # a page of a ranked list: same size
            assert len(g.hits) == len(w.hits), request_
        else:
            assert {h.id for h in g.hits} == {h.id for h in w.hits}, request_


def test_parity_story(both):
    embedded, es = both
    stories = sorted({a.story_id for a in CORPUS})
    assert [es.story(s) for s in stories] == [embedded.story(s) for s in stories]
    assert es.story("missing") == embedded.story("missing") == []
