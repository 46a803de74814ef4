"""`newsflow serve` as a real process over the indexed sample site: the API answers as the CLI
does, and a real browser (Debian's headless Chromium, driven by Playwright) can search,
narrow by a facet, open an article and go back.

Browser tests skip when /usr/bin/chromium is missing (install it with `apt-get install
chromium`; .ci/run does), but fail under NEWSFLOW_REQUIRE_SERVICES=1 (CI). They write
docs/screenshot.png, the picture the README shows.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cli_support import CLI, free_port
from service_checks import skip_or_fail

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


@pytest.fixture(scope="module")
def server(indexed: CLI):
    """`newsflow serve` on a free port over the indexed sample site; its base URL."""
    port = free_port()
    proc = indexed.popen("serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"newsflow serve exited {proc.returncode}: {proc.stderr_text()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("newsflow serve did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr


# --------------------------------------------------------------------------- API = CLI


CLI_SEARCHES = [
    [], ["Kim"], ['"grain corridor" OR shipping'], ["--entity", "Kim Jong-un"], ["--entity", "Erdogan", "--label", "PERSON"],
    ["sanctions -missile", "--since", "2026-03-01"], ["--until", "2026-02-28"], ["talks", "--limit", "2", "--offset", "1"],
    ["--entity", "Putin", "--entity", "Kim Jong Un"], ["--label", "ORG", "--histogram", "week"],
]


def api_params(args: list[str]) -> list[tuple[str, str]]:
    """The /api/search parameters of a `newsflow search` command line."""
    params: list[tuple[str, str]] = [("limit", "100")]  # CLI.search passes --limit 100 first; a later --limit wins
    it = iter(args)
    for arg in it:
        if arg.startswith("--"):
            params = [p for p in params if p[0] != "limit"] if arg == "--limit" else params
            params.append((arg[2:], next(it)))
        else:
            params.append(("query", arg))
    return params


@pytest.mark.parametrize("args", CLI_SEARCHES, ids=lambda a: " ".join(a) or "(everything)")
def test_the_api_answers_with_the_json_of_newsflow_search(indexed, server, args):
    want = indexed.search(*args)
    got = httpx.get(f"{server}/api/search", params=api_params(args), timeout=30).json()
    assert got == want


def test_the_api_serves_articles_stories_and_entities_of_the_pipeline(indexed, server):
    hit = indexed.search("--entity", "Kim Jong Un")["hits"][0]
    article = httpx.get(f"{server}/api/articles/{hit['id']}").json()
    assert article["title"] == hit["title"] and article["entities"] and article["enrichment"]["model"]
    story = httpx.get(f"{server}/api/stories/{hit['story_id']}").json()
    assert hit["id"] in [a["id"] for a in story["articles"]]
    names = httpx.get(f"{server}/api/entities", params={"prefix": "kim", "label": "PERSON"}).json()["entities"]
    assert names[0]["name"] == "Kim Jong Un" and names[0]["count"] == indexed.search("--entity", "Kim Jong Un")["total"]
    assert httpx.get(f"{server}/api/search", params={"label": "NOPE"}).status_code == 400
    assert "newsflow_http_requests_total" in httpx.get(f"{server}/metrics").text


# --------------------------------------------------------------------------- the page in a browser


@pytest.fixture(scope="module")
def browser():
    reason = None
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            reason = f"playwright is not installed ({exc})"
    if reason:
        skip_or_fail(f"browser tests need headless Chromium: {reason}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_search_narrow_by_a_facet_open_an_article_and_go_back(page, server):
    page.goto(f"{server}/")
    page.fill("#q", "Kim")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"query=Kim"))
    hits = page.locator("li.hit").count()
    assert hits >= 3
    assert page.locator("li.hit mark").first.inner_text().lower() == "kim"

    page.locator("aside.facets a", has_text="Vladimir Putin").click()
    page.wait_for_url(re.compile(r"entity=Vladimir\+Putin"))
    assert query_of(page.url) == {"query": ["Kim"], "entity": ["Vladimir Putin"]}
    narrowed = page.locator("li.hit").count()
    assert 1 <= narrowed < hits
    assert page.locator("ul.filters a.chip.on", has_text="Vladimir Putin").count() == 1
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    title = page.locator("li.hit h2 a").first.inner_text()
    page.locator("li.hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("h1").inner_text() == title
    assert page.locator("aside.facets a", has_text="Vladimir Putin").count() == 1

    page.go_back()
    page.wait_for_url(re.compile(r"entity=Vladimir\+Putin"))
    assert page.locator("li.hit").count() == narrowed
    assert page.input_value("#q") == "Kim"

    page.locator("ul.filters a.chip.on", has_text="Vladimir Putin").click()  # remove the filter again
    page.wait_for_url(lambda url: "entity=" not in url)
    assert page.locator("li.hit").count() == hits


def test_the_page_works_from_the_keyboard(page, server):
    page.goto(f"{server}/?query=Kim")
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("Control+A")
    page.keyboard.type("Erdogan")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"query=Erdogan"))
    # Tab reaches the first result link; Enter opens it
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('li.hit h2') !== null"):
            break
    else:
        pytest.fail("Tab never reached a result link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    assert "Erdo" in page.locator("h1").inner_text()


def test_entity_autocomplete_suggests_canonical_names(page, server):
    page.goto(f"{server}/")
    page.fill("#add-entity", "kim j")
    page.wait_for_function("document.querySelectorAll('#entity-suggestions option').length > 0")
    assert "Kim Jong Un" in page.eval_on_selector_all("#entity-suggestions option", "os => os.map(o => o.value)")


def test_the_page_fits_a_phone_screen(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        pg = context.new_page()
        pg.goto(f"{server}/?query=Kim")
        assert pg.locator("li.hit").count() >= 1
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
        # the facets follow the results instead of squeezing them
        results, facets = pg.locator("section.results").bounding_box(), pg.locator("aside.facets").bounding_box()
        assert facets["y"] > results["y"] and results["width"] > 300
    finally:
        context.close()


def test_histogram_bars_filter_by_their_dates(page, server):
    page.goto(f"{server}/")
    bar = page.locator("a.bar").first
    label = bar.get_attribute("aria-label")
    bar.click()
    page.wait_for_url(re.compile(r"since="))
    q = query_of(page.url)
    assert q["since"] and q["until"] and label.startswith(q["since"][0])
    n = int(re.search(r": (\d+) article", label).group(1))
    assert page.locator("li.hit").count() == n


def test_sort_controls_order_the_hits_by_date(page, server):
    page.goto(f"{server}/?query=Kim")
    page.locator("nav.sort a", has_text="Newest first").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    assert query_of(page.url) == {"query": ["Kim"], "sort": ["newest"]}
    dates = page.eval_on_selector_all("li.hit .meta time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert len(dates) > 1 and dates == sorted(dates, reverse=True)
    assert page.locator("nav.sort strong").inner_text() == "Newest first"
    page.locator("nav.sort a", has_text="Oldest first").click()
    page.wait_for_url(re.compile(r"sort=oldest"))
    dates = page.eval_on_selector_all("li.hit .meta time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates)


def test_date_controls_offer_recent_spans_and_a_custom_range(page, server):
    page.goto(f"{server}/?query=Kim")
    page.locator("nav.dates a", has_text="Last 7 days").click()
    page.wait_for_url(re.compile(r"since=7d"))
    assert page.locator("nav.dates strong").inner_text() == "Last 7 days"
    page.goto(f"{server}/?query=Kim")
    page.fill("#since", "2026-02-20")
    page.fill("#until", "2026-03-01")
    page.locator("form.custom-range button").click()
    page.wait_for_url(re.compile(r"until=2026-03-01"))
    assert query_of(page.url) == {"query": ["Kim"], "since": ["2026-02-20"], "until": ["2026-03-01"]}
    dates = page.eval_on_selector_all("li.hit .meta time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates and all("2026-02-20" <= d[:10] <= "2026-03-01" for d in dates)


def test_the_export_link_downloads_every_match_as_csv(page, server):
    page.goto(f"{server}/?query=Kim&sort=oldest")
    link = page.locator("#export-csv")
    assert query_of(link.get_attribute("href")) == {"query": ["Kim"], "sort": ["oldest"]}
    with page.expect_download() as info:
        link.click()
    rows = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "published_at,source,title,url,language,story_id,entities,score"
    total = int(page.locator("#count strong").inner_text())
    assert len(rows) - 1 == total


def test_entities_in_the_article_text_link_to_a_filter_and_back_keeps_the_search(page, server):
    page.goto(f"{server}/?query=Kim&sort=newest")
    page.locator("li.hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    mark = page.locator(".body a.ent.person").first
    name = mark.get_attribute("href")
    assert mark.count() == 1 and "entity=" in name
    assert page.locator("aside.facets h2", has_text="People").count() == 1
    page.locator("#back").click()
    page.wait_for_url(re.compile(r"/\?"))
    assert query_of(page.url) == {"query": ["Kim"], "sort": ["newest"]}
    page.go_back()
    page.wait_for_url(re.compile(r"/articles/"))
    page.locator(".body a.ent.person").first.click()
    page.wait_for_url(re.compile(r"entity="))
    assert page.locator("li.hit").count() >= 1 and page.locator("ul.filters a.chip.on").count() == 1


def test_the_histogram_has_an_axis_with_counts(page, server):
    page.goto(f"{server}/")
    top = int(page.locator(".histogram .yaxis span").first.inner_text())
    counts = [int(re.search(r": (\d+) article", a).group(1))
              for a in page.eval_on_selector_all("a.bar", "bs => bs.map(b => b.getAttribute('aria-label'))")]
    assert top == max(counts) > 0
    assert page.locator(".histogram figcaption").inner_text().count("per day") == 1
    assert page.locator("span.bar.empty").count() + len(counts) == page.locator(".bars > *").count()
