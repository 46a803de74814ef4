"""The entity registry: one canonical entity per real-world entity across the corpus.

``enrich.canonical`` settles who is who inside one article ("Putin" there is the article's
"Vladimir Putin"). Across articles the registry does, in this order, for every entity:

1. Aliases (``newsflow.core.aliases``): "U.S.", "USA", "America" -> United States; "Zelenskyy" ->
   Volodymyr Zelensky. Curated and ISO data, the same table searches resolve names with.
1b. Labels from evidence: a one-word ORG or NORP that is the first or last word of exactly one
   known person ("Putin" tagged ORG) is that person; otherwise a key the corpus labels
   otherwise, clearly (seen in two articles or more, twice as often as this label), takes the
   corpus's label, except that a gazetteer place (``enrich.gazetteer``) stays a place.
2. A person named by one word ("Erdogan") takes the one full name seen in the corpus whose
   first or last word it is ("Recep Tayyip Erdogan"). When two people share the word (Kim Jong
   Un and Kim Yo Jong both give "kim") it stays as it is: a guess would merge two people.
3. A person whose name differs from a known one only by a transliteration of its endings
   ("Yevgeniy Prigozhin", "Evgeny Prigozhin") takes the known name, again only when exactly
   one known name matches.
4. Anything else becomes a canonical entity itself, for the articles after it.

Display names come from the registry too, so every article shows one spelling. The state is
a SQLite file in the data directory, shared by every enrich worker on the machine and kept
across restarts; each batch is resolved in one ``BEGIN IMMEDIATE`` transaction. With the Kafka
bus, workers on other machines share it through a compacted topic (``enrich.replica``):
the counts are kept per machine (``entity_counts``) so that copies merge to the same totals.

Known limit: an article that named only "Erdogan" before any article gave the full name
keeps "Erdogan". The indexes still find it by that word (they match surface forms and name
parts), and a re-enrichment (``newsflow index reindex --re-enrich``, ``enrich.reenrich``)
resolves it with the registry as it is then.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsflow.core.aliases import resolve as resolve_alias
from newsflow.core.contracts import Entity
from newsflow.core.sqlite import connect, immediate
from newsflow.core.names import cached_fold, fold

from enrich.gazetteer import PLACE_LABELS, is_place
from enrich.replica import OFFSETS_SCHEMA, StateReplica, catch_up


_SCHEMA = """
CREATE TABLE IF NOT EXISTS entities (
    label    TEXT NOT NULL,
    key      TEXT NOT NULL,
    name     TEXT NOT NULL,
    articles INTEGER NOT NULL DEFAULT 0,
    mentions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (label, key)
);
-- lookups by key whatever the label (corpus labels, known names): without it each one scans
-- the whole table, a cost growing with the corpus
CREATE INDEX IF NOT EXISTS entities_by_key ON entities (key);
-- words of multi-word person names (first, last) -> the name: "putin" -> "vladimir putin"
CREATE TABLE IF NOT EXISTS person_parts (
    part TEXT NOT NULL,
    key  TEXT NOT NULL,
    PRIMARY KEY (part, key)
) WITHOUT ROWID;
-- transliteration-folded person names -> the name
CREATE TABLE IF NOT EXISTS person_translit (
    translit TEXT NOT NULL,
    key      TEXT NOT NULL,
    PRIMARY KEY (translit, key)
) WITHOUT ROWID;
-- every spelling seen for an entity (folded), for operators and autocomplete
CREATE TABLE IF NOT EXISTS surface_forms (
    label TEXT NOT NULL,
    key   TEXT NOT NULL,
    form  TEXT NOT NULL,
    PRIMARY KEY (label, key, form)
) WITHOUT ROWID;
-- the counts in entities, per machine (replica) that saw the articles: running totals that
-- copies of the registry merge by taking each machine's highest
CREATE TABLE IF NOT EXISTS entity_counts (
    label      TEXT NOT NULL,
    key        TEXT NOT NULL,
    replica    TEXT NOT NULL,
    name       TEXT NOT NULL,
    first_seen REAL NOT NULL,
    articles   INTEGER NOT NULL,
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (label, key, replica)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Romanisations of Slavic names differ mostly in their endings and a leading "Ye":
# Zelenskyy/Zelenskiy/Zelensky, Yevgeniy/Evgeny, Dmitriy/Dmitry, Sergei/Sergey.
_TRANSLIT_RULES = [
    (re.compile(r"(?:iy|yy|ii|yi|ij)$"), "y"),
    (re.compile(r"(?<=[^aeiou])ei$"), "ey"),
    (re.compile(r"^ye(?=[^aeiou])"), "e"),
    (re.compile(r"kh"), "h"),
]
_MIN_TRANSLIT_CHARS = 5
# A name the registry saw once may be a tagging accident; twice, it is part of the news.
MIN_ARTICLES_KNOWN = 2  # short names ("Un", "Il") must never meet by these rules
# How much more often the corpus must use another label for a key before it overrules a mention's.
CORPUS_LABEL_MARGIN = 2


def translit_key(key: str) -> str:
    """A person key with transliteration variants of each word folded together."""
    words = []
    for word in key.split():
        if len(word) >= _MIN_TRANSLIT_CHARS:
            for pattern, repl in _TRANSLIT_RULES:
                word = pattern.sub(repl, word)
        words.append(word)
    return " ".join(words)


def _merge(entities: list[Entity]) -> list[Entity]:
    """Entities that now share (label, key) as one: counts add up, the highest salience wins."""
    merged: dict[tuple[str, str], Entity] = {}
    for e in entities:
        k = (e.label, e.key)
        first = merged.get(k)
        if first is None:
            merged[k] = e
            continue
        merged[k] = first.model_copy(update={
            "count": first.count + e.count,
            "salience": max(first.salience, e.salience),
            "in_title": first.in_title or e.in_title,
            "surface_forms": list(dict.fromkeys([*first.surface_forms, *e.surface_forms])),
        })
    out = list(merged.values())
    if len(out) != len(entities):
        out.sort(key=lambda e: (-e.salience, -e.count))
    return out


class EntityRegistry:
    """Canonical entities across the corpus (see the module doc), on a SQLite file."""

    def __init__(self, path: Path | str, replica: StateReplica | None = None):
        """Open (creating if needed) the registry at ``path`` (``":memory:"`` for a throwaway one).

        With a ``replica`` the registry is shared with workers elsewhere through its topic.
        """
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = connect(path)  # WAL, shared by the worker processes of the machine
        self._conn.executescript(_SCHEMA + OFFSETS_SCHEMA)
        self._lock = threading.Lock()
        self._replica = replica
        with immediate(self._conn):
            # this store's name among the copies; the worker processes of the machine share it
            self._conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('replica', ?)", (uuid.uuid4().hex,))
            self.replica_id: str = self._conn.execute("SELECT value FROM meta WHERE key = 'replica'").fetchone()[0]
            if self._conn.execute("SELECT 1 FROM entity_counts LIMIT 1").fetchone() is None:
                # a registry written before the per-machine counts existed: its counts are this machine's
                self._conn.execute(
                    "INSERT INTO entity_counts (label, key, replica, name, first_seen, articles, mentions) "
                    "SELECT label, key, ?, name, 0, articles, mentions FROM entities",
                    (self.replica_id,),
                )

    # -- lookups ----------------------------------------------------------------------------
    def _name(self, label: str, key: str) -> str | None:
        row = self._conn.execute("SELECT name FROM entities WHERE label = ? AND key = ?", (label, key)).fetchone()
        return row[0] if row else None

    def _one(self, sql: str, arg: str) -> str | None:
        keys = [r[0] for r in self._conn.execute(sql, (arg,)).fetchmany(2)]
        return keys[0] if len(keys) == 1 else None

    def _corpus_label(self, e: Entity) -> str:
        """The label the corpus gives this key, when it clearly disagrees with this mention's:
        another label seen in ``MIN_ARTICLES_KNOWN`` articles or more and in at least
        ``CORPUS_LABEL_MARGIN`` times as many as this one. A gazetteer place stays a place."""
        rows = self._conn.execute("SELECT label, articles FROM entities WHERE key = ?", (e.key,)).fetchall()
        if len(rows) < 2 and (not rows or rows[0][0] == e.label):
            return e.label
        counts = dict(rows)
        label, articles = max(counts.items(), key=lambda item: item[1])
        if label == e.label or articles < MIN_ARTICLES_KNOWN or articles < CORPUS_LABEL_MARGIN * counts.get(e.label, 0):
            return e.label
        if e.label in PLACE_LABELS and is_place(e.key):
            return e.label
        return label

    def _person_for_word(self, e: Entity) -> str | None:
        """The one known person whose first or last word a surname-like ORG/NORP entity is
        ("Putin" tagged ORG), unless the word is a place or written in capitals ("UN")."""
        if e.label not in ("ORG", "NORP") or " " in e.key or len(e.key) < 3 or is_place(e.key):
            return None
        if not e.surface_forms or any(f.isupper() for f in e.surface_forms):
            return None
        # a company named after its founder ("Dell", "Ford") is known under its own label (known
        # limit: a company first seen after its founder, and only once, is taken for them)
        row = self._conn.execute("SELECT articles FROM entities WHERE label = ? AND key = ?", (e.label, e.key)).fetchone()
        if row is not None and row[0] >= MIN_ARTICLES_KNOWN:
            return None
        return self._one("SELECT DISTINCT key FROM person_parts WHERE part = ?", e.key)

    def _resolve(self, e: Entity) -> Entity:
        alias = resolve_alias(e.key)
        if alias is not None:
            return e.model_copy(update={"name": alias.name, "key": alias.key, "label": alias.label})
        person = self._person_for_word(e)
        if person is not None:
            e = e.model_copy(update={"label": "PERSON"})
        else:
            label = self._corpus_label(e)
            if label != e.label:
                e = e.model_copy(update={"label": label})
        if e.label != "PERSON":
            name = self._name(e.label, e.key)
            return e.model_copy(update={"name": name}) if name and name != e.name else e
        words = e.key.split()
        target = None
        if len(words) == 1:
            target = self._one("SELECT DISTINCT key FROM person_parts WHERE part = ?", e.key)
        elif self._name("PERSON", e.key) is None:
            target = self._one("SELECT DISTINCT key FROM person_translit WHERE translit = ?", translit_key(e.key))
        key = target or e.key
        name = self._name("PERSON", key)
        if target is None and name is None:
            return e
        return e.model_copy(update={"key": key, "name": name or e.name})

    def known_label(self, key: str) -> str | None:
        """The label of a known entity with this key (an alias, a name seen in two articles or
        more, or the one full name a person's word belongs to), else None."""
        alias = resolve_alias(key)
        if alias is not None:
            return alias.label
        row = self._conn.execute(
            "SELECT label FROM entities WHERE key = ? AND articles >= ? ORDER BY articles DESC LIMIT 1",
            (key, MIN_ARTICLES_KNOWN),
        ).fetchone()
        if row is not None:
            return row[0]
        if " " not in key and self._one("SELECT DISTINCT key FROM person_parts WHERE part = ?", key):
            return "PERSON"
        return None

    # -- registration -----------------------------------------------------------------------
    def _add_forms(self, label: str, key: str, forms: Iterable[str]) -> None:
        """Record spellings of an entity, and the name parts a person is found by."""
        cur = self._conn.cursor()
        cur.executemany(
            "INSERT OR IGNORE INTO surface_forms (label, key, form) VALUES (?, ?, ?)",
            [(label, key, f) for f in forms if f],
        )
        words = key.split()
        if label == "PERSON" and len(words) > 1:
            cur.executemany(
                "INSERT OR IGNORE INTO person_parts (part, key) VALUES (?, ?)",
                [(w, key) for w in {words[0], words[-1]}],
            )
            cur.execute("INSERT OR IGNORE INTO person_translit (translit, key) VALUES (?, ?)",
                        (translit_key(key), key))

    def _register(self, e: Entity) -> None:
        cur = self._conn.cursor()
        cur.execute(
            "INSERT INTO entities (label, key, name, articles, mentions) VALUES (?, ?, ?, 1, ?) "
            "ON CONFLICT (label, key) DO UPDATE SET articles = articles + 1, mentions = mentions + excluded.mentions",
            (e.label, e.key, e.name, e.count),
        )
        cur.execute(
            "INSERT INTO entity_counts (label, key, replica, name, first_seen, articles, mentions) "
            "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (label, key, replica) "
            "DO UPDATE SET articles = articles + 1, mentions = mentions + excluded.mentions",
            (e.label, e.key, self.replica_id, e.name, time.time(), e.count),
        )
        self._add_forms(e.label, e.key, {cached_fold(f) for f in e.surface_forms} | {e.key})

    def _facts(self, keys: Iterable[tuple[str, str]]) -> list[tuple[str, dict[str, Any]]]:
        """This machine's records of these entities, for the shared topic (see enrich.shared_state)."""
        out = []
        for label, key in keys:
            name, first_seen, articles, mentions = self._conn.execute(
                "SELECT name, first_seen, articles, mentions FROM entity_counts WHERE label = ? AND key = ? AND replica = ?",
                (label, key, self.replica_id),
            ).fetchone()
            forms = [r[0] for r in self._conn.execute(
                "SELECT form FROM surface_forms WHERE label = ? AND key = ? ORDER BY form", (label, key))]
            out.append((f"{self.replica_id}|{label}|{key}", {
                "replica": self.replica_id, "label": label, "key": key, "name": name, "first_seen": first_seen,
                "articles": articles, "mentions": mentions, "forms": forms,
            }))
        return out

    def _apply(self, fact: dict[str, Any]) -> None:
        """Merge one machine's record of an entity (from the shared topic) into this copy."""
        label, key, replica = fact["label"], fact["key"], fact["replica"]
        articles, mentions = int(fact["articles"]), int(fact["mentions"])
        cur = self._conn.cursor()
        old = cur.execute("SELECT articles, mentions FROM entity_counts WHERE label = ? AND key = ? AND replica = ?",
                          (label, key, replica)).fetchone()
        if old is None:
            old = (0, 0)
            cur.execute(
                "INSERT INTO entity_counts (label, key, replica, name, first_seen, articles, mentions) "
                "VALUES (?, ?, ?, ?, ?, 0, 0)",
                (label, key, replica, fact["name"], float(fact["first_seen"])),
            )
        # running totals only grow: a record older than what this copy holds changes nothing
        grown = (max(articles - old[0], 0), max(mentions - old[1], 0))
        if grown != (0, 0):
            cur.execute("UPDATE entity_counts SET articles = articles + ?, mentions = mentions + ? "
                        "WHERE label = ? AND key = ? AND replica = ?", (*grown, label, key, replica))
        cur.execute(
            "INSERT INTO entities (label, key, name, articles, mentions) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (label, key) DO UPDATE SET articles = articles + excluded.articles, "
            "mentions = mentions + excluded.mentions",
            (label, key, fact["name"], *grown),
        )
        if old == (0, 0):
            # a machine new to this entity: the display name is the one of the first to see it
            cur.execute(
                "UPDATE entities SET name = (SELECT name FROM entity_counts WHERE label = ?1 AND key = ?2 "
                "ORDER BY first_seen, replica LIMIT 1) WHERE label = ?1 AND key = ?2",
                (label, key),
            )
        self._add_forms(label, key, [str(f) for f in fact["forms"]])

    def canonicalize(self, batch: Iterable[list[Entity]], *, learn: bool = True) -> list[list[Entity]]:
        """Each article's entities under their corpus-wide canonical names, registered.

        Articles are handled in order, so a full name given by one article of the batch
        already serves the next. All-or-nothing: a failure leaves the registry unchanged.
        With ``learn=False`` nothing is registered: articles seen before (a re-enrichment) take
        today's names without being counted again.
        """
        batch = list(batch)
        out: list[list[Entity]] = []
        with self._lock:
            self.catch_up()
            if not learn:
                return [_merge([self._resolve(e) for e in entities]) for entities in batch]
            with immediate(self._conn):
                touched: dict[tuple[str, str], None] = {}
                for entities in batch:
                    resolved = _merge([self._resolve(e) for e in entities])
                    for e in resolved:
                        self._register(e)
                        touched[(e.label, e.key)] = None
                    out.append(resolved)
                if self._replica is not None:
                    # inside the transaction: a failed publish rolls the batch back
                    self._replica.publish(self._facts(touched))
        return out

    def catch_up(self) -> int:
        """Apply what workers elsewhere added since the last call (nothing without a replica)."""
        if self._replica is None:
            return 0
        return catch_up(self._conn, self._replica, self._apply)

    def lookup(self, name: str, label: str | None = None) -> list[tuple[str, str, str, int]]:
        """Known canonical entities a name may mean: ``(label, key, name, articles)``, most seen first."""
        key = fold(name)
        alias = resolve_alias(key)
        if alias is not None:
            key = alias.key
        rows = self._conn.execute(
            "SELECT DISTINCT e.label, e.key, e.name, e.articles FROM entities e "
            "LEFT JOIN person_parts p ON p.key = e.key AND e.label = 'PERSON' "
            "WHERE (e.key = ? OR p.part = ?) AND (? IS NULL OR e.label = ?) ORDER BY e.articles DESC",
            (key, key, label, label),
        ).fetchall()
        return [tuple(r) for r in rows]

    def count(self) -> int:
        """Number of canonical entities."""
        return self._conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0]

    def close(self) -> None:
        """Close the SQLite connection (and the link to the shared topic)."""
        try:
            if self._replica is not None:
                self._replica.close()
        finally:
            self._conn.close()
