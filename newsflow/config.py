"""One settings object for every stage and front door.

Values come from, highest priority first: explicit overrides (CLI flags), environment
variables ``NEWSFLOW_*``, a TOML file (``NEWSFLOW_CONFIG``, else ``./newsflow.toml`` if it
exists), then the defaults below. Stages receive the object; nothing reads the environment
from deep inside.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

DEFAULT_LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"]


def _config_file() -> Path | None:
    explicit = os.environ.get("NEWSFLOW_CONFIG")
    if explicit:
        return Path(explicit)
    local = Path("newsflow.toml")
    return local if local.is_file() else None


class Settings(BaseSettings):
    """Everything configurable, with the defaults of the embedded single-machine deployment."""

    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", extra="ignore")

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
    fetch_max_bytes: int = 10 * 1024 * 1024  # on the decompressed body
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

    # enrich
    spacy_model: str = "en_core_web_sm"
    entity_labels: list[str] = Field(default_factory=lambda: list(DEFAULT_LABELS))
    enrich_batch_size: int = 32
    # worker processes per enrich stage on this machine (spaCy uses one core per process)
    enrich_workers: int = Field(default=1, ge=1, le=64)
    # seconds a stage may linger for more records to fill a batch, counted from the oldest
    # record in hand: a backlog is never held back (newsflow.worker)
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
    """Build the settings; ``None`` overrides (unset CLI flags) are ignored."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
