"""The other front doors of the CLI, run as a user would: extract, enrich, continuous run, errors."""

from __future__ import annotations

import json
import signal
import time

import httpx
import pytest

from cli_support import free_port, run_three_services
from demo import BOILERPLATE_PHRASES, ORIGINALS

pytestmark = pytest.mark.e2e


def test_extract_prints_one_json_object_per_input_with_clean_text(cli, site, tmp_path):
    first, second = ORIGINALS[0], ORIGINALS[1]
    saved = tmp_path / "page.html"
    saved.write_text(site.page(second.path), encoding="utf-8")
    out = cli("extract", "--json", "--allow-private-hosts", first.url(site.base_url), str(saved)).stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["input"] for r in records] == [first.url(site.base_url), str(saved)]
    assert set(records[0]) == {"input", "url", "title", "text", "authors", "published_at", "source", "language", "extractor"}
    assert records[0]["title"] == first.title and first.unique_phrase in records[0]["text"]
    assert records[0]["authors"] == list(first.authors) and records[0]["language"] == "en"
    assert records[1]["title"] == second.title and second.unique_phrase in records[1]["text"]
    assert not any(p in r["text"] for r in records for p in BOILERPLATE_PHRASES)


def test_extract_spreads_many_saved_pages_over_worker_processes_and_keeps_their_order(cli, site, tmp_path):
    saved = []
    for i, original in enumerate(ORIGINALS[:4] * 3):
        saved.append(tmp_path / f"page{i}.html")
        saved[-1].write_text(site.page(original.path), encoding="utf-8")
    url = ORIGINALS[4].url(site.base_url)
    inputs = [str(p) for p in saved[:6]] + [url, str(tmp_path / "missing.html")] + [str(p) for p in saved[6:]]
    runs = {jobs: cli("extract", "--json", "--allow-private-hosts", "--jobs", jobs, *inputs, check=False)
            for jobs in ("1", "3")}
    assert runs["3"].stdout == runs["1"].stdout and runs["3"].returncode == runs["1"].returncode == 1
    records = [json.loads(line) for line in runs["3"].stdout.splitlines()]
    assert [r["input"] for r in records] == inputs
    assert records[6]["title"] == ORIGINALS[4].title and "error" in records[7]
    assert [r["title"] for r in records[8:]] == [o.title for o in (ORIGINALS[:4] * 3)[6:]]
    assert runs["3"].stderr.count("error:") == 1


def test_extract_refuses_loopback_unless_allowed_and_says_why(cli, site):
    proc = cli("extract", "--json", ORIGINALS[0].url(site.base_url), check=False)
    assert proc.returncode == 1
    record = json.loads(proc.stdout)
    assert "--allow-private-hosts" in record["error"] or "loopback" in record["error"].lower()


def test_enrich_offline_turns_articles_into_enriched_records(cli, tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        json.dumps({"url": "https://example.com/a", "title": "Talks in Istanbul",
                    "text": "President Recep Tayyip Erdoğan hosted talks in Istanbul on Monday with Ukrainian officials. "
                            "Speaking to reporters afterwards, Erdogan said the talks had gone well."}) + "\n"
        + "this line is not json\n",
        encoding="utf-8",
    )
    proc = cli("enrich", "--in", str(src), "--out", str(dst), "--no-progress")
    assert "in.jsonl:2:" in proc.stderr and "skipped 1 bad lines" in proc.stderr
    [record] = [json.loads(line) for line in dst.read_text().splitlines()]
    people = {e["name"]: e for e in record["entities"] if e["label"] == "PERSON"}
    assert people["Recep Tayyip Erdoğan"]["count"] == 2
    assert record["enrichment"]["model"] and record["story_id"]


def test_run_without_once_keeps_polling_until_sigterm_then_exits_cleanly(cli, site):
    feeds = [a for url in site.feed_urls for a in ("--feeds", url)]
    cli.env["NEWSFLOW_POLL_INTERVAL"] = "1"
    port = free_port()
    proc = cli.popen("run", "--allow-private-hosts", "--no-progress", "--metrics-port", str(port), *feeds)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and site.requests.get("/feeds/rss.xml", 0) < 2:
        assert proc.poll() is None, proc.stderr_text()
        time.sleep(0.1)
    assert site.requests.get("/feeds/rss.xml", 0) >= 2, "the feeds are polled again without --once"
    # the stages overlap: a poll does not wait for the articles of the one before to be indexed
    # (under load spaCy may still be starting), so the index is awaited, not assumed
    indexed = 'newsflow_records_out_total{stage="index"} 10.0'
    metrics = ""
    while time.monotonic() < deadline and indexed not in metrics:
        assert proc.poll() is None, proc.stderr_text()
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        time.sleep(0.2)
    assert indexed in metrics
    assert "newsflow_articles_published_total 10.0" in metrics, "a second poll publishes nothing again"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "the index holds 10 articles" in out
    assert cli.search()["total"] == len(ORIGINALS)


def test_a_missing_feed_list_is_a_usage_error(cli, tmp_path):
    proc = cli("run", "--once", "--feeds", str(tmp_path / "nope.txt"), check=False)
    assert proc.returncode == 2 and "nope.txt" in proc.stderr


def test_a_feed_that_cannot_be_read_fails_the_run_with_a_clear_line(cli, site):
    proc = cli("run", "--once", "--allow-private-hosts", "--no-progress", "--feeds", site.url("/feeds/missing.xml"), check=False)
    assert proc.returncode == 1
    assert "missing.xml" in proc.stderr and "404" in proc.stderr


def test_the_sites_opml_list_by_url_is_read_through_the_guarded_fetcher(cli, site):
    """The sample site serves its OPML as text/x-opml, as real sites do; it is a list, not a feed."""
    refused = cli("feeds", "import", site.opml_url, check=False)
    assert refused.returncode == 1 and "--allow-private-hosts" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr

    imported = cli("feeds", "import", site.opml_url, "--allow-private-hosts")
    assert imported.stdout == "imported 2 feeds (0 already registered)\n"
    listed = [json.loads(line)["url"] for line in cli("feeds", "list", "--json").stdout.splitlines()]
    assert listed == site.feed_urls

    added = cli("feeds", "add", "--allow-private-hosts", site.opml_url, check=False)
    assert added.returncode == 1 and f"`newsflow feeds import {site.opml_url}`" in added.stderr

    proc = cli("run", "--once", "--allow-private-hosts", "--no-progress", "--feeds", site.feeds_txt_url, "--feeds", site.opml_url)
    assert "the index holds 10 articles" in proc.stdout
    assert cli.search()["total"] == len(ORIGINALS)


def test_search_rejects_bad_input_with_a_usage_error(cli):
    assert cli("search", '"unclosed', check=False).returncode == 2
    proc = cli("search", "--since", "yesterday", check=False)
    assert proc.returncode == 2 and "not a date" in proc.stderr


def test_ingest_enrich_and_index_as_three_services_index_every_article_exactly_once(cli, site):
    outcome = run_three_services(cli, site, expected=len(ORIGINALS))
    assert outcome["returncodes"] == {"ingest": 0, "enrich": 0, "index": 0}, outcome["stderr"]
    assert {s: h["status"] for s, h in outcome["health"].items()} == {"ingest": "ok", "enrich": "ok", "index": "ok"}
    assert outcome["health"]["index"]["records"] == len(ORIGINALS)
    assert cli.search()["total"] == len(ORIGINALS)
    for article in ORIGINALS:
        assert cli.search(f'"{article.unique_phrase}"')["total"] == 1
