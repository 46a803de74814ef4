"""What newsflow's own full-text analysis (``newsflow.core.analysis.stem_text``: fold, Snowball stem)
costs per article, against what building an index document cost before it, in one run.

    .venv/bin/python bench/analysis.py [--articles 2000] [--runs 5]

Baseline: the article's JSON (pydantic) plus its entity rows, the work ``to_source_json`` did per
article before the stem fields. Ours: the stems of the title and the text, with PyStemmer's word
cache warm (a stream of news repeats its words) and cold (a new stemmer for every article: the
worst case, every word stemmed). Rounds interleave baseline and ours; the best of
``--runs`` counts. The sample site has ten distinct texts, so the warm figure is optimistic.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from index.elasticsearch import entity_docs  # noqa: E402
from newsflow.core import analysis  # noqa: E402

from corpora import enriched_articles  # noqa: E402 - bench/corpora.py (the script's own folder is on sys.path)


def baseline(articles) -> float:
    started = time.perf_counter()
    for a in articles:
        a.model_dump_json()
        entity_docs(a.entities)
    return time.perf_counter() - started


def stems(articles, cold: bool) -> float:
    started = time.perf_counter()
    for a in articles:
        if cold:
            analysis._stemmer.cache_clear()  # a new Stemmer: PyStemmer's own word cache empty
        analysis.stem_text(a.title, a.language)
        analysis.stem_text(a.text, a.language)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    articles = enriched_articles(args.articles)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    best = {"baseline": float("inf"), "warm": float("inf"), "cold": float("inf")}
    for _ in range(args.runs):
        best["baseline"] = min(best["baseline"], baseline(articles))
        best["warm"] = min(best["warm"], stems(articles, cold=False))
        best["cold"] = min(best["cold"], stems(articles, cold=True))
    n = len(articles)
    print(f"{n} articles of ~{words:.0f} words, best of {args.runs} interleaved rounds")
    print(f"baseline (JSON + entity rows): {n / best['baseline']:,.0f} articles/s")
    for key in ("warm", "cold"):
        print(f"stems, word cache {key}: {n / best[key]:,.0f} articles/s = {best[key] / best['baseline']:.2f}x "
              "the baseline's time per article")


if __name__ == "__main__":
    main()
