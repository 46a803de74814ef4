"""The entity registry and the stories, shared by enrich workers on different machines.

On one machine the two stores are SQLite files in the data directory, and every worker there
opens them. With the Kafka bus the workers may run anywhere, so each store also has a
compacted Kafka topic: after a batch, a worker publishes the facts it added (in the batch's
transaction: a failed publish rolls the batch back), and before the next batch it applies
the facts every other worker published since. Every worker thus holds the same facts, a
batch or so later; the offsets applied are kept in the store itself, so a restart (or a
second process on the same data directory) resumes where the store is.

The facts merge whatever the order they arrive in, so all copies agree:

- registry: one record per (machine, label, key) with that machine's running counts of
  articles and mentions (a counter per machine: the total is their sum; a stale record never
  lowers one), the surface forms seen, the display name it first used. The display name of
  an entity is the one of the machine that saw it first.
- stories: one record per article with its story, content hash and MinHash signature. An
  article keeps the story it was first given.

Compaction keeps the last record of each key, which carries everything earlier ones did, so
a worker joining later replays the whole state from the topic.

Known limit: two copies of a text enriched in the same second on two machines may found two
stories, as each worker has not yet seen the other's copy. A re-enrichment joins them.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from newsflow.core.bus import COMPACTED, Message, open_bus
from newsflow.core.config import Settings
from newsflow.core.sqlite import immediate
from newsflow.core.worker import Unavailable

log = logging.getLogger(__name__)

#: in each store: how far into its topic the store has applied
OFFSETS_SCHEMA = """
CREATE TABLE IF NOT EXISTS replica_offsets (
    partition   INTEGER PRIMARY KEY,
    next_offset INTEGER NOT NULL
);
"""


class StateReplica:
    """A store's compacted topic: publishes the facts of a batch, reads everyone else's."""

    def __init__(self, settings: Settings, topic: str):
        """Connect to the bus of ``settings`` and create ``topic`` (compacted) if missing."""
        self.topic = settings.topic(topic)
        self._bus = open_bus(settings)
        self._unavailable = self._bus.unavailable_errors
        try:
            self._bus.ensure_topics([self.topic], COMPACTED)
            self._bus.connect([self.topic])  # Kafka's producer: opened now, not in a batch
            self._reader = self._bus.reader(self.topic)
        except self._unavailable as exc:
            self._bus.close()
            raise Unavailable(f"could not open the shared state on {self.topic}: {exc}") from exc

    def publish(self, records: list[tuple[str, dict[str, Any]]]) -> None:
        """Publish ``(key, fact)`` records and wait until the cluster has them.

        Raises ``newsflow.core.worker.Unavailable`` when the cluster cannot take them.
        """
        if not records:
            return
        try:
            self._bus.publish_many(self.topic, [(k, json.dumps(v, separators=(",", ":")).encode()) for k, v in records])
            self._bus.flush()
        except self._unavailable as exc:
            raise Unavailable(f"could not share state on {self.topic}: {exc}") from exc

    def read(self, applied: dict[int, int]) -> list[Message]:
        """Records published after ``applied`` ({partition: next offset}), to the current end.

        Raises ``newsflow.core.worker.Unavailable`` when the topic cannot be read.
        """
        try:
            return self._reader.read(applied)
        except self._unavailable as exc:
            raise Unavailable(f"could not read the shared state on {self.topic}: {exc}") from exc

    def close(self) -> None:
        """Close the producer and the reader."""
        try:
            self._reader.close()
        finally:
            self._bus.close()


def catch_up(conn: sqlite3.Connection, replica: StateReplica, apply: Callable[[dict[str, Any]], None]) -> int:
    """Apply to the store on ``conn`` the facts published since it last did; how many there were.

    One transaction for the facts and the offsets they reach. A fact that cannot be read (not
    JSON, a field missing) is logged and skipped: one bad record must not stop every worker.
    Facts another process on the same store applied meanwhile are applied again, harmlessly:
    they merge.
    """
    applied = dict(conn.execute("SELECT partition, next_offset FROM replica_offsets").fetchall())
    messages = replica.read(applied)
    if not messages:
        return 0
    reached: dict[int, int] = {}
    with immediate(conn):
        for m in messages:
            reached[m.partition] = max(reached.get(m.partition, 0), m.offset + 1)
            conn.execute("SAVEPOINT fact")  # a fact found unreadable half-way leaves nothing behind
            try:
                apply(json.loads(m.value))
                conn.execute("RELEASE fact")
            except (ValueError, KeyError, TypeError) as exc:
                conn.execute("ROLLBACK TO fact")
                conn.execute("RELEASE fact")
                log.warning("skipped an unreadable shared-state record", extra={
                    "topic": m.topic, "partition": m.partition, "offset": m.offset, "error": repr(exc)})
        conn.executemany(
            "INSERT INTO replica_offsets (partition, next_offset) VALUES (?, ?) ON CONFLICT (partition) "
            "DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)",
            sorted(reached.items()),
        )
    return len(messages)
