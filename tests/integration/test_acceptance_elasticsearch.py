"""Acceptance: the sample news site through the whole pipeline into Elasticsearch, on the embedded
bus and on Kafka, answers ``newsflow search --json`` like the embedded index does.

"Putin" is the telling query: some articles only ever write "Putin’s", which Elasticsearch's
standard tokenizer keeps as one word (FTS5 splits it); ``index.es_query`` asks for the
possessive terms too, so both answer alike.

One sample site serves all runs (article ids hash the URL, so they agree across runs); each run
has its own data dir, its own alias, and on Kafka its own topic prefix.
"""

from __future__ import annotations

import re
import uuid

import pytest

from cli_support import CLI, run_once
from index.elasticsearch import ElasticsearchIndex
from newsflow.core.config import load_settings
from demo import ORIGINALS, SampleSite

SEARCHES: list[tuple[str, ...]] = [
    (),
    ("Putin",),
    ("missile OR sanctions",),
    ('"Black Sea"',),
    ("shipping -Istanbul",),
    ("talk*",),
    ("--entity", "Kim Jong-un"),
    ("--entity", "President Vladimir Putin"),
    ("--entity", "Erdogan"),
    ("--entity", "Kim Jong Un", "--entity", "Putin"),
    ("--label", "ORG"),
    ("trade", "--since", "2026-03-01"),
    ("--until", "2026-02-28"),
]


@pytest.fixture(scope="module")
def site():
    with SampleSite() as s:
        yield s


@pytest.fixture(scope="module")
def embedded_answers(site, tmp_path_factory) -> dict[tuple[str, ...], dict]:
    """What the embedded index answers (embedded bus): the reference."""
    cli = CLI(tmp_path_factory.mktemp("embedded") / "data")
    cli.env["NEWSFLOW_INDEX"] = "embedded"
    assert f"{len(ORIGINALS)} new articles" in run_once(cli, site).stdout
    return {args: cli.search(*args) for args in SEARCHES}


@pytest.mark.parametrize("bus", ["embedded", "kafka"])
def test_elasticsearch_answers_the_sample_site_searches_like_the_embedded_index(
        bus, site, embedded_answers, tmp_path, elasticsearch_url, request):
    alias = f"test-accept-{uuid.uuid4().hex[:8]}"
    cli = CLI(tmp_path / "data")
    cli.env.update({"NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_ES_URL": elasticsearch_url, "NEWSFLOW_ES_ALIAS": alias})
    if bus == "kafka":
        cli.env.update({"NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_BOOTSTRAP": request.getfixturevalue("kafka_bootstrap"),
                        "NEWSFLOW_TOPIC_PREFIX": f"accept-{uuid.uuid4().hex[:8]}."})
    try:
        assert f"{len(ORIGINALS)} new articles" in run_once(cli, site).stdout
        for args in SEARCHES:
            want, got = embedded_answers[args], cli.search(*args)
            assert got["total"] == want["total"], args
            assert {h["id"] for h in got["hits"]} == {h["id"] for h in want["hits"]}, args
            if not args or args[0].startswith("--"):  # no full-text score: the same order too
                assert [h["id"] for h in got["hits"]] == [h["id"] for h in want["hits"]], args
        assert embedded_answers[()]["total"] == len(ORIGINALS)
        only_possessive = [a for a in ORIGINALS if "Putin’s" in a.text and not re.search(r"\bPutin\b(?!’)", f"{a.title} {a.text}")]
        assert only_possessive, "the sample site no longer has an article that only writes Putin’s"
        assert embedded_answers[("--entity", "Kim Jong-un")]["total"] > 0
    finally:
        ElasticsearchIndex(load_settings(es_url=elasticsearch_url, es_alias=alias)).drop()
