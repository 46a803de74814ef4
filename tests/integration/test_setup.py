"""``newsflow setup`` against the real Kafka and Elasticsearch: what the compose `setup` service runs.

It creates the topics with the configured partitions and replication, applies the index
template and creates the index behind the alias, and is idempotent: a second run changes
nothing and keeps what was indexed in between. Each test uses its own topic prefix and alias,
and deletes them after.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from cli_support import CLI
from index.elasticsearch import ElasticsearchIndex
from index.es_mapping import MAPPING_VERSION
from newsflow.core.config import Settings
from newsflow.core.contracts import EnrichedArticle, content_hash

PARTITIONS = 3


@pytest.fixture
def deployment(kafka_bootstrap, elasticsearch_url, tmp_path):
    """Settings and a CLI for a deployment of our own (prefix and alias), removed afterwards."""
    name = f"test-setup-{uuid.uuid4().hex[:8]}"
    settings = Settings(bus="kafka", index="elasticsearch", kafka_bootstrap=kafka_bootstrap, es_url=elasticsearch_url,
                        topic_prefix=f"{name}.", es_alias=name, kafka_partitions=PARTITIONS)
    cli = CLI(tmp_path / "data")
    cli.env.update({
        "NEWSFLOW_BUS": "kafka", "NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "NEWSFLOW_ES_URL": elasticsearch_url, "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSFLOW_ES_ALIAS": name, "NEWSFLOW_KAFKA_PARTITIONS": str(PARTITIONS),
    })
    cli.env.pop("NEWSFLOW_ALERT_RULES", None)
    yield settings, cli
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="newsflow-tests-cleanup")
    try:
        ours = [t for t in admin.list_topics() if t.startswith(settings.topic_prefix)]
        if ours:
            admin.delete_topics(ours)
    finally:
        admin.close()
    ix = ElasticsearchIndex(settings)
    ix.drop()
    ix.close()


def _topic_partitions(settings: Settings) -> dict[str, int]:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="newsflow-tests-describe")
    try:
        ours = [t for t in admin.list_topics() if t.startswith(settings.topic_prefix)]
        return {d["name"]: len(d["partitions"]) for d in admin.describe_topics(ours)}
    finally:
        admin.close()


def _article() -> EnrichedArticle:
    text = "The harbour authority opened the new container terminal on Monday."
    return EnrichedArticle(id="setup-1", url="https://example.com/a", canonical_url="https://example.com/a",
                           source="example.com", title="Harbour terminal opens", text=text,
                           published_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), content_hash=content_hash(text),
                           story_id="s-setup-1")


def test_setup_creates_the_topics_and_the_index_behind_the_alias(deployment):
    settings, cli = deployment
    out = cli("setup", "--wait", "30").stdout

    streams = [settings.topic(t) for t in ("news.articles", "news.enriched", "news.deadletter")]
    state = [settings.topic(t) for t in ("enrich.entities", "enrich.stories")]
    assert _topic_partitions(settings) == {t: PARTITIONS for t in streams + state}
    for topic in streams:
        assert f"topic {topic}: created ({PARTITIONS} partitions, replication 1)" in out
    for topic in state:
        assert f"topic {topic}: created ({PARTITIONS} partitions, replication 1, compacted)" in out

    ix = ElasticsearchIndex(settings)
    try:
        assert list(ix.client.indices.get_alias(name=settings.es_alias)) == [f"{settings.es_alias}-v1"]
        template = ix.client.indices.get_index_template(name=f"{settings.es_alias}-template")
        mappings = template["index_templates"][0]["index_template"]["template"]["mappings"]
        assert mappings["_meta"]["newsflow_mapping_version"] == MAPPING_VERSION
    finally:
        ix.close()
    assert out.strip().endswith("setup: done")


def test_setup_run_again_changes_nothing_and_keeps_what_was_indexed(deployment):
    settings, cli = deployment
    cli("setup", "--wait", "30")
    ix = ElasticsearchIndex(settings)
    try:
        ix.upsert([_article()])
        second = cli("setup", "--wait", "30").stdout
        for topic in ("news.articles", "news.enriched", "news.deadletter"):
            assert f"topic {settings.topic(topic)}: exists (left as it is)" in second
        assert list(ix.client.indices.get_alias(name=settings.es_alias)) == [f"{settings.es_alias}-v1"]
        assert ix.get("setup-1") is not None, "setup must never drop or replace the live index"
    finally:
        ix.close()
    assert set(_topic_partitions(settings).values()) == {PARTITIONS}


def test_setup_on_a_cluster_without_security_skips_the_kibana_system_password(deployment):
    """The dev node runs with security off, as ES_SECURITY=false does in compose."""
    settings, cli = deployment
    out = cli("setup", "--wait", "30", "--kibana-system-password", "irrelevant").stdout
    assert "kibana_system password: security is off on this cluster, nothing to set" in out


def test_setup_creates_the_alert_topics_of_the_rules_file(deployment, tmp_path):
    pytest.importorskip("newsflow.core.alert_rules")
    settings, cli = deployment
    rules = tmp_path / "alerts.yml"
    rules.write_text("rules:\n  - name: harbour\n    query: harbour\n  - name: ports\n    query: port\n    topic: custom.ports\n")
    cli.env["NEWSFLOW_ALERT_RULES"] = str(rules)
    out = cli("setup", "--wait", "30").stdout
    topics = _topic_partitions(settings)
    assert topics[settings.topic("alerts.harbour")] == PARTITIONS
    assert topics[settings.topic("custom.ports")] == PARTITIONS
    assert f"topic {settings.topic('alerts.harbour')}: created" in out


def test_setup_with_a_broken_rules_file_fails_with_the_line_and_creates_nothing_for_it(deployment, tmp_path):
    pytest.importorskip("newsflow.core.alert_rules")
    settings, cli = deployment
    rules = tmp_path / "alerts.yml"
    rules.write_text("rules:\n  - name: harbour\n    nonsense: 1\n")
    cli.env["NEWSFLOW_ALERT_RULES"] = str(rules)
    proc = cli("setup", "--wait", "30", check=False)
    assert proc.returncode == 1
    assert f"alert rules: {rules}:3" in proc.stderr
