"""Canonical entities of one article, from the spaCy Doc of ``title + "\\n\\n" + text``.

What happens to spaCy's spans, in order:

1. Label: a span that starts with (or directly follows) a personal honorific such as
   "Mr", "Mrs", "Dr" is a PERSON whatever spaCy said ("Mr Everard" often comes out ORG);
   other models' labels are mapped onto ours (``MODEL_LABELS``). ``enrich.spans`` then strips
   roles, splits datelines and drops junk spans. Only the configured labels are kept.
2. Name: ``names.clean_name`` drops possessives, titles and honorifics and unifies
   punctuation; ``names.fold`` of that is the entity key. Body mentions are grouped by key;
   a group's label is its most frequent label (ties: first seen), unless the place gazetteer
   overrules it (``enrich.gazetteer``: Kyiv is no PERSON).
3. Title: headlines in Title Case give spurious spans ("Vladimir Putin Is", "Reportedly
   Turns"), so a title span counts only if the body supports it: its key is a body key, or
   body keys occur in it as contiguous token runs (each run is one mention of that body
   entity: "Vladimir Putin Is" -> "Vladimir Putin"). Headlines use short forms the body may
   not use alone ("Putin Meets Kim" over a body that says "Vladimir Putin", "Kim Jong Un"),
   so inside a title span labelled PERSON a part of one body person's name counts too.
   Anything else in the title is dropped.
   Headline-case lines inside the body (teasers such as "See Also: Putin Pushing Europe
   Toward Brutal Winter?") get the same treatment, see ``is_headline_case``; list items,
   table rows, bylines and datelines do not (``is_structured_line``): their names count.
4. Short forms: a key whose tokens are a contiguous run inside longer keys of the same label
   ("putin" in "vladimir putin", "kim" in "kim jong un") is merged into the longest one (a
   one-word ORG or NORP into a PERSON too: spaCy often tags a lone surname ORG),
   unless two of those longer names are different people ("kim" with both "kim jong un" and
   "kim yo jong"): then it stays on its own. Outside PERSON, a longer name made of two other
   names of the article is a list or another body ("Via BBC & New York Times", "UN Security
   Council") and is not a merge target.
5. Display name: the most frequent cleaned spelling of the full form (ties: first seen);
   ``key == fold(name)`` always holds, which is what the indexes filter on.
6. Salience (0..1), see ``salience``; entities are returned most salient first.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from newsflow.core.contracts import Entity
from newsflow.core.names import PERSONAL_HONORIFICS, clean_name, fold

from enrich.gazetteer import corrected_label, is_place, place_label, places
from enrich.spans import Piece, clean_spans

# Between title and body: a blank line, so the paragraph-break component makes the body
# start a new sentence and no span runs from the headline into the lede.
TITLE_SEPARATOR = "\n\n"
# "Presence in the lead": a mention starting in the first LEAD_CHARS characters of the body.
LEAD_CHARS = 300
# Weights of the salience formula; they sum to 1 so salience stays in 0..1.
W_COUNT, W_TITLE, W_LEAD = 0.6, 0.25, 0.15
# Longer "names" are spaCy run-ons ("Russian Business Tycoons That Have Died Mysteriously");
# bounding the sub-runs indexed per key keeps short-form matching linear in practice.
MAX_KEY_TOKENS = 8

# Headline-case lines: words start with a letter; the short words headlines leave lower-case
# are not counted.
_WORD_RE = re.compile(r"[^\W\d_][\w'\u2019-]*")
_MINOR_WORDS = frozenset(
    "a an the and or but nor for of to in on at by with from as vs via into onto over per than up out off".split()
)
HEADLINE_MIN_WORDS = 4
# Lines of lists, tables, bylines and datelines are Title Case without being headlines
# ("7. Jim Moran (U.S.) 23.25", "By Sarah Okonjo and Tomas Lindqvist"): their names count.
_LIST_MARKER_RE = re.compile(r"^\s*(?:\d+[.)]|[-*\u2022\u2013\u2014])\s")
_BYLINE_RE = re.compile(r"^\s*(?:by|von|par|por|reporting by|editing by|written by)\s", re.IGNORECASE)
_TABLE_RE = re.compile(r"\d|\t| \| | / ")
HEADLINE_CAPS_SHARE = 0.8
# Quotes that names.clean_name does not strip (it handles ASCII quotes only).
_QUOTES = "\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\"'"


@functools.lru_cache(maxsize=65_536)
def _name_and_key(raw: str) -> tuple[str, str]:
    """The cleaned spelling of a span's text and its key. Cached: a stream repeats its names,
    and folding them was a fifth of the cost of this module."""
    cleaned = clean_name(raw).strip(_QUOTES)
    return cleaned, fold(cleaned)


def compose(title: str, text: str) -> tuple[str, int]:
    """The text given to spaCy for an article and the length of its title part.

    Whitespace inside the title is collapsed (a title is one line, and its length must be
    known exactly); the body follows after ``TITLE_SEPARATOR``.
    """
    title = " ".join(title.split())
    return f"{title}{TITLE_SEPARATOR}{text}", len(title)


def is_headline_case(line: str) -> bool:
    """Whether a line reads like a headline: no closing full stop, and at least 80% of its
    (4 or more) non-minor words capitalised.

    Prose lines full of names stay prose: "Kim Jong Un met his sister Kim Yo-jong on Monday."
    ends with a full stop, and ordinary sentences have too many lower-case words.
    """
    if line.rstrip().rstrip(_QUOTES + ")]").endswith("."):
        return False
    words = [w for w in _WORD_RE.findall(line) if w.lower() not in _MINOR_WORDS]
    if len(words) < HEADLINE_MIN_WORDS:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= HEADLINE_CAPS_SHARE * len(words)


def is_structured_line(line: str) -> bool:
    """Whether a body line is a list item, a table row, a byline or a dateline rather than prose
    or a headline: a list marker in front, a figure or a column separator in it, a "By ..." in
    front, or an all-caps word run before a dash or comma ("KINSHASA, Dec 4 -")."""
    if _LIST_MARKER_RE.match(line) or _BYLINE_RE.match(line) or _TABLE_RE.search(line):
        return True
    head = re.split(r"\s[-\u2013\u2014]\s|,", line, maxsplit=1)[0]
    letters = [c for c in head if c.isalpha()]
    return len(letters) >= 3 and head != line and all(c.isupper() for c in letters)


@dataclass(slots=True)
class _Mention:
    raw: str | None  # surface as it appeared; None for a run found inside a longer title span
    start: int  # character offset in the Doc
    in_title: bool
    in_lead: bool


@dataclass(slots=True)
class _Group:
    """All mentions of one key; ``spellings`` only from body spans that had exactly this key."""

    key: str
    labels: Counter = field(default_factory=Counter)
    spellings: Counter = field(default_factory=Counter)
    mentions: list[_Mention] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0]  # Counter keeps first-seen order on ties


def _is_honorific(token_text: str) -> bool:
    return token_text.lower().rstrip(".") in PERSONAL_HONORIFICS


# Labels of other models' schemes (WikiNER in the French model: PER, LOC, ORG, MISC) in ours.
# MISC (nationalities, events, works, products together) has no counterpart and is not kept.
MODEL_LABELS = {"PER": "PERSON", "MISC": "MISC"}


def _label(span: Span) -> str:
    """spaCy's label in our scheme, except that an honorific before or at the start makes it a PERSON."""
    doc = span.doc
    if _is_honorific(span[0].text) and len(span) > 1:
        return "PERSON"
    if span.start > 0 and _is_honorific(doc[span.start - 1].text):
        return "PERSON"
    return MODEL_LABELS.get(span.label_, span.label_)


