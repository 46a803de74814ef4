"""Full-text analysis done by newsflow itself, identically for every index backend.

The minimal Elasticsearch node has no language analysers and SQLite's FTS5 has no stemmer in
Python, so newsflow stems: ``stem_text`` turns an article's title and text into a string of
stems (folded: lower case, no diacritics, Snowball stem of the article's language) that both
backends index in a ``*_stem`` field next to the exact one, split on spaces only (FTS5
``unicode61`` and Elasticsearch's ``whitespace`` analyser see the same tokens). A query word goes
through ``query_stems`` (the same steps), so ``missile`` finds *missiles* and ``sanctions``
finds *sanctioned* on both backends with the same results. Exact phrases and prefixes keep
using the exact fields.

Words are runs of letters and digits, with apostrophes inside (``Xi'an``, ``Putin’s``); an
English possessive is dropped by the English stemmer (``putin's`` = ``putin``); what remains
of an apostrophe splits the word (``don't`` -> ``don t``), as both backends' tokenizers would.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

import Stemmer

from newsflow.core.names import _FOLD_EXTRA  # the letters NFKD leaves alone (ø, ß, ...): one table for fold and stems

# ISO 639-1 code of an article's language -> Snowball algorithm (PyStemmer names).
SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "nl": "dutch", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
# Articles without a language, and queries without lang:, are analysed as English (the
# language enrich's model reads).
DEFAULT_LANGUAGE = "en"

_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")
# Letters NFKD leaves alone (ø, ł, ß, ...) and the apostrophes, replaced only where they occur:
# str.translate with a table costs a dict lookup for every character of a text.
_REPLACE = {**{chr(k): v for k, v in _FOLD_EXTRA.items()}, "\u2019": "'", "\u02bc": "'"}
_SPECIAL = re.compile("[" + re.escape("".join(_REPLACE)) + "]")
# the combining diacritical mark blocks (what NFKD splits accents into)
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold_text(text: str) -> str:
    """Lower case, no diacritics, one apostrophe; for a whole text at C speed (bench/analysis.py)."""
    text = text.casefold()
    if text.isascii():
        return text
    text = _SPECIAL.sub(lambda m: _REPLACE[m.group()], text)
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def iso_code(language: str | None) -> str | None:
    """The ISO 639 code of a language tag (``en`` for ``en-GB`` or ``EN``); None for none."""
    code = (language or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return code or None


def language_code(language: str | None) -> str:
    """``iso_code``, or the default language for none: the stemmer a text is analysed with."""
    return iso_code(language) or DEFAULT_LANGUAGE


@functools.lru_cache(maxsize=64)
def _stemmer(code: str) -> Stemmer.Stemmer | None:
    algorithm = SNOWBALL.get(code)
    return Stemmer.Stemmer(algorithm) if algorithm else None


def fold_word(word: str) -> str:
    """Lower case, no diacritics, one kind of apostrophe: how every stem starts."""
    return fold_text(word)


def words(text: str) -> Iterator[re.Match[str]]:
    """The words of ``text`` with their offsets (what snippets mark)."""
    return _WORD.finditer(text)


def stem_tokens(text: str, language: str | None = None) -> list[str]:
    """The stems of ``text`` in ``language`` (ISO 639-1; unknown languages are folded, not stemmed).

    Whole-text string operations and PyStemmer's list call: no Python per character or word
    (bench/analysis.py measures it).
    """
    words = _WORD.findall(fold_text(text or ""))
    stemmer = _stemmer(language_code(language))
    if stemmer is not None:
        words = stemmer.stemWords(words)
    return " ".join(words).replace("'", " ").split()


def stem_text(text: str, language: str | None = None) -> str:
    """``stem_tokens`` joined by spaces: the value of a ``*_stem`` field."""
    return " ".join(stem_tokens(text, language))


def word_stem(word: str, language: str | None = None) -> tuple[str, ...]:
    """The stems of one word as the index holds them (several for ``Jong-un`` or ``don't``)."""
    return tuple(stem_tokens(word, language))


def query_stems(word: str, languages: list[str] | None = None) -> list[tuple[str, ...]]:
    """The distinct stem sequences of a query word over ``languages`` (default: the default language).

    A word typed without a language filter is looked up as English; with ``lang:de`` as German.
    """
    codes = [language_code(lang) for lang in (languages or [DEFAULT_LANGUAGE])]
    seqs = [word_stem(word, code) for code in dict.fromkeys(codes)]
    return [s for s in dict.fromkeys(seqs) if s]


__all__ = ["DEFAULT_LANGUAGE", "SNOWBALL", "fold_word", "iso_code", "language_code", "query_stems", "stem_text", "stem_tokens",
           "word_stem", "words"]
