"""Lead summary: the first sentences of the body, as its lede was written to be read."""

from __future__ import annotations

import pytest

from enrich.canonical import TITLE_SEPARATOR, compose
from enrich.lead import MAX_CHARS, lead_summary
from enrich.model import load_model


class Lead:
    """Summaries the way the enricher makes them: from the Doc of title + body."""

    def __init__(self):
        self.nlp = load_model("en_core_web_sm")

    def summarize(self, body: str, title: str = "A Headline. Not A Lede.") -> str:
        text, title_len = compose(title, body)
        return lead_summary(self.nlp(text), title_len + len(TITLE_SEPARATOR))


@pytest.fixture(scope="module")
def lead() -> Lead:
    return Lead()


def test_the_first_two_sentences(lead):
    text = "The vote passed on Tuesday. Fishermen objected. The work starts in autumn."
    assert lead.summarize(text) == "The vote passed on Tuesday. Fishermen objected."


def test_abbreviations_do_not_end_a_sentence(lead):
    text = "Mr. Smith met U.S. officials in Washington on Monday. He left on Tuesday. More."
    assert lead.summarize(text) == "Mr. Smith met U.S. officials in Washington on Monday. He left on Tuesday."


def test_a_paragraph_break_ends_a_sentence(lead):
    text = "PORT TOWN (Wire)\n\nThe vote passed on Tuesday. Fishermen objected."
    assert lead.summarize(text) == "PORT TOWN (Wire) The vote passed on Tuesday."


def test_the_summary_stops_before_the_length_cap(lead):
    first = "The vote passed. "
    second = "x " * 300
    assert lead.summarize(first + second) == "The vote passed."


def test_an_overlong_first_sentence_is_cut_at_a_word(lead):
    text = "word " * 500 + "end."
    out = lead.summarize(text)
    assert len(out) <= MAX_CHARS and out.endswith("word…")


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_no_text_no_summary(lead, text):
    assert lead.summarize(text) == ""
