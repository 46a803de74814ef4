"""The article body a page declares in JSON-LD, and when it replaces the extracted text."""

import json

from ingest.declared_body import cut_after_declared_end, declared_body, declared_summary, jsonld_objects
from ingest.evaluation import EvalPage, declared_text
from ingest.extract import extract_html
from ingest.extractors import parse_html
from test_ingest_support import article_html, paragraphs

BODY = paragraphs("harbour bridge", 8)


def _page(html_body: str, *objects: dict | str, title: str = "Harbour bridge approved") -> str:
    scripts = "".join(f'<script type="application/ld+json">{o if isinstance(o, str) else json.dumps(o)}</script>'
                      for o in objects)
    return (f'<html lang="en"><head><title>{title}</title>{scripts}</head>'
            f'<body><nav><a href="/">Home</a><a href="/news">News</a></nav>{html_body}</body></html>')


def _article(body: str, kind: str = "NewsArticle", **more: str) -> dict:
    return {"@context": "https://schema.org", "@type": kind, "headline": "Harbour bridge approved",
            "datePublished": "2024-05-02T09:30:00+00:00", "articleBody": body, **more}


# a page rendered in the browser: its HTML holds the app's shell and a picture's caption (long
# enough that trafilatura does not fall back on its own reading of the whole page)
SHELL = ('<div id="app"><figure><img src="/bridge.jpg"></figure>'
         '<p>The harbour seen from the old quarter on Tuesday morning, where the council wants the new bridge to '
         'land: the quay, the fish market and the ferry terminal would all sit in its shadow, and the residents '
         'of the narrow streets behind them have argued against it for two years. Photo: AP</p></div>')


def test_a_page_whose_html_holds_no_article_gets_the_body_it_declares():
    page = extract_html(_page(SHELL, _article(" ".join(BODY))), "https://news.example/bridge")
    assert page.extractor == "json-ld"
    assert all(p in page.text for p in BODY)
    assert "the fish market and the ferry terminal" not in page.text


TEASER = ("The council approved the harbour bridge on Tuesday after two years of argument, and the "
          "residents of the old quarter say they will take the decision to court.")
# a paywalled page: the teaser, then the offer; the whole article only in JSON-LD
PAYWALL = (f'<article><h1>Harbour bridge approved</h1><p class="teaser">{TEASER}</p>'
           '<div class="paywall"><p>Read on with Daily+</p><p>Annual subscription</p><p>99.00 EUR</p>'
           '<p>in the first year</p><ul><li>Daily news, prices and market data</li><li>Exclusive reports and videos</li>'
           '<li>Cancel any time</li></ul><p>Subscribe now</p></div></article>')


def test_a_paywalled_page_gets_its_teaser_and_the_body_it_declares_without_the_offer():
    page = extract_html(_page(PAYWALL, _article("\n".join(BODY), description=TEASER)), "https://news.example/bridge")
    assert page.extractor == "json-ld"
    assert page.text.split("\n") == [TEASER, *BODY]


def test_a_declared_teaser_the_page_does_not_show_is_not_added():
    shell = SHELL.replace("Photo: AP", "")
    page = extract_html(_page(shell, _article("\n".join(BODY), description=TEASER)), "https://news.example/bridge")
    assert page.extractor == "json-ld"
    assert page.text.split("\n") == BODY


def test_a_declared_teaser_the_body_already_starts_with_is_not_doubled():
    page = extract_html(_page(PAYWALL, _article("\n".join([TEASER, *BODY]), description=TEASER)),
                        "https://news.example/bridge")
    assert page.text.split("\n") == [TEASER, *BODY]


def test_the_declared_teaser_is_the_description_of_the_object_that_declares_the_body():
    site = {"@type": "WebSite", "description": "The Daily Example: news from the harbour city"}
    tree = parse_html(_page("", site, _article(BODY[0], description="Council &amp; harbour:\n the bridge")))
    assert declared_summary(jsonld_objects(tree)) == "Council & harbour: the bridge"
    assert declared_summary(jsonld_objects(parse_html(_page("", site, _article(BODY[0]))))) == ""
    assert declared_summary(jsonld_objects(parse_html(_page("", [_article(BODY[0], description="a"),
                                                                  _article(BODY[1], description="b")])))) == ""


def test_a_page_that_shows_more_than_half_of_its_declared_body_keeps_the_extracted_text():
    # the declared text may differ a little, or carry more of the site's furniture: only a page that
    # shows under half of it is taken for a shell or a teaser
    html = article_html("Harbour bridge approved", BODY[:5]).replace(
        "</head>", f'<script type="application/ld+json">{json.dumps(_article(" ".join(BODY)))}</script></head>')
    page = extract_html(html, "https://news.example/bridge")
    assert page.extractor.startswith("trafilatura")
    assert BODY[6] not in page.text


def test_a_page_whose_html_holds_the_article_keeps_the_extracted_text():
    declared = " ".join(BODY) + " Jane Roe is a reporter at the Daily Example."
    html = article_html("Harbour bridge approved", BODY).replace("</head>", f'<script type="application/ld+json">'
                                                                  f'{json.dumps(_article(declared))}</script></head>')
    page = extract_html(html, "https://news.example/bridge")
    assert page.extractor.startswith("trafilatura")
    assert "Jane Roe is a reporter" not in page.text


