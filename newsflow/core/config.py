"""One settings object for every stage and front door.

Values come from, highest priority first: explicit overrides (CLI flags), environment
variables ``NEWSFLOW_*``, a TOML file (``NEWSFLOW_CONFIG``, else ``./newsflow.toml`` if it
exists), then the defaults below. Stages receive the object; nothing reads the environment
from deep inside.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource
from pydantic_settings.exceptions import SettingsError

from newsflow.core.errors import ConfigError  # raised here; the stages import it from here too
from newsflow.core.limits import MAX_BODY_BYTES

DEFAULT_LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"]


ENV_PREFIX = "NEWSFLOW_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: NEWSFLOW_* variables that are not settings: read by the scripts in deploy/local, the tests and
#: single commands (the webhook secret is an option of `alerts webhook`)
OTHER_ENV = frozenset({"CONFIG", "REQUIRE_SERVICES", "KAFKA_DIR", "ES_HOME", "ES_USER", "MVN_ARGS",
                       "WEBHOOK_SECRET"})


#: the ConfigError of a backend chosen without the optional extra that provides its client
MISSING_EXTRA = "{setting}={value} needs the optional extra 'distributed': pip install 'newsflow[distributed]'"


def _config_file() -> Path | None:
    explicit = os.environ.get("NEWSFLOW_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():  # running on defaults instead would hide the mistake
            raise ConfigError(f"NEWSFLOW_CONFIG={explicit}: no such file; point it at your newsflow.toml or unset it")
        return path
    local = Path("newsflow.toml")
    return local if local.is_file() else None


class Settings(BaseSettings):
    """Everything configurable, with the defaults of the embedded single-machine deployment."""

    # forbid: a misspelt key in the TOML file (data_dri) is an error, not a silent default
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    # where the embedded bus, index and stage state live
    data_dir: Path = Path("newsflow-data")
    bus: Literal["embedded", "kafka"] = "embedded"
    index: Literal["embedded", "elasticsearch"] = "embedded"

    # topics
    topic_prefix: str = ""
    topic_articles: str = "news.articles"
    topic_enriched: str = "news.enriched"
    topic_deadletter: str = "news.deadletter"
    # compacted topics through which enrich workers on different machines share the entity
    # registry and the stories (bus = "kafka"; see enrich/shared_state.py)
    topic_entity_state: str = "enrich.entities"
    topic_story_state: str = "enrich.stories"

    # Kafka (bus = "kafka")
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None  # PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None  # SecretStr: a logged or printed Settings shows ********
    kafka_ssl_cafile: str | None = None
    kafka_partitions: int = 6
    kafka_replication: int = 1
    kafka_compression: Literal["zstd", "lz4", "gzip", "none"] = "zstd"
    # producer batching and consumer fetching: defaults measured with bench/bus.py (DEVELOPERS.md)
    kafka_linger_ms: int = 20
    kafka_batch_bytes: int = 1024 * 1024
    kafka_max_poll_records: int = 500
    kafka_max_partition_fetch_bytes: int = 1024 * 1024
    kafka_connect_timeout: float = 30.0  # seconds a client waits for the cluster before a clear error

    # Elasticsearch (index = "elasticsearch")
    es_url: str = "http://127.0.0.1:9200"
    # analyser of title/text/keyphrases: "standard" (every node has it; full-text parity with the
    # embedded index) or a language analyser of the analysis-common module, e.g. "english"
    es_text_analyzer: str = "standard"
    es_username: str | None = None
    es_password: str | None = None
    es_api_key: str | None = None
    es_ca_certs: str | None = None
    es_alias: str = "news"

    # ingest: fetching untrusted feeds and pages
    allow_private_hosts: bool = False
    user_agent: str = "newsflow/0.1 (+https://github.com/newsflow/newsflow)"
    fetch_connect_timeout: float = 5.0
    fetch_read_timeout: float = 15.0
    fetch_total_timeout: float = 30.0  # wall clock for one response, body included
    fetch_max_bytes: int = MAX_BODY_BYTES  # on the decompressed body
    fetch_max_redirects: int = 5
    fetch_concurrency: int = 4
    poll_interval: float = 300.0  # seconds between polls of one feed when running continuously
    min_text_chars: int = 120  # below this the page text is not trusted; fall back to the feed
    # Adaptive polling: a feed's interval starts at poll_interval and moves within these bounds
    # (shorter while it publishes, longer while it is quiet); errors back off up to poll_backoff_max.
    poll_min_interval: float = 60.0
    poll_max_interval: float = 3600.0
    poll_backoff_max: float = 6 * 3600.0
    # Politeness towards one site: at most this many requests at once, starts spaced this far apart.
    fetch_per_host: int = 2
    fetch_host_delay: float = 0.25
    respect_robots: bool = True  # obey robots.txt for article pages and sitemaps
    sitemap_max_urls: int = 200  # newest URLs taken from one sitemap poll (sitemaps can list millions)
    feed_max_entries: int = Field(default=200, ge=1)  # newest new entries taken from one feed per poll; the rest later
    robots_max_crawl_delay: float = Field(default=10.0, ge=0)  # a robots.txt Crawl-delay above this is taken as this
    # archive backfill (`newsflow backfill`): where cc-news:YYYY-MM finds the month's warc.paths.gz
    # (a mirror, or a loopback server in tests), and the largest remote WARC file read (CC-NEWS files are ~1 GB)
    cc_news_base_url: str = "https://data.commoncrawl.org/"
    backfill_max_bytes: int = 8 * 1024 ** 3
    # WebSub: the public base URL of the ingest service's HTTP port (`newsflow ingest --port`), under
    # which hubs reach /websub/<token>; unset, no subscriptions. Leases asked for, and how often a
    # pushed feed is still polled as a safety net (seconds).
    websub_callback_url: str | None = None
    websub_lease_seconds: int = 10 * 24 * 3600
    websub_poll_interval: float = 6 * 3600.0

    # enrich
    spacy_model: str = "en_core_web_sm"
    # language (ISO 639-1, the article's detected `language`) -> spaCy model; an article in a
    # language without an entry gets no entities. spacy_model, when set, is the "en" entry.
    spacy_models: dict[str, str] = Field(default_factory=lambda: {"en": "en_core_web_sm"})
    entity_labels: list[str] = Field(default_factory=lambda: list(DEFAULT_LABELS))
    enrich_batch_size: int = 32
    # worker processes per enrich stage on this machine (spaCy uses one core per process)
    enrich_workers: int = Field(default=1, ge=1, le=64)
    # seconds a stage may linger for more records to fill a batch, counted from the oldest
    # record in hand: a backlog is never held back (newsflow.core.worker)
    enrich_max_wait: float = Field(default=0.05, ge=0.0)

    # index
    index_batch_size: int = 500  # Elasticsearch bulk reaches ~0.9x a plain bulk from 500 (1 refresh a batch)
    index_max_wait: float = Field(default=0.2, ge=0.0)  # fewer, larger batches: one refresh (ES) or commit each

    # alerts: the rules file the index stage runs over each batch (reloaded when it changes); None: no alerts
    alert_rules: Path | None = None
    # the webhook sink (`newsflow alerts webhook`): per-request timeout, then retries with
    # exponential backoff from webhook_retry_initial up to webhook_retry_max seconds between tries
    webhook_timeout: float = 10.0
    webhook_retry_initial: float = 1.0
    webhook_retry_max: float = 60.0

    # operations
    metrics_port: int | None = None  # serve Prometheus metrics on this port while running
    metrics_host: str = "127.0.0.1"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.strip().upper()
        if upper not in LOG_LEVELS:
            raise ValueError(f"use one of {', '.join(LOG_LEVELS)}")
        return upper

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    def topic(self, name: str) -> str:
        """The full topic name with the deployment's prefix."""
        return f"{self.topic_prefix}{name}"

    def ensure_data_dir(self) -> Path:
        """Create the data directory if needed and return it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


def load_settings(**overrides: Any) -> Settings:
    """Build the settings; ``None`` overrides (unset CLI flags) are ignored.

    Raises ``ConfigError`` (one line naming the setting and its source) for a missing
    ``NEWSFLOW_CONFIG`` file, a TOML syntax error, an unknown key or variable and a value of the
    wrong type.
    """
    _check_environment()
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_config_file()}: TOML syntax error: {exc}; fix the file (NEWSFLOW_CONFIG)") from exc
    except SettingsError as exc:  # an env value of a list setting that is not JSON
        name = _field_in(str(exc))
        raise ConfigError(f"{ENV_PREFIX}{name.upper()}: not valid JSON; write a JSON list, e.g. "
                          f"{ENV_PREFIX}{name.upper()}='[\"PERSON\", \"ORG\"]'") from exc
    except ValidationError as exc:
        raise ConfigError("; ".join(_explain(error, given) for error in exc.errors())) from exc


def _check_environment() -> None:
    """A ``NEWSFLOW_*`` variable that is no setting is a typo (NEWSFLOW_DATADIR): refuse it."""
    fields = {name.upper() for name in Settings.model_fields}
    for var in sorted(os.environ):
        if not var.startswith(ENV_PREFIX):
            continue
        name = var[len(ENV_PREFIX):]
        if name not in fields and name not in OTHER_ENV:
            close = difflib.get_close_matches(name, sorted(fields), n=1)
            hint = f"did you mean {ENV_PREFIX}{close[0]}?" if close else "see deploy/.env.example for the settings"
            raise ConfigError(f"{var}: no such setting; {hint} (or unset it)")


def _field_in(message: str) -> str:
    """The field a pydantic-settings ``SettingsError`` names (``error parsing value for field "x" ...``)."""
    start = message.find('"') + 1
    return message[start:message.find('"', start)] if start else "?"


def _where(field: str, given: dict[str, Any]) -> str:
    """Where the value of ``field`` came from, spelled as the operator would set it."""
    if field in given:
        return f"--{field.replace('_', '-')}"
    if f"{ENV_PREFIX}{field.upper()}" in os.environ:
        return f"{ENV_PREFIX}{field.upper()}"
    path = _config_file()
    return f"{field} in {path}" if path is not None else field


def _explain(error: dict, given: dict[str, Any]) -> str:
    """One pydantic error as ``SETTING: what is wrong; what to do``."""
    field = str(error["loc"][0]) if error["loc"] else "?"
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(field, sorted(Settings.model_fields), n=1)
        hint = f"did you mean {close[0]}?" if close else "remove it"
        return f"{field} in {_config_file()}: no such setting; {hint}"
    value = error.get("input")
    shown = f" {value!r}" if isinstance(value, (str, int, float, bool)) else ""
    return f"{_where(field, given)}{shown}: {error['msg'].removeprefix('Value error, ')}"
