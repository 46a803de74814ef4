"""spaCy's entity spans made clean before they become entities: roles and titles out of names,
datelines split off, junk dropped.

- Roles and titles in front of a name go, in any case and language, with what qualifies them:
  "Defender Hassan Abbas", "Transport Minister Abdulkadir Uraloglu", "Lord mayor Sophie
  Haestorp Andersen", "Präsidenten Emmanuel Macron" -> the name; a role in front makes the rest
  a PERSON ("Coach Marcel Koller" tagged ORG). Leading articles go too ("a Multilateral ... Team").
- A wire dateline run into the next words ("NUUK - King Frederik X", "NEW YORK - Dockworkers")
  is split at the dash: the all-caps part is a place, the rest keeps spaCy's label.
- Dropped: a PERSON or ORG without a capital letter ("heifers"), a span without a
  letter, a span made only of table, date and number words ("Party / Share", "Standings"),
  and a one-word portfolio tagged ORG directly before a role ("Education" in "Education
  Minister Jason Clare").

``names.clean_name`` (possessives, English titles) still runs afterwards, on every label.
"""

from __future__ import annotations

from collections.abc import Iterator
import re
from typing import NamedTuple

from spacy.tokens import Doc, Span

# Lower-cased role and title words, in the languages newsflow has models or articles for.
ROLES = frozenset("""
defender midfielder striker forward goalkeeper winger coach manager captain trainer referee
farmer king queen prince princess ayatollah lord lady mayor premier chancellor president minister
governor senator judge justice chief executive chairman chairwoman chair ceo founder director
administrator commissioner secretary spokesman spokeswoman spokesperson leader reformist hardliner
novelist writer author actor actress singer rapper officer sergeant inspector detective professor
sheikh emir sultan pope cardinal bishop archbishop rabbi imam diplomat envoy ambassador analyst
economist negotiator general colonel lieutenant admiral commander counsel attorney prosecutor
präsident präsidenten präsidentin bundeskanzler bundeskanzlerin kanzler kanzlerin ministerpräsident
ministerpräsidentin ministerin bürgermeister bürgermeisterin verteidiger stürmer herr frau
président présidente ministre maire roi reine entraîneur défenseur attaquant
""".split())
# Role words that also begin organisation names ("General Motors", "Premier League", "Chief
# Rabbinate"): they are roles only inside a PERSON span or before two or more name words.
_DETERMINERS = frozenset({"a", "an", "the", "le", "la", "les", "der", "die", "das", "den", "dem", "des"})
_DASHES = frozenset({"-", "\u2013", "\u2014"})
TABLE_WORDS = frozenset("""
party share standings results result leaderboard rank ranking rankings total pts points score
team club player pos position round stage group table
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
""".split())
# Portfolios and qualifiers a role takes ("Education Minister", "Supreme Leader"): alone, before
# a role, they are not an organisation (a named one is: "Treasury Secretary", "CIA director").
PORTFOLIOS = frozenset("""
education transport defence defense foreign interior health finance economy economic energy trade
environment agriculture labour labor culture home climate digital housing justice development
supreme deputy prime vice acting interim former
""".split())
# how far into a span a role may sit ("Federal Reserve Chair Jerome Powell")
MAX_ROLE_POSITION = 4
_PERSONISH = frozenset({"PERSON", "ORG"})
_LETTER_RE = re.compile(r"[^\W\d_]")


class Piece(NamedTuple):
    """A cleaned entity span: the name's text, where the span starts in the Doc, its label, and
    the span as written (roles included: "President Vladimir Putin"), its surface form."""

    text: str
    start_char: int
    label: str
    surface: str


def _piece(doc: Doc, start: int, end: int, label: str, surface_start: int | None = None) -> Piece:
    span = doc[start:end]
    surface = doc[surface_start if surface_start is not None else start:end]
    return Piece(span.text.strip(), surface.start_char, label, surface.text.strip())


def _is_table_word(word: str) -> bool:
    w = word.lower().strip(".:/%")
    return not w or w in TABLE_WORDS or w.replace(".", "").replace(",", "").isdigit()


def _is_junk(tokens: list[str], label: str) -> bool:
    if not any(_LETTER_RE.search(t) for t in tokens):
        return True
    # "heifers" as a PERSON; but "von der Leyen", "al-Assad" have a capital further on
    if label in _PERSONISH and not any(t[:1].isupper() for t in tokens):
        return True
    return all(_is_table_word(t) for t in tokens)


def _strip_roles(doc: Doc, start: int, end: int, label: str) -> tuple[int, str]:
    """New start after leading articles and roles, and the label that follows from them."""
    while start < end - 1 and doc[start].lower_ in _DETERMINERS:
        start += 1
    last_role = -1
    for i in range(start, min(end - 1, start + MAX_ROLE_POSITION)):
        if doc[i].lower_.rstrip(".") in ROLES:
            last_role = i
    if last_role < 0 or label not in _PERSONISH:
        return start, label
    rest = doc[last_role + 1:end]
    if label == "ORG" and not (2 <= len(rest) <= 3 and all(t.is_title for t in rest)):
        return start, label
    return last_role + 1, "PERSON"


def _plain(words: list[str], text: str, label: str) -> bool:
    """Whether a span needs no token-level work: no dash, no leading article, no role near the start."""
    if any(d in text for d in _DASHES) or words[0].lower() in _DETERMINERS:
        return False
    return label not in _PERSONISH or not any(w.lower().rstrip(".") in ROLES for w in words[:MAX_ROLE_POSITION])


def clean_spans(doc: Doc, labelled: Iterator[tuple[Span, str]]) -> Iterator[Piece]:
    """The cleaned pieces of ``(span, label)`` pairs (see the module docstring), in text order."""
    n = len(doc)
    for span, label in labelled:
        start, end = span.start, span.end
        text = span.text.strip()
        words = text.split()
        if not words:
            continue
        if label == "ORG" and words[0].lower() in PORTFOLIOS and end - start == 1 and end < n and doc[end].lower_ in ROLES:
            continue  # "Education" of "Education Minister Jason Clare" (but "CIA director" is the CIA)
        if _plain(words, text, label):  # most spans: no Token objects needed
            if not _is_junk(words, label):
                yield Piece(text, span.start_char, label, text)
            continue
        # a dateline: "NUUK - King Frederik X"
        for i in range(start + 1, end - 1):
            if doc[i].text in _DASHES:
                head = [t for t in doc[start:i] if t.is_alpha]
                if head and all(t.is_upper for t in head):
                    yield _piece(doc, start, i, "GPE")
                    start = i + 1
                break
        written = start
        start, label = _strip_roles(doc, start, end, label)
        tokens = [t.text for t in doc[start:end]]
        if not tokens or _is_junk(tokens, label):
            continue
        yield _piece(doc, start, end, label, written)
