"""The enrich stage: ``news.articles`` -> spaCy enrichment -> ``news.enriched``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsflow.core.bus import Bus, Message
from newsflow.core.contracts import SCHEMA_VERSION, Article, EnrichedArticle

if TYPE_CHECKING:
    from enrich.enricher import Enricher
    from enrich.parallel import ParallelEnricher
    from newsflow.core.config import Settings

GROUP = "enrich"
STORIES_DB = "stories.db"
ENTITIES_DB = "entities.db"


class EnrichStage:
    """Processor for ``newsflow.core.worker.StageWorker``: decode Article, enrich a batch, publish."""

    name = "enrich"

    def __init__(self, settings: "Settings", bus: Bus, enricher: "Enricher | None" = None):
        self.settings = settings
        self._enricher = enricher
        self.bus = bus
        self.out_topic = settings.topic(settings.topic_enriched)

    def decode(self, message: Message) -> Article:
        """Parse an Article record."""
        return Article.from_json(message.value)

    @property
    def enricher(self) -> "Enricher | ParallelEnricher":
        """The enricher, built on first use: a run with nothing new never pays for loading spaCy."""
        if self._enricher is None:
            # In the data dir, so they survive restarts and every worker here shares them (and,
            # over Kafka, workers elsewhere: enrich.shared_state).
            data = self.settings.ensure_data_dir()
            stories, registry = data / STORIES_DB, data / ENTITIES_DB
            if self.settings.enrich_workers > 1:
                from enrich.parallel import ParallelEnricher

                self._enricher = ParallelEnricher(self.settings, self.settings.enrich_workers, stories, registry)
            else:
                from enrich.enricher import Enricher
                from enrich.shared_state import open_stores

                story_index, entity_registry = open_stores(self.settings, stories, registry)
                self._enricher = Enricher(self.settings, stories=story_index, registry=entity_registry)
        return self._enricher

    def close(self) -> None:
        """Close the enricher: its stores and their shared topics, its worker processes.

        A service closes its stage when it retries after a failure; the next batch builds the
        enricher again.
        """
        enricher, self._enricher = self._enricher, None
        if enricher is not None:
            enricher.close()

    def process(self, items: list[Article]) -> list[EnrichedArticle]:
        """Enrich the batch in one spaCy pass."""
        return self.enricher.enrich(items)

    def write(self, outputs: list[EnrichedArticle]) -> None:
        """Publish enriched records keyed by article id, then wait until they are durable."""
        self.bus.publish_many(
            self.out_topic,
            [(a.id, a.to_json()) for a in outputs],
            {"schema_version": str(SCHEMA_VERSION), "producer": self.name},
        )
        self.bus.flush()
