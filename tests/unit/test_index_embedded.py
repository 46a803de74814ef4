"""The embedded index (SQLite FTS5): what only this backend does.

The search contract it shares with Elasticsearch (upserts, query syntax, entity, label, source
and date filters, snippets, facets, autocomplete) is tests/integration/test_index_contract.py,
written once for both backends; its embedded half runs without any service. Here: full text
that folds diacritics, SQLite errors that must never leak, read-only use beside a running
pipeline, and a thousand articles.
"""

from __future__ import annotations

import sqlite3

import pytest

from index.embedded import EmbeddedIndex
from index_corpus import NEWS, art, ent
from newsflow.search import FACET_LABELS, QueryError, SearchRequest, parse_date


@pytest.fixture
def index(tmp_path):
    ix = EmbeddedIndex(tmp_path / "index.db")
    yield ix
    ix.close()


@pytest.fixture
def news(index):
    index.upsert(NEWS)
    return index


def ids(index: EmbeddedIndex, query: str = "", **kw) -> list[str]:
    return [h.id for h in index.search(SearchRequest(query=query, limit=100, **kw)).hits]


def idset(index: EmbeddedIndex, query: str = "", **kw) -> set[str]:
    return set(ids(index, query, **kw))


# --------------------------------------------------------------------------- full text


def test_full_text_ignores_diacritics(news):
    assert ids(news, "Erdogan") == ["erdogan"]
    assert ids(news, "Erdoğan") == ["erdogan"]
    assert ids(news, "turkiye") == ["erdogan"]


@pytest.mark.parametrize("query", ["NEAR(a b)", "title:media", "a:b ^c", '"', "(", "*", "-", "OR", "AND NOT", "{x y}", "C++ e-mail"])
def test_odd_input_never_leaks_sqlite_errors(news, query):
    try:
        news.search(SearchRequest(query=query))
    except QueryError:
        pass
    except sqlite3.Error as exc:  # pragma: no cover - this is the failure
        pytest.fail(f"sqlite error leaked for {query!r}: {exc}")


# --------------------------------------------------------------------------- read-only use beside a running pipeline


def test_a_readonly_open_of_a_missing_file_is_an_empty_index(tmp_path):
    path = tmp_path / "nothing" / "index.db"
    ix = EmbeddedIndex(path, readonly=True)
    result = ix.search(SearchRequest(query="putin", entities=["Putin"]))
    assert result.total == 0 and result.hits == [] and set(FACET_LABELS) <= set(result.facets)
    assert ix.count() == 0 and ix.get("a") is None and ix.entity_names("p") == []
    assert not path.exists()
    ix.close()


def test_a_readonly_index_reads_what_a_writer_wrote_and_never_writes(tmp_path):
    path = tmp_path / "index.db"
    reader = EmbeddedIndex(path, readonly=True)  # opened before the pipeline created the file
    writer = EmbeddedIndex(path)
    writer.upsert([art("a", "hello world")])
    assert ids(reader, "hello") == ["a"]
    writer.upsert([art("b", "hello again")])
    assert idset(reader, "hello") == {"a", "b"}
    with pytest.raises(PermissionError):
        reader.upsert([art("c")])
    reader.close()
    writer.close()


# --------------------------------------------------------------------------- scale


def test_a_thousand_articles_upsert_and_search(index):
    people = [ent(n) for n in ("Vladimir Putin", "Kim Jong Un", "Joe Biden", "Xi Jinping")]
    batch = [
        art(f"a{i}", f"Headline {i} about trade", f"Body {i} with words market{i % 50} and economy.",
            source=f"site{i % 7}.com", published=f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}T00:00:00Z",
            entities=[people[i % 4], ent(f"Company {i % 30}", "ORG")])
        for i in range(1000)
    ]
    for start in range(0, 1000, 250):
        index.upsert(batch[start:start + 250])
    assert index.count() == 1000
    assert index.search(SearchRequest(query="trade economy")).total == 1000
    assert index.search(SearchRequest(query="market7", entities=["Putin"])).total == 0  # market7 is i%50==7, never i%4==0
    result = index.search(SearchRequest(entities=["Kim Jong-un"], since=parse_date("2024-06-01")))
    assert 0 < result.total < 250
    assert sum(v.count for v in result.facets["PERSON"]) == result.total
