"""Re-enrichment (``newsflow index reindex --re-enrich``) resolves names with today's registry."""

from __future__ import annotations

import pytest

from enrich.reenrich import re_enrich_transform
from enrich.registry import EntityRegistry
from enrich.stage import ENTITIES_DB
from fixtures.registry_entities import ent
from newsflow.core.config import Settings
from newsflow.core.contracts import EnrichedArticle, content_hash

TEXT = ("Alvarez said on Tuesday that the vote was a compromise. The harbour authority will pay for a "
        "survey of the spawning grounds, Alvarez told reporters outside the town hall.")


def indexed_article() -> EnrichedArticle:
    """An article as first enriched, when nobody had named Alvarez in full yet."""
    return EnrichedArticle(id="a1", url="https://example.com/a1", canonical_url="https://example.com/a1",
                           source="example.com", title="Harbour vote", text=TEXT, content_hash=content_hash(TEXT),
                           story_id="s-first-story")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def persons(article: EnrichedArticle) -> list[str]:
    return [e.name for e in article.entities if e.label == "PERSON"]


def re_enriched(settings: Settings, article: EnrichedArticle) -> EnrichedArticle:
    transform, release = re_enrich_transform(settings)
    try:
        (fresh,) = transform([article])
    finally:
        release()
    return fresh


def test_a_surname_takes_the_full_name_the_registry_learnt_since(settings):
    registry = EntityRegistry(settings.ensure_data_dir() / ENTITIES_DB)
    registry.canonicalize([[ent("Ines Alvarez")]])  # a later article gave the full name
    before = registry.lookup("Ines Alvarez")
    registry.close()

    fresh = re_enriched(settings, indexed_article())
    assert persons(fresh) == ["Ines Alvarez"]
    assert "Alvarez" in fresh.entities[0].surface_forms
    assert fresh.story_id == "s-first-story", "an article keeps its story"

    registry = EntityRegistry(settings.data_dir / ENTITIES_DB)
    try:
        assert registry.lookup("Ines Alvarez") == before, "the registry is read, not counted into again"
        assert registry.lookup("Alvarez") == before
    finally:
        registry.close()


def test_without_a_registry_the_article_keeps_what_it_said(settings):
    assert persons(re_enriched(settings, indexed_article())) == ["Alvarez"]
