"""The in-memory bus (newsflow.core.bus.memory) keeps the Bus contract, partitions and rebalancing included.

The contract (tests/contracts/bus_contract.py) runs on it with three partitions per topic, as
Kafka is deployed, and with one. Beside it: how a group's partitions change hands, and what it
raises.
"""

from __future__ import annotations

import threading

import pytest

from contracts.bus_contract import BusContract, drain, name
from newsflow.core.bus.memory import MemoryBus


class TestMemoryBus(BusContract):
    PARTITIONS = 3

    @pytest.fixture
    def bus(self):
        b = MemoryBus(partitions=3)
        yield b
        b.close()

    @pytest.fixture
    def bus1(self):
        b = MemoryBus()
        yield b
        b.close()


def test_a_partition_is_read_by_one_member_of_a_group_at_a_time():
    bus = MemoryBus()
    bus.publish_many("t", [(str(i), b"x") for i in range(6)])
    first, second = bus.consumer("g", ["t"]), bus.consumer("g", ["t"])
    assert first.assignment() == {("t", 0)} and second.assignment() == set()
    assert [m.offset for m in first.poll(2)] == [0, 1]
    first.commit()
    assert [m.offset for m in first.poll(2)] == [2, 3]  # polled, not committed
    assert second.poll(10) == [], "the partition is the first member's"
    first.close()
    assert second.assignment() == {("t", 0)}
    assert [m.offset for m in drain(second)] == [2, 3, 4, 5], "the next member resumes at the group's commit"


def test_a_joining_member_takes_over_partitions_and_the_records_its_peer_had_not_committed():
    bus = MemoryBus(partitions=2)
    bus.publish_many("t", [(str(i), b"x") for i in range(40)])
    first = bus.consumer("g", ["t"])
    assert first.assignment() == {("t", 0), ("t", 1)}
    held = first.poll(40)
    assert len(held) == 40  # nothing committed
    second = bus.consumer("g", ["t"])
    assert first.assignment() | second.assignment() == {("t", 0), ("t", 1)}
    assert first.assignment() and second.assignment() and not first.assignment() & second.assignment()
    (moved,) = second.assignment()
    first.commit()  # commits only what it still holds
    assert {m.key for m in drain(second)} == {m.key for m in held if m.partition == moved[1]}
    assert first.poll(40) == []


def test_members_of_different_topics_share_only_their_own():
    bus = MemoryBus(partitions=2)
    a, b = bus.consumer("g", ["x"]), bus.consumer("g", ["y"])
    assert a.assignment() == {("x", 0), ("x", 1)} and b.assignment() == {("y", 0), ("y", 1)}


def test_a_waiting_poll_is_woken_by_a_publish():
    bus = MemoryBus()
    c = bus.consumer("g", ["t"])
    waiting = threading.Event()
    got: list = []

    def consume() -> None:
        waiting.set()
        got.extend(c.poll(10, timeout=30))

    reader = threading.Thread(target=consume)
    reader.start()
    assert waiting.wait(10)
    bus.publish("t", "k", b"x")
    reader.join(30)
    assert not reader.is_alive() and [m.value for m in got] == [b"x"]


def test_records_without_a_key_are_spread_over_the_partitions():
    bus = MemoryBus(partitions=3)
    bus.publish_many("t", [(None, b"x")] * 6)
    assert sorted(m.partition for m in bus.consumer("g", ["t"]).poll(10)) == [0, 0, 1, 1, 2, 2]


def test_topics_exist_from_their_first_record_or_consumer():
    bus = MemoryBus()
    bus.consumer("g", ["quiet"])
    bus.publish_many("t", [("a", b"1"), ("b", b"2")])
    assert bus.topics() == {"quiet": 0, "t": 2} and bus.topic_names() == {"quiet", "t"}


def test_a_value_that_is_not_bytes_is_refused_and_nothing_is_published():
    bus = MemoryBus()
    with pytest.raises(TypeError, match="bytes, not str"):
        bus.publish_many("t", [("a", b"fine"), ("b", "text")])
    assert bus.topics() == {}


def test_a_closed_consumer_or_bus_refuses_to_be_used():
    bus = MemoryBus()
    c = bus.consumer("g", ["t"])
    c.close()
    c.close()  # closing twice is harmless
    with pytest.raises(RuntimeError, match="consumer is closed"):
        c.poll(1)
    with pytest.raises(RuntimeError, match="consumer is closed"):
        c.commit()
    bus.close()
    with pytest.raises(RuntimeError, match="bus is closed"):
        bus.publish("t", "k", b"x")
    with pytest.raises(RuntimeError, match="bus is closed"):
        bus.consumer(name("g"), ["t"])


def test_a_bus_needs_a_partition():
    with pytest.raises(ValueError, match="at least one partition"):
        MemoryBus(partitions=0)
