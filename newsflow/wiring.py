"""The composition root: the one place that builds bus, index, stages and metrics.

``newsflow run`` (``pipeline``), the three services (``ingest_service``, ``enrich_service``,
``index_service``), ``newsflow serve`` and the offline commands get their parts here, so a
stage is wired the same way wherever it runs. The stage packages never import each other; this
module (with the front doors that call it) is where they meet.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from enrich.stage import GROUP as ENRICH_GROUP
from enrich.stage import EnrichStage
from index import open_index
from index.alerts import AlertMatcher
from index.stage import GROUP as INDEX_GROUP
from index.stage import IndexStage
from ingest.stage import IngestStage
from newsflow.core.bus import Bus, open_bus
from newsflow.core.config import Settings
from newsflow.core.metrics import StageMetrics
from newsflow.core.search import Index
from newsflow.core.worker import StageWorker
from newsflow.enrich_process import EnrichProcess
from newsflow.runner import Pipeline
from newsflow.services import ConsumingService, IngestService

#: what ``newsflow.services.run_service`` calls with the bus it opened and the service's metrics
Build = Callable[[Bus, StageMetrics], "ConsumingService | IngestService"]

__all__ = ["Build", "enrich_service", "index_service", "index_worker", "ingest_service", "open_bus", "open_index",
           "pipeline"]


def index_worker(settings: Settings, bus: Bus, index: Index, metrics: StageMetrics) -> tuple[StageWorker, AlertMatcher | None]:
    """The index stage as a worker on the enriched topic, with the alert matcher of ``settings.alert_rules``.

    A broken rules file raises ``RulesError`` here, before anything runs.
    """
    alerts = AlertMatcher.from_settings(settings, index, bus)
    worker = StageWorker(
        IndexStage(index, alerts, metrics), bus, bus.consumer(INDEX_GROUP, [settings.topic(settings.topic_enriched)]),
        deadletter_topic=settings.topic(settings.topic_deadletter), batch_size=settings.index_batch_size,
        max_wait=settings.index_max_wait, metrics=metrics,
    )
    return worker, alerts


def ensure_stage_topics(settings: Settings, bus: Bus) -> None:
    """Create the stage topics that are missing, in one request (one wait for their leaders).

    Enrich's shared-state topics are the enrich process's to create: it does so in a thread
    while spaCy loads, off the path to the first fetch.
    """
    bus.ensure_topics([settings.topic(t) for t in (settings.topic_articles, settings.topic_enriched,
                                                   settings.topic_deadletter)])


def pipeline(settings: Settings, *, show_progress: bool = True, metrics: StageMetrics | None = None) -> Pipeline:
    """Every stage of ``newsflow run`` over one bus and one index (enrich in a process of its own).

    The enrich process starts first: its imports and spaCy's model load (seconds) run while this
    process creates the stage topics and connects the other stages, not after.
    """
    enrich = EnrichProcess(settings)
    enrich.start()
    with ExitStack() as undo:  # what is open so far, closed if a later part cannot be built
        undo.callback(enrich.close)
        metrics = metrics or StageMetrics()
        bus = open_bus(settings)
        undo.callback(bus.close)
        ensure_stage_topics(settings, bus)
        index = open_index(settings)
        undo.callback(index.close)
        ingest = IngestStage(settings, bus, metrics=metrics)
        undo.callback(ingest.close)
        indexer, alerts = index_worker(settings, bus, index, metrics)
        undo.pop_all()
    return Pipeline(settings, bus=bus, index=index, ingest=ingest, indexer=indexer, alerts=alerts,
                    metrics=metrics, show_progress=show_progress, enrich=enrich)


def ingest_service(settings: Settings, feeds: list[str]) -> Build:
    """``newsflow ingest``: the ingest stage polling ``feeds`` when each is due."""
    return lambda bus, metrics: IngestService(settings, bus, feeds, metrics)


def enrich_service(settings: Settings) -> Build:
    """``newsflow enrich``: the enrich stage consuming the articles topic."""
    return lambda bus, metrics: ConsumingService(
        settings, bus, EnrichStage(settings, bus), ENRICH_GROUP, settings.topic(settings.topic_articles),
        settings.enrich_batch_size, metrics, max_wait=settings.enrich_max_wait)


def index_service(settings: Settings) -> Build:
    """``newsflow index``: the index stage (with alerts) consuming the enriched topic."""

    def build(bus: Bus, metrics: StageMetrics) -> ConsumingService:
        target = open_index(settings)
        alerts = AlertMatcher.from_settings(settings, target, bus)
        closers = (target.close,) if alerts is None else (alerts.close, target.close)
        return ConsumingService(settings, bus, IndexStage(target, alerts, metrics), INDEX_GROUP,
                                settings.topic(settings.topic_enriched), settings.index_batch_size, metrics,
                                closers=closers, max_wait=settings.index_max_wait)

    return build
