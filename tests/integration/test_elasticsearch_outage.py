"""An Elasticsearch outage while the index service is indexing: stop the node, start it again.

The index service (``ConsumingService`` over ``IndexStage``, the production loop) keeps
consuming the embedded bus; with the node down its batches fail, it backs off and resumes from
the last committed offset. Afterwards the index holds every distinct article once, nothing was
dead-lettered, and offsets never moved while the node was down.

The node is stopped and started with ``deploy/local/elasticsearch.sh`` and the environment it was
started with (``ES_PORT`` from the URL, ``NEWSFLOW_ES_HOME`` as set), so only a node our scripts
started is touched: without its pid file (or with another process behind the URL) the test skips,
or fails under NEWSFLOW_REQUIRE_SERVICES=1. It leaves the node up and green.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

from index.elasticsearch import ElasticsearchIndex
from index.stage import GROUP, IndexStage
from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.config import Settings
from newsflow.core.contracts import EnrichedArticle, content_hash
from newsflow.core.metrics import StageMetrics
from newsflow.services import ConsumingService

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "local" / "elasticsearch.sh"
DEFAULT_HOME = "/var/tmp/newsflow/elasticsearch-8.19.21"  # deploy/local/elasticsearch.sh's default


def _skip_or_fail(reason: str):
    if os.environ.get("NEWSFLOW_REQUIRE_SERVICES") == "1":
        pytest.fail(reason + " (NEWSFLOW_REQUIRE_SERVICES=1, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


class Node:
    """The node behind the URL, driven by deploy/local/elasticsearch.sh as it was started."""

    def __init__(self, url: str):
        self.url = url
        self.env = {**os.environ, "ES_PORT": str(urlsplit(url).port or 9200)}
        self.home = Path(os.environ.get("NEWSFLOW_ES_HOME") or DEFAULT_HOME)

    def script(self, command: str) -> None:
        proc = subprocess.run(["bash", str(SCRIPT), command], env=self.env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"elasticsearch.sh {command} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"

    def healthy(self) -> bool:
        client = Elasticsearch(self.url, request_timeout=10, max_retries=0)
        try:
            return client.cluster.health(wait_for_status="yellow", timeout="5s")["status"] in ("yellow", "green")
        except Exception:  # noqa: BLE001 - down or starting: not healthy
            return False
        finally:
            client.close()


@pytest.fixture
def node(elasticsearch_url) -> Node:
    """The node, if our script started it (its pid file names the process that answers the URL)."""
    n = Node(elasticsearch_url)
    pidfile = n.home / "elasticsearch.pid"
    if not pidfile.is_file():
        _skip_or_fail(f"the Elasticsearch node at {elasticsearch_url} was not started by deploy/local/elasticsearch.sh "
                      f"with NEWSFLOW_ES_HOME={n.home} (no {pidfile}); the outage test stops and starts only such a node")
    client = Elasticsearch(elasticsearch_url, request_timeout=10)
    try:
        nodes = client.nodes.info(node_id="_local", metric="process")["nodes"]
    finally:
        client.close()
    pids = {str(info["process"]["id"]) for info in nodes.values()}
    if pidfile.read_text().strip() not in pids:
        _skip_or_fail(f"the node at {elasticsearch_url} (pid {', '.join(sorted(pids))}) is not the one in {pidfile}; "
                      "set NEWSFLOW_ES_HOME to the home it was started with")
    yield n
    if not n.healthy():  # whatever happened, the tests after this one get their node back
        n.script("start")


def enriched(i: int) -> EnrichedArticle:
    text = f"Dispatch {i} from the coast."
    url = f"https://example.com/{i}"
    return EnrichedArticle(id=f"o{i:05d}", url=url, canonical_url=url, source="example.com", title=f"Dispatch {i}",
                           text=text, published_at=datetime(2024, 5, 1, tzinfo=timezone.utc), fetched_at=datetime(2024, 5, 2, tzinfo=timezone.utc),
                           content_hash=content_hash(text), story_id=f"s{i}")


def committed(bus_path: Path, topic: str) -> int:
    import sqlite3

    with sqlite3.connect(bus_path) as conn:
        row = conn.execute('SELECT "offset" FROM group_offsets WHERE group_id = ? AND topic = ?', (GROUP, topic)).fetchone()
    return row[0] if row else 0


def indexed(index: ElasticsearchIndex) -> int:
    """The count, or -1 while the node cannot answer (shards of a new index still starting, node down)."""
    try:
        return index.count()
    except (ApiError, TransportError):
        return -1


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def test_indexing_survives_an_elasticsearch_outage_without_loss_or_duplicates(node, tmp_path):
    settings = Settings(data_dir=tmp_path, index="elasticsearch", es_url=node.url,
                        es_alias=f"test-outage-{uuid.uuid4().hex[:10]}", index_batch_size=25)
    topic, deadletter = settings.topic(settings.topic_enriched), settings.topic(settings.topic_deadletter)
    bus = SQLiteBus(tmp_path / "bus.db")  # the service's
    producer = SQLiteBus(tmp_path / "bus.db")  # the test's, from this thread
    index = ElasticsearchIndex(settings)
    service = ConsumingService(settings, bus, IndexStage(index), GROUP, topic, settings.index_batch_size, StageMetrics())
    stop = threading.Event()
    runner = threading.Thread(target=service.run, args=(stop,))

    def publish(ids: range) -> None:
        # every record twice, as a replayed topic would hold it: the index must still count each once
        for start in range(0, len(ids), 50):
            chunk = [enriched(i) for i in ids[start:start + 50]]
            producer.publish_many(topic, [(a.id, a.to_json()) for a in chunk + chunk])

    publish(range(0, 600))
    runner.start()
    try:
        wait_for(lambda: indexed(index) >= 100, 120, "the first articles to be indexed")
        node.script("stop")  # mid-run: most of the first 1200 records are still to be indexed
        publish(range(600, 1000))  # and more arrive while the node is down
        wait_for(lambda: service.health.failing_since is not None, 60, "the service to notice the outage")
        held = committed(tmp_path / "bus.db", topic)
        time.sleep(2)
        assert committed(tmp_path / "bus.db", topic) == held, "offsets moved while Elasticsearch was down"
        assert held < 2000
        node.script("start")
        wait_for(lambda: committed(tmp_path / "bus.db", topic) == 2000, 240, "the service to catch up after the restart")
    finally:
        stop.set()
        runner.join(120)
    try:
        index.client.indices.refresh(index=settings.es_alias)
        assert index.count() == 1000  # every distinct article, once
        assert service.health.failing_since is None
        assert bus.topics().get(deadletter, 0) == 0, "an outage is not a reason to dead-letter"
        for i in (0, 599, 600, 999):
            assert index.get(f"o{i:05d}") == enriched(i)
    finally:
        service.close()
        bus.close()
        producer.close()
        index.drop()
        index.close()
    assert node.healthy()
