"""Aliases: every spelling of an aliased entity folds to one canonical name."""

from __future__ import annotations

import pytest

from newsflow.core.aliases import alias_table, canonical_name, resolve
from newsflow.core.names import fold
from newsflow.core.search import SearchRequest


@pytest.mark.parametrize("spelling,canonical", [
    ("US", "United States"), ("U.S.", "United States"), ("the United States", "United States"),
    ("USA", "United States"), ("UN", "United Nations"), ("U.N.", "United Nations"),
    ("EU", "European Union"), ("Nato", "NATO"), ("DPRK", "North Korea"),
    ("Democratic People's Republic of Korea", "North Korea"), ("Zelenskyy", "Volodymyr Zelensky"),
    ("Zelenskiy", "Volodymyr Zelensky"), ("Kim Jong-un", "Kim Jong Un"), ("Erdoğan", None),
    ("Recep Tayyip Erdogan", "Recep Tayyip Erdoğan"), ("Russian Federation", "Russia"),
    ("Iran, Islamic Republic of", "Iran"), ("Türkiye", "Turkey"), ("Viet Nam", "Vietnam"),
])
def test_spellings_resolve_to_one_canonical_name(spelling, canonical):
    alias = resolve(spelling)
    assert (alias.name if alias else None) == canonical


def test_countries_come_from_pycountry_too():
    assert resolve("Federal Republic of Germany").name == "Germany"
    assert resolve("Plurinational State of Bolivia").name == "Bolivia"


@pytest.mark.parametrize("ambiguous", ["Korea", "Virgin Islands", "Kim", "WHO"])
def test_ambiguous_names_have_no_alias(ambiguous):
    assert resolve(ambiguous) is None


def test_every_canonical_key_is_the_fold_of_its_name():
    for key, alias in alias_table().items():
        assert alias.key == fold(alias.name)
        assert resolve(alias.name) == alias  # a canonical name resolves to itself


def test_a_name_without_alias_is_kept_as_given():
    assert canonical_name("Ines Alvarez") == "Ines Alvarez"


def test_search_requests_ask_for_canonical_names():
    assert SearchRequest(entities=["U.S.", "Zelenskyy", "Ines Alvarez"]).entities == [
        "United States", "Volodymyr Zelensky", "Ines Alvarez"]
