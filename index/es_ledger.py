"""The alert ledger of the Elasticsearch deployment: ``<alias>-alert-ledger``, shared by every index worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from elasticsearch import exceptions as es_exc
from elasticsearch import helpers

from index.ledger import Claim


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
