"""Error analysis of extraction on a passage corpus: what newsflow misses and what it keeps wrongly.

    .venv/bin/python bench/extract_errors.py --corpus DIR [--half even|odd] [--limit N] [--list]
    .venv/bin/python bench/extract_errors.py --reference DIR [--limit N] [--worst 15] [--list]

For each page of the corpus (``ingest/evaluation.py``; e.g. ../shared/corpora/trafilatura-eval)
it runs ``extract_html`` and each ensemble member alone, then
- every ``with`` passage our text misses, grouped by which members found it and, where
  resiliparse found it, whether its line sits before, inside or after the lines resiliparse
  shares with our text (a truncated start, a hole, a truncated end);
- every ``without`` passage our text keeps, grouped by where its line is in our text (first or
  last line, the first or last three, the middle) and whether resiliparse keeps it too.
``--list`` prints each one with its page key and line. Choices are made on the even-indexed
pages (``--half even``); the odd ones are the held-out check.

With ``--reference DIR`` (a reference-extraction corpus: Mozilla Readability's test pages,
bench/fetch_reference_pages.py) it scores whole bodies as the article-extraction benchmark does,
newsflow beside bare trafilatura, and names the pages where newsflow scores worst; ``--list``
prints, for each of them, the lines newsflow keeps that the reference lacks (EXTRA) and the
reference's lines newsflow lacks (MISSING), word for word.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import trafilatura

from ingest.evaluation import (EvalPage, ReferencePage, body_page_scores, body_scores, body_words, load_corpus,
                               load_reference_pages, passage_scores, with_f1)
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


def _words(text: str) -> str:
    return " ".join(body_words(text))


def _absent_lines(text: str, other: str) -> list[str]:
    """The lines of ``text`` whose words do not occur, in that order, in ``other``."""
    known = f" {_words(other)} "
    return [line for line, words in ((line, _words(line)) for line in text.split("\n"))
            if words and f" {words} " not in known]


def _page_prf(extracted: str, truth: str) -> tuple[float, float, float]:
    # a page without a precision or a recall (nothing extracted) shows 0 for it
    p, r = (score or 0.0 for score in body_page_scores(extracted, truth))
    return with_f1(p, r)


def analyse_reference(pages: list[ReferencePage], listing: bool, worst: int) -> None:
    """Print whole-body scores of newsflow and bare trafilatura, the pages where newsflow scores
    worst, and with ``listing`` the lines that make the difference on each of them."""
    ours, bare = [], []
    for page in pages:
        result = extract_html(page.html)
        ours.append(result.text if result is not None else "")
        bare.append(trafilatura.extract(page.html) or "")
    for name, texts in (("newsflow", ours), ("bare trafilatura", bare)):
        p, r, f = body_scores(zip(texts, (page.body for page in pages)))
        print(f"{len(pages)} pages, {name}: F1 {f:.4f} (P {p:.4f}, R {r:.4f})")
    scored = sorted(range(len(pages)), key=lambda i: _page_prf(ours[i], pages[i].body)[2])
    print(f"the {min(worst, len(pages))} pages where newsflow scores worst (P / R / F1, bare trafilatura's after):")
    for i in scored[:worst]:
        o, b = _page_prf(ours[i], pages[i].body), _page_prf(bare[i], pages[i].body)
        print(f"  {pages[i].key:32} {o[0]:.3f} / {o[1]:.3f} / {o[2]:.3f}   {b[0]:.3f} / {b[1]:.3f} / {b[2]:.3f}")
        if listing:
            for line in _absent_lines(ours[i], pages[i].body):
                print(f"    EXTRA   {line[:120]!r}")
            for line in _absent_lines(pages[i].body, ours[i]):
                print(f"    MISSING {line[:120]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", type=Path, help="A passage corpus (evaldata.json + html/).")
    source.add_argument("--reference", type=Path, help="A reference-extraction corpus (NAME/source.html + NAME/expected.html or expected.txt).")
    parser.add_argument("--half", choices=("even", "odd"), default=None, help="Only the even- or odd-indexed pages.")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N pages.")
    parser.add_argument("--worst", type=int, default=15, help="With --reference: how many of the worst pages to name.")
    parser.add_argument("--list", action="store_true", help="Print every missed and kept passage (or line).")
    args = parser.parse_args()
    if args.reference is not None:
        references = load_reference_pages(args.reference, args.limit)
        if not references:
            sys.exit(f"no reference pages in {args.reference}")
        analyse_reference(references, args.list, args.worst)
        return
    pages = load_corpus(args.corpus, args.limit)
    if args.half is not None:
        pages = pages[(0 if args.half == "even" else 1)::2]
    if not pages:
        sys.exit(f"no pages in {args.corpus}")
    analyse(pages, args.list)


if __name__ == "__main__":
    main()
