"""Which extractor's text an article gets: trafilatura's, checked by a second opinion.

trafilatura answers first. resiliparse (an independent algorithm, about a tenth of
trafilatura's cost) checks the answer by word-shingle overlap. They agree on most pages; the
one strong disagreement worth acting on is trafilatura's text lying inside a much longer
resiliparse text, i.e. trafilatura may have truncated the article (magazine layouts, pages
split in many containers). There readability decides: its text replaces trafilatura's only
when it also contains trafilatura's and is clearly longer. resiliparse's own text is never
taken when trafilatura found something: on its own it carries the most boilerplate (precision
0.75 against trafilatura's 0.91 on the evaluation corpus), so it is a witness, not a candidate.
When trafilatura finds nothing, readability's text is taken, else resiliparse's.

The thresholds were chosen on the 990 real pages of the trafilatura evaluation corpus
(bench/bench_extract.py --corpus), and hold on both halves of it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ingest.extractors import readability_text, resiliparse_text, trafilatura_text

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)

# trafilatura's text counts as "inside" another when this share of its shingles is there too
INSIDE = 0.9
# ... and as possibly truncated when resiliparse's text has this many times more shingles
TRUNCATED = 3.0
# readability's text replaces it only when it is this many times longer (and contains it)
LONGER = 1.6


def shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    """The set of k-word shingles of ``text`` (lower-cased words)."""
    words = _WORD.findall((text or "").lower())
    if len(words) < k:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + k]) for i in range(len(words) - k + 1)}


def inside(a: set, b: set) -> float:
    """Share of ``a``'s shingles that ``b`` has too (0 when either is empty)."""
    return len(a & b) / len(a) if a and b else 0.0


@dataclass
class Choice:
    """The text an article gets and the extractor that produced it."""

    text: str
    source: str  # "trafilatura", "readability" or "resiliparse"


def _safely(extractor, *args) -> str:
    try:
        return extractor(*args)
    except Exception as exc:  # a member failing on an odd page costs its opinion, not the page
        log.debug("%s failed: %s: %s", extractor.__name__, type(exc).__name__, exc)
        return ""


def choose_text(tree, html: str, url: str | None = None) -> Choice:
    """The article text of a page, from trafilatura unless the second opinion says it is truncated.

    ``tree`` is the page parsed by ``ingest.extractors.parse_html`` (or ``None``); ``html`` the
    same page as text, for the members that parse it themselves.
    """
    main = _safely(trafilatura_text, tree if tree is not None else html, url)
    second = _safely(resiliparse_text, html)
    if not main:
        third = _safely(readability_text, tree) if tree is not None else ""
        return Choice(third, "readability") if third else Choice(second, "resiliparse")
    ours, theirs = shingles(main), shingles(second)
    if inside(ours, theirs) >= INSIDE and len(theirs) >= TRUNCATED * len(ours):
        third = _safely(readability_text, tree) if tree is not None else ""
        judge = shingles(third)
        if inside(ours, judge) >= INSIDE and len(judge) >= LONGER * len(ours):
            return Choice(third, "readability")
    return Choice(main, "trafilatura")
