"""Name normalisation shared by enrich (which writes entity keys) and the indexes
(which fold a user's ``--entity`` filter the same way), so both sides always agree.

``fold("President Kim Jong-Un’s")  == "kim jong un"``
``fold("Erdoğan") == fold("Erdogan") == "erdogan"``
"""

from __future__ import annotations

import functools

import re
import unicodedata

# Titles and honorifics that precede a name but are not part of it. Longest first so
# "Prime Minister" wins over "Minister". Matched case-insensitively, with optional dot.
# Words that also begin place and organisation names ("General Motors", "St. Louis",
# "Prince Edward Island", "Major League Baseball") are left out on purpose: this list is
# applied to every label.
TITLES: tuple[str, ...] = tuple(
    sorted(
        {
            "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame",
            "rev", "reverend",
            "president", "vice president", "prime minister", "deputy prime minister", "premier",
            "chancellor", "minister", "foreign minister", "defence minister", "defense minister",
            "secretary of state", "secretary-general", "secretary general",
            "governor", "senator", "sen", "rep", "representative", "congressman", "congresswoman",
            "mayor", "judge", "chief justice", "ambassador", "lt", "col", "colonel", "admiral",
            "sgt", "sergeant", "commander", "pope", "sheikh", "supreme leader", "crown prince",
            "chairman", "chairwoman", "ceo", "chief executive", "dictator",
            "commissioner", "trade commissioner", "foreign secretary", "home secretary", "spokesman",
            "spokeswoman", "spokesperson", "envoy", "special envoy", "leader",
        },
        key=len,
        reverse=True,
    )
)
# Honorifics that only ever precede a person's name: a span starting with one is a PERSON.
PERSONAL_HONORIFICS: frozenset[str] = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})

_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u0060\u2032"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
_APOS_RE = re.compile(f"[{_APOSTROPHES}]")
_HYPH_RE = re.compile(f"[{_HYPHENS}]")
_POSSESSIVE_RE = re.compile(r"(?:'s|(?<=s)')$", re.IGNORECASE)
# A title may be qualified by a nationality or an institution: "Turkish President",
# "UN Secretary-General", "European Commission President", "North Korean leader".
_QUALIFIER = r"(?:(?:u\.?s\.?|u\.?k\.?|un|nato|eu|european commission|north korean|south korean|[a-z]+(?:an|ese|ish|ch|i))\s+)?"
_TITLE_RE = re.compile(
    r"^(?:the\s+)?" + _QUALIFIER + r"(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in TITLES) + r")\.?\s+",
    re.IGNORECASE,
)
_WS_RE = re.compile(r"\s+")
# Letters that NFKD does not decompose into base + combining mark.
_FOLD_EXTRA = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
     "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)


def normalize_punctuation(text: str) -> str:
    """Unify apostrophes, hyphens and whitespace (NFKC), keeping letters and case."""
    text = unicodedata.normalize("NFKC", text)
    text = _APOS_RE.sub("'", text)
    text = _HYPH_RE.sub("-", text)
    return _WS_RE.sub(" ", text).strip()


def strip_possessive(name: str) -> str:
    """``"Putin's"`` -> ``"Putin"``; ``"Reuters'"`` -> ``"Reuters"``; ``"Xi'an"`` unchanged."""
    return _POSSESSIVE_RE.sub("", name).rstrip()


def strip_titles(name: str) -> tuple[str, list[str]]:
    """Remove leading titles/honorifics; returns the bare name and the titles removed (lower-cased).

    Never strips a name down to nothing: ``"President"`` alone stays as it is.
    """
    removed: list[str] = []
    while True:
        m = _TITLE_RE.match(name)
        if not m or not name[m.end():].strip():
            break
        removed.append(_WS_RE.sub(" ", m.group(0).strip().rstrip(".")).lower().removeprefix("the "))
        name = name[m.end():]
    return name, removed


def clean_name(surface: str) -> str:
    """A surface form made presentable as a name: punctuation unified, possessive and titles removed."""
    name = strip_possessive(normalize_punctuation(surface))
    name, _ = strip_titles(name)
    # spaCy often includes a sentence-internal article: "the United Nations Security Council"
    name = re.sub(r"^the\s+", "", name)
    return name.strip(" ,;:-\"'()[]")


def strip_accents(text: str) -> str:
    """Fold diacritics: ``Erdoğan`` -> ``Erdogan``."""
    text = text.translate(_FOLD_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(name: str) -> str:
    """The match key of a name: case-, diacritic-, hyphen-, title- and possessive-insensitive.

    Apostrophes and dots inside a word are dropped (``Xi'an`` -> ``xian``, ``U.S.`` -> ``us``),
    hyphens become spaces (``Jong-un`` -> ``jong un``), everything else that is not a letter
    or digit separates words.
    """
    name = strip_accents(clean_name(name)).casefold()
    name = re.sub(r"^the\s+", "", name)  # "The United Nations" and "United Nations" are one name
    name = re.sub(r"(?<=\w)['.](?=\w)", "", name)
    name = re.sub(r"[^\w]+|_", " ", name)
    return _WS_RE.sub(" ", name).strip()


#: ``fold`` remembering recent names: the same spellings recur in every batch (enrich, index rows)
cached_fold = functools.lru_cache(maxsize=65_536)(fold)
