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
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from index.ledger import Claim, Ledger, SQLiteLedger
from index.rows import entity_rows
from newsflow.core.aliases import canonical_name
from newsflow.core.alert_rules import AlertRule, RulesFile
from newsflow.core.bus import Bus
from newsflow.core.contracts import Alert, EnrichedArticle, record_headers
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


def open_ledger(settings: "Settings", index: Index) -> Ledger:
    """The ledger that lives with the configured index (``Index.alert_ledger``)."""
    return index.alert_ledger(settings)


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
                                  record_headers("index", rule=group[0].rule))
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


__all__ = ["AlertMatcher", "Claim", "DryRun", "Ledger", "SQLiteLedger", "dry_run",
           "make_alert", "match_batch", "matched_entities", "open_ledger"]
