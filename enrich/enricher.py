"""``Enricher``: a batch of Articles -> one spaCy pass -> EnrichedArticles."""

from __future__ import annotations

from spacy.language import Language

from newsflow import __version__ as NEWSFLOW_VERSION
from newsflow.core.config import Settings
from newsflow.core.contracts import Article, EnrichedArticle, Provenance

from enrich.canonical import TITLE_SEPARATOR, canonical_entities, compose, entity_names
from enrich.keyphrases import keyphrases
from enrich.lead import lead_summary
from enrich.languages import ModelRouter, Route
from enrich.registry import EntityRegistry
from enrich.reuse import ReuseCache, entities_of, text_key
from enrich.stories import StoryIndex

# spaCy's memory grows with the text (its docs budget "roughly 1GB of temporary memory per
# 100,000 characters" for parser and NER). The entities of a news article are in its first
# pages anyway, so an oversized text (a scraped archive page, a 50 MB mistake) is cut here
# rather than allowed to exhaust a worker.
MAX_TEXT_CHARS = 100_000
# A feed can put anything in a title; a real headline is far shorter.
MAX_TITLE_CHARS = 1_000
# When cutting, back up to the last whitespace within this many characters so a name is not
# split in the middle (a half name would become a spurious entity).
_CUT_SLACK = 200



# Fields that EnrichedArticle adds; dropped when an already enriched record is re-enriched.
_ENRICHED_FIELDS = frozenset(EnrichedArticle.model_fields) - frozenset(Article.model_fields)


def cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a whitespace boundary when one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(" ", limit - _CUT_SLACK), head.rfind("\n", limit - _CUT_SLACK))
    return head[:cut] if cut > 0 else head


def _entity_words(entities) -> set[str]:
    """Lower-case words of the article's entities (names and every spelling seen)."""
    words: set[str] = set()
    for e in entities:
        for form in (e.name, *e.surface_forms):
            words.update(form.lower().replace("’s", " ").replace("'s", " ").split())
    return words


