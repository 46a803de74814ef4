"""The HTTP API and the pages of ``newsflow serve``, in process, over a real embedded index.

The API answers a search with exactly what ``newsflow search --json`` prints (one code path,
``newsflow.frontdoor``); input the user must fix gets a 4xx with a message, never a 500.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import warnings

import pytest

with warnings.catch_warnings():  # starlette 1.x's TestClient still runs on httpx, and says so at import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from index.embedded import EmbeddedIndex
from newsflow.core.config import Settings
from newsflow.frontdoor import build_request
from newsflow.web.app import create_app
from web_corpus import CORPUS


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "index.db"
    writer = EmbeddedIndex(path)
    writer.upsert(CORPUS)
    writer.close()
    reader = EmbeddedIndex(path, readonly=True)  # as `newsflow serve` opens it
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def settings():
    return Settings()


@pytest.fixture(scope="module")
def client(index, settings):
    with TestClient(create_app(settings, index), raise_server_exceptions=False) as c:
        yield c


def search(client, **params) -> dict:
    r = client.get("/api/search", params=params)
    assert r.status_code == 200, r.text
    return r.json()


# --------------------------------------------------------------------------- /api/search


@pytest.mark.parametrize("params", [
    {}, {"query": "Kim"}, {"query": "Black Sea shipping", "histogram": "day"}, {"entity": ["Kim Jong-un", "Putin"]},
    {"entity": "Erdogan", "label": "person"}, {"label": "ORG"}, {"source": "WWW.wire.example"},
    {"since": "2026-03-01", "until": "2026-03-12"}, {"query": "talks", "limit": 2, "offset": 1},
    {"query": "-Kim", "histogram": "month"},
])
def test_search_answers_the_json_of_the_cli(client, index, settings, params):
    got = search(client, **params)
    entities = params.get("entity", [])
    want = index.search(build_request(
        settings, query=params.get("query", ""), entities=[entities] if isinstance(entities, str) else entities,
        label=params.get("label"), source=params.get("source"), since=params.get("since"), until=params.get("until"),
        limit=params.get("limit", 10), offset=params.get("offset", 0), histogram=params.get("histogram"))).to_public()
    assert got == want
    assert set(got) == {"total", "hits", "facets", "histogram"}


def test_search_filters_and_facets(client):
    kim = search(client, entity="Kim Jong-un")
    assert {h["id"] for h in kim["hits"]} == {"summit", "missile", "lavrov"}
    assert kim["facets"]["PERSON"][0] == {"name": "Kim Jong Un", "count": 3}
    both = search(client, entity=["Kim Jong Un", "Lavrov"])
    assert [h["id"] for h in both["hits"]] == ["lavrov"]
    dated = search(client, since="2026-03-01", until="2026-03-03")
    assert {h["id"] for h in dated["hits"]} == {"erdogan", "erdogan-wire"}


def test_search_pages_with_offset(client):
    everything = [h["id"] for h in search(client, limit=100)["hits"]]
    pages = [h["id"] for offset in range(0, len(everything), 3) for h in search(client, limit=3, offset=offset)["hits"]]
    assert pages == everything and len(everything) == len(CORPUS)


def test_search_counts_hits_per_period(client):
    assert search(client, histogram="month")["histogram"] == [{"name": "2026-02-01", "count": 2},
                                                               {"name": "2026-03-01", "count": 6}]


@pytest.mark.parametrize("params,status,message", [
    ({"label": "FOO"}, 400, "unknown label 'FOO': use one of PERSON, ORG"),
    ({"since": "2026-13-01"}, 400, "not a date: '2026-13-01'"),
    ({"until": "yesterday"}, 400, "not a date: 'yesterday'"),
    ({"since": "0001-01-01T00:00:00+05:00"}, 400, "out of range"),
    ({"limit": 1001}, 422, "limit: Input should be less than or equal to 1000"),
    ({"limit": -1}, 422, "limit: Input should be greater than or equal to 0"),
    ({"limit": "ten"}, 422, "limit: Input should be a valid integer"),
    ({"offset": 10**12}, 422, "offset: Input should be less than or equal to 1000000"),
    ({"query": '"unclosed phrase'}, 400, "is never closed"),
    ({"query": "(Kim OR Putin"}, 400, ""),
    ({"entity": "!!!"}, 400, "has no letters or digits"),
    ({"histogram": "hour"}, 422, "histogram: Input should be 'day', 'week', 'month' or 'year'"),
    ({"query": "x" * 2001}, 422, "query: String should have at most 2000 characters"),
    ({"query": "Kim OR"}, 400, "OR needs something on its right (like a OR b) (at character 5)"),
    ({"query": "*"}, 400, "cannot stand alone (at character 1)"),
    ({"query": "Kim -"}, 400, "nothing follows it"),
    ({"query": "titel:Kim"}, 400, "unknown field 'titel'"),
    ({"since": "2026-03-05", "until": "2026-03-01"}, 400, "the date range is empty"),
    ({"since": "7 parsecs"}, 400, "a span back from now: 90m, 24h, 7d, 4w"),
    ({"sort": "random"}, 422, "sort: Input should be 'relevance', 'newest' or 'oldest'"),
])
def test_bad_input_is_a_4xx_with_a_message_never_a_trace(client, params, status, message):
    r = client.get("/api/search", params=params)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and message in detail
    assert "Traceback" not in r.text and "sqlite" not in r.text.lower()


# --------------------------------------------------------------------------- articles, stories, entities


def test_one_article_with_entities_keyphrases_story_and_provenance(client):
    r = client.get("/api/articles/summit")
    assert r.status_code == 200
    doc = r.json()
    assert doc == next(a for a in CORPUS if a.id == "summit").model_dump(mode="json")
    assert doc["entities"][0]["salience"] == 0.9 and doc["keyphrases"] == ["rail links", "energy talks"]
    assert doc["story_id"] == "s-summit" and doc["enrichment"]["model"] == "en_core_web_sm"


def test_a_missing_article_or_story_is_a_404_with_a_message(client):
    assert client.get("/api/articles/nope").json() == {"detail": "no article with id 'nope'"}
    assert client.get("/api/articles/nope").status_code == 404
    assert client.get("/api/stories/nope").status_code == 404


def test_a_story_lists_its_syndicated_copies_first_published_first(client):
    doc = client.get("/api/stories/s-erdogan").json()
    assert doc["story_id"] == "s-erdogan"
    assert [(a["id"], a["source"]) for a in doc["articles"]] == [("erdogan", "harbor-ledger.example"),
                                                                ("erdogan-wire", "wire.example")]


def test_entity_names_for_autocomplete_with_article_counts(client):
    assert client.get("/api/entities", params={"prefix": "kim"}).json() == {"entities": [{"name": "Kim Jong Un", "count": 3}]}
    # a spelling, a surname, diacritics folded
    assert client.get("/api/entities", params={"prefix": "erdo"}).json()["entities"][0]["name"] == "Recep Tayyip Erdoğan"
    assert client.get("/api/entities", params={"prefix": "put"}).json()["entities"][0]["name"] == "Vladimir Putin"
    assert client.get("/api/entities", params={"prefix": "n", "label": "ORG"}).json() == {"entities": [{"name": "NATO", "count": 1}]}
    assert client.get("/api/entities", params={"label": "FOO"}).status_code == 400
    assert client.get("/api/entities", params={"limit": 0}).status_code == 422


# --------------------------------------------------------------------------- operations


def test_healthz_reports_the_index(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["articles"] == len(CORPUS) and r.json()["index"] == "embedded"


def test_healthz_is_503_when_the_index_fails(settings):
    class Broken(EmbeddedIndex):
        def count(self):
            raise OSError("disk gone")

    with TestClient(create_app(settings, Broken(":memory:", readonly=True))) as c:
        r = c.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable" and "disk gone" in r.json()["error"]


def test_metrics_count_requests_by_route_and_status(client):
    client.get("/api/search", params={"label": "FOO"})
    client.get("/api/articles/summit")
    text = client.get("/metrics").text
    assert re.search(r'newsflow_http_requests_total\{method="GET",route="/api/search",status="400"\} [1-9]', text)
    assert re.search(r'newsflow_http_requests_total\{method="GET",route="/api/articles/\{article_id\}",status="200"\} [1-9]', text)
    assert "newsflow_http_request_seconds_bucket" in text


def test_the_openapi_document_lists_every_route_and_no_cdn_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/search.csv", "/api/search.jsonl", "/api/articles/{article_id}", "/api/stories/{story_id}",
            "/api/entities", "/healthz", "/metrics", "/", "/articles/{article_id}"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"query", "entity", "label", "source", "lang", "since", "until", "sort", "limit", "offset", "histogram"}
    for export in ("/api/search.csv", "/api/search.jsonl"):
        assert {p["name"] for p in spec["paths"][export]["get"]["parameters"]} == params - {"limit", "offset", "histogram"}
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN


# --------------------------------------------------------------------------- pages


def links(html: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in re.findall(r'href="([^"]+)"', html)]


def test_the_search_page_shows_hits_facets_histogram_and_folds_syndicated_copies(client):
    r = client.get("/", params={"query": "shipping talks"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.count('class="hit"') == 1  # two copies of one story: one result ...
    assert "1 more from this story" in page and "/articles/erdogan-wire" in page  # ... the other folded under it
    assert "<mark>shipping</mark>" in page and "<mark>talks</mark>" in page
    assert 'class="histogram"' in page and "2026-03-03: 2 articles" in page
    for facet in ("People", "Organisations", "Places", "Sources"):
        assert f"<h2>{facet}</h2>" in page
    assert 'value="shipping talks"' in page


def test_a_facet_link_adds_its_filter_and_a_second_click_removes_it(client):
    page = client.get("/", params={"query": "Kim"}).text
    add = next(u for u in links(page) if "entity=Vladimir+Putin" in u)
    assert parse_qs(urlsplit(add).query) == {"query": ["Kim"], "entity": ["Vladimir Putin"]}
    narrowed = client.get(add).text
    assert narrowed.count('class="hit"') == 1 and "/articles/summit" in narrowed
    remove = next(u for u in links(narrowed) if "Remove filter Vladimir Putin" in narrowed and "entity=" not in u and u.startswith("/?"))
    assert parse_qs(urlsplit(remove).query) == {"query": ["Kim"]}


def test_source_and_date_links_carry_every_filter(client):
    page = client.get("/", params={"entity": "Erdogan"}).text
    source = next(u for u in links(page) if "source=wire.example" in u)
    assert parse_qs(urlsplit(source).query) == {"entity": ["Erdogan"], "source": ["wire.example"]}
    day = next(u for u in links(page) if "since=2026-03-03" in u)
    assert parse_qs(urlsplit(day).query) == {"entity": ["Erdogan"], "since": ["2026-03-03"], "until": ["2026-03-03"]}


def test_text_from_articles_is_escaped(client):
    page = client.get("/", params={"query": "Meridian"}).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    article = client.get("/articles/meridian").text
    assert "<script>alert" not in article and "&lt;script&gt;alert" in article


def test_a_bad_query_shows_the_message_on_the_page(client):
    r = client.get("/", params={"query": '"unclosed'})
    assert r.status_code == 400 and 'role="alert"' in r.text and "is never closed" in r.text
    assert client.get("/", params={"offset": "x"}).status_code == 422


def test_the_article_page_shows_text_entities_and_the_rest_of_its_story(client):
    page = client.get("/articles/erdogan").text
    assert "<h1>Erdoğan hosts Black Sea shipping talks in Istanbul</h1>" in page
    assert "Recep Tayyip Erdoğan" in page and 'role="meter"' in page
    assert "/articles/erdogan-wire" in page and "Same story (1 more article)" in page
    assert client.get("/articles/nope").status_code == 404


def test_static_assets_are_served_from_the_app(client):
    page = client.get("/").text
    assert "http://" not in re.sub(r'href="https?://[^"]*\.example/[^"]*"', "", page)  # no CDN, nothing remote
    for asset in ("/static/app.css", "/static/app.js", "/static/favicon.svg"):
        assert client.get(asset).status_code == 200


@pytest.mark.parametrize("query", ["Kim\x00", "a\x00b", '"Black\x00Sea"', "\x85\x1b[31m", "ünïcödé*", "((((", "NOT", "-", '""'])
def test_odd_queries_are_searched_or_refused_never_a_500(client, query):
    r = client.get("/api/search", params={"query": query})
    assert r.status_code in (200, 400), r.text
    assert client.get("/", params={"query": query}).status_code in (200, 400)


# --------------------------------------------------------------------------- sort, fields, export


def test_sort_orders_hits_by_date_of_publication(client):
    newest = [h["published_at"] for h in search(client, query="Kim", sort="newest")["hits"]]
    oldest = [h["published_at"] for h in search(client, query="Kim", sort="oldest")["hits"]]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest) and len(newest) > 1


def test_query_fields_find_what_the_parameters_do(client):
    assert search(client, query="source:wire.example") == search(client, source="wire.example")
    assert search(client, query='entity:"Kim Jong Un"')["total"] == search(client, entity="Kim Jong Un")["total"] > 0


@pytest.mark.parametrize("params", [{}, {"query": "Kim"}, {"query": "shipping", "sort": "oldest"}, {"entity": "Erdogan"}])
def test_csv_export_has_a_header_and_every_match(client, params):
    r = client.get("/api/search.csv", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["published_at", "source", "title", "url", "language", "story_id", "entities", "score"]
    page = search(client, limit=100, **params)
    assert [row[3] for row in rows[1:]] == [h["url"] for h in page["hits"]] and len(rows) - 1 == page["total"]


def test_jsonl_export_is_one_hit_a_line(client):
    r = client.get("/api/search.jsonl", params={"query": "Kim", "sort": "newest"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    page = search(client, query="Kim", sort="newest", limit=100)
    assert [d["id"] for d in lines] == [h["id"] for h in page["hits"]]
    assert "snippet" not in lines[0] and lines[0]["entities"]


def test_an_export_of_a_bad_query_is_a_400_not_a_broken_download(client):
    r = client.get("/api/search.csv", params={"query": "Kim OR"})
    assert r.status_code == 400 and "OR needs something" in r.json()["detail"]


# --------------------------------------------------------------------------- the page's controls


def test_the_page_offers_sort_date_presets_export_and_languages(client):
    page = client.get("/", params={"query": "Kim"}).text
    hrefs = links(page)
    assert any(parse_qs(urlsplit(u).query) == {"query": ["Kim"], "sort": ["newest"]} for u in hrefs)
    assert any(parse_qs(urlsplit(u).query) == {"query": ["Kim"], "since": ["7d"]} for u in hrefs)
    assert "/api/search.csv?query=Kim" in hrefs and "/api/search.jsonl?query=Kim" in hrefs
    assert "<h2>Languages</h2>" in page
    for facet in ("People", "Organisations", "Places", "Locations", "Nationalities and groups", "Events"):
        assert f"<h2>{facet}</h2>" in page
    assert 'type="date" name="since"' in page


def test_the_histogram_has_an_axis_and_counts_and_zero_bars(client):
    page = client.get("/", params={"since": "2026-02-25", "until": "2026-03-10"}).text
    assert 'class="yaxis"' in page and "articles per day (highest:" in page
    assert page.count('class="bar empty"') > 0 and '<span class="n">' in page
    assert "2026-02-25" in page  # the bars span the asked-for range, not only the matches


def test_the_article_page_marks_entities_in_the_text_and_links_back_to_the_search(client):
    result = client.get("/", params={"query": "Black Sea", "sort": "newest"}).text
    article = next(u for u in links(result) if u.startswith("/articles/erdogan?"))
    page = client.get(article).text
    back = re.search(r'id="back" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(back).query) == {"query": ["Black Sea"], "sort": ["newest"]}
    assert re.search(r'<a class="ent person" href="/\?entity=Recep\+Tayyip\+Erdo%C4%9Fan"[^>]*>', page)
    assert "<h2>People</h2>" in page and "<h2>PERSON</h2>" not in page
    assert " 1 mentions" not in page


def test_a_back_link_never_leaves_the_site(client):
    page = client.get("/articles/erdogan", params={"back": "https://evil.example/"}).text
    assert 'id="back" href="/"' in page
