"""The embedded search index: one SQLite file with FTS5 for full text and an entity table.

Tables:

- ``articles``: one row per article id (the full EnrichedArticle JSON plus the columns
  searches filter and sort on). Its rowid keys the two others.
- ``fts``: FTS5 over (title, text, title_stem, text_stem), ``unicode61 remove_diacritics 2``
  (Erdoğan = Erdogan): the exact words (phrases, prefixes) and newsflow's stems of them in the
  article's language (words, so ``missile`` finds *missiles*; ``newsflow.core.analysis``).
- ``entities``: rows per (article, entity), by ``kind``:
  ``name``    key = the entity's key (``fold(name)``), one per entity;
  ``surface`` key = ``fold()`` of each surface form that differs from the key;
  ``first`` / ``last``: for multi-word PERSON names, the first and last word of the key.
  ``entity_key`` is always the entity's own key, so ``surface`` rows are the corpus'
  evidence of which short forms stand for which canonical name. Entities of one article
  that share (label, key) are merged first, so facets count each article once.

Upserts replace an article's rows in place (same rowid), one transaction per batch, so
replays never duplicate. ``readonly=True`` opens with ``mode=ro`` and never writes; a
missing file reads as an empty index (and is picked up once it appears). A file written by an
older version (``PRAGMA user_version``) is upgraded in place when opened for writing; read-only,
it is refused with a message saying so.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from collections.abc import Iterator

from index import rows
from index.rows import HIT_ENTITIES, latest_versions, source_key
from index.fts5 import fts5_parts
from index.ledger import SQLiteLedger
from index.snippets import matcher, snippet
from newsflow.core.analysis import iso_code, stem_text
from newsflow.core.sqlite import connect, immediate
from newsflow.core.config import Settings
from newsflow.core.contracts import EnrichedArticle, Entity
from newsflow.core.names import fold
from newsflow.core.search import EntityRef, FacetValue, QueryError, SearchHit, SearchRequest, SearchResult, facet_skeleton
from newsflow.core.search_plan import SearchPlan, author_keys, search_plan

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: stem columns in fts, language and authors_key in articles

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rid          INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    doc          TEXT    NOT NULL,          -- the EnrichedArticle as JSON
    url          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    source_key   TEXT    NOT NULL,          -- lower case, without "www."
    published_at TEXT,                      -- ISO 8601
    published_ts REAL,                      -- Unix seconds (UTC), for range filters and sorting
    story_id     TEXT    NOT NULL,
    indexed_at   TEXT    NOT NULL,
    language     TEXT,                      -- ISO 639-1 (newsflow.core.analysis.language_code)
    authors_key  TEXT                       -- folded author names, each between \x1f marks
);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published_ts);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source_key);
CREATE INDEX IF NOT EXISTS articles_story ON articles (story_id);

CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (
    title, text, title_stem, text_stem, tokenize = "unicode61 remove_diacritics 2"
);

CREATE TABLE IF NOT EXISTS entities (
    article    INTEGER NOT NULL,             -- articles.rid
    label      TEXT    NOT NULL,
    key        TEXT    NOT NULL,             -- what filters compare with fold(user value)
    name       TEXT    NOT NULL,             -- canonical display name of the entity
    count      INTEGER NOT NULL,
    salience   REAL    NOT NULL,
    kind       TEXT    NOT NULL,             -- name | surface | first | last
    entity_key TEXT    NOT NULL,             -- the entity's own key (= key for kind 'name')
    PRIMARY KEY (article, label, entity_key, key)
) WITHOUT ROWID;                             -- clustered by article: its rows are read together
CREATE INDEX IF NOT EXISTS entities_key ON entities (key);
CREATE INDEX IF NOT EXISTS entities_label_key ON entities (label, key);
CREATE INDEX IF NOT EXISTS entities_evidence ON entities (entity_key, kind);
"""

TITLE_WEIGHT, TEXT_WEIGHT = 4.0, 1.0
EXPORT_PAGE = 500  # rows per read while exporting
MAX_SNIPPET_SOURCE = 200_000  # characters of a text read to make its snippet (index.snippets.MAX_MARKED_CHARS)
_SEP = "\x1f"
_BM25 = f"bm25(fts, {TITLE_WEIGHT}, {TEXT_WEIGHT}, {TITLE_WEIGHT}, {TEXT_WEIGHT})"
# ORDER BY of each sort (after the score, for relevance with a query); ties by id: stable pages
_ORDER = {
    "newest": "a.published_ts IS NULL, a.published_ts DESC, a.id",
    "oldest": "a.published_ts IS NULL, a.published_ts ASC, a.id",
}

