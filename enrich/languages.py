"""Which spaCy pipeline enriches an article: the one ``spacy_models`` names for its language.

An English model run on German text finds "Zukunft" and "Frankreich" as organisations and
misses Olaf Scholz, so an article in a language without a model gets no entities at all (it
stays searchable by full text) and its provenance says why. It still gets a summary and
keyphrases: those need only tokens, which a blank pipeline of its language (tokenizer only,
shipped with spaCy) gives. An article without a language is taken to be in
``DEFAULT_LANGUAGE`` (ingest detects the language of every page long enough to tell, and
``newsflow enrich --in`` of every record that has none).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsflow.core.config import Settings
from newsflow.core.languages import primary_subtag

from enrich.model import ModelInfo, load_model, model_info

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"

# Inside a memory zone every word new to the vocabulary gets a lexeme that is freed when the
# batch ends, so the next batch builds it again: on real news a quarter of the tokens, some 6%
# of enrichment. A plain spaCy process keeps every lexeme for good (and grows without bound).
# Between the two: the first characters a pipeline sees are processed outside the zone, so the
# stream's common words stay in its vocabulary (a bounded set: some tens of thousands of
# words); after that every batch's new strings are freed as before.
VOCAB_WARMUP_CHARS = 500_000
# characters each pipeline has processed outside a memory zone (pipelines are cached per process)
_warmed: weakref.WeakKeyDictionary[Language, int] = weakref.WeakKeyDictionary()


def model_map(settings: Settings) -> dict[str, str]:
    """Language -> model name: ``spacy_models``, with ``spacy_model`` as its "en" entry when set
    explicitly (``NEWSFLOW_SPACY_MODEL`` keeps meaning what it always meant) or when "en" is missing."""
    models = {primary_subtag(lang) or lang: name for lang, name in settings.spacy_models.items()}
    if "spacy_model" in settings.model_fields_set or DEFAULT_LANGUAGE not in models:
        models[DEFAULT_LANGUAGE] = settings.spacy_model
    return models


# Languages whose spaCy data generates tens of thousands of tokenizer exceptions on import
# (French 3.5-5 s, Indonesian 3 s here; the others take well under a second): a process that
# meets one such page without a model for it would pay seconds for a tokenizer that only feeds
# the summary and the keyphrases. Those need words and sentence ends, which spaCy's
# multi-language tokenizer gives too ("aujourd'hui" comes out in three tokens, which RAKE
# drops as too short either way).
COSTLY_BLANK_LANGUAGES = frozenset({"fr", "id"})


@functools.lru_cache(maxsize=None)
def blank_pipeline(language: str) -> Language:
    """A tokenizer-only pipeline for ``language`` (spaCy's multi-language one if spaCy has no
    data for it, or data costly to load: ``COSTLY_BLANK_LANGUAGES``), for the summary and
    keyphrases of an article no model covers."""
    if language in COSTLY_BLANK_LANGUAGES:
        return spacy.blank("xx")
    try:
        return spacy.blank(language)
    except (ImportError, KeyError, ValueError):
        return spacy.blank("xx")


@dataclass(frozen=True, slots=True)
class Route:
    """How one article is enriched: its language, the pipeline, and whether it yields entities."""

    language: str
    nlp: Language
    info: ModelInfo | None  # None: no model for this language, no entities
    reason: str | None = None  # why there are no entities


class ModelRouter:
    """Chooses (and loads once per process) the pipeline of each article's language."""

    def __init__(self, settings: Settings, default_nlp: Language | None = None):
        """``default_nlp``, when given, is the pipeline for ``DEFAULT_LANGUAGE`` (tests, benches)."""
        self.models = model_map(settings)
        self._routes: dict[str, Route] = {}
        if default_nlp is not None:
            self._routes[DEFAULT_LANGUAGE] = Route(DEFAULT_LANGUAGE, default_nlp, model_info(default_nlp))
        self.default = self.route(DEFAULT_LANGUAGE)

    def route(self, language: str | None) -> Route:
        """The route of an article whose ``language`` field says this."""
        lang = primary_subtag(language) or DEFAULT_LANGUAGE
        route = self._routes.get(lang)
        if route is None:
            name = self.models.get(lang)
            if name is None:
                configured = ", ".join(sorted(self.models)) or "none"
                reason = f"no spaCy model for language {lang!r} (spacy_models has: {configured})"
                log.info("articles in %r get no entities: %s", lang, reason)
                route = Route(lang, blank_pipeline(lang), None, reason)
            else:
                nlp = load_model(name)
                route = Route(lang, nlp, model_info(nlp))
            self._routes[lang] = route
        return route

    def pipe(self, texts: Iterable[str], routes: list[Route], batch_size: int) -> list[Doc]:
        """The Docs of ``texts`` in order, each made by its route's pipeline: one ``nlp.pipe``
        per pipeline, so a batch in one language costs what it cost before."""
        texts = list(texts)
        docs: list[Doc | None] = [None] * len(texts)
        by_nlp: dict[int, list[int]] = {}
        for i, route in enumerate(routes):
            by_nlp.setdefault(id(route.nlp), []).append(i)
        for indexes in by_nlp.values():
            nlp = routes[indexes[0]].nlp
            for i, doc in zip(indexes, nlp.pipe((texts[i] for i in indexes), batch_size=batch_size)):
                docs[i] = doc
        return docs  # type: ignore[return-value]

    @contextlib.contextmanager
    def memory_zone(self, routes: Iterable[Route], chars: int = 0) -> Iterator[None]:
        """spaCy's memory zone of every pipeline these routes use (see ``Enricher.enrich``),
        once the pipeline's vocabulary is warm (``VOCAB_WARMUP_CHARS``); ``chars``: the size
        of the batch's texts."""
        with contextlib.ExitStack() as stack:
            for nlp in {id(r.nlp): r.nlp for r in routes}.values():
                seen = _warmed.get(nlp, 0)
                if seen < VOCAB_WARMUP_CHARS:
                    _warmed[nlp] = seen + chars
                    continue
                stack.enter_context(nlp.memory_zone())
            yield
