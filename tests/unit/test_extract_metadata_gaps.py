"""Metadata a page's head does not declare: bylines as sites write them, JSON-LD, the day from the
markup or the URL, the site from the host; found without trafilatura's costly author search."""

from datetime import datetime, timezone

import pytest

from ingest.extract import extract_html
from ingest.fallback_meta import fill_gaps
from ingest.extractors import parse_html
from test_ingest_support import paragraphs


def _page(head: str = "", byline: str = "", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs("bridge"))
    return (f"<html lang='{lang}'><head><title>Bridge plan | The Example</title>{head}</head><body><article>"
            f"<h1>Bridge plan</h1>{byline}{body}</article></body></html>")


_DATED = "<meta property='article:published_time' content='2024-05-02T11:30:00+02:00'>"


@pytest.mark.parametrize("byline, authors", [
    ('<span class="post-author vcard">Posted by <span class="fn">Ned Deily</span></span>', ["Ned Deily"]),
    ('<div class="byline">Written by: Charnele Henry</div>', ["Charnele Henry"]),
    ('<span class="meta-author">Eingestellt von Meike Neitz</span>', ["Meike Neitz"]),
    ('<p class="byline">Jessica DeFino Updated Mar 12, 2020 @ 10:42 am</p>', ["Jessica DeFino"]),
    ('<p class="byline">Posted by Günter W. Kienitz at 18:52</p>', ["Günter W. Kienitz"]),
    ('<span class="vcard author">Loïc Le Clerc</span>', ["Loïc Le Clerc"]),
    ('<div class="author">Autor: Paula Balov</div>', ["Paula Balov"]),
    ('<p class="byline">Rodrigo Mejías04 de mayo 2022 a las 09:01 hrs.</p>', ["Rodrigo Mejías"]),
])
def test_a_byline_gives_the_names_without_the_words_and_dates_around_them(byline, authors):
    assert extract_html(_page(_DATED, byline), "https://news.example/b").authors == authors


def test_a_byline_that_is_only_a_date_gives_no_author():
    assert extract_html(_page(_DATED, '<p class="byline">May 2, 2024</p>'), "https://news.example/b").authors == []


def test_an_author_declared_only_in_json_ld_is_found():
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
          ' "headline": "Bridge plan", "author": {"@type": "Person", "name": "Ines Alvarez"}}</script>')
    page = extract_html(_page(ld), "https://news.example/2024/05/02/bridge")
    assert page.authors == ["Ines Alvarez"]


def test_a_page_without_a_date_in_its_head_gets_the_day_from_its_url_even_with_a_declared_language():
    page = extract_html(_page(), "https://news.example/2024/05/02/bridge-plan")
    assert page.language == "en"
    assert page.published_at == datetime(2024, 5, 2, tzinfo=timezone.utc)


def test_a_page_without_a_date_anywhere_has_none():
    assert extract_html(_page(), "https://news.example/bridge-plan").published_at is None


def test_the_site_is_named_after_the_host_when_the_page_does_not_name_it():
    assert extract_html(_page(), "https://www.news.example/bridge").site_name == "news.example"


def test_a_twitter_handle_as_site_name_loses_its_at_sign():
    gaps = fill_gaps(parse_html(_page('<meta name="twitter:site" content="@dailyexample">')), None,
                     need_title=True, need_date=False)
    assert gaps.sitename == "Dailyexample"


def test_broken_json_ld_costs_that_field_not_the_page():
    page = extract_html(_page('<script type="application/ld+json">{"author": [</script>'), "https://news.example/b")
    assert page is not None and page.title == "Bridge plan"
