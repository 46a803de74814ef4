"""Alerts on real Kafka and Elasticsearch: parity with the embedded index, exactly-once across
replays (the ``<alias>-alert-ledger`` index), hot reload, and the webhook sink over Kafka.

Every test uses its own topic prefix and alias (``it-alerts-<uuid>``) and deletes its indices.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from fixtures.alert_corpus import CORPUS, KIM, PARITY_CORPUS, PARITY_RULES, art
from fixtures.http_receiver import Receiver
from index.alerts import AlertMatcher, Claim, ElasticsearchLedger, dry_run, match_batch
from index.elasticsearch import ElasticsearchIndex
from index.embedded import EmbeddedIndex
from index.stage import IndexStage
from newsflow.core.alert_rules import RulesFile, parse_rules
from newsflow.core.bus.kafka import KafkaBus
from newsflow.core.config import Settings
from newsflow.core.contracts import Alert
from newsflow.webhook import SIGNATURE_HEADER, WebhookSink, verify_signature
from newsflow.core.worker import StageWorker

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path, elasticsearch_url) -> Settings:
    uid = uuid.uuid4().hex[:10]
    return Settings(data_dir=tmp_path / "data", index="elasticsearch", es_url=elasticsearch_url,
                    es_alias=f"it-alerts-{uid}", topic_prefix=f"it-alerts-{uid}.", kafka_partitions=2,
                    webhook_retry_initial=0.05, webhook_retry_max=0.2)


@pytest.fixture
def es(settings):
    ix = ElasticsearchIndex(settings)
    yield ix
    ElasticsearchLedger(ix.client, settings.es_alias).drop()
    ix.drop()
    ix.close()


@pytest.fixture
def kafka(settings, kafka_bootstrap):
    settings.bus, settings.kafka_bootstrap = "kafka", kafka_bootstrap
    bus = KafkaBus(settings)
    yield bus
    bus.close()


def read_topic(bus, topic: str, idle: float = 3.0) -> list[tuple[str, Alert]]:
    """Every record of ``topic`` (a fresh group from the beginning), once nothing new came for ``idle`` s."""
    consumer = bus.consumer(f"reader-{uuid.uuid4().hex[:8]}", [topic])
    out: list[tuple[str, Alert]] = []
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle:
            batch = consumer.poll(500, timeout=1.0)
            if batch:
                out += [(m.key, Alert.from_json(m.value)) for m in batch]
                last = time.monotonic()
    finally:
        consumer.close()
    return out


def test_both_backends_match_the_same_articles_for_every_rule(es, tmp_path):
    embedded = EmbeddedIndex(tmp_path / "index.db")
    try:
        rules = parse_rules(PARITY_RULES).rules
        for ix in (embedded, es):
            ix.upsert(PARITY_CORPUS)
        batch = {ix: match_batch(ix, rules, PARITY_CORPUS) for ix in (embedded, es)}
        got = {ix: {(r.name, a.id) for r, a in matches} for ix, matches in batch.items()}
        assert got[es] == got[embedded]
        by_rule = {name: {aid for n, aid in got[es] if n == name} for name in (r.name for r in rules)}
        # spot checks, so parity is not agreement on nothing
        assert by_rule["kim"] == {"k1", "k2", "k3", "k4", "s1", "s2"}
        assert by_rule["kim-salient"] == by_rule["kim"] - {"k3"}
        assert by_rule["english-kim"] == by_rule["kim"] - {"k4"}
        assert by_rule["kim-yo"] == {"y1"} and by_rule["nobody"] == set()
        assert by_rule["sources"] == {"s1", "s2"} and by_rule["orgs"] == {"o1", "g1"}
        # restricted to part of the corpus, both still agree
        part = PARITY_CORPUS[::2]
        assert ({(r.name, a.id) for r, a in match_batch(es, rules, part)}
                == {(r.name, a.id) for r, a in match_batch(embedded, rules, part)})
        # and the dry run (no ids: everything indexed) finds the same on both
        dry = {ix: {r.rule.name: ({h.id for h in r.hits}, r.alerts) for r in dry_run(ix, rules)} for ix in (embedded, es)}
        assert dry[es] == dry[embedded]
        assert dry[es]["kim"][0] == by_rule["kim"]
    finally:
        embedded.close()


def test_the_ledger_lets_exactly_one_claim_win_and_resends_only_its_own_unpublished_claims(es, settings):
    ledger = ElasticsearchLedger(es.client, settings.es_alias)
    first = Claim("kim", "story-1", "s1", "t", b'{"a":1}')
    assert ledger.claim([first]) == [first]
    # the same article again (a replay after a crash before publishing): re-sent as stored
    assert [c.value for c in ledger.claim([Claim("kim", "story-1", "s1", "t", b'{"a":2}')])] == [b'{"a":1}']
    # another copy of the story, e.g. on another index worker: never
    assert ledger.claim([Claim("kim", "story-1", "s2", "t", b'{"b":1}')]) == []
    ledger.mark_published([first])
    assert ledger.claim([first]) == []
    assert ledger.published() == [("kim", "story-1", "s1")]


def run_index_stage(settings, bus, index, matcher, group: str) -> int:
    worker = StageWorker(IndexStage(index, matcher), bus, bus.consumer(group, [settings.topic(settings.topic_enriched)]),
                         deadletter_topic=settings.topic(settings.topic_deadletter), batch_size=4)
    try:
        total, idle_since = 0, time.monotonic()
        while time.monotonic() - idle_since < 3.0:  # Kafka may hand out the first records after a rebalance
            n = worker.run_batch(timeout=1.0)
            total += n
            if n:
                idle_since = time.monotonic()
        return total
    finally:
        worker.close()


def test_over_kafka_and_elasticsearch_each_match_is_one_alert_and_a_replay_adds_none(settings, es, kafka, tmp_path):
    rules_path = tmp_path / "rules.yaml"
    rules_path.write_text("rules:\n  - name: kim\n    entities: [Kim Jong-un]\n    once_per_story: false\n"
                          "  - name: kim-stories\n    entities: [Kim Jong Un]\n")
    settings.alert_rules = rules_path
    matcher = AlertMatcher.from_settings(settings, es, kafka)
    assert isinstance(matcher.ledger, ElasticsearchLedger)
    enriched = settings.topic(settings.topic_enriched)
    kafka.publish_many(enriched, [(a.id, a.to_json()) for a in PARITY_CORPUS])
    kafka.flush()

    assert run_index_stage(settings, kafka, es, matcher, "index") == len(PARITY_CORPUS)
    kim = read_topic(kafka, settings.topic("alerts.kim"))
    assert sorted(k for k, _ in kim) == ["k1", "k2", "k3", "k4", "s1", "s2"]
    assert all(a.article_id == k and a.rule == "kim" for k, a in kim)
    stories = read_topic(kafka, settings.topic("alerts.kim-stories"))
    assert len(stories) == 5 and len({a.story_id for _, a in stories}) == 5  # s1 and s2 are one story

    # replay everything with a second index group (a reset, or a new worker fleet): no new alert
    fresh = AlertMatcher.from_settings(settings, es, kafka)
    assert run_index_stage(settings, kafka, es, fresh, "index-replay") == len(PARITY_CORPUS)
    assert fresh.published == 0
    assert len(read_topic(kafka, settings.topic("alerts.kim"), idle=2.0)) == 6


def test_hot_reload_and_a_broken_rules_file_on_elasticsearch(settings, es, kafka, tmp_path):
    rules_path = tmp_path / "rules.yaml"
    rules_path.write_text("- name: kim\n  entities: [Kim Jong Un]\n  once_per_story: false\n")
    matcher = AlertMatcher(settings, es, kafka, RulesFile(rules_path), ElasticsearchLedger(es.client, settings.es_alias))
    stage = IndexStage(es, matcher)
    stage.write(CORPUS[:2])
    rules_path.write_text("- name: kim-yo\n  entities: [Kim Yo Jong]\n  once_per_story: false\n")
    stage.write(CORPUS[2:4])  # k3 names Kim Jong Un but that rule is gone; y1 is Kim Yo-jong
    rules_path.write_text("- name: kim\n  entities: [Kim Jong Un\n")  # broken YAML
    stage.write([art("y2", "Kim Yo-jong again", entities=CORPUS[3].entities), art("k9", "Kim again", entities=[KIM])])
    assert matcher.rules.refused is not None
    assert sorted(k for k, _ in read_topic(kafka, settings.topic("alerts.kim"))) == ["k1", "k2"]
    assert sorted(k for k, _ in read_topic(kafka, settings.topic("alerts.kim-yo"))) == ["y1", "y2"]


def test_the_webhook_sink_over_kafka_retries_a_failing_receiver_and_delivers_once_it_recovers(settings, kafka):
    topic = settings.topic("alerts.kim")
    values = [Alert(rule="kim", topic="alerts.kim", article_id=f"a{i}", url=f"https://x/{i}", title="t").to_json()
              for i in range(3)]
    kafka.publish_many(topic, [(f"a{i}", v) for i, v in enumerate(values)])
    kafka.flush()
    receiver = Receiver(failures=4)
    sink = WebhookSink(settings, kafka, topic, receiver.url, secret="k")
    try:
        sink.run(threading.Event(), until_idle=4.0)
    finally:
        sink.close()
        receiver.close()
    delivered = receiver.delivered()
    assert sorted(b for _, b in delivered) == sorted(values)  # each once (order is per partition)
    assert all(verify_signature("k", b, h[SIGNATURE_HEADER]) for h, b in delivered)
    assert sum(1 for s, _, _ in receiver.requests if s != 200) == 4
    # committed: the same group has nothing left
    again = Receiver()
    sink = WebhookSink(settings, kafka, topic, again.url)
    try:
        sink.run(threading.Event(), until_idle=3.0)
    finally:
        sink.close()
        again.close()
    assert again.requests == []
