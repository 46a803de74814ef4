"""The reads the web front door needs from an index: a story's articles and a date histogram of hits.

(Elasticsearch gives the same answers: tests/integration/test_web_elasticsearch.py.)
"""

from __future__ import annotations

import pytest

from index.embedded import EmbeddedIndex
from newsflow.core.search import SearchRequest
from web_corpus import CORPUS, art


@pytest.fixture
def index(tmp_path):
    ix = EmbeddedIndex(tmp_path / "index.db")
    ix.upsert(CORPUS)
    yield ix
    ix.close()


def buckets(result) -> list[tuple[str, int]]:
    return [(b.name, b.count) for b in result.histogram]


def test_a_story_lists_its_articles_first_published_first(index):
    assert [a.id for a in index.story("s-erdogan")] == ["erdogan", "erdogan-wire"]
    assert index.story("s-erdogan")[1] == next(a for a in CORPUS if a.id == "erdogan-wire")
    assert [a.id for a in index.story("s-summit")] == ["summit"]
    assert index.story("s-erdogan", limit=1)[0].id == "erdogan"
    assert index.story("no-such-story") == []


def test_undated_articles_of_a_story_come_last(tmp_path):
    ix = EmbeddedIndex(tmp_path / "index.db")
    ix.upsert([art("b", "B", "b", published=None, story="s"), art("a", "A", "a", published="2026-01-02T00:00:00Z", story="s"),
               art("c", "C", "c", published="2026-01-01T00:00:00Z", story="s")])
    assert [a.id for a in ix.story("s")] == ["c", "a", "b"]
    ix.close()


def test_no_histogram_unless_asked(index):
    assert index.search(SearchRequest()).histogram == []


def test_the_day_histogram_counts_all_matches_per_utc_day_oldest_first_without_empty_days(index):
    result = index.search(SearchRequest(histogram="day", limit=1))
    assert buckets(result) == [("2026-02-23", 1), ("2026-02-26", 1), ("2026-03-03", 2), ("2026-03-10", 1),
                               ("2026-03-12", 1), ("2026-03-18", 1), ("2026-03-20", 1)]
    assert sum(n for _, n in buckets(result)) == result.total - 1  # the undated article has no day


def test_weeks_start_on_monday_months_and_years_on_their_first_day(index):
    # 2026-02-23 is a Monday; 2026-03-01 a Sunday
    assert buckets(index.search(SearchRequest(histogram="week"))) == [
        ("2026-02-23", 2), ("2026-03-02", 2), ("2026-03-09", 2), ("2026-03-16", 2)]
    assert buckets(index.search(SearchRequest(histogram="month"))) == [("2026-02-01", 2), ("2026-03-01", 6)]
    assert buckets(index.search(SearchRequest(histogram="year"))) == [("2026-01-01", 8)]


def test_the_histogram_follows_the_query_and_filters(index):
    assert buckets(index.search(SearchRequest(query="Kim", histogram="month"))) == [("2026-02-01", 2), ("2026-03-01", 2)]
    assert buckets(index.search(SearchRequest(entities=["Erdogan"], histogram="day"))) == [("2026-03-03", 2)]
    assert index.search(SearchRequest(query="nothingmatches", histogram="day")).histogram == []


def test_the_histogram_without_facets_or_hits(index):
    result = index.search(SearchRequest(histogram="month", limit=0, facet_size=0))
    assert result.hits == [] and buckets(result) == [("2026-02-01", 2), ("2026-03-01", 6)]
