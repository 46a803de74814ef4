"""A reference-extraction corpus (Mozilla Readability's test-page layout) is read as pages and their expected text."""

from pathlib import Path

from ingest.evaluation import MIN_REFERENCE, load_reference_pages, reference_text, shingle_prf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference"
TEXT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference-text"


def test_adjacent_blocks_become_separate_lines_and_their_words_stay_apart():
    text = reference_text("<div><p>The first ends here.</p><p>The  second\n starts here.</p><h2>A heading</h2>"
                          "<ul><li>one item</li><li>another</li></ul></div>")
    assert text.split("\n") == ["The first ends here.", "The second starts here.", "A heading", "one item", "another"]


def test_inline_markup_does_not_split_a_line():
    assert reference_text("<p>A <b>bold</b> and <a href='/x'>linked</a> word.</p>") == "A bold and linked word."


def test_an_empty_reference_has_no_text():
    assert reference_text("") == ""


def test_pages_are_read_in_name_order_and_a_one_rule_test_page_is_left_out():
    pages = load_reference_pages(FIXTURES)
    assert [page.key for page in pages] == ["harbour-ferry"]  # one-rule's expected text is two short lines
    page = pages[0]
    assert "<nav>" in page.html and "Night ferry returns" in page.html
    assert page.body.startswith("The night ferry between the old harbour")
    assert "A smaller boat, a longer season" in page.body.split("\n")
    assert len(page.body) >= MIN_REFERENCE


def test_a_folder_without_both_files_is_not_a_page(tmp_path):
    (tmp_path / "only-source").mkdir()
    (tmp_path / "only-source" / "source.html").write_text("<p>x</p>")
    (tmp_path / "stray.html").write_text("<p>not a page folder</p>")
    assert load_reference_pages(tmp_path) == []


def test_limit_stops_after_that_many_pages(tmp_path):
    body = "<p>" + "A sentence of the article that is long enough to count. " * 12 + "</p>"
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "source.html").write_text(f"<html><body>{body}</body></html>")
        (tmp_path / name / "expected.html").write_text(body)
    assert [page.key for page in load_reference_pages(tmp_path, limit=2)] == ["a", "b"]


def test_the_fixture_article_is_extracted_whole_and_without_its_furniture():
    from ingest.extract import extract_html

    page = load_reference_pages(FIXTURES)[0]
    precision, recall, _ = shingle_prf(extract_html(page.html).text, page.body)
    assert precision == 1.0 and recall == 1.0


def test_an_expected_text_given_as_plain_text_is_read_one_paragraph_per_line():
    pages = load_reference_pages(TEXT_FIXTURES)
    assert [page.key for page in pages] == ["orchard-cooperative"]
    lines = pages[0].body.split("\n")
    assert len(lines) == 5  # the blank lines between paragraphs are not lines of text
    assert lines[0].startswith("Twelve apple growers") and lines[-1].endswith("for housing.")


def test_a_plain_text_expectation_has_its_spacing_evened_out(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "source.html").write_text("<p>x</p>")
    (tmp_path / "a" / "expected.txt").write_text("  A  line   with gaps.  \n\n\n" + "More words in the article. " * 30 + "\n")
    assert load_reference_pages(tmp_path)[0].body.split("\n")[0] == "A line with gaps."


def test_the_html_expectation_is_read_when_a_page_has_both(tmp_path):
    body = "The HTML expectation of this page, long enough to count as an article. " * 10
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "source.html").write_text("<p>x</p>")
    (tmp_path / "a" / "expected.html").write_text(f"<p>{body}</p>")
    (tmp_path / "a" / "expected.txt").write_text("The plain-text one. " * 40)
    assert load_reference_pages(tmp_path)[0].body == body.strip()


def test_the_fixture_article_with_a_plain_text_truth_is_extracted_whole():
    from ingest.extract import extract_html

    page = load_reference_pages(TEXT_FIXTURES)[0]
    precision, recall, _ = shingle_prf(extract_html(page.html).text, page.body)
    assert precision == 1.0 and recall == 1.0
