"""The vocabulary warm-up: the first text a pipeline sees leaves its words in the vocabulary
(as a plain spaCy process would), later batches run in a memory zone that frees theirs."""

from __future__ import annotations

import spacy

import enrich.languages as languages
from enrich.languages import DEFAULT_LANGUAGE, ModelRouter
from newsflow.core.config import load_settings


def _batch(router: ModelRouter, text: str) -> None:
    routes = [router.route(DEFAULT_LANGUAGE)]
    with router.memory_zone(routes, len(text)):
        router.pipe([text], routes, batch_size=8)


def test_words_of_the_first_batches_stay_and_later_words_are_freed(monkeypatch):
    monkeypatch.setattr(languages, "VOCAB_WARMUP_CHARS", 20)
    nlp = spacy.blank("en")
    router = ModelRouter(load_settings(), nlp)

    _batch(router, "Zanzibarian quokkas wander")  # 26 characters: warms the vocabulary
    assert "quokkas" in nlp.vocab.strings

    _batch(router, "Unheardofword arrives later")  # warm: this batch is in a memory zone
    assert "quokkas" in nlp.vocab.strings
    assert "Unheardofword" not in nlp.vocab.strings
