"""Index stage: index backends (embedded SQLite FTS5, Elasticsearch) and the index worker.

The elasticsearch client is the optional extra ``distributed``: without it
``NEWSFLOW_INDEX=elasticsearch`` is refused with one line saying so.
"""

from __future__ import annotations

from index.embedded import EmbeddedIndex
from newsflow.core.config import MISSING_EXTRA, ConfigError, Settings
from newsflow.core.search import Index

try:
    from index.elasticsearch import ElasticsearchIndex
except ImportError as exc:  # the elasticsearch client is the optional extra `distributed`
    if exc.name is None or not exc.name.startswith(("elasticsearch", "elastic_transport")):
        raise
    ElasticsearchIndex = None  # type: ignore[assignment,misc]


def open_index(settings: Settings, *, readonly: bool = False) -> Index:
    """The index backend the settings choose."""
    if settings.index == "embedded":
        return EmbeddedIndex(settings.ensure_data_dir() / "index.db", readonly=readonly)
    if settings.index == "elasticsearch":
        if ElasticsearchIndex is None:
            raise ConfigError(MISSING_EXTRA.format(setting="NEWSFLOW_INDEX", value="elasticsearch"))
        return ElasticsearchIndex(settings, readonly=readonly)
    raise NotImplementedError(f"index backend {settings.index!r} is not available in this build")
