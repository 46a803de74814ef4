"""The second opinion: trafilatura's text unless an independent extractor shows it truncated."""

import pytest

import ingest.ensemble as ensemble
from ingest.ensemble import choose_text, inside, shingles
from ingest.extractors import parse_html, resiliparse_text, tidy, trafilatura_text
from test_ingest_support import article_html, paragraphs

ARTICLE = paragraphs("bridge")
# a long article of distinct sentences (paragraphs() repeats one template)
LONG_ARTICLE = [
    "The regional council approved the harbour bridge on Tuesday after two years of argument.",
    "Residents of the old quarter had opposed the plan since the first drawings were shown in 2023.",
    "Engineers say the steel will arrive by sea from a yard three hundred miles to the north.",
    "The port authority expects shipping to pause for six weekends while the central span is lifted.",
    "Fishing crews asked for compensation, saying the closures fall in the busiest weeks of their season.",
    "The mayor promised a hardship fund and a liaison office on the quay open every weekday morning.",
    "Cyclists won a separate lane after a petition gathered eleven thousand signatures in a month.",
    "The budget has grown by a fifth since the plan was first costed, mostly because of steel prices.",
    "An independent review of the contract will report to the council before the end of the year.",
    "Work is due to start in April and the bridge should open to traffic in the autumn of next year.",
]


def _members(monkeypatch, main: str, second: str, third: str | Exception) -> list[str]:
    """Replace the three members by ones that answer these texts; returns the members asked."""
    asked = []

    def member(name, answer):
        def run(*_args):
            asked.append(name)
            if isinstance(answer, Exception):
                raise answer
            return answer
        run.__name__ = name
        return run

    monkeypatch.setattr(ensemble, "trafilatura_text", member("trafilatura", main))
    monkeypatch.setattr(ensemble, "resiliparse_text", member("resiliparse", second))
    monkeypatch.setattr(ensemble, "readability_text", member("readability", third))
    return asked


def test_shingles_are_lower_cased_word_trigrams():
    assert shingles("The Council met. Today!") == {("the", "council", "met"), ("council", "met", "today")}
    assert shingles("Two words") == {("two", "words")}
    assert shingles("") == set()


def test_inside_is_the_share_of_the_first_texts_shingles_found_in_the_second():
    a, b = shingles("one two three four"), shingles("one two three five")
    assert inside(a, b) == 0.5 and inside(a, a) == 1.0 and inside(a, set()) == 0.0


def test_when_the_two_opinions_agree_trafilatura_answers_and_the_third_is_not_asked(monkeypatch):
    text = "\n".join(ARTICLE)
    asked = _members(monkeypatch, text, "Home News Sport\n" + text, "unused")
    choice = choose_text(parse_html("<html><body><p>x</p></body></html>"), "<html></html>")
    assert (choice.text, choice.source) == (text, "trafilatura")
    assert asked == ["trafilatura", "resiliparse"]


def test_a_truncated_text_is_replaced_by_readability_when_it_confirms_the_longer_article(monkeypatch):
    truncated, whole = "\n".join(LONG_ARTICLE[:2]), "\n".join(LONG_ARTICLE)
    _members(monkeypatch, truncated, "Home News Sport\n" + whole + "\nAll rights reserved", whole)
    choice = choose_text(parse_html("<html><body><p>x</p></body></html>"), "<html></html>")
    assert (choice.text, choice.source) == (whole, "readability")


def test_a_truncation_readability_does_not_confirm_keeps_trafilaturas_text(monkeypatch):
    truncated, whole = "\n".join(LONG_ARTICLE[:2]), "\n".join(LONG_ARTICLE)
    _members(monkeypatch, truncated, whole, "Subscribe to our newsletter for more stories like this one every day")
    choice = choose_text(parse_html("<html><body><p>x</p></body></html>"), "<html></html>")
    assert (choice.text, choice.source) == (truncated, "trafilatura")


def test_resiliparse_is_a_witness_never_the_answer_when_trafilatura_found_text(monkeypatch):
    short, other = "\n".join(LONG_ARTICLE[:1]), "\n".join(LONG_ARTICLE[1:])
    _members(monkeypatch, short, other, "")
    assert choose_text(parse_html("<p>x</p>"), "<p>x</p>").source == "trafilatura"


def test_when_trafilatura_finds_nothing_readability_then_resiliparse_answer(monkeypatch):
    tree = parse_html("<html><body><p>x</p></body></html>")
    _members(monkeypatch, "", "resiliparse text", "readability text")
    assert choose_text(tree, "").source == "readability"
    _members(monkeypatch, "", "resiliparse text", "")
    assert (choose_text(tree, "").text, choose_text(tree, "").source) == ("resiliparse text", "resiliparse")


def test_a_member_that_fails_costs_its_opinion_not_the_page(monkeypatch):
    text = "\n".join(ARTICLE)
    _members(monkeypatch, text, RuntimeError("lexbor gave up"), RuntimeError("no candidate"))
    assert choose_text(parse_html("<p>x</p>"), "<p>x</p>").text == text


def test_the_real_members_read_the_same_article():
    html = article_html("Council to review bridge plan", ARTICLE)
    tree = parse_html(html)
    for text in (trafilatura_text(tree, "https://news.example/b"), resiliparse_text(html)):
        assert all(p in text for p in ARTICLE)


@pytest.mark.parametrize("raw,clean", [("  a \u00a0 b \n\n\n c  ", "a b\nc"), (None, ""), ("\n \n", "")])
def test_tidy_gives_one_block_a_line_without_empty_lines(raw, clean):
    assert tidy(raw) == clean
