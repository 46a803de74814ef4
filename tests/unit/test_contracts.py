"""Contracts are versioned JSON with a lossless round trip."""

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from newsflow.core.contracts import SCHEMA_VERSION, Alert, Article, EnrichedArticle, Entity, article_id, content_hash


def make_article(**kw) -> Article:
    url = kw.pop("url", "https://example.com/a")
    return Article(id=article_id(url), url=url, canonical_url=url, source="example.com", title="T",
                   text="Some text.", content_hash=content_hash("Some text."), **kw)


def test_article_id_is_a_stable_hash_of_the_canonical_url():
    assert article_id("https://example.com/a") == article_id("https://example.com/a")
    assert article_id("https://example.com/a") != article_id("https://example.com/b")
    assert len(article_id("https://example.com/a")) == 24


def test_content_hash_ignores_case_and_whitespace_layout_only():
    assert content_hash("Kim met Putin.\n\nThen left.") == content_hash("kim met putin. then  left.")
    assert content_hash("Kim met Putin.") != content_hash("Kim met Xi.")


@pytest.mark.parametrize("model", [Article, EnrichedArticle, Alert])
def test_every_record_carries_the_schema_version(model):
    assert model.model_fields["schema_version"].default == SCHEMA_VERSION


def test_enriched_article_round_trips_through_json():
    a = make_article(published_at=datetime(2026, 3, 1, 9, tzinfo=timezone.utc))
    e = EnrichedArticle(**a.model_dump(), story_id="s-1",
                        entities=[Entity(name="Kim Jong Un", label="PERSON", key="kim jong un", surface_forms=["Kim Jong-un"], count=2)])
    assert EnrichedArticle.from_json(e.to_json()) == e


def test_naive_dates_are_taken_as_utc():
    assert make_article(published_at="2026-03-01T09:00:00").published_at.tzinfo is not None


def test_a_record_from_a_newer_schema_is_refused_rather_than_misread():
    doc = make_article().model_dump(mode="json") | {"schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(ValidationError, match="newer"):
        Article.model_validate(doc)


def test_an_article_written_before_extractor_was_recorded_still_parses():
    doc = make_article(extractor="trafilatura-fast").model_dump(mode="json")
    assert Article.model_validate(doc).extractor == "trafilatura-fast"
    del doc["extractor"]
    assert Article.model_validate(doc).extractor is None
