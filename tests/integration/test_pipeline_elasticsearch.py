"""``newsflow run --once`` indexing into the real Elasticsearch node, searched through the CLI."""

from __future__ import annotations

import uuid

import pytest

from cli_support import CLI, run_once
from index.elasticsearch import ElasticsearchIndex
from newsflow.core.config import load_settings
from demo import BOILERPLATE_PHRASES, ORIGINALS, SampleSite


@pytest.fixture
def es_cli(tmp_path, elasticsearch_url):
    alias = f"test-pipeline-{uuid.uuid4().hex[:8]}"
    cli = CLI(tmp_path / "data")
    cli.env.update({"NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_ES_URL": elasticsearch_url, "NEWSFLOW_ES_ALIAS": alias})
    yield cli
    ElasticsearchIndex(load_settings(es_url=elasticsearch_url, es_alias=alias)).drop()


def test_every_sample_article_lands_in_elasticsearch_exactly_once_across_two_runs(es_cli):
    with SampleSite() as site:
        assert "10 new articles" in run_once(es_cli, site).stdout
        assert "0 new articles" in run_once(es_cli, site).stdout
    assert es_cli.search()["total"] == len(ORIGINALS)
    for article in ORIGINALS:
        assert es_cli.search(f'"{article.unique_phrase}"')["total"] == 1, article.slug
    for phrase in BOILERPLATE_PHRASES:
        assert es_cli.search(f'"{phrase}"')["total"] == 0, phrase
    kim = es_cli.search("--entity", "Kim Jong-un")
    assert kim["total"] == sum(1 for a in ORIGINALS if "Kim Jong Un" in a.entities)
