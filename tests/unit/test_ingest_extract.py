"""Article extraction: the story's text and metadata, none of the page around it."""

from datetime import datetime, timezone

import pytest

from ingest.extract import drop_headline, extract_html
from test_ingest_support import article_html, paragraphs

BOILERPLATE = [
    "Accept all cookies", "We use cookies",  # cookie banner
    "World news section", "Sport scores section", "Subscribe today",  # navigation
    "morning newsletter", "Enter your email address",  # newsletter box
    "Related stories", "Mayor unveils bold traffic scheme", "Ten things to do",  # related links
    "Reader comment", "disgrace", "great reporting",  # comments
    "All rights reserved", "Privacy policy", "Terms of use",  # footer
]


def test_article_text_is_kept_and_page_boilerplate_dropped():
    paras = paragraphs("bridge")
    page = extract_html(article_html("Council to review bridge plan", paras), "https://news.example/bridge")
    assert page is not None
    for p in paras:
        assert p in page.text
    for phrase in BOILERPLATE:
        assert phrase not in page.text, phrase


def test_metadata_is_extracted():
    page = extract_html(article_html("Council to review bridge plan", paragraphs("bridge"), lang="en-GB",
                                     published="2024-05-02T11:30:00+02:00", author="Jane Doe; John Roe"),
                        "https://news.example/bridge")
    assert page.title == "Council to review bridge plan"
    assert page.authors == ["Jane Doe", "John Roe"]
    assert page.published_at == datetime(2024, 5, 2, 9, 30, tzinfo=timezone.utc)
    assert page.language == "en"
    assert page.image == "https://img.example.com/lead.jpg"
    assert page.site_name == "The Daily Example"
    assert page.canonical_url is None


def test_a_declared_canonical_url_is_resolved_against_the_page_url():
    html = article_html("T", paragraphs("canon"), canonical="/news/2024/canon-story")
    page = extract_html(html, "https://www.news.example/amp/canon-story?utm_source=x")
    assert page.canonical_url == "https://www.news.example/news/2024/canon-story"


def test_a_canonical_that_is_not_http_is_ignored():
    html = article_html("T", paragraphs("canon"), canonical="javascript:alert(1)")
    assert extract_html(html, "https://news.example/a").canonical_url is None


def test_canonical_comes_from_the_link_tag_not_og_url():
    # trafilatura's own ``url`` prefers og:url; the canonical link is what the publisher means
    html = article_html("T", paragraphs("og"), canonical="https://news.example/real").replace(
        "<head>", '<head><meta property="og:url" content="https://news.example/og-version">')
    assert extract_html(html, "https://news.example/x").canonical_url == "https://news.example/real"


def test_a_json_ld_publication_date_is_used_when_no_meta_tag_has_one():
    html = article_html("T", paragraphs("ld")).replace('<meta property="article:published_time" content="2024-05-02T09:30:00+00:00">', "")
    html = html.replace("</head>", '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2024-04-01T08:00:00Z"}]}</script></head>')
    assert extract_html(html, "https://news.example/ld").published_at == datetime(2024, 4, 1, 8, 0, tzinfo=timezone.utc)


def test_an_xhtml_page_with_an_xml_declaration_is_read():
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + article_html("X", paragraphs("xhtml"), canonical="https://news.example/xhtml")
    page = extract_html(html, "https://news.example/x")
    assert page is not None and page.canonical_url == "https://news.example/xhtml"


def test_a_page_without_text_gives_none():
    assert extract_html("<html><head><title>t</title></head><body></body></html>", "https://news.example/") is None
    assert extract_html("", None) is None


def test_a_page_without_an_article_gives_little_text():
    # what is too little to trust is the stage's call (min_text_chars), not the extractor's
    page = extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>", "https://news.example/")
    assert page is None or len(page.text) < 20


def _page_with_byline(byline_html: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs("bridge"))
    return (f"<html><head><title>Bridge plan</title><meta property='article:published_time' "
            f"content='2024-05-02T11:30:00+02:00'></head><body><article><h1>Bridge plan</h1>"
            f"{byline_html}{body}</article></body></html>")


def test_an_author_without_a_meta_tag_comes_from_the_byline():
    page = extract_html(_page_with_byline('<p class="byline">By Ines Alvarez</p>'), "https://news.example/b")
    assert page.authors == ["Ines Alvarez"]
    page = extract_html(_page_with_byline('<a rel="author" href="/staff/jd">Jane Doe</a>'), "https://news.example/b")
    assert page.authors == ["Jane Doe"]


def test_no_byline_no_author():
    page = extract_html(_page_with_byline(""), "https://news.example/b")
    assert page.authors == []


