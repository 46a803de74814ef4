"""The second opinion: trafilatura's fast answer, checked by resiliparse; where they disagree
strongly, trafilatura with its fallbacks decides."""

import pytest

import ingest.ensemble as ensemble
from ingest.ensemble import choose_text, jaccard, shingles
from ingest.extractors import drop_asides_and_footers, parse_html, resiliparse_text, tidy, trafilatura_text
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


def _members(monkeypatch, fast: str, second, full: str) -> list[str]:
    """Replace the members by ones that answer these texts (an exception: raise it); returns
    the members asked, in order."""
    asked = []

    def trafilatura_text(_page, _url=None, fast=False):
        asked.append("trafilatura-fast" if fast else "trafilatura")
        return answers["fast" if fast else "full"]

    def resiliparse_text(_html):
        asked.append("resiliparse")
        if isinstance(second, Exception):
            raise second
        return second

    answers = {"fast": fast, "full": full}
    monkeypatch.setattr(ensemble, "trafilatura_text", trafilatura_text)
    monkeypatch.setattr(ensemble, "resiliparse_text", resiliparse_text)
    return asked


TREE = parse_html("<html><body><p>x</p></body></html>")


def test_shingles_are_lower_cased_word_trigrams():
    assert shingles("The Council met. Today!") == {("the", "council", "met"), ("council", "met", "today")}
    assert shingles("Two words") == {("two", "words")}
    assert shingles("") == set()


def test_jaccard_is_shared_over_all_shingles():
    a, b = shingles("one two three four"), shingles("one two three five")
    assert jaccard(a, b) == 1 / 3 and jaccard(a, a) == 1.0 and jaccard(set(), set()) == 0.0


def test_when_the_two_opinions_agree_the_fast_answer_stands_and_the_third_is_not_asked(monkeypatch):
    text = "\n".join(LONG_ARTICLE)
    asked = _members(monkeypatch, text, "Home News Sport\n" + text, "unused")
    choice = choose_text(TREE, "<html></html>")
    assert (choice.text, choice.source) == (text, "trafilatura-fast")
    assert asked == ["trafilatura-fast", "resiliparse"]


def test_a_strong_disagreement_is_decided_by_trafilatura_with_its_fallbacks(monkeypatch):
    truncated, whole = "\n".join(LONG_ARTICLE[:2]), "\n".join(LONG_ARTICLE)
    asked = _members(monkeypatch, truncated, "Home News Sport\n" + whole + "\nAll rights reserved", whole)
    choice = choose_text(TREE, "<html></html>")
    assert (choice.text, choice.source) == (whole, "trafilatura")
    assert asked == ["trafilatura-fast", "resiliparse", "trafilatura"]


def test_resiliparse_is_a_witness_never_the_answer_when_trafilatura_found_text(monkeypatch):
    short, other = "\n".join(LONG_ARTICLE[:1]), "\n".join(LONG_ARTICLE[1:])
    _members(monkeypatch, short, other, "")
    assert (choose_text(TREE, "").text, choose_text(TREE, "").source) == (short, "trafilatura-fast")


def test_when_trafilatura_finds_nothing_resiliparse_answers(monkeypatch):
    _members(monkeypatch, "", "resiliparse text", "")
    choice = choose_text(TREE, "")
    assert (choice.text, choice.source) == ("resiliparse text", "resiliparse")


def test_a_member_that_fails_costs_its_opinion_not_the_page(monkeypatch):
    text = "\n".join(LONG_ARTICLE)
    _members(monkeypatch, text, RuntimeError("lexbor gave up"), text)
    assert choose_text(TREE, "<p>x</p>").text == text


ASIDE_PAGE = f"""<html><head><title>Bridge</title></head><body><article>{''.join(f'<p>{p}</p>' for p in LONG_ARTICLE)}
<aside class="promo">Most read: Five ferries you must take this summer</aside> and the tail stays
<footer>Filed under Harbour. Copyright 2026 The Courier</footer></article></body></html>"""


def _pages_read(monkeypatch, fast: str, second: str, full: str) -> dict[str, object]:
    """Members answering these texts that record the page each trafilatura mode was handed."""
    read = {}

    def trafilatura_text(page, _url=None, fast=False):
        read["fast" if fast else "default"] = page
        return answers["fast" if fast else "default"]

    answers = {"fast": fast, "default": full}
    monkeypatch.setattr(ensemble, "trafilatura_text", trafilatura_text)
    monkeypatch.setattr(ensemble, "resiliparse_text", lambda _html: second)
    return read


def test_the_fast_mode_reads_the_page_without_its_footer_and_aside_and_the_default_mode_reads_it_whole(monkeypatch):
    truncated, whole = "\n".join(LONG_ARTICLE[:2]), "\n".join(LONG_ARTICLE)
    read = _pages_read(monkeypatch, truncated, "Home\n" + whole, whole)
    assert choose_text(parse_html(ASIDE_PAGE), ASIDE_PAGE).source == "trafilatura"
    fast_page, default_page = read["fast"].text_content(), read["default"].text_content()
    assert "Most read" not in fast_page and "Copyright" not in fast_page and "and the tail stays" in fast_page
    assert "Most read" in default_page and "Copyright" in default_page


