"""The embedded bus: an append-only log per topic in one SQLite file (WAL mode).

Several processes on one machine may publish and consume at once: every write is a short
``BEGIN IMMEDIATE`` transaction and readers never block writers. A consumer keeps its
position in memory and stores it only on ``commit()``, so a process killed at any point
re-reads at most what it had polled but not committed, and nothing is lost.

One partition per topic. Two live consumers of the same group would each read every
record (there is no rebalancing here); run one consumer per group, or use Kafka.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from newsflow.core.bus.protocol import Message
from newsflow.core.sqlite import connect, immediate

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    topic     TEXT    NOT NULL,
    "offset"  INTEGER NOT NULL,
    key       TEXT,
    value     BLOB    NOT NULL,
    headers   TEXT,
    ts        REAL    NOT NULL,
    PRIMARY KEY (topic, "offset")
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_offsets (
    group_id  TEXT    NOT NULL,
    topic     TEXT    NOT NULL,
    "offset"  INTEGER NOT NULL,   -- next offset to read
    PRIMARY KEY (group_id, topic)
) WITHOUT ROWID;
"""


class SQLiteBus:
    """The ``Bus`` on a SQLite file."""

    spans_machines = False
    unavailable_errors = (sqlite3.OperationalError,)  # the file locked past the busy timeout, or gone

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = connect(self.path)
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def publish(self, topic: str, key: str | None, value: bytes, headers: dict[str, str] | None = None) -> None:
        """Append one record (durable when this returns)."""
        self.publish_many(topic, [(key, value)], headers)

    def publish_many(self, topic: str, records: list[tuple[str | None, bytes]], headers: dict[str, str] | None = None) -> None:
        """Append records in one transaction: all of them or none.

        A value that is not bytes raises ``TypeError`` here, as Kafka's producer does: stored, it
        would make every later ``poll`` of the topic fail.
        """
        if not records:
            return
        for _, value in records:
            if not isinstance(value, (bytes, bytearray, memoryview)):
                raise TypeError(f"a record's value must be bytes, not {type(value).__name__}")
        hdr = json.dumps(headers) if headers else None
        now = time.time()
        with self._lock, immediate(self._conn) as conn:
            (last,) = conn.execute('SELECT COALESCE(MAX("offset"), -1) FROM records WHERE topic = ?', (topic,)).fetchone()
            conn.executemany(
                'INSERT INTO records (topic, "offset", key, value, headers, ts) VALUES (?, ?, ?, ?, ?, ?)',
                [(topic, last + 1 + i, k, v, hdr, now) for i, (k, v) in enumerate(records)],
            )

    def flush(self) -> None:
        """Nothing to do: every publish is committed before it returns."""

    def consumer(self, group: str, topics: list[str], *, from_beginning: bool = True) -> "SQLiteConsumer":
        """A consumer for ``group`` over ``topics``."""
        return SQLiteConsumer(self.path, group, topics, from_beginning=from_beginning)

    def topics(self) -> dict[str, int]:
        """Every topic with its record count."""
        rows = self._conn.execute("SELECT topic, COUNT(*) FROM records GROUP BY topic ORDER BY topic").fetchall()
        return dict(rows)

    def ensure_topics(self, topics: list[str], configs: dict[str, str] | None = None) -> None:
        """Nothing to create: a topic of the log exists from its first record. ``configs`` do not
        apply either (the log keeps every record, so a compacted topic's latest ones too)."""

    def connect(self, topics: list[str]) -> None:
        """Nothing to open: publishing is a local SQLite write (topics are created as for any publish)."""
        self.ensure_topics(topics)

    def reader(self, topic: str) -> "SQLiteTopicReader":
        """A reader of ``topic`` outside any consumer group (its one partition is 0)."""
        return SQLiteTopicReader(self.path, topic)

    def topic_names(self) -> set[str]:
        """The topics that hold records (a topic exists from its first record)."""
        return set(self.topics())

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


class SQLiteConsumer:
    """A consumer-group member reading topics of a ``SQLiteBus``."""

    def __init__(self, path: Path, group: str, topics: list[str], *, from_beginning: bool = True):
        self.group = group
        self.topics = list(topics)
        self._conn = connect(path)
        self._position: dict[str, int] = {}
        for topic in self.topics:
            row = self._conn.execute(
                'SELECT "offset" FROM group_offsets WHERE group_id = ? AND topic = ?', (group, topic)
            ).fetchone()
            if row is not None:
                self._position[topic] = row[0]
            elif from_beginning:
                self._position[topic] = 0
            else:
                (end,) = self._conn.execute('SELECT COALESCE(MAX("offset"), -1) + 1 FROM records WHERE topic = ?', (topic,)).fetchone()
                self._position[topic] = end
        self._committed = dict(self._position)

    def poll(self, max_records: int = 100, timeout: float = 0.0) -> list[Message]:
        """Next records after the in-memory position, oldest first, across the topics."""
        deadline = time.monotonic() + timeout
        while True:
            out: list[Message] = []
            for topic in self.topics:
                if len(out) >= max_records:
                    break
                rows = self._conn.execute(
                    'SELECT "offset", key, value, headers, ts FROM records WHERE topic = ? AND "offset" >= ? '
                    'ORDER BY "offset" LIMIT ?',
                    (topic, self._position[topic], max_records - len(out)),
                ).fetchall()
                for off, key, value, headers, ts in rows:
                    out.append(Message(topic, off, key, bytes(value), json.loads(headers) if headers else {}, ts))
                if rows:
                    self._position[topic] = rows[-1][0] + 1
            if out or time.monotonic() >= deadline:
                return out
            # a short step: a waiting stage sees a new record within 50 ms (one cheap SELECT a step)
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def commit(self) -> None:
        """Store the positions reached by ``poll`` in one transaction."""
        changed = {t: o for t, o in self._position.items() if self._committed.get(t) != o}
        if not changed:
            return
        with immediate(self._conn):
            self._conn.executemany(
                'INSERT INTO group_offsets (group_id, topic, "offset") VALUES (?, ?, ?) '
                'ON CONFLICT (group_id, topic) DO UPDATE SET "offset" = excluded."offset"',
                [(self.group, t, o) for t, o in changed.items()],
            )
        self._committed.update(changed)

    def lag(self) -> int:
        """Records after the committed position."""
        total = 0
        for topic in self.topics:
            (n,) = self._conn.execute(
                'SELECT COUNT(*) FROM records WHERE topic = ? AND "offset" >= ?', (topic, self._committed[topic])
            ).fetchone()
            total += n
        return total

    def join(self, max_records: int = 500) -> None:
        """Nothing to join: one file, one reader of its position."""

    def close(self) -> None:
        """Close the connection; uncommitted records will be read again by the next consumer."""
        self._conn.close()


class SQLiteTopicReader:
    """Reads a topic of a ``SQLiteBus`` from a given offset to its end, outside any group."""

    def __init__(self, path: Path, topic: str):
        self.topic = topic
        self._conn = connect(path)

    def read(self, applied: dict[int, int]) -> list[Message]:
        """The records after ``applied`` ({0: next offset}) up to the current end."""
        rows = self._conn.execute(
            'SELECT "offset", key, value, headers, ts FROM records WHERE topic = ? AND "offset" >= ? ORDER BY "offset"',
            (self.topic, applied.get(0, 0))).fetchall()
        return [Message(self.topic, off, key, bytes(value), json.loads(headers) if headers else {}, ts)
                for off, key, value, headers, ts in rows]

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
