"""The records that travel between stages, as versioned JSON.

Every record carries ``schema_version`` so that a consumer can refuse (and dead-letter)
what it does not understand instead of misreading it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1


def record_headers(producer: str, **more: str) -> dict[str, str]:
    """The headers of every record newsflow publishes: its value's schema version and its producer."""
    return {"schema_version": str(SCHEMA_VERSION), "producer": producer, **more}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def article_id(canonical_url: str) -> str:
    """Stable id of an article: a hash of its canonical URL (96 bits, hex)."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:24]


_WS = re.compile(r"\s+")


def content_hash(text: str) -> str:
    """Hash of an article's text that ignores case, Unicode form and whitespace layout."""
    norm = _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:32]


class Record(BaseModel):
    """Base of all contracts: strict about unknown versions, lenient about extra fields."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(f"schema_version {v} is newer than this build understands ({SCHEMA_VERSION})")
        return v

    def to_json(self) -> bytes:
        """Serialise to compact UTF-8 JSON bytes (the wire format on every bus)."""
        return self.model_dump_json(exclude_none=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str):
        """Parse wire bytes; raises ``pydantic.ValidationError`` on a malformed record."""
        return cls.model_validate_json(data)


def _aware(v: datetime | None) -> datetime | None:
    if v is not None and v.tzinfo is None:
        return v.replace(tzinfo=timezone.utc)
    return v


class Article(Record):
    """A cleaned article as produced by ingest (topic ``news.articles``)."""

    id: str
    url: str
    canonical_url: str
    feed_url: str | None = None
    source: str
    title: str = ""
    text: str
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    fetched_at: datetime = Field(default_factory=utcnow)
    language: str | None = None
    image: str | None = None
    tags: list[str] = Field(default_factory=list)
    content_hash: str
    # Where the text came from: the fetched page, or the feed entry when the page failed.
    text_source: Literal["page", "feed"] = "page"
    # Which extractor produced a page's text ("trafilatura-fast", "trafilatura", "resiliparse";
    # "trafilatura-fast+resiliparse" or "trafilatura+resiliparse" with resiliparse's lead added;
    # "json-ld": the body the page declares, where its HTML held little of it);
    # None for feed text and for records written before it was recorded.
    extractor: str | None = None
    # Edits: an article republished with changed text keeps its id; revision counts its versions
    # (1 = first) and updated_at says when this one was seen. Additive: older records parse as revision 1.
    revision: int = 1
    updated_at: datetime | None = None

    _tz = field_validator("published_at", "fetched_at", "updated_at")(classmethod(lambda cls, v: _aware(v)))


class Entity(BaseModel):
    """One canonical entity of an article."""

    name: str  # canonical display form, e.g. "Kim Jong Un"
    label: str  # spaCy label: PERSON, ORG, GPE, ...
    key: str  # folded match key (newsflow.core.names.fold), what indexes filter on
    surface_forms: list[str] = Field(default_factory=list)  # spellings seen in the text
    count: int = 1  # mentions in the article
    salience: float = 0.0  # 0..1, higher = more central to the article
    in_title: bool = False


class Provenance(BaseModel):
    """What produced an enriched record, so a model upgrade can re-enrich selectively."""

    model: str
    model_version: str
    newsflow_version: str
    language: str | None = None  # the language the model was chosen for
    # why the article has no entities although it was enriched (no model for its language)
    no_entities_reason: str | None = None


class EnrichedArticle(Article):
    """An article with entities and grouping (topic ``news.enriched``)."""

    entities: list[Entity] = Field(default_factory=list)
    # Per-label canonical names, for faceting: {"PERSON": ["Kim Jong Un", ...], ...}
    entity_names: dict[str, list[str]] = Field(default_factory=dict)
    keyphrases: list[str] = Field(default_factory=list)
    # The lead: the first sentences of the body, for result lists and alert messages.
    summary: str = ""
    story_id: str
    enrichment: Provenance | None = None


class Alert(Record):
    """A rule matched an article (topics ``alerts.<rule>``)."""

    rule: str
    topic: str
    article_id: str
    url: str
    title: str
    published_at: datetime | None = None
    matched_entities: list[str] = Field(default_factory=list)
    matched_terms: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    # Additive (older alerts parse without them): what a consumer shows without a lookup.
    source: str | None = None
    story_id: str | None = None
    summary: str = ""

    _tz = field_validator("published_at", "created_at")(classmethod(lambda cls, v: _aware(v)))


class DeadLetter(Record):
    """A record a stage could not process, kept with its error (topic ``news.deadletter``)."""

    stage: str
    topic: str
    offset: int | None = None
    key: str | None = None
    error: str
    value: str  # the original record, decoded as UTF-8 with replacement
    failed_at: datetime = Field(default_factory=utcnow)
