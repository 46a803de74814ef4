"""Which extractor's text an article gets: trafilatura's, checked by a second opinion.

trafilatura answers first, in fast mode (without its fallback extractors, which cost a quarter
of its time), on the page without the ``<footer>`` and ``<aside>`` elements its main extractor
deletes anyway (``ingest.extractors.drop_asides_and_footers``). resiliparse (an independent
algorithm, a tenth of trafilatura's cost) checks the answer by word-shingle overlap. Where they
agree (most pages) the fast answer stands. Where they disagree strongly and the fast answer is
short or under half of resiliparse's, trafilatura in its default mode (which compares its own
answer with readability's and jusText's) decides, on the whole page. resiliparse's own text is
taken only when trafilatura finds nothing at all: alone it carries the most boilerplate
(precision 0.80 against trafilatura's 0.91 on the evaluation corpus), so it is a witness, not a
candidate.

Whatever member answers, resiliparse's lead paragraphs that trafilatura left out (a teaser above
the body) and the subheadings it dropped between two paragraphs are put back (``ingest.leads``,
``ingest.subheadings``; the source then names both, "trafilatura-fast+resiliparse"), and picture
credits and calls to action between the paragraphs are dropped (``ingest.promos``).

Measured on the 990 real pages of the trafilatura evaluation corpus (bench/bench_extract.py
--corpus): fast mode alone F1 0.918, default mode alone 0.923, the choice between whole answers
0.924 (0.925 with ingest.extract's headline and promotion trimming); with the lead recovery and
the credits and calls to action dropped, see the README's extraction figures.

A page that declares its article body in JSON-LD (``ingest.declared_body``) gets that body where
the extractors found under half of it: its HTML holds a browser-rendered app's shell, or a
paywall's teaser and offer (the teaser stays above the body when the page shows it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.declared_body import cut_after_declared_end
from ingest.extractors import drop_asides_and_footers, drop_unread, line_key, parse_html, resiliparse_text, shingles, trafilatura_text
from ingest.leads import recover_lead, repeats
from ingest.promos import drop_call_to_action_lines, drop_credit_lines, drop_furniture_lines
from ingest.subheadings import restore_subheadings

log = logging.getLogger(__name__)

# The two opinions agree when the Jaccard similarity of their word 3-shingles reaches this
# (0.3 to 0.5 score alike on the corpus; 0.6 is worse). 0.5 until the lead recovery
# (ingest.leads): since, 0.4 asks the default mode less (on the even-indexed pages 39 -> 32
# times, F1 unchanged; on the odd ones 52 -> 44, F1 0.9345 -> 0.9349).
AGREE = 0.4

# Where they disagree, trafilatura's default mode changes the fast answer only when that answer
# is short or under half of resiliparse's (its readability and jusText comparisons take over a
# text that is much shorter than theirs). On the 990 real pages every page it changed had a fast
# text under 4,000 characters; a longer fast text, at least half of resiliparse's, stands.
# Chosen on the even-indexed pages (default-mode calls 57 -> 39, F1 0.9229 unchanged), checked
# on the odd ones (60 -> 52, F1 0.9259 unchanged).
SHORT = 4500
# trafilatura's fast mode drops a paragraph that repeats the one before it (its default mode, which
# compares with readability, keeps the repeats), and sets of shingles cannot see repeats: a page
# with the same paragraph three times agrees with a fast text that kept it once, a third as long.
# Under 0.35 of resiliparse's length (about a third), a short fast answer does not stand on
# agreement. (On the 990 corpus pages one more page asks the default mode, which gives the same
# text; on Readability's test pages, three pages of repeated paragraphs get them all.)
SHARE_OF_WITNESS = 0.35

# The body a page declares in JSON-LD replaces the extracted text only where the extractors found
# under half of it: a page rendered in the browser, or a paywall's teaser and offer. Where they
# found more (most pages), the declared text, which may differ slightly, cut or carry an author's
# note, is not worth the change. On the 990 corpus pages the extracted text is 0.04 of the declared
# body on scmp.com (a caption), 0.28 on topagrar.com (teaser and subscription offer), and at least
# 0.80 on the 46 others that declare 500 characters or more.
DECLARED_SHARE = 0.5
# A declared body at least half as long as the extracted text is the whole article, not a teaser:
# where it ends, the article ends (ingest.declared_body.cut_after_declared_end). On the 990 corpus
# pages it cut 3 tails (a plea for the site's journalism with its newsletter form, a push-notification
# prompt and a photo disclaimer, a note on the site's staff byline), one line of them marked
# unwanted, none wanted.
COMPLETE_SHARE = 0.5
MIN_DECLARED = 500


def jaccard(a: set, b: set) -> float:
    """Shared shingles over all shingles of the two texts (0 when both are empty)."""
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass
class Choice:
    """The text an article gets and the extractor that produced it."""

    text: str
    # "trafilatura-fast", "trafilatura" or "resiliparse"; "trafilatura-fast+resiliparse" or
    # "trafilatura+resiliparse" when resiliparse's lead paragraphs or subheadings were added
    # (ingest.leads, ingest.subheadings); "json-ld" for the body the page declares (ingest.declared_body)
    source: str


def _safely(extractor, *args, **kwargs) -> str:
    try:
        return extractor(*args, **kwargs)
    except Exception as exc:  # a member failing on an odd page costs its opinion, not the page
        log.debug("%s failed: %s: %s", extractor.__name__, type(exc).__name__, exc)
        return ""


def choose_text(tree, html: str, url: str | None = None, headlines: Sequence[str | None] = (),
                declared: str = "", summary: str = "") -> Choice:
    """The article text of a page and which extractor produced it.

    ``tree`` is the page parsed by ``ingest.extractors.parse_html`` (or ``None``; it loses its
    ``<footer>`` and ``<aside>`` elements, see ``ingest.extractors``); ``html`` the
    same page as text, for resiliparse, which parses it itself; ``headlines`` the page's title
    and ``<h1>``, which bound where a lead is looked for (``ingest.leads``); ``declared`` the
    body the page declares in its JSON-LD (``ingest.declared_body``), which replaces a text
    under ``DECLARED_SHARE`` of its length, and ``summary`` the teaser it declares beside it,
    which stays above the declared body where the page shows it.
    """
    choice = _choose_extracted(tree, html, url, headlines)
    if len(declared) < MIN_DECLARED:
        return choice
    if len(choice.text) < DECLARED_SHARE * len(declared):
        return Choice(_without_asides(_with_shown_summary(declared, summary, choice.text)), "json-ld")
    if len(declared) >= COMPLETE_SHARE * len(choice.text):
        return Choice(cut_after_declared_end(choice.text, declared), choice.source)
    return choice


def _with_shown_summary(body: str, summary: str, shown: str) -> str:
    # a paywalled page shows its teaser above the offer, and its declared body starts after the
    # teaser; a teaser the page does not show as a paragraph of its own (a search snippet, a
    # site's slogan) is not taken, nor one the body already holds
    if not summary:
        return body
    key = line_key(summary)
    line = next((line for line in shown.split("\n") if line_key(line) == key), None)
    if line is None or repeats(line, shingles(body)):
        return body
    return f"{line}\n{body}"


def _choose_extracted(tree, html: str, url: str | None, headlines: Sequence[str | None]) -> Choice:
    if tree is not None:
        drop_asides_and_footers(tree)  # the default mode, if asked, gets the whole page (_whole_page)
    first = _safely(trafilatura_text, tree if tree is not None else html, url, fast=True)
    second = _safely(resiliparse_text, html)
    # a long answer that resiliparse does not undercut stands (the default mode gives the same
    # text); asked first: it settles a third of the real corpus's pages for nothing, where the
    # shingle sets cost about a millisecond a page
    if first and ((len(first) >= SHORT and len(first) >= len(second) / 2)
                  or (len(first) >= SHARE_OF_WITNESS * len(second) and jaccard(shingles(first), shingles(second)) >= AGREE)):
        return _with_witness_lines(first, "trafilatura-fast", second, headlines, tree)
    third = _safely(trafilatura_text, _whole_page(tree, html), url)
    if third:
        return _with_witness_lines(third, "trafilatura", second, headlines, tree)
    if first:
        return _with_witness_lines(first, "trafilatura-fast", second, headlines, tree)
    return Choice(_without_asides(second), "resiliparse")


def _whole_page(tree, html: str):
    # parsed again: a copy of the tree made before drop_asides_and_footers would cost every page
    # what a parse costs the tenth of pages that get here
    if tree is None:
        return html
    whole = parse_html(html)
    if whole is None:
        return html
    drop_unread(whole)
    return whole


def _without_asides(text: str) -> str:
    # picture credits, calls to action, advertisement labels and share buttons sit between the
    # paragraphs, where both extractors keep them
    return drop_furniture_lines(drop_call_to_action_lines(drop_credit_lines(text)))


def _with_witness_lines(text: str, source: str, witness: str, headlines: Sequence[str | None], tree) -> Choice:
    """trafilatura's ``text`` with the lead paragraphs and the subheadings resiliparse found that
    it lacks (the source then names both), without picture credits and calls to action."""
    merged = restore_subheadings(recover_lead(text, witness, headlines), witness, tree)
    return Choice(_without_asides(merged), source if merged == text else f"{source}+resiliparse")
