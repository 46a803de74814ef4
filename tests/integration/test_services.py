"""Prove the local recipe: the real Kafka and Elasticsearch nodes do what newsflow relies on."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration

N_RECORDS = 100


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


# --- Kafka ---------------------------------------------------------------------------------------

def _compression() -> str:
    from kafka import codec

    # zstd with kafka-python[zstd] (the `zstandard` package); gzip needs nothing extra
    return "zstd" if codec.has_zstd() else "gzip"


def test_kafka_produce_consume_in_order(kafka_bootstrap):
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import NewTopic

    topic = _unique("newsflow-it")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="newsflow-it-admin")
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)], timeout_ms=10_000)
        try:
            producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                     enable_idempotence=True, compression_type=_compression(),
                                     linger_ms=5, key_serializer=str.encode,
                                     value_serializer=str.encode)
            try:
                futures = [producer.send(topic, key=f"k{i}", value=f"record {i:03d} " + "x" * 200)
                           for i in range(N_RECORDS)]
                producer.flush(timeout=30)
                offsets = [f.get(timeout=30).offset for f in futures]
            finally:
                producer.close(timeout=10)
            assert offsets == list(range(N_RECORDS))

            group = _unique("newsflow-it-group")
            consumer = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, group_id=group,
                                     enable_auto_commit=False, auto_offset_reset="earliest",
                                     consumer_timeout_ms=15_000, value_deserializer=bytes.decode)
            try:
                got = []
                for msg in consumer:
                    got.append(msg)
                    if len(got) == N_RECORDS:
                        break
                consumer.commit()
                tp = TopicPartition(topic, 0)
                assert consumer.committed(tp) == N_RECORDS
            finally:
                consumer.close()

            assert [m.value[:10] for m in got] == [f"record {i:03d}" for i in range(N_RECORDS)]
            assert [m.key for m in got] == [f"k{i}".encode() for i in range(N_RECORDS)]
            assert [m.offset for m in got] == list(range(N_RECORDS))
        finally:
            admin.delete_topics([topic], timeout_ms=10_000)
        assert topic not in admin.list_topics()
    finally:
        admin.close()


# --- Elasticsearch -------------------------------------------------------------------------------

def test_elasticsearch_nested_query_and_aggregation(elasticsearch_url):
    from elasticsearch import Elasticsearch, helpers

    client = Elasticsearch(elasticsearch_url, request_timeout=30)
    index = _unique("newsflow-it")
    try:
        client.indices.create(index=index, settings={"number_of_shards": 1, "number_of_replicas": 0},
                              mappings={"properties": {
                                  "title": {"type": "text"},
                                  "source": {"type": "keyword", "normalizer": "lowercase"},
                                  "entities": {"type": "nested", "properties": {
                                      "name": {"type": "keyword", "normalizer": "lowercase"},
                                      "label": {"type": "keyword"},
                                  }},
                              }})
        docs = [
            {"title": "Summit talks resume", "source": "Reuters",
             "entities": [{"name": "Kim Jong Un", "label": "PERSON"}, {"name": "Pyongyang", "label": "GPE"}]},
            {"title": "Putin meets Kim", "source": "REUTERS",
             "entities": [{"name": "Vladimir Putin", "label": "PERSON"}, {"name": "KIM JONG UN", "label": "PERSON"}]},
            {"title": "Markets steady", "source": "AP",
             "entities": [{"name": "Kim Jong Un", "label": "GPE"}]},  # wrong label: nested must not match
        ]
        ok, errors = helpers.bulk(client, ({"_index": index, "_id": str(i), "_source": d}
                                           for i, d in enumerate(docs)))
        assert (ok, errors) == (3, [])
        client.indices.refresh(index=index)

        resp = client.search(index=index, size=10, query={"nested": {"path": "entities", "query": {"bool": {
            "filter": [{"term": {"entities.name": "kim jong un"}},  # normalizer: case-insensitive
                       {"term": {"entities.label": "PERSON"}}]}}}},
            aggs={"sources": {"terms": {"field": "source"}}})
        assert sorted(h["_id"] for h in resp["hits"]["hits"]) == ["0", "1"]
        buckets = {b["key"]: b["doc_count"] for b in resp["aggregations"]["sources"]["buckets"]}
        assert buckets == {"reuters": 2}
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
        client.close()
    assert not Elasticsearch(elasticsearch_url).indices.exists(index=index)
