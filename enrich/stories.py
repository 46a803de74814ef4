"""Stories: near-duplicate groups of articles (syndicated copies, lightly edited updates).

Each article's body becomes a set of word shingles and a MinHash signature (``enrich.minhash``:
datasketch's, without its import of scipy);
locality-sensitive hashing splits the signature into bands, and two articles that share a
band are candidates. A candidate joins a story only when the estimated Jaccard similarity of
the two shingle sets reaches the threshold, so articles that merely share a band by chance
(or report the same event in their own words) stay apart.

The state (signatures, band buckets, story of each article) lives in a SQLite file in the
data directory: it survives restarts, and every enrich worker on the machine shares it.
Assignment runs in one ``BEGIN IMMEDIATE`` transaction per batch, so two workers never
found two stories for copies of one text. With the Kafka bus, workers on other machines share
it through a compacted topic (``enrich.replica``). The LSH lookup itself is done here on SQLite
rather than with ``datasketch.MinHashLSH``, whose storage is either in-process or needs
Redis/Cassandra; its band/row optimiser (``enrich.minhash.lsh_layout``) chooses the layout.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from newsflow.core.sqlite import connect, immediate
from newsflow.core.names import strip_accents

from enrich.minhash import lsh_layout, permutations
from enrich.minhash import signature as minhash
from enrich.replica import OFFSETS_SCHEMA, StateReplica, catch_up

# Word shingles of this many words. Three words are specific enough that unrelated articles
# share few, and short enough that a light edit (a changed sentence) leaves most intact.
SHINGLE_WORDS = 3
NUM_PERM = 128
# Estimated Jaccard similarity of shingle sets from which two articles are one story.
# Syndicated copies with another headline, byline and a sentence added score 0.7-0.95;
# different reports of one event score under 0.1.
THRESHOLD = 0.5
# A text with fewer words than this has too few shingles for a meaningful estimate: it is
# grouped only with exact copies (same content hash).
MIN_WORDS = 20
# Candidates compared per article at most: a bucket crowded with boilerplate must not make
# assignment quadratic.
MAX_CANDIDATES = 200

_WORD = re.compile(r"\w+", re.UNICODE)
# drawn once (drawing them per article cost a third of the signature); seed 1: the same
# permutations in every process and run
_PERMUTATIONS = permutations(NUM_PERM)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS story_members (
    article_id TEXT PRIMARY KEY,
    story_id   TEXT NOT NULL,
    signature  BLOB
);
CREATE TABLE IF NOT EXISTS story_bands (
    band       INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (band, bucket, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_exact (
    content_hash TEXT PRIMARY KEY,
    story_id     TEXT NOT NULL
);
"""


def _words(text: str) -> list[str]:
    # case- and diacritic-folded words; only the few non-ASCII words pay for the folding
    return [w if w.isascii() else strip_accents(w) for w in _WORD.findall(text.casefold())]


