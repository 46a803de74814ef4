"""Structured log lines: ``key=value`` text for terminals, JSON for log shippers."""

from __future__ import annotations

import json
import logging
import sys
import time

# color_message: uvicorn's copy of each message with ANSI colours (newsflow serve), not a field
_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime", "color_message"}


def _extras(record: logging.LogRecord) -> dict:
    return {k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")}


class LogfmtFormatter(logging.Formatter):
    """``2026-01-01T10:00:00Z level=info logger=ingest.stage msg="..." feed=...``"""

    def format(self, record: logging.LogRecord) -> str:
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        parts = [ts, f"level={record.levelname.lower()}", f"logger={record.name}", f"msg={json.dumps(record.getMessage())}"]
        for k, v in _extras(record).items():
            text = v if isinstance(v, (int, float)) else json.dumps(str(v))
            parts.append(f"{k}={text}")
        if record.exc_info:
            parts.append(f"exc={json.dumps(self.formatException(record.exc_info))}")
        return " ".join(str(p) for p in parts)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **{k: v if isinstance(v, (int, float, bool, type(None))) else str(v) for k, v in _extras(record).items()},
        }
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


#: loggers of libraries, kept at WARNING unless the level asked for is DEBUG
THIRD_PARTY = ("kafka", "elasticsearch", "elastic_transport", "urllib3", "httpx", "httpcore",
               "trafilatura", "htmldate", "courlan", "charset_normalizer")
#: extraction libraries whose DEBUG lines (one per page element) help nobody running newsflow
ALWAYS_QUIET = frozenset({"trafilatura", "htmldate", "courlan", "charset_normalizer"})
#: the clients' connection-retry chatter (kafka-python: 17 lines for one refused bootstrap; the
#: Elasticsearch transport: a traceback per retry): newsflow's error layer says it in one line
#: naming the setting, so these stay silent unless DEBUG is asked for
RETRY_CHATTER = {"kafka.net": logging.CRITICAL, "kafka.conn": logging.CRITICAL, "elastic_transport": logging.ERROR,
                 "elastic_transport.transport": logging.ERROR, "elastic_transport.node_pool": logging.ERROR}


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Send log lines to stderr (stdout stays clean for command output such as JSON)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Library chatter that would drown our own lines (kafka-python logs every connection and
    # rebalance at INFO: 316 of the 326 lines of one `run --once`): WARNING unless DEBUG is asked for.
    library = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    for noisy in THIRD_PARTY:
        logging.getLogger(noisy).setLevel(max(library, logging.WARNING) if noisy in ALWAYS_QUIET else library)
    # kafka-python's DEBUG lines carry each client's configuration and the raw bytes of the SASL
    # login, i.e. the Kafka password: never below INFO, whatever the level asked for
    logging.getLogger("kafka").setLevel(max(logging.INFO, library))
    for name, quiet in RETRY_CHATTER.items():
        logging.getLogger(name).setLevel(max(logging.INFO, library) if library == logging.DEBUG else quiet)
