"""``newsflow backfill`` run as a user would: WARC files in, searchable articles out, once each."""

from __future__ import annotations

import json
import signal
import sqlite3
import time

import pytest

from cli_support import run_once
from fixtures.warc_archives import ArchiveServer, capture, variants, write_warc
from demo import ARTICLES, ORIGINALS

pytestmark = pytest.mark.e2e


def site_pages(site):
    return capture([a.url(site.base_url) for a in ARTICLES] + [site.rss_url])


def topic_ids(cli) -> list[str]:
    out = cli("topic", "read", "news.articles", "--from-beginning", "--until-idle", "--idle", "1", "--json").stdout
    return [json.loads(line)["id"] for line in out.splitlines()]


def test_a_backfilled_site_is_searchable_and_a_later_poll_adds_no_duplicate(cli, site, tmp_path):
    warc = write_warc(tmp_path / "ledger.warc.gz", site_pages(site))
    out = cli("backfill", str(warc), "--no-progress").stdout
    assert f"{len(ORIGINALS)} new articles" in out and "skipped 1: duplicate" in out and "skipped 1: not HTML" in out
    assert f"the index holds {len(ORIGINALS)} articles" in out
    found = cli.search(f'"{ORIGINALS[3].unique_phrase}"')
    assert [h["url"] for h in found["hits"]] == [ORIGINALS[3].url(site.base_url)]
    assert cli.search()["total"] == len(ORIGINALS)

    polled = run_once(cli, site).stdout
    assert "0 new articles" in polled and cli.search()["total"] == len(ORIGINALS)
    again = cli("backfill", str(warc), "--no-progress").stdout
    assert "1 done before" in again and "0 new articles" in again


def test_a_backfill_killed_mid_file_continues_where_it_stopped(cli, site, tmp_path):
    pages = variants(site_pages(site)[:len(ORIGINALS)], 300)
    warc = write_warc(tmp_path / "big.warc.gz", pages)
    proc = cli.popen("backfill", str(warc), "--no-index", "--no-progress")
    db = cli.data_dir / "ingest.db"
    deadline = time.monotonic() + 240
    offset = 0
    while time.monotonic() < deadline and not offset:
        assert proc.poll() is None, f"finished before it could be killed: {proc.stdout_text()}"
        if db.exists():
            with sqlite3.connect(db, timeout=30) as conn:
                try:
                    row = conn.execute("SELECT offset FROM archive_progress").fetchone()
                except sqlite3.OperationalError:  # the table is not there yet
                    row = None
            offset = row[0] if row else 0
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert 0 < offset < warc.stat().st_size
    killed = set(topic_ids(cli))
    assert 0 < len(killed) < len(pages)

    out = cli("backfill", str(warc), "--no-progress").stdout
    assert "1 finished" in out and f"the index holds {len(pages)} articles" in out
    ids = topic_ids(cli)
    assert len(set(ids)) == len(pages)
    assert len(ids) - len(pages) <= 32  # at most the batch in hand when killed is published twice


def test_remote_files_and_a_cc_news_month_from_a_mirror(cli, site, tmp_path):
    pages = site_pages(site)
    server = ArchiveServer({"/one.warc.gz": write_warc(tmp_path / "one.warc.gz", pages[:3]).read_bytes()})
    server.add_cc_news_month(2026, 3, {
        "CC-NEWS-20260301000000-00000.warc.gz": write_warc(tmp_path / "a.warc.gz", pages[3:7]).read_bytes(),
        "CC-NEWS-20260302000000-00001.warc.gz": write_warc(tmp_path / "b.warc", pages[7:]).read_bytes(),
    })
    cli.env["NEWSFLOW_CC_NEWS_BASE_URL"] = server.base_url
    try:
        refused = cli("backfill", server.base_url + "one.warc.gz", "--no-progress", check=False)
        assert refused.returncode == 1 and "--allow-private-hosts" in refused.stderr + refused.stdout
        out = cli("backfill", server.base_url + "one.warc.gz", "cc-news:2026-03", "--allow-private-hosts",
                  "--no-progress").stdout
    finally:
        server.close()
    assert "backfilled 3 WARC files (3 finished" in out and f"{len(ORIGINALS)} new articles" in out
    assert cli.search()["total"] == len(ORIGINALS)


def test_bad_sources_and_dates_are_usage_errors(cli, tmp_path):
    missing = cli("backfill", str(tmp_path / "nope.warc.gz"), check=False)
    assert missing.returncode == 2 and "nope.warc.gz" in missing.stderr
    month = cli("backfill", "cc-news:2026", check=False)
    assert month.returncode == 2 and "cc-news:YYYY-MM" in month.stderr
    date = cli("backfill", str(tmp_path), "--since", "yesterday", check=False)
    assert date.returncode == 2 and "not a date" in date.stderr
