"""The whole pipeline, as a user runs it: ``newsflow run --once`` on a local news site, then search.

The site (demo) lists ten articles in an RSS and an Atom feed that overlap,
one link with tracking parameters, one with a fragment, and a syndicated copy of one
article on another path, in pages full of chrome that must not reach the index.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time

import pytest

from cli_support import run_once
from newsflow.core.names import fold
from demo import BOILERPLATE_PHRASES, ORIGINALS

pytestmark = pytest.mark.e2e


def phrase_hits(cli, phrase: str) -> dict:
    return cli.search(f'"{phrase}"')


def assert_each_article_indexed_exactly_once(cli):
    everything = cli.search()
    assert everything["total"] == len(ORIGINALS)
    assert len({h["id"] for h in everything["hits"]}) == len(ORIGINALS)
    for article in ORIGINALS:
        result = phrase_hits(cli, article.unique_phrase)
        assert result["total"] == 1, f"{article.slug}: {result['total']} hits for its unique phrase"


def test_every_article_is_indexed_exactly_once_although_feeds_overlap_and_links_carry_tracking(cli, site):
    proc = run_once(cli, site)
    assert "10 new articles" in proc.stdout
    assert_each_article_indexed_exactly_once(cli)
    urls = {h["url"] for h in cli.search()["hits"]}
    assert not any("utm_" in u or "fbclid" in u or "#" in u for u in urls)


def test_a_poll_takes_at_most_feed_max_entries_and_the_next_runs_take_the_rest_each_once(cli, site):
    # one huge feed must not hold a run: each poll takes the newest feed_max_entries entries of a
    # feed it has not seen, and the next poll (here the next --once run) continues from there
    cli.env["NEWSFLOW_FEED_MAX_ENTRIES"] = "3"
    counts = []
    for _ in range(6):
        counts.append(cli.search()["total"] if counts else 0)
        run_once(cli, site)
    assert counts[1] < len(ORIGINALS), "the first run took every entry despite feed_max_entries"
    assert counts == sorted(counts), "a later run lost articles"
    assert_each_article_indexed_exactly_once(cli)


def test_a_second_run_adds_nothing(cli, site):
    run_once(cli, site)
    pages_before = sum(n for path, n in site.requests.snapshot().items() if path.startswith("/news/"))
    second = run_once(cli, site)
    assert "0 new articles" in second.stdout
    pages_after = sum(n for path, n in site.requests.snapshot().items() if path.startswith("/news/"))
    assert pages_after == pages_before, "known articles must not be fetched again"
    assert_each_article_indexed_exactly_once(cli)


def test_page_chrome_never_reaches_the_index(indexed):
    cli = indexed
    for phrase in BOILERPLATE_PHRASES:
        assert phrase_hits(cli, phrase)["total"] == 0, f"boilerplate indexed: {phrase!r}"


@pytest.mark.parametrize(
    "spelling",
    ["Kim Jong Un", "Kim Jong-un", "KIM JONG-UN", "Kim Jong Un\u2019s", "President Kim Jong Un"],
)
def test_entity_search_finds_every_article_about_a_person_whatever_the_spelling(indexed, spelling):
    cli = indexed
    expected = {a.unique_phrase for a in ORIGINALS if "Kim Jong Un" in a.entities}
    found = found_articles(cli, cli.search("--entity", spelling))
    assert found == expected


def found_articles(cli, result) -> set[str]:
    """The unique phrases of the sample articles among a result's hits."""
    if not hasattr(cli, "id_to_phrase"):  # one search per article, once per data dir
        cli.id_to_phrase = {phrase_hits(cli, a.unique_phrase)["hits"][0]["id"]: a.unique_phrase for a in ORIGINALS}
    return {cli.id_to_phrase[h["id"]] for h in result["hits"]}


def test_short_surnames_diacritics_and_titles_find_the_full_name(indexed):
    cli = indexed
    for canonical, variants in {
        "Vladimir Putin": ["Putin", "President Putin", "Putin's", "vladimir putin"],
        "Recep Tayyip Erdoğan": ["Erdogan", "Erdoğan", "President Erdogan"],
    }.items():
        expected = {a.unique_phrase for a in ORIGINALS if canonical in a.entities}
        assert expected, canonical
        for variant in variants:
            found = found_articles(cli, cli.search("--entity", variant, "--label", "PERSON"))
            assert found == expected, f"--entity {variant!r}"


