"""Dead letters on the embedded bus, end to end: the index stage refuses an article (as
Elasticsearch refuses a document its mapping cannot take) and dead-letters it; the operator lists
it, fixes the cause, replays it with the real CLI, and the article is indexed exactly once; a
second replay is a no-op."""

from __future__ import annotations

import json

import pytest

from cli_support import CLI
from index.embedded import EmbeddedIndex
from index.stage import GROUP, IndexStage
from index_corpus import NEWS
from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.config import load_settings
from newsflow.core.contracts import DeadLetter
from newsflow.deadletters import input_topic
from newsflow.core.search import RejectedArticles, SearchRequest
from newsflow.core.worker import StageWorker

REFUSED = NEWS[0]  # "summit"


class RefusingIndex:
    """The real embedded index behind a cause the operator can fix: it refuses one article for
    good, raising what ``ElasticsearchIndex.upsert`` raises for a document its mapping refuses."""

    def __init__(self, inner: EmbeddedIndex, refuse: str):
        self.inner, self.refuse = inner, refuse

    def upsert(self, articles):
        self.inner.upsert([a for a in articles if a.id != self.refuse])
        if any(a.id == self.refuse for a in articles):
            raise RejectedArticles("refused 1", [(self.refuse, "status 400 mapper_parsing_exception: failed to parse [title]")])

    def __getattr__(self, name):
        return getattr(self.inner, name)


def drain_index_stage(data_dir, index) -> StageWorker:
    bus = SQLiteBus(data_dir / "bus.db")
    worker = StageWorker(IndexStage(index), bus, bus.consumer(GROUP, ["news.enriched"]),
                         deadletter_topic="news.deadletter", batch_size=50)
    try:
        worker.drain()
    finally:
        worker.close()
        bus.close()
    return worker


@pytest.fixture
def dead_lettered(tmp_path) -> CLI:
    """A data dir where the index stage indexed the NEWS articles but dead-lettered one."""
    data = tmp_path / "data"
    data.mkdir()
    bus = SQLiteBus(data / "bus.db")
    bus.publish_many("news.enriched", [(a.id, a.to_json()) for a in NEWS])
    bus.close()
    index = EmbeddedIndex(data / "index.db")
    try:
        assert drain_index_stage(data, RefusingIndex(index, REFUSED.id)).deadlettered == 1
        assert index.count() == len(NEWS) - 1
    finally:
        index.close()
    return CLI(data)


def test_list_shows_the_dead_letter_with_its_stage_key_and_error(dead_lettered):
    rows = [json.loads(line) for line in dead_lettered("deadletter", "list", "--json").stdout.splitlines()]
    assert [(r["stage"], r["key"]) for r in rows] == [("index", REFUSED.id)]
    assert "mapper_parsing_exception" in rows[0]["error"] and rows[0]["id"].startswith("0:")
    text = dead_lettered("deadletter", "list").stdout
    assert "index" in text and REFUSED.id in text and "mapper_parsing_exception" in text
    assert dead_lettered("deadletter", "list", "--stage", "enrich", "--json").stdout == ""
    assert dead_lettered("deadletter", "list", "--since", "2999-01-01", "--json").stdout == ""


def test_replay_after_the_fix_indexes_the_article_exactly_once_and_twice_is_a_no_op(dead_lettered):
    dry = dead_lettered("deadletter", "replay", "--dry-run").stdout
    assert "would replay 1 dead letter(s)" in dry
    assert "would replay 1" in dead_lettered("deadletter", "replay", "--dry-run").stdout  # a dry run records nothing

    first = dead_lettered("deadletter", "replay").stdout
    assert f"key {REFUSED.id}) -> news.enriched" in first and "replayed 1 dead letter(s); 0 replayed before" in first
    again = dead_lettered("deadletter", "replay").stdout
    assert "replayed 0 dead letter(s); 1 replayed before, skipped" in again

    # the cause is fixed: the index stage, running again, takes the replayed record like a new one
    index = EmbeddedIndex(dead_lettered.data_dir / "index.db")
    try:
        worker = drain_index_stage(dead_lettered.data_dir, index)
        assert (worker.processed, worker.deadlettered) == (1, 0)
        assert index.count() == len(NEWS)
        hits = index.search(SearchRequest(query="summit Vladivostok", limit=10)).hits
        assert [h.id for h in hits] == [REFUSED.id]
    finally:
        index.close()


def test_replay_of_unknown_ids_fails_and_of_given_ids_replays_only_those(dead_lettered):
    proc = dead_lettered("deadletter", "replay", "--id", "0:999", check=False)
    assert proc.returncode == 1 and "no dead letter with id 0:999" in proc.stderr
    ident = json.loads(dead_lettered("deadletter", "list", "--json").stdout)["id"]
    assert "replayed 1 dead letter(s)" in dead_lettered("deadletter", "replay", "--id", ident).stdout


def test_a_dead_letter_goes_back_to_the_topic_its_stage_reads():
    settings = load_settings(topic_prefix="staging.")
    consumed = DeadLetter(stage="enrich", topic="staging.news.articles", offset=3, key="a", error="x", value="{}")
    refused_output = DeadLetter(stage="index", topic="<index output>", offset=-1, key="a", error="x", value="{}")
    assert input_topic(consumed, settings) == "staging.news.articles"
    assert input_topic(refused_output, settings) == "staging.news.enriched"
