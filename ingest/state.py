"""Ingest state in SQLite: how each feed answered last time, and which articles were seen.

"Seen" is recorded only after an article was published, so a crash in between costs a
republish (harmless: downstream upserts by id), never a lost article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, NamedTuple

from newsflow.core.sqlite import connect, immediate
from newsflow.core.config import Settings
from newsflow.core.contracts import utcnow

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
CREATE TABLE IF NOT EXISTS entry_versions (
    canonical_url TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS archive_progress (
    archive    TEXT PRIMARY KEY,
    offset     INTEGER NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS websub (
    feed_url      TEXT PRIMARY KEY,
    hub           TEXT NOT NULL,
    topic         TEXT NOT NULL,
    token         TEXT NOT NULL UNIQUE,
    secret        TEXT NOT NULL,
    state         TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    lease_seconds INTEGER,
    lease_expires TEXT,
    last_error    TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revisions (
    article_id   TEXT PRIMARY KEY,
    revision     INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) WITHOUT ROWID;
"""

# Columns added to ``feeds`` after its first release: added in place to an older database.
_FEED_COLUMNS = {
    "kind": "TEXT NOT NULL DEFAULT 'feed'",
    "registered": "INTEGER NOT NULL DEFAULT 0",
    "title": "TEXT",
    "added_at": "TEXT",
    "last_success": "TEXT",
    "entries_seen": "INTEGER NOT NULL DEFAULT 0",
    "interval": "REAL",
    "next_poll": "TEXT",
}
_FEED_FIELDS = ("etag", "last_modified", "last_polled", "last_error", "consecutive_failures", *_FEED_COLUMNS)
_TIMES = frozenset({"last_polled", "added_at", "last_success", "next_poll"})