def test_different_people_and_a_place_sharing_a_name_stay_apart(indexed):
    cli = indexed
    kim_yo_jong = cli.search("--entity", "Kim Yo-jong")
    assert kim_yo_jong["total"] == sum(1 for a in ORIGINALS if "Kim Yo Jong" in a.entities) == 1
    names = {fold(f["name"]) for f in kim_yo_jong["facets"]["PERSON"]}
    assert {"kim yo jong", "kim jong un"} <= names, "two people, two entities"
    xian = cli.search("--entity", "Xi'an", "--label", "GPE")
    xi = cli.search("--entity", "Xi Jinping", "--label", "PERSON")
    assert xian["total"] >= 1 and xi["total"] >= 1
    xi_names = {e["name"] for h in xi["hits"] for e in h["entities"] if e["label"] == "PERSON"}
    assert "Xi'an" not in xi_names


def test_facets_and_filters_agree_with_the_hits(indexed):
    cli = indexed
    result = cli.search("--entity", "Putin")
    assert result["total"] == sum(1 for a in ORIGINALS if "Vladimir Putin" in a.entities)
    assert set(result["facets"]) >= {"PERSON", "ORG", "GPE", "source"}
    # facets count every match, not just the page shown
    one_page = json.loads(cli("search", "--json", "--limit", "1", "--entity", "Putin").stdout)
    assert one_page["facets"] == result["facets"] and len(one_page["hits"]) == 1
    assert result["facets"]["source"][0]["count"] == result["total"]
    march = cli.search("--since", "2026-03-01", "--until", "2026-03-10")
    assert march["total"] == sum(1 for a in ORIGINALS if "2026-03-01" <= a.published.date().isoformat() <= "2026-03-10")


def test_topics_can_be_read_back(indexed):
    cli = indexed
    articles = cli("topic", "read", "news.articles", "--from-beginning", "--until-idle", "--idle", "0.5", "--json")
    assert len(articles.stdout.splitlines()) == len(ORIGINALS)
    deadletters = cli("topic", "read", "news.deadletter", "--from-beginning", "--until-idle", "--idle", "0.5")
    assert deadletters.stdout == ""


def count_records(data_dir, topic) -> int:
    db = data_dir / "bus.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM records WHERE topic = ?", (topic,)).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_kill_9_mid_run_then_a_rerun_leaves_every_article_indexed_exactly_once(cli, site):
    site.delay = 0.4  # slow pages so the kill lands while articles are still being fetched
    feeds = [a for url in site.feed_urls for a in ("--feeds", url)]
    proc = cli.popen("run", "--once", "--allow-private-hosts", "--no-progress", *feeds)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and count_records(cli.data_dir, "news.articles") == 0:
        assert proc.poll() is None, proc.stderr_text()
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert count_records(cli.data_dir, "news.articles") < len(ORIGINALS), "the kill must land mid-way"
    site.delay = 0.0
    run_once(cli, site)
    assert_each_article_indexed_exactly_once(cli)


def test_a_continuous_run_makes_articles_searchable_while_it_runs_and_stops_gracefully_on_sigterm(cli, site):
    cli.env.update({"NEWSFLOW_POLL_INTERVAL": "1", "NEWSFLOW_POLL_MIN_INTERVAL": "1"})
    feeds = [a for url in site.feed_urls for a in ("--feeds", url)]
    proc = cli.popen("run", "--allow-private-hosts", "--no-progress", *feeds)
    try:
        deadline = time.monotonic() + 120
        # search refuses a data dir without an index: the run creates it as it starts
        while not (cli.data_dir / "index.db").exists() or cli.search()["total"] < len(ORIGINALS):
            assert proc.poll() is None, proc.stderr_text()
            assert time.monotonic() < deadline, f"not everything searchable while running:\n{proc.stderr_text(tail=3000)}"
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "10 new articles" in out and "indexed 10" in out
    assert_each_article_indexed_exactly_once(cli)


def enrich_process_of(pid: int) -> int | None:
    """The pid of the enrich process ``newsflow run`` (``pid``) started, once it runs."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if ppid == pid and b"spawn_main" in cmdline:
            return int(entry)
    return None


def test_a_run_whose_enrich_process_is_killed_stops_with_an_error_and_a_rerun_indexes_everything(cli, site):
    cli.env.update({"NEWSFLOW_POLL_INTERVAL": "1", "NEWSFLOW_POLL_MIN_INTERVAL": "1"})
    feeds = [a for url in site.feed_urls for a in ("--feeds", url)]
    proc = cli.popen("run", "--allow-private-hosts", "--no-progress", *feeds)
    deadline = time.monotonic() + 60
    while (child := enrich_process_of(proc.pid)) is None:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr_text()
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "enrich: the process exited with code -9" in err, err
    run_once(cli, site)
    assert_each_article_indexed_exactly_once(cli)
