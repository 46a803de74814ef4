"""Language routing: the article's language chooses the spaCy model; no model, no entities."""

from __future__ import annotations

import pytest

from enrich.enricher import Enricher
from enrich.languages import ModelRouter, model_map
from enrich.offline import article_from_record
from newsflow.core.config import load_settings
from newsflow.core.contracts import Article, article_id, content_hash

GERMAN = ("Bundeskanzler Olaf Scholz ist am Montag nach Paris gereist, um mit dem französischen Präsidenten "
          "Emmanuel Macron über die Zukunft der Verteidigungspolitik zu sprechen. Frankreich und Deutschland "
          "wollen gemeinsam ein neues Kampfflugzeug entwickeln.")
FRENCH = ("Le président Emmanuel Macron a reçu jeudi à Paris le chancelier allemand Olaf Scholz. "
          "Les ministres doivent se retrouver à Berlin le mois prochain.")


def article(text: str, language: str | None, title: str = "") -> Article:
    url = f"https://lang.example/{content_hash(text)[:12]}"
    return Article(id=article_id(url), url=url, canonical_url=url, source="lang.example", title=title,
                   text=text, language=language, content_hash=content_hash(text))


@pytest.fixture(scope="module")
def enricher():
    e = Enricher(load_settings(spacy_models={"en": "en_core_web_sm", "fr": "fr_core_news_sm"}))
    yield e
    e.close()


def test_the_default_maps_english_only():
    assert model_map(load_settings()) == {"en": "en_core_web_sm"}


def test_spacy_model_set_explicitly_is_the_english_entry():
    models = model_map(load_settings(spacy_model="en_core_web_md", spacy_models={"fr": "fr_core_news_sm"}))
    assert models == {"en": "en_core_web_md", "fr": "fr_core_news_sm"}


def test_a_language_without_a_model_routes_to_no_entities_with_a_reason():
    route = ModelRouter(load_settings()).route("de-DE")
    assert route.info is None and route.language == "de"
    assert route.reason == "no spaCy model for language 'de' (spacy_models has: en)"


def test_an_article_without_a_language_is_read_by_the_english_model():
    assert ModelRouter(load_settings()).route(None).language == "en"


def test_a_german_article_gets_no_entities_but_a_summary_and_its_reason(enricher):
    (out,) = enricher.enrich([article(GERMAN, "de", "Scholz trifft Macron in Paris")])
    assert out.entities == [] and out.entity_names == {}
    assert out.summary.startswith("Bundeskanzler Olaf Scholz")
    assert out.enrichment.model == "none" and out.enrichment.language == "de"
    assert "'de'" in out.enrichment.no_entities_reason


def test_a_french_article_without_a_french_model_gets_a_summary_from_a_tokenizer_cheap_to_load():
    # spaCy's own French data takes seconds to import; without a model only words and
    # sentence ends are needed, and the multi-language tokenizer gives them
    router = ModelRouter(load_settings())
    assert router.route("fr").nlp.lang == "xx" and router.route("de").nlp.lang == "de"
    e = Enricher(load_settings())
    try:
        (out,) = e.enrich([article(FRENCH, "fr", "Macron reçoit Scholz")])
    finally:
        e.close()
    assert out.entities == [] and out.enrichment.language == "fr" and out.enrichment.model == "none"
    assert out.summary == FRENCH


def test_a_french_article_is_read_by_the_french_model_with_our_labels(enricher):
    english = article("Vladimir Putin met Kim Jong Un in Vladivostok.", "en")
    french, english_out = enricher.enrich([article(FRENCH, "fr"), english])  # one batch, two models
    assert french.enrichment.model == "fr_core_news_sm" and french.enrichment.language == "fr"
    labels = {e.key: e.label for e in french.entities}
    assert labels["emmanuel macron"] == "PERSON" and labels["olaf scholz"] == "PERSON"
    assert labels["paris"] == "GPE" and labels["berlin"] == "GPE"  # the French model's LOC, as a city
    assert english_out.enrichment.language == "en"
    assert {e.key for e in english_out.entities} >= {"vladimir putin", "kim jong un"}


def test_offline_records_without_a_language_get_the_detected_one():
    record = article_from_record({"url": "https://x.example/de", "title": "Scholz trifft Macron", "text": GERMAN})
    assert record.language == "de"


def test_offline_detection_keeps_an_unsure_language_unknown():
    # a line of names reads as Slovenian at 5%: better unknown (the default model) than wrong
    record = article_from_record({"url": "https://x.example/n", "text": "Vladimir Putin met Kim Jong Un in Vladivostok."})
    assert record.language is None


def test_offline_records_keep_the_language_they_carry():
    record = article_from_record({"url": "https://x.example/fr", "text": GERMAN, "language": "fr"})
    assert record.language == "fr"


def test_the_detector_model_loads_once_in_the_background_and_serves_every_caller():
    import threading

    from newsflow.core import languages

    languages.preload_language_model()
    languages.preload_language_model()  # idempotent: one loading thread, one model
    assert languages._identifier_loading() is languages._identifier_loading()
    results: list[str | None] = []
    callers = [threading.Thread(target=lambda: results.append(languages.detect_language(GERMAN, 0.6)))
               for _ in range(3)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    assert results == ["de", "de", "de"]
