"""Dead-letter replay on the distributed deployment (real Kafka, real Elasticsearch), through the CLI.

The cause is real: the alias points at an index whose mapping cannot take the articles (``title``
mapped as an integer), so Elasticsearch refuses every document and the index stage dead-letters
them. The operator fixes the mapping (drops the bad index; newsflow creates the right one),
replays, and every article is indexed exactly once; a second replay is a no-op.
"""

from __future__ import annotations

import json
import uuid

import pytest
from elasticsearch import Elasticsearch

from cli_support import CLI, run_once
from index.elasticsearch import ElasticsearchIndex
from newsflow.core.config import load_settings
from demo import ORIGINALS, SampleSite


@pytest.fixture
def deployment(tmp_path, kafka_bootstrap, elasticsearch_url):
    name = f"test-dl-{uuid.uuid4().hex[:8]}"
    cli = CLI(tmp_path / "data")
    cli.env.update({"NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_BOOTSTRAP": kafka_bootstrap, "NEWSFLOW_TOPIC_PREFIX": f"{name}.",
                    "NEWSFLOW_KAFKA_PARTITIONS": "2", "NEWSFLOW_INDEX": "elasticsearch",
                    "NEWSFLOW_ES_URL": elasticsearch_url, "NEWSFLOW_ES_ALIAS": name})
    client = Elasticsearch(elasticsearch_url, request_timeout=30)
    # the broken cause: the alias's write index maps title as a number
    client.indices.create(index=f"{name}-v1", aliases={name: {"is_write_index": True}},
                          mappings={"properties": {"title": {"type": "integer"}}})
    yield cli, client, name
    ElasticsearchIndex(load_settings(es_url=elasticsearch_url, es_alias=name)).drop()
    client.indices.delete(index=f"{name}-*", ignore_unavailable=True)
    client.close()


def test_dead_lettered_articles_are_indexed_exactly_once_after_the_fix_and_replay(deployment):
    cli, client, name = deployment
    with SampleSite() as site:
        first = run_once(cli, site).stdout
        assert f"dead-lettered {len(ORIGINALS)}" in first, first

        letters = [json.loads(line) for line in cli("deadletter", "list", "--stage", "index", "--json").stdout.splitlines()]
        assert len(letters) == len(ORIGINALS)
        assert all("mapper_parsing_exception" in letter["error"] or "failed to parse" in letter["error"] for letter in letters)

        client.indices.delete(index=f"{name}-v1")  # the fix: newsflow creates its own mapping again
        replayed = cli("deadletter", "replay").stdout
        assert f"replayed {len(ORIGINALS)} dead letter(s); 0 replayed before" in replayed
        assert f"-> {name}.news.enriched" in replayed

        second = run_once(cli, site).stdout  # drains the replayed records first
        assert f"indexed {len(ORIGINALS)}, dead-lettered 0" in second, second
    assert cli.search()["total"] == len(ORIGINALS)
    for article in ORIGINALS:
        assert cli.search(f'"{article.unique_phrase}"')["total"] == 1, article.slug
    assert f"replayed 0 dead letter(s); {len(ORIGINALS)} replayed before, skipped" in cli("deadletter", "replay").stdout