class Enricher:
    """Enriches batches of articles with canonical entities, using one ``nlp.pipe`` per batch."""

    def __init__(self, settings: Settings, nlp: Language | None = None, stories: StoryIndex | None = None,
                 registry: EntityRegistry | None = None, *, learn: bool = True, reuse: ReuseCache | None = None):
        """Load (or reuse, the load is cached per process) the configured spaCy model.

        ``stories`` keeps the near-duplicate groups and ``registry`` the canonical entities
        of the corpus; without them both live only as long as this enricher (right for a
        one-off file, not for a service: see ``EnrichStage``). ``learn=False`` resolves names
        with the registry without adding to it (re-enrichment of articles counted before).
        ``reuse`` keeps what spaCy found in each text for its exact copies (``enrich.reuse``;
        by default a cache of this enricher's own).
        """
        self.learn = learn
        self.settings = settings
        # the pipeline of each article's language (settings.spacy_models); nlp: the English one
        self.router = ModelRouter(settings, nlp)
        self.nlp = self.router.default.nlp
        self.stories = stories if stories is not None else StoryIndex(":memory:")
        self.registry = registry if registry is not None else EntityRegistry(":memory:")
        self.labels = frozenset(settings.entity_labels)
        self.reuse = reuse if reuse is not None else ReuseCache()
        self._provenances: dict[str, Provenance] = {}
        self.provenance = self._provenance(self.router.default)

    def _provenance(self, route: Route) -> Provenance:
        """What enriched an article of this route (one object per language)."""
        provenance = self._provenances.get(route.language)
        if provenance is None:
            info = route.info
            provenance = self._provenances[route.language] = Provenance(
                model=info.name if info else "none", model_version=info.version if info else "0",
                newsflow_version=NEWSFLOW_VERSION, language=route.language, no_entities_reason=route.reason,
            )
        return provenance

    def enrich(self, articles: list[Article]) -> list[EnrichedArticle]:
        """Enrich ``articles`` in order; the texts go through spaCy in a single ``nlp.pipe`` call,
        except exact copies of a text enriched before (``enrich.reuse``), which take its results."""
        if not articles:
            return []
        composed = [
            compose(cap(a.title or "", MAX_TITLE_CHARS), cap(a.text or "", MAX_TEXT_CHARS)) for a in articles
        ]
        # Stories compare bodies: a syndicated copy often carries its own headline.
        stories = self.stories.assign(
            (a.id, a.content_hash, cap(a.text or a.title or "", MAX_TEXT_CHARS)) for a in articles
        )
        # what workers elsewhere registered since the last batch, before spaCy's title filter
        # asks the registry which names are known (a no-op without a shared topic)
        self.registry.catch_up()
        routes = [self.router.route(a.language) for a in articles]
        keys = [text_key(self._pipeline_key(route), text) for (text, _), route in zip(composed, routes)]
        found = [self.reuse.get(key) for key in keys]
        # the first copy of each text not seen before goes through spaCy, later copies wait for it
        first: dict[bytes, int] = {}
        for i, key in enumerate(keys):
            if found[i] is None:
                first.setdefault(key, i)
        todo = list(first.values())
        out: list[EnrichedArticle] = []
        # Strings spaCy interns for these Docs are freed when the zone ends, so a worker's
        # memory stays flat over millions of articles (spaCy >= 3.8; the first batches, which
        # warm the vocabulary, run outside it). Nothing built from a
        # Doc may outlive the zone except plain Python values, which is all we keep.
        with self.router.memory_zone([routes[i] for i in todo], sum(len(composed[i][0]) for i in todo)):
            docs = dict(zip(todo, self.router.pipe((composed[i][0] for i in todo), [routes[i] for i in todo],
                                                   self.settings.enrich_batch_size)))
            # no model for its language: no entities (another language's model would invent them)
            own = {
                i: canonical_entities(doc, composed[i][1], self.labels, self.registry.known_label,
                                      text=composed[i][0]) if routes[i].info else []
                for i, doc in docs.items()
            }
            # the article's own entities; copies of a text enriched in this batch take its first copy's
            per_article = [
                own[i] if i in own else entities_of(f) if (f := found[i]) is not None
                else [e.model_copy(deep=True) for e in own[first[keys[i]]]]
                for i in range(len(articles))
            ]
            per_article = self.registry.canonicalize(per_article, learn=self.learn)
            done: dict[bytes, tuple[list[str], str]] = {}
            for i, (article, (_, title_len), story, entities, route) in enumerate(
                    zip(articles, composed, stories, per_article, routes)):
                doc = docs.get(i)
                if doc is not None:
                    phrases = keyphrases(doc, title_len, _entity_words(entities))
                    summary = lead_summary(doc, title_len + len(TITLE_SEPARATOR))
                    self.reuse.put(keys[i], own[i], phrases, summary)
                    done[keys[i]] = (phrases, summary)
                elif (f := found[i]) is not None:
                    phrases, summary = list(f.keyphrases), f.summary
                else:
                    self.reuse.hits += 1  # a copy of a text earlier in this batch
                    phrases, summary = list(done[keys[i]][0]), done[keys[i]][1]
                out.append(
                    EnrichedArticle(
                        **article.model_dump(exclude=_ENRICHED_FIELDS),
                        entities=entities,
                        entity_names=entity_names(entities),
                        keyphrases=phrases,
                        summary=summary,
                        story_id=story,
                        enrichment=self._provenance(route),
                    )
                )
        return out

    @staticmethod
    def _pipeline_key(route: Route) -> str:
        """What makes a route's Docs what they are: its language and model (name and version)."""
        return f"{route.language}|{route.info.name}|{route.info.version}" if route.info else f"{route.language}|blank"

    def close(self) -> None:
        """Close the story index and the registry (and their links to shared topics)."""
        try:
            self.stories.close()
        finally:
            self.registry.close()