# The first day of a's period of publication (UTC), as YYYY-MM-DD; weeks start on Monday,
# like Elasticsearch's calendar_interval "week" ('weekday 0' = the next Sunday, or the same day).
_PERIOD_SQL = {
    "day": "date(a.published_ts, 'unixepoch')",
    "week": "date(a.published_ts, 'unixepoch', 'weekday 0', '-6 days')",
    "month": "strftime('%Y-%m-01', a.published_ts, 'unixepoch')",
    "year": "strftime('%Y-01-01', a.published_ts, 'unixepoch')",
}

_FTS_ERRORS = ("fts5", "malformed match", "unknown special query")


def _ts(dt: datetime | None) -> float | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def entity_rows(rid: int, entities: list[Entity]) -> list[tuple]:
    """The ``entities`` table rows of article ``rid`` (see ``index.rows.entity_rows``)."""
    return [(rid, r.label, r.key, r.name, r.count, r.salience, r.kind, r.entity_key) for r in rows.entity_rows(entities)]


def _authors_key(authors: list[str]) -> str:
    return _SEP + _SEP.join(author_keys(authors)) + _SEP


def _fts_row(a: EnrichedArticle) -> tuple:
    """(title, text, title_stem, text_stem) of an article."""
    return (a.title, a.text, stem_text(a.title, a.language), stem_text(a.text, a.language))


