"""The lead summary of an article: its first sentences, as a news lede is written to be read.

Sentences are found on the tokens spaCy already made for NER, with the rule of spaCy's own
``sentencizer`` (a sentence ends after ".", "!", "?" and their kin, once the closing
punctuation and quotes that follow are taken along), plus paragraph breaks. Only the first
paragraphs are visited. spaCy's tokenizer keeps "Mr." or "U.S." in one token, so they do
not end a sentence.
"""

from __future__ import annotations

from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

MAX_SENTENCES = 2
MAX_CHARS = 400
_PUNCT = frozenset(Sentencizer.default_punct_chars)


def _sentences(doc: Doc, start_char: int, max_sentences: int, max_chars: int) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    seen_end = False
    limit = start_char + max_chars * (max_sentences + 1)

    def close() -> None:
        text = " ".join("".join(current).split())
        if text:
            out.append(text)
        current.clear()

    for token in doc:
        if token.idx < start_char:
            continue
        if token.idx > limit or len(out) >= max_sentences:
            break
        if token.is_space and "\n" in token.text:
            close()
            seen_end = False
            continue
        is_end = token.text in _PUNCT
        if seen_end and not token.is_punct and not is_end:
            close()
            seen_end = False
        elif is_end:
            seen_end = True
        current.append(token.text_with_ws)
    if len(out) < max_sentences:
        close()
    return out[:max_sentences]


def lead_summary(doc: Doc, start_char: int = 0, max_sentences: int = MAX_SENTENCES,
                 max_chars: int = MAX_CHARS) -> str:
    """The first ``max_sentences`` sentences of ``doc`` from ``start_char`` (the body start).

    At most ``max_chars`` characters: sentences that would pass it are left out; a first
    sentence longer than that is cut at a word boundary and ends with "…".
    """
    summary = ""
    for sentence in _sentences(doc, start_char, max_sentences, max_chars):
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > max_chars:
            if not summary:
                cut = candidate[: max_chars - 1].rsplit(" ", 1)[0]
                summary = cut.rstrip(",;:") + "…"
            break
        summary = candidate
    return summary
