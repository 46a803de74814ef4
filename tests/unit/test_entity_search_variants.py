"""Entity search finds every article that names an entity, under any of its spellings, and
no article that only names someone or something else (issue 4's acceptance, on a fixture)."""

from __future__ import annotations

import pytest

from enrich.enricher import Enricher
from enrich.registry import EntityRegistry
from enrich.stories import StoryIndex
from fixtures.variant_articles import SEARCHES, VARIANT_ARTICLES
from index.embedded import EmbeddedIndex
from newsflow.core.config import Settings
from newsflow.core.contracts import Article, article_id, content_hash
from newsflow.core.search import SearchRequest


def article(spec: dict) -> Article:
    url = f"https://variants.example/{spec['slug']}"
    return Article(id=article_id(url), url=url, canonical_url=url, source="variants.example",
                   title=spec["title"], text=spec["text"], content_hash=content_hash(spec["text"]))


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("variants")
    enricher = Enricher(Settings(data_dir=tmp), stories=StoryIndex(tmp / "stories.db"),
                        registry=EntityRegistry(tmp / "entities.db"))
    # two batches, as a stream would deliver them: the registry carries names across
    articles = [article(s) for s in VARIANT_ARTICLES]
    enriched = enricher.enrich(articles[:6]) + enricher.enrich(articles[6:])
    idx = EmbeddedIndex(tmp / "index.db")
    idx.upsert(enriched)
    yield idx
    idx.close()


def found(index, name: str) -> set[str]:
    result = index.search(SearchRequest(entities=[name], limit=100))
    return {hit.url.rsplit("/", 1)[1] for hit in result.hits}


def expected(name: str) -> set[str]:
    return {s["slug"] for s in VARIANT_ARTICLES if name in s["mentions"]}


@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_the_canonical_name_finds_exactly_the_articles_that_mention_it(index, name):
    assert found(index, name) == expected(name)


@pytest.mark.parametrize("name,spelling", [(n, s) for n, spellings in sorted(SEARCHES.items()) for s in spellings])
def test_any_spelling_finds_the_same_articles(index, name, spelling):
    assert found(index, spelling) == expected(name)


def test_one_display_name_per_entity_across_articles(index):
    result = index.search(SearchRequest(entities=["Volodymyr Zelensky"], limit=100))
    names = {e.name for hit in result.hits for e in hit.entities if e.label == "PERSON" and "elensk" in e.name}
    assert names == {"Volodymyr Zelensky"}
