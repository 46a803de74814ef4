"""Enriched articles for the benches that start after enrichment (index, alerts).

The sample site's texts, people and organisations under new URLs, so ids are distinct and the
text compresses and tokenises like news.
"""

from __future__ import annotations

from collections.abc import Callable

from enrich.canonical import entity_names
from newsflow.core.contracts import EnrichedArticle, Entity, article_id, content_hash
from newsflow.core.names import fold
from demo import ORIGINALS


def enriched_articles(n: int, salience: Callable[[int], float] = lambda i: 0.5,
                      story: Callable[[int], str] = lambda i: f"s{i}") -> list[EnrichedArticle]:
    """``n`` articles cycling through the sample site; ``salience(i)`` of each person in article
    ``i`` and ``story(i)`` its story id."""
    out = []
    for i in range(n):
        a = ORIGINALS[i % len(ORIGINALS)]
        url = f"https://bench.example/{i}/{a.slug}"
        entities = [Entity(name=name, label="PERSON", key=fold(name), surface_forms=list(forms), count=len(forms),
                           salience=salience(i)) for name, forms in a.entities.items()]
        entities += [Entity(name=o, label="ORG", key=fold(o), surface_forms=[o], salience=0.2) for o in a.organizations]
        out.append(EnrichedArticle(
            id=article_id(url), url=url, canonical_url=url, source="bench.example", title=a.title, text=a.text,
            authors=list(a.authors), published_at=a.published, language="en", content_hash=content_hash(a.text),
            entities=entities, entity_names=entity_names(entities), keyphrases=[a.unique_phrase], story_id=story(i)))
    return out
