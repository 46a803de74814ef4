"""The Bus: a durable log between stages (the protocol in ``protocol``), and its backends.

``open_bus`` picks the backend the settings name. kafka-python is the optional extra
``distributed``: without it ``NEWSFLOW_BUS=kafka`` is refused with one line saying so.
"""

from __future__ import annotations

from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.bus.protocol import COMPACTED, Bus, Consumer, Message, TopicReader
from newsflow.core.config import ConfigError, Settings

try:
    from newsflow.core.bus.kafka import KafkaBus
except ImportError as exc:  # kafka-python is the optional extra `distributed`
    if exc.name is None or not exc.name.startswith("kafka"):
        raise
    KafkaBus = None  # type: ignore[assignment,misc]

__all__ = ["COMPACTED", "Bus", "Consumer", "Message", "TopicReader", "open_bus", "spans_machines"]

#: ``pip install`` hint shown when a backend of the distributed extra is chosen without it
MISSING_EXTRA = "{setting}={value} needs the optional extra 'distributed': pip install 'newsflow[distributed]'"


def _backend(settings: Settings) -> type:
    if settings.bus == "embedded":
        return SQLiteBus
    if settings.bus == "kafka":
        if KafkaBus is None:
            raise ConfigError(MISSING_EXTRA.format(setting="NEWSFLOW_BUS", value="kafka"))
        return KafkaBus
    raise NotImplementedError(f"bus {settings.bus!r} is not available in this build")


def open_bus(settings: Settings) -> Bus:
    """The bus the settings choose."""
    backend = _backend(settings)
    if backend is SQLiteBus:
        return SQLiteBus(settings.ensure_data_dir() / "bus.db")
    return backend(settings)


def spans_machines(settings: Settings) -> bool:
    """Whether the bus the settings choose reaches processes on other machines."""
    return _backend(settings).spans_machines