def test_a_page_that_declares_no_language_gets_the_language_of_its_text():
    french = ["Le conseil municipal a approuvé mardi soir le projet de rénovation du pont, après "
              "deux années de débats entre les riverains et les services de la ville.",
              "Les travaux commenceront au printemps et dureront dix-huit mois, selon le maire, qui "
              "a promis que la circulation ne serait jamais complètement interrompue."] * 3
    body = "".join(f"<p>{p}</p>" for p in french)
    html = f"<html><head><title>Pont</title></head><body><article><h1>Pont</h1>{body}</article></body></html>"
    assert extract_html(html, "https://news.example/pont").language == "fr"


def test_a_declared_language_is_kept():
    page = extract_html(article_html("Bridge", paragraphs("bridge"), lang="de"), "https://news.example/b")
    assert page.language == "de"


def test_a_byline_of_several_authors_gives_each_of_them():
    page = extract_html(_page_with_byline('<div class="byline">By Ines Alvarez, Jane Doe and John Roe</div>'),
                        "https://news.example/b")
    assert page.authors == ["Ines Alvarez", "Jane Doe", "John Roe"]


# --- the text itself on real-style pages ------------------------------------------------------------

_REACT_PARAS = [
    "The council voted <!-- -->14<!-- --> to <!-- -->3<!-- --> on Tuesday night to approve the harbour bridge, "
    "ending two years of argument between residents and the port authority.",
    "Construction will begin in <!-- -->April<!-- --> and is expected to last eighteen months, the mayor, "
    "<!-- --><a href=\"/people/ines-alvarez\">Ines Alvarez</a><!-- -->, told reporters after the vote.",
    "Opponents said they would keep a close watch on the budget, which has already grown by a fifth since the "
    "first plans were published in <!-- -->2023<!-- -->.",
]


def test_html_comments_between_text_runs_do_not_cut_paragraphs():
    # React (server rendering) writes <!-- --> between adjacent text nodes; a tree that kept them
    # made trafilatura stop every such paragraph at the first one.
    body = "".join(f"<p>{p}</p>" for p in _REACT_PARAS)
    html = (f'<!DOCTYPE html><html lang="en"><head><title>Harbour bridge approved</title></head><body><div id="__next">'
            f'<header><nav><a href="/">Home</a><a href="/local">Local</a></nav></header><main><article>'
            f'<h1>Harbour bridge approved<!-- --> after two-year fight</h1>{body}</article></main></div></body></html>')
    page = extract_html(html, "https://news.example/bridge")
    assert "The council voted 14 to 3 on Tuesday night to approve the harbour bridge, ending two years" in page.text
    assert "the mayor, Ines Alvarez, told reporters after the vote." in page.text
    assert "first plans were published in 2023." in page.text


def test_a_table_that_is_the_article_is_kept():
    rows = [("Harbour Rovers", 24, 58), ("Lighthouse United", 24, 51), ("Quayside Athletic", 24, 47), ("Old Town FC", 24, 30)]
    table = "".join(f"<tr><td>{team}</td><td>{played}</td><td>{points}</td></tr>" for team, played, points in rows)
    html = (f'<html lang="en"><head><title>Coastal League standings</title></head><body><nav><a href="/">Sport</a></nav>'
            f'<article><h1>Coastal League standings after week 24</h1>'
            f'<p>Harbour Rovers stretched their lead at the top to seven points with a 3-1 win at the weekend, while '
            f'Old Town FC remain rooted to the bottom after a fifth straight defeat.</p>'
            f'<table><thead><tr><th>Team</th><th>Played</th><th>Points</th></tr></thead><tbody>{table}</tbody></table>'
            f'<p>The top two teams meet on Saturday in a match that could all but settle the title.</p></article>'
            f'<footer>All rights reserved</footer></body></html>')
    text = extract_html(html, "https://news.example/standings").text
    for team, _played, points in rows:
        assert team in text and str(points) in text
    assert "could all but settle the title" in text


def test_a_pictures_caption_is_not_a_paragraph_of_the_article():
    paras = paragraphs("harbour bridge")
    caption = "Workers lift the first steel section of the harbour bridge into place on Monday morning"
    # WordPress sets the caption beside the figure, inside the paragraph: trafilatura keeps it
    figure = f'<p><figure><img src="/bridge.jpg"></figure><figcaption class="wp-caption-text">{caption}</figcaption></p>'
    html = (f'<html lang="en"><head><title>Harbour bridge rises</title></head><body><nav><a href="/">Home</a></nav>'
            f'<article><h1>Harbour bridge rises</h1><p>{paras[0]}</p>{figure}'
            + "".join(f"<p>{p}</p>" for p in paras[1:]) + '</article><footer>All rights reserved</footer></body></html>')
    text = extract_html(html, "https://news.example/bridge").text
    assert caption not in text
    assert all(p in text for p in paras)


