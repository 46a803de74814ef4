"""Line-level combination of two extractors' answers: the article's lead, recovered.

trafilatura's most frequent loss on real pages is the article's first paragraph: news and
magazine sites set the lead (teaser, standfirst) in its own element above the body, and
trafilatura starts the text at the body. resiliparse, which walks the page in order, usually
keeps it, together with the headline, bylines and captions around it. So the lines resiliparse
has just before the first paragraph both extractors share are the candidates, and only those
that read as a paragraph (long, ending like a sentence) are taken: headlines, bylines, dates and
captions are short or end without punctuation.

The shared span starts at the first shared *paragraph*, not at the first shared line: both
extractors often keep the headline, and the lead then sits between the shared headline and the
shared body, where a span starting at the headline never looked.

Chosen on the even-indexed pages of the 990-page evaluation corpus, checked on the odd ones:
- session 6: the two lines before the first shared line, at least 80 characters, ending in
  sentence punctuation: F1 0.924 -> 0.929 (odd 0.927 -> 0.931), precision unchanged;
- session 9: the four lines before the first shared paragraph, with the line filters of
  ``ingest.extract`` after it: F1 0.9413 -> 0.9441, recall 0.949 -> 0.954 (odd 0.9361 -> 0.9397),
  precision unchanged. (Two lines back: 0.9434; six: 0.9444, with more site slogans and cookie
  notices among what it adds.) Only below the headline, when the headline is among those lines:
  a syndication note, a site's description, a browser warning or a loan's small print above
  the headline is not the lead (10 pages changed, odd 0.9441 -> 0.9444, even unchanged).
Session 11: lines both have (a checklist between the lead and the body) do not use up the
look-back, and trafilatura's list items (marked "- ") count as the witness's unmarked lines, which
the look-back used to offer again as leads: 2 more passages found, 6 pages without a doubled
list, no passage lost.
Most of what it recovers is a teaser that repeats the page's meta description: the corpus counts
it as wanted, and so does newsflow (it is the article's own lead, and enrichment weighs what the
lead names). Taking resiliparse's lines inside the shared span (between two shared lines) or
after it, tried the same way, cost as much precision as it gained recall, so they are not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.extractors import headline_keys, line_key, shingles, without_list_mark

# How far before the shared span to look, and what a lead paragraph looks like there.
LOOK_BACK = 4
MAX_WALK = 16
MIN_LEAD = 80
# a candidate most of whose word trigrams the text has is a paragraph it already holds
REPEAT = 0.8
_SENTENCE_END = re.compile(r"[.!?…:;\"”»“)]\s*$")


def repeats(line: str, held: set[tuple[str, ...]]) -> bool:
    """Whether ``held`` (a text's word trigrams) has ``REPEAT`` of ``line``'s: the same paragraph,
    perhaps spelled another way."""
    own = shingles(line)
    return len(own & held) >= REPEAT * len(own)


def _is_paragraph(line: str) -> bool:
    return len(line) >= MIN_LEAD and bool(_SENTENCE_END.search(line))


def recover_lead(text: str, witness: str, headlines: Sequence[str | None] = ()) -> str:
    """``text`` with the lead paragraphs ``witness`` has just before the first paragraph they
    share and ``text`` lacks, in the witness's order; ``text`` unchanged when there are none.
    Where one of the page's ``headlines`` stands among those lines, only the lines below it count.

    Both texts hold one block a line (``ingest.extractors.tidy``)."""
    if not text or not witness:
        return text
    ours = text.split("\n")
    known = {without_list_mark(line): i for i, line in reversed(list(enumerate(ours)))}  # a line's first place
    theirs = witness.split("\n")
    start = next((i for i, line in enumerate(theirs) if line in known and _is_paragraph(line)), None)
    if not start:  # no paragraph shared, or the witness has nothing before the first one
        return text
    # LOOK_BACK lines the text lacks; lines both have (a checklist, a headline) do not count
    first, missing = start, 0
    while first > 0 and missing < LOOK_BACK and start - first < MAX_WALK:
        first -= 1
        missing += theirs[first] not in known
    window = list(range(first, start))
    keys = headline_keys(headlines)
    below = [n + 1 for n, i in enumerate(window) if line_key(theirs[i]) in keys]
    if below:  # a lead follows its headline: what stands above it is the site's, not the article's
        window = window[below[-1]:]
    candidates = [i for i in window if theirs[i] not in known and _is_paragraph(theirs[i])]
    if not candidates:
        return text
    # a paragraph the text has in another spelling (ruby readings, a list number run into it) is
    # not a lead: it is placed where the text has it, so that a lead above it goes above it
    held = shingles(text)
    place = {i: known[theirs[i]] for i in range(candidates[0], start + 1) if theirs[i] in known}
    lead = []
    for i in candidates:
        if repeats(theirs[i], held):
            place[i] = _likeliest(theirs[i], ours[:place[start] + 1])
        else:
            lead.append(i)
    if not lead:
        return text
    # each lead line goes before the next line of the witness that the text has
    inserts: dict[int, list[str]] = {}
    for i in lead:
        after = min(j for j in place if j > i)
        inserts.setdefault(place[after], []).append(theirs[i])
    merged: list[str] = []
    for at, line in enumerate(ours):
        merged.extend(inserts.get(at, ()))
        merged.append(line)
    return "\n".join(merged)


def _likeliest(line: str, lines: list[str]) -> int:
    own = shingles(line)
    return max(range(len(lines)), key=lambda at: len(own & shingles(lines[at])))
