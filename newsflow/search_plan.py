"""A ``SearchRequest`` as the index backends run it: the full-text AST and every filter,
whether given as an option (``--entity``, ``--source``, ``--lang``) or typed as a field in the
query (``entity:``, ``source:``, ``lang:``, ``author:``). Both backends build their queries from
a ``SearchPlan``, so a field in the query finds exactly what the option of the same name does.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsflow.core.aliases import canonical_name
from newsflow.core.analysis import iso_code
from newsflow.core.names import fold
from newsflow.core.query import Node, fts5_parts, plan
from newsflow.core.search import QueryError, SearchRequest


@dataclass(frozen=True)
class SearchPlan:
    """What to match: ``text`` (None: every article) and filters; each list ANDs together,
    ``not_*`` lists exclude."""

    text: Node | None
    entities: tuple[str, ...] = ()
    not_entities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    not_sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # folded author names
    not_authors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1 codes
    not_languages: tuple[str, ...] = ()

    @property
    def query_languages(self) -> list[str] | None:
        """The languages whose stemmers analyse the query's words (None: the default, English)."""
        return list(self.languages) or None


def _author(value: str) -> str:
    key = fold(value)
    if not key:
        raise QueryError(f"the author {value!r} has no letters or digits to match")
    return key


def _language(value: str) -> str:
    code = value.strip().lower()
    if not code.isalpha() or not 2 <= len(code) <= 3:
        raise QueryError(f"lang: takes a language code like en, de or fr, not {value!r}")
    return iso_code(code) or code


def search_plan(request: SearchRequest) -> SearchPlan:
    """Parse and validate ``request.query`` (``QueryError`` for what cannot run) and gather its filters."""
    parsed = plan(request.query)
    languages = [_language(v) for v in parsed.values("lang")]
    if request.language:
        languages.insert(0, _language(request.language))
    fts5_parts(parsed.text, languages or None)  # refuses what FTS5 cannot express, on every backend
    return SearchPlan(
        text=parsed.text,
        entities=tuple(request.entities) + tuple(canonical_name(v) for v in parsed.values("entity")),
        not_entities=tuple(canonical_name(v) for v in parsed.values("entity", excluded=True)),
        sources=tuple(filter(None, [request.source] + parsed.values("source"))),
        not_sources=tuple(parsed.values("source", excluded=True)),
        authors=tuple(_author(v) for v in parsed.values("author")),
        not_authors=tuple(_author(v) for v in parsed.values("author", excluded=True)),
        languages=tuple(dict.fromkeys(languages)),
        not_languages=tuple(_language(v) for v in parsed.values("lang", excluded=True)),
    )


def author_keys(authors: list[str]) -> list[str]:
    """The keys ``author:`` compares with: each author's name folded (case, accents, punctuation)."""
    return [k for k in dict.fromkeys(fold(a) for a in authors) if k]


__all__ = ["SearchPlan", "author_keys", "search_plan"]
