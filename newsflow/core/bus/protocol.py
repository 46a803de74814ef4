"""The Bus: a durable log between stages.

Stage code sees only this interface. Semantics follow Kafka's, so the embedded SQLite bus
and the Kafka bus are interchangeable: records are appended to a topic, a consumer group
reads them in order from its committed position, and ``commit()`` stores the position
reached by the last ``poll()`` -- call it only after the downstream write succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

#: topic-level settings of a topic that holds state, not a stream: the latest record of every
#: key is kept for good (enrich's shared registry and stories)
COMPACTED = {"cleanup.policy": "compact"}


@dataclass(frozen=True, slots=True)
class Message:
    """One record read from a topic."""

    topic: str
    offset: int
    key: str | None
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)
    timestamp: float = 0.0
    partition: int = 0


@runtime_checkable
class Consumer(Protocol):
    """A member of a consumer group reading some topics."""

    def poll(self, max_records: int = 100, timeout: float = 0.0) -> list[Message]:
        """Return up to ``max_records`` records after the current position (waiting up to ``timeout`` s)."""

    def commit(self) -> None:
        """Durably store the position reached by the last poll."""

    def lag(self) -> int:
        """Records not yet committed by this group."""

    def join(self, max_records: int = 500) -> None:
        """Join the group now (bounded wait) rather than in the first ``poll``, so a process with
        other start-up work overlaps the two; records fetched on the way go to the next ``poll``.
        A no-op where joining costs nothing (the embedded and in-memory buses)."""

    def close(self) -> None:
        """Release resources. Uncommitted records will be delivered again."""


@runtime_checkable
class TopicReader(Protocol):
    """Reads every partition of one topic from given offsets to its end, outside any group.

    For state each process keeps a full copy of (a compacted topic replayed into a local store).
    """

    def read(self, applied: dict[int, int]) -> list[Message]:
        """The records after ``applied`` ({partition: next offset}) up to the current end."""

    def close(self) -> None:
        """Release resources."""


@runtime_checkable
class Bus(Protocol):
    """Publish records and create consumers."""

    #: whether processes on other machines see the same topics (Kafka: yes; the SQLite file: no)
    spans_machines: ClassVar[bool]
    #: what the bus raises when its cluster is out of reach (a caller's cue to retry later)
    unavailable_errors: ClassVar[tuple[type[BaseException], ...]]

    def ensure_topics(self, topics: list[str], configs: dict[str, str] | None = None) -> None:
        """Create the topics that do not exist yet; ``configs`` (e.g. ``COMPACTED``) apply to those.

        Publishing and consuming create topics on first use too: this is for provisioning ahead
        (``newsflow kafka setup``) and for topics with ``configs``.
        """

    def reader(self, topic: str) -> TopicReader:
        """A reader of ``topic`` outside any consumer group."""

    def connect(self, topics: list[str]) -> None:
        """Open the publishing side for ``topics`` now (creating missing ones), not on the first
        publish, so a process with other start-up work overlaps the round trips with it. A no-op
        where publishing needs no connection (the embedded and in-memory buses)."""

    def publish(self, topic: str, key: str | None, value: bytes, headers: dict[str, str] | None = None) -> None:
        """Append one record. Durable once ``flush()`` returns."""

    def publish_many(self, topic: str, records: list[tuple[str | None, bytes]], headers: dict[str, str] | None = None) -> None:
        """Append several records to one topic (atomically where the bus can)."""

    def flush(self) -> None:
        """Block until everything published is durable."""

    def consumer(self, group: str, topics: list[str], *, from_beginning: bool = True) -> Consumer:
        """A consumer in ``group``; a group with no committed position starts at the beginning (or end)."""

    def close(self) -> None:
        """Release resources."""
