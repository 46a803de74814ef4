"""The bundled sample news site (demo): content, server, feeds, and extraction.

The site is what `make demo` and the end-to-end tests run the pipeline on, so these tests pin
down the properties they rely on: the feeds overlap, links point back at the server, the
syndicated copy extracts to the same text as its original, and trafilatura (with the settings
ingest uses) keeps every article paragraph and drops all of the page chrome.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx
import pytest

from ingest.extract import extract_html
from newsflow.core.contracts import content_hash
from demo import (
    ARTICLES,
    BOILERPLATE_PHRASES,
    COMMON_BOILERPLATE_PHRASES,
    ORIGINALS,
    PARTNER_BOILERPLATE_PHRASES,
    SITE_NAME,
    SITE_ROOT,
    SYNDICATED_COPY,
    SampleSite,
    by_path,
    by_slug,
)
from demo import _build

ORIGINAL_PATHS = [a.path for a in ORIGINALS]


def _ids(a) -> str:
    return ("wire:" if a.syndicated else "") + a.slug


@pytest.fixture(scope="module")
def site():
    with SampleSite() as s:
        yield s


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=10) as c:
        yield c


def _path_of(url: str) -> str:
    return urlsplit(url).path


def _extract(html: str, url: str):
    """The page through ingest's own extraction path, as the pipeline sees it."""
    page = extract_html(html, url)
    assert page is not None, url
    return page


# --- content -------------------------------------------------------------------------------


def test_site_files_are_what_the_generator_renders():
    expected = _build.render_all()
    on_disk = {
        p.relative_to(SITE_ROOT).as_posix(): p.read_text(encoding="utf-8")
        for p in SITE_ROOT.rglob("*")
        if p.is_file()
    }
    assert sorted(on_disk) == sorted(expected), "run: python -m demo._build"
    stale = [rel for rel, text in expected.items() if on_disk[rel] != text]
    assert not stale, f"site/ is out of date for {stale}; run: python -m demo._build"


def test_article_catalogue():
    assert len(ORIGINALS) == 10
    assert ARTICLES == [*ORIGINALS, SYNDICATED_COPY]
    assert len({a.slug for a in ORIGINALS}) == 10
    assert len({a.path for a in ARTICLES}) == 11
    assert [a.published for a in ORIGINALS] == sorted(a.published for a in ORIGINALS)
    for a in ORIGINALS:
        assert re.fullmatch(rf"/news/2026/{a.published:%m}/[a-z0-9-]+\.html", a.path), a.path
        assert a.path.endswith(f"/{a.slug}.html")
        assert 300 <= len(a.text.split()) <= 600, (a.slug, len(a.text.split()))
        assert a.authors and a.summary and a.entities
        # Title Case: every word of four letters or more starts with a capital
        assert all(w[0].isupper() for w in a.title.split() if len(w) >= 4 and w[0].isalpha()), a.title
        assert by_slug(a.slug) is a and by_path(a.path) is a
        # the unique phrase is in this article's text and in no other original
        assert [b.slug for b in ORIGINALS if a.unique_phrase in b.text] == [a.slug]
        for forms in a.entities.values():
            for form in forms:
                assert form in a.text, (a.slug, form)
        for org in a.organizations:
            assert org in a.text, (a.slug, org)
        curly = "’" in a.text or "“" in a.text
        straight = "'" in a.text or '"' in a.text
        assert (curly, straight) == ((True, False) if a.apostrophes == "curly" else (False, True)), a.slug
    copy = SYNDICATED_COPY
    original = by_path(copy.syndication_of)
    assert copy.syndicated and copy.path == f"/partners/wire/{original.slug}.html"
    assert copy.paragraphs == original.paragraphs and copy.title == original.title


