"""Reindex behind the alias: build ``<alias>-v<N+1>`` from ``<alias>-v<N>``, then swap the alias.

There is no ``_reindex`` on the minimal test node (it lives in a module that distribution leaves
out), and a client-side copy lets enrichment run again on the way, so the copy is scan + bulk:

1. put the current index template (so the new version gets today's mapping and settings);
2. create ``<alias>-v<N+1>`` (refresh off while loading), its ``_meta`` saying which index it is
   built from; scan the current index and bulk every article into it, rebuilding the derived
   fields (``entity_rows``, ``source_key``) from the article, optionally through ``transform``;
3. catch up: copy again what writers indexed through the alias since the copy started
   (``indexed_at`` >= start minus a margin for clock skew and batches in flight);
4. refresh the new index, check it holds at least every article the old one held, then swap the
   alias in one ``update_aliases`` call (remove old + add new as the write index): searches
   see either the old or the new index, never neither;
5. copy what writers put into the old index between the catch-up and the swap (only where it
   is newer than the new index's copy), and delete the old index only if asked.

Until step 4 the alias keeps pointing at the old index, so an interrupted reindex loses
nothing: running it again resumes into the half-built index (replaying a bulk by ``_id``
changes nothing), which its ``_meta`` identifies.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator

from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exc

from index.es_mapping import MAPPINGS, template_body
from index.elasticsearch import to_source_json
from newsflow.core.contracts import EnrichedArticle, utcnow

log = logging.getLogger(__name__)

Transform = Callable[[list[EnrichedArticle]], list[EnrichedArticle]]
"""A batch of articles in, the same articles (same ids) out, e.g. enriched again."""

# Writers stamp indexed_at with their own clock before sending a batch; copy again everything
# stamped this long before the copy started, so clock skew and slow batches are covered.
CATCH_UP_MARGIN = timedelta(minutes=5)
_META_KEY = "newsflow_reindex"


class ReindexError(RuntimeError):
    """The reindex cannot go on; the alias still points at the old index."""


@dataclass
class ReindexReport:
    """What a reindex did."""

    alias: str
    source: str
    target: str
    copied: int  # articles copied by the main pass
    caught_up: int  # articles copied again because writers touched them during the reindex
    resumed: bool  # the target was left over by an interrupted run and was reused
    deleted_old: bool
    seconds: float

    def summary(self) -> str:
        """One line for the operator."""
        old = f"{self.source} deleted" if self.deleted_old else f"{self.source} kept (delete it when done: --delete-old)"
        resumed = " (resumed an interrupted run)" if self.resumed else ""
        return (f"reindexed {self.copied} articles{resumed} from {self.source} into {self.target}, "
                f"{self.caught_up} copied again by the catch-up passes (written since {CATCH_UP_MARGIN} before the "
                f"copy started); the alias {self.alias} now points at "
                f"{self.target}; {old}; {self.seconds:.1f} s")


def index_version(alias: str, name: str) -> int | None:
    """N for an index named ``<alias>-v<N>``, else None."""
    m = re.fullmatch(re.escape(alias) + r"-v(\d+)", name)
    return int(m.group(1)) if m else None


def alias_index(client: Elasticsearch, alias: str) -> str:
    """The one concrete index behind ``alias`` (refuses a missing alias or one over several indices)."""
    try:
        names = list(client.indices.get_alias(name=alias))
    except es_exc.NotFoundError:
        if client.indices.exists(index=alias):
            raise ReindexError(f"{alias!r} is a concrete index, not an alias: nothing newsflow can reindex behind it") from None
        raise ReindexError(f"the alias {alias!r} does not exist: nothing indexed yet, nothing to reindex") from None
    if len(names) != 1:
        raise ReindexError(f"the alias {alias!r} points at {len(names)} indices ({', '.join(sorted(names))}); "
                           "point it at one before reindexing")
    return names[0]


def _parse(ts: str | None) -> datetime | None:
    if not ts:
        return None
    dt = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


class Reindexer:
    """Builds the next version of the index behind ``alias`` and swaps the alias to it."""

    def __init__(self, client: Elasticsearch, alias: str, *, batch_size: int = 500,
                 transform: Transform | None = None, scroll: str = "10m", text_analyzer: str = "standard"):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.client = client
        self.alias = alias
        self.batch_size = batch_size
        self.transform = transform
        self.scroll = scroll
        self.text_analyzer = text_analyzer  # the new version gets the configured analyser

    # ------------------------------------------------------------------ plan

    def plan(self) -> tuple[str, str, bool]:
        """(source, target, resumed): the index behind the alias and the one to build.

        A higher version left over by an interrupted reindex from the same source is resumed;
        any other higher version is refused (it may hold something an operator wants).
        """
        source = alias_index(self.client, self.alias)
        source_v = index_version(self.alias, source)
        if source_v is None:
            raise ReindexError(f"the alias {self.alias!r} points at {source!r}, not at a {self.alias}-v<N> index")
        existing = self.client.indices.get(index=f"{self.alias}-v*", allow_no_indices=True, ignore_unavailable=True)
        newer = sorted((v, name) for name in existing if (v := index_version(self.alias, name)) is not None and v > source_v)
        if not newer:
            return source, f"{self.alias}-v{source_v + 1}", False
        _, target = newer[-1]
        meta = (existing[target].get("mappings") or {}).get("_meta") or {}
        state = meta.get(_META_KEY) or {}
        if state.get("from") == source and state.get("state") == "building":
            return source, target, True
        raise ReindexError(
            f"{target} already exists but is not a reindex of {source} in progress ({_META_KEY} = {state or 'none'}); "
            f"delete it (DELETE /{target}) or point the alias {self.alias!r} at it")

    # ------------------------------------------------------------------ run

    def run(self, *, delete_old: bool = False, on_total: Callable[[int], None] | None = None,
            on_copied: Callable[[int], None] | None = None) -> ReindexReport:
        """Copy, catch up, swap, (delete). ``on_total(n)`` then ``on_copied(k)`` per batch report progress."""
        started = time.perf_counter()
        self.client.indices.put_index_template(name=f"{self.alias}-template",
                                              **template_body(self.alias, self.text_analyzer))
        source, target, resumed = self.plan()
        if resumed:
            log.info("resuming the reindex of %s into %s", source, target)
        else:
            self.client.indices.create(
                index=target,
                # refresh off while loading: no segment per second during the copy
                settings={"refresh_interval": "-1"},
                mappings={"_meta": {**MAPPINGS["_meta"], _META_KEY: {"from": source, "state": "building"}}},
            )
        self.client.indices.refresh(index=source)
        expected = int(self.client.count(index=source)["count"])
        if on_total:
            on_total(expected)

        copy_started = utcnow()
        copied = self._copy(source, target, None, on_copied)
        catch_up_started = utcnow()
        caught_up = self._copy(source, target, copy_started - CATCH_UP_MARGIN, None)

        self.client.indices.put_settings(index=target, settings={"refresh_interval": None})
        self.client.indices.refresh(index=target)
        have = int(self.client.count(index=target)["count"])
        if have < expected:
            raise ReindexError(f"{target} holds {have} articles, {source} held {expected}: not swapping the alias "
                               f"(it still points at {source}); run the reindex again to resume")
        self.client.indices.update_aliases(actions=[
            {"remove": {"index": source, "alias": self.alias}},
            {"add": {"index": target, "alias": self.alias, "is_write_index": True}},
        ])
        log.info("alias %s swapped from %s to %s", self.alias, source, target)
        self.client.indices.put_mapping(index=target, meta={**MAPPINGS["_meta"], _META_KEY: {"from": source, "state": "swapped"}})

        # batches that went to the old index between the catch-up and the swap; a writer refreshes
        # through the alias, which now names the new index: refresh the old one, or its last
        # batches are invisible to the scan
        self.client.indices.refresh(index=source)
        caught_up += self._copy(source, target, catch_up_started - CATCH_UP_MARGIN, None, only_newer=True)
        self.client.indices.refresh(index=target)
        if delete_old:
            self.client.indices.delete(index=source)
        return ReindexReport(alias=self.alias, source=source, target=target, copied=copied, caught_up=caught_up,
                             resumed=resumed, deleted_old=delete_old, seconds=time.perf_counter() - started)

    # ------------------------------------------------------------------ internals

    def _scan(self, index: str, since: datetime | None) -> Iterator[list[dict]]:
        query = {"match_all": {}} if since is None else {"range": {"indexed_at": {"gte": since.isoformat()}}}
        batch: list[dict] = []
        for hit in helpers.scan(self.client, index=index, query={"query": query}, size=self.batch_size,
                                scroll=self.scroll, preserve_order=False):
            batch.append(hit)
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _copy(self, source: str, target: str, since: datetime | None, on_copied: Callable[[int], None] | None,
              *, only_newer: bool = False) -> int:
        copied = 0
        for hits in self._scan(source, since):
            if only_newer:
                hits = self._newer_than_target(target, hits)
                if not hits:
                    continue
            self._bulk(target, self._documents(hits))
            copied += len(hits)
            if on_copied:
                on_copied(len(hits))
        return copied

    def _newer_than_target(self, target: str, hits: list[dict]) -> list[dict]:
        """The hits the target lacks or holds in an older version (a writer may have updated it after the swap)."""
        docs = self.client.mget(index=target, ids=[h["_id"] for h in hits], source_includes=["indexed_at"])["docs"]
        theirs = {d["_id"]: _parse((d.get("_source") or {}).get("indexed_at")) if d.get("found") else None for d in docs}
        out = []
        for h in hits:
            mine, there = _parse(h["_source"].get("indexed_at")), theirs.get(h["_id"])
            if there is None or (mine is not None and mine > there):
                out.append(h)
        return out

    def _documents(self, hits: list[dict]) -> list[tuple[str, str]]:
        """(id, _source JSON) for a batch: the article rebuilt from its _source, derived fields recomputed."""
        articles: list[EnrichedArticle] = []
        stamps: dict[str, str] = {}
        bad: list[str] = []
        for h in hits:
            try:
                articles.append(EnrichedArticle.model_validate(h["_source"]))
            except ValueError as exc:
                bad.append(f"{h['_id']}: {str(exc).splitlines()[0]}")
                continue
            stamps[h["_id"]] = h["_source"].get("indexed_at") or utcnow().isoformat()
        if bad:
            raise ReindexError(f"{len(bad)} documents are not valid articles, e.g. {bad[0]}; not swapping the alias")
        if self.transform is not None:
            ids = [a.id for a in articles]
            articles = self.transform(articles)
            if sorted(a.id for a in articles) != sorted(ids):
                raise ReindexError("the transform must return the same articles (same ids) it was given")
        # indexed_at is kept: it says when the pipeline wrote the article, and the catch-up relies on it
        return [(a.id, to_source_json(a, stamps[a.id])) for a in articles]

    def _bulk(self, target: str, docs: Iterable[tuple[str, str]]) -> None:
        actions = ({"_index": target, "_id": aid, "_source": src} for aid, src in docs)
        failed: list[str] = []
        # streaming_bulk retries 429s itself; the client retries 502/503/504 and connection errors
        for ok, item in helpers.streaming_bulk(self.client, actions, chunk_size=self.batch_size,
                                               max_chunk_bytes=10 * 1024 * 1024, raise_on_error=False,
                                               max_retries=5, initial_backoff=1):
            if not ok:
                info = next(iter(item.values()))
                err = info.get("error") or {}
                reason = f"{err.get('type', 'error')}: {err.get('reason', err)}" if isinstance(err, dict) else str(err)
                failed.append(f"{info.get('_id')}: status {info.get('status')} {reason}")
        if failed:
            raise ReindexError(f"{target} refused {len(failed)} articles, e.g. {failed[0]}; the alias still points "
                               f"at the old index (fix the mapping or the documents, then run the reindex again)")


__all__ = ["CATCH_UP_MARGIN", "ReindexError", "ReindexReport", "Reindexer", "Transform", "alias_index", "index_version"]
