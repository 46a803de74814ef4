"""Stories: syndicated copies and light edits share a story; different reports of one event don't."""

from __future__ import annotations

import multiprocessing

import pytest

from enrich.stories import MIN_WORDS, StoryIndex, shingles, signature, similarity
from fixtures.story_texts import ORIGINAL, OTHER_REPORT, SYNDICATED
from demo import ORIGINALS

# The sample site's articles: news-like texts, several about the same people and events.
BODIES = [a.text for a in ORIGINALS]


@pytest.fixture
def stories(tmp_path) -> StoryIndex:
    index = StoryIndex(tmp_path / "stories.db")
    yield index
    index.close()


def test_shingles_are_folded_word_trigrams():
    assert shingles("Kim Jong-un MET Erdoğan") == {"kim jong un", "jong un met", "un met erdogan"}


def test_signature_similarity_estimates_jaccard():
    a, b = signature(ORIGINAL), signature(SYNDICATED)
    true = len(shingles(ORIGINAL) & shingles(SYNDICATED)) / len(shingles(ORIGINAL) | shingles(SYNDICATED))
    assert abs(similarity(a, b) - true) < 0.15
    assert similarity(a, a) == 1.0


def test_a_syndicated_copy_joins_the_story_of_the_original(stories):
    original, copy = stories.assign([("a1", "h1", ORIGINAL), ("a2", "h2", SYNDICATED)])
    assert original == copy == "s-a1"


def test_another_report_of_the_same_event_is_another_story(stories):
    original, other = stories.assign([("a1", "h1", ORIGINAL), ("a3", "h3", OTHER_REPORT)])
    assert original != other


def test_different_articles_about_the_same_people_are_different_stories(stories):
    assert len(BODIES) >= 10
    ids = stories.assign([(f"a{i}", f"h{i}", body) for i, body in enumerate(BODIES)])
    assert len(set(ids)) == len(BODIES)


def test_a_lightly_edited_article_stays_in_its_story(stories):
    body = BODIES[0]
    sentences = body.split(". ")
    # the last sentence replaced, one added up front: an updated version of the story
    edited = "Updated at 14:00. " + ". ".join(sentences[:-1]) + ". The Kremlin did not answer a request for comment."
    (first,) = stories.assign([("orig", "h1", body)])
    (second,) = stories.assign([("edit", "h2", edited)])
    assert first == second


def test_a_replayed_article_keeps_its_story_even_if_its_text_changed(stories):
    (first,) = stories.assign([("a1", "h1", ORIGINAL)])
    (again,) = stories.assign([("a1", "h9", OTHER_REPORT)])
    assert again == first


def test_stories_survive_a_restart(tmp_path):
    path = tmp_path / "stories.db"
    first = StoryIndex(path)
    (story,) = first.assign([("a1", "h1", ORIGINAL)])
    first.close()
    second = StoryIndex(path)
    assert second.assign([("a2", "h2", SYNDICATED)]) == [story]
    assert second.count() == 2
    second.close()


def test_short_texts_group_only_with_exact_copies(stories):
    short = "Markets closed higher on Friday."
    assert len(short.split()) < MIN_WORDS
    a, b, c = stories.assign([("a1", "same", short), ("a2", "same", short), ("a3", "other", "Markets closed lower on Friday.")])
    assert a == b != c


def test_empty_text_gets_its_own_story(stories):
    a, b = stories.assign([("a1", "h1", ""), ("a2", "h2", "")])
    assert a == "s-a1" and b == "s-a2"


def _assign_in_process(path: str, article_id: str, text: str, out) -> None:
    index = StoryIndex(path)
    out.put(index.assign([(article_id, article_id, text)])[0])
    index.close()


def test_workers_in_separate_processes_share_the_stories(tmp_path):
    path = str(tmp_path / "stories.db")
    StoryIndex(path).close()
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_assign_in_process, args=(path, f"a{i}", text, out))
             for i, text in enumerate([ORIGINAL, SYNDICATED, SYNDICATED + " Reuters contributed."])]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert len({out.get(timeout=5) for _ in procs}) == 1


def test_a_failed_batch_leaves_no_trace(stories, monkeypatch):
    import enrich.stories as mod

    def boom(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(mod, "signature", boom)
    with pytest.raises(RuntimeError):
        stories.assign([("a1", "h1", ORIGINAL)])
    assert stories.count() == 0
