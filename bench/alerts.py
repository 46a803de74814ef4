"""The price of alert rules: indexing rate with 0, 10 and 100 rules, side by side in one run.

    .venv/bin/python bench/alerts.py [--articles 2000] [--batch 500] [--rules 0,10,100]
    NEWSFLOW_ES_URL=http://127.0.0.1:9200 .venv/bin/python bench/alerts.py   # Elasticsearch too

What is timed is the index stage's ``write`` as the worker calls it: the upsert of a batch, then
(with rules) every rule run as a search restricted to the batch (``Index.msearch``; one
``msearch`` per batch on Elasticsearch), the ledger claims, publishing the alerts on the
embedded bus and marking them published. Each configuration writes into a fresh index, bus and
ledger. The rules cycle through kinds people write: a person in any spelling, a person with a
minimum salience, a full-text query, a query plus a person, any of two people, a label.
The baseline is the same stage with 0 rules; ``ratio`` is the rate relative to it.
Elasticsearch runs only when ``NEWSFLOW_ES_URL`` answers (alias ``bench-alerts-<uuid>``, deleted after).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from index.alerts import AlertMatcher, ElasticsearchLedger, SQLiteLedger  # noqa: E402
from index.embedded import EmbeddedIndex  # noqa: E402
from index.stage import IndexStage  # noqa: E402
from newsflow.core.alert_rules import RulesFile  # noqa: E402
from newsflow.core.bus.embedded import SQLiteBus  # noqa: E402
from newsflow.core.config import Settings  # noqa: E402
from corpora import enriched_articles  # noqa: E402 - bench/corpora.py
from newsflow.core.contracts import EnrichedArticle  # noqa: E402

PEOPLE = ["Kim Jong-un", "Putin", "Erdogan", "Xi Jinping", "Zelenskiy", "Kim Yo-jong", "Sergei Lavrov"]
WORDS = ["missile", "talks", "shipping", "sanctions", "summit", "trade", "rail", "investors", "freight", "air"]


def rules_yaml(n: int) -> str:
    """``n`` rules of mixed kinds (see the module docstring)."""
    lines = ["rules:"]
    for i in range(n):
        p, q, w = PEOPLE[i % len(PEOPLE)], PEOPLE[(i + 3) % len(PEOPLE)], WORDS[i % len(WORDS)]
        kind = i % 6
        lines.append(f"  - name: r{i}")
        if kind == 0:
            lines.append(f"    entities: ['{p}']")
        elif kind == 1:
            lines += [f"    entities: ['{p}']", "    min_salience: 0.5"]
        elif kind == 2:
            lines.append(f"    query: '{w}'")
        elif kind == 3:
            lines += [f"    query: '{w}'", f"    entities: ['{p}']"]
        elif kind == 4:
            lines.append(f"    any_entities: ['{p}', '{q}']")
        else:
            lines += ["    labels: [ORG]", f"    query: '{w} OR {WORDS[(i + 1) % len(WORDS)]}'"]
    return "\n".join(lines) + "\n"


def run(backend: str, n_rules: int, articles: list[EnrichedArticle], batch: int, es_url: str | None) -> tuple[float, int]:
    """(articles per second, alerts published) for one configuration, in fresh stores."""
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        settings = Settings(data_dir=tmpdir, index=backend, es_url=es_url or "http://127.0.0.1:9200",
                            es_alias=f"bench-alerts-{uuid.uuid4().hex[:10]}")
        if backend == "elasticsearch":
            from index.elasticsearch import ElasticsearchIndex

            index = ElasticsearchIndex(settings)
            index.ensure()
        else:
            index = EmbeddedIndex(tmpdir / "index.db")
        bus = SQLiteBus(tmpdir / "bus.db")
        matcher = None
        if n_rules:
            path = tmpdir / "rules.yaml"
            path.write_text(rules_yaml(n_rules))
            ledger = (ElasticsearchLedger(index.client, settings.es_alias) if backend == "elasticsearch"
                      else SQLiteLedger(tmpdir / "alerts.db"))
            matcher = AlertMatcher(settings, index, bus, RulesFile(path), ledger)
        stage = IndexStage(index, matcher)
        try:
            t = time.perf_counter()
            for i in range(0, len(articles), batch):
                stage.write(articles[i:i + batch])
            elapsed = time.perf_counter() - t
            return len(articles) / elapsed, (matcher.published if matcher else 0)
        finally:
            if backend == "elasticsearch":
                if matcher is not None:
                    matcher.ledger.drop()
                index.drop()
            index.close()
            bus.close()


def es_answers(url: str | None) -> bool:
    if not url:
        return False
    try:
        from elasticsearch import Elasticsearch

        client = Elasticsearch(url, request_timeout=5, max_retries=0)
        try:
            return client.cluster.health(timeout="5s")["status"] in ("green", "yellow")
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - any failure: not there
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500, help="articles per write (index_batch_size)")
    parser.add_argument("--rules", default="0,10,100", help="rule counts, comma-separated (0 = the baseline)")
    args = parser.parse_args()
    counts = [int(x) for x in args.rules.split(",")]
    if 0 not in counts:
        counts = [0, *counts]
    # persons of varying salience, and every three articles one story
    articles = enriched_articles(args.articles, salience=lambda i: 0.3 + 0.1 * (i % 5), story=lambda i: f"s{i // 3}")
    es_url = os.environ.get("NEWSFLOW_ES_URL")
    backends = ["embedded"] + (["elasticsearch"] if es_answers(es_url) else [])
    console = Console()
    table = Table(title=f"index stage with alert rules: {args.articles} articles, batches of {args.batch}")
    for col in ("backend", "rules", "articles/s", "ratio", "alerts"):
        table.add_column(col, justify="right" if col != "backend" else "left")
    for backend in backends:
        base = None
        for n in counts:
            rate, alerts = run(backend, n, articles, args.batch, es_url)
            base = rate if n == 0 else base
            table.add_row(backend, str(n), f"{rate:,.0f}", f"{rate / base:.2f}x", str(alerts))
    console.print(table)
    if "elasticsearch" not in backends:
        console.print("Elasticsearch: skipped (set NEWSFLOW_ES_URL to a node that answers)")
    print("ratio = indexing rate with the rules / rate with 0 rules")


if __name__ == "__main__":
    main()
