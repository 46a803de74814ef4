"""The Bus: a durable log between stages.

Stage code sees only this interface. Semantics follow Kafka's, so the embedded SQLite bus
and the Kafka bus are interchangeable: records are appended to a topic, a consumer group
reads them in order from its committed position, and ``commit()`` stores the position
reached by the last ``poll()`` -- call it only after the downstream write succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from newsflow.core.config import Settings


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

    def close(self) -> None:
        """Release resources. Uncommitted records will be delivered again."""


@runtime_checkable
class Bus(Protocol):
    """Publish records and create consumers."""

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


def open_bus(settings: "Settings") -> Bus:
    """The bus the settings choose."""
    if settings.bus == "embedded":
        from newsflow.core.bus.embedded import SQLiteBus

        return SQLiteBus(settings.ensure_data_dir() / "bus.db")
    if settings.bus == "kafka":
        from newsflow.core.bus.kafka import KafkaBus

        return KafkaBus(settings)
    raise NotImplementedError(f"bus {settings.bus!r} is not available in this build")
