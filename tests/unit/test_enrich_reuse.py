"""Exact copies of a text take what spaCy found in the first copy instead of running NER again."""

from __future__ import annotations

import pytest

from enrich.enricher import Enricher
from enrich.registry import EntityRegistry
from enrich.reuse import ReuseCache, text_key
from newsflow.core.config import DEFAULT_LABELS, Settings
from newsflow.core.contracts import Article, Entity, article_id, content_hash

BODY = ("Vladimir Putin wants more artillery shells from North Korea. The Kremlin said Putin would meet "
        "Kim Jong Un in Vladivostok. Officials in Seoul and Washington condemned the sale of artillery shells.")
TITLE = "Putin To Meet Kim In Vladivostok"
OTHER = ("Chinese leader Xi Jinping visited the city of Xi'an on Monday. Xi Jinping praised local officials "
         "for the new high-speed rail line.")


def article(url: str, text: str = BODY, title: str = TITLE) -> Article:
    return Article(id=article_id(url), url=url, canonical_url=url, source="example.com", title=title, text=text,
                   content_hash=content_hash(text))


@pytest.fixture
def enricher():
    e = Enricher(Settings(spacy_model="en_core_web_sm", entity_labels=list(DEFAULT_LABELS), enrich_batch_size=8))
    yield e
    e.close()


@pytest.fixture
def spacy_texts(enricher, monkeypatch) -> list[str]:
    """Every text handed to spaCy."""
    seen: list[str] = []
    real_pipe = enricher.nlp.pipe

    def spy(texts, **kwargs):
        texts = list(texts)
        seen.extend(texts)
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(enricher.nlp, "pipe", spy)
    return seen


def _doc_part(e):
    return e.entities, e.entity_names, e.keyphrases, e.summary


def test_a_copy_in_a_later_batch_skips_spacy_and_gets_the_same_results(enricher, spacy_texts):
    (first,) = enricher.enrich([article("https://a.example/1")])
    (copy,) = enricher.enrich([article("https://b.example/syndicated")])

    assert len(spacy_texts) == 1
    assert enricher.reuse.hits == 1
    assert first.entities and first.keyphrases and first.summary
    assert _doc_part(copy) == _doc_part(first)
    assert copy.id != first.id and copy.story_id == first.story_id


def test_copies_inside_one_batch_go_through_spacy_once(enricher, spacy_texts):
    out = enricher.enrich([article("https://a.example/1"), article("https://x.example/2", text=OTHER),
                           article("https://b.example/3")])

    assert len(spacy_texts) == 2
    assert enricher.reuse.hits == 1
    assert _doc_part(out[2]) == _doc_part(out[0])
    assert _doc_part(out[1]) != _doc_part(out[0])


def test_the_registry_still_counts_every_copy(tmp_path, spacy_texts, enricher):
    enricher.registry = EntityRegistry(tmp_path / "entities.db")
    enricher.enrich([article("https://a.example/1")])
    enricher.enrich([article("https://b.example/2")])

    assert len(spacy_texts) == 1
    (row,) = [r for r in enricher.registry.lookup("Vladimir Putin") if r[0] == "PERSON"]
    assert row[3] == 2  # seen in two articles


@pytest.mark.parametrize("changed", [
    {"title": "Kim And Putin Meet In Vladivostok"},  # a syndicated copy under its own headline
    {"text": BODY + " Talks are expected to last two days."},  # a republished edit
])
def test_anything_but_an_exact_copy_goes_through_spacy(enricher, spacy_texts, changed):
    enricher.enrich([article("https://a.example/1")])
    enricher.enrich([article("https://b.example/2", **changed)])

    assert len(spacy_texts) == 2
    assert enricher.reuse.hits == 0


def test_each_copy_gets_entities_of_its_own(enricher):
    (first,) = enricher.enrich([article("https://a.example/1")])
    first.entities[0].surface_forms.append("changed downstream")
    first.entities[0].count = 99
    (copy,) = enricher.enrich([article("https://b.example/2")])

    assert "changed downstream" not in copy.entities[0].surface_forms
    assert copy.entities[0].count != 99


def test_the_key_tells_pipelines_apart():
    assert text_key("en|en_core_web_sm|3.8.0", BODY) == text_key("en|en_core_web_sm|3.8.0", BODY)
    assert text_key("en|en_core_web_sm|3.8.0", BODY) != text_key("en|en_core_web_sm|3.9.0", BODY)
    assert text_key("en|en_core_web_sm|3.8.0", BODY) != text_key("en|en_core_web_sm|3.8.0", OTHER)


def test_the_cache_is_bounded_least_recently_used_first():
    cache = ReuseCache(max_entries=2)
    entity = Entity(name="Kyiv", label="GPE", key="kyiv")
    for key in (b"a", b"b"):
        cache.put(key, [entity], ["grain deal"], "A summary.")
    assert cache.get(b"a") is not None  # "a" is now the most recently used
    cache.put(b"c", [], [], "")

    assert len(cache) == 2
    assert b"b" not in cache and b"a" in cache and b"c" in cache
    assert cache.hits == 1


def test_a_cache_of_size_zero_keeps_nothing_and_copies_in_a_batch_still_share(spacy_texts, enricher):
    enricher.reuse = ReuseCache(max_entries=0)
    out = enricher.enrich([article("https://a.example/1"), article("https://b.example/2")])
    enricher.enrich([article("https://c.example/3")])

    assert len(enricher.reuse) == 0
    assert len(spacy_texts) == 2  # once for the batch's two copies, once for the later one
    assert _doc_part(out[0]) == _doc_part(out[1])
