"""The user query AST (``newsflow.core.query``) and the search filters as Elasticsearch query DSL.

Full text mirrors the embedded index: every word, phrase or prefix matches in the title
(boosted like ``TITLE_WEIGHT``) or in the text (``title:`` only the title); a word by its stems
in the ``*_stem`` fields (newsflow's analysis, the ``whitespace`` analyser: the same tokens as the
embedded index), a phrase or prefix by the exact words; ``And``/``Or``/``Not``
become ``bool`` must / should / must_not. Queries the embedded index refuses (an exclusion as
an alternative, ``-(a -b)``) are refused here too: ``fts5_parts`` is the one validator.
"""

from __future__ import annotations

import re

from newsflow.core.analysis import query_stems
from newsflow.core.query import And, Node, Not, Or, Phrase, Term

TITLE_BOOST = 4.0  # index.embedded.TITLE_WEIGHT / TEXT_WEIGHT
# exact fields (phrases, prefixes) and stem fields (words; newsflow.core.analysis), by query field
_EXACT = {None: [f"title^{TITLE_BOOST:g}", "text"], "title": ["title"]}
_STEMS = {None: [f"title_stem^{TITLE_BOOST:g}", "text_stem"], "title": ["title_stem"]}
_ONE_WORD = re.compile(r"^\w+$")
# match_phrase_prefix: how many terms the last (prefix) word may expand to
PHRASE_PREFIX_EXPANSIONS = 1000


def leaf(node: Term | Phrase, languages: list[str] | None = None) -> dict:
    """One word (by its stems), prefix or phrase (exact words), in the title or the text."""
    if isinstance(node, Term) and node.prefix:
        word = node.text.lower()
        if _ONE_WORD.match(word):
            # a plain prefix query sees every term with this prefix (phrase_prefix stops at max_expansions)
            should = [{"prefix": {"title": {"value": word, "boost": TITLE_BOOST}}}]
            if node.field is None:
                should.append({"prefix": {"text": {"value": word}}})
            return {"bool": {"should": should, "minimum_should_match": 1}}
        return {"multi_match": {"query": node.text, "fields": _EXACT[node.field], "type": "phrase_prefix",
                                "max_expansions": PHRASE_PREFIX_EXPANSIONS}}
    if isinstance(node, Phrase):
        return {"multi_match": {"query": node.text, "fields": _EXACT[node.field], "type": "phrase"}}
    # the stems newsflow wrote, split on spaces only: the same tokens the embedded index holds
    alts = [{"multi_match": {"query": " ".join(seq), "fields": _STEMS[node.field], "type": "phrase",
                             "analyzer": "whitespace"}} for seq in query_stems(node.text, languages)]
    if not alts:
        return {"multi_match": {"query": node.text, "fields": _EXACT[node.field], "type": "phrase"}}
    return alts[0] if len(alts) == 1 else {"bool": {"should": alts, "minimum_should_match": 1}}


def to_dsl(node: Node, languages: list[str] | None = None) -> dict:
    """The query for ``node`` (validated by ``fts5_parts`` first); words analysed in ``languages``."""
    if isinstance(node, (Term, Phrase)):
        return leaf(node, languages)
    if isinstance(node, Not):
        return {"bool": {"must_not": [to_dsl(node.child, languages)]}}
    if isinstance(node, And):
        must = [to_dsl(c, languages) for c in node.children if not isinstance(c, Not)]
        must_not = [to_dsl(c.child, languages) for c in node.children if isinstance(c, Not)]
        body: dict = {}
        if must:
            body["must"] = must
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}
    if isinstance(node, Or):
        return {"bool": {"should": [to_dsl(c, languages) for c in node.children], "minimum_should_match": 1}}
    raise TypeError(f"not a query node: {node!r}")


