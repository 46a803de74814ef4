"""The in-memory bus: the ``Bus`` protocol in one process, for unit tests and experiments.

It keeps the semantics the protocol documents, as Kafka has them, without a file or a broker:

- a topic has ``partitions`` partitions (one by default); a record goes to the partition of its
  key (a stable hash), a record without a key to the next partition in turn, so the records of
  one key stay in order. Offsets count per partition from 0. A topic exists from its first
  record or its first consumer.
- a consumer is a member of its group. The partitions of the group's topics are shared among
  its live members (round robin, in the order they joined) and shared again at once when a
  member joins or leaves: a partition is read by one member at a time, so two members of a
  group never both receive a record the group has committed. A member that is handed a
  partition starts at the group's committed position (or, for a group without one, at the
  beginning or at the end, as ``from_beginning`` says).
- ``poll`` hands out records after the member's position and waits up to ``timeout`` for new
  ones (woken by a publish, not by a polling loop); ``commit`` stores the positions reached by
  the member's polls; ``close`` commits nothing, so what was polled but not committed goes to
  the group's next member.
- ``publish_many`` is atomic, ``flush`` has nothing to wait for: a record is stored once
  ``publish`` returns, for as long as the process lives.

Using a bus or a consumer after ``close()`` raises ``RuntimeError``; a value that is not bytes
raises ``TypeError`` when published (the other backends fail on it too, later and less clearly).
"""

from __future__ import annotations

import itertools
import threading
import time
import zlib
from dataclasses import dataclass, field

from newsflow.core.bus.protocol import Message

TopicPartition = tuple[str, int]


@dataclass
class _Group:
    """A consumer group: its live members, in the order they joined, and its committed positions."""

    members: list["MemoryConsumer"] = field(default_factory=list)
    committed: dict[TopicPartition, int] = field(default_factory=dict)


