"""Canonical entities: one entity per real-world name, however an article spells it.

Most tests run the real spaCy model on short texts it is known to read correctly; where a
rule exists to correct the model (a mislabelled span, a headline-case run-on), the spans are
also set by hand, so the rule is tested whatever the model says.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from enrich.canonical import canonical_entities, compose, entity_names, is_headline_case, salience
from enrich.model import load_model
from newsflow.core.config import DEFAULT_LABELS
from newsflow.core.contracts import Entity
from newsflow.core.names import fold


@pytest.fixture(scope="module")
def nlp():
    return load_model("en_core_web_sm")  # cached per process: every test module shares one load


def extract(nlp, text: str, title: str = "", labels=DEFAULT_LABELS) -> list[Entity]:
    composed, title_len = compose(title, text)
    return canonical_entities(nlp(composed), title_len, labels)


def labelled(nlp, text: str, spans: list[tuple[str, str]], title: str = "", labels=DEFAULT_LABELS) -> list[Entity]:
    """Entities of a Doc whose NER spans are given: each (surface, label) at its next occurrence."""
    composed, title_len = compose(title, text)
    doc: Doc = nlp.make_doc(composed)
    ents, pos = [], 0
    for surface, label in spans:
        start = composed.index(surface, pos)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, f"{surface!r} is not on token boundaries"
        ents.append(span)
        pos = start + len(surface)
    doc.ents = ents
    return canonical_entities(doc, title_len, labels)


def by_key(entities: list[Entity]) -> dict[str, Entity]:
    return {e.key: e for e in entities}


# --- spellings of one name ------------------------------------------------------------


def test_kim_jong_un_spellings_meet_on_one_key(nlp):
    ents = by_key(
        extract(
            nlp,
            "North Korean leader Kim Jong Un arrived in Moscow on Tuesday. Officials said Kim Jong-un "
            "would stay for three days. State media showed Kim Jong-Un greeting soldiers.",
        )
    )
    kim = ents["kim jong un"]
    assert kim.label == "PERSON"
    assert kim.count == 3
    assert kim.surface_forms == ["Kim Jong Un", "Kim Jong-un", "Kim Jong-Un"]
    assert len([e for e in ents.values() if e.label == "PERSON"]) == 1


def test_display_name_is_the_most_frequent_spelling(nlp):
    ents = by_key(
        extract(
            nlp,
            "Officials said Kim Jong-un would stay for three days. North Korean leader Kim Jong Un arrived "
            "in Moscow on Tuesday. Officials said Kim Jong-un would stay for three days.",
        )
    )
    assert ents["kim jong un"].name == "Kim Jong-un"


def test_possessives_with_straight_and_curly_apostrophes_are_the_name(nlp):
    ents = by_key(
        extract(
            nlp,
            "Vladimir Putin\u2019s army is short of shells. Putin's generals have asked for more. "
            "President Vladimir Putin met his advisers on Monday. Putin said little.",
        )
    )
    putin = ents["vladimir putin"]
    assert putin.name == "Vladimir Putin"
    assert putin.count == 4
    assert set(putin.surface_forms) >= {"Vladimir Putin\u2019s", "Putin"}
    assert not any("'" in k or "\u2019" in k for k in ents)


def test_possessive_s_straight_and_curly_give_one_entity(nlp):
    ents = by_key(labelled(nlp, "Putin's army and Putin\u2019s navy.", [("Putin's", "PERSON"), ("Putin\u2019s", "PERSON")]))
    assert list(ents) == ["putin"]
    assert ents["putin"].name == "Putin" and ents["putin"].count == 2


def test_titles_are_not_part_of_the_name(nlp):
    # The small model usually leaves "President" out of the span; when a span includes it,
    # the title is dropped all the same.
    ents = by_key(
        labelled(
            nlp,
            "President Vladimir Putin spoke. Prime Minister Rishi Sunak replied.",
            [("President Vladimir Putin", "PERSON"), ("Prime Minister Rishi Sunak", "PERSON")],
        )
    )
    assert ents["vladimir putin"].name == "Vladimir Putin"
    assert ents["vladimir putin"].surface_forms == ["President Vladimir Putin"]
    assert ents["rishi sunak"].name == "Rishi Sunak"


def test_accents_do_not_split_a_name(nlp):
    ents = by_key(
        extract(
            nlp,
            "Turkish President Recep Tayyip Erdo\u011fan spoke in Ankara on Friday. Erdogan said the grain "
            "deal could be revived. Reporters asked Erdo\u011fan about Russia.",
        )
    )
    erdogan = ents["recep tayyip erdogan"]
    assert erdogan.name == "Recep Tayyip Erdo\u011fan"
    assert erdogan.count == 3
    assert "Erdogan" in erdogan.surface_forms and "Erdo\u011fan" in erdogan.surface_forms


# --- short forms ----------------------------------------------------------------------


def test_short_form_joins_the_full_name_and_counts_add_up(nlp):
    ents = extract(
        nlp,
        "Vladimir Putin wants more artillery shells. Putin met his generals on Monday. "
        "The Kremlin said Putin would travel.",
    )
    putin = by_key(ents)["vladimir putin"]
    assert putin.count == 3
    assert putin.name == "Vladimir Putin"
    assert "putin" not in by_key(ents)


def test_family_name_alone_joins_the_only_person_who_has_it(nlp):
    ents = by_key(
        extract(
            nlp,
            "North Korean leader Kim Jong Un arrived in Moscow on Tuesday. Kim will travel by train, "
            "officials said.",
        )
    )
    assert ents["kim jong un"].count == 2
    assert "kim" not in ents


def test_people_who_share_a_family_name_stay_apart(nlp):
    ents = by_key(
        extract(
            nlp,
            "Kim Jong Un inspected a missile factory on Monday. His sister Kim Yo-jong issued a statement "
            "on Tuesday. Kim said the tests would continue.",
        )
    )
    assert ents["kim jong un"].count == 1
    assert ents["kim yo jong"].count == 1
    # "Kim" could be either of them: it is left on its own rather than guessed
    assert ents["kim"].count == 1


def test_a_place_and_a_person_stay_apart(nlp):
    ents = by_key(
        extract(
            nlp,
            "Chinese leader Xi Jinping visited the city of Xi'an on Monday. Xi'an is the capital of "
            "Shaanxi province. Xi Jinping praised local officials.",
        )
    )
    assert (ents["xi jinping"].label, ents["xi jinping"].count) == ("PERSON", 2)
    assert (ents["xian"].label, ents["xian"].count, ents["xian"].name) == ("GPE", 2, "Xi'an")


def test_short_form_matches_only_the_same_label(nlp):
    ents = by_key(
        labelled(nlp, "Georgia Meloni spoke. Troops left Georgia.", [("Georgia Meloni", "PERSON"), ("Georgia", "GPE")])
    )
    assert ents["georgia"].label == "GPE"
    assert ents["georgia meloni"].count == 1


def test_a_run_on_list_of_organisations_does_not_swallow_its_members(nlp):
    text = "The report came via BBC & New York Times reporters. The BBC said so. The New York Times agreed."
    ents = by_key(
        labelled(
            nlp,
            text,
            [("BBC & New York Times", "ORG"), ("BBC", "ORG"), ("The New York Times", "ORG")],
        )
    )
    assert ents["bbc"].count == 1
    assert ents["new york times"].count == 1


# --- honorifics -----------------------------------------------------------------------


def test_mr_everard_is_a_person_and_joins_john_everard(nlp):
    # The model labels this "Mr Everard" as an ORG.
    ents = by_key(
        extract(
            nlp,
            "John Everard served as UK ambassador to North Korea. North Korea has stockpiles of weapons "
            "that Moscow needs and which would work with Soviet-era military equipment, although "
            "Mr Everard said the weapons were \u201cin very poor condition\u201d.",
        )
    )
    everard = ents["john everard"]
    assert everard.label == "PERSON"
    assert everard.count == 2
    assert "Mr Everard" in everard.surface_forms
    assert "everard" not in ents and "mr everard" not in ents


def test_a_span_starting_with_an_honorific_is_a_person_whatever_the_model_said(nlp):
    ents = by_key(labelled(nlp, "Officials were unconvinced. Dr Everard said the shells were old.", [("Dr Everard", "ORG")]))
    assert (ents["everard"].name, ents["everard"].label) == ("Everard", "PERSON")


def test_an_honorific_just_before_the_span_makes_it_a_person(nlp):
    ents = by_key(labelled(nlp, "Officials were unconvinced. Mrs Everard said the shells were old.", [("Everard", "ORG")]))
    assert ents["everard"].label == "PERSON"


# --- headlines ------------------------------------------------------------------------


def test_headline_case_title_gives_no_spurious_entities(nlp):
    ents = extract(
        nlp,
        "Russian President Vladimir Putin is buying rockets from North Korean leader Kim Jong-un, according "
        "to the New York Times. Putin needs them for the war in Ukraine.",
        title="Putin Getting Desperate? Russian President Reportedly Turns To Kim Jong-Un For More Rockets",
    )
    keys = by_key(ents)
    assert not any("reportedly" in k or "desperate" in k or "getting" in k for k in keys)
    assert keys["vladimir putin"].in_title and keys["vladimir putin"].count == 3
    assert keys["kim jong un"].in_title and "Kim Jong-Un" in keys["kim jong un"].surface_forms
    assert not keys["ukraine"].in_title


def test_a_title_span_counts_as_the_body_entity_it_contains(nlp):
    ents = by_key(
        extract(
            nlp,
            "Vladimir Putin wants more artillery shells from North Korea. The Kremlin said Putin would meet "
            "Kim Jong Un in Vladivostok.",
            title="Vladimir Putin Is Reportedly Desperate To Buy Weapons",
        )
    )
    assert "vladimir putin is" not in ents
    putin = ents["vladimir putin"]
    assert putin.in_title and putin.count == 3
    assert "Vladimir Putin Is" not in putin.surface_forms  # the run-on is not a spelling of the name


def test_a_short_form_in_the_title_counts_for_the_full_name_in_the_body(nlp):
    ents = by_key(extract(nlp, "Vladimir Putin met Kim Jong Un in Vladivostok.", title="Putin Meets Kim"))
    assert set(ents) == {"vladimir putin", "kim jong un", "vladivostok"}
    assert ents["vladimir putin"].in_title and ents["vladimir putin"].count == 2
    assert ents["kim jong un"].in_title and ents["kim jong un"].count == 2


def test_name_parts_in_the_title_match_only_inside_person_spans_and_only_one_person(nlp):
    ents = by_key(
        labelled(
            nlp,
            "Kim Jong Un tested a missile. Kim Yo-jong praised it. Vladimir Putin called.",
            [("UN", "ORG"), ("Kim Over", "PERSON"), ("Putin", "PERSON"),
             ("Kim Jong Un", "PERSON"), ("Kim Yo-jong", "PERSON"), ("Vladimir Putin", "PERSON")],
            title="UN Warns Kim Over Putin Talks",
        )
    )
    assert not ents["kim jong un"].in_title  # neither "UN" (an ORG) nor the ambiguous "Kim"
    assert not ents["kim yo jong"].in_title
    assert ents["vladimir putin"].in_title
    assert ents["vladimir putin"].surface_forms == ["Putin", "Vladimir Putin"]


def test_title_spans_without_support_in_the_body_are_dropped(nlp):
    ents = by_key(
        labelled(
            nlp,
            "Putin met generals.",
            [("Reportedly Turns", "PERSON"), ("Putin", "PERSON")],
            title="Russia Reportedly Turns To Allies",
        )
    )
    assert list(ents) == ["putin"]
    assert not ents["putin"].in_title


def test_headline_case_lines_in_the_body_are_treated_like_the_title(nlp):
    ents = by_key(
        extract(
            nlp,
            "Russian President Vladimir Putin is buying rockets from North Korea, according to the New York "
            "Times.\n\nSee Also: Putin Pushing Europe Toward Brutal Winter? Gazprom Blames Germany's Siemens "
            "For Nord Stream Supply Halt\n\nPutin needs the rockets for the war in Ukraine.",
        )
    )
    assert not any(k.startswith("putin ") or k.startswith("blames") or k.startswith("siemens") for k in ents)
    assert ents["vladimir putin"].count == 3


@pytest.mark.parametrize(
    "line,expected",
    [
        ("See Also: Putin Pushing Europe Toward Brutal Winter? Gazprom Blames Germany's Siemens", True),
        ("Vladimir Putin Is Reportedly Desperate To Stockpile Weapons From North Korea", True),
        ("Kim Jong Un met his sister Kim Yo-jong on Monday.", False),
        ("Russian President Vladimir Putin has made a surprising vow to arm North Korea", False),
        ("Putin Says No", False),  # too short to judge
    ],
)
def test_headline_case_detection(line, expected):
    assert is_headline_case(line) is expected


# --- labels, salience, output shape ---------------------------------------------------

LEAD_TEXT = (
    "Vladimir Putin met Kim Jong Un in Vladivostok on Wednesday. Putin praised the talks. "
    "Putin later flew back to Moscow, where Putin met the Chinese ambassador."
)


def test_only_configured_labels_are_kept(nlp):
    ents = extract(nlp, LEAD_TEXT, labels=["PERSON"])
    assert ents and {e.label for e in ents} == {"PERSON"}
    assert {e.label for e in extract(nlp, LEAD_TEXT)} > {"PERSON"}


def test_salience_ranks_the_main_subject_first_and_stays_within_0_and_1(nlp):
    ents = extract(nlp, LEAD_TEXT, title="Kim Jong Un Meets Vladimir Putin")
    assert ents[0].key == "vladimir putin"
    assert ents[0].salience == 1.0  # most mentioned, in the title, in the lead
    assert all(0.0 <= e.salience <= 1.0 for e in ents)
    assert [e.salience for e in ents] == sorted((e.salience for e in ents), reverse=True)
    moscow = by_key(ents)["moscow"]
    assert not moscow.in_title and moscow.salience < by_key(ents)["kim jong un"].salience


def test_salience_formula():
    assert salience(4, 4, True, True) == 1.0
    assert salience(2, 4, False, True) == pytest.approx(0.45)
    assert salience(1, 4, False, False) == pytest.approx(0.15)


def test_entity_names_per_label_in_salience_order(nlp):
    ents = extract(nlp, LEAD_TEXT)
    names = entity_names(ents)
    assert names["PERSON"] == [e.name for e in ents if e.label == "PERSON"]
    assert names["PERSON"][0] == "Vladimir Putin"
    assert "Moscow" in names["GPE"]


def test_every_key_is_the_fold_of_the_name(nlp):
    ents = extract(nlp, LEAD_TEXT + " Mr Everard said Erdo\u011fan\u2019s plan failed.", title="Putin\u2019s Day")
    assert ents
    for e in ents:
        assert e.key == fold(e.name)


@pytest.mark.parametrize("title,text", [("", ""), ("Headline Only About Putin", ""), ("", "   \n\n  ")])
def test_empty_input_has_no_entities(nlp, title, text):
    assert extract(nlp, text, title=title) == []
