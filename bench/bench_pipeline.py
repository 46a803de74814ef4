"""The whole pipeline end to end against the enrichment ceiling, and freshness, in one run.

    .venv/bin/python bench/bench_pipeline.py [--articles 60] [--hosts 6] [--feeds 3] [--runs 2]
                                            [--corpus ../shared/corpora/trafilatura-eval] [--trickle 20]
    NEWSFLOW_KAFKA_BOOTSTRAP=127.0.0.1:9092 NEWSFLOW_ES_URL=http://127.0.0.1:9200 .venv/bin/python bench/bench_pipeline.py

A loopback news site serves the articles (distinct texts, ``bench/texts.py``: generated, or real
pages with ``--corpus``) from several hosts, 127.0.0.2, 127.0.0.3, ... (only 127.x), listed by
``--feeds`` RSS feeds. Measured, each as a whole process on a fresh data dir:

- full load: every article is in the feeds from the start; ``newsflow run --once`` carries them
  through. Its articles/s is printed next to the ceiling, ``newsflow enrich --in --out`` over the
  very texts the run extracted (spaCy and the enrichment alone; target: end to end >= 0.85x);
  rounds alternate which side goes first;
- trickle (``--trickle N``): a continuous ``newsflow run`` (feeds polled every second) while
  the site adds one new article a second (half the ceiling's rate when that is lower, so the
  trickle stays below capacity on a slow or busy machine), N in all;
- freshness at both loads: p50/p95/max seconds from fetch to searchable (the article's
  ``fetched_at`` to its ``indexed_at`` in the index) and from appearing in the feed to searchable
  (targets at the trickle: p95 fetch->searchable <= 2 s embedded, <= 5 s over Kafka and
  Elasticsearch; appearance->searchable <= the poll interval + 2 s).

On the embedded default always; over Kafka and Elasticsearch too when ``NEWSFLOW_KAFKA_BOOTSTRAP``
and ``NEWSFLOW_ES_URL`` are set (unique topic prefix and alias per run, the alias dropped after).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from elasticsearch import Elasticsearch

from texts import generated, real_pages  # bench/texts.py

POLL = 1.0  # seconds between polls of a feed in the trickle run


class BenchSite:
    """Article pages spread over loopback hosts 127.0.0.2.., and RSS feeds on the first host.

    Article ``i`` is on host ``i % hosts`` and in feed ``i % feeds``; it appears in its feed at
    ``appear[i]`` (a wall-clock time), so a run can be given everything at once or a trickle.
    """

    def __init__(self, pages: list[tuple[str, str, str]], hosts: int, feeds: int):
        self.pages, self.feeds = pages, feeds
        self.appear = [0.0] * len(pages)
        self.servers: list[ThreadingHTTPServer] = []
        for h in range(hosts):
            handler = type("Handler", (_Handler,), {"site": self})
            server = ThreadingHTTPServer((f"127.0.0.{2 + h}", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def base(self, host: int) -> str:
        addr, port = self.servers[host].server_address[:2]
        return f"http://{addr}:{port}"

    def url(self, i: int) -> str:
        return f"{self.base(i % len(self.servers))}/a/{i}.html"

    def feed_urls(self) -> list[str]:
        return [f"{self.base(0)}/feed{j}.xml" for j in range(self.feeds)]

    def rss(self, j: int) -> bytes:
        now = time.time()
        items = []
        for i in range(len(self.pages)):
            if i % self.feeds == j and self.appear[i] <= now:
                when = format_datetime(datetime.fromtimestamp(self.appear[i] or now, timezone.utc))
                items.append(f"<item><title>{escape(self.pages[i][0])}</title><link>{self.url(i)}</link>"
                             f"<guid>{self.url(i)}</guid><pubDate>{when}</pubDate></item>")
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench {j}</title>'
                f"<link>{self.base(0)}/</link><description>bench</description>{''.join(reversed(items))}"
                f"</channel></rss>").encode()

    def close(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()


class _Handler(BaseHTTPRequestHandler):
    site: BenchSite

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        body, ctype = b"not found", "text/plain"
        status = 404
        if path.startswith("/feed") and path.endswith(".xml"):
            body, ctype, status = self.site.rss(int(path[5:-4])), "application/rss+xml", 200
        elif path.startswith("/a/") and path.endswith(".html"):
            i = int(path[3:-5])
            if 0 <= i < len(self.site.pages) and self.site.appear[i] <= time.time():
                body, ctype, status = self.site.pages[i][2].encode("utf-8"), "text/html; charset=utf-8", 200
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def deployments() -> dict[str, dict[str, str]]:
    """Environment of each deployment to measure: embedded always, distributed when configured."""
    out = {"embedded": {"NEWSFLOW_BUS": "embedded", "NEWSFLOW_INDEX": "embedded"}}
    if os.environ.get("NEWSFLOW_KAFKA_BOOTSTRAP") and os.environ.get("NEWSFLOW_ES_URL"):
        out["kafka+es"] = {"NEWSFLOW_BUS": "kafka", "NEWSFLOW_INDEX": "elasticsearch"}
    return out


def run_env(base: dict[str, str], data_dir: Path, workers: int) -> dict[str, str]:
    tag = uuid.uuid4().hex[:10]
    env = {**os.environ, **base, "NEWSFLOW_DATA_DIR": str(data_dir), "NEWSFLOW_LOG_LEVEL": "WARNING",
           "NEWSFLOW_ENRICH_WORKERS": str(workers), "NEWSFLOW_POLL_INTERVAL": str(POLL),
           "NEWSFLOW_POLL_MIN_INTERVAL": str(POLL), "NEWSFLOW_POLL_MAX_INTERVAL": str(POLL)}  # a fixed interval
    if base["NEWSFLOW_BUS"] == "kafka":
        env.update({"NEWSFLOW_TOPIC_PREFIX": f"bench-{tag}.", "NEWSFLOW_ES_ALIAS": f"bench-{tag}"})
    env.pop("NEWSFLOW_CONFIG", None)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsflow.cli", *args]


def check(argv: list[str], env: dict[str, str]) -> str:
    """Run a command to its end; its stdout, or exit with its stderr."""
    # cwd: the data dir's folder, so nothing in the bench folder (e.g. index.py) shadows a package
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=Path(env["NEWSFLOW_DATA_DIR"]).parent)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[2:])} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return proc.stdout


def searchable(env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """url -> (fetched_at, indexed_at) as Unix seconds, for every article in the run's index."""
    if env["NEWSFLOW_INDEX"] == "embedded":
        db = Path(env["NEWSFLOW_DATA_DIR"]) / "index.db"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            rows = [(json.loads(doc), indexed) for doc, indexed in conn.execute("SELECT doc, indexed_at FROM articles")]
        return {d["url"]: (_ts(d["fetched_at"]), _ts(indexed)) for d, indexed in rows}
    es = Elasticsearch(env["NEWSFLOW_ES_URL"])
    try:
        hits = es.search(index=env["NEWSFLOW_ES_ALIAS"], size=10_000, source=["url", "fetched_at", "indexed_at"])["hits"]["hits"]
    finally:
        es.close()
    return {h["_source"]["url"]: (_ts(h["_source"]["fetched_at"]), _ts(h["_source"]["indexed_at"])) for h in hits}