@dataclass
class FeedState:
    """What we know about one feed from earlier polls."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_polled: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    kind: str = "feed"  # "feed" or "sitemap"
    registered: bool = False  # in the registry (``newsflow feeds add``), not only given on a command line
    title: str | None = None
    added_at: datetime | None = None
    last_success: datetime | None = None
    entries_seen: int = 0  # entries that were new to us, over the feed's life
    interval: float | None = None  # current adaptive interval in seconds (None: the default)
    next_poll: datetime | None = None  # not before this (None: now)

    def due(self, now: datetime) -> bool:
        """Whether the feed may be polled at ``now``."""
        return self.next_poll is None or self.next_poll <= now


@dataclass
class Subscription:
    """A WebSub subscription of one feed (see ``ingest.websub``)."""

    feed_url: str  # the feed as we poll it
    hub: str
    topic: str  # the feed's rel=self, what the hub knows it by
    token: str  # the last path segment of our callback URL
    secret: str  # HMAC key of the hub's signatures
    state: str  # "requested", "active", "denied", "lapsed", "unsubscribing"
    requested_at: datetime
    lease_seconds: int | None = None
    lease_expires: datetime | None = None
    last_error: str | None = None


_SUB_FIELDS = ("feed_url", "hub", "topic", "token", "secret", "state", "requested_at", "lease_seconds", "lease_expires",
               "last_error")


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
        have = {row[1] for row in self._conn.execute("PRAGMA table_info(feeds)")}
        for name, decl in _FEED_COLUMNS.items():
            if name not in have:
                self._conn.execute(f"ALTER TABLE feeds ADD COLUMN {name} {decl}")

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
        with immediate(self._conn):
            self._conn.executemany(
                "INSERT OR IGNORE INTO seen_urls (canonical_url, article_id, content_hash, seen_at) VALUES (?, ?, ?, ?)", rows
            )
            self._conn.execute(
                "INSERT OR IGNORE INTO seen_hashes (content_hash, article_id) VALUES (?, ?)", (content_hash, article_id)
            )

    def feed_state(self, url: str) -> FeedState:
        """The stored state of a feed (a fresh one for a feed never polled)."""
        row = self._conn.execute(f"SELECT {', '.join(_FEED_FIELDS)} FROM feeds WHERE url = ?", (url,)).fetchone()
        return FeedState(url) if row is None else self._feed_from_row(url, row)

    @staticmethod
    def _feed_from_row(url: str, row) -> FeedState:
        values = dict(zip(_FEED_FIELDS, row))
        for name in _TIMES:
            values[name] = datetime.fromisoformat(values[name]) if values[name] else None
        values["registered"] = bool(values["registered"])
        return FeedState(url, **values)

    def save_feed_state(self, state: FeedState) -> None:
        """Store a feed's state, replacing the previous one."""
        values = [getattr(state, name) for name in _FEED_FIELDS]
        values = [v.isoformat() if isinstance(v, datetime) else v for v in values]
        values[_FEED_FIELDS.index("registered")] = int(state.registered)
        cols = ", ".join(_FEED_FIELDS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _FEED_FIELDS)
        self._conn.execute(
            f"INSERT INTO feeds (url, {cols}) VALUES (?{', ?' * len(_FEED_FIELDS)}) ON CONFLICT (url) DO UPDATE SET {updates}",
            (state.url, *values),
        )

    # --- the registry -----------------------------------------------------------------------

    def register(self, url: str, kind: str = "feed", title: str | None = None) -> bool:
        """Add a feed (or sitemap) to the registry; ``False`` if it was registered already.

        A feed that was polled before from a command line keeps its history.
        """
        state = self.feed_state(url)
        was = state.registered
        state.registered, state.kind = True, kind
        state.title = title or state.title
        state.added_at = state.added_at or utcnow()
        self.save_feed_state(state)
        return not was

    def unregister(self, url: str) -> bool:
        """Remove a feed from the registry (its seen articles stay seen); ``False`` if it was not there."""
        cur = self._conn.execute("UPDATE feeds SET registered = 0 WHERE url = ? AND registered = 1", (url,))
        return cur.rowcount > 0

    def registered(self) -> list[FeedState]:
        """The registered feeds, in the order they were added."""
        rows = self._conn.execute(
            f"SELECT url, {', '.join(_FEED_FIELDS)} FROM feeds WHERE registered = 1 ORDER BY added_at, url"
        ).fetchall()
        return [self._feed_from_row(row[0], row[1:]) for row in rows]

    # --- edits ------------------------------------------------------------------------------

    def entry_fingerprint(self, canonical_url: str) -> str | None:
        """The fingerprint of the feed entry last seen for this URL (see ``stage.entry_fingerprint``)."""
        row = self._conn.execute("SELECT fingerprint FROM entry_versions WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return row[0] if row else None

    def set_entry_fingerprints(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember the fingerprints of the entries just handled, by canonical URL."""
        self._conn.executemany(
            "INSERT INTO entry_versions (canonical_url, fingerprint) VALUES (?, ?) "
            "ON CONFLICT (canonical_url) DO UPDATE SET fingerprint = excluded.fingerprint",
            list(pairs),
        )

    def revision(self, article_id: str) -> tuple[int, str] | None:
        """The latest (revision, content hash) of an article that was revised at least once."""
        row = self._conn.execute("SELECT revision, content_hash FROM revisions WHERE article_id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def mark_revised(self, article_id: str, revision: int, content_hash: str) -> None:
        """Record that ``revision`` of an article (with this text) was published."""
        with immediate(self._conn):
            self._conn.execute(
                "INSERT INTO revisions (article_id, revision, content_hash, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET revision = excluded.revision, "
                "content_hash = excluded.content_hash, updated_at = excluded.updated_at",
                (article_id, revision, content_hash, utcnow().isoformat()),
            )
            self._conn.execute(
                "INSERT OR IGNORE INTO seen_hashes (content_hash, article_id) VALUES (?, ?)", (content_hash, article_id)
            )

    # --- archive backfill -------------------------------------------------------------------

    def archive_progress(self, archive: str) -> tuple[int, bool]:
        """(offset of the next record to read, whether the file was read to its end) of a WARC
        file being backfilled; ``(0, False)`` for one never started."""
        row = self._conn.execute("SELECT offset, done FROM archive_progress WHERE archive = ?", (archive,)).fetchone()
        return (row[0], bool(row[1])) if row else (0, False)

    def save_archive_progress(self, archive: str, offset: int, done: bool = False) -> None:
        """Remember how far a WARC file was backfilled (call after publishing what came before ``offset``)."""
        self._conn.execute(
            "INSERT INTO archive_progress (archive, offset, done, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (archive) DO UPDATE SET offset = excluded.offset, done = excluded.done, "
            "updated_at = excluded.updated_at",
            (archive, offset, int(done), utcnow().isoformat()),
        )

    # --- WebSub -----------------------------------------------------------------------------

    @staticmethod
    def _subscription(row) -> Subscription:
        values = dict(zip(_SUB_FIELDS, row))
        for name in ("requested_at", "lease_expires"):
            values[name] = datetime.fromisoformat(values[name]) if values[name] else None
        return Subscription(**values)

    def subscription(self, feed_url: str | None = None, *, token: str | None = None) -> Subscription | None:
        """The subscription of a feed, or the one behind a callback token."""
        column, value = ("token", token) if token is not None else ("feed_url", feed_url)
        row = self._conn.execute(f"SELECT {', '.join(_SUB_FIELDS)} FROM websub WHERE {column} = ?", (value,)).fetchone()
        return self._subscription(row) if row else None

    def subscriptions(self) -> list[Subscription]:
        """Every subscription, whatever its state."""
        rows = self._conn.execute(f"SELECT {', '.join(_SUB_FIELDS)} FROM websub ORDER BY feed_url").fetchall()
        return [self._subscription(row) for row in rows]

    def save_subscription(self, sub: Subscription) -> None:
        """Store a subscription, replacing the feed's previous one."""
        values = [getattr(sub, name) for name in _SUB_FIELDS]
        values = [v.isoformat() if isinstance(v, datetime) else v for v in values]
        self._conn.execute(f"INSERT OR REPLACE INTO websub ({', '.join(_SUB_FIELDS)}) VALUES ({', '.join('?' * len(_SUB_FIELDS))})",
                           values)

    def delete_subscription(self, feed_url: str) -> None:
        """Forget a feed's subscription."""
        self._conn.execute("DELETE FROM websub WHERE feed_url = ?", (feed_url,))

    def close(self) -> None:
        """Close the database."""
        self._conn.close()
