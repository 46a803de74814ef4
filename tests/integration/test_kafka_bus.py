"""The Kafka bus keeps the embedded bus's semantics, on a real broker (deploy/local/kafka.sh).

Every test uses its own topic prefix and group names, so runs can share a broker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections import defaultdict

import pytest

from cli_support import CLI, run_once, run_three_services
from newsflow.core.bus import Bus, Consumer, open_bus
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
    from newsflow.core.bus.kafka import KafkaBus

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


def drain(consumer, max_records: int = 100) -> list:
    out = []
    while batch := consumer.poll(max_records):
        out.extend(batch)
    return out


def test_it_is_a_bus_and_its_consumers_are_consumers(bus):
    t = topic(bus)
    c = bus.consumer("g", [t])
    try:
        assert isinstance(bus, Bus)
        assert isinstance(c, Consumer)
    finally:
        c.close()


def test_records_of_one_key_come_back_in_order_with_key_value_and_headers(bus):
    t = topic(bus)
    for i in range(30):
        bus.publish(t, f"k{i % 5}", f"{i}".encode(), {"schema_version": "1", "producer": "test"})
    bus.publish_many(t, [("k0", b"30"), ("k1", b"31")])
    bus.flush()
    c = bus.consumer(f"g-{_uid()}", [t])
    got = drain(c)
    c.close()
    assert len(got) == 32
    by_key = defaultdict(list)
    for m in got:
        by_key[m.key].append(int(m.value))
    assert by_key == {f"k{k}": sorted(v for v in range(32) if (v % 5 if v < 30 else v - 30) == k) for k in range(5)}
    first = next(m for m in got if m.value == b"0")
    assert first.headers == {"schema_version": "1", "producer": "test"}
    assert first.topic == t and first.timestamp > 1e9
    assert len({m.partition for m in got}) > 1, "five keys over three partitions should use more than one"


def test_poll_respects_max_records_and_returns_nothing_only_at_the_end(bus):
    t = topic(bus)
    bus.publish_many(t, [(str(i), b"x") for i in range(25)])
    bus.flush()
    c = bus.consumer(f"g-{_uid()}", [t])
    sizes = []
    while batch := c.poll(4):
        sizes.append(len(batch))
    c.close()
    assert sum(sizes) == 25 and max(sizes) <= 4


def test_a_restarted_consumer_resumes_after_the_last_commit(bus1):
    t, g = topic(bus1), f"g-{_uid()}"
    bus1.publish_many(t, [(str(i), b"x") for i in range(6)])
    bus1.flush()
    c = bus1.consumer(g, [t])
    assert [m.offset for m in c.poll(2)] == [0, 1]
    c.commit()
    assert [m.offset for m in c.poll(2)] == [2, 3]  # read but never committed: delivered again
    c.close()
    again = bus1.consumer(g, [t])
    assert again.lag() == 4
    assert [m.offset for m in drain(again)] == [2, 3, 4, 5]
    again.commit()
    assert again.lag() == 0
    again.close()


def test_uncommitted_records_of_every_partition_go_to_the_next_member(bus):
    t, g = topic(bus), f"g-{_uid()}"
    bus.publish_many(t, [(str(i), b"x") for i in range(60)])
    bus.flush()
    c = bus.consumer(g, [t])
    first = c.poll(20)
    c.commit()
    c.poll(20)  # not committed
    c.close()
    again = bus.consumer(g, [t])
    rest = drain(again)
    again.close()
    assert {m.key for m in first} | {m.key for m in rest} == {str(i) for i in range(60)}
    assert len(first) + len(rest) == 60


def test_two_members_of_a_group_share_the_partitions_and_lose_nothing(bus):
    import threading
    import time

    t, g, n = topic(bus), f"g-{_uid()}", 600
    bus.publish_many(t, [(str(i), b"x") for i in range(n)])
    bus.flush()
    seen: dict[str, list[str]] = {"a": [], "b": []}
    lock = threading.Lock()

    def unique() -> int:
        with lock:
            return len(set(seen["a"]) | set(seen["b"]))

    def member(name: str, delay: float) -> None:
        time.sleep(delay)
        c = bus.consumer(g, [t])
        deadline = time.monotonic() + 60
        try:
            while unique() < n and time.monotonic() < deadline:
                batch = c.poll(5, timeout=0.5)
                with lock:
                    seen[name].extend(m.key for m in batch)
                if not seen["b"]:
                    time.sleep(0.15)  # a slow stage until the second member has joined and received records
                c.commit()
        finally:
            c.close()

    threads = [threading.Thread(target=member, args=("a", 0.0)), threading.Thread(target=member, args=("b", 0.5))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(90)
    assert set(seen["a"]) | set(seen["b"]) == {str(i) for i in range(n)}
    assert seen["a"] and seen["b"], "the second member must have received partitions"
    assert len(seen["a"]) + len(seen["b"]) - n <= 20, "only batches in hand at a rebalance may repeat"


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


def test_groups_are_independent(bus):
    t = topic(bus)
    bus.publish_many(t, [("k", b"x")] * 3)
    bus.flush()
    a = bus.consumer(f"a-{_uid()}", [t])
    assert len(drain(a)) == 3
    a.commit()
    a.close()
    b = bus.consumer(f"b-{_uid()}", [t])
    assert len(drain(b)) == 3
    b.close()


def test_a_new_group_can_start_at_the_end(bus):
    t = topic(bus)
    bus.publish_many(t, [("k", b"old")] * 3)
    bus.flush()
    tail = bus.consumer(f"tail-{_uid()}", [t], from_beginning=False)
    assert tail.poll(10) == []
    bus.publish(t, "k", b"new")
    bus.flush()
    assert [m.value for m in tail.poll(10, timeout=10)] == [b"new"]
    tail.close()


def test_a_consumer_that_joined_an_empty_topic_with_quick_polls_gets_what_is_published_later(bus):
    """A service starts before anything is published and polls with short timeouts.

    Its first join happens before it knows the topic's partitions, so the group rebalances
    again right after; with kafka-python 3.0.12 a poll timing out inside that second
    rebalance used to leave the member with no partitions for good (6 runs in 10 wedged).
    """
    for attempt in range(6):
        t = topic(bus)
        c = bus.consumer(f"quick-{_uid()}", [t])
        for _ in range(3):
            assert c.poll(100, timeout=0.0) == []
        bus.publish_many(t, [(str(i), b"x") for i in range(12)])
        bus.flush()
        got = []
        deadline = time.monotonic() + 30
        while len(got) < 12 and time.monotonic() < deadline:
            got += c.poll(100, timeout=0.0)
        c.close()
        assert len(got) == 12, f"attempt {attempt}: the member consumed {len(got)} of 12 records"


def test_lag_counts_what_the_group_has_not_committed(bus):
    t, g = topic(bus), f"g-{_uid()}"
    bus.publish_many(t, [(str(i), b"x") for i in range(40)])
    bus.flush()
    c = bus.consumer(g, [t])
    assert c.lag() == 40
    n = len(c.poll(15))
    assert c.lag() == 40, "polling alone commits nothing"
    c.commit()
    assert c.lag() == 40 - n
    drain(c)
    c.commit()
    assert c.lag() == 0
    c.close()


def test_topics_are_created_with_the_configured_partitions(bus):
    t = topic(bus)
    bus.publish(t, "k", b"x")
    bus.flush()
    c = bus.consumer(f"g-{_uid()}", [t])
    assert c._consumer.partitions_for_topic(t) == {0, 1, 2}
    c.close()


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


def test_a_poison_record_is_dead_lettered_and_the_rest_flows(bus):
    from newsflow.core.contracts import DeadLetter
    from newsflow.core.worker import StageWorker

    src, out, dead = topic(bus), topic(bus), topic(bus)

    class Doubler:
        name = "doubler"

        def decode(self, message):
            return json.loads(message.value)

        def process(self, items):
            if any(i == 13 for i in items):
                raise ValueError("13 is unlucky")
            return [i * 2 for i in items]

        def write(self, outputs):
            bus.publish_many(out, [(str(o), json.dumps(o).encode()) for o in outputs])
            bus.flush()

    records = [(str(i), json.dumps(i).encode()) for i in range(40)]
    records[7] = ("7", b"{not json")
    bus.publish_many(src, records)
    bus.flush()
    worker = StageWorker(Doubler(), bus, bus.consumer(f"g-{_uid()}", [src]), deadletter_topic=dead, batch_size=10)
    assert worker.drain() == 40
    assert worker.deadlettered == 2
    assert worker.consumer.lag() == 0
    worker.close()

    reader = bus.consumer(f"r-{_uid()}", [out])
    assert sorted(json.loads(m.value) for m in drain(reader)) == sorted(2 * i for i in range(40) if i not in (7, 13))
    reader.close()
    dl = bus.consumer(f"d-{_uid()}", [dead])
    letters = [DeadLetter.from_json(m.value) for m in drain(dl)]
    dl.close()
    assert sorted(x.key for x in letters) == ["13", "7"]
    assert all(x.stage == "doubler" and x.topic == src for x in letters)
    assert any("unlucky" in x.error for x in letters)


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
