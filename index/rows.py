"""What every index backend derives from an article to filter and facet on.

Both the embedded index (SQLite rows) and Elasticsearch (nested documents) store the same
entity rows, so entity filters, label filters and facets give the same answers on both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsflow.core.contracts import Entity
from newsflow.core.names import fold

# Enrich repeats the same spellings across a stream of articles: folding them is most of the
# cost of building the rows, so keep the recent ones.
_fold = functools.lru_cache(maxsize=65_536)(fold)


def source_key(source: str) -> str:
    """How sources compare: host name, lower case, without ``www.`` (a URL is reduced to its host)."""
    s = source.strip().lower()
    if "://" in s:
        s = urlsplit(s).hostname or ""
    s = s.split("/", 1)[0].rstrip(".")
    return s.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One match key of one entity of an article.

    ``kind`` says why the key matches: ``name`` (the entity's own key), ``surface`` (a spelling
    seen in the text), ``first``/``last`` (a word of a multi-word PERSON name, so a bare
    surname finds the full name). ``entity_key`` is the entity the row belongs to.
    """

    label: str
    key: str
    name: str
    count: int
    salience: float
    kind: str
    entity_key: str


def entity_rows(entities: list[Entity]) -> list[EntityRow]:
    """The rows of an article's entities.

    Entities sharing a (label, key) are merged into one (counts summed, highest salience, the
    name of the most mentioned), so every row is unique per article and facets count articles.
    """
    merged: dict[tuple[str, str], list[Entity]] = {}
    for entity in entities:
        key = entity.key or _fold(entity.name)
        if key:
            merged.setdefault((entity.label, key), []).append(entity)
    rows: list[EntityRow] = []
    for (label, key), group in merged.items():
        name = max(group, key=lambda e: e.count).name
        count = sum(e.count for e in group)
        salience = max(e.salience for e in group)
        keys = {key: "name"}
        for s in sorted({_fold(s) for e in group for s in e.surface_forms} - {key, ""}):
            keys[s] = "surface"
        words = key.split()
        if label == "PERSON" and len(words) > 1:
            keys.setdefault(words[0], "first")
            keys.setdefault(words[-1], "last")
        rows += [EntityRow(label, k, name, count, salience, kind, key) for k, kind in keys.items()]
    return rows
