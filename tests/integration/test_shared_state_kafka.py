"""Enrich workers on different machines share the entity registry and the stories over Kafka.

A "machine" is a data directory of its own: nothing on disk is shared, only the broker.
"""

from __future__ import annotations

import json
import uuid

import pytest

from cli_support import CLI, free_port
from enrich.registry import EntityRegistry
from enrich.replica import StateReplica
from enrich.stories import StoryIndex
from fixtures.registry_entities import ent
from fixtures.story_texts import ORIGINAL, SYNDICATED
from newsflow.core.config import Settings
from test_kafka_faults import corpus, group_members, publish, stage_counters, stop_all, wait_for

pytestmark = pytest.mark.filterwarnings("ignore:read_text is deprecated:DeprecationWarning")

ENTITIES = "SELECT label, key, name, articles, mentions FROM entities"


@pytest.fixture
def settings(kafka_bootstrap) -> Settings:
    return Settings(bus="kafka", kafka_bootstrap=kafka_bootstrap, topic_prefix=f"shared-{uuid.uuid4().hex[:10]}.",
                    kafka_partitions=4)


def registry(settings: Settings, path) -> EntityRegistry:
    return EntityRegistry(path, replica=StateReplica(settings, settings.topic_entity_state))


def test_the_state_topics_are_compacted(settings):
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType

    for topic in (settings.topic_entity_state, settings.topic_story_state):
        StateReplica(settings, topic).close()
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="newsflow-tests-shared")
    try:
        for topic in (settings.topic_entity_state, settings.topic_story_state):
            name = settings.topic(topic)
            configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])["topic"][name]
            assert configs["cleanup.policy"]["value"] == "compact", topic
    finally:
        admin.close()


def test_two_machines_and_a_latecomer_agree_on_the_registry_over_a_real_broker(settings, tmp_path):
    from fixtures.registry_entities import ent

    a, b = registry(settings, tmp_path / "a" / "entities.db"), registry(settings, tmp_path / "b" / "entities.db")
    try:
        a.canonicalize([[ent("Recep Tayyip Erdogan", count=2)], [ent("NATO", "ORG")]])
        (out,) = b.canonicalize([[ent("Erdogan")]])
        assert out[0].name == "Recep Tayyip Erdoğan", "b knows the full name a registered"
        late = registry(settings, tmp_path / "late" / "entities.db")
        try:
            for r in (a, b, late):
                r.catch_up()
            a_rows, b_rows, late_rows = (sorted(r._conn.execute(ENTITIES).fetchall()) for r in (a, b, late))
            assert a_rows == b_rows == late_rows
            assert late.lookup("Erdogan")[0][3] == 2
        finally:
            late.close()
    finally:
        a.close()
        b.close()


def test_a_copy_enriched_on_another_machine_joins_the_story_over_a_real_broker(settings, tmp_path):
    def stories(name: str) -> StoryIndex:
        return StoryIndex(tmp_path / name / "stories.db", replica=StateReplica(settings, settings.topic_story_state))

    a, b = stories("a"), stories("b")
    try:
        assert a.assign([("a1", "h1", ORIGINAL)]) == ["s-a1"]
        assert b.assign([("a2", "h2", SYNDICATED)]) == ["s-a1"]
    finally:
        a.close()
        b.close()


def test_enrich_services_on_two_machines_agree_on_entities_and_stories(settings, tmp_path):
    machines = {name: CLI(tmp_path / name / "data") for name in ("m1", "m2")}
    for cli in machines.values():
        cli.env.update({"NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
                        "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix, "NEWSFLOW_KAFKA_PARTITIONS": "4",
                        "NEWSFLOW_INDEX": "embedded", "NEWSFLOW_ENRICH_BATCH_SIZE": "4"})
    m1 = machines["m1"]
    articles = corpus(20, uuid.uuid4().hex[:6])  # the sample site's ten texts, then a copy of each
    originals, copies = articles[:10], articles[10:]
    ports = {name: free_port() for name in ("index", "m1", "m2")}
    procs = {"index": m1.popen("index", "--port", str(ports["index"]))}
    procs["m1"] = m1.popen("enrich", "--port", str(ports["m1"]))
    # the second machine runs two spaCy processes, each sharing through the topics on its own
    procs["m2"] = machines["m2"].popen("enrich", "--workers", "2", "--port", str(ports["m2"]))
    try:
        wait_for("both enrich workers to hold partitions",
                 lambda: len(group_members(settings, "enrich")) == 2, 90, procs, step=0.5)
        publish(settings, originals)
        wait_for("the originals to be indexed", lambda: m1.search()["total"] >= 10, 180, procs, step=0.5)
        publish(settings, copies)
        wait_for("the copies to be indexed", lambda: m1.search()["total"] >= 20, 180, procs, step=0.5)
        enriched = {name: stage_counters(ports[name])["out"] for name in machines}
    finally:
        outcome = stop_all(procs)
    assert all(code == 0 for code, _ in outcome.values()), outcome
    assert all(n > 0 for n in enriched.values()), f"each machine must have enriched some articles: {enriched}"

    hits = {h["id"]: h for h in json.loads(m1("search", "--json", "--limit", "50").stdout)["hits"]}
    for original, copy in zip(originals, copies):
        assert hits[copy.id]["story_id"] == hits[original.id]["story_id"], f"{copy.url} left its story"
    assert len({hits[a.id]["story_id"] for a in originals}) == 10, "different texts, different stories"

    tables = []
    for name in machines:
        reg = registry(settings, tmp_path / name / "data" / "entities.db")
        try:
            reg.catch_up()
            tables.append(reg._conn.execute(ENTITIES + " ORDER BY label, key").fetchall())
        finally:
            reg.close()
    assert tables[0] == tables[1], "the two machines' registries differ"
    assert sum(row[3] for row in tables[0]) > 0
