"""The Kafka bus keeps the Bus contract, on a real broker (deploy/local/kafka.sh).

The contract (tests/contracts/bus_contract.py) runs here with three partitions per topic, as
deployed, and with one where offsets are compared. Beside it: what only Kafka does (a member
killed with -9, topic creation, refused records, group names per deployment, the CLI over Kafka).
Every test uses its own topic prefix and group names, so runs can share a broker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid

import pytest

from cli_support import CLI, run_once, run_three_services
from contracts.bus_contract import BusContract, drain
from newsflow.core.bus import open_bus
from newsflow.core.bus.kafka import KafkaBus
from newsflow.core.config import Settings
from demo import ORIGINALS, SampleSite

# kafka-python 3.0.12 loads its protocol schemas with importlib.resources.read_text
pytestmark = pytest.mark.filterwarnings("ignore:read_text is deprecated:DeprecationWarning")


def _uid() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def make_settings(kafka_bootstrap):
    prefix = f"it-{_uid()}."

    def make(**overrides) -> Settings:
        return Settings(bus="kafka", kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix, **overrides)

    return make


@pytest.fixture
def bus(make_settings):
    b = open_bus(make_settings(kafka_partitions=3))
    assert isinstance(b, KafkaBus)
    yield b
    b.close()


@pytest.fixture
def bus1(make_settings):
    """A bus whose topics have one partition, so offsets compare with the embedded bus's."""
    b = open_bus(make_settings(kafka_partitions=1))
    yield b
    b.close()


def topic(b) -> str:
    return b.settings.topic(f"t-{_uid()}")


class TestKafkaBus(BusContract):
    PARTITIONS = 3

    def topic(self, bus) -> str:
        return topic(bus)