def split(node: Node | None, languages: list[str] | None = None) -> tuple[dict | None, list[dict]]:
    """(scoring query, exclusions): the exclusions of a top-level AND or NOT become filters.

    ``(None, [x])`` is a query made only of exclusions: every document except ``x``;
    ``(None, [])`` no full-text query at all.
    """
    if node is None:
        return None, []
    if isinstance(node, Not):
        return None, [to_dsl(node.child, languages)]
    if isinstance(node, And):
        positives = [c for c in node.children if not isinstance(c, Not)]
        negatives = [to_dsl(c.child, languages) for c in node.children if isinstance(c, Not)]
        if not positives:
            return None, negatives
        query = (to_dsl(positives[0], languages) if len(positives) == 1
                 else {"bool": {"must": [to_dsl(c, languages) for c in positives]}})
        return query, negatives
    return to_dsl(node, languages), []


# --------------------------------------------------------------------------- entity filters


def entity_evidence_agg(key: str, label: str | None) -> dict:
    """Aggregation: the short forms (``surface`` rows) that articles recorded for the entity ``key``."""
    flt = [{"term": {"entity_rows.entity_key": key}}, {"term": {"entity_rows.kind": "surface"}}]
    if label:
        flt.append({"term": {"entity_rows.label": label}})
    return {"nested": {"path": "entity_rows"}, "aggs": {
        "f": {"filter": {"bool": {"filter": flt}}, "aggs": {
            "keys": {"terms": {"field": "entity_rows.key", "size": 1000}}}}}}


def entity_filter(key: str, label: str | None, short_forms: list[str], min_salience: float | None = None) -> dict:
    """Articles with a row whose key is ``key`` (a name, spelling, PERSON first or last name),
    or naming an entity whose key is one of the ``short_forms`` the corpus linked to ``key``;
    with ``min_salience``, only rows of entities at least that salient."""
    should: list[dict] = [{"term": {"entity_rows.key": key}}]
    if short_forms:
        should.append({"bool": {"filter": [{"term": {"entity_rows.kind": "name"}},
                                           {"terms": {"entity_rows.key": short_forms}}]}})
    query: dict = {"bool": {"should": should, "minimum_should_match": 1}}
    flt: list[dict] = []
    if label:
        flt.append({"term": {"entity_rows.label": label}})
    if min_salience is not None:
        flt.append({"range": {"entity_rows.salience": {"gte": min_salience}}})
    if flt:
        query["bool"]["filter"] = flt
    return {"nested": {"path": "entity_rows", "query": query}}


def label_filter(label: str, min_salience: float | None = None) -> dict:
    """Articles naming at least one entity of this label (at least ``min_salience`` salient)."""
    flt: list[dict] = [{"term": {"entity_rows.label": label}}, {"term": {"entity_rows.kind": "name"}}]
    if min_salience is not None:
        flt.append({"range": {"entity_rows.salience": {"gte": min_salience}}})
    return {"nested": {"path": "entity_rows", "query": {"bool": {"filter": flt}}}}


def facet_aggs(size: int) -> dict:
    """Entity facets (articles per label and key, shown by the most common name), sources and languages."""
    by_count = [{"_count": "desc"}, {"_key": "asc"}]
    return {
        "entities": {"nested": {"path": "entity_rows"}, "aggs": {
            "names": {"filter": {"term": {"entity_rows.kind": "name"}}, "aggs": {
                "labels": {"terms": {"field": "entity_rows.label", "size": 200, "order": {"_key": "asc"}}, "aggs": {
                    "keys": {"terms": {"field": "entity_rows.key", "size": size, "order": by_count}, "aggs": {
                        "name": {"terms": {"field": "entity_rows.name", "size": 1, "order": by_count}}}}}}}}}},
        "sources": {"terms": {"field": "source_key", "size": size, "order": by_count}, "aggs": {
            "name": {"terms": {"field": "source", "size": 1, "order": {"_key": "asc"}}}}},
        "languages": {"terms": {"field": "lang", "size": size, "order": by_count}},
    }
