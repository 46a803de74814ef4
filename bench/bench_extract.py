"""Extraction throughput against bare trafilatura, measured side by side in one process.

    .venv/bin/python bench/bench_extract.py [--pages 200]

Baseline: ``trafilatura.bare_extraction`` with the settings ingest uses. Ours adds charset
decoding, the canonical link, language and date metadata (ingest.extract.extract_html).
"""

from __future__ import annotations

import argparse
import time

import trafilatura

from ingest.charset import decode_html
from ingest.extract import extract_html
from newsflow.samplesite import ORIGINALS, SampleSite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with SampleSite() as site:
        pages = [(site.page(a.path).encode("utf-8"), f"https://bench.example{a.path}") for a in ORIGINALS]
    work = [pages[i % len(pages)] for i in range(args.pages)]

    def bare():
        for body, url in work:
            trafilatura.bare_extraction(body.decode("utf-8"), url=url, with_metadata=True, include_comments=False,
                                        include_tables=False, favor_precision=True)

    def ours():
        for body, url in work:
            extract_html(decode_html(body, None), url)

    bare()
    t = {}
    for name, fn in (("bare", bare), ("ours", ours)):
        start = time.perf_counter()
        fn()
        t[name] = time.perf_counter() - start
    kb = sum(len(b) for b, _ in work) / len(work) / 1024
    print(f"{args.pages} pages, {kb:.0f} KB each")
    print(f"bare trafilatura     : {args.pages / t['bare']:7.1f} pages/s")
    print(f"newsflow extract_html: {args.pages / t['ours']:7.1f} pages/s (incl. charset detection)")
    print(f"ratio                : {t['bare'] / t['ours']:7.2f} of bare trafilatura throughput")


if __name__ == "__main__":
    main()
