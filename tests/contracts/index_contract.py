"""The index contract, written once: what every backend of ``newsflow.core.search.Index`` answers.

``IndexContract`` holds the tests; a backend's test module subclasses it and supplies
``open_index(request, path)`` (a fresh, empty index, closed or dropped at teardown by
finalizers on ``request``) and ``FOLDS_EXACT_WORDS``. The embedded index (SQLite FTS5) runs it
in the unit tier on every ``make unit`` (tests/unit/test_index_contract_embedded.py),
Elasticsearch in the integration tier against the real node
(tests/integration/test_index_contract.py, beside the parity tests that compare both backends'
answers request by request).

``HIT_SETS`` is the table: the fixture corpus (tests/index_corpus.py) loaded once per backend,
a request, the articles it must find; ``msearch`` must answer the whole table in one call.

Backend-specific behaviour stays beside its backend: tests/unit/test_index_embedded.py (read-only
files, SQLite errors, diacritic folding of full text) and tests/integration/test_elasticsearch_index.py
(template and alias, mapping rejections, huge texts, deep paging). Known difference, asserted
rather than hidden (``FOLDS_EXACT_WORDS``): exact phrases and prefixes on Elasticsearch do not
fold diacritics (the minimal node has no ``asciifolding``); words fold on both backends
(newsflow's analysis writes folded stems) and so do entity filters (enrich writes folded keys).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from index_corpus import CORPUS, FACETED, NEWS, PEOPLE, art, ent
from newsflow.core.contracts import EnrichedArticle
from newsflow.core.search import FACET_LABELS, Index, QueryError, SearchRequest, parse_date


def ids(index, query: str = "", **kw) -> list[str]:
    return [h.id for h in index.search(SearchRequest(query=query, **{"limit": 100, **kw})).hits]


def idset(index, query: str = "", **kw) -> set[str]:
    return set(ids(index, query, **kw))


# what odd input does: the articles of NEWS it finds, or the QueryError it is refused with
FOLDED = object()  # {"erdogan"} where exact words fold diacritics, nothing where they do not
ODD_INPUT: list[tuple[str, set[str] | str | object]] = [
    ("NEAR(a b)", set()),  # three words, not FTS5's NEAR
    ("title:media", set()),
    ("a:b ^c", "unknown field 'a'"),
    ('"', "never closed"),
    ("(", "never closed"),
    ("*", "cannot stand alone"),
    ("-", "nothing follows it"),
    ("OR", "OR needs something on its left"),
    ("AND NOT", "AND needs something on both sides"),
    ("{x y}", set()),
    ("C++ e-mail", set()),
    ("_", {a.id for a in NEWS}),  # no word in it: everything
    ("a*b*", set()),
    ("\\", {a.id for a in NEWS}),
    ("text:[a TO z]", "unknown field 'text'"),
    ("é*", FOLDED),
]


ALL = {a.id for a in CORPUS}


HIT_SETS: list[tuple[SearchRequest, set[str]]] = [
    # full text: bare words all required, phrases, OR / NOT / -, groups, prefixes, punctuated words
    (SearchRequest(query="state media"), {"summit", "sanctions"}),
    (SearchRequest(query="summit media"), {"summit"}),
    (SearchRequest(query='"state media"'), {"summit", "sanctions"}),
    (SearchRequest(query='"media state"'), set()),
    (SearchRequest(query="media NOT sanctions"), {"summit", "trade"}),
    (SearchRequest(query="media -sanctions -Vladivostok"), {"trade"}),
    (SearchRequest(query="-media"), ALL - {"summit", "sanctions", "trade"}),
    (SearchRequest(query="Vladivostok OR tariffs"), {"summit", "trade"}),
    (SearchRequest(query="Vladivostok OR tariffs OR pipeline"), {"summit", "trade", "body", "title"}),
    (SearchRequest(query="(Vladivostok OR tariffs) AND media"), {"summit", "trade"}),
    (SearchRequest(query="sanct*"), {"sanctions"}),
    (SearchRequest(query="Vladi*"), {"summit"}),
    (SearchRequest(query="sanct* OR Vladi*"), {"sanctions", "summit"}),
    (SearchRequest(query="Jong-u*"), {"summit"}),
    (SearchRequest(query="U.S."), {"sanctions"}),
    (SearchRequest(query="Jong-un"), {"summit"}),
    (SearchRequest(query="Kim Jong Un"), {"summit"}),
    (SearchRequest(query="war"), {"1", "2", "3", "4"}),
    (SearchRequest(query="needle"), {"long-mid", "long-start", "long-end"}),
    (SearchRequest(query='"protest continued" OR "Saturday organisers"'), {"body", "title"}),
    (SearchRequest(query="nothingmatches"), set()),
    # entity filters: any spelling, a surname finds the full name, a full name finds the short
    # form other articles linked to it, several must all match, a label restricts them
    (SearchRequest(entities=["Putin"]), {"putin-full", "putin-short", "kim", "4"}),
    (SearchRequest(entities=["Vladimir Putin"]), {"putin-full", "putin-short", "kim", "4"}),
    (SearchRequest(entities=["President Vladimir Putin"]), {"putin-full", "putin-short", "kim", "4"}),
    (SearchRequest(entities=["KIM JONG-UN"]), {"kim", "1", "2", "3"}),
    (SearchRequest(entities=["Kim Yo-jong"]), {"kim-yo"}),
    (SearchRequest(entities=["Kim Jong Un", "Putin"]), {"kim"}),
    (SearchRequest(entities=["Kim Yo Jong", "Putin"]), set()),
    (SearchRequest(entities=["Erdogan"]), {"erdogan-p"}),
    (SearchRequest(entities=["Erdoğan"]), {"erdogan-p"}),
    (SearchRequest(entities=["Recep Tayyip Erdogan"]), {"erdogan-p"}),
    (SearchRequest(entities=["Georgia"]), {"georgia-p", "georgia-g"}),
    (SearchRequest(entities=["Georgia"], label="GPE"), {"georgia-g"}),
    (SearchRequest(entities=["Georgia"], label="person"), {"georgia-p"}),
    (SearchRequest(label="ORG"), {"putin-full", "3"}),
    (SearchRequest(label="GPE"), {"russia", "1", "georgia-g"}),
    (SearchRequest(query="Moscow", entities=["Putin"]), {"kim"}),
    (SearchRequest(query="war", entities=["Kim Jong Un"]), {"1", "2", "3"}),
    # source: exact host, any case, www. and URLs accepted; dates: the whole until-day, undated dropped
    (SearchRequest(source="b.com"), {"3", "4", "body"}),
    (SearchRequest(source="WWW.B.COM"), {"3", "4", "body"}),
    (SearchRequest(source="https://www.a.com/x", query="war"), {"1", "2"}),
    (SearchRequest(source="b"), set()),
    (SearchRequest(until=parse_date("2024-04-30", end=True)), {"apr30"}),
    (SearchRequest(since=parse_date("2024-05-02")), {"may2"}),
    (SearchRequest(since=parse_date("2024-05-01"), until=parse_date("2024-05-01", end=True)),
     ALL - {"apr30", "may2", "undated"}),
]


INFLECTED = [
    art("missiles", "Missiles fired", "North Korea fired two missiles on Monday.", published="2024-05-03T08:00:00Z",
        source="a.com"),
    art("missile", "A missile test", "The missile flew east. Putin's envoy said nothing.", published="2024-05-01T08:00:00Z",
        source="b.com"),
    art("sanctioned", "Banks sanctioned", "Washington sanctioned three banks; the sanction list grows.",
        published="2024-05-02T08:00:00Z", source="www.a.com"),
    art("korea", "Korea report", "South Korea and north korea met. Putin spoke.", published=None, source="c.com"),
    EnrichedArticle.model_validate({**art("de", "Häuser brennen", "Zwei Häuser brannten in Berlin.",
                                           published="2024-05-04T08:00:00Z").model_dump(), "language": "de",
                                    "authors": ["Jürgen Müller"]}),
]



class IndexContract:
    """Tests every Index backend passes; subclass with ``open_index`` and ``FOLDS_EXACT_WORDS``."""

    #: exact phrases and prefixes ignore diacritics ("Erdogan won" finds "Erdoğan won")
    FOLDS_EXACT_WORDS = True

    @classmethod
    def open_index(cls, request, path) -> Index:
        """A fresh, empty index of the backend under test, closed (and dropped) at ``request``'s teardown."""
        raise NotImplementedError

    @pytest.fixture
    def index(self, request, tmp_path):
        return self.open_index(request, tmp_path)

    @pytest.fixture(scope="class")
    @classmethod
    def corpus(cls, request, tmp_path_factory):
        ix = cls.open_index(request, tmp_path_factory.mktemp("corpus"))
        ix.upsert(CORPUS)
        return ix

    def test_every_method_of_the_protocol_answers(self, index):
        assert isinstance(index, Index)
        assert index.count() == 0 and index.get("a") is None and index.story("s") == []
        assert index.entity_names("port") == [] and index.msearch([]) == []
        assert list(index.export(SearchRequest())) == []
        a = art("a", "Harbour reopens", "The harbour reopened on Monday.", entities=[ent("Port Authority", "ORG")], story="s")
        index.upsert([a])
        assert index.count() == 1 and index.get("a") == a and index.story("s") == [a]
        assert ids(index, "harbour") == ["a"]
        assert [r.total for r in index.msearch([SearchRequest(query="harbour"), SearchRequest(query="airport")])] == [1, 0]
        assert [h.id for h in index.export(SearchRequest(query="harbour"))] == ["a"]
        assert [(v.name, v.count) for v in index.entity_names("port")] == [("Port Authority", 1)]

    def test_preparing_ahead_is_idempotent_and_leaves_the_index_usable(self, index):
        index.ensure()
        index.ensure()
        assert index.count() == 0
        index.upsert([art("a", "Harbour reopens", "The harbour reopened on Monday.")])
        index.ensure()  # after a write too: nothing recreated, nothing lost
        assert index.count() == 1 and ids(index, "harbour") == ["a"]

    @pytest.mark.parametrize("query,want", ODD_INPUT, ids=[q for q, _ in ODD_INPUT])
    def test_odd_input_is_searched_or_refused_with_a_message(self, news, query, want):
        """Never a client or SQLite error: any exception but ``QueryError`` fails the test."""
        if isinstance(want, str):
            with pytest.raises(QueryError, match=want):
                news.search(SearchRequest(query=query))
            return
        if want is FOLDED:
            want = {"erdogan"} if self.FOLDS_EXACT_WORDS else set()
        assert idset(news, query) == want

    # ---------------------------------------------------------------------- msearch

    def test_msearch_answers_the_whole_table_in_one_call(self, corpus):
        results = corpus.msearch([r.model_copy(update={"limit": 100}) for r, _ in HIT_SETS])
        assert [{h.id for h in r.hits} for r in results] == [want for _, want in HIT_SETS]
        assert [r.total for r in results] == [len(want) for _, want in HIT_SETS]

    @pytest.mark.parametrize("request_", [
        SearchRequest(query="war", limit=2),
        SearchRequest(query="war", entities=["Kim Jong Un"], facet_size=2),
        SearchRequest(query="media", sort="oldest", histogram="day"),
        SearchRequest(label="PERSON", offset=2, limit=3),
        SearchRequest(query="war", ids=["1", "3", "summit"]),
        SearchRequest(entities=["Putin"], min_salience=0.5),
        SearchRequest(query="nothingmatches"),
    ], ids=lambda r: r.model_dump_json(exclude_defaults=True))
    def test_msearch_answers_each_request_as_search_does(self, corpus, request_):
        other = SearchRequest(query="Vladivostok")
        got, _ = corpus.msearch([request_, other])
        assert got == corpus.search(request_)

    def test_msearch_keeps_the_order_of_the_requests_and_restricts_to_ids(self, corpus):
        requests = [SearchRequest(query="war", ids=["2", "4", "summit"]), SearchRequest(query="nothingmatches"),
                    SearchRequest(entities=["Kim Jong-un"], ids=[]), SearchRequest(query="war")]
        assert [r.total for r in corpus.msearch(requests)] == [2, 0, 0, 4]
        assert [r.total for r in corpus.msearch(requests[::-1])] == [4, 0, 0, 2]

    def test_msearch_refuses_a_query_error_in_any_request(self, corpus):
        with pytest.raises(QueryError, match="never closed"):
            corpus.msearch([SearchRequest(query="war"), SearchRequest(query='"state media')])

    def test_msearch_on_an_empty_index_answers_empty_results_with_the_standard_facets(self, index):
        results = index.msearch([SearchRequest(query="war"), SearchRequest(entities=["Putin"])])
        assert [r.total for r in results] == [0, 0] and all(r.hits == [] for r in results)
        assert all(set(FACET_LABELS) <= set(r.facets) for r in results)

    # ---------------------------------------------------------------------- story

    def test_a_story_lists_its_articles_first_published_first_undated_last_then_by_id(self, index):
        index.upsert([
            art("late", published="2024-05-03T00:00:00Z", story="s1"), art("b-undated", published=None, story="s1"),
            art("early", published="2024-05-01T00:00:00Z", story="s1"), art("a-undated", published=None, story="s1"),
            art("same-b", published="2024-05-02T00:00:00Z", story="s1"),
            art("same-a", published="2024-05-02T00:00:00+00:00", story="s1"),
            art("elsewhere", published="2024-04-01T00:00:00Z", story="s2"),
        ])
        assert [a.id for a in index.story("s1")] == ["early", "same-a", "same-b", "late", "a-undated", "b-undated"]
        assert [a.id for a in index.story("s1", limit=2)] == ["early", "same-a"]
        assert index.story("s1", limit=0) == []
        assert [a.id for a in index.story("s2")] == ["elsewhere"]
        assert index.story("unknown") == [] and index.story("") == []

    def test_a_story_holds_whole_articles_and_follows_an_article_to_its_new_story(self, index):
        original = art("a", "Title", "Body text.", entities=[ent("Vladimir Putin", "PERSON", "Putin", count=3)], story="s1")
        index.upsert([original, art("b", "Other", story="s1")])
        assert index.story("s1") == [original, index.get("b")]
        index.upsert([art("b", "Other", story="s2")])  # re-enriched into another story
        assert [a.id for a in index.story("s1")] == ["a"]
        assert [a.id for a in index.story("s2")] == ["b"]


    @pytest.fixture
    def news(self, index):
        index.upsert(NEWS)
        return index

    @pytest.fixture
    def people(self, index):
        index.upsert(PEOPLE)
        return index

    # ---------------------------------------------------------------------- basics

    def test_upsert_is_idempotent_by_id_and_the_newest_version_wins(self, index):
        index.upsert([art("a", "Old headline", "The zeppelin landed.", entities=[ent("Old Person")])])
        index.upsert([art("a", "New headline", "The submarine surfaced.", entities=[ent("New Person")])])
        index.upsert([art("a", "New headline", "The submarine surfaced.", entities=[ent("New Person")])])
        assert index.count() == 1
        assert ids(index, "zeppelin") == []
        assert ids(index, "submarine") == ["a"]
        assert ids(index, entities=["Old Person"]) == []
        assert ids(index, entities=["New Person"]) == ["a"]
        assert index.get("a").title == "New headline"

    def test_within_one_batch_the_last_version_of_an_id_wins(self, index):
        index.upsert([art("a", "first", "alpha"), art("a", "second", "beta")])
        assert index.count() == 1
        assert ids(index, "beta") == ["a"] and ids(index, "alpha") == []

    def test_get_returns_the_whole_enriched_article(self, index):
        original = art("a", "Title", "Body text.", entities=[ent("Vladimir Putin", "PERSON", "Putin", count=3)])
        index.upsert([original])
        assert index.get("a") == original
        assert index.get("missing") is None

    # ---------------------------------------------------------------------- full text

    def test_a_query_of_only_exclusions_means_everything_else(self, news):
        assert idset(news, "-media") == {"erdogan"}
        (hit,) = news.search(SearchRequest(query="-media")).hits
        assert hit.score == 0.0 and "<mark>" not in hit.snippet

    def test_full_text_words_ignore_diacritics_on_both_backends(self, news):
        # words go through newsflow's analysis (folded stems) on both backends
        assert ids(news, "Erdoğan") == ids(news, "Erdogan") == ids(news, "turkiye") == ["erdogan"]

    def test_exact_phrases_fold_diacritics_only_on_the_embedded_index(self, news):
        assert ids(news, '"Erdoğan won"') == ["erdogan"]
        # the Elasticsearch mapping has no asciifolding (server-core only): the written form only
        assert ids(news, '"Erdogan won"') == (["erdogan"] if self.FOLDS_EXACT_WORDS else [])

    def test_a_title_match_ranks_first(self, index):
        index.upsert([
            art("body", "Weather report", "Rain today. The pipeline protest continued downtown. More rain."),
            art("title", "Pipeline protest grows", "Hundreds gathered on Saturday, organisers said."),
        ])
        hits = index.search(SearchRequest(query="pipeline")).hits
        assert [h.id for h in hits] == ["title", "body"]
        assert hits[0].score > hits[1].score > 0

    def test_snippet_marks_matches_in_the_text(self, news):
        (hit,) = news.search(SearchRequest(query="Vladivostok")).hits
        assert "<mark>Vladivostok</mark>" in hit.snippet
        (hit,) = news.search(SearchRequest(query='"Vladimir Putin"')).hits
        assert "Vladimir" in hit.snippet and "<mark>" in hit.snippet

    def test_snippet_is_a_window_with_ellipsis_on_long_texts(self, index):
        words = " ".join(f"w{i}" for i in range(300))
        index.upsert([art("long", "Long", f"{words} needle {words}")])
        (hit,) = index.search(SearchRequest(query="needle")).hits
        assert "<mark>needle</mark>" in hit.snippet and "…" in hit.snippet
        assert len(hit.snippet.split()) <= 32

    def test_without_a_query_the_snippet_is_the_start_of_the_text(self, index):
        index.upsert([art("long", "Long", "Opening words. " + "more text " * 100)])
        (hit,) = index.search(SearchRequest()).hits
        assert hit.snippet.startswith("Opening words.") and hit.snippet.endswith("…")
        assert len(hit.snippet) <= 201 and "<mark>" not in hit.snippet
        assert hit.score == 0.0

    def test_unbalanced_quotes_are_a_query_error(self, news):
        with pytest.raises(QueryError, match="never closed"):
            news.search(SearchRequest(query='"state media'))

    def test_exclusions_as_alternatives_are_refused_like_the_embedded_index(self, news):
        with pytest.raises(QueryError, match="alternative"):
            news.search(SearchRequest(query="media OR -trade"))

    # ---------------------------------------------------------------------- entity filters

    @pytest.mark.parametrize("spelling", ["Kim Jong-un", "Kim Jong Un", "KIM JONG-UN", "Kim Jong\u2011Un", "kim jong un"])
    def test_entity_filter_ignores_hyphenation_and_case(self, people, spelling):
        assert idset(people, entities=[spelling]) == {"kim"}

    @pytest.mark.parametrize("spelling", ["Putin\u2019s", "Putin's", "President Putin", "President Vladimir Putin", "putin"])
    def test_entity_filter_ignores_possessives_and_titles(self, people, spelling):
        assert {"putin-full", "kim"} <= idset(people, entities=[spelling])

    def test_short_forms_are_not_linked_without_corpus_evidence(self, index):
        index.upsert([art("short", entities=[ent("Putin", "PERSON")])])
        assert idset(index, entities=["Vladimir Putin"]) == set()
        index.upsert([art("full", entities=[ent("Vladimir Putin", "PERSON", "Vladimir Putin", "Putin")])])
        assert idset(index, entities=["Vladimir Putin"]) == {"short", "full"}

    def test_an_entity_filter_without_letters_is_a_query_error(self, people):
        with pytest.raises(QueryError):
            people.search(SearchRequest(entities=["--"]))

    # ---------------------------------------------------------------------- source and dates

    def test_without_a_query_newest_first_then_undated_then_by_id(self, index):
        index.upsert([
            art("b-undated", published=None), art("old", published="2023-01-01T00:00:00Z"),
            art("new", published="2024-06-01T00:00:00Z"), art("a-undated", published=None),
            art("mid", published="2024-01-01T00:00:00+02:00"),
        ])
        assert ids(index) == ["new", "mid", "old", "a-undated", "b-undated"]

    def test_paging_with_offset_and_limit(self, index):
        index.upsert([art(f"a{i}", published=f"2024-05-{i + 1:02d}T00:00:00Z") for i in range(5)])
        result = index.search(SearchRequest(limit=2, offset=2))
        assert result.total == 5
        assert [h.id for h in result.hits] == ["a2", "a1"]

    # ---------------------------------------------------------------------- hits and facets

    def test_hits_carry_metadata_and_top_entities_by_salience(self, index):
        entities = [ent(f"Person {chr(65 + i)}", salience=i / 20) for i in range(15)]
        index.upsert([art("a", "Title", "Text", source="example.org", entities=entities, story="s1")])
        (hit,) = index.search(SearchRequest()).hits
        assert (hit.url, hit.title, hit.source, hit.story_id) == ("https://example.org/a", "Title", "example.org", "s1")
        assert hit.published_at == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
        assert len(hit.entities) == 10
        assert hit.entities[0].name == "Person O" and hit.entities[0].label == "PERSON"

    def test_facets_count_all_matches_not_just_the_page_and_group_spellings_by_key(self, index):
        index.upsert(FACETED)
        result = index.search(SearchRequest(query="war", limit=1))
        assert result.total == 4 and len(result.hits) == 1
        assert [(v.name, v.count) for v in result.facets["PERSON"]] == [("Kim Jong Un", 3), ("Vladimir Putin", 1)]
        assert [(v.name, v.count) for v in result.facets["ORG"]] == [("NATO", 1)]
        assert [(v.name, v.count) for v in result.facets["GPE"]] == [("Russia", 1)]
        assert sorted((v.name, v.count) for v in result.facets["source"]) == [("a.com", 2), ("b.com", 2)]

    def test_facets_always_include_the_standard_labels_and_respect_facet_size(self, index):
        index.upsert([art(str(i), "x", entities=[ent(f"Person {i}"), ent("Apple", "PRODUCT")]) for i in range(5)])
        result = index.search(SearchRequest(query="x", facet_size=2))
        assert list(result.facets)[:3] == list(FACET_LABELS)
        assert result.facets["ORG"] == [] and result.facets["GPE"] == []
        assert len(result.facets["PERSON"]) == 2
        assert [(v.name, v.count) for v in result.facets["PRODUCT"]] == [("Apple", 5)]
        empty = index.search(SearchRequest(query="nothingmatches"))
        assert empty.total == 0 and set(FACET_LABELS) <= set(empty.facets)

    def test_entity_names_for_autocomplete(self, people):
        names = {(v.name, v.count) for v in people.entity_names("put")}
        assert ("Vladimir Putin", 2) in names and ("Putin", 1) in names
        assert [v.name for v in people.entity_names("kim", limit=1)] in (["Kim Jong Un"], ["Kim Yo Jong"])
        assert [v.name for v in people.entity_names("russ", label="GPE")] == ["Russia"]
        assert people.entity_names("russ", label="PERSON") == []

    # ---------------------------------------------------------------------- the table: one corpus, expected hit sets

    @pytest.mark.parametrize("request_,want", HIT_SETS, ids=lambda v: v.model_dump_json(exclude_defaults=True)
                             if isinstance(v, SearchRequest) else "")
    def test_hit_sets(self, corpus, request_, want):
        result = corpus.search(request_.model_copy(update={"limit": 100}))
        assert {h.id for h in result.hits} == want
        assert result.total == len(want)

    # ---------------------------------------------------------------------- inflections, fields, sorts, export

    @pytest.fixture
    def inflected(self, index):
        index.upsert(INFLECTED)
        return index

    @pytest.mark.parametrize("query,want", [
        ("missile", {"missiles", "missile"}),
        ("missiles", {"missiles", "missile"}),
        ("sanction", {"sanctioned"}),
        ("sanctions", {"sanctioned"}),
        ("SANCTIONING", {"sanctioned"}),
        ('"missiles"', {"missiles"}),  # an exact phrase is exact
        ('"North Korea"', {"missiles", "korea"}),
        ("missile -fired", {"missile"}),
        ("putin's", {"missile", "korea"}),  # the possessive: same on both backends
        ("Putin", {"missile", "korea"}),
        ("missil*", {"missiles", "missile"}),
    ])
    def test_words_find_their_inflections_and_phrases_stay_exact(self, inflected, query, want):
        assert idset(inflected, query) == want

    def test_a_query_language_picks_the_stemmer(self, inflected):
        assert idset(inflected, "Haus lang:de") == idset(inflected, "Häuser lang:de") == {"de"}
        assert idset(inflected, "Häuser") == set()  # English stems: "hauser" is not German's "haus"

    @pytest.mark.parametrize("query,filters", [
        ("source:a.com", {"source": "a.com"}),
        ("source:WWW.A.COM", {"source": "a.com"}),
        ("lang:de", {"language": "de"}),
        ('entity:"Kim Jong-un"', {"entities": ["Kim Jong Un"]}),
        ("entity:putin", {"entities": ["Vladimir Putin"]}),
    ])
    def test_filter_fields_find_exactly_what_the_filters_do(self, index, query, filters):
        index.upsert(CORPUS + INFLECTED)
        assert idset(index, query) == idset(index, **filters) != set()

    def test_fields_combine_with_words_and_exclusions(self, inflected):
        assert idset(inflected, "missile source:a.com") == {"missiles"}
        assert idset(inflected, "missile -source:a.com") == {"missile"}
        assert idset(inflected, "-lang:de") == {"missiles", "missile", "sanctioned", "korea"}
        assert idset(inflected, 'author:"Jurgen Muller"') == {"de"}
        assert idset(inflected, "author:müller") == set()  # an author is matched by the whole name
        assert idset(inflected, "title:korea") == {"korea"}
        assert idset(inflected, 'title:"missile test"') == {"missile"}
        assert idset(inflected, "title:(fired OR banks)") == {"missiles", "sanctioned"}

    @pytest.mark.parametrize("query,where", [("putin OR", 7), ("*", 1), ("missile -", 9), ("titel:x", 1), ("AND x", 1),
                                             ("(a", 1), ('"a', 1), ("a OR source:b", 6)])
    def test_query_mistakes_are_errors_that_say_where(self, inflected, query, where):
        with pytest.raises(QueryError, match=f"character {where}"):
            inflected.search(SearchRequest(query=query))

    def test_sort_newest_and_oldest_by_published_at_undated_last(self, inflected):
        assert ids(inflected, sort="newest") == ["de", "missiles", "sanctioned", "missile", "korea"]
        assert ids(inflected, sort="oldest") == ["missile", "sanctioned", "missiles", "de", "korea"]
        assert ids(inflected, "missile", sort="oldest") == ["missile", "missiles"]
        hits = inflected.search(SearchRequest(query="missile", sort="newest")).hits
        assert [h.id for h in hits] == ["missiles", "missile"] and all(h.score > 0 for h in hits)

    @pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
    def test_pages_under_every_sort_cover_every_hit_once(self, index, sort):
        index.upsert([art(f"a{i:02d}", "war", published=f"2024-05-{i % 3 + 1:02d}T00:00:00Z" if i % 4 else None)
                      for i in range(11)])
        pages = [ids(index, "war", sort=sort, limit=3, offset=o) for o in range(0, 12, 3)]
        seen = [i for page in pages for i in page]
        assert sorted(seen) == [f"a{i:02d}" for i in range(11)]
        assert seen == ids(index, "war", sort=sort)

    def test_relative_since_is_a_span_back_from_now(self, index):
        now = datetime.now(timezone.utc)
        index.upsert([art("recent", published=(now - timedelta(hours=2)).isoformat()),
                      art("week", published=(now - timedelta(days=5)).isoformat()),
                      art("old", published=(now - timedelta(days=40)).isoformat())])
        assert idset(index, since=parse_date("24h")) == {"recent"}
        assert idset(index, since=parse_date("7d")) == {"recent", "week"}
        assert idset(index, since=parse_date("4w")) == {"recent", "week"}
        assert idset(index, since=parse_date("90m")) == set()
        assert idset(index, until=parse_date("30d")) == {"old"}

    @pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
    def test_export_streams_every_match_in_order(self, index, sort):
        many = [art(f"x{i:04d}", "war", f"war report {i}", published=f"2024-0{i % 9 + 1}-01T00:00:00Z") for i in range(1203)]
        index.upsert(many)
        request = SearchRequest(query="war", sort=sort, limit=5, offset=7)
        exported = list(index.export(request))
        assert len(exported) == 1203 and len({h.id for h in exported}) == 1203
        if sort != "relevance":
            assert [h.id for h in exported[:40]] == ids(index, "war", sort=sort, limit=40)
        assert all(h.snippet == "" and h.score > 0 for h in exported)
        assert list(index.export(SearchRequest(query="nothingmatches"))) == []

    def test_export_of_an_empty_index_and_with_filters(self, index):
        assert list(index.export(SearchRequest(query="war"))) == []
        index.upsert(INFLECTED)
        assert {h.id for h in index.export(SearchRequest(query="missile source:b.com"))} == {"missile"}
        (hit,) = index.export(SearchRequest(query="lang:de"))
        assert hit.language == "de"

    def test_a_language_facet_counts_the_matches_per_language(self, inflected):
        result = inflected.search(SearchRequest())
        assert [(v.name, v.count) for v in result.facets["language"]] == [("de", 1)]  # the others say no language
        assert inflected.search(SearchRequest(query="nothingmatches")).facets["language"] == []
