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
from newsflow.core.search import FACET_LABELS, QueryError, SearchRequest, parse_date


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


# --------------------------------------------------------------------------- a file written before the stem columns

SCHEMA_1 = """
CREATE TABLE articles (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, url TEXT NOT NULL,
    title TEXT NOT NULL, source TEXT NOT NULL, source_key TEXT NOT NULL, published_at TEXT, published_ts REAL,
    story_id TEXT NOT NULL, indexed_at TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5 (title, text, tokenize = "unicode61 remove_diacritics 2");
CREATE TABLE entities (article INTEGER NOT NULL, label TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,
    count INTEGER NOT NULL, salience REAL NOT NULL, kind TEXT NOT NULL, entity_key TEXT NOT NULL,
    PRIMARY KEY (article, label, entity_key, key)) WITHOUT ROWID;
PRAGMA user_version = 1;
"""


def test_a_file_of_schema_1_is_upgraded_when_opened_for_writing_and_refused_read_only(tmp_path):
    path = tmp_path / "index.db"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_1)
    old = art("old", "Missiles fired", "Two missiles were fired.", entities=[ent("Kim Jong Un")])
    db.execute("INSERT INTO articles VALUES (1, 'old', ?, 'u', ?, 'example.com', 'example.com', NULL, NULL, 'old', 'x')",
               (old.model_dump_json(), old.title))
    db.execute("INSERT INTO fts (rowid, title, text) VALUES (1, ?, ?)", (old.title, old.text))
    db.commit()
    db.close()

    reader = EmbeddedIndex(path, readonly=True)
    with pytest.raises(RuntimeError, match="older newsflow .* run `newsflow run` or `newsflow index` once"):
        reader.search(SearchRequest(query="missile"))
    reader.close()

    writer = EmbeddedIndex(path)
    assert ids(writer, "missile") == ["old"] and ids(writer, '"missiles were"') == ["old"]
    writer.close()
    reader = EmbeddedIndex(path, readonly=True)
    assert ids(reader, "missile") == ["old"]
    reader.close()
