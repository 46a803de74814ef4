"""The entity registry: one canonical entity per real-world entity across articles."""

from __future__ import annotations

import pytest

from enrich.registry import EntityRegistry, translit_key
from fixtures.registry_entities import ent




@pytest.fixture
def registry(tmp_path):
    reg = EntityRegistry(tmp_path / "entities.db")
    yield reg
    reg.close()


def names(batch):
    return [[(e.label, e.name, e.key) for e in entities] for entities in batch]


def test_a_surname_alone_takes_the_full_name_seen_before(registry):
    registry.canonicalize([[ent("Recep Tayyip Erdogan")]])
    (out,) = registry.canonicalize([[ent("Erdogan")]])
    assert [(e.name, e.key) for e in out] == [("Recep Tayyip Erdoğan", "recep tayyip erdogan")]
    assert out[0].surface_forms == ["Erdogan"]  # what the article said is kept


def test_a_full_name_given_earlier_in_the_same_batch_serves_the_next_article(registry):
    first, second = registry.canonicalize([[ent("Yevgeny Prigozhin")], [ent("Prigozhin")]])
    assert second[0].name == "Yevgeny Prigozhin"


def test_a_word_shared_by_two_people_stays_apart(registry):
    registry.canonicalize([[ent("Kim Jong Un")], [ent("Kim Yo Jong")]])
    (out,) = registry.canonicalize([[ent("Kim")]])
    assert out[0].key == "kim"


def test_transliterations_of_a_name_meet(registry):
    registry.canonicalize([[ent("Yevgeny Prigozhin")]])
    (a,), (b,) = registry.canonicalize([[ent("Yevgeniy Prigozhin")], [ent("Evgeny Prigozhin")]])
    assert a.name == b.name == "Yevgeny Prigozhin"


@pytest.mark.parametrize("a,b", [("zelenskyy", "zelensky"), ("dmitriy", "dmitry"), ("sergei", "sergey"),
                                 ("yevgeniy", "evgeny"), ("mikhail", "mihail")])
def test_translit_key_folds_romanisations(a, b):
    assert translit_key(a) == translit_key(b)


@pytest.mark.parametrize("a,b", [("kim jong un", "kim jong il"), ("johnson", "johnston"), ("xi jinping", "xian")])
def test_translit_key_keeps_different_names_apart(a, b):
    assert translit_key(a) != translit_key(b)


def test_aliases_give_the_canonical_name_and_label(registry):
    (out,) = registry.canonicalize([[ent("U.S.", "ORG"), ent("Zelenskyy")]])
    assert {(e.label, e.name) for e in out} == {("GPE", "United States"), ("PERSON", "Volodymyr Zelensky")}


def test_two_spellings_in_one_article_become_one_entity(registry):
    (out,) = registry.canonicalize([[ent("United States", "GPE", count=3, salience=0.9),
                                      ent("U.S.", "GPE", count=2, salience=0.4, forms=["U.S."])]])
    assert len(out) == 1
    us = out[0]
    assert (us.count, us.salience) == (5, 0.9)
    assert set(us.surface_forms) == {"United States", "U.S."}


def test_one_display_name_for_an_entity_across_articles(registry):
    registry.canonicalize([[ent("Ines Alvarez")]])
    (out,) = registry.canonicalize([[ent("Inés Alvarez")]])
    assert out[0].name == "Ines Alvarez"


def test_a_place_and_a_person_stay_apart(registry):
    registry.canonicalize([[ent("Xi Jinping")]])
    (out,) = registry.canonicalize([[ent("Xi'an", "GPE")]])
    assert (out[0].label, out[0].key) == ("GPE", "xian")


def test_the_registry_survives_a_restart(tmp_path):
    first = EntityRegistry(tmp_path / "entities.db")
    first.canonicalize([[ent("Recep Tayyip Erdogan")]])
    first.close()
    second = EntityRegistry(tmp_path / "entities.db")
    (out,) = second.canonicalize([[ent("Erdogan")]])
    assert out[0].name == "Recep Tayyip Erdoğan"
    assert second.lookup("Erdogan") == [("PERSON", "recep tayyip erdogan", "Recep Tayyip Erdoğan", 2)]
    second.close()


def test_known_names_are_aliases_names_seen_twice_and_unambiguous_name_parts(registry):
    registry.canonicalize([[ent("Ines Alvarez")], [ent("Harbour Board", "ORG")], [ent("Harbour Board", "ORG")]])
    assert registry.known_label("dprk") == "GPE"
    assert registry.known_label("harbour board") == "ORG"
    assert registry.known_label("alvarez") == "PERSON"
    assert registry.known_label("ines alvarez") is None  # seen once
    assert registry.known_label("nobody") is None


def test_a_failed_batch_leaves_no_trace(registry, monkeypatch):
    def boom(self, e):
        raise RuntimeError("boom")

    monkeypatch.setattr(EntityRegistry, "_register", boom)
    with pytest.raises(RuntimeError):
        registry.canonicalize([[ent("Ines Alvarez")]])
    assert registry.count() == 0
