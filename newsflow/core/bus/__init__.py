"""The Bus: a durable log between stages (the protocol in ``protocol``), and its backends.

``open_bus`` picks the backend the settings name. kafka-python is the optional extra
``distributed``: without it ``NEWSFLOW_BUS=kafka`` is refused with one line saying so.
"""

from __future__ import annotations

from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.bus.protocol import COMPACTED, Bus, Consumer, Message, TopicReader
from newsflow.core.config import MISSING_EXTRA, ConfigError, Settings

try:
    from newsflow.core.bus.kafka import KafkaBus
except ImportError as exc:  # kafka-python is the optional extra `distributed`
    if exc.name is None or not exc.name.startswith("kafka"):
        raise
    KafkaBus = None  # type: ignore[assignment,misc]

__all__ = ["COMPACTED", "Bus", "Consumer", "Message", "TopicReader", "bus_class", "open_bus", "spans_machines"]


def bus_class(settings: Settings) -> type[Bus]:
    """The backend class the settings choose (``ConfigError`` when its extra is missing)."""
    if settings.bus == "embedded":
        return SQLiteBus
    if settings.bus == "kafka":
        if KafkaBus is None:
            raise ConfigError(MISSING_EXTRA.format(setting="NEWSFLOW_BUS", value="kafka"))
        return KafkaBus
    raise NotImplementedError(f"bus {settings.bus!r} is not available in this build")


def open_bus(settings: Settings) -> Bus:
    """The bus the settings choose."""
    backend = bus_class(settings)
    if backend is SQLiteBus:
        return SQLiteBus(settings.ensure_data_dir() / "bus.db")
    return backend(settings)


def spans_machines(settings: Settings) -> bool:
    """Whether the bus the settings choose reaches processes on other machines."""
    return bus_class(settings).spans_machines
