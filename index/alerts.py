"""Alert matching in the index stage: every rule runs as a search over the batch just indexed.

Each batch, after the upsert returned (so the batch is searchable: ``ElasticsearchIndex``
refreshes, SQLite commits), every rule of the rules file becomes the searches a user would run
(``AlertRule.requests``) restricted to the batch's ids, sent together with ``Index.msearch``
(one ``msearch`` on Elasticsearch). A rule therefore matches exactly what ``newsflow search``
returns for it. Each match becomes an ``Alert`` on the rule's topic, keyed by article id.

Exactly one alert per rule and article (or story, ``once_per_story``), across restarts and
replays, through a durable ledger (``SQLiteLedger`` beside the embedded index,
``ElasticsearchLedger`` in ``<alias>-alert-ledger`` so several index workers agree):

1. claim: insert ``(rule, story or article)`` if absent (INSERT OR IGNORE / ``op_type=create``),
   storing the alert itself, unpublished;
2. publish every claim this batch made, plus earlier unpublished claims of the same article
   (a crash between 1 and 3 left them; a replay of that article comes back here), and flush;
3. mark those claims published; then the worker commits its offsets.

A crash before 3 replays the batch: claims already published are skipped, unpublished ones
re-sent. The one window that can duplicate is a crash after the flush in 2 and before the mark
in 3: the replay sends that alert again (same key, same record, same ``created_at``). So delivery
is exactly-once except for that window, where it is at-least-once; consumers that must never see
a repeat dedupe on (rule, article_id). An alert is never lost: nothing is committed before the
flush and the mark.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from index.rows import entity_rows
from newsflow.core.aliases import canonical_name
from newsflow.core.alert_rules import AlertRule, RulesFile
from newsflow.core.bus import Bus
from newsflow.core.sqlite import connect, immediate
from newsflow.core.contracts import Alert, EnrichedArticle
from newsflow.core.names import fold
from newsflow.core.query import parse, terms
from newsflow.core.search import Index, SearchHit, SearchRequest

if TYPE_CHECKING:
    from newsflow.core.config import Settings

log = logging.getLogger(__name__)

MAX_IDS_PER_SEARCH = 1000  # SearchRequest.ids' bound
MAX_DRY_RUN_HITS = 10_000  # Elasticsearch's result window: `alerts test` says when it stopped there


# --------------------------------------------------------------------------- matching


def match_batch(index: Index, rules: list[AlertRule], articles: list[EnrichedArticle]) -> list[tuple[AlertRule, EnrichedArticle]]:
    """(rule, article) for every rule that matches an article of the batch, rules in file order,
    articles in batch order. The batch must be indexed already."""
    if not rules or not articles:
        return []
    ids = list(dict.fromkeys(a.id for a in articles))
    chunks = [ids[i:i + MAX_IDS_PER_SEARCH] for i in range(0, len(ids), MAX_IDS_PER_SEARCH)]
    requests: list[SearchRequest] = []
    owners: list[int] = []
    for i, rule in enumerate(rules):
        for chunk in chunks:
            for request in rule.requests(ids=chunk, limit=len(chunk)):
                requests.append(request)
                owners.append(i)
    results = index.msearch(requests)
    found: list[set[str]] = [set() for _ in rules]
    for owner, result in zip(owners, results):
        found[owner].update(hit.id for hit in result.hits)
    by_id = {a.id: a for a in articles}
    return [(rule, by_id[aid]) for i, rule in enumerate(rules) for aid in ids
            if aid in found[i] and rule.language_ok(by_id[aid].language)]


@functools.lru_cache(maxsize=4096)
def _key(value: str) -> str:
    return fold(canonical_name(value))


@functools.lru_cache(maxsize=4096)
def _terms(query: str) -> tuple[str, ...]:
    return tuple(terms(parse(query)))


def matched_entities(rule: AlertRule, article: EnrichedArticle, rows: "list | None" = None) -> list[str]:
    """The article's canonical names of the rule's entities (as the index matched them: any spelling,
    or a PERSON's first or last name); a rule entity found only through another article's evidence
    is reported by the rule's own name. ``rows``: the article's ``entity_rows``, if already made."""
    rows = entity_rows(article.entities) if rows is None else rows
    out: list[str] = []
    for value in [*rule.entities, *rule.any_entities]:
        q = _key(value)
        names = [r.name for r in rows if r.key == q and (not rule.labels or r.label in rule.labels)
                 and (rule.min_salience is None or r.salience >= rule.min_salience)]
        if names:
            out += names
        elif value in rule.entities:
            out.append(canonical_name(value))
    return list(dict.fromkeys(out))


def make_alert(rule: AlertRule, article: EnrichedArticle, topic: str, rows: "list | None" = None) -> Alert:
    """The Alert record of one match (``rows``: the article's ``entity_rows``, if already made)."""
    return Alert(
        rule=rule.name, topic=topic, article_id=article.id, url=article.canonical_url or article.url,
        title=article.title, published_at=article.published_at,
        matched_entities=matched_entities(rule, article, rows), matched_terms=list(_terms(rule.query)),
        source=article.source, story_id=article.story_id, summary=article.summary,
    )


# --------------------------------------------------------------------------- the ledger


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


class ElasticsearchLedger:
    """The ledger in the index ``<alias>-alert-ledger``: ``op_type=create`` lets concurrent index
    workers agree on who claimed an alert (exactly one create succeeds, the others get 409)."""

    MAPPING = {"dynamic": False, "properties": {
        "rule": {"type": "keyword"}, "dedup": {"type": "keyword"}, "article_id": {"type": "keyword"},
        "topic": {"type": "keyword"}, "published": {"type": "boolean"}, "claimed_at": {"type": "date"},
        # "alert" (the record's JSON) is kept in _source only
    }}

    def __init__(self, client: Any, alias: str):
        self.client = client
        self.name = f"{alias}-alert-ledger"
        self._ready = False

    def _ensure(self) -> None:
        if self._ready:
            return
        from elasticsearch import exceptions as es_exc

        if not self.client.indices.exists(index=self.name):
            try:
                self.client.indices.create(index=self.name, mappings=self.MAPPING,
                                           settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"})
            except es_exc.BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":  # another worker won the race
                    raise
        self._ready = True

    def claim(self, claims: list[Claim]) -> list[Claim]:
        """See ``Ledger.claim``: one bulk of creates; conflicts are read back with one mget."""
        from elasticsearch import helpers

        if not claims:
            return []
        self._ensure()
        now = datetime.now().astimezone().isoformat()
        by_id = {c.doc_id: c for c in claims}
        actions = ({"_op_type": "create", "_index": self.name, "_id": c.doc_id, "_source": {
            "rule": c.rule, "dedup": c.dedup, "article_id": c.article_id, "topic": c.topic,
            "alert": c.value.decode("utf-8"), "published": False, "claimed_at": now}} for c in by_id.values())
        # refresh=False: mget is real-time, nothing searches this index
        _, errors = helpers.bulk(self.client, actions, raise_on_error=False, raise_on_exception=True, max_retries=3,
                                 initial_backoff=1)
        conflicts: list[str] = []
        for item in errors:
            info = next(iter(item.values()))
            if int(info.get("status") or 500) == 409:
                conflicts.append(str(info["_id"]))
            else:
                raise RuntimeError(f"alert ledger {self.name}: could not claim {info.get('_id')}: {info.get('error')}")
        out = [c for i, c in by_id.items() if i not in set(conflicts)]
        if conflicts:
            docs = self.client.mget(index=self.name, ids=conflicts)["docs"]
            for doc in docs:
                src = doc.get("_source") or {}
                mine = by_id[doc["_id"]]
                if doc.get("found") and not src.get("published") and src.get("article_id") == mine.article_id:
                    out.append(Claim(mine.rule, mine.dedup, src["article_id"], src["topic"], src["alert"].encode("utf-8")))
        return out

    def mark_published(self, claims: list[Claim]) -> None:
        """See ``Ledger.mark_published``: one bulk of partial updates."""
        from elasticsearch import helpers

        if not claims:
            return
        helpers.bulk(self.client, ({"_op_type": "update", "_index": self.name, "_id": c.doc_id,
                                    "doc": {"published": True}} for c in claims), max_retries=3, initial_backoff=1)

    def published(self) -> list[tuple[str, str, str]]:
        """(rule, dedup, article id) of every published alert (tests, operators; up to 10,000)."""
        self.client.indices.refresh(index=self.name)
        resp = self.client.search(index=self.name, query={"term": {"published": True}}, size=10_000,
                                  sort=[{"rule": "asc"}, {"dedup": "asc"}])
        return [(h["_source"]["rule"], h["_source"]["dedup"], h["_source"]["article_id"]) for h in resp["hits"]["hits"]]

    def drop(self) -> None:
        """Delete the ledger index (tests; irreversible: alerts would be sent again)."""
        self.client.indices.delete(index=self.name, ignore_unavailable=True)
        self._ready = False

    def close(self) -> None:
        """The client belongs to the index."""


def open_ledger(settings: "Settings", index: Index) -> Ledger:
    """The ledger that lives with the configured index."""
    if settings.index == "elasticsearch":
        return ElasticsearchLedger(index.client, settings.es_alias)  # type: ignore[attr-defined]
    return SQLiteLedger(settings.ensure_data_dir() / "alerts.db")


# --------------------------------------------------------------------------- the matcher in the index stage


class AlertMatcher:
    """Runs the rules over each indexed batch and publishes the alerts (see the module docstring)."""

    def __init__(self, settings: "Settings", index: Index, bus: Bus, rules: RulesFile, ledger: Ledger):
        self.settings, self.index, self.bus, self.rules, self.ledger = settings, index, bus, rules, ledger
        self.published = 0

    @classmethod
    def from_settings(cls, settings: "Settings", index: Index, bus: Bus) -> "AlertMatcher | None":
        """The matcher of ``settings.alert_rules`` (None without a rules file); ``RulesError`` if it is broken."""
        if settings.alert_rules is None:
            return None
        rules = RulesFile(settings.alert_rules, settings.entity_labels)
        log.info("alert rules loaded", extra={"path": str(settings.alert_rules), "rules": len(rules.rules)})
        return cls(settings, index, bus, rules, open_ledger(settings, index))

    def run(self, articles: list[EnrichedArticle]) -> int:
        """Match the batch (already indexed) and deliver its alerts; returns how many were published."""
        rules = self.rules.current().rules
        matches = match_batch(self.index, rules, articles)
        if not matches:
            return 0
        claims: dict[tuple[str, str], Claim] = {}
        rows: dict[str, list] = {}  # entity rows per article, made once for all its rules
        for rule, article in matches:
            dedup = article.story_id if rule.once_per_story and article.story_id else article.id
            if (rule.name, dedup) in claims:
                continue  # a second copy of the story in this batch
            topic = self.settings.topic(rule.topic_name)
            if article.id not in rows:
                rows[article.id] = entity_rows(article.entities)
            claims[(rule.name, dedup)] = Claim(rule.name, dedup, article.id, topic,
                                               make_alert(rule, article, rule.topic_name, rows[article.id]).to_json())
        todo = self.ledger.claim(list(claims.values()))
        by_topic: dict[str, list[Claim]] = {}
        for c in todo:
            by_topic.setdefault(c.topic, []).append(c)
        for topic, group in by_topic.items():
            self.bus.publish_many(topic, [(c.article_id, c.value) for c in group],
                                  {"schema_version": "1", "producer": "index", "rule": group[0].rule})
        if todo:
            self.bus.flush()
            self.ledger.mark_published(todo)
            self.published += len(todo)
            log.info("alerts published", extra={"alerts": len(todo), "rules": ",".join(sorted({c.rule for c in todo}))})
        return len(todo)

    def close(self) -> None:
        """Close the ledger (the index and the bus belong to the caller)."""
        self.ledger.close()


# --------------------------------------------------------------------------- dry run (`newsflow alerts test`)


@dataclass
class DryRun:
    """What one rule would have matched among the indexed articles."""

    rule: AlertRule
    hits: list[SearchHit]
    alerts: int  # distinct stories (once_per_story) or articles
    truncated: bool  # stopped at MAX_DRY_RUN_HITS per search


def dry_run(index: Index, rules: list[AlertRule], since: datetime | None = None) -> list[DryRun]:
    """Run each rule over everything indexed (published since ``since``), as the index stage would."""
    out: list[DryRun] = []
    page = 1000
    for rule in rules:
        hits: dict[str, SearchHit] = {}
        truncated = False
        for base in rule.requests(since=since, limit=page):
            offset = 0
            while True:
                result = index.search(base.model_copy(update={"offset": offset}))
                for h in result.hits:
                    hits.setdefault(h.id, h)
                offset += page
                if offset >= result.total or not result.hits:
                    break
                if offset + page > MAX_DRY_RUN_HITS:
                    truncated = True
                    break
        kept = list(hits.values())
        if rule.languages:
            kept = [h for h in kept if (a := index.get(h.id)) is not None and rule.language_ok(a.language)]
        kept.sort(key=lambda h: (h.published_at is None, -(h.published_at.timestamp() if h.published_at else 0), h.id))
        alerts = len({h.story_id or h.id for h in kept}) if rule.once_per_story else len(kept)
        out.append(DryRun(rule, kept, alerts, truncated))
    return out


__all__ = ["AlertMatcher", "Claim", "DryRun", "ElasticsearchLedger", "Ledger", "SQLiteLedger", "dry_run",
           "make_alert", "match_batch", "matched_entities", "open_ledger"]