def _correct_places(groups: dict[str, "_Group"]) -> None:
    """Relabel groups the gazetteer knows as places (see ``enrich.gazetteer``), except a word of
    a longer person name of the article ("Lawson" of "Tom Lawson" stays a person)."""
    person_words = {w for k, g in groups.items() if g.label == "PERSON" and " " in k for w in k.split()}
    for key, group in groups.items():
        label = group.label
        fixed = corrected_label(label, key)
        if fixed != label and not (label == "PERSON" and key in person_words):
            group.labels = Counter({fixed: sum(group.labels.values())})


def _runs(tokens: list[str], keys: Container[str], max_len: int, skip: str = "") -> list[str]:
    """Keys found in ``tokens`` as contiguous runs, greedily longest-first, non-overlapping."""
    found: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        for size in range(min(max_len, n - i), 0, -1):
            candidate = " ".join(tokens[i : i + size])
            if candidate in keys and candidate != skip:
                found.append(candidate)
                i += size
                break
        else:
            i += 1
    return found


def _contains(longer: str, shorter: str) -> bool:
    """Whether ``shorter``'s tokens are a contiguous run of ``longer``'s tokens."""
    return f" {shorter} " in f" {longer} "


def _short_form_targets(groups: dict[str, _Group]) -> dict[str, str]:
    """Map each short key to the one longest same-label key containing it (see module doc)."""
    # Index every contiguous sub-run of every key, so each key finds its containers by one
    # lookup instead of a comparison against every other key.
    containers: dict[tuple[str, str], list[str]] = {}
    for key, group in groups.items():
        tokens = key.split()
        if len(tokens) < 2 or len(tokens) > MAX_KEY_TOKENS:
            continue
        label = group.label
        # "Via BBC & New York Times" holds two other names: a run-on list, not a longer
        # name of either. People are exempt: "Vladimir" and "Putin" may both occur alone.
        if label != "PERSON" and len(_runs(tokens, groups, MAX_KEY_TOKENS, skip=key)) >= 2:
            continue
        for size in range(1, len(tokens)):
            for i in range(len(tokens) - size + 1):
                containers.setdefault((label, " ".join(tokens[i : i + size])), []).append(key)
    targets: dict[str, str] = {}
    for key, group in groups.items():
        candidates = containers.get((group.label, key))
        if not candidates and _surname_like(key, group):
            # "Putin" tagged ORG beside "Vladimir Putin": one entity, not two rows in the facets
            candidates = containers.get(("PERSON", key))
        if not candidates:
            continue
        longest = max(candidates, key=lambda k: len(k.split()))
        # Every candidate must be part of the longest name ("putin" in "vladimir putin" and
        # in "vladimir vladimirovich putin" is fine); two names that are not nested are two
        # people who share a name, and the short form cannot be assigned to either.
        if all(c == longest or _contains(longest, c) for c in candidates):
            targets[key] = longest
    return targets


