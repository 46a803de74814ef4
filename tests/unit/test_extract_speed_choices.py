"""What extraction does to be fast gives the answers of the plain way of doing it."""

from __future__ import annotations

import json
import subprocess
import sys

import lxml.etree
import lxml.html

from ingest.bylines import _BYLINE_XPATH
from ingest.extract import extract_html
from ingest.extractors import drop_unread, parse_html, trafilatura_text
from test_ingest_support import article_html, paragraphs

#: the byline search written the plain way: every element, each predicate in turn
PLAIN_BYLINE_XPATH = lxml.etree.XPath(
    '//*[@rel="author" or @itemprop="author" or contains(@class, "author") or contains(@class, "byline")]')

FORM_PAGE = f"""<html><head><title>Council vote</title></head><body>
<form action="/search"><label for="q">Search</label><input id="q" name="q" value="harbour"><select name="s">
<option>All</option></select><textarea name="t">note</textarea><button>Go</button></form>
<article><h1>Council vote</h1>{''.join(f'<p>{p}</p>' for p in paragraphs('harbour', 5))}</article>
<form action="/newsletter"><input type="email" name="e"><input type="submit" value="Subscribe to our newsletter"></form>
</body></html>"""

#: a page with everything drop_unread removes, JSON-LD it keeps, and an unclosed tag in a <noscript>
SCRIPTED_PAGE = f"""<html><head><title>Council vote</title><style>p {{ color: red }}</style>
<script>window.dataLayer = [];</script><script type="application/ld+json">{{"@type": "NewsArticle"}}</script>
<script type=" Application/LD+JSON ">{{"@type": "Person"}}</script></head><body>
<noscript><div id="nojs"></noscript>
<article><h1>Council vote</h1><p>Before the drawing <svg viewBox="0 0 10 10"><path d="M0 0h10"/><text>icon</text></svg>after it.</p>
{''.join(f'<p>{p}</p>' for p in paragraphs('harbour', 5))}<script src="/ads.js"></script>tail of the script
<script type="text/template"><p>a template the page renders later</p></script></article></body></html>"""


def test_dropping_what_no_extractor_reads_keeps_json_ld_noscript_and_the_tails():
    tree = parse_html(SCRIPTED_PAGE)
    drop_unread(tree)
    assert [s.text for s in tree.iter("script")] == ['{"@type": "NewsArticle"}', '{"@type": "Person"}']
    assert not tree.xpath("//style | //svg")
    assert tree.find(".//noscript") is not None  # here it holds the whole article
    text = tree.text_content()
    assert "Before the drawing after it." in text and "tail of the script" in text
    assert "icon" not in text and "dataLayer" not in text and "a template" not in text


def test_trafilatura_gives_the_same_text_without_what_no_extractor_reads():
    for page in (SCRIPTED_PAGE, FORM_PAGE, article_html("Council vote", paragraphs("harbour", 6))):
        whole, dropped = parse_html(page), parse_html(page)
        drop_unread(dropped)
        for fast in (True, False):
            assert trafilatura_text(dropped, "https://x.example/a", fast=fast) == trafilatura_text(
                whole, "https://x.example/a", fast=fast)
    assert "tail of the script" in extract_html(SCRIPTED_PAGE, "https://x.example/a").text


def test_the_byline_search_finds_the_elements_of_the_plain_search_in_document_order():
    page = lxml.html.document_fromstring("""<html><body>
      <div class="post-author-box"><span itemprop="author">Ines Alvarez</span></div>
      <a rel="author" href="/jd">Jane Doe</a><a rel="nofollow author" href="/x">not exactly author</a>
      <p class="byline main">By John Roe</p><p class="authorship"><span class="x" itemprop="authors">no</span></p>
      <div><span class="Author">capitals differ</span><b class="byline-date" rel="author">both at once</b></div>
    </body></html>""")
    found = _BYLINE_XPATH(page)
    assert found == PLAIN_BYLINE_XPATH(page)
    assert [el.text_content().strip()[:12] for el in found] == [
        "Ines Alvarez", "Ines Alvarez", "Jane Doe", "By John Roe", "no", "both at once"]


def test_every_element_of_a_parsed_page_is_an_html_element_and_form_fields_read_as_text():
    tree = parse_html(FORM_PAGE)
    assert all(isinstance(el, lxml.html.HtmlElement) for el in tree.iter(lxml.etree.Element))
    assert tree.find(".//input").get("value") == "harbour"
    assert tree.find(".//h1").text_content() == "Council vote"


def test_trafilatura_gives_the_same_text_as_on_a_tree_of_lxml_htmls_own_element_classes():
    stock = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
    for page in (FORM_PAGE, article_html("Council vote", paragraphs("harbour", 6))):
        ours = parse_html(page)
        theirs = lxml.html.document_fromstring(page, parser=stock)
        assert isinstance(theirs.find(".//form"), lxml.html.FormElement)  # what the stock lookup would give
        for fast in (True, False):
            assert trafilatura_text(ours, "https://x.example/a", fast=fast) == trafilatura_text(
                theirs, "https://x.example/a", fast=fast)
    assert "Subscribe" not in extract_html(FORM_PAGE, "https://x.example/a").text


def test_the_url_reader_of_extract_imports_neither_the_public_suffix_list_nor_httpxs_command_line_client():
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import newsflow.extraction.web, httpx; httpx.Client"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    loaded = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "ingest.fetch" in loaded  # a URL is fetched by the same process
    assert not {"tldextract", "rich", "pygments"} & loaded  # rich and pygments: what httpx._main imports


def test_extracting_saved_pages_imports_neither_the_settings_nor_the_http_client(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(article_html("Council vote", paragraphs("harbour", 6)), encoding="utf-8")
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "newsflow.cli", "extract", "--json", str(page)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["title"] == "Council vote"
    loaded = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "trafilatura" in loaded
    assert not {"pydantic_settings", "pydantic", "httpx", "newsflow.core.config", "ingest.fetch"} & loaded
