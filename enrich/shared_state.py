"""Opening the entity registry and the stories, shared with workers elsewhere when the bus is.

With a bus that spans machines (Kafka) each store gets a ``StateReplica`` of its compacted
topic (``enrich/replica.py`` says how the facts travel and merge); on the embedded bus the
SQLite files of the data directory are all there is to share.
"""

from __future__ import annotations

from pathlib import Path

from newsflow.core.bus import spans_machines
from newsflow.core.config import Settings

from enrich.registry import EntityRegistry
from enrich.replica import StateReplica
from enrich.stories import StoryIndex


def open_registry(settings: Settings, path: Path | str, shared: bool | None = None) -> EntityRegistry:
    """The entity registry at ``path``, shared through Kafka when ``shared`` (by default: when
    the bus is Kafka; see the module doc), else through the file alone."""
    shared = spans_machines(settings) if shared is None else shared
    return EntityRegistry(path, replica=StateReplica(settings, settings.topic_entity_state) if shared else None)


def open_stores(settings: Settings, stories_path: Path | str, registry_path: Path | str,
                shared: bool | None = None) -> tuple["StoryIndex", EntityRegistry]:
    """The story index and the entity registry at these paths, shared as ``open_registry`` says."""
    shared = spans_machines(settings) if shared is None else shared
    stories = StoryIndex(stories_path, replica=StateReplica(settings, settings.topic_story_state) if shared else None)
    try:
        registry = open_registry(settings, registry_path, shared)
    except BaseException:
        stories.close()
        raise
    return stories, registry
