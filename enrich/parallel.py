"""Process-parallel enrichment on one machine (``--workers N``).

spaCy's NER runs on one core per process (the GIL and thinc's single-threaded CPU ops), so
a batch is split into ``N`` contiguous chunks, each enriched by its own worker process with
its own copy of the model, and the results are put back in order. The stories and the
entity registry are SQLite files every worker opens, so all workers agree on both (over Kafka,
with workers elsewhere too: enrich.shared_state).

This keeps one consumer and one commit per batch: the delivery guarantees of the stage are
those of a single worker. Across machines (Kafka), scale with more ``newsflow enrich``
processes in the consumer group instead.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from newsflow.core.config import Settings
from newsflow.core.contracts import Article, EnrichedArticle

# One Enricher per worker process, built by the pool's initializer.
_worker_enricher = None


def _exit_with_parent() -> None:
    """Exit when the process that owns the pool is gone (``kill -9``): an orphaned worker would
    otherwise wait forever on its task queue, holding a model's worth of memory."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _init_worker(settings_values: dict[str, Any], stories_path: str, registry_path: str, shared: bool | None) -> None:
    global _worker_enricher
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    from enrich.enricher import Enricher
    from enrich.shared_state import open_stores

    settings = Settings(**settings_values)
    stories, registry = open_stores(settings, stories_path, registry_path, shared)
    _worker_enricher = Enricher(settings, stories=stories, registry=registry)


def _enrich_chunk(articles: list[Article]) -> list[EnrichedArticle]:
    assert _worker_enricher is not None, "worker not initialised"
    return _worker_enricher.enrich(articles)


def chunks(items: list, n: int) -> list[list]:
    """``items`` in at most ``n`` contiguous, nearly equal, non-empty chunks, in order."""
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return [c for c in out if c]


class ParallelEnricher:
    """``enrich(articles)`` like ``Enricher``, spread over ``workers`` processes."""

    def __init__(self, settings: Settings, workers: int, stories_path: Path | str, registry_path: Path | str,
                 shared: bool | None = None):
        """Start ``workers`` processes; each loads the model once, on its first batch.

        ``shared``: whether the stores are shared with other machines (``open_stores``).
        """
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        # "spawn": a forked child would inherit the parent's threads and SQLite handles
        self._initargs = (settings.model_dump(), str(stories_path), str(registry_path), shared)
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=self._initargs)

    def enrich(self, articles: list[Article]) -> list[EnrichedArticle]:
        """Enrich ``articles`` in order, their chunks in parallel.

        A worker that dies (killed, out of memory on a monstrous text) fails this call with
        ``RuntimeError`` and the pool is rebuilt, so the stage's one-by-one retry can find
        the article responsible without every later batch failing too.
        """
        if not articles:
            return []
        try:
            results = list(self._pool.map(_enrich_chunk, chunks(articles, self.workers)))
        except BrokenProcessPool as exc:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            raise RuntimeError(f"an enrich worker process died: {exc}") from exc
        return [a for chunk in results for a in chunk]

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.shutdown(wait=True, cancel_futures=True)
