"""The embedded bus behaves like a Kafka topic with consumer groups, on one SQLite file.

The behaviour every bus shares is the contract (tests/contracts/bus_contract.py), run here on
the embedded bus. Beside it: what only this backend does (several processes on one file, a
kill -9) and the gaps its docstring states, each with a test that says so.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from contracts.bus_contract import BusContract, drain, name
from newsflow.core.bus.embedded import SQLiteBus


class TestEmbeddedBus(BusContract):
    PARTITIONS = 1

    @pytest.fixture
    def bus(self, tmp_path):
        b = SQLiteBus(tmp_path / "bus.db")
        yield b
        b.close()

    @pytest.fixture
    def bus1(self, bus):
        return bus

    def test_two_members_of_a_group_share_the_partitions_and_lose_nothing(self, bus):
        """A documented gap: no rebalancing, so two live members of one group each read every record."""
        t, g = self.topic(bus), name("g")
        bus.publish_many(t, [(str(i), b"x") for i in range(6)])
        a, b = bus.consumer(g, [t]), bus.consumer(g, [t])
        assert [m.key for m in drain(a)] == [m.key for m in drain(b)] == [str(i) for i in range(6)]
        a.commit()
        b.commit()
        a.close()
        b.close()


def test_a_topic_has_one_partition_whatever_the_keys(bus):
    """A documented gap: one partition per topic, so one consumer reads a topic in publish order."""
    bus.publish_many("t", [(f"k{i}", b"x") for i in range(20)])
    got = bus.consumer("g", ["t"]).poll(100)
    assert {m.partition for m in got} == {0}
    assert [m.offset for m in got] == list(range(20))


def test_a_publish_is_durable_when_it_returns_without_flush(tmp_path):
    writer = SQLiteBus(tmp_path / "bus.db")
    writer.publish("t", "k", b"x")  # no flush: the embedded bus commits before publish returns
    reader = SQLiteBus(tmp_path / "bus.db")
    assert [m.value for m in reader.consumer("g", ["t"]).poll(10)] == [b"x"]
    writer.close()
    reader.close()


def test_publish_many_is_all_or_nothing(bus):
    bus.publish("t", "before", b"0")
    with pytest.raises(sqlite3.ProgrammingError):
        bus.publish_many("t", [("a", b"1"), ({"not": "a key"}, b"2")])  # the second record cannot be stored
    assert [m.key for m in bus.consumer("g", ["t"]).poll(10)] == ["before"]
    bus.publish_many("t", [("a", b"1")])
    assert [m.offset for m in bus.consumer("g2", ["t"]).poll(10)] == [0, 1], "the failed append left no gap and no lock"


def test_topics_exist_from_their_first_record(bus):
    assert bus.topic_names() == set()
    bus.consumer("g", ["quiet"]).poll(10)
    assert bus.topic_names() == set(), "consuming creates no topic here (Kafka creates it)"
    bus.publish_many("t", [("a", b"1"), ("b", b"2")])
    assert bus.topics() == {"t": 2}


def _publisher(path, worker: int, n: int) -> None:
    bus = SQLiteBus(path)
    for i in range(n):
        bus.publish("t", f"{worker}-{i}", b"x")


def test_several_processes_can_publish_at_once_without_losing_or_reusing_offsets(tmp_path):
    path = tmp_path / "bus.db"
    SQLiteBus(path).close()
    procs = [mp.get_context("spawn").Process(target=_publisher, args=(path, w, 200)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    got = SQLiteBus(path).consumer("g", ["t"]).poll(10_000)
    assert [m.offset for m in got] == list(range(600))
    assert len({m.key for m in got}) == 600


CONSUMER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from newsflow.core.bus.embedded import SQLiteBus
    bus = SQLiteBus(sys.argv[1])
    c = bus.consumer("g", ["t"])
    with open(sys.argv[2], "a") as out:
        while True:
            batch = c.poll(10)
            if not batch:
                break
            for m in batch:
                out.write(m.key + "\\n")
                out.flush()
            time.sleep(0.02)  # the stage's work on the batch, so the kill lands between polls
            c.commit()
    """
)


def test_kill_9_of_a_consumer_loses_nothing_and_repeats_at_most_one_batch(tmp_path):
    path, seen = tmp_path / "bus.db", tmp_path / "seen.txt"
    bus = SQLiteBus(path)
    bus.publish_many("t", [(str(i), b"x") for i in range(1000)])
    script = tmp_path / "consume.py"
    script.write_text(CONSUMER_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(seen)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not seen.exists() or len(seen.read_text().split()) < 200):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first = seen.read_text().split()
    assert 0 < len(first) < 1000, "the kill must land mid-way for this test to mean anything"
    subprocess.run([sys.executable, str(script), str(path), str(seen)], check=True, timeout=60)
    keys = seen.read_text().split()
    assert set(keys) == {str(i) for i in range(1000)}
    assert len(keys) - 1000 <= 10, "only the uncommitted batch may be delivered twice"
