"""--workers N: the same enrichment, spread over N processes that share stories and entities."""

from __future__ import annotations

import os
import signal

import pytest

from enrich.enricher import Enricher
from enrich.parallel import ParallelEnricher, chunks
from newsflow.core.config import Settings
from newsflow.core.contracts import Article, article_id, content_hash
from demo import ORIGINALS


def articles(prefix: str = "a") -> list[Article]:
    out = []
    for i, o in enumerate(ORIGINALS):
        url = f"https://parallel.example/{prefix}/{i}"
        out.append(Article(id=article_id(url), url=url, canonical_url=url, source="parallel.example",
                           title=o.title, text=o.text, content_hash=content_hash(o.text)))
    return out


@pytest.mark.parametrize("n,size", [(2, 10), (3, 10), (4, 2), (1, 5), (8, 3)])
def test_chunks_keep_order_and_split_evenly(n, size):
    items = list(range(size))
    parts = chunks(items, n)
    assert [x for p in parts for x in p] == items
    assert len(parts) == min(n, size)
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parallel")
    enricher = ParallelEnricher(Settings(data_dir=tmp), 2, tmp / "stories.db", tmp / "entities.db")
    yield enricher
    enricher.close()


def test_two_workers_enrich_like_one(parallel, tmp_path):
    batch = articles()
    serial = Enricher(Settings(data_dir=tmp_path)).enrich(batch)
    out = parallel.enrich(batch)
    assert [a.id for a in out] == [a.id for a in batch]
    for p, s in zip(out, serial):
        assert [(e.label, e.key) for e in p.entities] == [(e.label, e.key) for e in s.entities]
        assert (p.keyphrases, p.summary) == (s.keyphrases, s.summary)


def test_workers_share_stories(parallel):
    # copies of every article, in the other chunk of the batch than their originals
    batch = articles("orig") + articles("copy")
    out = parallel.enrich(batch)
    half = len(batch) // 2
    assert [a.story_id for a in out[:half]] == [a.story_id for a in out[half:]]


def test_a_dead_worker_fails_one_call_and_the_next_one_works(parallel):
    parallel.enrich(articles("warm")[:2])
    pids = list(parallel._pool._processes)  # the pool's own record of its children
    os.kill(pids[0], signal.SIGKILL)
    with pytest.raises(RuntimeError, match="worker process died"):
        parallel.enrich(articles("during"))
    out = parallel.enrich(articles("after"))
    assert len(out) == len(ORIGINALS)
