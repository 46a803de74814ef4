"""The error layer of the front doors: a failure becomes one line for an operator.

The CLI, the services and the web app hand an exception to ``explain``; what it recognises
(a configuration error, Kafka or Elasticsearch out of reach, a data directory that does not
exist) comes back as a ``Failure``: one line naming the setting or endpoint, what was wrong and
what to do, and an exit status (2: usage or configuration, 1: a runtime failure). Anything else
is a bug and keeps its traceback.

The Kafka and Elasticsearch clients are optional dependencies (``newsflow[distributed]``), so
their exceptions are recognised through ``sys.modules``: an exception of a client that was
never imported cannot have been raised.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from newsflow.core.config import Settings

USAGE = 2
RUNTIME = 1

_ERRNO = re.compile(r"\[Errno -?\d+\] [^)'\"\]]+|timed out|Name or service not known|Connection refused")


@dataclass(frozen=True)
class Failure:
    """What to print (one line) and the exit status."""

    message: str
    status: int


class ConfigError(ValueError):
    """The configuration cannot be used; the message is one line naming the setting, the
    problem and the fix (the front doors print it and exit 2).

    Defined here rather than beside the settings so that a front door can explain failures
    without importing the settings (pydantic-settings): ``newsflow extract`` on saved pages
    never loads them."""


class UsageFailure(Exception):
    """Raised by a front door for a usage problem it found itself (a data dir that does not exist)."""


def describe(exc: BaseException) -> str:
    """``Type: message`` without the doubled prefix of exceptions whose ``str`` already starts with their name
    (kafka-python's ``KafkaError`` does: ``KafkaConnectError: KafkaConnectError: ...``)."""
    name, text = type(exc).__name__, str(exc).strip()
    while text.startswith(f"{name}:"):
        text = text[len(name) + 1:].strip()
    return f"{name}: {text}" if text else name


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _module_class(module: str, name: str) -> type | None:
    mod = sys.modules.get(module)
    cls = getattr(mod, name, None) if mod is not None else None
    return cls if isinstance(cls, type) else None


def _is(exc: BaseException, module: str, name: str) -> bool:
    cls = _module_class(module, name)
    return cls is not None and isinstance(exc, cls)


def _reason(exc: BaseException) -> str:
    """The operating system's words (``[Errno 111] Connection refused``) out of a nested client message."""
    found = _ERRNO.search(str(exc))
    return found.group(0).strip() if found else describe(exc)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _kafka(exc: BaseException, settings: "Settings | None") -> Failure | None:
    where = settings.kafka_bootstrap if settings is not None else "the configured bootstrap servers"
    fix = "check NEWSFLOW_KAFKA_BOOTSTRAP (and the NEWSFLOW_KAFKA_SECURITY_PROTOCOL/SASL settings) and that the broker runs"
    if _is(exc, "newsflow.core.bus.kafka", "KafkaConnectError"):
        text = describe(exc).removeprefix("KafkaConnectError: ")
        return Failure(f"{text}; {fix}", RUNTIME)
    if _is(exc, "kafka.errors", "KafkaTimeoutError"):
        return Failure(f"cannot reach Kafka at {where}: {describe(exc)}; {fix}", RUNTIME)
    if _is(exc, "kafka.errors", "KafkaError"):
        return Failure(f"Kafka at {where}: {describe(exc)}; {fix}", RUNTIME)
    return None


def _elasticsearch(exc: BaseException, settings: "Settings | None") -> Failure | None:
    where = settings.es_url if settings is not None else "NEWSFLOW_ES_URL"
    if _is(exc, "elastic_transport", "ConnectionError") or _is(exc, "elastic_transport", "ConnectionTimeout"):
        return Failure(f"cannot connect to Elasticsearch at {where}: {_reason(exc)}; check NEWSFLOW_ES_URL "
                       "and that Elasticsearch runs", RUNTIME)
    if _is(exc, "elasticsearch", "AuthenticationException"):
        return Failure(f"Elasticsearch at {where} refused the login; check NEWSFLOW_ES_USERNAME and "
                       "NEWSFLOW_ES_PASSWORD (or NEWSFLOW_ES_API_KEY)", RUNTIME)
    if _is(exc, "elasticsearch", "AuthorizationException"):
        return Failure(f"Elasticsearch at {where}: the user may not do this ({_reason(exc)}); "
                       "grant it the index privileges on NEWSFLOW_ES_ALIAS", RUNTIME)
    if _is(exc, "elasticsearch", "ApiError"):
        status = getattr(getattr(exc, "meta", None), "status", "?")
        return Failure(f"Elasticsearch at {where} answered {status}: {getattr(exc, 'message', exc)}", RUNTIME)
    if _is(exc, "elastic_transport", "TransportError"):
        return Failure(f"Elasticsearch at {where}: {_reason(exc)}; check NEWSFLOW_ES_URL", RUNTIME)
    return None


def explain(exc: BaseException, settings: "Settings | None" = None) -> Failure | None:
    """The one-line ``Failure`` for ``exc`` (or any exception it was raised from); ``None`` for a bug."""
    for cause in _chain(exc):
        if isinstance(cause, (ConfigError, UsageFailure)):
            return Failure(_one_line(str(cause)), USAGE)
        found = _kafka(cause, settings) or _elasticsearch(cause, settings)
        if found is not None:
            return Failure(_one_line(found.message), found.status)
    return None


#: the base exception of each backend client, by module: what a web app routes to its 503 handler
_BACKEND_BASES = (("elastic_transport", "TransportError"), ("elasticsearch", "ApiError"), ("kafka.errors", "KafkaError"))


def backend_error_types() -> tuple[type, ...]:
    """The base exception classes of the backend clients loaded so far (call it once the index is open)."""
    return tuple(cls for module, name in _BACKEND_BASES if (cls := _module_class(module, name)) is not None)


def unavailable_reason(exc: BaseException, settings: "Settings | None" = None) -> str | None:
    """The one line for a backend out of reach (Kafka, Elasticsearch), or ``None``: what a web
    front door answers with 503 instead of a 500."""
    found = explain(exc, settings)
    return found.message if found is not None and found.status == RUNTIME else None


__all__ = ["RUNTIME", "USAGE", "Failure", "UsageFailure", "backend_error_types", "describe", "explain",
           "unavailable_reason"]
