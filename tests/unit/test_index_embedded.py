"""The embedded index (SQLite FTS5): what an analyst can rely on when searching."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from index.embedded import EmbeddedIndex
from newsflow.contracts import EnrichedArticle, Entity, content_hash
from newsflow.names import fold
from newsflow.search import FACET_LABELS, Index, QueryError, SearchRequest, parse_date


# --------------------------------------------------------------------------- fixtures


def ent(name: str, label: str = "PERSON", *surface: str, count: int = 1, salience: float = 0.5) -> Entity:
    """An entity as enrich writes it: key = fold(name), surface forms as seen in the text."""
    return Entity(name=name, label=label, key=fold(name), surface_forms=list(surface) or [name],
                  count=count, salience=salience)


def art(aid: str, title: str = "", text: str = "", *, source: str = "example.com", published: str | None = "2024-05-01T12:00:00Z",
        entities: list[Entity] = (), story: str | None = None) -> EnrichedArticle:
    text = text or title or aid
    url = f"https://{source}/{aid}"
    entities = list(entities)
    names: dict[str, list[str]] = {}
    for e in entities:
        names.setdefault(e.label, []).append(e.name)
    return EnrichedArticle(
        id=aid, url=url, canonical_url=url, source=source, title=title, text=text,
        published_at=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
        content_hash=content_hash(text), entities=entities, entity_names=names, story_id=story or aid,
    )


@pytest.fixture
def index(tmp_path):
    ix = EmbeddedIndex(tmp_path / "index.db")
    yield ix
    ix.close()


def ids(index: EmbeddedIndex, query: str = "", **kw) -> list[str]:
    return [h.id for h in index.search(SearchRequest(query=query, limit=100, **kw)).hits]


def idset(index: EmbeddedIndex, query: str = "", **kw) -> set[str]:
    return set(ids(index, query, **kw))


# --------------------------------------------------------------------------- basics


def test_it_is_an_index(index):
    assert isinstance(index, Index)


def test_upsert_is_idempotent_by_id_and_the_newest_version_wins(index):
    index.upsert([art("a", "Old headline", "The zeppelin landed.", entities=[ent("Old Person")])])
    index.upsert([art("a", "New headline", "The submarine surfaced.", entities=[ent("New Person")])])
    index.upsert([art("a", "New headline", "The submarine surfaced.", entities=[ent("New Person")])])
    assert index.count() == 1
    assert ids(index, "zeppelin") == []
    assert ids(index, "submarine") == ["a"]
    assert ids(index, entities=["Old Person"]) == []
    assert ids(index, entities=["New Person"]) == ["a"]
    assert index.get("a").title == "New headline"


def test_within_one_batch_the_last_version_of_an_id_wins(index):
    index.upsert([art("a", "first", "alpha"), art("a", "second", "beta")])
    assert index.count() == 1
    assert ids(index, "beta") == ["a"] and ids(index, "alpha") == []


def test_get_returns_the_whole_enriched_article(index):
    original = art("a", "Title", "Body text.", entities=[ent("Vladimir Putin", "PERSON", "Putin", count=3)])
    index.upsert([original])
    assert index.get("a") == original
    assert index.get("missing") is None


# --------------------------------------------------------------------------- full text


@pytest.fixture
def news(index):
    index.upsert([
        art("summit", "Leaders meet", "Kim Jong-un and Vladimir Putin held a summit in Vladivostok on state media."),
        art("sanctions", "Sanctions widen", "The U.S. announced sanctions on Russian banks and state media."),
        art("erdogan", "Turkey votes", "Recep Tayyip Erdoğan won the runoff in Türkiye."),
        art("trade", "Trade talks", "Trade ministers discussed tariffs; media coverage was thin."),
    ])
    return index


def test_bare_words_are_all_required(news):
    assert idset(news, "state media") == {"summit", "sanctions"}
    assert idset(news, "summit media") == {"summit"}


def test_phrases_match_words_in_order(news):
    assert idset(news, '"state media"') == {"summit", "sanctions"}
    assert idset(news, '"media state"') == set()


def test_or_not_and_minus(news):
    assert idset(news, "Vladivostok OR tariffs") == {"summit", "trade"}
    assert idset(news, "media NOT sanctions") == {"summit", "trade"}
    assert idset(news, "media -sanctions -Vladivostok") == {"trade"}
    assert idset(news, "(Vladivostok OR tariffs) AND media") == {"summit", "trade"}


def test_a_query_of_only_exclusions_means_everything_else(news):
    assert idset(news, "-media") == {"erdogan"}


def test_prefix(news):
    assert idset(news, "sanct*") == {"sanctions"}
    assert idset(news, "Vladi*") == {"summit"}


def test_full_text_ignores_diacritics(news):
    assert ids(news, "Erdogan") == ["erdogan"]
    assert ids(news, "Erdoğan") == ["erdogan"]
    assert ids(news, "turkiye") == ["erdogan"]


def test_punctuated_words_find_what_was_written(news):
    assert ids(news, "U.S.") == ["sanctions"]
    assert ids(news, "Jong-un") == ["summit"]
    assert ids(news, "Kim Jong Un") == ["summit"]


def test_a_title_match_ranks_first(index):
    index.upsert([
        art("body", "Weather report", "Rain today. The pipeline protest continued downtown. More rain."),
        art("title", "Pipeline protest grows", "Hundreds gathered on Saturday, organisers said."),
    ])
    hits = index.search(SearchRequest(query="pipeline")).hits
    assert [h.id for h in hits] == ["title", "body"]
    assert hits[0].score > hits[1].score > 0


def test_snippet_marks_matches_in_the_text(news):
    (hit,) = news.search(SearchRequest(query="Vladivostok")).hits
    assert "<mark>Vladivostok</mark>" in hit.snippet


def test_snippet_is_a_window_with_ellipsis_on_long_texts(index):
    words = " ".join(f"w{i}" for i in range(300))
    index.upsert([art("long", "Long", f"{words} needle {words}")])
    (hit,) = index.search(SearchRequest(query="needle")).hits
    assert "<mark>needle</mark>" in hit.snippet and "…" in hit.snippet
    assert len(hit.snippet.split()) <= 32


def test_without_a_query_the_snippet_is_the_start_of_the_text(index):
    index.upsert([art("long", "Long", "Opening words. " + "more text " * 100)])
    (hit,) = index.search(SearchRequest()).hits
    assert hit.snippet.startswith("Opening words.") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 201 and "<mark>" not in hit.snippet
    assert hit.score == 0.0


def test_unbalanced_quotes_are_a_query_error(news):
    with pytest.raises(QueryError, match="never closed"):
        news.search(SearchRequest(query='"state media'))


@pytest.mark.parametrize("query", ["NEAR(a b)", "title:media", "a:b ^c", '"', "(", "*", "-", "OR", "AND NOT", "{x y}", "C++ e-mail"])
def test_odd_input_never_leaks_sqlite_errors(news, query):
    try:
        news.search(SearchRequest(query=query))
    except QueryError:
        pass
    except sqlite3.Error as exc:  # pragma: no cover - this is the failure
        pytest.fail(f"sqlite error leaked for {query!r}: {exc}")


# --------------------------------------------------------------------------- entity filters

PUTIN = ent("Vladimir Putin", "PERSON", "Vladimir Putin", "President Putin", "Putin\u2019s")
KIM = ent("Kim Jong Un", "PERSON", "Kim Jong-un", "Kim Jong-Un")
KIM_YO = ent("Kim Yo Jong", "PERSON", "Kim Yo-jong")
ERDOGAN = ent("Recep Tayyip Erdoğan", "PERSON", "Erdoğan")


@pytest.fixture
def people(index):
    index.upsert([
        art("putin-full", "Putin visits", entities=[PUTIN, ent("Kremlin", "ORG")]),
        art("putin-short", "Putin speaks", entities=[ent("Putin", "PERSON")]),  # only ever says "Putin"
        art("kim", "Kim in Moscow", entities=[KIM, PUTIN]),
        art("kim-yo", "Sister speaks", entities=[KIM_YO]),
        art("erdogan", "Erdogan wins", entities=[ERDOGAN]),
        art("russia", "Russia", entities=[ent("Russia", "GPE")]),
    ])
    return index


@pytest.mark.parametrize("spelling", ["Kim Jong-un", "Kim Jong Un", "KIM JONG-UN", "Kim Jong\u2011Un", "kim jong un"])
def test_entity_filter_ignores_hyphenation_and_case(people, spelling):
    assert idset(people, entities=[spelling]) == {"kim"}


@pytest.mark.parametrize("spelling", ["Putin\u2019s", "Putin's", "President Putin", "President Vladimir Putin", "putin"])
def test_entity_filter_ignores_possessives_and_titles(people, spelling):
    assert {"putin-full", "kim"} <= idset(people, entities=[spelling])


def test_a_surname_finds_the_full_name(people):
    assert idset(people, entities=["Putin"]) == {"putin-full", "putin-short", "kim"}
    assert idset(people, entities=["Erdogan"]) == {"erdogan"}


def test_a_full_name_finds_articles_that_only_use_the_short_form_others_linked_to_it(people):
    assert idset(people, entities=["Vladimir Putin"]) == {"putin-full", "putin-short", "kim"}


def test_short_forms_are_not_linked_without_corpus_evidence(index):
    index.upsert([art("short", entities=[ent("Putin", "PERSON")])])
    assert idset(index, entities=["Vladimir Putin"]) == set()
    index.upsert([art("full", entities=[ent("Vladimir Putin", "PERSON", "Vladimir Putin", "Putin")])])
    assert idset(index, entities=["Vladimir Putin"]) == {"short", "full"}


def test_entity_filter_ignores_diacritics(people):
    assert idset(people, entities=["Recep Tayyip Erdogan"]) == {"erdogan"}
    assert idset(people, entities=["Erdoğan"]) == {"erdogan"}


def test_kim_jong_un_is_not_kim_yo_jong(people):
    assert "kim-yo" not in idset(people, entities=["Kim Jong Un"])
    assert idset(people, entities=["Kim Yo-jong"]) == {"kim-yo"}


def test_several_entity_filters_must_all_match(people):
    assert idset(people, entities=["Kim Jong-un", "Putin"]) == {"kim"}
    assert idset(people, entities=["Kim Yo Jong", "Putin"]) == set()


def test_label_restricts_the_entity_filter(index):
    index.upsert([
        art("person", entities=[ent("Georgia Smith", "PERSON"), ent("Georgia", "PERSON")]),
        art("place", entities=[ent("Georgia", "GPE")]),
    ])
    assert idset(index, entities=["Georgia"]) == {"person", "place"}
    assert idset(index, entities=["Georgia"], label="GPE") == {"place"}
    assert idset(index, entities=["Georgia"], label="person") == {"person"}


def test_label_alone_requires_an_entity_of_that_label(people):
    assert idset(people, label="GPE") == {"russia"}
    assert idset(people, label="ORG") == {"putin-full"}


def test_entity_filter_combines_with_full_text(people):
    assert ids(people, "Moscow", entities=["Putin"]) == ["kim"]


def test_an_entity_filter_without_letters_is_a_query_error(people):
    with pytest.raises(QueryError):
        people.search(SearchRequest(entities=["--"]))


# --------------------------------------------------------------------------- source and dates


def test_source_filter_is_exact_and_case_insensitive_and_accepts_www(index):
    index.upsert([art("a", source="www.bbc.co.uk"), art("b", source="bbc.com"), art("c", source="edition.bbc.co.uk")])
    assert idset(index, source="bbc.co.uk") == {"a"}
    assert idset(index, source="WWW.BBC.CO.UK") == {"a"}
    assert idset(index, source="https://www.bbc.co.uk/news") == {"a"}
    assert idset(index, source="bbc") == set()


def test_date_range_includes_the_whole_until_day_and_drops_undated_articles(index):
    index.upsert([
        art("apr30", published="2024-04-30T23:59:00Z"),
        art("may1-early", published="2024-05-01T00:00:00Z"),
        art("may1-late", published="2024-05-01T23:59:59Z"),
        art("may2", published="2024-05-02T00:00:00Z"),
        art("undated", published=None),
    ])
    got = idset(index, since=parse_date("2024-05-01"), until=parse_date("2024-05-01", end=True))
    assert got == {"may1-early", "may1-late"}
    assert idset(index, since=parse_date("2024-05-01")) == {"may1-early", "may1-late", "may2"}
    assert idset(index, until=parse_date("2024-04-30", end=True)) == {"apr30"}
    assert len(idset(index)) == 5


def test_without_a_query_newest_first_then_undated_then_by_id(index):
    index.upsert([
        art("b-undated", published=None), art("old", published="2023-01-01T00:00:00Z"),
        art("new", published="2024-06-01T00:00:00Z"), art("a-undated", published=None),
        art("mid", published="2024-01-01T00:00:00+02:00"),
    ])
    assert ids(index) == ["new", "mid", "old", "a-undated", "b-undated"]


def test_paging_with_offset_and_limit(index):
    index.upsert([art(f"a{i}", published=f"2024-05-{i + 1:02d}T00:00:00Z") for i in range(5)])
    result = index.search(SearchRequest(limit=2, offset=2))
    assert result.total == 5
    assert [h.id for h in result.hits] == ["a2", "a1"]


# --------------------------------------------------------------------------- hits and facets


def test_hits_carry_metadata_and_top_entities_by_salience(index):
    entities = [ent(f"Person {chr(65 + i)}", salience=i / 20) for i in range(15)]
    index.upsert([art("a", "Title", "Text", source="example.org", entities=entities, story="s1")])
    (hit,) = index.search(SearchRequest()).hits
    assert (hit.url, hit.title, hit.source, hit.story_id) == ("https://example.org/a", "Title", "example.org", "s1")
    assert hit.published_at == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert len(hit.entities) == 10
    assert hit.entities[0].name == "Person O" and hit.entities[0].label == "PERSON"


def test_facets_count_all_matches_not_just_the_page_and_group_spellings_by_key(index):
    index.upsert([
        art("1", "war", source="a.com", entities=[ent("Kim Jong Un"), ent("Russia", "GPE")]),
        art("2", "war", source="a.com", entities=[ent("Kim Jong Un")]),
        art("3", "war", source="www.b.com", entities=[ent("Kim Jong-un"), ent("NATO", "ORG")]),
        art("4", "war", source="b.com", entities=[ent("Vladimir Putin")]),
        art("5", "peace", source="c.com", entities=[ent("Joe Biden")]),
    ])
    result = index.search(SearchRequest(query="war", limit=1))
    assert result.total == 4 and len(result.hits) == 1
    assert [(v.name, v.count) for v in result.facets["PERSON"]] == [("Kim Jong Un", 3), ("Vladimir Putin", 1)]
    assert [(v.name, v.count) for v in result.facets["ORG"]] == [("NATO", 1)]
    assert [(v.name, v.count) for v in result.facets["GPE"]] == [("Russia", 1)]
    assert sorted((v.name, v.count) for v in result.facets["source"]) == [("a.com", 2), ("b.com", 2)]


def test_facets_always_include_the_standard_labels_and_respect_facet_size(index):
    index.upsert([art(str(i), "x", entities=[ent(f"Person {i}"), ent("Apple", "PRODUCT")]) for i in range(5)])
    result = index.search(SearchRequest(query="x", facet_size=2))
    assert list(result.facets)[:3] == list(FACET_LABELS)
    assert result.facets["ORG"] == [] and result.facets["GPE"] == []
    assert len(result.facets["PERSON"]) == 2
    assert [(v.name, v.count) for v in result.facets["PRODUCT"]] == [("Apple", 5)]
    empty = index.search(SearchRequest(query="nothingmatches"))
    assert empty.total == 0 and set(FACET_LABELS) <= set(empty.facets)


def test_entity_names_for_autocomplete(people):
    names = {(v.name, v.count) for v in people.entity_names("put")}
    assert ("Vladimir Putin", 2) in names and ("Putin", 1) in names
    assert [v.name for v in people.entity_names("kim", limit=1)] in (["Kim Jong Un"], ["Kim Yo Jong"])
    assert [v.name for v in people.entity_names("russ", label="GPE")] == ["Russia"]
    assert people.entity_names("russ", label="PERSON") == []


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