def test_the_declared_body_is_plain_text_one_paragraph_a_line():
    escaped = "".join(f"<p>{p.replace(',', ' &amp;')}</p>" for p in BODY)
    assert declared_body(jsonld_objects(parse_html(_page("", _article(escaped))))).split("\n") == [p.replace(",", " &") for p in BODY]
    assert declared_body(jsonld_objects(parse_html(_page("", _article("Tom &amp; Jerry\n\nand more"))))) == "Tom & Jerry\nand more"


def test_a_body_whose_html_is_escaped_is_plain_text_too():
    escaped = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in BODY)
    assert declared_body(jsonld_objects(parse_html(_page("", _article(escaped))))).split("\n") == BODY


def test_a_body_found_in_a_graph_counts():
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, _article("\n".join(BODY))]}
    assert declared_body(jsonld_objects(parse_html(_page("", graph)))) == "\n".join(BODY)


def test_a_listing_that_declares_several_bodies_declares_none():
    page = _page("", [_article(BODY[0]), _article(BODY[1])])
    assert declared_body(jsonld_objects(parse_html(page))) == ""


def test_a_body_in_a_cms_markup_is_not_used():
    markdown = f"**{BODY[0]}**\n\n[Hotels](https://news.example/hotels)\n\n[#image: /photos/1]|||A caption|||"
    assert declared_body(jsonld_objects(parse_html(_page("", _article(markdown))))) == ""


def test_scripts_that_are_not_json_or_declare_no_body_give_nothing():
    tree = parse_html(_page("", "{not json", {"@type": "WebPage", "name": "Home"}))
    assert declared_body(jsonld_objects(tree)) == ""
    assert [item["@type"] for item in jsonld_objects(tree)] == ["WebPage"]
    assert declared_body(jsonld_objects(None)) == ""


def test_a_script_nested_deeper_than_the_parser_goes_is_skipped_and_the_page_extracted():
    deep = "[" * 200_000 + "]" * 200_000  # json.loads raises RecursionError, not ValueError
    html = article_html("Harbour bridge approved", BODY).replace(
        "</head>", f'<script type="application/ld+json">{deep}</script></head>')
    assert declared_body(jsonld_objects(parse_html(html))) == ""
    assert all(p in extract_html(html, "https://news.example/bridge").text for p in BODY)


def test_the_evaluation_scores_against_the_body_a_page_declares():
    html = _page(PAYWALL, _article("\n".join(BODY), description=TEASER))
    assert declared_text(EvalPage("0001", "https://news.example/bridge", html)) == "\n".join(BODY)
    assert declared_text(EvalPage("0002", None, "<html><body><p>No JSON-LD here.</p></body></html>")) == ""


# what a news site's template sets after the article, where the extractors keep it
PLEA = ["We have been doing journalism for 106 years. Now, more than ever, it matters.",
        "Sign up for our newsletter"]


def test_what_follows_the_end_of_the_declared_body_goes():
    text = "\n".join([*BODY, *PLEA])
    assert cut_after_declared_end(text, "\n".join(BODY)) == "\n".join(BODY)


def test_the_body_is_matched_line_by_line_whatever_its_spacing_case_or_list_marks():
    lines = [*BODY[:7], "- Harbour Bridge Timeline", BODY[7]]
    declared = " ".join(BODY[:7]) + "\n• harbour  bridge timeline\n" + BODY[7].replace(",", " ,")
    assert cut_after_declared_end("\n".join([*lines, *PLEA]), declared) == "\n".join(lines)


def test_a_declared_body_that_stops_before_the_last_paragraphs_cuts_nothing():
    more = ["The ferry company, which has run the crossing since 1952, told shareholders on Wednesday that it "
            "expects passenger numbers to fall by a third once the bridge opens, and that it will sell two of "
            "its four boats before the end of the decade.",
            "Residents of the islands, who depend on the boats for school runs and hospital visits, asked the "
            "council to guarantee a winter timetable in writing before the final vote, due in the spring."]
    text = "\n".join([*BODY, *more, *PLEA])
    assert cut_after_declared_end(text, "\n".join(BODY)) == text
    short = [f"Short paragraph {i} of the report." for i in range(12)]
    text = "\n".join([*BODY[:3], *short])
    assert cut_after_declared_end(text, "\n".join(BODY[:3])) == text  # more than a quarter of the text


def test_a_long_run_of_short_lines_after_the_body_stays():
    # a listing or a long table is content; a template's tail is a few lines
    rows = [f"| Ferry {i} | 07:{i:02d} |" for i in range(60)]
    body = "\n".join(BODY * 4)  # long enough that the rows are under a quarter of the text
    text = "\n".join([body, *rows])
    assert cut_after_declared_end(text, body) == text


def test_a_text_that_ends_where_the_declared_body_ends_is_left_as_it_is():
    assert cut_after_declared_end("\n".join(BODY), "\n".join(BODY)) == "\n".join(BODY)
    assert cut_after_declared_end("\n".join(PLEA), "\n".join(BODY)) == "\n".join(PLEA)  # nothing in common
    assert cut_after_declared_end("", "\n".join(BODY)) == ""


def test_a_page_that_declares_its_whole_body_loses_what_its_template_sets_after_it():
    html = article_html("Harbour bridge approved", [*BODY, *PLEA]).replace(
        "</head>", f'<script type="application/ld+json">{json.dumps(_article(" ".join(BODY)))}</script></head>')
    page = extract_html(html, "https://news.example/bridge")
    assert page.text.split("\n") == BODY
