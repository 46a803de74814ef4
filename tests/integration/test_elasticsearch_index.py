"""The Elasticsearch index against a real node: the search contract of the embedded index.

The behaviour tests are written once and run on both backends (``backend`` fixture), with the
fixture corpus and assertions of tests/unit/test_index_embedded.py. ``test_parity_*`` builds one
corpus in both and compares the answers to a table of requests. Every test works behind its own
alias (``test-<uuid>``: template ``<alias>-template``, index ``<alias>-v1``) and deletes it after.

Known difference, asserted rather than hidden: full text on Elasticsearch does not fold
diacritics (the minimal node has no ``asciifolding``), so ``Erdogan`` does not find a text that
only says ``Erdoğan``; entity filters fold on both backends (enrich writes folded keys).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from index.elasticsearch import ElasticsearchIndex, entity_docs
from index.embedded import EmbeddedIndex, entity_rows
from newsflow.config import Settings
from newsflow.contracts import EnrichedArticle, Entity, content_hash
from newsflow.names import fold
from newsflow.search import FACET_LABELS, Index, QueryError, RejectedArticles, SearchRequest, parse_date

pytestmark = pytest.mark.integration


# --------------------------------------------------------------------------- fixtures (as in the unit tests)


def ent(name: str, label: str = "PERSON", *surface: str, count: int = 1, salience: float = 0.5) -> Entity:
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


PUTIN = ent("Vladimir Putin", "PERSON", "Vladimir Putin", "President Putin", "Putin\u2019s")
KIM = ent("Kim Jong Un", "PERSON", "Kim Jong-un", "Kim Jong-Un")
KIM_YO = ent("Kim Yo Jong", "PERSON", "Kim Yo-jong")
ERDOGAN = ent("Recep Tayyip Erdoğan", "PERSON", "Erdoğan")


def es_settings(url: str) -> Settings:
    return Settings(index="elasticsearch", es_url=url, es_alias=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def es_index(elasticsearch_url):
    ix = ElasticsearchIndex(es_settings(elasticsearch_url))
    yield ix
    ix.drop()
    ix.close()


@pytest.fixture(params=["embedded", "elasticsearch"])
def index(request, tmp_path):
    if request.param == "embedded":
        ix = EmbeddedIndex(tmp_path / "index.db")
        yield ix
        ix.close()
    else:
        yield request.getfixturevalue("es_index")


def is_es(index) -> bool:
    return isinstance(index, ElasticsearchIndex)


def ids(index, query: str = "", **kw) -> list[str]:
    return [h.id for h in index.search(SearchRequest(query=query, limit=100, **kw)).hits]


def idset(index, query: str = "", **kw) -> set[str]:
    return set(ids(index, query, **kw))


# --------------------------------------------------------------------------- Elasticsearch specifics


def test_template_index_and_alias_are_created_on_first_write(es_index):
    client = es_index.client
    assert not client.indices.exists_alias(name=es_index.alias)
    assert es_index.count() == 0 and es_index.search(SearchRequest(query="x")).total == 0
    es_index.upsert([art("a", "hello")])
    assert client.indices.exists_index_template(name=es_index.template_name)
    assert list(client.indices.get_alias(name=es_index.alias)) == [es_index.index_name]
    mapping = client.indices.get_mapping(index=es_index.index_name)[es_index.index_name]["mappings"]
    assert mapping["properties"]["entity_rows"]["type"] == "nested"
    assert mapping["properties"]["source_key"]["normalizer"] == "lowercase"
    assert es_index.health() in ("green", "yellow")


def test_a_readonly_index_never_creates_and_reads_what_a_writer_wrote(elasticsearch_url):
    settings = es_settings(elasticsearch_url)
    reader = ElasticsearchIndex(settings, readonly=True)
    writer = ElasticsearchIndex(settings)
    try:
        result = reader.search(SearchRequest(query="putin", entities=["Putin"]))
        assert result.total == 0 and result.hits == [] and set(FACET_LABELS) <= set(result.facets)
        assert reader.count() == 0 and reader.get("a") is None
        assert reader.entity_names("p") == []
        assert not reader.client.indices.exists_alias(name=settings.es_alias)
        with pytest.raises(PermissionError):
            reader.upsert([art("c")])
        writer.upsert([art("a", "hello world")])
        assert ids(reader, "hello") == ["a"]
    finally:
        writer.drop()
        reader.close()
        writer.close()


def test_a_document_the_mapping_rejects_is_reported_for_good_and_the_rest_is_indexed(es_index):
    bad = art("bad", "bad", story="x" * 40_000)  # a keyword term over Lucene's 32 KB limit
    with pytest.raises(RejectedArticles, match="refused 1 of 2 articles") as info:
        es_index.upsert([art("good", "good"), bad])
    assert [aid for aid, _ in info.value.errors] == ["bad"]
    assert es_index.count() == 1 and es_index.get("good") is not None


def test_a_huge_text_is_searched_and_highlighted(es_index):
    es_index.upsert([art("huge", "Huge", "needle " + "filler " * 200_000 + "haystack"), art("small", "Small", "needle")])
    hits = es_index.search(SearchRequest(query="needle")).hits
    assert {h.id for h in hits} == {"huge", "small"} and all("<mark>needle</mark>" in h.snippet for h in hits)
    assert [h.id for h in es_index.search(SearchRequest(query="haystack")).hits] == ["huge"]


def test_deep_paging_is_a_query_error(es_index):
    es_index.upsert([art("a")])
    with pytest.raises(QueryError, match="beyond"):
        es_index.search(SearchRequest(offset=9_999, limit=10))


# --------------------------------------------------------------------------- basics (both backends)


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


NEWS = [
    art("summit", "Leaders meet", "Kim Jong-un and Vladimir Putin held a summit in Vladivostok on state media."),
    art("sanctions", "Sanctions widen", "The U.S. announced sanctions on Russian banks and state media."),
    art("erdogan", "Turkey votes", "Recep Tayyip Erdoğan won the runoff in Türkiye."),
    art("trade", "Trade talks", "Trade ministers discussed tariffs; media coverage was thin."),
]


@pytest.fixture
def news(index):
    index.upsert(NEWS)
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
    (hit,) = news.search(SearchRequest(query="-media")).hits
    assert hit.score == 0.0 and "<mark>" not in hit.snippet


def test_prefix(news):
    assert idset(news, "sanct*") == {"sanctions"}
    assert idset(news, "Vladi*") == {"summit"}
    assert idset(news, "Jong-u*") == {"summit"}


def test_full_text_diacritics(news):
    assert ids(news, "Erdoğan") == ["erdogan"]
    if is_es(news):  # no asciifolding on the server-core mapping: the written form only
        assert ids(news, "Erdogan") == [] and ids(news, "turkiye") == []
        assert ids(news, "Türkiye") == ["erdogan"]
    else:
        assert ids(news, "Erdogan") == ["erdogan"] and ids(news, "turkiye") == ["erdogan"]


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
    (hit,) = news.search(SearchRequest(query='"Vladimir Putin"')).hits
    assert "Vladimir" in hit.snippet and "<mark>" in hit.snippet


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


def test_exclusions_as_alternatives_are_refused_like_the_embedded_index(news):
    with pytest.raises(QueryError, match="alternative"):
        news.search(SearchRequest(query="media OR -trade"))


@pytest.mark.parametrize("query", ["NEAR(a b)", "title:media", "a:b ^c", '"', "(", "*", "-", "OR", "AND NOT", "{x y}",
                                   "C++ e-mail", "_", "a*b*", "\\", "text:[a TO z]", "é*"])
def test_odd_input_is_searched_or_refused_never_a_client_error(news, query):
    try:
        news.search(SearchRequest(query=query))
    except QueryError:
        pass


# --------------------------------------------------------------------------- entity filters

PEOPLE = [
    art("putin-full", "Putin visits", entities=[PUTIN, ent("Kremlin", "ORG")]),
    art("putin-short", "Putin speaks", entities=[ent("Putin", "PERSON")]),  # only ever says "Putin"
    art("kim", "Kim in Moscow", entities=[KIM, PUTIN]),
    art("kim-yo", "Sister speaks", entities=[KIM_YO]),
    art("erdogan-p", "Erdogan wins", entities=[ERDOGAN]),
    art("russia", "Russia", entities=[ent("Russia", "GPE")]),
]


@pytest.fixture
def people(index):
    index.upsert(PEOPLE)
    return index


@pytest.mark.parametrize("spelling", ["Kim Jong-un", "Kim Jong Un", "KIM JONG-UN", "Kim Jong\u2011Un", "kim jong un"])
def test_entity_filter_ignores_hyphenation_and_case(people, spelling):
    assert idset(people, entities=[spelling]) == {"kim"}


@pytest.mark.parametrize("spelling", ["Putin\u2019s", "Putin's", "President Putin", "President Vladimir Putin", "putin"])
def test_entity_filter_ignores_possessives_and_titles(people, spelling):
    assert {"putin-full", "kim"} <= idset(people, entities=[spelling])


def test_a_surname_finds_the_full_name(people):
    assert idset(people, entities=["Putin"]) == {"putin-full", "putin-short", "kim"}
    assert idset(people, entities=["Erdogan"]) == {"erdogan-p"}


def test_a_full_name_finds_articles_that_only_use_the_short_form_others_linked_to_it(people):
    assert idset(people, entities=["Vladimir Putin"]) == {"putin-full", "putin-short", "kim"}


def test_short_forms_are_not_linked_without_corpus_evidence(index):
    index.upsert([art("short", entities=[ent("Putin", "PERSON")])])
    assert idset(index, entities=["Vladimir Putin"]) == set()
    index.upsert([art("full", entities=[ent("Vladimir Putin", "PERSON", "Vladimir Putin", "Putin")])])
    assert idset(index, entities=["Vladimir Putin"]) == {"short", "full"}


def test_entity_filter_ignores_diacritics(people):
    assert idset(people, entities=["Recep Tayyip Erdogan"]) == {"erdogan-p"}
    assert idset(people, entities=["Erdoğan"]) == {"erdogan-p"}


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


DATED = [
    art("apr30", published="2024-04-30T23:59:00Z"),
    art("may1-early", published="2024-05-01T00:00:00Z"),
    art("may1-late", published="2024-05-01T23:59:59Z"),
    art("may2", published="2024-05-02T00:00:00Z"),
    art("undated", published=None),
]


def test_date_range_includes_the_whole_until_day_and_drops_undated_articles(index):
    index.upsert(DATED)
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


FACETED = [
    art("1", "war", source="a.com", entities=[ent("Kim Jong Un"), ent("Russia", "GPE")]),
    art("2", "war", source="a.com", entities=[ent("Kim Jong Un")]),
    art("3", "war", source="www.b.com", entities=[ent("Kim Jong-un"), ent("NATO", "ORG")]),
    art("4", "war", source="b.com", entities=[ent("Vladimir Putin")]),
    art("5", "peace", source="c.com", entities=[ent("Joe Biden")]),
]


def test_facets_count_all_matches_not_just_the_page_and_group_spellings_by_key(index):
    index.upsert(FACETED)
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


# --------------------------------------------------------------------------- parity: one corpus, both backends

CORPUS = NEWS + PEOPLE + DATED + FACETED + [
    art("body", "Weather report", "Rain today. The pipeline protest continued downtown. More rain.", source="www.b.com"),
    art("title", "Pipeline protest grows", "Hundreds gathered on Saturday, organisers said.", source="c.com"),
    art("georgia-p", "Georgia", "Georgia Smith spoke.", entities=[ent("Georgia Smith", "PERSON"), ent("Georgia", "PERSON")]),
    art("georgia-g", "Georgia", "Georgia voted.", entities=[ent("Georgia", "GPE")]),
    art("long-mid", "Long", " ".join(f"w{i}" for i in range(300)) + " needle " + " ".join(f"v{i}" for i in range(300))),
    art("long-start", "Long", "Start needle here. " + " ".join(f"w{i}" for i in range(300))),
    art("long-end", "Long", " ".join(f"w{i}" for i in range(300)) + " end needle"),
]

PARITY_REQUESTS = [
    SearchRequest(),
    SearchRequest(query="state media"),
    SearchRequest(query='"state media"'),
    SearchRequest(query="media -sanctions"),
    SearchRequest(query="-media"),
    SearchRequest(query="NOT war NOT peace"),
    SearchRequest(query="Vladivostok OR tariffs OR pipeline"),
    SearchRequest(query="(Vladivostok OR tariffs) AND media"),
    SearchRequest(query="sanct* OR Vladi* OR pipe*"),
    SearchRequest(query="U.S. OR Jong-un"),
    SearchRequest(query="war"),
    SearchRequest(query="war", limit=2, offset=1),
    SearchRequest(query="Georgia"),
    SearchRequest(query="needle"),
    SearchRequest(query='"protest continued" OR "Saturday organisers"'),
    SearchRequest(entities=["Putin"]),
    SearchRequest(entities=["Vladimir Putin"]),
    SearchRequest(entities=["Kim Jong-un"]),
    SearchRequest(entities=["Kim Yo-jong"]),
    SearchRequest(entities=["Kim Jong Un", "Putin"]),
    SearchRequest(entities=["Erdogan"]),
    SearchRequest(entities=["Georgia"]),
    SearchRequest(entities=["Georgia"], label="GPE"),
    SearchRequest(entities=["Georgia"], label="PERSON"),
    SearchRequest(label="ORG"),
    SearchRequest(label="PERSON", facet_size=3),
    SearchRequest(query="war", entities=["Kim Jong Un"]),
    SearchRequest(source="b.com"),
    SearchRequest(source="https://www.a.com/x", query="war"),
    SearchRequest(since=parse_date("2024-05-01"), until=parse_date("2024-05-01", end=True)),
    SearchRequest(until=parse_date("2024-04-30", end=True)),
    SearchRequest(query="nothingmatches"),
]


@pytest.fixture(scope="module")
def both(tmp_path_factory, elasticsearch_url):
    embedded = EmbeddedIndex(tmp_path_factory.mktemp("parity") / "index.db")
    es = ElasticsearchIndex(es_settings(elasticsearch_url))
    embedded.upsert(CORPUS)
    es.upsert(CORPUS)
    yield embedded, es
    es.drop()
    es.close()
    embedded.close()


@pytest.mark.parametrize("request_", PARITY_REQUESTS, ids=lambda r: r.model_dump_json(exclude_defaults=True))
def test_parity_same_totals_hits_and_facets(both, request_):
    embedded, es = both
    want, got = embedded.search(request_), es.search(request_)
    assert got.total == want.total
    if request_.offset or request_.limit < want.total:  # a page of a ranked list: same size
        assert len(got.hits) == len(want.hits)
    else:
        assert {h.id for h in got.hits} == {h.id for h in want.hits}
    if not request_.query or request_.query.startswith(("-", "NOT")):  # no scores: a deterministic order
        assert [h.id for h in got.hits] == [h.id for h in want.hits]
        assert [h.snippet for h in got.hits] == [h.snippet for h in want.hits]
    by_id = {h.id: h for h in want.hits}
    for h in got.hits:
        if h.id in by_id:
            w = by_id[h.id]
            assert (h.url, h.title, h.source, h.published_at, h.story_id, h.entities, h.snippet) == \
                   (w.url, w.title, w.source, w.published_at, w.story_id, w.entities, w.snippet)
    assert got.facets == want.facets


@pytest.mark.parametrize("prefix,label,limit", [("put", None, 10), ("kim", None, 1), ("kim", None, 10), ("russ", "GPE", 10),
                                                ("russ", "PERSON", 10), ("", None, 5), ("erdo", None, 10), ("g", None, 10)])
def test_parity_entity_names_for_autocomplete(both, prefix, label, limit):
    embedded, es = both
    assert es.entity_names(prefix, label=label, limit=limit) == embedded.entity_names(prefix, label=label, limit=limit)


def test_entity_rows_are_the_embedded_index_rows():
    for article in CORPUS + [art("merge", entities=[ent("Kim Jong Un", count=2, salience=0.9),
                                                    ent("Kim Jong-un", "PERSON", "Kim", count=3, salience=0.2)])]:
        rows = [(0, r["label"], r["key"], r["name"], r["count"], r["salience"], r["kind"], r["entity_key"])
                for r in entity_docs(article.entities)]
        assert rows == entity_rows(0, article.entities)


def test_parity_count_and_get(both):
    embedded, es = both
    assert es.count() == embedded.count() == len({a.id for a in CORPUS})
    for a in CORPUS[:5]:
        assert es.get(a.id) == embedded.get(a.id)