CRASHING_CONSUMER = """
import os, signal, sys
from newsflow.core.config import Settings
from newsflow.core.bus import open_bus
bus = open_bus(Settings(bus="kafka", kafka_bootstrap=sys.argv[1], kafka_partitions=3, topic_prefix=sys.argv[4]))
c = bus.consumer(sys.argv[2], [sys.argv[3]])
c.poll(10)
c.commit()
c.poll(10)  # in hand, not committed, when the process dies
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_after_a_kill_9_the_next_member_gets_every_uncommitted_record(bus, kafka_bootstrap, tmp_path):
    t, g = topic(bus), f"g-{_uid()}"
    bus.publish_many(t, [(str(i), b"x") for i in range(100)])
    bus.flush()
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_CONSUMER)
    proc = subprocess.run([sys.executable, str(script), kafka_bootstrap, g, t, bus.settings.topic_prefix], timeout=60)
    assert proc.returncode == -9
    # the dead member is still in the group until its session times out: the first poll waits for that
    c = bus.consumer(g, [t])
    rest = drain(c)
    c.close()
    assert len(rest) == 90 and len({m.key for m in rest}) == 90


def test_deployments_with_different_topic_prefixes_do_not_share_consumer_groups(bus, kafka_bootstrap):
    other = open_bus(Settings(bus="kafka", kafka_bootstrap=kafka_bootstrap, topic_prefix=f"it-{_uid()}."))
    try:
        mine, theirs = bus.consumer("enrich", [topic(bus)]), other.consumer("enrich", [topic(other)])
        assert mine.group == bus.settings.topic("enrich") != theirs.group == other.settings.topic("enrich")
        mine.close()
        theirs.close()
    finally:
        other.close()


def test_topics_are_created_with_the_configured_partitions(bus):
    t = topic(bus)
    bus.publish(t, "k", b"x")
    bus.flush()
    c = bus.consumer(f"g-{_uid()}", [t])
    assert c._consumer.partitions_for_topic(t) == {0, 1, 2}
    c.close()


def test_ensure_topics_creates_the_missing_ones_together_and_leaves_existing_ones(bus, make_settings):
    old, new = topic(bus), [topic(bus) for _ in range(3)]
    bus.ensure_topics([old])
    other = open_bus(make_settings(kafka_partitions=3))  # knows none of them: asks the cluster
    try:
        other.ensure_topics([old, *new, new[0]])
        assert {old, *new} <= other.topic_names()
        for t in new:
            other.publish(t, "k", t.encode())  # usable at once: every partition has a leader
        other.flush()
        c = other.consumer(f"g-{_uid()}", new)
        assert sorted(m.value.decode() for m in drain(c, 3)) == sorted(new)
        assert all(c._consumer.partitions_for_topic(t) == {0, 1, 2} for t in new)
        c.close()
    finally:
        other.close()


def test_a_bus_connected_ahead_has_its_topics_and_publishes_as_before(bus):
    t = topic(bus)
    bus.connect([t])
    assert t in bus.topic_names()
    bus.publish(t, "k", b"v")
    bus.flush()
    c = bus.consumer(f"g-{_uid()}", [t])
    assert [m.value for m in drain(c)] == [b"v"]
    c.close()


def test_a_member_that_joins_ahead_of_its_first_poll_loses_no_record(bus):
    t = topic(bus)
    bus.publish_many(t, [(f"k{i}", f"v{i}".encode()) for i in range(5)])
    bus.flush()
    c = bus.consumer(f"g-{_uid()}", [t])
    try:
        c.join(max_records=500)
        assert c._consumer.assignment()  # the group gave it its partitions before any poll
        assert sorted(m.value for m in drain(c, 5)) == [f"v{i}".encode() for i in range(5)]
        assert c.poll(10, timeout=0.2) == []
    finally:
        c.close()


def test_a_rebalance_forgets_only_what_left_the_member(bus):
    """A second member takes a partition; the first keeps the others with their positions, so
    its commits still cover what it had polled from them, and no record is read twice."""
    t, g = topic(bus), f"g-{_uid()}"
    bus.publish_many(t, [(f"k{i}", b"x") for i in range(30)])
    bus.flush()
    first, second = bus.consumer(g, [t]), bus.consumer(g, [t])
    polled = drain(first)  # every partition's records handed out, none committed yet
    assert len(polled) == 30
    stop, moved = threading.Event(), []

    def member_two():  # a member takes part in a rebalance only while it polls
        while not stop.is_set():
            moved.extend(second.poll(100, timeout=0.2))
            second.commit()

    other = threading.Thread(target=member_two)
    other.start()
    try:
        deadline = time.monotonic() + 90
        while len(first._consumer.assignment()) == 3 and time.monotonic() < deadline:
            assert first.poll(100, timeout=0.2) == [], "a partition the first member kept is not read again"
        kept = {tp.partition for tp in first._consumer.assignment()}
        assert 0 < len(kept) < 3, "the group split the partitions between its two members"
        while first.lag() and time.monotonic() < deadline:
            first.commit()  # as a stage does after each batch; one refused during a rebalance is retried
            assert first.poll(100, timeout=0.2) == []
        assert first.lag() == 0, "the first member committed what it had polled from the partitions it kept"
        assert sorted(m.key for m in moved) == sorted(m.key for m in polled if m.partition not in kept), \
            "the new owner read the moved partition from the group's commit, and nothing else"
    finally:
        stop.set()
        other.join()
        second.close()
        first.close()


def test_flush_raises_when_a_record_was_refused(bus, kafka_bootstrap):
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    t = topic(bus)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics({t: {"num_partitions": 1, "replication_factor": 1,
                                 "configs": {"max.message.bytes": "2000"}}}, wait_for_metadata=True)
    finally:
        admin.close()
    bus.publish(t, "big", os.urandom(50_000))  # incompressible, far above the topic's limit
    with pytest.raises(KafkaError, match="could not be published"):
        bus.flush()
    bus.publish(t, "small", b"fine")
    bus.flush()  # the error was reported once; the bus keeps working


# --- newsflow run --once over Kafka, against the sample site ----------------------------------

@pytest.fixture
def kafka_cli(kafka_bootstrap, tmp_path):
    """The CLI on a fresh data dir, over Kafka with a topic prefix of its own, embedded index."""
    cli = CLI(tmp_path / "data")
    cli.env.update({"NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_BOOTSTRAP": kafka_bootstrap,
                    "NEWSFLOW_TOPIC_PREFIX": f"e2e-{_uid()}.", "NEWSFLOW_INDEX": "embedded"})
    return cli


def test_run_once_over_kafka_indexes_every_sample_article_exactly_once(kafka_cli):
    cli = kafka_cli
    with SampleSite() as site:
        first = run_once(cli, site)
        assert "10 new articles" in first.stdout
        assert "enriched 10, indexed 10" in first.stdout, first.stdout
        everything = cli.search()
        assert everything["total"] == len(ORIGINALS)
        assert len({h["id"] for h in everything["hits"]}) == len(ORIGINALS)
        for article in ORIGINALS:
            assert cli.search(f'"{article.unique_phrase}"')["total"] == 1, article.slug
        records = cli("topic", "read", "news.articles", "--from-beginning", "--until-idle", "--idle", "1", "--json")
        assert len(records.stdout.splitlines()) == len(ORIGINALS)
        second = run_once(cli, site)
        assert "0 new articles" in second.stdout
        assert "enriched 0, indexed 0" in second.stdout, second.stdout
        assert cli.search()["total"] == len(ORIGINALS)


def test_three_separate_services_over_kafka_index_every_article_exactly_once(kafka_cli):
    cli = kafka_cli
    with SampleSite() as site:
        outcome = run_three_services(cli, site, expected=len(ORIGINALS))
    assert outcome["returncodes"] == {"ingest": 0, "enrich": 0, "index": 0}, outcome["stderr"]
    assert all(h["status"] == "ok" for h in outcome["health"].values())
    assert cli.search()["total"] == len(ORIGINALS)
    for article in ORIGINALS:
        assert cli.search(f'"{article.unique_phrase}"')["total"] == 1, article.slug
