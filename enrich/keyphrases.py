"""Keyphrases of an article: what it is about, beside who and where (the entities).

RAKE (Rose et al., 2010) over the tokens spaCy already produced for NER: candidate phrases
are runs of content words between stop words, punctuation and line breaks; a word scores
its degree (how many words it shares phrases with) over its frequency, a phrase the sum of
its words. RAKE needs no tagger or parser, which the NER-only pipeline does not run (they
would roughly halve throughput, see ``enrich.model``).

Three news-specific choices, each checked on the seed articles:
- words inside named entities are boundaries, not phrase material: the entities are indexed
  on their own, and "Putin" or "North Korea" as keyphrases would only repeat them;
- reporting verbs and other newsroom filler are stop words ("said", "according", "reportedly");
- a phrase must occur at least twice in the body (a single word three times), or in the
  headline (a single word: in the headline and the body), which keeps chance phrases out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection

import numpy as np
from spacy.attrs import ENT_IOB, IDX, IS_ALPHA, LENGTH, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import hash_string
from spacy.tokens import Doc

MAX_PHRASE_WORDS = 3
MAX_KEYPHRASES = 10
MIN_WORD_CHARS = 3

# Words a newsroom uses in every article whatever it is about.
NEWS_STOP_WORDS = frozenset(
    """
    said says saying told tells according reportedly report reports reported reporting added adds
    claimed claims stated statement announced noted explained asked wrote writes
    mr mrs ms dr news article story read update updated comment comments photo image images
    getty video newsletter subscribe advertisement click share week weeks month months year years
    actually apparently really near far across along among around behind beyond despite toward
    towards upon within without
    today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday time times
    going got get gets make makes made way ways thing things lot lots like likely new old
    """.split()
)
_STOP = frozenset(STOP_WORDS) | NEWS_STOP_WORDS


_STOP_ARRAY = np.array(sorted(hash_string(w) for w in _STOP), dtype=np.uint64)
_O = 2  # Token.ent_iob: outside every entity
_ATTRS = [IS_ALPHA, LOWER, ENT_IOB, IDX, LENGTH]


def keyphrases(doc: Doc, title_len: int, entity_words: Collection[str] = (), limit: int = MAX_KEYPHRASES) -> list[str]:
    """Up to ``limit`` lower-case keyphrases of the article, best first.

    ``doc`` is the Doc of ``compose(title, text)`` (entities set); ``title_len`` the length of
    its title part. In the body, spaCy's entity spans are boundaries; in a Title Case headline
    those spans are mostly spurious ("Deeper Channel Approved" as a PERSON), so there the
    words of the article's kept entities (``entity_words``, lower-case) are boundaries instead.
    """
    strings = doc.vocab.strings
    phrases: list[tuple[tuple[str, ...], bool]] = []  # (words, in_title)
    # Token attributes as one integer array, judged with numpy: a Python pass over every token
    # cost more than the rest of the keyphrase extraction together.
    attrs = doc.to_array(_ATTRS)
    if not len(attrs):
        return []
    is_alpha, lower, iob, idx, length = attrs.T
    title_tokens = idx < title_len
    entity_hashes = np.fromiter((hash_string(w) for w in entity_words), dtype=np.uint64)
    word = (is_alpha == 1) & (length >= MIN_WORD_CHARS) & ~np.isin(lower, _STOP_ARRAY)
    word &= np.where(title_tokens, ~np.isin(lower, entity_hashes), iob == _O)
    # runs of content words: where a run starts and where it ends (exclusive)
    edges = np.diff(word.astype(np.int8), prepend=0, append=0)
    for start, end in zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()):
        # A long run is a list or a run-on; its sliding windows would all be candidates.
        if end - start <= MAX_PHRASE_WORDS:
            phrases.append((tuple(strings[h] for h in lower[start:end].tolist()), bool(title_tokens[start])))

    if not phrases:
        return []
    freq: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for words, _ in phrases:
        for w in words:
            freq[w] += 1
            degree[w] += len(words)
    counts: Counter[tuple[str, ...]] = Counter()
    in_title: defaultdict[tuple[str, ...], bool] = defaultdict(bool)
    for words, title in phrases:
        if title:
            in_title[words] = True
        else:
            counts[words] += 1
    scored = []
    for words in set(counts) | set(in_title):
        # A lone word is weaker evidence than a phrase: it must recur, or be in the headline
        # and the body both.
        needed = 3 if len(words) == 1 else 2
        if in_title[words] and counts[words] >= needed - 2 + (len(words) == 1):
            pass
        elif counts[words] < needed:
            continue
        score = sum(degree[w] / freq[w] for w in words) * (1 + counts[words]) ** 0.5
        if in_title[words]:
            score *= 1.5
        scored.append((score, words))
    scored.sort(key=lambda item: (-item[0], item[1]))
    out: list[str] = []
    chosen: list[tuple[str, ...]] = []
    for _, words in scored:
        # "winter" after "brutal winter" says nothing new
        if any(_inside(words, longer) for longer in chosen):
            continue
        chosen.append(words)
        out.append(" ".join(words))
        if len(out) == limit:
            break
    return out


def _inside(short: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    n = len(short)
    return n < len(longer) and any(longer[i : i + n] == short for i in range(len(longer) - n + 1))
