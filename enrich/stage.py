"""The enrich stage: ``news.articles`` -> spaCy enrichment -> ``news.enriched``."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from newsflow.core.bus import Bus, Message
from newsflow.core.contracts import Article, EnrichedArticle, record_headers

if TYPE_CHECKING:
    from enrich.enricher import Enricher
    from enrich.parallel import ParallelEnricher
    from enrich.registry import EntityRegistry
    from enrich.stories import StoryIndex
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
        self._stores: "tuple[StoryIndex, EntityRegistry] | None" = None  # opened ahead of the enricher
        self._stores_lock = threading.Lock()
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
            # imported here, not at the top: spaCy takes 3 s to import, and the processes that only
            # start the enrich process (`newsflow run`) or wire the services never enrich
            if self.settings.enrich_workers > 1:
                from enrich.parallel import ParallelEnricher

                self._enricher = ParallelEnricher(self.settings, self.settings.enrich_workers, stories, registry)
            else:
                from enrich.enricher import Enricher

                with self._stores_lock:  # stores being opened ahead (open_stores) are waited for, not doubled
                    self._stores = story_index, entity_registry = self._stores or self._open_stores()
                    self._enricher = Enricher(self.settings, stories=story_index, registry=entity_registry)
                    self._stores = None  # the enricher owns them now (till then close() closes them)
        return self._enricher

    def _open_stores(self) -> "tuple[StoryIndex, EntityRegistry]":
        from enrich.shared_state import open_stores

        data = self.settings.ensure_data_dir()
        return open_stores(self.settings, data / STORIES_DB, data / ENTITIES_DB)

    def open_stores(self) -> None:
        """Open the stories and the entity registry now, caught up with what workers elsewhere
        shared (over Kafka: their topics created if missing, then read to the end).

        Network waits, so ``newsflow run``'s enrich process does this in a thread while spaCy
        loads; the enricher built next uses these stores. With worker processes
        (``enrich_workers`` > 1) each worker opens its own, and this does nothing.
        """
        with self._stores_lock:
            if self._enricher is not None or self._stores is not None or self.settings.enrich_workers > 1:
                return
            stores = self._open_stores()
            try:
                for store in stores:
                    store.catch_up()
            except BaseException:
                for store in stores:
                    store.close()
                raise
            self._stores = stores

    def close(self) -> None:
        """Close the enricher: its stores and their shared topics, its worker processes.

        A service closes its stage when it retries after a failure; the next batch builds the
        enricher again.
        """
        enricher, self._enricher = self._enricher, None
        stores, self._stores = self._stores, None
        if enricher is not None:
            enricher.close()
        for store in stores or ():
            store.close()

    def process(self, items: list[Article]) -> list[EnrichedArticle]:
        """Enrich the batch in one spaCy pass."""
        return self.enricher.enrich(items)

    def write(self, outputs: list[EnrichedArticle]) -> None:
        """Publish enriched records keyed by article id, then wait until they are durable."""
        self.bus.publish_many(
            self.out_topic,
            [(a.id, a.to_json()) for a in outputs],
            record_headers(self.name),
        )
        self.bus.flush()
