"""Hostile sources beside a real one: one ingest poll's wall time and peak RSS, against the real one alone.

    .venv/bin/python bench/hostile.py [--rounds 3]

Baseline: one ``IngestStage.poll_once`` over the bundled sample site's RSS feed (ten articles
with realistic page chrome). Hostile: the same feed plus a loopback server with the cases of
issue 20, all in the same poll: a JSON Feed of wrongly typed items, a JSON Feed nested 100,000
deep, a 10,000-entry RSS feed, an entity-amplification feed, a brotli bomb and a gzip bomb
(200 MB each), a page with 50,000 attributes on one element, a site whose robots.txt asks for
a Crawl-delay of 100,000 s, and a page that claims the sample site's article as its canonical.

Each poll runs in a fresh subprocess (the whole process: imports, start-up, poll) with fresh
state and the default settings (loopback allowed); the child reports its own peak RSS (VmHWM)
and the parent its wall time. Rounds interleave baseline and hostile, so load on a
shared machine hits both alike. The child also prints what it published, so the report shows
the control feed came through whole.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli

from demo import ARTICLES, SampleSite


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # clients hang up on bombs on purpose

MB = 1024 * 1024
PARAGRAPHS = "".join(f"<p>Paragraph {i} of a page that is long enough to count as an article, with several "
                     "sentences of ordinary news prose in it, about a council, a bridge and a budget.</p>" for i in range(6))


def hostile_routes(base: str, control_article: str) -> dict[str, tuple[dict[str, str], bytes]]:
    """Path -> (headers, body) of every hostile case; ``base`` is this server's URL."""
    slow = base.replace("127.0.0.1", "localhost")
    rss_type = {"Content-Type": "application/rss+xml"}
    html = {"Content-Type": "text/html; charset=utf-8"}

    def rss(items: str) -> bytes:
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()

    def item(link: str, i: int = 0) -> str:
        return f"<item><title>Entry {i}</title><link>{link}</link><pubDate>Thu, 02 May 2024 09:30:00 +0000</pubDate></item>"

    attrs = " ".join(f'a{i}="{i}"' for i in range(50_000))
    routes = {
        "/feeds/poison.json": ({"Content-Type": "application/feed+json"}, json.dumps({
            "version": "https://jsonfeed.org/version/1.1", "title": "poison",
            "items": [{"id": "1", "url": f"{base}/news/plain", "image": 5, "authors": 7, "date_published": "0001-01-01T00:00:00+05:00"},
                      42, {"id": "2", "url": 3, "tags": "x", "title": {"a": 1}}]}).encode()),
        "/feeds/deep.json": ({"Content-Type": "application/feed+json"},
                             b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        "/feeds/big.xml": (rss_type, rss("".join(item(f"{base}/news/big-{i}", i) for i in range(10_000)))),
        "/feeds/entities.xml": (rss_type, b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "' + b"x" * 1000 + b'">]>'
                                + rss("".join(f"<item><title>&e;</title><link>{base}/news/e{i}</link><description>{'&e;' * 400}"
                                              "</description></item>" for i in range(2000)))[21:]),
        "/feeds/pages.xml": (rss_type, rss(item(f"{base}/news/br-bomb", 1) + item(f"{base}/news/gz-bomb", 2)
                                           + item(f"{base}/news/attrs", 3) + item(f"{base}/news/hijack", 4)
                                           + "".join(item(f"{slow}/news/slow-{i}", 10 + i) for i in range(5)))),
        "/news/br-bomb": ({**html, "Content-Encoding": "br"}, brotli.compress(b"<p>" + b"\0" * (200 * MB), quality=5)),
        "/news/gz-bomb": ({**html, "Content-Encoding": "gzip"}, gzip.compress(b"<p>" + b"\0" * (200 * MB), 9)),
        "/news/attrs": (html, f"<html><body><article {attrs}>{PARAGRAPHS}</article></body></html>".encode()),
        "/news/hijack": (html, f'<html><head><link rel="canonical" href="{control_article}"><title>HIJACKED</title></head>'
                               f"<body><article><h1>HIJACKED</h1>{PARAGRAPHS}</article></body></html>".encode()),
        "/news/plain": (html, f"<html><body><article>{PARAGRAPHS}</article></body></html>".encode()),
    }
    for i in range(5):
        routes[f"/news/slow-{i}"] = (html, f"<html><body><article><h1>Slow {i}</h1>{PARAGRAPHS}</article></body></html>".encode())
    return routes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            slow = self.headers.get("Host", "").startswith("localhost")
            headers, body = {"Content-Type": "text/plain"}, (b"User-agent: *\nCrawl-delay: 100000\n" if slow else b"")
        elif path.startswith("/news/big-") or path.startswith("/news/e"):
            headers, body = {"Content-Type": "text/html"}, f"<html><body><article>{PARAGRAPHS}</article></body></html>".encode()
        elif path in self.server.routes:  # type: ignore[attr-defined]
            headers, body = self.server.routes[path]  # type: ignore[attr-defined]
        else:
            self.send_error(404)
            return
        try:
            self.send_response(200)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def child(feeds: list[str]) -> None:
    """One poll with fresh state; prints what was published and the problems met."""
    from newsflow.core.bus.embedded import SQLiteBus
    from newsflow.core.config import Settings
    from ingest.stage import IngestStage
    from newsflow.core.contracts import Article

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), allow_private_hosts=True)
        bus = SQLiteBus(Path(tmp) / "bus.db")
        stage = IngestStage(settings, bus)
        try:
            report = stage.poll_once(feeds)
            consumer = bus.consumer("bench", [settings.topic(settings.topic_articles)])
            urls = sorted(Article.from_json(m.value).url for m in consumer.poll(100_000))
            consumer.close()
        finally:
            stage.close()
            bus.close()
    # VmHWM is this process's own peak (ru_maxrss would include the parent's memory before exec)
    peak_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM"))
    print(json.dumps({"published": report.articles_published, "urls": urls, "problems": dict(report.problems),
                      "peak_mb": peak_kb / 1024}))


