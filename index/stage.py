"""The index stage: ``news.enriched`` -> idempotent upsert into the search index."""

from __future__ import annotations

from newsflow.bus import Message
from newsflow.contracts import EnrichedArticle
from newsflow.search import Index

GROUP = "index"


class IndexStage:
    """Processor for ``newsflow.worker.StageWorker``: decode EnrichedArticle, upsert by id."""

    name = "index"

    def __init__(self, index: Index):
        self.index = index

    def decode(self, message: Message) -> EnrichedArticle:
        """Parse an EnrichedArticle record."""
        return EnrichedArticle.from_json(message.value)

    def process(self, items: list[EnrichedArticle]) -> list[EnrichedArticle]:
        """Keep the last version of each id in the batch (a replayed topic may hold several)."""
        latest: dict[str, EnrichedArticle] = {}
        for article in items:
            latest[article.id] = article
        return list(latest.values())

    def write(self, outputs: list[EnrichedArticle]) -> None:
        """Upsert the batch in one transaction."""
        self.index.upsert(outputs)