def _shingles_of(words: list[str], size: int) -> set[str]:
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-grams of ``text`` after folding case and diacritics."""
    return _shingles_of(_words(text), size)


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of ``text`` (uint32 array), or None when it is too short."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    # the affine32 scheme (datasketch 2's default) gives 32-bit values: half the bytes to store
    return minhash((s.encode("utf-8") for s in _shingles_of(words, SHINGLE_WORDS)), _PERMUTATIONS)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def _story_of(article_id: str) -> str:
    # The first article of a story names it; "s-" keeps story ids apart from article ids.
    return "s-" + article_id[:16]


class StoryIndex:
    """Assigns ``story_id``s by MinHash LSH, with state in a SQLite file shared by workers."""

    def __init__(self, path: Path | str, *, threshold: float = THRESHOLD, replica: StateReplica | None = None):
        """Open (creating if needed) the story state at ``path`` (``":memory:"`` for a throwaway one).

        With a ``replica`` the state is shared with workers elsewhere through its topic.
        """
        self.threshold = threshold
        self.bands, self.rows = lsh_layout(threshold, NUM_PERM)
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = connect(path)  # WAL, shared by the worker processes of the machine
        self._conn.executescript(_SCHEMA + OFFSETS_SCHEMA)
        self._lock = threading.Lock()
        self._replica = replica

    def _buckets(self, sig: np.ndarray) -> list[tuple[int, int]]:
        out = []
        for band in range(self.bands):
            chunk = sig[band * self.rows : (band + 1) * self.rows].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).digest()
            out.append((band, int.from_bytes(digest, "big", signed=True)))
        return out

    def _find(self, sig: np.ndarray, buckets: list[tuple[int, int]]) -> str | None:
        cur = self._conn.cursor()
        candidates: list[str] = []
        seen: set[str] = set()
        for band, bucket in buckets:
            for (aid,) in cur.execute(
                "SELECT article_id FROM story_bands WHERE band = ? AND bucket = ? LIMIT ?",
                (band, bucket, MAX_CANDIDATES),
            ):
                if aid not in seen:
                    seen.add(aid)
                    candidates.append(aid)
            if len(candidates) >= MAX_CANDIDATES:
                break
        best, best_sim = None, self.threshold
        for aid in candidates:
            row = cur.execute(
                "SELECT story_id, signature FROM story_members WHERE article_id = ?", (aid,)
            ).fetchone()
            if row is None or row[1] is None:
                continue
            sim = similarity(sig, np.frombuffer(row[1], dtype=np.uint32))
            if sim >= best_sim:
                best, best_sim = row[0], sim
        return best

    def _store(self, article_id: str, story: str, content_hash: str, sig: np.ndarray | None,
               buckets: list[tuple[int, int]]) -> None:
        cur = self._conn.cursor()
        cur.execute(
            "INSERT INTO story_members (article_id, story_id, signature) VALUES (?, ?, ?)",
            (article_id, story, sig.tobytes() if sig is not None else None),
        )
        cur.execute("INSERT OR IGNORE INTO story_exact (content_hash, story_id) VALUES (?, ?)", (content_hash, story))
        cur.executemany(
            "INSERT OR IGNORE INTO story_bands (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bucket, article_id) for band, bucket in buckets],
        )

    def _assign_one(self, article_id: str, content_hash: str, text: str) -> tuple[str, dict[str, Any] | None]:
        """The article's story, and the fact to share when it is new here (else None)."""
        cur = self._conn.cursor()
        row = cur.execute("SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)).fetchone()
        if row is not None:
            # A replay or an edited version: an article keeps the story it was first given.
            return row[0], None
        sig = signature(text)
        story = None
        exact = cur.execute("SELECT story_id FROM story_exact WHERE content_hash = ?", (content_hash,)).fetchone()
        if exact is not None:
            story = exact[0]
        buckets = self._buckets(sig) if sig is not None else []
        if story is None and sig is not None:
            story = self._find(sig, buckets)
        if story is None:
            story = _story_of(article_id)
        self._store(article_id, story, content_hash, sig, buckets)
        return story, {"article_id": article_id, "story": story, "content_hash": content_hash,
                       "signature": base64.b64encode(sig.tobytes()).decode("ascii") if sig is not None else None}

    def _apply(self, fact: dict[str, Any]) -> None:
        """Add an article another worker gave a story (from the shared topic), unless known here."""
        article_id = fact["article_id"]
        if self._conn.execute("SELECT 1 FROM story_members WHERE article_id = ?", (article_id,)).fetchone():
            return
        sig = fact["signature"]
        sig = np.frombuffer(base64.b64decode(sig), dtype=np.uint32) if sig else None
        if sig is not None and len(sig) != NUM_PERM:
            raise ValueError(f"a signature of {len(sig)} values, not {NUM_PERM}")
        self._store(article_id, str(fact["story"]), str(fact["content_hash"]), sig,
                    self._buckets(sig) if sig is not None else [])

    def catch_up(self) -> int:
        """Apply what workers elsewhere added since the last call (nothing without a replica)."""
        if self._replica is None:
            return 0
        return catch_up(self._conn, self._replica, self._apply)

    def assign(self, items: Iterable[tuple[str, str, str]]) -> list[str]:
        """Story ids for ``(article_id, content_hash, text)`` items, in order.

        An article seen before keeps its story (replays are stable). A new one joins the
        story of its most similar earlier article at or above the threshold (the batch's own
        earlier items included), else founds a story named after itself. All-or-nothing: a
        failure leaves the state as it was.
        """
        items = list(items)
        with self._lock:
            self.catch_up()
            with immediate(self._conn):
                assigned = [self._assign_one(aid, chash, text) for aid, chash, text in items]
                if self._replica is not None:
                    # inside the transaction: a failed publish rolls the batch back
                    self._replica.publish([(fact["article_id"], fact) for _, fact in assigned if fact is not None])
        return [story for story, _ in assigned]

    def count(self) -> int:
        """Number of articles with a story."""
        return self._conn.execute("SELECT COUNT(*) FROM story_members").fetchone()[0]

    def close(self) -> None:
        """Close the SQLite connection (and the link to the shared topic)."""
        try:
            if self._replica is not None:
                self._replica.close()
        finally:
            self._conn.close()