def measure(feeds: list[str]) -> tuple[float, float, dict]:
    """(wall seconds, peak RSS MB, child's report) of one child process."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", *feeds], capture_output=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"child failed with {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    report = json.loads(proc.stdout)
    return wall, report["peak_mb"], report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    with SampleSite() as sample:
        control = sample.feed_urls[0]
        server = _Server(("127.0.0.1", 0), _Handler)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        # the hijacker claims a sample article under another site's name (localhost is not 127.0.0.1)
        victim = control.rsplit("/feeds/", 1)[0].replace("127.0.0.1", "localhost") + ARTICLES[0].path
        server.routes = hostile_routes(base, victim)  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        hostile = [f"{base}{p}" for p in ("/feeds/poison.json", "/feeds/deep.json", "/feeds/big.xml",
                                           "/feeds/entities.xml", "/feeds/pages.xml")]
        runs: dict[str, list[tuple[float, float, dict]]] = {"baseline": [], "hostile": []}
        for r in range(args.rounds):
            for name, feeds in (("baseline", [control]), ("hostile", [*hostile, control])):
                runs[name].append(measure(feeds))
                wall, rss, report = runs[name][-1]
                print(f"round {r + 1} {name:8s} {wall:6.1f} s  peak RSS {rss:6.0f} MB  published {report['published']}", flush=True)
        server.shutdown()
    base_wall = statistics.median(w for w, _, _ in runs["baseline"])
    base_rss = statistics.median(m for _, m, _ in runs["baseline"])
    wall = statistics.median(w for w, _, _ in runs["hostile"])
    rss = statistics.median(m for _, m, _ in runs["hostile"])
    print(f"\nmedian of {args.rounds}: baseline {base_wall:.1f} s, {base_rss:.0f} MB; hostile {wall:.1f} s "
          f"({wall - base_wall:+.1f} s, {wall / base_wall:.2f}x), {rss:.0f} MB ({rss - base_rss:+.0f} MB)")
    control_urls = set(runs["baseline"][0][2]["urls"])
    intact = all(control_urls <= set(report["urls"]) for _, _, report in runs["hostile"])
    print(f"control feed's {len(control_urls)} articles published in every hostile round: {intact}")
    print("problems counted in the last hostile round:", json.dumps(runs["hostile"][-1][2]["problems"], sort_keys=True))


if __name__ == "__main__":
    main()
