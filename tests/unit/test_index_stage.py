"""The index stage keeps the last version of an id per batch and dead-letters what the index refuses."""

from newsflow.core.contracts import EnrichedArticle, article_id, content_hash
from newsflow.core.search import RejectedArticles

from index.stage import IndexStage


def enriched(url: str, text: str = "text") -> EnrichedArticle:
    return EnrichedArticle(id=article_id(url), url=url, canonical_url=url, source="example.com", text=text,
                           content_hash=content_hash(text), story_id="s-1")


class RefusingIndex:
    """An index that refuses one id for good and keeps the others (a unit-test boundary fake)."""

    def __init__(self, refuse: str):
        self.refuse, self.stored = refuse, []

    def upsert(self, articles):
        self.stored.extend(a for a in articles if a.id != self.refuse)
        if any(a.id == self.refuse for a in articles):
            raise RejectedArticles("refused", [(self.refuse, "status 400 mapper_parsing_exception")])


def test_a_replayed_batch_keeps_the_latest_version_of_each_article():
    old, new = enriched("https://e.com/a", "old"), enriched("https://e.com/a", "new")
    assert IndexStage(RefusingIndex("none")).process([old, new]) == [new]


def test_articles_the_index_refuses_are_returned_for_the_deadletter_topic():
    good, bad = enriched("https://e.com/good"), enriched("https://e.com/bad")
    index = RefusingIndex(bad.id)
    refused = IndexStage(index).write([good, bad])
    assert refused == [(bad, "status 400 mapper_parsing_exception")]
    assert index.stored == [good]
