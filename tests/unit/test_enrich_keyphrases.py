"""Keyphrases: the recurring content phrases of an article, not its entities or newsroom filler."""

from __future__ import annotations

import pytest

from enrich.canonical import compose
from enrich.keyphrases import keyphrases
from enrich.model import load_model


@pytest.fixture(scope="module")
def nlp():
    return load_model("en_core_web_sm")


def phrases(nlp, title: str, body: str, entity_words=()) -> list[str]:
    text, title_len = compose(title, body)
    return keyphrases(nlp(text), title_len, entity_words)


BODY = (
    "The port authority voted to deepen the northern channel on Tuesday. Container shipping "
    "lines had asked for the northern channel to be deepened for years, the authority said. Fishermen "
    "fear the dredging works will harm the cod spawning grounds near the breakwater. A survey "
    "of the cod spawning grounds will be paid for by the authority before the dredging works "
    "begin, Ines Alvarez said. The dredging works are due to start in the autumn."
)


def test_recurring_phrases_come_first_and_lower_case(nlp):
    out = phrases(nlp, "Harbour Vote Ends Dispute", BODY)
    assert out[:3] == sorted(out[:3], key=out.index)  # stable order, best first
    assert {"northern channel", "cod spawning grounds", "dredging works"} <= set(out)
    assert all(p == p.lower() for p in out)


def test_entities_and_reporting_verbs_are_not_keyphrases(nlp):
    out = phrases(nlp, "Harbour Vote Ends Dispute", BODY)
    joined = " ".join(out)
    assert "alvarez" not in joined and "ines" not in joined
    assert "said" not in joined.split() and "tuesday" not in joined.split()


def test_a_phrase_seen_once_in_the_body_only_is_not_a_keyphrase(nlp):
    out = phrases(nlp, "", BODY)
    assert "container shipping lines" not in out and "survey" not in out


def test_a_headline_phrase_counts_once(nlp):
    out = phrases(nlp, "Deeper Channel Approved", "Nothing else here repeats at all.")
    assert out == ["deeper channel approved"]


def test_in_a_headline_the_words_of_the_articles_entities_are_boundaries(nlp):
    out = phrases(nlp, "Alvarez Wins Harbour Vote", "Nothing else here repeats at all.", {"ines", "alvarez"})
    assert out == ["wins harbour vote"]


def test_a_phrase_inside_a_chosen_longer_one_is_dropped(nlp):
    out = phrases(nlp, "", BODY)
    assert "spawning grounds" not in out  # part of "cod spawning grounds"


@pytest.mark.parametrize("title,body", [("", ""), ("", "the of and"), ("A", "Putin met Kim.")])
def test_nothing_to_say_gives_no_keyphrases(nlp, title, body):
    assert phrases(nlp, title, body) == []
