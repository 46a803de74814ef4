"""An Elasticsearch index built before the stem fields (mapping version 1) keeps working: the
first write adds the new fields to its mapping, so new articles find their inflections at once,
and `newsflow index reindex` (``Reindexer``) gives the older articles their stems too."""

from __future__ import annotations

import copy
import uuid

import pytest

from index.elasticsearch import ElasticsearchIndex, to_source_json
from index.es_mapping import ADDED_IN_2, MAPPINGS, SETTINGS
from index.es_reindex import Reindexer
from index_corpus import art
from newsflow.core.config import Settings
from newsflow.core.contracts import utcnow
from newsflow.core.search import SearchRequest


def version_1_mapping() -> dict:
    old = copy.deepcopy(MAPPINGS)
    for name in ADDED_IN_2:
        old["properties"].pop(name)
    old["_meta"] = {"newsflow_mapping_version": 1}
    return old


@pytest.fixture
def old_index(elasticsearch_url):
    settings = Settings(index="elasticsearch", es_url=elasticsearch_url, es_alias=f"test-stems-{uuid.uuid4().hex[:12]}")
    ix = ElasticsearchIndex(settings)
    # what newsflow 1 left behind: <alias>-v1 with the old mapping, an article without stem fields
    ix.client.indices.create(index=f"{settings.es_alias}-v1", settings=SETTINGS, mappings=version_1_mapping(),
                             aliases={settings.es_alias: {"is_write_index": True}})
    old = art("old", "Missiles fired", "Two missiles were fired.")
    source = to_source_json(old, utcnow().isoformat())
    ix.client.index(index=settings.es_alias, id=old.id, document=source, refresh=True)
    yield ix
    ix.drop()
    ix.close()


def ids(ix, query):
    return {h.id for h in ix.search(SearchRequest(query=query, limit=100)).hits}


def test_an_old_index_gets_the_new_fields_and_a_reindex_gives_old_articles_their_stems(old_index, caplog):
    assert ids(old_index, '"missiles"') == {"old"}
    old_index.upsert([art("new", "A missile test", "The missile flew east.")])
    mapping = next(iter(old_index.client.indices.get_mapping(index=old_index.alias).values()))["mappings"]
    assert set(ADDED_IN_2) <= set(mapping["properties"]) and mapping["_meta"]["newsflow_mapping_version"] == 2
    assert "newsflow index reindex" in caplog.text
    assert ids(old_index, "missile") == {"new"}  # the old article has no stems yet

    Reindexer(old_index.client, old_index.alias).run(delete_old=True)
    assert ids(old_index, "missile") == ids(old_index, "missiles") == {"old", "new"}
