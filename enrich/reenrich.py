"""Enrichment again, for articles already indexed (``newsflow index reindex --re-enrich``).

A model upgrade or a grown registry is worth a re-enrichment: each article gets the entities,
keyphrases and summary of today's pipeline, and names resolved with the registry as it is now
(an article that said only "Erdogan" before anyone gave the full name now gets it). The
registry is the deployment's (the data directory's, brought up to date from the shared topic
with the Kafka bus) and is only read: these articles were counted when first enriched. Each
article keeps its story: stories belong to the enrich service, which saw the articles in order.
"""

from __future__ import annotations

from collections.abc import Callable

from newsflow.core.config import Settings
from newsflow.core.contracts import Article, EnrichedArticle


def re_enrich_transform(settings: Settings) -> tuple[Callable[[list[EnrichedArticle]], list[EnrichedArticle]], Callable[[], None]]:
    """A transform for ``index.es_reindex.Reindexer`` that enriches every batch again, and the
    function that releases what it holds (the spaCy model stays cached for the process)."""
    from enrich.enricher import Enricher
    from enrich.shared_state import open_registry
    from enrich.stage import ENTITIES_DB

    registry = open_registry(settings, settings.ensure_data_dir() / ENTITIES_DB)
    enricher = Enricher(settings, registry=registry, learn=False)
    fields = set(Article.model_fields)

    def transform(batch: list[EnrichedArticle]) -> list[EnrichedArticle]:
        fresh = enricher.enrich([Article.model_validate(a.model_dump(include=fields)) for a in batch])
        return [f.model_copy(update={"story_id": a.story_id}) for a, f in zip(batch, fresh)]

    return transform, enricher.close