def count(env: dict[str, str]) -> int:
    try:
        return len(searchable(env))
    except Exception:  # noqa: BLE001 - not created yet
        return 0


DROP_SCRIPT = """
from index.elasticsearch import ElasticsearchIndex
from newsflow.core.config import load_settings
ix = ElasticsearchIndex(load_settings())
try:
    ix.drop()
finally:
    ix.close()
"""


def drop(env: dict[str, str]) -> None:
    """Remove what a distributed run left in Elasticsearch (its alias and index).

    In a process of its own: in this one, ``index`` is bench/index.py (the script's folder
    comes first on ``sys.path``), not the package.
    """
    if env["NEWSFLOW_INDEX"] == "elasticsearch":
        check([sys.executable, "-c", DROP_SCRIPT], env)


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"p50 {statistics.median(values):5.2f} s  p95 {p95:5.2f} s  max {values[-1]:5.2f} s"


def freshness(site: BenchSite, env: dict[str, str]) -> tuple[list[float], list[float]]:
    times = searchable(env)
    fetch = [indexed - fetched for fetched, indexed in times.values()]
    by_url = {site.url(i): site.appear[i] for i in range(len(site.pages))}
    appear = [indexed - by_url[url] for url, (_, indexed) in times.items() if url in by_url]
    return fetch, appear


def full_load(site: BenchSite, base: dict[str, str], tmp: Path, workers: int) -> tuple[float, dict[str, str]]:
    """``newsflow run --once`` over every article at once; seconds and the run's environment."""
    env = run_env(base, Path(tempfile.mkdtemp(dir=tmp)), workers)
    started = time.time()
    site.appear = [started] * len(site.pages)
    feeds = [a for url in site.feed_urls() for a in ("--feeds", url)]
    check(cli("run", "--once", "--allow-private-hosts", "--no-progress", *feeds), env)
    return time.time() - started, env


def ceiling(env: dict[str, str], tmp: Path, workers: int) -> tuple[float, int]:
    """``newsflow enrich --in --out`` over the texts the run extracted: seconds and articles."""
    src = tmp / "extracted.jsonl"
    if not src.exists():
        read = check(cli("topic", "read", "news.articles", "--from-beginning", "--until-idle", "--idle", "2", "--json"), env)
        src.write_text(read, encoding="utf-8")
    n = sum(1 for line in src.read_text(encoding="utf-8").splitlines() if line.strip())
    fresh = {**env, "NEWSFLOW_DATA_DIR": tempfile.mkdtemp(dir=tmp), "NEWSFLOW_ENRICH_WORKERS": str(workers)}
    started = time.time()
    check(cli("enrich", "--no-progress", "--in", str(src), "--out", str(tmp / "ceiling.jsonl")), fresh)
    return time.time() - started, n


