"""Enrichment throughput against bare spaCy, measured side by side in one process.

    .venv/bin/python bench/bench_enrich.py [--articles 300] [--batch-size 32]

Baselines: ``nlp.pipe`` over the same texts with the same model and components (what spaCy
alone costs), and with the model's full default pipeline (what ``spacy.load`` alone gives).
Target: the Enricher (canonical entities, salience, records) within 10% of the first.
"""

from __future__ import annotations

import argparse
import time

import spacy

from enrich.enricher import Enricher
from enrich.canonical import compose
from newsflow.config import load_settings
from newsflow.contracts import Article, article_id, content_hash
from newsflow.samplesite import ORIGINALS


def corpus(n: int) -> list[Article]:
    """``n`` articles cycling through the sample site's texts (distinct ids)."""
    out = []
    for i in range(n):
        a = ORIGINALS[i % len(ORIGINALS)]
        url = f"https://bench.example/{i}/{a.slug}"
        out.append(Article(id=article_id(url), url=url, canonical_url=url, source="bench.example",
                           title=a.title, text=a.text, content_hash=content_hash(a.text)))
    return out


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    settings = load_settings(enrich_batch_size=args.batch_size)
    enricher = Enricher(settings)
    nlp = enricher.nlp
    articles = corpus(args.articles)
    texts = [compose(a.title, a.text)[0] for a in articles]
    chars = sum(len(t) for t in texts)

    def bare():
        for _ in nlp.pipe(texts, batch_size=args.batch_size):
            pass

    def ours():
        for i in range(0, len(articles), args.batch_size):
            for e in enricher.enrich(articles[i:i + args.batch_size]):
                e.to_json()

    full_nlp = spacy.load(nlp.meta["lang"] + "_" + nlp.meta["name"])

    def full():
        for _ in full_nlp.pipe(texts, batch_size=args.batch_size):
            pass

    bare()  # warm-up: first calls allocate
    t_bare = best_of(args.runs, bare)
    t_full = best_of(1, full)
    t_ours = best_of(args.runs, ours)
    n = len(articles)
    print(f"model {enricher.provenance.model} {enricher.provenance.model_version}, components {nlp.pipe_names}")
    print(f"{n} articles, {chars / n:.0f} chars each, batch {args.batch_size}, best of {args.runs}")
    print(f"bare spaCy nlp.pipe : {n / t_bare:7.1f} articles/s")
    print(f"bare spaCy, full    : {n / t_full:7.1f} articles/s (all components of the model)")
    print(f"newsflow Enricher   : {n / t_ours:7.1f} articles/s (incl. JSON serialisation)")
    print(f"ratio               : {t_bare / t_ours:7.2f} of bare spaCy throughput")


if __name__ == "__main__":
    main()
