"""Places spaCy mislabels, corrected from a gazetteer: Kyiv is not a PERSON, Odesa not a NORP.

``enrich/data/places.txt`` (generated at development time by ``tools/generate_places.py`` from
pycountry and GeoNames, CC BY 4.0: ``enrich/data/PLACES_LICENSE.txt``) maps a folded name to the
kind of place it is. What a kind may overrule is graded by how sure the name is a place:

- any place overrules NORP (a nationality is never spelled like a city: "Odesa", "Dardanelles");
- a country, capital, city, region, sea, strait or landform overrules PERSON and ORG ("Kyiv",
  "Bosphorus", "Copenhagen", "KINSHASA" in a dateline);
- a place that is also a common given name, surname, club or company (kind ``ambiguous``:
  "Jordan", "Lille", "Amazon") overrules nothing but NORP;
- and the other way round, one word with a demonym's ending that is no known place
  ("Ukrainian" tagged GPE) is a NORP.

A post-pass rather than a spaCy ``entity_ruler``: it only relabels spans spaCy found (one dict
lookup each, on a key the canonicaliser computes anyway), so it can never add a club or company
spelled like a city, and it costs nothing per token.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

GPE, LOC, NORP = "GPE", "LOC", "NORP"
# One word with a demonym's ending that no gazetteer knows as a place: "Ukrainian" tagged GPE.
_DEMONYM_RE = re.compile(r"^[a-z]+(?:ian|ean|ese|ish)$")
PLACE_LABELS = frozenset({GPE, LOC})
# kinds that are areas people live in (GPE) rather than physical geography (LOC)
_LOC_KINDS = frozenset({"water", "land"})
AMBIGUOUS = "ambiguous"
# labels a gazetteer place may replace, and the kinds allowed to replace each
_OVERRULES = {"NORP": None, "PERSON": AMBIGUOUS, "ORG": AMBIGUOUS}


@functools.lru_cache(maxsize=1)
def places() -> dict[str, str]:
    """Folded place name -> kind (``country``, ``capital``, ``bigcity``, ``city``, ``region``,
    ``water``, ``land``, ``ambiguous``); read once per process."""
    text = resources.files("enrich.data").joinpath("places.txt").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, kind, _name = line.split("\t", 2)
        table[key] = kind
    return table


def place_label(kind: str) -> str:
    """Our label for a kind of place: LOC for seas, rivers and landforms, GPE otherwise (an
    ``ambiguous`` name is a town or country when it is a place at all)."""
    return LOC if kind in _LOC_KINDS else GPE


def corrected_label(label: str, key: str) -> str:
    """``label`` for the entity ``key``, or the place label when the gazetteer overrules it.

    A place spaCy already calls a place gets the label of its kind (the French model says LOC
    for cities and countries alike; we say GPE for those)."""
    if label in PLACE_LABELS:
        kind = places().get(key)
        if kind is None:
            return NORP if _DEMONYM_RE.match(key) else label
        return place_label(kind)
    if label not in _OVERRULES:
        return label
    kind = places().get(key)
    if kind is None or kind == _OVERRULES[label]:
        return label
    return place_label(kind)


def is_place(key: str) -> bool:
    """Whether ``key`` names a place that is not also a common name of something else."""
    kind = places().get(key)
    return kind is not None and kind != AMBIGUOUS
