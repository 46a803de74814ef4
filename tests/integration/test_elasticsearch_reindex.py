"""``newsflow index reindex`` against the real node: a new version behind the alias, swapped atomically.

Every test works behind its own alias (``test-reindex-<uuid>``) and deletes it after.
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone

import pytest

from cli_support import CLI
from index.elasticsearch import ElasticsearchIndex
from index.es_reindex import Reindexer, ReindexError
from newsflow.core.config import Settings
from newsflow.core.contracts import EnrichedArticle, Entity, content_hash
from newsflow.core.names import fold
from newsflow.core.search import SearchRequest


def article(i: int, title: str | None = None) -> EnrichedArticle:
    text = f"Report {i} on the harbour project and market{i % 10}."
    url = f"https://example.com/{i}"
    return EnrichedArticle(
        id=f"a{i:05d}", url=url, canonical_url=url, source="example.com", title=title or f"Harbour {i}", text=text,
        published_at=datetime(2024, 5, 1 + i % 28, tzinfo=timezone.utc), content_hash=content_hash(text),
        entities=[Entity(name="Vladimir Putin", label="PERSON", key=fold("Vladimir Putin"), surface_forms=["Putin"])],
        entity_names={"PERSON": ["Vladimir Putin"]}, story_id=f"s{i}",
    )


@pytest.fixture
def es(elasticsearch_url):
    ix = ElasticsearchIndex(Settings(index="elasticsearch", es_url=elasticsearch_url,
                                     es_alias=f"test-reindex-{uuid.uuid4().hex[:10]}"))
    yield ix
    ix.drop()
    ix.close()


def behind_alias(ix: ElasticsearchIndex) -> list[str]:
    return sorted(ix.client.indices.get_alias(name=ix.alias))


def fill(ix: ElasticsearchIndex, n: int, batch: int = 500) -> list[EnrichedArticle]:
    docs = [article(i) for i in range(n)]
    for start in range(0, n, batch):
        ix.upsert(docs[start:start + batch])
    return docs


def test_reindex_keeps_every_article_and_searches_keep_answering_during_the_swap(es):
    docs = fill(es, 3000)
    errors: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()

    def search_all_the_time():
        reader = ElasticsearchIndex(es.settings, readonly=True)
        try:
            while not done.is_set():
                totals.append(reader.search(SearchRequest(query="harbour", entities=["Putin"], limit=5)).total)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            reader.close()

    searcher = threading.Thread(target=search_all_the_time)
    searcher.start()
    try:
        report = Reindexer(es.client, es.alias, batch_size=200).run()
    finally:
        done.set()
        searcher.join(60)
    assert errors == []
    assert totals and min(totals) == len(docs)  # never an empty or half-built index
    assert (report.source, report.target, report.copied) == (f"{es.alias}-v1", f"{es.alias}-v2", len(docs))
    assert behind_alias(es) == [f"{es.alias}-v2"]
    assert es.client.indices.exists(index=f"{es.alias}-v1")  # kept unless --delete-old
    assert es.count() == len(docs)
    for a in (docs[0], docs[1234], docs[-1]):
        assert es.get(a.id) == a
    assert es.search(SearchRequest(query="market7")).total == 300
    # writers keep writing through the alias, into the new version
    es.upsert([article(99_999)])
    assert es.count() == len(docs) + 1
    assert es.client.count(index=f"{es.alias}-v1")["count"] == len(docs)


def test_articles_written_during_the_reindex_are_not_lost(es):
    fill(es, 1500)
    writer = ElasticsearchIndex(es.settings)
    stop = threading.Event()
    written: list[str] = []

    def write_all_the_time():
        i = 10_000
        while not stop.is_set():
            writer.upsert([article(i), article(i + 1)])
            written.extend([f"a{i:05d}", f"a{i + 1:05d}"])
            i += 2

    thread = threading.Thread(target=write_all_the_time)
    thread.start()
    try:
        report = Reindexer(es.client, es.alias, batch_size=100).run()
    finally:
        stop.set()
        thread.join(60)
        writer.close()
    assert written, "the writer never ran"
    es.client.indices.refresh(index=es.alias)
    assert es.count() == 1500 + len(written)
    assert report.copied >= 1500
    assert all(es.get(aid) is not None for aid in written[-6:])


def test_delete_old_and_the_next_reindex_goes_one_version_up(es):
    fill(es, 20)
    Reindexer(es.client, es.alias).run(delete_old=True)
    assert not es.client.indices.exists(index=f"{es.alias}-v1")
    report = Reindexer(es.client, es.alias).run()
    assert (report.source, report.target) == (f"{es.alias}-v2", f"{es.alias}-v3")
    assert behind_alias(es) == [f"{es.alias}-v3"] and es.count() == 20


def test_an_interrupted_reindex_leaves_the_alias_alone_and_resumes(es):
    docs = fill(es, 50)
    batches = 0

    def fail_on_the_third_batch(batch):
        nonlocal batches
        batches += 1
        if batches == 3:
            raise RuntimeError("killed")
        return batch

    with pytest.raises(RuntimeError, match="killed"):
        Reindexer(es.client, es.alias, batch_size=10, transform=fail_on_the_third_batch).run()
    assert behind_alias(es) == [f"{es.alias}-v1"]
    assert es.count() == len(docs) and es.search(SearchRequest(query="harbour")).total == len(docs)
    report = Reindexer(es.client, es.alias, batch_size=10).run()
    assert report.resumed and report.target == f"{es.alias}-v2"
    assert behind_alias(es) == [f"{es.alias}-v2"] and es.count() == len(docs)


def test_the_transform_hook_rewrites_articles_on_the_way(es):
    fill(es, 30)

    def retitle(batch):
        return [a.model_copy(update={"title": f"Lighthouse {a.id}"}) for a in batch]

    Reindexer(es.client, es.alias, batch_size=7, transform=retitle).run()
    assert es.search(SearchRequest(query="lighthouse")).total == 30
    assert es.client.search(index=f"{es.alias}-v1", q="title:lighthouse")["hits"]["total"]["value"] == 0


def test_a_transform_that_drops_articles_is_refused_before_the_swap(es):
    fill(es, 10)
    with pytest.raises(ReindexError, match="same articles"):
        Reindexer(es.client, es.alias, transform=lambda batch: batch[1:]).run()
    assert behind_alias(es) == [f"{es.alias}-v1"]


def test_a_higher_version_that_is_not_a_reindex_in_progress_is_refused(es):
    fill(es, 5)
    es.client.indices.create(index=f"{es.alias}-v2")
    with pytest.raises(ReindexError, match="already exists"):
        Reindexer(es.client, es.alias).run()
    assert behind_alias(es) == [f"{es.alias}-v1"]


def test_nothing_indexed_is_a_clear_error(es):
    with pytest.raises(ReindexError, match="does not exist"):
        Reindexer(es.client, es.alias).run()


def test_the_cli_reindexes_and_refuses_the_embedded_index(es, tmp_path):
    fill(es, 25)
    cli = CLI(tmp_path / "data")
    embedded = cli("index", "reindex", "--no-progress", check=False)
    assert embedded.returncode == 2 and "NEWSFLOW_INDEX=elasticsearch" in embedded.stderr
    cli.env.update({"NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_ES_URL": es.settings.es_url, "NEWSFLOW_ES_ALIAS": es.alias})
    out = cli("index", "reindex", "--no-progress", "--delete-old").stdout
    assert f"reindexed 25 articles from {es.alias}-v1 into {es.alias}-v2" in out
    assert behind_alias(es) == [f"{es.alias}-v2"] and not es.client.indices.exists(index=f"{es.alias}-v1")
    assert cli.search("harbour")["total"] == 25


def test_re_enrich_gives_old_articles_the_names_the_registry_learnt_since(es, tmp_path):
    from enrich.registry import EntityRegistry
    from enrich.stage import ENTITIES_DB
    from fixtures.registry_entities import ent

    text = "Alvarez said on Tuesday that the harbour vote was a compromise, Alvarez told reporters."
    old = EnrichedArticle(id="alvarez-1", url="https://example.com/alvarez", canonical_url="https://example.com/alvarez",
                          source="example.com", title="Harbour vote", text=text, content_hash=content_hash(text),
                          entities=[Entity(name="Alvarez", label="PERSON", key="alvarez", surface_forms=["Alvarez"])],
                          entity_names={"PERSON": ["Alvarez"]}, story_id="s-alvarez")
    es.upsert([old])
    cli = CLI(tmp_path / "data")
    registry = EntityRegistry(tmp_path / "data" / ENTITIES_DB)  # the enrich stage's, since grown
    registry.canonicalize([[ent("Ines Alvarez")]])
    registry.close()
    cli.env.update({"NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_ES_URL": es.settings.es_url, "NEWSFLOW_ES_ALIAS": es.alias})

    out = cli("index", "reindex", "--no-progress", "--re-enrich").stdout
    assert f"reindexed 1 articles from {es.alias}-v1 into {es.alias}-v2" in out
    fresh = es.get("alvarez-1")
    assert [e.name for e in fresh.entities if e.label == "PERSON"] == ["Ines Alvarez"]
    assert fresh.story_id == "s-alvarez" and fresh.enrichment is not None
    assert cli.search("--entity", "Ines Alvarez")["total"] == 1
