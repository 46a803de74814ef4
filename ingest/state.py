"""Ingest state in SQLite: how each feed answered last time, and which articles were seen.

"Seen" is recorded only after an article was published, so a crash in between costs a
republish (harmless: downstream upserts by id), never a lost article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, NamedTuple

from newsflow.bus.embedded import connect
from newsflow.config import Settings
from newsflow.contracts import utcnow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url                  TEXT PRIMARY KEY,
    etag                 TEXT,
    last_modified        TEXT,
    last_polled          TEXT,
    last_error           TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen_urls (
    canonical_url TEXT PRIMARY KEY,
    article_id    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    seen_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen_hashes (
    content_hash TEXT PRIMARY KEY,
    article_id   TEXT NOT NULL
) WITHOUT ROWID;
"""


@dataclass
class FeedState:
    """What we know about one feed from earlier polls."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_polled: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0


class Seen(NamedTuple):
    """The article a seen URL belongs to."""

    article_id: str
    content_hash: str


class IngestState:
    """The state database (``ingest.db`` in the data directory)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = connect(self.path)
        self._conn.executescript(_SCHEMA)

    @classmethod
    def open(cls, settings: Settings) -> "IngestState":
        """The state database of these settings."""
        return cls(settings.ensure_data_dir() / "ingest.db")

    def seen_url(self, canonical_url: str) -> Seen | None:
        """The article already published under this canonical URL, if any."""
        row = self._conn.execute(
            "SELECT article_id, content_hash FROM seen_urls WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return Seen(*row) if row else None

    def seen_hash(self, content_hash: str) -> str | None:
        """The id of the article already published with this text, if any."""
        row = self._conn.execute("SELECT article_id FROM seen_hashes WHERE content_hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def mark_seen(self, canonical_urls: Iterable[str], article_id: str, content_hash: str) -> None:
        """Record that these URLs (the canonical one and its aliases) lead to ``article_id``.

        Existing entries are kept: a URL keeps pointing at the article it was first seen with.
        """
        now = utcnow().isoformat()
        rows = [(u, article_id, content_hash, now) for u in dict.fromkeys(canonical_urls)]
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany(
                "INSERT OR IGNORE INTO seen_urls (canonical_url, article_id, content_hash, seen_at) VALUES (?, ?, ?, ?)", rows
            )
            self._conn.execute(
                "INSERT OR IGNORE INTO seen_hashes (content_hash, article_id) VALUES (?, ?)", (content_hash, article_id)
            )
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def feed_state(self, url: str) -> FeedState:
        """The stored state of a feed (a fresh one for a feed never polled)."""
        row = self._conn.execute(
            "SELECT etag, last_modified, last_polled, last_error, consecutive_failures FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            return FeedState(url)
        etag, last_modified, last_polled, last_error, failures = row
        polled = datetime.fromisoformat(last_polled) if last_polled else None
        return FeedState(url, etag, last_modified, polled, last_error, failures)

    def save_feed_state(self, state: FeedState) -> None:
        """Store a feed's state, replacing the previous one."""
        self._conn.execute(
            "INSERT INTO feeds (url, etag, last_modified, last_polled, last_error, consecutive_failures) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, last_polled = excluded.last_polled, "
            "last_error = excluded.last_error, consecutive_failures = excluded.consecutive_failures",
            (
                state.url,
                state.etag,
                state.last_modified,
                state.last_polled.isoformat() if state.last_polled else None,
                state.last_error,
                state.consecutive_failures,
            ),
        )

    def close(self) -> None:
        """Close the database."""
        self._conn.close()
