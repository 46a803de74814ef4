"""Indexing throughput into Elasticsearch against a plain ``helpers.bulk``, side by side in one run.

    NEWSFLOW_ES_URL=http://127.0.0.1:9200 .venv/bin/python bench/index.py [--articles 4000] [--sizes 100,200,500,1000]

Ours: ``ElasticsearchIndex.upsert`` in batches of each size, as the index stage calls it
(articles serialised to JSON, derived fields computed, bulk with retries, then the batch made
visible), in each refresh mode: ``True`` (an explicit refresh per batch, the default: alert
rules search a batch right after it was indexed), ``wait_for`` (wait for the scheduled refresh)
and ``False`` (no wait). Baseline: ``elasticsearch.helpers.bulk`` with the same chunk size over
the same documents already built as dicts, then one refresh. Each run writes into a fresh index
with the project's template (behind its own ``bench-<uuid>`` alias, deleted afterwards); rounds
alternate which side goes first (baseline first in even rounds, ours first in odd ones) and the
best of ``--runs`` counts. Target: ours >= 0.9x the baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from elasticsearch import helpers  # noqa: E402

from index.elasticsearch import ElasticsearchIndex, client_from_settings, to_document  # noqa: E402
from newsflow.core.config import load_settings  # noqa: E402
from newsflow.core.contracts import EnrichedArticle  # noqa: E402
from corpora import enriched_articles  # noqa: E402 - bench/corpora.py

MODES: dict[str, str | bool] = {"refresh": True, "wait_for": "wait_for", "none": False}


@contextmanager
def scratch_index(settings, refresh=True) -> Iterator[ElasticsearchIndex]:
    """A fresh index (template applied, outside any timing: the stage does it once), dropped afterwards."""
    ix = ElasticsearchIndex(settings.model_copy(update={"es_alias": f"bench-{uuid.uuid4().hex[:10]}"}), refresh=refresh)
    try:
        ix.ensure()
        yield ix
    finally:
        ix.drop()
        ix.close()


def run_ours(settings, articles: list[EnrichedArticle], size: int, refresh) -> float:
    with scratch_index(settings, refresh) as ix:
        t = time.perf_counter()
        for i in range(0, len(articles), size):
            ix.upsert(articles[i:i + size])
        if refresh is False:
            ix.client.indices.refresh(index=ix.alias)  # visible at the end, like the baseline
        elapsed = time.perf_counter() - t
        assert ix.count() == len(articles), "not every article was indexed"
        return elapsed


def run_plain(settings, docs: list[dict], size: int) -> float:
    with scratch_index(settings) as ix:
        actions = [{"_index": ix.alias, "_id": d["id"], "_source": d} for d in docs]
        t = time.perf_counter()
        helpers.bulk(ix.client, actions, chunk_size=size, max_chunk_bytes=10 * 1024 * 1024)
        ix.client.indices.refresh(index=ix.alias)
        elapsed = time.perf_counter() - t
        assert ix.count() == len(docs), "not every document was indexed"
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--sizes", default="100,200,500,1000", help="Bulk sizes to try, comma-separated.")
    parser.add_argument("--modes", default="refresh,wait_for,none", help=f"Refresh modes of ours: {', '.join(MODES)}.")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown refresh modes {unknown}; choose from {list(MODES)}")

    settings = load_settings(index="elasticsearch")
    client = client_from_settings(settings)
    try:
        health = client.cluster.health(timeout="5s")["status"]
        version = client.nodes.info(node_id="_local", metric="_none")
    except Exception as exc:  # noqa: BLE001 - say what is missing, not a traceback
        raise SystemExit(f"Elasticsearch at {settings.es_url} is not answering ({exc}); "
                         "start it with `make services-up` or set NEWSFLOW_ES_URL") from None
    finally:
        client.close()
    articles = enriched_articles(args.articles)
    now = datetime.now(timezone.utc).isoformat()
    docs = [to_document(a, now) for a in articles]
    kb = sum(len(a.model_dump_json()) for a in articles) / len(articles) / 1024
    node = next(iter(version["nodes"].values()), {}).get("version", "?")
    print(f"Elasticsearch {node} at {settings.es_url} ({health}); {len(articles)} articles, {kb:.1f} KB each, best of {args.runs}")
    print(f"{'bulk size':>9} {'plain bulk/s':>13} " + " ".join(f"{'ours ' + m + '/s':>17} {'ratio':>6}" for m in modes))
    best: tuple[float, int, str] | None = None
    for size in sizes:
        plain = float("inf")
        ours = {m: float("inf") for m in modes}
        for r in range(args.runs):
            # alternate which side goes first, so drift on a shared machine (or a warm node
            # cache) favours neither: even rounds run the baseline first, odd rounds ours
            sides = ["plain", *modes] if r % 2 == 0 else [*modes, "plain"]
            for side in sides:
                if side == "plain":
                    plain = min(plain, run_plain(settings, docs, size))
                else:
                    ours[side] = min(ours[side], run_ours(settings, articles, size, MODES[side]))
        n = len(articles)
        cells = []
        for m in modes:
            ratio = plain / ours[m]
            cells.append(f"{n / ours[m]:17.0f} {ratio:6.2f}")
            if m == "refresh" and (best is None or n / ours[m] > best[0]):
                best = (n / ours[m], size, f"{ratio:.2f}")
        print(f"{size:>9} {n / plain:13.0f} " + " ".join(cells))
    if best:
        print(f"best bulk size for the default (refresh per batch): {best[1]} ({best[0]:.0f} articles/s, "
              f"ratio {best[2]} of plain helpers.bulk)")


if __name__ == "__main__":
    main()