def test_spelling_variants_across_articles():
    forms: dict[str, set[str]] = {}
    for a in ORIGINALS:
        for canonical, spellings in a.entities.items():
            forms.setdefault(canonical, set()).update(spellings)
    assert {"Kim Jong Un", "Kim Jong-un", "Kim Jong-Un"} <= forms["Kim Jong Un"]
    assert "Kim Yo-jong" in forms["Kim Yo Jong"]
    assert {"President Vladimir Putin", "Putin", "Putin’s", "Putin's"} <= forms["Vladimir Putin"]
    assert any("Erdoğan" in f for f in forms["Recep Tayyip Erdoğan"])
    assert any("Erdogan" in f for f in forms["Recep Tayyip Erdoğan"])
    assert any("Zelensky" in f for f in forms["Volodymyr Zelensky"])
    assert any("Zelenskiy" in f for f in forms["Volodymyr Zelensky"])
    xi = by_slug("xi-jinping-central-asia-leaders-xian-trade-summit")
    assert "Xi Jinping" in xi.text and "Xi'an" in xi.text and "Xi's" in xi.text
    everything = " ".join(a.text for a in ORIGINALS)
    for org in ("United Nations", "UN", "NATO", "European Union"):
        assert re.search(rf"\b{org}\b", everything), org
    assert re.search(r"\bMs [A-Z]", everything) and re.search(r"\bMr [A-Z]", everything)


def test_boilerplate_is_on_every_page_and_in_no_article():
    everything = "\n".join(a.title + "\n" + a.summary + "\n" + a.text for a in ARTICLES).lower()
    for phrase in BOILERPLATE_PHRASES:
        assert phrase.lower() not in everything, phrase
    for a in ARTICLES:
        html = (SITE_ROOT / a.path.lstrip("/")).read_text(encoding="utf-8")
        for phrase in COMMON_BOILERPLATE_PHRASES:
            assert phrase in html, (a.path, phrase)
        for phrase in PARTNER_BOILERPLATE_PHRASES:
            assert (phrase in html) == a.syndicated, (a.path, phrase)


# --- server --------------------------------------------------------------------------------


def test_base_url_and_feed_urls(site):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", site.base_url)
    assert site.port > 0
    assert site.feed_urls == [site.base_url + "/feeds/rss.xml", site.base_url + "/feeds/atom.xml"]


@pytest.mark.parametrize(
    "path, ctype",
    [
        ("/", "text/html; charset=utf-8"),
        (ORIGINALS[0].path, "text/html; charset=utf-8"),
        (SYNDICATED_COPY.path, "text/html; charset=utf-8"),
        ("/feeds/rss.xml", "application/rss+xml"),
        ("/feeds/atom.xml", "application/atom+xml"),
        ("/feeds/feeds.opml", "text/x-opml"),
        ("/feeds/feeds.txt", "text/plain"),
        ("/static/site.css", "text/css"),
    ],
)
def test_serves_with_content_type_and_base_substituted(site, client, path, ctype):
    r = client.get(site.url(path))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert "{{BASE}}" not in r.text
    if path != "/static/site.css":
        assert site.base_url + "/" in r.text


def test_article_page_head(site, client):
    for a in ORIGINALS:
        html = client.get(a.url(site.base_url)).text
        assert f'<link rel="canonical" href="{a.url(site.base_url)}">' in html
        assert f'<meta property="article:published_time" content="{a.published.isoformat()}">' in html
        assert '<meta name="author"' in html and 'property="og:title"' in html and 'property="og:image"' in html
        assert f"<title>{a.title} | {SITE_NAME}</title>".replace("&", "&amp;") in html
        assert f'<time datetime="{a.published.isoformat()}"' in html
        assert "<article" in html and "<h1" in html
    wire = client.get(SYNDICATED_COPY.url(site.base_url)).text
    assert 'rel="canonical"' not in wire and "og:url" not in wire


def test_index_lists_every_article_and_the_feeds(site, client):
    html = client.get(site.base_url + "/").text
    for a in ORIGINALS:
        assert f'href="{a.url(site.base_url)}"' in html
    assert f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} (RSS)" href="{site.rss_url}">' in html
    assert f'type="application/atom+xml"' in html and site.atom_url in html