def trickle(site: BenchSite, base: dict[str, str], tmp: Path, workers: int, n: int, rate: float) -> dict[str, str]:
    """A continuous run while ``n`` articles appear, ``rate`` a second; its environment."""
    env = run_env(base, Path(tempfile.mkdtemp(dir=tmp)), workers)
    warmup = 8.0  # the run starts and loads spaCy before the first article appears
    start = time.time() + warmup
    far = start + 1e9
    site.appear = [start + k / rate if k < n else far for k in range(len(site.pages))]
    feeds = [a for url in site.feed_urls() for a in ("--feeds", url)]
    proc = subprocess.Popen(cli("run", "--allow-private-hosts", "--no-progress", *feeds), env=env, cwd=tmp,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = start + n / rate + 120
        while count(env) < n:
            if proc.poll() is not None:
                raise SystemExit(f"newsflow run exited {proc.returncode}: {proc.stderr.read()[-2000:]}")
            if time.time() > deadline:
                raise SystemExit(f"the trickle run indexed {count(env)} of {n} articles in time")
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--hosts", type=int, default=6, help="loopback hosts 127.0.0.2 ... serving the pages")
    parser.add_argument("--feeds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2, help="full-load rounds (alternating with the ceiling)")
    parser.add_argument("--workers", type=int, default=1, help="enrich worker processes (newsflow run --workers)")
    parser.add_argument("--trickle", type=int, default=20, help="articles in the trickle run, one a second (0: skip)")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="real pages: a directory of *.html(.gz) (e.g. trafilatura-eval) or *.txt seeds")
    args = parser.parse_args()
    if args.hosts > 250:
        parser.error("at most 250 hosts (127.0.0.2 to 127.0.0.251)")

    pages = real_pages(args.corpus, args.articles) if args.corpus else generated(args.articles)
    words = sum(len(text.split()) for _, text, _ in pages)
    site = BenchSite(pages, args.hosts, args.feeds)
    tmp = Path(tempfile.mkdtemp(prefix="newsflow-bench-pipeline-"))
    source = f"real pages from {args.corpus}" if args.corpus else "generated (bench/texts.py)"
    print(f"{len(pages)} distinct articles ({source}, {words / len(pages):.0f} words each) on {args.hosts} loopback hosts, "
          f"{args.feeds} feeds; enrich workers {args.workers}; {os.cpu_count()} CPUs")
    try:
        for name, base in deployments().items():
            best_run = best_ceiling = float("inf")
            n = len(pages)
            last_env = None
            for r in range(args.runs):
                # round 0 runs the pipeline first (the ceiling enriches the texts it extracted)
                for side in (("run", "ceiling") if r % 2 == 0 else ("ceiling", "run")):
                    if side == "run":
                        if last_env is not None:
                            drop(last_env)
                        t, last_env = full_load(site, base, tmp, args.workers)
                        best_run = min(best_run, t)
                        full_fetch, full_appear = freshness(site, last_env)
                        indexed = count(last_env)
                    else:
                        t, n = ceiling(last_env, tmp, args.workers)
                        best_ceiling = min(best_ceiling, t)
            print(f"[{name}] full load, best of {args.runs} alternating rounds (whole processes, model load included):")
            print(f"  end to end (newsflow run --once)  : {indexed / best_run:6.2f} articles/s ({indexed} indexed in {best_run:.1f} s)")
            print(f"  enrichment ceiling (enrich alone) : {n / best_ceiling:6.2f} articles/s ({n} in {best_ceiling:.1f} s)")
            print(f"  ratio end to end / ceiling        : {(indexed / best_run) / (n / best_ceiling):6.2f} (target >= 0.85)")
            print(f"  freshness fetch -> searchable     : {stats(full_fetch)}")
            print(f"  freshness feed -> searchable      : {stats(full_appear)} (everything in the feeds at the start)")
            drop(last_env)
            if args.trickle:
                # a trickle is below capacity by definition: on a slow (or busy) machine where the
                # ceiling is under 2 articles/s, the articles come at half the ceiling's rate
                rate = min(1.0, 0.5 * n / best_ceiling)
                env = trickle(site, base, tmp, args.workers, min(args.trickle, len(pages)), rate=rate)
                fetch, appear = freshness(site, env)
                target = 2 if name == "embedded" else 5
                print(f"[{name}] trickle, {rate:.2f} new article/s, {len(fetch)} articles, feeds polled every {POLL:.0f} s:")
                print(f"  freshness fetch -> searchable     : {stats(fetch)} (target p95 <= {target} s)")
                print(f"  freshness feed -> searchable      : {stats(appear)} (target p95 <= {POLL + 2:.0f} s)")
                drop(env)
    finally:
        site.close()


if __name__ == "__main__":
    main()