class EmbeddedIndex:
    """The ``Index`` on a SQLite file (FTS5)."""

    def __init__(self, path: Path | str, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        if readonly:
            self._open_readonly()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = connect(self.path)
            self._upgrade(self._conn)
            self._conn.executescript(_SCHEMA)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # ------------------------------------------------------------------ connection

    @staticmethod
    def _upgrade(conn: sqlite3.Connection) -> None:
        """Bring a file of schema 1 to 2: the new columns, stems of every article (one transaction)."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone()
        if not exists or version >= SCHEMA_VERSION:
            return
        log.info("upgrading the embedded index %s from schema %s to %s (stems for every article)", conn, version, SCHEMA_VERSION)
        with immediate(conn):
            conn.execute("ALTER TABLE articles ADD COLUMN language TEXT")
            conn.execute("ALTER TABLE articles ADD COLUMN authors_key TEXT")
            conn.execute("DROP TABLE fts")
            conn.execute(_SCHEMA[_SCHEMA.index("CREATE VIRTUAL TABLE"):_SCHEMA.index(");", _SCHEMA.index("CREATE VIRTUAL TABLE")) + 2])
            for rid, doc in conn.execute("SELECT rid, doc FROM articles").fetchall():
                a = EnrichedArticle.model_validate_json(doc)
                conn.execute("UPDATE articles SET language = ?, authors_key = ? WHERE rid = ?",
                             (iso_code(a.language), _authors_key(a.authors), rid))
                conn.execute("INSERT INTO fts (rowid, title, text, title_stem, text_stem) VALUES (?, ?, ?, ?, ?)",
                             (rid, *_fts_row(a)))
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _open_readonly(self) -> None:
        if not self.path.exists():
            return
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0,
                               isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        self._conn = conn

    def _reader(self) -> sqlite3.Connection | None:
        """The connection, or None while a read-only index has no file or no tables yet."""
        if self._conn is None and self.readonly:
            self._open_readonly()
        conn = self._conn
        if conn is None:
            return None
        if self.readonly:
            row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entities'").fetchone()
            if row is None:
                return None
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                raise RuntimeError(f"the index {self.path} was written by an older newsflow (schema {version}); "
                                   "run `newsflow run` or `newsflow index` once to upgrade it")
        return conn

    # ------------------------------------------------------------------ writes

    def upsert(self, articles: list[EnrichedArticle]) -> None:
        """Insert or replace articles by id in one transaction (the last version of an id wins)."""
        if self.readonly:
            raise PermissionError(f"the index {self.path} is open read-only")
        latest = latest_versions(articles)
        if not latest:
            return
        now = datetime.now(timezone.utc).isoformat()
        with self._lock:
            conn = self._conn
            assert conn is not None
            with immediate(conn):
                for a in latest.values():
                    # Hits link to the canonical URL: the feed's link may carry tracking parameters.
                    cols = (
                        a.model_dump_json(), a.canonical_url or a.url, a.title, a.source, source_key(a.source),
                        a.published_at.isoformat() if a.published_at else None, _ts(a.published_at),
                        a.story_id, now, iso_code(a.language), _authors_key(a.authors),
                    )
                    row = conn.execute("SELECT rid FROM articles WHERE id = ?", (a.id,)).fetchone()
                    if row is None:
                        cur = conn.execute(
                            "INSERT INTO articles (id, doc, url, title, source, source_key, published_at, "
                            "published_ts, story_id, indexed_at, language, authors_key) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (a.id, *cols),
                        )
                        rid = cur.lastrowid
                    else:
                        rid = row[0]
                        conn.execute(
                            "UPDATE articles SET doc = ?, url = ?, title = ?, source = ?, source_key = ?, "
                            "published_at = ?, published_ts = ?, story_id = ?, indexed_at = ?, language = ?, "
                            "authors_key = ? WHERE rid = ?",
                            (*cols, rid),
                        )
                        conn.execute("DELETE FROM fts WHERE rowid = ?", (rid,))
                        conn.execute("DELETE FROM entities WHERE article = ?", (rid,))
                    conn.execute("INSERT INTO fts (rowid, title, text, title_stem, text_stem) VALUES (?, ?, ?, ?, ?)",
                                 (rid, *_fts_row(a)))
                    conn.executemany(
                        "INSERT INTO entities (article, label, key, name, count, salience, kind, entity_key) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        entity_rows(rid, a.entities),
                    )

    # ------------------------------------------------------------------ reads

    def get(self, article_id: str) -> EnrichedArticle | None:
        """One article by id."""
        with self._lock:
            conn = self._reader()
            if conn is None:
                return None
            row = conn.execute("SELECT doc FROM articles WHERE id = ?", (article_id,)).fetchone()
        return EnrichedArticle.model_validate_json(row[0]) if row else None

    def story(self, story_id: str, limit: int = 100) -> list[EnrichedArticle]:
        """The articles of one near-duplicate group, first published first (undated last, then by id)."""
        with self._lock:
            conn = self._reader()
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT doc FROM articles WHERE story_id = ? "
                "ORDER BY published_ts IS NULL, published_ts, id LIMIT ?", (story_id, max(0, limit))).fetchall()
        return [EnrichedArticle.model_validate_json(doc) for (doc,) in rows]

    def ensure(self) -> None:
        """Nothing to prepare: opening the index created its tables."""

    def count(self) -> int:
        """Number of articles indexed."""
        with self._lock:
            conn = self._reader()
            if conn is None:
                return 0
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def entity_names(self, prefix: str = "", label: str | None = None, limit: int = 10) -> list[FacetValue]:
        """Canonical entity names whose name, a spelling of it or a PERSON's first or last name
        starts with ``prefix``, most articles first, with the number of articles naming them (for autocomplete)."""
        p = fold(prefix) if prefix.strip() else ""
        where = ["1"]
        params: list = []
        if p:
            where.append("key >= ? AND key < ?")
            params += [p, p + "\U0010ffff"]
        if label:
            where.append("label = ?")
            params.append(label.strip().upper())
        sql = f"""
            WITH hits AS (
                SELECT entity_key, COUNT(DISTINCT article) AS n FROM entities
                WHERE {' AND '.join(where)} GROUP BY entity_key ORDER BY n DESC, entity_key LIMIT ?
            )
            SELECT (SELECT name FROM entities e WHERE e.entity_key = hits.entity_key AND e.kind = 'name'
                    GROUP BY name ORDER BY COUNT(*) DESC, name LIMIT 1), n
            FROM hits ORDER BY n DESC, entity_key
        """
        with self._lock:
            conn = self._reader()
            if conn is None:
                return []
            rows = conn.execute(sql, (*params, max(0, limit))).fetchall()
        return [FacetValue(name=name, count=n) for name, n in rows]

    def search(self, request: SearchRequest) -> SearchResult:
        """Full text (BM25, title boosted) plus entity, label, source, language and date filters;
        facets over all matches; hits in ``request.sort`` order."""
        plan = search_plan(request)
        match, where, params = self._conditions(request, plan)
        with self._lock:
            conn = self._reader()
            if conn is None:
                return SearchResult(total=0, facets=facet_skeleton([]))
            try:
                conn.execute("BEGIN")  # one snapshot for total, hits and facets
                try:
                    return self._search(conn, request, plan, match, where, params)
                finally:
                    conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if any(s in str(exc).lower() for s in _FTS_ERRORS):
                    raise QueryError(f"cannot run this query: {exc}") from None
                raise

    def msearch(self, requests: list[SearchRequest]) -> list[SearchResult]:
        """Each search in turn (a local file has no round trips to save), results in order."""
        return [self.search(r) for r in requests]

    def export(self, request: SearchRequest) -> Iterator[SearchHit]:
        """Every match of ``request`` in its sort order (limit and offset ignored), without snippets.

        Reads through a connection of its own (one snapshot, no lock held between rows), a page
        of ``EXPORT_PAGE`` hits at a time: memory stays bounded however many articles match.
        """
        plan = search_plan(request)
        match, where, params = self._conditions(request, plan)
        if not self.path.exists():
            return
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0,
                               isolation_level=None, check_same_thread=False)
        try:
            conn.execute("BEGIN")
            cur = conn.execute(*self._hits_sql(request, match, where, params, with_text=False))
            while batch := cur.fetchmany(EXPORT_PAGE):
                entities = self._hit_entities(conn, [r[0] for r in batch])
                for row in batch:
                    yield self._hit(row, entities, "")
        except sqlite3.OperationalError as exc:
            if any(s in str(exc).lower() for s in _FTS_ERRORS):
                raise QueryError(f"cannot run this query: {exc}") from None
            raise
        finally:
            conn.close()

    # ------------------------------------------------------------------ search internals

    def _conditions(self, request: SearchRequest, plan: SearchPlan) -> tuple[str | None, list[str], list]:
        """(FTS5 MATCH expression or None, WHERE conditions, their parameters)."""
        include, exclude = fts5_parts(plan.text, plan.query_languages)
        where, params = self._filters(request, plan)
        if include is None:
            match = None
            if exclude is not None:  # only exclusions: every article (within the filters) except these
                where.append("a.rid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
                params.append(exclude)
        else:
            match = include if exclude is None else f"{include} NOT {exclude}"
        return match, where, params

    @staticmethod
    def _entity_condition(value: str, label: str | None, min_salience: float | None) -> tuple[str, list]:
        q = fold(value)
        if not q:
            raise QueryError(f"the entity {value!r} has no letters or digits to match")
        lab = [label] if label else []
        sal = [min_salience] if min_salience is not None else []
        sal_sql = " AND e.salience >= ?" if sal else ""
        # Direct: a name, surface, first- or last-name row with this key (first/last rows exist
        # only for PERSON names and their keys are single words, so only a one-word q meets them).
        # Evidence: an entity whose name is a short form that some article recorded for q.
        sql = f"""a.rid IN (
            SELECT e.article FROM entities e WHERE e.key = ?{" AND e.label = ?" if label else ""}{sal_sql}
            UNION
            SELECT e.article FROM entities e
            WHERE e.kind = 'name'{" AND e.label = ?" if label else ""}{sal_sql} AND e.key IN (
                SELECT s.key FROM entities s
                WHERE s.entity_key = ? AND s.kind = 'surface'{" AND s.label = ?" if label else ""}))"""
        return sql, [q, *lab, *sal, *lab, *sal, q, *lab]

    @classmethod
    def _filters(cls, request: SearchRequest, plan: SearchPlan) -> tuple[list[str], list]:
        where: list[str] = []
        params: list = []
        label = request.label
        entities = [v for v in plan.entities if v and v.strip()]
        for value in entities:
            sql, p = cls._entity_condition(value, label, request.min_salience)
            where.append(sql)
            params += p
        for value in plan.not_entities:
            sql, p = cls._entity_condition(value, None, None)
            where.append(f"NOT {sql}")
            params += p
        if label and not entities:
            sal_sql = " AND salience >= ?" if request.min_salience is not None else ""
            where.append(f"a.rid IN (SELECT article FROM entities WHERE label = ? AND kind = 'name'{sal_sql})")
            params += [label] + ([request.min_salience] if request.min_salience is not None else [])
        if request.ids is not None:  # alert rules: the batch just indexed
            where.append(f"a.id IN ({','.join('?' * len(request.ids))})" if request.ids else "0")
            params += list(request.ids)
        for value, negate in [(v, False) for v in plan.sources if v.strip()] + [(v, True) for v in plan.not_sources]:
            where.append("a.source_key != ?" if negate else "a.source_key = ?")
            params.append(source_key(value))
        for value, negate in [(v, False) for v in plan.authors] + [(v, True) for v in plan.not_authors]:
            where.append(f"instr(coalesce(a.authors_key, ''), ?) {'=' if negate else '>'} 0")
            params.append(_SEP + value + _SEP)
        for value, negate in [(v, False) for v in plan.languages] + [(v, True) for v in plan.not_languages]:
            where.append("coalesce(a.language, '') != ?" if negate else "a.language = ?")
            params.append(value)
        if request.since is not None:
            where.append("a.published_ts >= ?")
            params.append(_ts(request.since))
        if request.until is not None:
            where.append("a.published_ts <= ?")
            params.append(_ts(request.until))
        return where, params

    @staticmethod
    def _hits_sql(request: SearchRequest, match: str | None, where: list[str], params: list,
                  with_text: bool = True) -> tuple[str, list]:
        """The query of the hits in ``request.sort`` order (every hit; the caller pages)."""
        cond = " AND ".join(where) or "1"
        text = f", substr(fts.text, 1, {MAX_SNIPPET_SOURCE})" if with_text else ", NULL"
        if request.sort == "relevance" and match is not None:
            order = f"score DESC, {_ORDER['newest']}"
        else:
            order = _ORDER["oldest" if request.sort == "oldest" else "newest"]
        cols = "a.rid, a.id, a.url, a.title, a.source, a.published_at, a.story_id, a.language"
        if match is not None:
            return (f"""SELECT {cols}, -{_BM25} AS score{text}
                        FROM fts JOIN articles a ON a.rid = fts.rowid
                        WHERE fts MATCH ? AND {cond} ORDER BY {order}""", [match, *params])
        return (f"""SELECT {cols}, 0.0 AS score{text}
                    FROM articles a JOIN fts ON fts.rowid = a.rid WHERE {cond} ORDER BY {order}""", list(params))

    @staticmethod
    def _hit(row: tuple, entities: dict[int, list[EntityRef]], snippet_text: str) -> SearchHit:
        rid, aid, url, title, source, pub, story_id, language, score, _ = row
        return SearchHit(
            id=aid, url=url, title=title, source=source,
            published_at=datetime.fromisoformat(pub) if pub else None, language=language,
            story_id=story_id, score=max(0.0, float(score or 0.0)), snippet=snippet_text,
            entities=entities.get(rid, []),
        )

    def _search(self, conn: sqlite3.Connection, request: SearchRequest, plan: SearchPlan, match: str | None,
                where: list[str], params: list) -> SearchResult:
        cond = " AND ".join(where) or "1"
        if match is not None:
            matches_sql = f"SELECT a.rid FROM articles a WHERE a.rid IN (SELECT rowid FROM fts WHERE fts MATCH ?) AND {cond}"
            matches_params = [match, *params]
        else:
            matches_sql = f"SELECT a.rid FROM articles a WHERE {cond}"
            matches_params = list(params)

        total = conn.execute(f"SELECT COUNT(*) FROM ({matches_sql})", matches_params).fetchone()[0]

        rows: list[tuple] = []
        if request.limit and total > request.offset:
            sql, sql_params = self._hits_sql(request, match, where, params)
            rows = conn.execute(f"{sql} LIMIT ? OFFSET ?", [*sql_params, request.limit, request.offset]).fetchall()

        entities = self._hit_entities(conn, [r[0] for r in rows])
        marks = matcher(plan.text, plan.query_languages) if match is not None else None
        hits = [self._hit(r, entities, snippet(r[9] or "", marks, r[7])) for r in rows]
        facets = self._facets(conn, matches_sql, matches_params, request.facet_size) if total else facet_skeleton([])
        histogram = self._histogram(conn, matches_sql, matches_params, request.histogram) if total and request.histogram else []
        return SearchResult(total=total, hits=hits, facets=facets, histogram=histogram)

    @staticmethod
    def _histogram(conn: sqlite3.Connection, matches_sql: str, params: list, interval: str) -> list[FacetValue]:
        """Matches per UTC calendar period, oldest first, empty periods left out (undated articles too)."""
        period = _PERIOD_SQL[interval]
        rows = conn.execute(
            f"""SELECT {period} AS p, COUNT(*) FROM articles a
                WHERE a.published_ts IS NOT NULL AND a.rid IN ({matches_sql}) GROUP BY p ORDER BY p""",
            params,
        ).fetchall()
        return [FacetValue(name=p, count=n) for p, n in rows]

    @staticmethod
    def _hit_entities(conn: sqlite3.Connection, rids: list[int]) -> dict[int, list[EntityRef]]:
        if not rids:
            return {}
        marks = ",".join("?" * len(rids))
        rows = conn.execute(
            f"""SELECT article, name, label, count FROM (
                    SELECT article, name, label, count,
                           ROW_NUMBER() OVER (PARTITION BY article ORDER BY salience DESC, count DESC, name) AS r
                    FROM entities WHERE kind = 'name' AND article IN ({marks}))
                WHERE r <= ? ORDER BY article, r""",
            [*rids, HIT_ENTITIES],
        ).fetchall()
        out: dict[int, list[EntityRef]] = {}
        for rid, name, label, count in rows:
            out.setdefault(rid, []).append(EntityRef(name=name, label=label, count=count))
        return out

    @staticmethod
    def _facets(conn: sqlite3.Connection, matches_sql: str, params: list, size: int) -> dict[str, list[FacetValue]]:
        if size <= 0:
            return facet_skeleton([])
        # Entity buckets: articles per (label, key), shown by the most common name of that key among
        # the matches. CROSS JOIN keeps SQLite driving from the matches into entities_article.
        rows = conn.execute(
            f"""WITH m AS MATERIALIZED ({matches_sql}),
                names AS MATERIALIZED (
                    SELECT e.label, e.key, e.name, COUNT(*) AS c, COUNT(DISTINCT e.article) AS n
                    FROM m CROSS JOIN entities e ON e.article = m.rid WHERE e.kind = 'name'
                    GROUP BY e.label, e.key, e.name),
                buckets AS (
                    SELECT label, key, SUM(n) AS n,
                           ROW_NUMBER() OVER (PARTITION BY label ORDER BY SUM(n) DESC, key) AS r
                    FROM names GROUP BY label, key),
                shown AS (
                    SELECT label, key, name, ROW_NUMBER() OVER (PARTITION BY label, key ORDER BY c DESC, name) AS r
                    FROM names)
                SELECT b.label, s.name, b.n FROM buckets b
                JOIN shown s ON s.label = b.label AND s.key = b.key AND s.r = 1
                WHERE b.r <= ? ORDER BY b.label, b.r""",
            [*params, size],
        ).fetchall()
        facets = facet_skeleton(sorted({label for label, _, _ in rows}))
        for label, name, n in rows:
            facets[label].append(FacetValue(name=name, count=n))
        rows = conn.execute(
            f"""SELECT MIN(a.source), COUNT(*) AS n FROM articles a WHERE a.rid IN ({matches_sql})
                GROUP BY a.source_key ORDER BY n DESC, a.source_key LIMIT ?""",
            [*params, size],
        ).fetchall()
        facets["source"] = [FacetValue(name=s, count=n) for s, n in rows]
        rows = conn.execute(
            f"""SELECT a.language, COUNT(*) AS n FROM articles a WHERE a.rid IN ({matches_sql}) AND a.language IS NOT NULL
                GROUP BY a.language ORDER BY n DESC, a.language LIMIT ?""",
            [*params, size],
        ).fetchall()
        facets["language"] = [FacetValue(name=code, count=n) for code, n in rows]
        return facets

    def alert_ledger(self, settings: Settings) -> SQLiteLedger:
        """The alert ledger beside the embedded index: ``alerts.db`` in the data directory."""
        return SQLiteLedger(settings.ensure_data_dir() / "alerts.db")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


__all__ = ["EmbeddedIndex", "entity_rows", "source_key"]
