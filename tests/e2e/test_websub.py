"""WebSub end to end: the three services, a feed that names a local hub, a push that makes an
article searchable long before the next poll."""

from __future__ import annotations

import re
import shutil
import signal
import time

import pytest

from cli_support import free_port
from fixtures.websub_hub import Hub
from demo import ORIGINALS, RSS_PATH, SITE_ROOT, SampleSite

pytestmark = pytest.mark.e2e

_ITEM = re.compile(r"\s*<item>.*?</item>", re.S)
_SELF = re.compile(r'(<atom:link href="[^"]*" rel="self"[^>]*/>)')


def test_a_push_from_the_hub_makes_an_article_searchable_without_a_poll(cli, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE_ROOT, root)
    rss_file = root / RSS_PATH.lstrip("/")
    hub = Hub().start()
    with SampleSite(root=root) as site:
        full = _SELF.sub(rf'\1<atom:link href="{hub.url}" rel="hub"/>', site.page(RSS_PATH), count=1)
        # the feed as first polled lacks its newest item; the hub will push the whole feed
        rss_file.write_text(_ITEM.sub("", _SELF.sub(rf'\1<atom:link href="{hub.url}" rel="hub"/>', rss_file.read_text(),
                                                    count=1), count=1))
        newest = next(a for a in ORIGINALS if a.url(site.base_url) in full.split("<item>")[1])
        in_feed = [a for a in ORIGINALS if a.path in full]  # the syndicated copy is one of them, once
        port = free_port()
        cli.env |= {"NEWSFLOW_WEBSUB_CALLBACK_URL": f"http://127.0.0.1:{port}", "NEWSFLOW_POLL_INTERVAL": "3600"}
        procs = {"ingest": cli.popen("ingest", "--allow-private-hosts", "--port", str(port), site.rss_url),
                 "enrich": cli.popen("enrich"), "index": cli.popen("index")}
        try:
            hub.wait(lambda: hub.subscribers, timeout=120)
            deadline = time.monotonic() + 180
            while cli.search()["total"] < len(in_feed) - 1:
                assert time.monotonic() < deadline, procs["ingest"].stderr_text(tail=3000)
                time.sleep(0.5)
            assert cli.search(f'"{newest.unique_phrase}"')["total"] == 0
            polls = site.requests[RSS_PATH]

            assert hub.publish(site.rss_url, full.encode("utf-8")) == [202]
            while cli.search(f'"{newest.unique_phrase}"')["total"] == 0:
                assert time.monotonic() < deadline, procs["ingest"].stderr_text(tail=3000)
                time.sleep(0.5)
            assert site.requests[RSS_PATH] == polls  # pushed, not polled
        finally:
            for proc in procs.values():
                proc.send_signal(signal.SIGTERM)
            for proc in procs.values():
                proc.communicate(timeout=60)
            hub.close()
    assert all(p.returncode == 0 for p in procs.values()), {n: p.stderr_text(tail=2000) for n, p in procs.items()}
    assert cli.search()["total"] == len(in_feed)


def test_a_callback_url_without_a_port_to_serve_it_is_a_usage_error(cli):
    cli.env["NEWSFLOW_WEBSUB_CALLBACK_URL"] = "https://ingest.example.org"
    proc = cli("ingest", "https://news.example/feed.xml", check=False)
    assert proc.returncode == 2 and "--port" in proc.stderr
