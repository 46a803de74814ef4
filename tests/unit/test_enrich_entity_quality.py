"""Entity quality: what newsflow corrects in spaCy's output, one failure class per test.

Spans are set by hand where the rule is about what spaCy said (a place labelled PERSON, a role
inside a span), so each rule is tested whatever the model version says; list, table, byline
and dateline lines use the real model, since they are about which spans are kept.
"""

from __future__ import annotations

import pytest
from test_enrich_canonical import labelled as labelled_entities

from enrich.canonical import canonical_entities, compose, is_structured_line
from enrich.gazetteer import corrected_label, places
from enrich.model import load_model
from enrich.registry import EntityRegistry
from newsflow.core.config import DEFAULT_LABELS
from newsflow.core.contracts import Entity


@pytest.fixture(scope="module")
def nlp():
    return load_model("en_core_web_sm")


def labelled(nlp, text: str, spans: list[tuple[str, str]], title: str = "") -> dict[str, Entity]:
    """Entities by key of a Doc whose NER spans are given (see ``test_enrich_canonical.labelled``)."""
    return {e.key: e for e in labelled_entities(nlp, text, spans, title)}


def extract(nlp, text: str, title: str = "") -> dict[str, Entity]:
    composed, title_len = compose(title, text)
    return {e.key: e for e in canonical_entities(nlp(composed), title_len, DEFAULT_LABELS)}


# -- places spaCy calls people, organisations or nationalities ---------------------------------

@pytest.mark.parametrize("place, label", [
    ("Kyiv", "PERSON"), ("Ankara", "PERSON"), ("Bosphorus", "PERSON"), ("Vladivostok", "PERSON"),
    ("Odesa", "NORP"), ("Dardanelles", "NORP"), ("Copenhagen", "ORG"), ("KINSHASA", "ORG"),
])
def test_a_gazetteer_place_is_a_place_whatever_spacy_labelled_it(nlp, place, label):
    ents = labelled(nlp, f"Officials in {place} said talks would go on.", [(place, label)])
    (entity,) = ents.values()
    assert entity.label in ("GPE", "LOC")


def test_seas_and_straits_are_locations_cities_and_countries_political_places():
    assert corrected_label("PERSON", "bosphorus") == "LOC"
    assert corrected_label("NORP", "strait of hormuz") == "LOC"
    assert corrected_label("ORG", "copenhagen") == "GPE"
    assert corrected_label("PERSON", "kiev") == "GPE"  # exonyms too
    assert corrected_label("ORG", "allemagne") == "GPE"  # a French exonym (pycountry's translation)


def test_a_place_that_is_also_a_name_or_a_club_keeps_spacys_person_or_org():
    assert places()["jordan"] == "ambiguous"
    assert corrected_label("PERSON", "jordan") == "PERSON"
    assert corrected_label("ORG", "lille") == "ORG"
    assert corrected_label("NORP", "lille") == "GPE"  # but a place is never a nationality


def test_a_word_of_a_persons_name_is_not_turned_into_a_place(nlp):
    # "Lawson" stays part of Tom Lawson even where a town of that name exists
    ents = labelled(nlp, "Farmer Tom Lawson said prices rose. Lawson sold six heifers.",
                    [("Tom Lawson", "PERSON"), ("Lawson", "PERSON")])
    assert ents["tom lawson"].count == 2


# -- cleaner spans ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, label, key", [
    ("Defender Hassan Abbas will miss the final.", "Defender Hassan Abbas", "PERSON", "hassan abbas"),
    ("Coach Marcel Koller said the club would wait.", "Coach Marcel Koller", "ORG", "marcel koller"),
    ("Lord mayor Sophie Andersen spoke on Monday.", "Lord mayor Sophie Andersen", "PERSON", "sophie andersen"),
    ("Transport Minister Abdulkadir Uraloglu said so.", "Transport Minister Abdulkadir Uraloglu", "PERSON",
     "abdulkadir uraloglu"),
    ("Er traf den Präsidenten Emmanuel Macron in Berlin.", "Präsidenten Emmanuel Macron", "PERSON", "emmanuel macron"),
    ("A Multilateral Sanctions Monitoring Team said so.", "A Multilateral Sanctions Monitoring Team", "ORG",
     "multilateral sanctions monitoring team"),
])
def test_roles_titles_and_articles_are_not_part_of_a_name(nlp, text, span, label, key):
    ents = labelled(nlp, text, [(span, label)])
    assert list(ents) == [key]
    assert ents[key].label in ("PERSON", "ORG")
    assert ents[key].surface_forms == [span]  # the spelling as written is kept for search


def test_a_role_in_front_of_a_name_makes_it_a_person(nlp):
    ents = labelled(nlp, "Coach Marcel Koller said the club would wait.", [("Coach Marcel Koller", "ORG")])
    assert ents["marcel koller"].label == "PERSON"


def test_an_organisation_that_starts_with_a_role_word_is_left_alone(nlp):
    ents = labelled(nlp, "General Motors raised its forecast.", [("General Motors", "ORG")])
    assert ents["general motors"].label == "ORG"


@pytest.mark.parametrize("text, span, label", [
    ("Prices for heifers rose sharply.", "heifers", "PERSON"),
    ("Party / Share\nGreens 14.6%", "Party / Share", "ORG"),
    ("It happened on Monday.", "Monday", "ORG"),
    ("The score was 20.01 in the final.", "20.01", "PERSON"),
])
def test_lowercase_people_table_words_dates_and_numbers_are_dropped(nlp, text, span, label):
    assert labelled(nlp, text, [(span, label)]) == {}


def test_a_ministry_word_before_a_role_is_not_an_organisation(nlp):
    ents = labelled(nlp, "Education Minister Jason Clare said so.", [("Education", "ORG"), ("Jason Clare", "PERSON")])
    assert list(ents) == ["jason clare"]


