"""The Elasticsearch index template: settings and mapping, server-core features only.

The same mapping runs on the minimal test node (no analysis-common module: no language
analysers, no ``asciifolding``, no ``mapping`` char filter) and in production. So:

- ``title`` and ``text`` use the built-in ``standard`` analyser (Unicode word breaks, lower
  case, no stop words, no stemming, **no diacritic folding**: the exact phrase ``"Erdogan"``
  does not find ``Erdoğan`` in the text, unlike the embedded index);
- ``title_stem`` and ``text_stem`` hold newsflow's own analysis (``newsflow.core.analysis``: folded,
  Snowball stems of the article's language) with the ``whitespace`` analyser, so words find
  their inflections and ignore diacritics with the same tokens as the embedded index;
- names and keys are ``keyword`` fields, some with the built-in ``lowercase`` normalizer;
- ``entity_rows`` (nested) mirrors the embedded index's ``entities`` table, one row per
  (label, key, kind) of an article: ``name`` rows (the entity's own key), ``surface`` rows
  (folded spellings seen in the text), ``first``/``last`` rows (single words of a multi-word
  PERSON key). Filters and facets run on these rows, so both backends answer alike;
- ``entities`` keeps the article's entities as written by enrich (plain object: Kibana can
  filter ``entities.key: "kim jong un"``), ``entity_names.<LABEL>`` per-label keyword arrays
  for Kibana aggregations.

Unknown top-level fields are kept in ``_source`` but not indexed (``dynamic: false``), so a
new contract field never changes the mapping behind our back.
"""

from __future__ import annotations

import copy

MAPPING_VERSION = 2  # 2: title_stem, text_stem, author_keys, lang (an older index: ADDED_IN_2, then reindex)
DEFAULT_TEXT_ANALYZER = "standard"

_KEYWORD = {"type": "keyword", "ignore_above": 1024}
_LOWER = {"type": "keyword", "normalizer": "lowercase", "ignore_above": 1024}

MAPPINGS: dict = {
    "dynamic": False,
    "_meta": {"newsflow_mapping_version": MAPPING_VERSION},
    "dynamic_templates": [
        {"entity_names": {"path_match": "entity_names.*", "match_mapping_type": "string", "mapping": _KEYWORD}},
    ],
    "properties": {
        "schema_version": {"type": "integer"},
        "id": {"type": "keyword"},
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "canonical_url": _KEYWORD,
        "feed_url": _KEYWORD,
        "source": _KEYWORD,
        "source_key": _LOWER,  # host, lower case, without www. (index.embedded.source_key)
        "title": {"type": "text", "analyzer": "standard",
                  "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
        "text": {"type": "text", "analyzer": "standard"},
        # newsflow's stems of title and text (newsflow.core.analysis), already folded and split:
        # the whitespace analyser (server core) keeps exactly those tokens, as FTS5 does
        "title_stem": {"type": "text", "analyzer": "whitespace"},
        "text_stem": {"type": "text", "analyzer": "whitespace"},
        "author_keys": _LOWER,  # folded author names (author: in queries)
        "lang": _LOWER,  # ISO 639 code of language (lang: in queries)
        "authors": _KEYWORD,
        "published_at": {"type": "date"},
        "fetched_at": {"type": "date"},
        "indexed_at": {"type": "date"},
        "language": _LOWER,
        "image": {"type": "keyword", "index": False, "doc_values": False},
        "tags": _LOWER,
        "content_hash": {"type": "keyword"},
        "text_source": {"type": "keyword"},
        "story_id": {"type": "keyword"},
        "keyphrases": {"type": "text", "analyzer": "standard", "fields": {"raw": _LOWER}},
        "entities": {
            "type": "object",
            "properties": {
                "name": _KEYWORD,
                "label": {"type": "keyword"},
                "key": _LOWER,
                "surface_forms": _KEYWORD,
                "count": {"type": "integer"},
                "salience": {"type": "float"},
                "in_title": {"type": "boolean"},
            },
        },
        "entity_names": {"type": "object", "dynamic": True},
        "entity_rows": {
            "type": "nested",
            "properties": {
                "label": {"type": "keyword"},
                "key": _LOWER,  # what filters compare with fold(user value)
                "name": _KEYWORD,  # canonical display name of the entity
                "count": {"type": "integer"},
                "salience": {"type": "float"},
                "kind": {"type": "keyword"},  # name | surface | first | last
                "entity_key": _LOWER,  # the entity's own key (= key for kind 'name')
            },
        },
        "enrichment": {
            "type": "object",
            "properties": {"model": _KEYWORD, "model_version": _KEYWORD, "newsflow_version": _KEYWORD},
        },
    },
}

# Fields mapping version 2 added: put on an index of version 1 so new writes are searchable
# by them at once; its older articles get them from `newsflow index reindex`.
ADDED_IN_2 = ("title_stem", "text_stem", "author_keys", "lang")

SETTINGS: dict = {
    # One shard: a news index of this size does not need more, and terms aggregations (facets)
    # and BM25 statistics are then exact, so hits and facets equal the embedded index's.
    "number_of_shards": 1,
    # green on a single node, one replica as soon as a second node joins
    "auto_expand_replicas": "0-1",
}


def mappings(text_analyzer: str = DEFAULT_TEXT_ANALYZER) -> dict:
    """``MAPPINGS`` with ``text_analyzer`` on the full-text fields (title, text, keyphrases).

    ``standard`` everywhere by default. A production cluster with the analysis-common module
    may choose a language analyser (``english``: stemming, possessives) and reindex behind the
    alias; the test node has none, so no test depends on it, and full-text parity with the
    embedded index holds only for ``standard``.
    """
    if text_analyzer == DEFAULT_TEXT_ANALYZER:
        return MAPPINGS
    out = copy.deepcopy(MAPPINGS)
    for name in ("title", "text", "keyphrases"):
        out["properties"][name]["analyzer"] = text_analyzer
    return out


def template_body(alias: str, text_analyzer: str = DEFAULT_TEXT_ANALYZER) -> dict:
    """The composable index template for the versioned indices ``<alias>-v<N>``."""
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 100,
        "template": {"settings": SETTINGS, "mappings": mappings(text_analyzer)},
        "_meta": {"description": f"newsflow articles behind the alias {alias}", "mapping_version": MAPPING_VERSION},
    }