def _surname_like(key: str, group: "_Group") -> bool:
    """A one-word ORG, NORP (or a place no gazetteer knows: the French model tags "Macron" LOC)
    that may be a part of a person's name: not a place, not in capitals ("UN" in an article
    about Kim Jong Un is the United Nations)."""
    if " " in key or len(key) < 3 or any(s.isupper() for s in group.spellings):
        return False
    if group.label in ("ORG", "NORP"):
        return not is_place(key)
    return group.label in ("GPE", "LOC") and key not in places()


def _person_parts(groups: dict[str, _Group]) -> dict[str, str]:
    """Contiguous parts of body PERSON names ("putin", "kim", "jong un") -> the one name they
    belong to; a part shared by two people who are not nested ("kim") belongs to neither."""
    owners: dict[str, list[str]] = {}
    for key, group in groups.items():
        tokens = key.split()
        if group.label != "PERSON" or len(tokens) < 2 or len(tokens) > MAX_KEY_TOKENS:
            continue
        for size in range(1, len(tokens)):
            for i in range(len(tokens) - size + 1):
                owners.setdefault(" ".join(tokens[i : i + size]), []).append(key)
    parts: dict[str, str] = {}
    for part, keys in owners.items():
        longest = max(keys, key=lambda k: len(k.split()))
        if all(k == longest or _contains(longest, k) for k in keys):
            parts[part] = longest
    return parts


def salience(count: int, max_count: int, in_title: bool, in_lead: bool) -> float:
    """``0.6 * count / max_count + 0.25 * in_title + 0.15 * in_lead``, in 0..1.

    The mention share is relative to the most mentioned entity of the article, so the
    article's main subject scores high whatever the article's length; a mention in the
    headline or in the lead (first ``LEAD_CHARS`` characters of the body) adds to it.
    """
    share = count / max_count if max_count else 0.0
    return round(W_COUNT * share + W_TITLE * in_title + W_LEAD * in_lead, 4)


