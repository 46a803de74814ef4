"""One folding function decides which spellings are the same name, for enrich and every index."""

import pytest

from newsflow.core.names import clean_name, fold, strip_titles


@pytest.mark.parametrize(
    "variants",
    [
        ["Kim Jong Un", "Kim Jong-un", "Kim Jong-Un", "KIM JONG UN", "Kim  Jong\u2011un"],
        ["Putin", "Putin's", "Putin\u2019s", "President Putin", "Mr. Putin"],
        ["Vladimir Putin", "Russian President Vladimir Putin", "President Vladimir Putin\u2019s"],
        ["Erdo\u011fan", "Erdogan", "ERDOGAN"],
        ["United Nations", "the United Nations", "The United Nations"],
        ["U.S.", "US"],
        ["S\u00f8ren Kierkegaard", "Soren Kierkegaard"],
    ],
)
def test_spellings_of_one_name_fold_to_one_key(variants):
    assert len({fold(v) for v in variants}) == 1


@pytest.mark.parametrize("a,b", [("Kim Jong Un", "Kim Yo-jong"), ("Xi'an", "Xi Jinping"), ("Xi'an", "Xi")])
def test_different_names_keep_different_keys(a, b):
    assert fold(a) != fold(b)


def test_clean_name_keeps_the_display_form_but_drops_titles_and_possessives():
    assert clean_name("President Vladimir Putin\u2019s") == "Vladimir Putin"
    assert clean_name("Prime Minister Narendra Modi") == "Narendra Modi"
    assert clean_name("U.S.") == "U.S."
    assert clean_name("Xi'an") == "Xi'an"


def test_a_title_alone_is_not_stripped_to_nothing():
    assert strip_titles("President") == ("President", [])
    assert fold("President") == "president"


@pytest.mark.parametrize(
    "name",
    ["General Motors", "St. Louis", "Saint Petersburg", "Major League Baseball", "Prince Edward Island",
     "Queen Mary University", "Christian Democrats", "Ivan Ivanov"],
)
def test_place_and_organisation_names_that_start_like_a_title_are_left_whole(name):
    assert clean_name(name) == name


@pytest.mark.parametrize(
    "surface,name",
    [
        ("Turkish President Recep Tayyip Erdo\u011fan", "Recep Tayyip Erdo\u011fan"),
        ("UN Secretary-General Ant\u00f3nio Guterres", "Ant\u00f3nio Guterres"),
        ("NATO Secretary General Mark Rutte", "Mark Rutte"),
        ("European Commission President Ursula von der Leyen", "Ursula von der Leyen"),
        ("Russian Foreign Minister Sergei Lavrov", "Sergei Lavrov"),
        ("North Korean leader Kim Jong Un", "Kim Jong Un"),
        ("Chief Executive Annika Lindqvist", "Annika Lindqvist"),
    ],
)
def test_qualified_titles_are_stripped(surface, name):
    assert clean_name(surface) == name
