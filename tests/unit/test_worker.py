"""The stage loop: poison records are dead-lettered, failed writes are retried, commits follow writes."""

from __future__ import annotations

import json
import threading

import pytest

from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.contracts import DeadLetter
from newsflow.core.worker import StageWorker, Unavailable


class Doubler:
    """A processor that doubles integers; records it cannot parse or process are poison."""

    name = "double"

    def __init__(self):
        self.written: list[int] = []
        self.fail_writes = 0
        self.unavailable = 0  # batches whose processing finds a store it needs out of reach

    def decode(self, message):
        return int(message.value)

    def process(self, items):
        if self.unavailable:
            self.unavailable -= 1
            raise Unavailable("the shared store is out of reach")
        if 666 in items:
            raise ValueError("666 is unlucky")
        return [i * 2 for i in items]

    def write(self, outputs):
        if self.fail_writes:
            self.fail_writes -= 1
            raise ConnectionError("downstream unavailable")
        self.written.extend(outputs)


def worker(bus, processor, batch_size=10):
    return StageWorker(processor, bus, bus.consumer("g", ["in"]), deadletter_topic="dlq", batch_size=batch_size)


def deadletters(bus) -> list[DeadLetter]:
    return [DeadLetter.from_json(m.value) for m in bus.consumer("check", ["dlq"]).poll(100)]


def test_every_record_is_processed_written_and_committed(bus):
    bus.publish_many("in", [(str(i), str(i).encode()) for i in range(25)])
    p = Doubler()
    w = worker(bus, p)
    assert w.drain() == 25
    assert p.written == [i * 2 for i in range(25)]
    assert bus.consumer("g", ["in"]).poll(100) == []


def test_a_record_that_cannot_be_decoded_goes_to_the_deadletter_topic_and_the_rest_go_through(bus):
    bus.publish_many("in", [("a", b"1"), ("b", b"not a number"), ("c", b"3")])
    p = Doubler()
    worker(bus, p).drain()
    assert p.written == [2, 6]
    [letter] = deadletters(bus)
    assert letter.stage == "double" and letter.topic == "in" and letter.offset == 1 and letter.key == "b"
    assert letter.value == "not a number" and "ValueError" in letter.error


def test_a_record_that_breaks_the_batch_is_isolated_and_its_neighbours_are_kept(bus):
    bus.publish_many("in", [(str(i), str(i).encode()) for i in (11, 12, 666, 14)])
    p = Doubler()
    worker(bus, p).drain()
    assert sorted(p.written) == [22, 24, 28]
    [letter] = deadletters(bus)
    assert letter.key == "666" and "unlucky" in letter.error


@pytest.mark.parametrize("failure,error", [
    ("fail_writes", ConnectionError),  # the downstream write failed
    ("unavailable", Unavailable),  # process found a store it needs out of reach: no record's fault
])
def test_a_batch_that_fails_beyond_its_records_commits_nothing_and_is_delivered_again_whole(bus, failure, error):
    bus.publish_many("in", [(str(i), str(i).encode()) for i in range(3)])
    p = Doubler()
    setattr(p, failure, 1)
    w = worker(bus, p)
    with pytest.raises(error):
        w.run_batch()
    w.close()
    assert worker(bus, p).drain() == 3  # a restarted worker sees the same records
    assert p.written == [0, 2, 4]
    assert deadletters(bus) == [], "no record is dead-lettered for it"


def test_metrics_count_records_and_deadletters(bus):
    bus.publish_many("in", [("a", b"1"), ("b", b"x")])
    w = worker(bus, Doubler())
    w.drain()
    reg = w.metrics.registry
    assert reg.get_sample_value("newsflow_records_in_total", {"stage": "double"}) == 2
    assert reg.get_sample_value("newsflow_records_out_total", {"stage": "double"}) == 1
    assert reg.get_sample_value("newsflow_deadletters_total", {"stage": "double"}) == 1


def test_drain_stops_when_asked(bus):
    bus.publish_many("in", [(str(i), b"1") for i in range(30)])
    w = worker(bus, Doubler(), batch_size=10)
    calls = []
    assert w.drain(on_batch=calls.append, should_stop=lambda: len(calls) >= 1) == 10
    assert json.dumps(calls) == "[10]"


class PickyWriter(Doubler):
    """Refuses (for good) to write outputs above 10."""

    def write(self, outputs):
        self.written.extend(o for o in outputs if o <= 10)
        return [(o, "too big for the index") for o in outputs if o > 10]


def test_outputs_the_downstream_refuses_for_good_are_deadlettered_and_the_batch_is_committed(bus):
    bus.publish_many("in", [("a", b"1"), ("b", b"9")])
    p = PickyWriter()
    w = worker(bus, p)
    assert w.drain() == 2
    assert p.written == [2]
    [letter] = deadletters(bus)
    assert letter.value == "18" and letter.error == "too big for the index"
    assert bus.consumer("g", ["in"]).poll(10) == []


class CountingConsumer:
    """The real consumer, counting the polls the worker makes."""

    def __init__(self, consumer):
        self.consumer, self.polls = consumer, 0

    def poll(self, max_records=100, timeout=0.0):
        self.polls += 1
        return self.consumer.poll(max_records, timeout)

    def __getattr__(self, name):
        return getattr(self.consumer, name)


def lingering_worker(bus, batch_size, max_wait):
    consumer = CountingConsumer(bus.consumer("g", ["in"]))
    return StageWorker(Doubler(), bus, consumer, deadletter_topic="dlq", batch_size=batch_size, max_wait=max_wait), consumer


def test_a_batch_takes_what_is_waiting_without_lingering_when_max_wait_is_zero(bus):
    bus.publish_many("in", [("a", b"1"), ("b", b"2")])
    w, consumer = lingering_worker(bus, batch_size=10, max_wait=0.0)
    assert w.run_batch() == 2
    assert consumer.polls == 1


def test_old_records_are_never_held_back_to_fill_a_batch(bus):
    bus.publish_many("in", [("a", b"1"), ("b", b"2")])
    bus._conn.execute("UPDATE records SET ts = ts - 60")  # published a minute ago: a backlog
    w, consumer = lingering_worker(bus, batch_size=10, max_wait=30.0)
    assert w.run_batch() == 2
    assert consumer.polls == 1, "no second poll: the records in hand are older than max_wait"


def test_fresh_records_wait_for_more_until_the_batch_is_full(bus):
    bus.publish("in", "a", b"1")
    later = threading.Timer(0.2, lambda: bus.publish_many("in", [("b", b"2"), ("c", b"3")]))
    later.start()
    w, _ = lingering_worker(bus, batch_size=3, max_wait=60.0)
    try:
        assert w.run_batch(timeout=5.0) == 3, "the records published during the wait join the batch"
    finally:
        later.join()
    assert w.processor.written == [2, 4, 6]