class _Known:
    """Keys the corpus already knows (``known(key) -> label | None``) and the gazetteer's places
    ("Damascus Airport Reopens" over a body whose only mention is the dateline DAMASCUS), as a
    container for ``_runs``."""

    def __init__(self, known: Callable[[str], str | None] | None, allowed: frozenset[str]):
        self._known = known
        self._allowed = allowed
        self._cache: dict[str, str | None] = {}

    def label(self, key: str) -> str | None:
        if key not in self._cache:
            label = self._known(key) if self._known is not None else None
            if label is None and is_place(key):
                label = place_label(places()[key])
            self._cache[key] = label if label in self._allowed else None
        return self._cache[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.label(key) is not None


def canonical_entities(doc: Doc, title_len: int, labels: Iterable[str],
                       known: Callable[[str], str | None] | None = None, *, text: str | None = None) -> list[Entity]:
    """The article's canonical entities, most salient first (see the module docstring).

    ``doc`` is the Doc of ``compose(title, text)``; ``title_len`` the title length it returned.
    ``known(key)`` gives the label of an entity the corpus already knows (aliases, the entity
    registry) or None: a headline span the body does not support still counts when it is
    known ("North Korea Fires Missile" over a body that only says "North Korean").
    ``text``: the string the Doc was made from, when the caller has it (``Doc.text`` joins
    every token anew, a cost as large as all of this function's own work).
    """
    allowed = frozenset(labels)
    if text is None:
        text = doc.text
    body_start = title_len + len(TITLE_SEPARATOR)
    lead_end = body_start + LEAD_CHARS
    groups: dict[str, _Group] = {}
    # Spans that count only where the body supports them: (piece, key, in_title).
    unsupported: list[tuple[Piece, str, bool]] = []
    # The body line of the current span, judged once: spans come in text order, so each
    # line is found and read once, keeping the whole loop linear in the text.
    line_end, line_is_headline = -1, False

    for piece in clean_spans(doc, ((span, _label(span)) for span in doc.ents)):
        raw = piece.surface
        if not raw:
            continue
        label = piece.label
        in_title = piece.start_char < title_len
        in_headline = in_title
        if not in_title:
            if piece.start_char >= line_end:
                line_start = text.rfind("\n", max(line_end, 0), piece.start_char) + 1
                line_end = text.find("\n", piece.start_char)
                if line_end < 0:
                    line_end = len(text)
                line = text[line_start:line_end]
                line_is_headline = is_headline_case(line) and not is_structured_line(line)
            in_headline = line_is_headline
        # Headline spans are judged by what the body says, whatever spaCy labelled them; the
        # label of what they resolve to comes from the body, which is filtered here.
        if not in_headline and label not in allowed:
            continue
        cleaned, key = _name_and_key(piece.text)
        if not key:
            continue
        if in_headline:
            unsupported.append((piece, key, in_title))
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key)
        group.labels[label] += 1
        group.spellings[cleaned] += 1
        group.mentions.append(_Mention(raw, piece.start_char, False, piece.start_char < lead_end))

    if not groups and not unsupported:
        return []
    _correct_places(groups)

    known_keys = _Known(known, allowed)
    max_len = MAX_KEY_TOKENS
    with_parts: dict[str, str] | None = None  # body keys + parts of person names, built on first need
    for piece, key, in_title in unsupported:
        in_lead = body_start <= piece.start_char < lead_end
        raw = piece.surface
        if key in groups:
            groups[key].mentions.append(_Mention(raw, piece.start_char, in_title, in_lead))
            continue
        support: dict[str, str] | dict[str, _Group] = groups
        if piece.label == "PERSON":
            # Only in a PERSON span: "UN" (ORG) in "UN Warns Kim" must not become "Kim Jong Un".
            if with_parts is None:
                with_parts = {**_person_parts(groups), **{k: k for k in groups}}
            support = with_parts
        runs = _runs(key.split(), support, max_len)
        for run in runs:
            target = run if run in groups else with_parts[run]  # type: ignore[index]
            # A run inside a longer span is a mention, but the span's text is not its spelling.
            spelling = raw if run == key else None
            groups[target].mentions.append(_Mention(spelling, piece.start_char, in_title, in_lead))
        if runs:
            continue
        for run in _runs(key.split(), known_keys, max_len):
            group = groups.get(run)
            if group is None:
                group = groups[run] = _Group(run)
                group.labels[known_keys.label(run)] += 1
            exact = run == key
            if exact:
                group.spellings[_name_and_key(piece.text)[0]] += 1
            elif not group.spellings:
                group.spellings[" ".join(w.capitalize() for w in run.split())] += 1
            group.mentions.append(_Mention(raw if exact else None, piece.start_char, in_title, in_lead))

    if not groups:
        return []

    targets = _short_form_targets(groups)
    merged: dict[str, list[_Mention]] = {}
    for key, group in groups.items():
        merged.setdefault(targets.get(key, key), []).extend(group.mentions)

    max_count = max(len(m) for m in merged.values())
    entities: list[tuple[int, Entity]] = []
    for key, mentions in merged.items():
        group = groups[key]
        mentions.sort(key=lambda m: m.start)
        in_title = any(m.in_title for m in mentions)
        in_lead = any(m.in_lead for m in mentions)
        entity = Entity(
            name=group.spellings.most_common(1)[0][0],
            label=group.label,
            key=key,
            surface_forms=list(dict.fromkeys(m.raw for m in mentions if m.raw is not None)),
            count=len(mentions),
            salience=salience(len(mentions), max_count, in_title, in_lead),
            in_title=in_title,
        )
        entities.append((mentions[0].start, entity))
    # Most salient first; then the more mentioned; then the first to appear.
    entities.sort(key=lambda item: (-item[1].salience, -item[1].count, item[0]))
    return [e for _, e in entities]


def entity_names(entities: Iterable[Entity]) -> dict[str, list[str]]:
    """``{label: [names...]}`` for faceting, each list in the order given (salience order)."""
    names: dict[str, list[str]] = {}
    for entity in entities:
        names.setdefault(entity.label, []).append(entity.name)
    return names