class MemoryBus:
    """The ``Bus`` in memory; every consumer made by one ``MemoryBus`` shares its topics and groups."""

    spans_machines = False  # one process's memory
    unavailable_errors: tuple[type[BaseException], ...] = ()  # nothing to be out of reach

    def __init__(self, partitions: int = 1):
        if partitions < 1:
            raise ValueError(f"a topic needs at least one partition, not {partitions}")
        self.partitions = partitions
        self._cond = threading.Condition()
        self._logs: dict[str, list[list[Message]]] = {}
        self._groups: dict[str, _Group] = {}
        self._next_partition = itertools.count()
        self._closed = False

    # --- topics ----------------------------------------------------------------------------
    def _log(self, topic: str) -> list[list[Message]]:
        """The partitions of ``topic``, created empty on first use (caller holds the lock)."""
        if topic not in self._logs:
            self._logs[topic] = [[] for _ in range(self.partitions)]
        return self._logs[topic]

    def _partition_of(self, key: str | None) -> int:
        if key is None:
            return next(self._next_partition) % self.partitions
        return zlib.crc32(key.encode("utf-8")) % self.partitions

    def topics(self) -> dict[str, int]:
        """Every topic with its record count (all partitions)."""
        with self._cond:
            return {t: sum(map(len, parts)) for t, parts in sorted(self._logs.items())}

    def topic_names(self) -> set[str]:
        """The topics that exist (published to or consumed from)."""
        return set(self.topics())

    def ensure_topics(self, topics: list[str], configs: dict[str, str] | None = None) -> None:
        """Create the topics that do not exist yet (empty). ``configs`` do not apply: memory keeps
        every record, so a compacted topic's latest ones too."""
        with self._cond:
            self._check_open()
            for topic in topics:
                self._log(topic)

    def connect(self, topics: list[str]) -> None:
        """Nothing to open in memory; the topics are created as ``ensure_topics`` would."""
        self.ensure_topics(topics)

    def reader(self, topic: str) -> "MemoryTopicReader":
        """A reader of every partition of ``topic`` outside any consumer group."""
        with self._cond:
            self._check_open()
            self._log(topic)
        return MemoryTopicReader(self, topic)

    # --- producing -------------------------------------------------------------------------
    def publish(self, topic: str, key: str | None, value: bytes, headers: dict[str, str] | None = None) -> None:
        """Append one record (stored when this returns)."""
        self.publish_many(topic, [(key, value)], headers)

    def publish_many(self, topic: str, records: list[tuple[str | None, bytes]], headers: dict[str, str] | None = None) -> None:
        """Append records atomically: a consumer sees all of them or none."""
        for _, value in records:
            if not isinstance(value, (bytes, bytearray, memoryview)):
                raise TypeError(f"a record's value must be bytes, not {type(value).__name__}")
        now = time.time()
        with self._cond:
            self._check_open()
            log = self._log(topic)
            for key, value in records:
                p = self._partition_of(key)
                log[p].append(Message(topic, len(log[p]), key, bytes(value), dict(headers or {}), now, p))
            self._cond.notify_all()

    def flush(self) -> None:
        """Nothing to wait for: ``publish`` stores a record before it returns."""
        self._check_open()

    # --- consuming -------------------------------------------------------------------------
    def consumer(self, group: str, topics: list[str], *, from_beginning: bool = True) -> "MemoryConsumer":
        """A new member of ``group`` reading ``topics``; the group's partitions are shared again."""
        with self._cond:
            self._check_open()
            for topic in topics:
                self._log(topic)
            member = MemoryConsumer(self, group, topics, from_beginning=from_beginning)
            self._groups.setdefault(group, _Group()).members.append(member)
            self._rebalance(group)
        return member

    def _rebalance(self, group: str) -> None:
        """Share the partitions of the group's topics among its live members (caller holds the lock).

        A member keeps the position of a partition it still holds; a partition that changes hands
        restarts at the group's committed position, as in Kafka.
        """
        g = self._groups[group]
        partitions = sorted({(t, p) for m in g.members for t in m.topics for p in range(self.partitions)})
        wanted: dict[int, set[TopicPartition]] = {id(m): set() for m in g.members}
        for i, tp in enumerate(partitions):
            candidates = [m for m in g.members if tp[0] in m.topics]
            wanted[id(candidates[i % len(candidates)])].add(tp)
        for member in g.members:
            member._assign(wanted[id(member)], g.committed)

    def _leave(self, member: "MemoryConsumer") -> None:
        with self._cond:
            g = self._groups[member.group]
            g.members.remove(member)
            self._rebalance(member.group)
            self._cond.notify_all()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the bus is closed")

    def close(self) -> None:
        """Close the bus: publishing and new consumers raise from now on; records are dropped."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class MemoryConsumer:
    """A ``Consumer``: one member of a consumer group of a ``MemoryBus``."""

    def __init__(self, bus: MemoryBus, group: str, topics: list[str], *, from_beginning: bool = True):
        self.bus = bus
        self.group = group
        self.topics = list(dict.fromkeys(topics))
        self.from_beginning = from_beginning
        self._position: dict[TopicPartition, int] = {}  # the partitions this member holds
        self._origins: dict[TopicPartition, int] = {}
        self._closed = False

    def _assign(self, partitions: set[TopicPartition], committed: dict[TopicPartition, int]) -> None:
        """Hold exactly ``partitions`` (called by the bus under its lock)."""
        self._position = {
            tp: self._position[tp] if tp in self._position else committed.get(tp, self._origin(tp))
            for tp in sorted(partitions, key=lambda tp: (self.topics.index(tp[0]), tp[1]))
        }

    def _origin(self, tp: TopicPartition) -> int:
        """Where this member starts a partition its group has no position for (fixed on first use)."""
        if tp not in self._origins:
            self._origins[tp] = 0 if self.from_beginning else len(self.bus._log(tp[0])[tp[1]])
        return self._origins[tp]

    def assignment(self) -> set[TopicPartition]:
        """The (topic, partition) pairs this member reads now."""
        with self.bus._cond:
            return set(self._position)

    def poll(self, max_records: int = 100, timeout: float = 0.0) -> list[Message]:
        """Up to ``max_records`` records after this member's positions, waiting up to ``timeout`` s for some."""
        deadline = time.monotonic() + timeout
        with self.bus._cond:
            while True:
                self._check_open()
                out: list[Message] = []
                for tp, pos in self._position.items():
                    if len(out) >= max_records:
                        break
                    taken = self.bus._logs[tp[0]][tp[1]][pos:pos + max_records - len(out)]
                    out.extend(taken)
                    self._position[tp] = pos + len(taken)
                remaining = deadline - time.monotonic()
                if out or remaining <= 0:
                    return out
                self.bus._cond.wait(remaining)

    def commit(self) -> None:
        """Store the positions reached by this member's polls, for the partitions it holds."""
        with self.bus._cond:
            self._check_open()
            self.bus._groups[self.group].committed.update(self._position)

    def lag(self) -> int:
        """Records of the subscribed topics not yet committed by the group (all partitions)."""
        with self.bus._cond:
            self._check_open()
            committed = self.bus._groups[self.group].committed
            return sum(len(log) - committed.get((topic, p), self._origin((topic, p)))
                       for topic in self.topics for p, log in enumerate(self.bus._logs[topic]))

    def join(self, max_records: int = 500) -> None:
        """Nothing to wait for: partitions are assigned on the spot at the next ``poll``."""
        with self.bus._cond:
            self._check_open()

    def close(self) -> None:
        """Leave the group without committing: what was polled since the last commit goes to the next member."""
        if self._closed:
            return
        self._closed = True
        self.bus._leave(self)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the consumer is closed")
        self.bus._check_open()


class MemoryTopicReader:
    """Reads a topic of a ``MemoryBus`` from given offsets to its end, outside any group."""

    def __init__(self, bus: MemoryBus, topic: str):
        self._bus = bus
        self.topic = topic

    def read(self, applied: dict[int, int]) -> list[Message]:
        """The records after ``applied`` ({partition: next offset}) up to the current end."""
        with self._bus._cond:
            self._bus._check_open()
            parts = self._bus._log(self.topic)
            return [m for p, part in enumerate(parts) for m in part[applied.get(p, 0):]]

    def close(self) -> None:
        """Nothing to release."""
