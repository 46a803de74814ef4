"""A byline left in an article's text is no part of it; a sentence that names the author is."""

import pytest

from ingest.bylines import drop_byline_lines
from ingest.extract import extract_html
from test_ingest_support import paragraphs

BODY = paragraphs("harbour", 6)


@pytest.mark.parametrize("line, authors", [
    ("Von Vanessa Franke", ["Vanessa Franke"]),
    ("| von Inga Buller", ["Inga Buller"]),
    ("21. Jan 2022 // Dominik Ricker", ["Dominik Ricker"]),
    ("1. Februar 2022 , Daniel Dillenburg", ["Daniel Dillenburg"]),
    ("By Ines Alvarez and Jane Doe | Updated Mar 12, 2020 @ 10:42 am", ["Ines Alvarez", "Jane Doe"]),
    ("Ariel Melgar Cabrera 3/5/2022 22:41", ["Ariel Melgar Cabrera"]),
])
def test_a_byline_under_the_headline_is_dropped(line, authors):
    text = "\n".join([BODY[0], line, *BODY[1:]])
    assert drop_byline_lines(text, authors) == "\n".join(BODY)


@pytest.mark.parametrize("line", ["April 21, 2022", "Veröffentlicht am 06.12.2022", "Stand: 28.04.2020 18:00 Uhr",
                                  "5. November 2021, 10:39 Uhr", "Last updated: 13 July 2020", "2023-11-03",
                                  "Letzte Änderung 14.02.2019", "2021-10-16 | Botschaft", "Kategorie: News",
                                  "Tags:Uncategorized", "Schlagwörter: Wahl, Berlin, Senat",
                                  "Erstellt am: 01.11.2023", "Published on: March 3, 2024",
                                  "Posted: Thursday, April 21, 2022. 10:11 pm CST.", "20. März 2021 - 15:00 Uhr",
                                  "March 20, 2021 | 3:00 pm", "posted on April 21, 2015, at 11:29 a.m.",
                                  "Topics: uber, libertarians, Sydney, Editor's Picks, sharing economy, Technology News"])
def test_a_date_or_section_alone_on_a_line_at_the_top_or_the_end_is_dropped_with_or_without_authors(line):
    assert drop_byline_lines("\n".join([line, *BODY]), []) == "\n".join(BODY)
    assert drop_byline_lines("\n".join([*BODY, line]), ["Jane Doe"]) == "\n".join(BODY)


@pytest.mark.parametrize("line", ["Von Roland Brockmann und Sebastian Drescher", "By Evan Symon, August 14, 2020 2:30 pm",
                                  "von MORITZ PAPPERT", "Auteur : Kossivi Tiassou", "Written by: Julie Mollins",
                                  "von Georg C. F. Greve"])
def test_a_byline_of_authors_the_page_does_not_name_is_dropped_at_the_top(line):
    assert drop_byline_lines("\n".join([line, *BODY]), []) == "\n".join(BODY)


@pytest.mark.parametrize("line", ["Von Berlin nach Hamburg", "By the time the ferry arrived, the bridge was closed.",
                                  "Por qué la Asamblea exige a periodistas"])
def test_a_line_that_starts_like_a_byline_but_goes_on_as_text_stays(line):
    text = "\n".join([line, *BODY])
    assert drop_byline_lines(text, []) == text


def test_a_line_that_begins_with_the_word_tag_is_not_a_tag_list():
    text = "\n".join([*BODY, 'Tag der Arbeit: "Digitalisierung ist nicht die Antwort"'])
    assert drop_byline_lines(text, []) == text


def test_dates_between_the_paragraphs_stay():
    # a live blog's entries, a list of dated items
    body = paragraphs("harbour", 10)
    text = "\n".join([*body[:5], "- 03.03.2011, 14:27", *body[5:]])
    assert drop_byline_lines(text, []) == text


def test_a_sentence_that_begins_with_a_date_stays():
    text = "\n".join(["April 21, 2022 was the day the harbour wall opened to walkers.", *BODY])
    assert drop_byline_lines(text, []) == text


def test_a_signature_at_the_end_is_dropped():
    assert drop_byline_lines("\n".join([*BODY, "Kirsten Freund"]), ["Kirsten Freund"]) == "\n".join(BODY)


@pytest.mark.parametrize("line", ["(jg)", "(dpa)", "(AFP/dpa)", "(dr/spot)", "(via Geeks Are Sexy)"])
def test_a_sign_off_of_initials_an_agency_or_a_source_at_the_end_is_dropped(line):
    assert drop_byline_lines("\n".join([*BODY, line]), []) == "\n".join(BODY)


@pytest.mark.parametrize("line", [
    "Jane Doe reports from the harbour on 3 March.",  # a sentence naming the author
    "By Jane Doe, with reporting from the harbour office",  # more than the byline
    "Jane Doe",  # between the paragraphs, not at an edge of the text
])
def test_lines_that_name_the_author_but_are_no_edge_byline_stay(line):
    body = paragraphs("harbour", 10)
    at = 5 if line == "Jane Doe" else 1
    text = "\n".join([*body[:at], line, *body[at:]])
    assert drop_byline_lines(text, ["Jane Doe"]) == text


@pytest.mark.parametrize("authors", [[], ["Redaktion"], ["AP"]])
def test_without_a_full_name_no_name_is_dropped(authors):
    # a one-word "author" is usually the site or a desk: "Redaktion" may well be a word of the text
    text = "\n".join([BODY[0], "Redaktion", *BODY[1:]])
    assert drop_byline_lines(text, authors) == text


def test_a_text_that_is_only_a_byline_is_left_alone():
    assert drop_byline_lines("By Jane Doe", ["Jane Doe"]) == "By Jane Doe"


def test_extraction_keeps_the_author_and_drops_the_byline_line_from_the_text():
    body = "".join(f"<p>{p}</p>" for p in BODY[:1]) + "<p>Von Vanessa Franke</p>" + "".join(f"<p>{p}</p>" for p in BODY[1:])
    page = extract_html(f"<html><head><title>Hafen</title><meta name='author' content='Vanessa Franke'></head><body>"
                        f"<article><h1>Hafen</h1>{body}</article></body></html>", "https://news.example/hafen")
    assert page.authors == ["Vanessa Franke"]
    assert "Vanessa Franke" not in page.text and BODY[0] in page.text and BODY[-1] in page.text


def test_an_authors_biography_among_the_last_lines_is_dropped():
    bio = "Inga Buller ist Head of Social & Community bei CHIP. Wenn sie nichts verkauft, testet sie Apps."
    assert drop_byline_lines("\n".join([*BODY, bio]), ["Inga Buller"]) == "\n".join(BODY)


def test_a_paragraph_that_begins_with_the_authors_name_elsewhere_stays():
    # at the top it is the article speaking of its author (a column, an interview), not the bio box
    line = "Inga Buller ist Head of Social & Community bei CHIP und hat die Apps getestet."
    text = "\n".join([line, *BODY])
    assert drop_byline_lines(text, ["Inga Buller"]) == text
