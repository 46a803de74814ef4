"""Alert matching in the index stage, on the embedded index and the embedded bus.

A rule is the search a user would run, restricted to the batch just indexed; each match is one
Alert on the rule's topic, keyed by article id, exactly once across replays (the ledger).
"""

from __future__ import annotations

import pytest

from index.alerts import AlertMatcher, SQLiteLedger, match_batch
from index.embedded import EmbeddedIndex
from index.stage import IndexStage
from newsflow.core.alert_rules import RulesFile, parse_rules
from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.config import Settings
from fixtures.alert_corpus import CORPUS, KIM, art
from newsflow.core.contracts import Alert
from newsflow.core.search import Index, RejectedArticles, SearchRequest


@pytest.fixture
def env(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", topic_prefix="t.")
    index = EmbeddedIndex(tmp_path / "index.db")
    bus = SQLiteBus(tmp_path / "bus.db")
    yield settings, index, bus
    index.close()
    bus.close()


def matcher(settings, index, bus, rules_text: str, tmp_path) -> AlertMatcher:
    path = tmp_path / "rules.yaml"
    path.write_text(rules_text)
    return AlertMatcher(settings, index, bus, RulesFile(path), SQLiteLedger(tmp_path / "alerts.db"))


def alerts_on(bus: SQLiteBus, topic: str) -> list[tuple[str, Alert]]:
    consumer = bus.consumer("test-reader", [topic])
    out = []
    while batch := consumer.poll(500):
        out += [(m.key, Alert.from_json(m.value)) for m in batch]
    consumer.close()
    return out


def test_searches_can_be_restricted_to_ids_and_to_salient_entities(env):
    _, index, _ = env
    index.upsert(CORPUS)
    kim = SearchRequest(entities=["Kim Jong-un"], limit=100)
    assert {h.id for h in index.search(kim).hits} == {"k1", "k2", "k3"}
    assert {h.id for h in index.search(kim.model_copy(update={"ids": ["k2", "k3", "p1"]})).hits} == {"k2", "k3"}
    assert index.search(kim.model_copy(update={"ids": []})).total == 0
    assert {h.id for h in index.search(kim.model_copy(update={"min_salience": 0.5})).hits} == {"k1", "k2"}
    results = index.msearch([kim, SearchRequest(query="putin", limit=100)])
    assert isinstance(index, Index)
    assert [r.total for r in results] == [3, 2]


def test_a_rule_on_a_person_fires_once_for_each_article_naming_them_in_any_spelling(env, tmp_path):
    settings, index, bus = env
    m = matcher(settings, index, bus, "rules:\n  - name: kim\n    entities: [Kim Jong-un]\n    once_per_story: false\n", tmp_path)
    index.upsert(CORPUS)
    assert m.run(CORPUS) == 3
    got = alerts_on(bus, "t.alerts.kim")
    assert sorted(key for key, _ in got) == ["k1", "k2", "k3"]  # never Kim Yo-jong, never the others
    key, alert = got[0]
    assert alert.article_id == key and alert.rule == "kim" and alert.topic == "alerts.kim"
    assert alert.matched_entities == ["Kim Jong Un"] and alert.url == "https://example.com/" + key


def test_a_replayed_batch_sends_no_alert_twice(env, tmp_path):
    settings, index, bus = env
    rules = "rules:\n  - name: kim\n    entities: [Kim Jong Un]\n    once_per_story: false\n"
    index.upsert(CORPUS)
    assert matcher(settings, index, bus, rules, tmp_path).run(CORPUS) == 3
    # a restart: a new matcher on the same ledger file sees the same batch again
    assert matcher(settings, index, bus, rules, tmp_path).run(CORPUS) == 0
    assert len(alerts_on(bus, "t.alerts.kim")) == 3


def test_once_per_story_sends_one_alert_for_syndicated_copies(env, tmp_path):
    settings, index, bus = env
    copies = [art("s1", "Putin hosts Kim", entities=[KIM], story="story-1"),
              art("s2", "Putin hosts Kim (wire copy)", entities=[KIM], story="story-1")]
    later = [art("s3", "Putin hosts Kim (late copy)", entities=[KIM], story="story-1")]
    m = matcher(settings, index, bus, "- name: kim\n  entities: [Kim Jong Un]\n", tmp_path)
    index.upsert(copies)
    assert m.run(copies) == 1
    index.upsert(later)
    assert m.run(later) == 0  # the story was alerted in an earlier batch
    assert [key for key, _ in alerts_on(bus, "t.alerts.kim")] == ["s1"]


def test_query_languages_and_min_salience_narrow_a_rule(env, tmp_path):
    settings, index, bus = env
    batch = [*CORPUS, art("k4", "Kim Jong Un auf Reisen", entities=[KIM], language="de")]
    index.upsert(batch)
    rules = parse_rules("""\
- name: salient-kim
  entities: [Kim Jong Un]
  min_salience: 0.5
  languages: [en]
- name: kim-or-putin-talks
  query: talks OR speaks
  any_entities: [Kim Jong Un, Putin]
""").rules
    matches = {(r.name, a.id) for r, a in match_batch(index, rules, batch)}
    assert matches == {("salient-kim", "k1"), ("salient-kim", "k2"),
                       ("kim-or-putin-talks", "k2"), ("kim-or-putin-talks", "p1")}


class FlakyBus(SQLiteBus):
    """Publishing fails once (the broker went away after the ledger claim)."""

    fail = True

    def publish_many(self, topic, records, headers=None):
        if self.fail and topic.startswith("t.alerts."):
            self.fail = False
            raise ConnectionError("broker down")
        super().publish_many(topic, records, headers)


def test_a_crash_between_claim_and_publish_loses_nothing_and_duplicates_nothing(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", topic_prefix="t.")
    index, bus = EmbeddedIndex(tmp_path / "index.db"), FlakyBus(tmp_path / "bus.db")
    try:
        m = matcher(settings, index, bus, "- name: kim\n  entities: [Kim Jong Un]\n  once_per_story: false\n", tmp_path)
        index.upsert(CORPUS)
        with pytest.raises(ConnectionError):
            m.run(CORPUS)  # claimed, not published: the worker does not commit, the batch comes again
        assert alerts_on(bus, "t.alerts.kim") == []
        assert m.run(CORPUS) == 3  # the replay publishes the claims left unpublished
        assert m.run(CORPUS) == 0
        assert sorted(k for k, _ in alerts_on(bus, "t.alerts.kim")) == ["k1", "k2", "k3"]
    finally:
        index.close()
        bus.close()


def test_a_changed_rules_file_takes_effect_at_the_next_batch_and_a_broken_one_is_ignored(env, tmp_path):
    settings, index, bus = env
    m = matcher(settings, index, bus, "- name: kim\n  entities: [Kim Jong Un]\n  once_per_story: false\n", tmp_path)
    first, second, third = CORPUS[:2], CORPUS[2:4], CORPUS[4:]
    index.upsert(first)
    m.run(first)
    (tmp_path / "rules.yaml").write_text("- name: putin\n  entities: [Putin]\n  once_per_story: false\n")
    index.upsert(second + third)
    m.run(second)  # k3 names Kim, but the kim rule is gone
    (tmp_path / "rules.yaml").write_text("- name: broken\n  query: '\"x'\n")
    m.run(third)  # the putin rule stays in force
    assert [k for k, _ in alerts_on(bus, "t.alerts.kim")] == ["k1", "k2"]
    assert [k for k, _ in alerts_on(bus, "t.alerts.putin")] == ["p1"]


class RefusingIndex(EmbeddedIndex):
    def upsert(self, articles):
        super().upsert([a for a in articles if a.id != "k2"])
        raise RejectedArticles("refused", [("k2", "mapping error")])


def test_the_index_stage_alerts_after_the_upsert_and_never_on_refused_articles(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    index, bus = RefusingIndex(tmp_path / "index.db"), SQLiteBus(tmp_path / "bus.db")
    try:
        m = matcher(settings, index, bus, "- name: kim\n  entities: [Kim Jong Un]\n  once_per_story: false\n", tmp_path)
        refused = IndexStage(index, m).write(CORPUS)
        assert [a.id for a, _ in refused] == ["k2"]
        assert sorted(k for k, _ in alerts_on(bus, "alerts.kim")) == ["k1", "k3"]
    finally:
        index.close()
        bus.close()