def test_query_string_ignored_404_head_and_request_counts(client):
    with SampleSite() as s:
        a = ORIGINALS[4]
        r = client.get(a.url(s.base_url) + "?utm_source=rss&utm_medium=feed#x")
        assert r.status_code == 200 and a.unique_phrase in r.text
        assert client.get(s.url("/news/2026/03/no-such-story.html")).status_code == 404
        assert client.get(s.url("/../../etc/passwd")).status_code == 404
        h = client.head(s.rss_url)
        assert h.status_code == 200 and h.content == b"" and int(h.headers["content-length"]) > 0
        assert s.requests[a.path] == 1
        assert s.requests["/news/2026/03/no-such-story.html"] == 1
        assert s.requests.get("/feeds/rss.xml") == 1
        assert s.requests.total() == 4
        assert (("GET", a.path, 200) in s.requests.log()) and (("HEAD", "/feeds/rss.xml", 200) in s.requests.log())
        s.requests.reset()
        assert s.requests.total() == 0
    assert not s.running


def test_conditional_get(site, client):
    first = client.get(site.rss_url)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(site.rss_url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(site.rss_url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(site.rss_url, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get(site.rss_url, headers={"If-Modified-Since": "Mon, 02 Feb 2026 00:00:00 GMT"}).status_code == 200


def test_delay_applies_to_article_pages_only(client):
    with SampleSite(delay=0.4) as s:
        t0 = time.monotonic()
        assert client.get(s.rss_url).status_code == 200
        t1 = time.monotonic()
        assert client.get(ORIGINALS[0].url(s.base_url)).status_code == 200
        t2 = time.monotonic()
    assert t1 - t0 < 0.3
    assert t2 - t1 >= 0.4


def test_root_can_be_a_copy(tmp_path, client):
    root = tmp_path / "site"
    shutil.copytree(SITE_ROOT, root)
    (root / "feeds" / "feeds.txt").write_text("# edited\n{{BASE}}/feeds/rss.xml\n", encoding="utf-8")
    with SampleSite(root=root) as s:
        assert client.get(s.feeds_txt_url).text == f"# edited\n{s.base_url}/feeds/rss.xml\n"


def test_module_cli_serves_and_prints_feed_urls(client):
    proc = subprocess.Popen(
        [sys.executable, "-m", "demo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [proc.stdout.readline().strip() for _ in range(3)]
        base = re.search(r"(http://127\.0\.0\.1:\d+)/", lines[0]).group(1)
        assert lines[1:] == [base + "/feeds/rss.xml", base + "/feeds/atom.xml"]
        assert "<rss" in client.get(lines[1]).text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- feeds ---------------------------------------------------------------------------------


def _entries(site, client, url):
    parsed = feedparser.parse(client.get(url).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_feeds_parse_and_overlap(site, client):
    rss = _entries(site, client, site.rss_url)
    atom = _entries(site, client, site.atom_url)
    assert rss.version == "rss20" and atom.version == "atom10"
    for entry in rss.entries + atom.entries:
        assert entry.link.startswith(site.base_url + "/"), entry.link
        assert entry.title and entry.summary and entry.published_parsed and entry.author
    rss_paths = {_path_of(e.link) for e in rss.entries}
    atom_paths = {_path_of(e.link) for e in atom.entries}
    assert rss_paths == set(ORIGINAL_PATHS[:7]) | {SYNDICATED_COPY.path}
    assert atom_paths == set(ORIGINAL_PATHS[3:])
    assert rss_paths & atom_paths == set(ORIGINAL_PATHS[3:7])
    assert {a.path for a in ARTICLES if a.in_rss} == rss_paths
    assert {a.path for a in ARTICLES if a.in_atom} == atom_paths
    for e in rss.entries + atom.entries:
        a = by_path(_path_of(e.link))
        assert e.title == a.title
        assert e.summary == a.summary


def test_feed_links_carry_tracking_noise(site, client):
    rss = {_path_of(e.link): e for e in _entries(site, client, site.rss_url).entries}
    atom = {_path_of(e.link): e for e in _entries(site, client, site.atom_url).entries}
    xi, meridian, eu = ORIGINALS[4], ORIGINALS[5], ORIGINALS[6]
    assert parse_qs(urlsplit(rss[xi.path].link).query)["utm_source"] == ["rss"]
    assert parse_qs(urlsplit(rss[xi.path].link).query)["utm_medium"] == ["feed"]
    assert atom[xi.path].link == xi.url(site.base_url)
    assert atom[meridian.path].link == meridian.url(site.base_url) + "#comments"
    assert rss[meridian.path].link == meridian.url(site.base_url)
    assert "fbclid" in parse_qs(urlsplit(atom[eu.path].link).query)
    # the same article has different ids in the two feeds: dedup must go by URL, not entry id
    assert rss[meridian.path].id != atom[meridian.path].id
    # the other overlapping entries agree
    for a in ORIGINALS[3:7]:
        if not (a.rss_link_suffix or a.atom_link_suffix):
            assert rss[a.path].link == atom[a.path].link == a.url(site.base_url)


def test_rss_full_text_entry(site, client):
    rss = _entries(site, client, site.rss_url)
    full = [e for e in rss.entries if e.get("content")]
    assert [_path_of(e.link) for e in full] == [a.path for a in ARTICLES if a.rss_full_text]
    a = by_path(_path_of(full[0].link))
    html = full[0].content[0].value
    for p in a.paragraphs:
        assert f"<p>{p}</p>" in html


def test_syndicated_copy_is_its_own_rss_item(site, client):
    rss = _entries(site, client, site.rss_url)
    links = [e.link for e in rss.entries]
    assert SYNDICATED_COPY.url(site.base_url) in links
    original = by_path(SYNDICATED_COPY.syndication_of)
    assert original.url(site.base_url) in links


def test_opml_and_feeds_txt(site, client):
    opml = ET.fromstring(client.get(site.opml_url).content)
    urls = [o.get("xmlUrl") for o in opml.iter("outline") if o.get("xmlUrl")]
    assert urls == site.feed_urls
    lines = client.get(site.feeds_txt_url).text.splitlines()
    assert lines[0].startswith("#")
    assert [l for l in lines if l.strip() and not l.startswith("#")] == site.feed_urls


# --- extraction ----------------------------------------------------------------------------


@pytest.mark.parametrize("article", ARTICLES, ids=_ids)
def test_extraction_keeps_the_story_and_drops_the_chrome(site, client, article):
    url = article.url(site.base_url)
    html = client.get(url).text
    page = _extract(html, url)
    text = page.text
    assert article.unique_phrase in text
    for p in article.paragraphs:
        assert p in text
    # nothing but the standfirst (the article's lead, set above the body) and the body paragraphs
    assert text.split("\n") == [article.summary, *article.paragraphs]
    lowered = (text + "\n" + (page.title or "")).lower()
    leaks = [p for p in BOILERPLATE_PHRASES if p.lower() in lowered]
    assert not leaks, leaks
    assert page.title == article.title
    assert page.authors == list(article.authors)
    assert f"{page.published_at:%Y-%m-%d}" == f"{article.published:%Y-%m-%d}"
    # originals declare themselves canonical; the wire copy declares nothing
    assert page.canonical_url == (None if article.syndicated else url)


def test_syndicated_copy_extracts_to_the_same_text(site, client):
    original = by_path(SYNDICATED_COPY.syndication_of)
    a = _extract(client.get(original.url(site.base_url)).text, original.url(site.base_url))
    b = _extract(client.get(SYNDICATED_COPY.url(site.base_url)).text, SYNDICATED_COPY.url(site.base_url))
    assert a.text == b.text
    assert content_hash(a.text) == content_hash(b.text)
    assert a.canonical_url != b.canonical_url
