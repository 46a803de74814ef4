"""Error analysis of extraction on a passage corpus: what newsflow misses and what it keeps wrongly.

    .venv/bin/python bench/extract_errors.py --corpus DIR [--half even|odd] [--limit N] [--list]

For each page of the corpus (``ingest/evaluation.py``; e.g. ../shared/corpora/trafilatura-eval)
it runs ``extract_html`` and each ensemble member alone, then
- every ``with`` passage our text misses, grouped by which members found it and, where
  resiliparse found it, whether its line sits before, inside or after the lines resiliparse
  shares with our text (a truncated start, a hole, a truncated end);
- every ``without`` passage our text keeps, grouped by where its line is in our text (first or
  last line, the first or last three, the middle) and whether resiliparse keeps it too.
``--list`` prints each one with its page key and line. Choices are made on the even-indexed
pages (``--half even``); the odd ones are the held-out check.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from ingest.evaluation import EvalPage, load_corpus, passage_scores
from ingest.extract import extract_html
from ingest.extractors import parse_html, resiliparse_text, trafilatura_text


def _members(page: EvalPage) -> dict[str, str]:
    def run(fast: bool) -> str:
        tree = parse_html(page.html)
        return trafilatura_text(tree if tree is not None else page.html, page.url, fast=fast)
    return {"fast": run(True), "default": run(False), "resiliparse": resiliparse_text(page.html)}


def _span_position(passage: str, ours: str, witness: str) -> str:
    """Where the witness's line holding ``passage`` sits against the lines it shares with ``ours``."""
    known = set(ours.split("\n"))
    lines = witness.split("\n")
    shared = [i for i, line in enumerate(lines) if line in known]
    at = next((i for i, line in enumerate(lines) if passage in line), None)
    if at is None:
        return "across lines"
    if not shared:
        return "no line shared"
    where = "before" if at < shared[0] else "after" if at > shared[-1] else "inside"
    return f"{where} the shared lines"


def _line_position(passage: str, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if passage in line), None)
    if at is None:
        return "across lines", ""
    last = len(lines) - 1
    where = ("first line" if at == 0 else "last line" if at == last else "first 3" if at < 3
             else "last 3" if at > last - 3 else "middle")
    return where, lines[at]


def analyse(pages: list[EvalPage], listing: bool) -> None:
    """Print the scores, the grouped misses and kept boilerplate, and with ``listing`` each one."""
    texts, missed, kept, sources = [], Counter(), Counter(), Counter()
    for page in pages:
        result = extract_html(page.html, page.url)
        ours = result.text if result is not None else ""
        sources[result.extractor if result is not None else "nothing"] += 1
        texts.append(ours)
        members = _members(page)
        for passage in page.with_:
            if passage in ours:
                continue
            found = [name for name, text in members.items() if passage in text] or ["no member"]
            group = f"found by {'+'.join(found)}"
            if "resiliparse" in found:
                group += f", {_span_position(passage, ours, members['resiliparse'])}"
            missed[group] += 1
            if listing:
                print(f"MISSED {page.key} [{group}] {passage[:100]!r}")
        for passage in page.without:
            if passage not in ours:
                continue
            where, line = _line_position(passage, ours)
            group = f"{where}, {'also' if passage in members['resiliparse'] else 'not'} in resiliparse"
            kept[group] += 1
            if listing:
                print(f"KEPT   {page.key} [{group}] {line[:120]!r}")
    p, r, f = passage_scores(texts, pages)
    print(f"{len(pages)} pages: F1 {f:.4f} (P {p:.4f}, R {r:.4f})")
    print(f"text taken from: {', '.join(f'{k} {v}' for k, v in sources.most_common())}")
    print(f"wanted passages missed: {sum(missed.values())}")
    for group, n in missed.most_common():
        print(f"  {n:4}  {group}")
    print(f"unwanted passages kept: {sum(kept.values())}")
    for group, n in kept.most_common():
        print(f"  {n:4}  {group}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="A passage corpus (evaldata.json + html/).")
    parser.add_argument("--half", choices=("even", "odd"), default=None, help="Only the even- or odd-indexed pages.")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N pages.")
    parser.add_argument("--list", action="store_true", help="Print every missed and kept passage.")
    args = parser.parse_args()
    pages = load_corpus(args.corpus, args.limit)
    if args.half is not None:
        pages = pages[(0 if args.half == "even" else 1)::2]
    if not pages:
        sys.exit(f"no pages in {args.corpus}")
    analyse(pages, args.list)


if __name__ == "__main__":
    main()