def test_an_article_header_set_in_a_figcaption_is_no_caption():
    paras = paragraphs("handball coach")
    header = (f'<figure><img src="/coach.jpg"></figure><figcaption>\n<small>31.01.2022 2. HBL</small>\n'
              f'<h1>New head coach for Dormagen</h1>\n<p>{paras[0]}</p>\n</figcaption>')
    html = (f'<html lang="de"><head><title>New head coach for Dormagen</title></head><body><nav><a href="/">Home</a></nav>'
            f'<section class="news">{header}' + "".join(f"<p>{p}</p>" for p in paras[1:]) + '</section></body></html>')
    assert all(p in extract_html(html, "https://news.example/coach").text for p in paras)


def test_a_page_that_is_only_a_captioned_picture_keeps_its_caption():
    caption = ("The harbour at dawn, seen from the lighthouse: fishing boats return with the night's catch while the "
               "ferry to the islands waits at the quay for its first passengers of the day.")
    html = (f'<html lang="en"><head><title>Picture of the day</title></head><body><article><h1>Picture of the day</h1>'
            f'<figure><img src="/harbour.jpg"><figcaption>{caption}</figcaption></figure></article></body></html>')
    page = extract_html(html, "https://news.example/picture")
    assert page is not None and caption in page.text


def test_the_headline_is_not_repeated_at_the_start_of_the_text():
    paras = paragraphs("bridge")
    body = "".join(f"<p>{p}</p>" for p in paras)
    html = (f'<html><head><title>Council to review bridge plan | The Daily Example</title>'
            f'<meta property="og:title" content="Council to review bridge plan"></head><body>'
            f'<article><h1>Council to review   bridge plan</h1>{body}</article></body></html>')
    page = extract_html(html, "https://news.example/bridge")
    assert page.title == "Council to review bridge plan"
    assert page.text.startswith(paras[0])


def test_a_first_line_that_is_not_the_headline_stays():
    paras = paragraphs("bridge")
    body = "".join(f"<p>{p}</p>" for p in paras)
    html = (f'<html><head><title>Bridge plan</title></head><body><article><h1>Bridge plan</h1>'
            f'<h2>What the council decided</h2>{body}</article></body></html>')
    assert extract_html(html, "https://news.example/bridge").text.startswith("What the council decided")


@pytest.mark.parametrize("above", [["News"], ["Betriebliche Altersvorsorge"], ["Panamá", "Politik"]])
def test_a_headline_below_a_kicker_or_section_name_goes_with_them(above):
    text = "\n".join([*above, "Bridge plan", "The council met.", "It voted."])
    assert drop_headline(text, ["Bridge plan"]) == "The council met.\nIt voted."


def test_a_headline_below_a_paragraph_or_deep_in_the_text_stays():
    paragraph = "The council met on Tuesday evening and, after a long debate, voted for the new bridge plan."
    text = f"{paragraph}\nBridge plan\nIt voted."
    assert drop_headline(text, ["Bridge plan"]) == text
    text = "One.\nTwo.\nThree.\nBridge plan\nIt voted."
    assert drop_headline(text, ["Bridge plan"]) == text


@pytest.mark.parametrize("title", ["Council approves harbour bridge | Estuary Courier",
                                   "Council approves harbour bridge - Estuary Courier",
                                   "Estuary Courier – Council approves harbour bridge"])
def test_a_headline_that_is_the_title_without_the_sites_name_goes(title):
    text = "Council approves harbour bridge\nThe council met.\nIt voted."
    assert drop_headline(text, [title]) == "The council met.\nIt voted."


def test_a_kicker_that_is_part_of_the_title_goes_with_the_headline_below_it():
    text = "100. Geburtstag\nMargot Friedländer wird 100 Jahre alt\nSie überlebte das Lager.\nHeute lebt sie in Berlin."
    title = "100. Geburtstag: Margot Friedländer wird 100 Jahre alt"
    assert drop_headline(text, [title]) == "Sie überlebte das Lager.\nHeute lebt sie in Berlin."


def test_a_short_part_of_the_title_is_a_section_name_not_a_headline():
    text = "Politik\nThe council met.\nIt voted."
    assert drop_headline(text, ["Politik | Estuary Courier"]) == text


def test_drop_headline_keeps_a_text_that_is_only_the_headline():
    assert drop_headline("Bridge plan", ["Bridge plan"]) == "Bridge plan"
    assert drop_headline("Bridge plan\nThe council met.", ["bridge  PLAN"]) == "The council met."
    assert drop_headline("Bridge plan\nThe council met.", [None, ""]) == "Bridge plan\nThe council met."


def test_the_page_says_which_extractor_produced_its_text():
    page = extract_html(article_html("Council to review bridge plan", paragraphs("bridge")), "https://news.example/bridge")
    assert page.extractor == "trafilatura-fast"  # the two opinions agree on a plain article page