def test_a_named_department_before_a_role_stays_an_organisation(nlp):
    ents = labelled(nlp, "CIA director William Burns joined the talks.", [("CIA", "ORG"), ("William Burns", "PERSON")])
    assert set(ents) == {"cia", "william burns"}


def test_a_headline_place_counts_though_the_body_names_it_only_in_a_dateline(nlp):
    ents = labelled(nlp, "DAMASCUS - The airport reopened on Tuesday.", [("Damascus", "GPE")],
                    title="Damascus Airport Reopens to International Flights")
    assert ents["damascus"].label == "GPE" and ents["damascus"].in_title


def test_a_headline_span_nothing_supports_is_still_dropped(nlp):
    assert labelled(nlp, "The airport reopened on Tuesday.", [("Reopens Airport", "ORG")],
                    title="Reopens Airport After Repairs") == {}


def test_a_dateline_run_into_a_name_is_split(nlp):
    ents = labelled(nlp, "NUUK - King Frederik X arrived on Sunday.", [("NUUK - King Frederik X", "ORG")])
    assert ents["nuuk"].label == "GPE"
    assert ents["frederik x"].label == "PERSON"


# -- the headline rule applies to headlines only -----------------------------------------------

@pytest.mark.parametrize("line", [
    "7. Jim Moran (U.S.) 23.25",
    "Scottie Scheffler (USA) -14",
    "Bayer Leverkusen 79",
    "By Sarah Okonjo and Tomas Lindqvist",
    "Reporting by Ahmad Ghaddar; Editing by Louise Heavens",
    "KINSHASA, Dec 4 (Harbor Wire) - Opposition Leader Martin Fayulu Calls For Protests",
    "Joao Neves | Benfica | Paris St Germain",
])
def test_list_table_byline_and_dateline_lines_are_structured(line):
    assert is_structured_line(line)


def test_a_teaser_headline_in_the_body_is_not_structured():
    assert not is_structured_line("See Also: Putin Pushing Europe Toward Brutal Winter?")


def test_names_in_a_results_table_are_kept_though_the_lines_are_title_case(nlp):
    text = ("Jim Moran won the 200 metres on Friday.\nResults:\n"
            "1. Jim Moran (U.S.) 20.01\n2. Letsile Tebogo (Botswana) 20.14\n3. Zharnel Hughes (Britain) 20.30")
    ents = extract(nlp, text, title="Moran Wins 200m in Season Opener")
    assert {"letsile tebogo", "zharnel hughes"} <= set(ents)


def test_bylines_keep_their_names(nlp):
    ents = extract(nlp, "By Sarah Okonjo and Tomas Lindqvist\nA year after the floods the town has rebuilt its harbour.")
    assert {"sarah okonjo", "tomas lindqvist"} <= {k for k, e in ents.items() if e.label == "PERSON"}


# -- one row per entity ------------------------------------------------------------------------

def test_a_lone_surname_tagged_org_is_the_person_of_the_article(nlp):
    ents = labelled(nlp, "Vladimir Putin spoke on Monday. Putin said talks would go on.",
                    [("Vladimir Putin", "PERSON"), ("Putin", "ORG")])
    assert list(ents) == ["vladimir putin"]
    assert ents["vladimir putin"].count == 2


def test_an_all_caps_organisation_is_not_merged_into_a_person(nlp):
    ents = labelled(nlp, "Kim Jong Un fired a missile. The UN condemned it.",
                    [("Kim Jong Un", "PERSON"), ("UN", "ORG")])
    assert set(ents) == {"kim jong un", "un"}


def _entity(name: str, label: str, key: str, forms: list[str]) -> Entity:
    return Entity(name=name, label=label, key=key, surface_forms=forms, count=1, salience=0.5)


def test_the_registry_resolves_a_lone_surname_tagged_org_to_the_one_known_person():
    registry = EntityRegistry(":memory:")
    registry.canonicalize([[_entity("Recep Tayyip Erdogan", "PERSON", "recep tayyip erdogan", ["Recep Tayyip Erdogan"])]])
    (resolved,) = registry.canonicalize([[_entity("Erdogan", "ORG", "erdogan", ["Erdogan"])]])[0]
    assert (resolved.label, resolved.key) == ("PERSON", "recep tayyip erdogan")


def test_a_company_the_corpus_knows_is_not_taken_for_its_founder():
    registry = EntityRegistry(":memory:")
    for _ in range(2):
        registry.canonicalize([[_entity("Dell", "ORG", "dell", ["Dell"])]])
    registry.canonicalize([[_entity("Michael Dell", "PERSON", "michael dell", ["Michael Dell"])]])
    (resolved,) = registry.canonicalize([[_entity("Dell", "ORG", "dell", ["Dell"])]])[0]
    assert (resolved.label, resolved.key) == ("ORG", "dell")


def test_the_registry_gives_an_entity_the_label_the_corpus_gives_it():
    registry = EntityRegistry(":memory:")
    for _ in range(3):
        registry.canonicalize([[_entity("Fesco", "ORG", "fesco", ["Fesco"])]])
    (resolved,) = registry.canonicalize([[_entity("Fesco", "PERSON", "fesco", ["Fesco"])]])[0]
    assert resolved.label == "ORG"


def test_the_corpus_label_never_turns_a_gazetteer_place_into_a_person():
    registry = EntityRegistry(":memory:")
    for _ in range(3):
        registry.canonicalize([[_entity("Kyiv", "PERSON", "kyiv", ["Kyiv"])]])
    (resolved,) = registry.canonicalize([[_entity("Kyiv", "GPE", "kyiv", ["Kyiv"])]])[0]
    assert resolved.label == "GPE"
