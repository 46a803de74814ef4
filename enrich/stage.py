"""The enrich stage: ``news.articles`` -> spaCy enrichment -> ``news.enriched``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsflow.bus import Bus, Message
from newsflow.contracts import SCHEMA_VERSION, Article, EnrichedArticle

if TYPE_CHECKING:
    from enrich.enricher import Enricher
    from newsflow.config import Settings

GROUP = "enrich"
STORIES_DB = "stories.db"
ENTITIES_DB = "entities.db"


class EnrichStage:
    """Processor for ``newsflow.worker.StageWorker``: decode Article, enrich a batch, publish."""

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
    def enricher(self) -> "Enricher":
        """The enricher, built on first use: a run with nothing new never pays for loading spaCy."""
        if self._enricher is None:
            from enrich.enricher import Enricher
            from enrich.registry import EntityRegistry
            from enrich.stories import StoryIndex

            # In the data dir, so they survive restarts and every worker here shares them.
            data = self.settings.ensure_data_dir()
            self._enricher = Enricher(self.settings, stories=StoryIndex(data / STORIES_DB),
                                      registry=EntityRegistry(data / ENTITIES_DB))
        return self._enricher

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
