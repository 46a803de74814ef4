"""The embedded bus behaves like a Kafka topic with consumer groups, on one SQLite file."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time

from newsflow.core.bus import Bus, Consumer
from newsflow.core.bus.embedded import SQLiteBus


def test_it_is_a_bus_and_its_consumers_are_consumers(tmp_path):
    bus = SQLiteBus(tmp_path / "bus.db")
    assert isinstance(bus, Bus)
    assert isinstance(bus.consumer("g", ["t"]), Consumer)


def test_records_come_back_in_order_with_key_value_and_headers(tmp_path):
    bus = SQLiteBus(tmp_path / "bus.db")
    bus.publish("t", "a", b"1", {"schema_version": "1"})
    bus.publish_many("t", [("b", b"2"), (None, b"3")])
    got = bus.consumer("g", ["t"]).poll(10)
    assert [(m.offset, m.key, m.value) for m in got] == [(0, "a", b"1"), (1, "b", b"2"), (2, None, b"3")]
    assert got[0].headers == {"schema_version": "1"}


def test_poll_respects_max_records_and_advances(tmp_path):
    bus = SQLiteBus(tmp_path / "bus.db")
    bus.publish_many("t", [(str(i), b"x") for i in range(5)])
    c = bus.consumer("g", ["t"])
    assert [m.offset for m in c.poll(2)] == [0, 1]
    assert [m.offset for m in c.poll(2)] == [2, 3]
    assert [m.offset for m in c.poll(2)] == [4]
    assert c.poll(2) == []


def test_a_restarted_consumer_resumes_after_the_last_commit(tmp_path):
    bus = SQLiteBus(tmp_path / "bus.db")
    bus.publish_many("t", [(str(i), b"x") for i in range(6)])
    c = bus.consumer("g", ["t"])
    c.poll(2)
    c.commit()
    c.poll(2)  # read but never committed: must be delivered again
    c.close()
    again = bus.consumer("g", ["t"])
    assert [m.offset for m in again.poll(10)] == [2, 3, 4, 5]
    assert again.lag() == 4


def test_groups_are_independent(tmp_path):
    bus = SQLiteBus(tmp_path / "bus.db")
    bus.publish_many("t", [("k", b"x")] * 3)
    a = bus.consumer("a", ["t"])
    a.poll(10)
    a.commit()
    assert len(bus.consumer("b", ["t"]).poll(10)) == 3


def test_a_new_group_can_start_at_the_end(tmp_path):
    bus = SQLiteBus(tmp_path / "bus.db")
    bus.publish_many("t", [("k", b"old")] * 3)
    tail = bus.consumer("tail", ["t"], from_beginning=False)
    assert tail.poll(10) == []
    bus.publish("t", "k", b"new")
    assert [m.value for m in tail.poll(10)] == [b"new"]


def test_poll_waits_up_to_the_timeout_for_new_records(tmp_path):
    bus = SQLiteBus(tmp_path / "bus.db")
    c = bus.consumer("g", ["t"])
    started = time.monotonic()
    assert c.poll(10, timeout=0.3) == []
    assert time.monotonic() - started >= 0.25


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
            time.sleep(0.02)
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