def test_trafilatura_gives_the_same_article_without_the_footer_and_aside_it_deletes_itself():
    for html in (ASIDE_PAGE, article_html("Council to review bridge plan", ARTICLE)):
        whole, lean = parse_html(html), parse_html(html)
        drop_asides_and_footers(lean)
        assert not lean.xpath("//aside | //footer")
        assert trafilatura_text(lean, fast=True) == trafilatura_text(whole, fast=True)


def test_the_real_members_read_the_same_article():
    html = article_html("Council to review bridge plan", ARTICLE)
    tree = parse_html(html)
    for text in (trafilatura_text(tree, "https://news.example/b", fast=True), trafilatura_text(tree), resiliparse_text(html)):
        assert all(p in text for p in ARTICLE)


@pytest.mark.parametrize("raw,clean", [("  a \u00a0 b \n\n\n c  ", "a b\nc"), (None, ""), ("\n \n", "")])
def test_tidy_gives_one_block_a_line_without_empty_lines(raw, clean):
    assert tidy(raw) == clean


def test_a_page_written_in_decomposed_unicode_gives_composed_text_from_every_member():
    # adac.de writes "gepru\u0308ft": a search for "geprüft" and a word pattern must both find it
    decomposed = [p.replace("ü", "u\u0308") for p in ("Besonders bei Babyschalen sollte geprüft werden, ob "
                                                      "die Gurtlänge im Fahrzeug für den Sitz ausreicht.", *ARTICLE)]
    html = article_html("Kindersitze im Test", decomposed)
    texts = (trafilatura_text(parse_html(html), fast=True), trafilatura_text(parse_html(html)), resiliparse_text(html))
    for text in texts:
        assert "Babyschalen sollte geprüft werden" in text
        assert "\u0308" not in text


def test_a_long_fast_answer_that_resiliparse_does_not_undercut_stands_without_asking_the_third(monkeypatch):
    # the default mode only takes over texts much shorter than another extractor's
    long_text = "\n".join(LONG_ARTICLE * 6)
    assert len(long_text) >= ensemble.SHORT
    asked = _members(monkeypatch, long_text, "Completely different words from a sidebar " * 40, "unused")
    choice = choose_text(TREE, "<html></html>")
    assert (choice.text, choice.source) == (long_text, "trafilatura-fast")
    assert asked == ["trafilatura-fast", "resiliparse"]


def test_a_long_fast_answer_under_half_of_resiliparses_is_decided_by_the_third(monkeypatch):
    long_text, whole = "\n".join(LONG_ARTICLE * 6), "\n".join(f"{line} ({i})" for i, line in enumerate(LONG_ARTICLE * 20))
    asked = _members(monkeypatch, long_text, whole, whole)
    assert choose_text(TREE, "<html></html>").source == "trafilatura"
    assert asked == ["trafilatura-fast", "resiliparse", "trafilatura"]


def test_a_short_fast_answer_that_agrees_only_because_the_page_repeats_itself_is_decided_by_the_third(monkeypatch):
    # the same paragraph three times: the fast answer kept it once, and its shingles are all there
    once = LONG_ARTICLE[0]
    asked = _members(monkeypatch, once, "\n".join([once] * 3), "\n".join([once] * 3))
    choice = choose_text(TREE, "<html></html>")
    assert (choice.text, choice.source) == ("\n".join([once] * 3), "trafilatura")
    assert asked == ["trafilatura-fast", "resiliparse", "trafilatura"]


def test_the_real_extraction_keeps_sections_the_page_repeats():
    # Readability's "missing paragraphs" test page: the same heading and paragraph, again and again
    sentence = ("The ferry will sail every night from the old harbour to the island villages, the harbour board "
                "said after a long debate about the cost of running an electric vessel at night. ")
    section = f"<h2>Secondary header</h2><p>{sentence * 3}</p>"
    html = f"<html><body><h1>Ferry</h1><p>{sentence * 3}</p>{section * 2}</body></html>"
    assert trafilatura_text(parse_html(html), fast=True).count("The ferry will sail") < 9  # fast mode drops repeats
    choice = choose_text(parse_html(html), html)
    assert choice.source == "trafilatura" and choice.text.count("The ferry will sail") == 9


LEAD = ("The harbour bridge was approved on Tuesday after two years of argument in the regional council, "
        "and the first steel arrives in April.")


def test_a_lead_paragraph_resiliparse_has_before_the_shared_lines_is_added_and_named_in_the_source(monkeypatch):
    text = "\n".join(LONG_ARTICLE)
    _members(monkeypatch, text, "Home News Sport\n" + LEAD + "\n" + text, "unused")
    choice = choose_text(TREE, "<html></html>")
    assert (choice.text, choice.source) == (LEAD + "\n" + text, "trafilatura-fast+resiliparse")


def test_the_default_modes_answer_gets_the_lead_too(monkeypatch):
    truncated, whole = "\n".join(LONG_ARTICLE[:2]), "\n".join(LONG_ARTICLE)
    _members(monkeypatch, truncated, LEAD + "\n" + whole, whole)
    choice = choose_text(TREE, "<html></html>")
    assert (choice.text, choice.source) == (LEAD + "\n" + whole, "trafilatura+resiliparse")


def test_picture_credits_are_dropped_from_the_chosen_text(monkeypatch):
    text = "\n".join(LONG_ARTICLE)
    _members(monkeypatch, LONG_ARTICLE[0] + "\nFoto: Jane Roe / Agency\n" + "\n".join(LONG_ARTICLE[1:]), text, "unused")
    assert choose_text(TREE, "<html></html>").text == text
