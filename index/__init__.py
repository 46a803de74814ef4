"""Index stage: index backends (embedded SQLite FTS5, Elasticsearch) and the index worker."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsflow.core.config import Settings
    from newsflow.core.search import Index


def open_index(settings: "Settings", *, readonly: bool = False) -> "Index":
    """The index backend the settings choose."""
    if settings.index == "embedded":
        from index.embedded import EmbeddedIndex

        return EmbeddedIndex(settings.ensure_data_dir() / "index.db", readonly=readonly)
    if settings.index == "elasticsearch":
        from index.elasticsearch import ElasticsearchIndex

        return ElasticsearchIndex(settings, readonly=readonly)
    raise NotImplementedError(f"index backend {settings.index!r} is not available in this build")
