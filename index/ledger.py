"""The alert ledger: which (rule, story or article) already got its alert (see ``index.alerts``)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsflow.core.sqlite import connect, immediate


@dataclass
class Claim:
    """One alert to deliver: ``dedup`` is the story id (once_per_story) or the article id."""

    rule: str
    dedup: str
    article_id: str
    topic: str  # full topic name (with the deployment's prefix)
    value: bytes  # the Alert JSON, stored so a re-send is the very same record

    @property
    def doc_id(self) -> str:
        return f"{self.rule}/{self.dedup}"


class Ledger(Protocol):
    """Durable record of the alerts claimed and published."""

    def claim(self, claims: list[Claim]) -> list[Claim]:
        """Record the claims not recorded yet; returns what to publish: the new claims, plus earlier
        unpublished claims of the same (rule, dedup, article) (left by a crash), as stored."""

    def mark_published(self, claims: list[Claim]) -> None:
        """Record that these claims were published and flushed."""

    def close(self) -> None:
        """Release resources."""


_LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_ledger (
    rule         TEXT    NOT NULL,
    dedup        TEXT    NOT NULL,   -- story id (once_per_story) or article id
    article_id   TEXT    NOT NULL,   -- the article that claimed it
    topic        TEXT    NOT NULL,
    alert        BLOB    NOT NULL,   -- the Alert JSON as published (or to be re-published)
    published    INTEGER NOT NULL DEFAULT 0,
    claimed_at   REAL    NOT NULL,
    PRIMARY KEY (rule, dedup)
) WITHOUT ROWID;
"""


class SQLiteLedger:
    """The ledger in a SQLite file (beside the embedded index); safe for several processes on one machine."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = connect(self.path)
        self._conn.executescript(_LEDGER_SCHEMA)
        self._lock = threading.Lock()

    def claim(self, claims: list[Claim]) -> list[Claim]:
        """See ``Ledger.claim``: INSERT OR IGNORE in one transaction."""
        out: list[Claim] = []
        now = time.time()
        with self._lock:
            conn = self._conn
            with immediate(conn):
                for c in claims:
                    cur = conn.execute(
                        "INSERT OR IGNORE INTO alert_ledger (rule, dedup, article_id, topic, alert, claimed_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (c.rule, c.dedup, c.article_id, c.topic, c.value, now))
                    if cur.rowcount == 1:
                        out.append(c)
                        continue
                    row = conn.execute("SELECT article_id, topic, alert, published FROM alert_ledger "
                                       "WHERE rule = ? AND dedup = ?", (c.rule, c.dedup)).fetchone()
                    if row and not row[3] and row[0] == c.article_id:
                        out.append(Claim(c.rule, c.dedup, row[0], row[1], bytes(row[2])))
        return out

    def mark_published(self, claims: list[Claim]) -> None:
        """See ``Ledger.mark_published``."""
        if not claims:
            return
        with self._lock:
            with immediate(self._conn):
                self._conn.executemany("UPDATE alert_ledger SET published = 1 WHERE rule = ? AND dedup = ?",
                                       [(c.rule, c.dedup) for c in claims])

    def published(self) -> list[tuple[str, str, str]]:
        """(rule, dedup, article id) of every published alert (tests, operators)."""
        with self._lock:
            return self._conn.execute("SELECT rule, dedup, article_id FROM alert_ledger WHERE published = 1 "
                                      "ORDER BY rule, dedup").fetchall()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
