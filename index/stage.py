"""The index stage: ``news.enriched`` -> idempotent upsert into the search index."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsflow.core.bus import Message
from newsflow.core.contracts import EnrichedArticle
from newsflow.core.metrics import StageMetrics
from newsflow.core.search import Index, RejectedArticles

if TYPE_CHECKING:
    from index.alerts import AlertMatcher

GROUP = "index"


class IndexStage:
    """Processor for ``newsflow.core.worker.StageWorker``: decode EnrichedArticle, upsert by id."""

    name = "index"

    def __init__(self, index: Index, alerts: "AlertMatcher | None" = None, metrics: StageMetrics | None = None):
        self.index = index
        self.alerts = alerts  # alert rules run over each batch once it is indexed (index.alerts)
        self.metrics = metrics  # freshness histograms (published/fetched -> indexed), if given

    def decode(self, message: Message) -> EnrichedArticle:
        """Parse an EnrichedArticle record."""
        return EnrichedArticle.from_json(message.value)

    def process(self, items: list[EnrichedArticle]) -> list[EnrichedArticle]:
        """Keep the last version of each id in the batch (a replayed topic may hold several)."""
        latest: dict[str, EnrichedArticle] = {}
        for article in items:
            latest[article.id] = article
        return list(latest.values())

    def write(self, outputs: list[EnrichedArticle]) -> list[tuple[EnrichedArticle, str]]:
        """Upsert the batch; returns the articles the index refused for good, with reasons."""
        refused: list[tuple[EnrichedArticle, str]] = []
        try:
            self.index.upsert(outputs)
        except RejectedArticles as exc:
            by_id = {a.id: a for a in outputs}
            refused = [(by_id[aid], reason) for aid, reason in exc.errors if aid in by_id]
        gone = {a.id for a, _ in refused}
        if self.metrics is not None:
            self.metrics.observe_indexed(a for a in outputs if a.id not in gone)
        if self.alerts is not None:
            # After the upsert, before the commit: a failure here retries the batch (the ledger
            # keeps the repeat from sending an alert twice).
            self.alerts.run([a for a in outputs if a.id not in gone])
        return refused
