"""Reading WARC files: warcio against FastWARC, and both against extraction, side by side.

    .venv/bin/python bench/warc_read.py [--records 5000] [--rounds 3]

Why: ``ingest/warc.py`` needs one WARC library. FastWARC (C++) is known to parse faster than
warcio (pure Python); what matters for a backfill is whether that difference is visible next
to extraction (trafilatura), which every HTML record goes through afterwards.

Corpus: a gzipped WARC file (one gzip member per record, as Common Crawl writes them) with
``--records`` response records of the sample site's real article pages (each made distinct by
its URL and a numbered paragraph) and, like a crawler's output, a request record before each.
Measured, in interleaved rounds (so load on a shared machine hits both alike), the time to
read every HTML response's URL, date, content type and decoded body:

- warcio ``ArchiveIterator`` through ``ingest.warc.iter_records`` (what backfill runs);
- FastWARC ``ArchiveIterator`` with ``parse_http=True``, responses only;
- and, for scale, ``ingest.extract.extract_html`` on the first 200 pages.

FastWARC is not a dependency of newsflow: install it by hand to run this bench
(``.venv/bin/pip install fastwarc``); without it only warcio and extraction are measured.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ingest.charset import decode_html
from ingest.extract import extract_html
from ingest.warc import iter_records
from demo import ARTICLES, SampleSite

try:
    from fastwarc.warc import ArchiveIterator as FastIterator
    from fastwarc.warc import WarcRecordType
except ImportError:  # pragma: no cover - optional
    FastIterator = None


_ARTICLE = re.compile(r"<article[^>]*>")


def write_corpus(path: Path, records: int) -> int:
    """Write the bench WARC file; returns the number of HTML responses in it."""
    with SampleSite() as site:
        pages = [site.page(a.path) for a in ARTICLES]
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i in range(records):
            html = _ARTICLE.sub(lambda m: f"{m.group(0)}<p>Record number {i}.</p>", pages[i % len(pages)], count=1)
            url = f"https://bench.example/{i}/{ARTICLES[i % len(ARTICLES)].path.lstrip('/')}"
            request = StatusAndHeaders(f"GET /{i} HTTP/1.1", [("Host", "bench.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request))
            body = html.encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return records


def read_warcio(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(len(item.page.body) for item in iter_records(f, max_bytes=10 << 20) if item.page is not None)


def read_fastwarc(path: Path) -> int:
    total = 0
    with open(path, "rb") as f:
        for record in FastIterator(f, record_types=WarcRecordType.response, parse_http=True):
            if (record.http_content_type or "").startswith("text/html"):
                record.headers.get("WARC-Target-URI")
                record.headers.get("WARC-Date")
                total += len(record.reader.read())
    return total


def extract_page(page) -> None:
    extract_html(decode_html(page.body, page.charset), page.url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        write_corpus(path, args.records)
        size = path.stat().st_size
        print(f"corpus: {args.records} HTML responses + {args.records} requests, {size / 1e6:.1f} MB gzipped")
        readers = {"warcio (ingest.warc)": read_warcio}
        if FastIterator is not None:
            readers["fastwarc"] = read_fastwarc
        else:
            print("fastwarc is not installed: measuring warcio only")
        with open(path, "rb") as f:
            sample = [item.page for item in iter_records(f, max_bytes=10 << 20) if item.page is not None][:200]
        extract_page(sample[0])  # warm-up: first-use imports are not per-page work
        times: dict[str, list[float]] = {name: [] for name in readers}
        extract_times: list[float] = []
        bodies: dict[str, int] = {}
        for _round in range(args.rounds):
            for name, read in readers.items():
                started = time.perf_counter()
                bodies[name] = read(path)
                times[name].append(time.perf_counter() - started)
            started = time.perf_counter()
            for page in sample:
                extract_page(page)
            extract_times.append((time.perf_counter() - started) / len(sample))
        if len(set(bodies.values())) != 1:
            raise SystemExit(f"the readers disagree on the bodies' bytes: {bodies}")
        extract_per_record = statistics.median(extract_times)
        base = statistics.median(times["warcio (ingest.warc)"])
        for name, values in times.items():
            med = statistics.median(values)
            print(f"{name:>22}: {args.records / med:8.0f} records/s  (median of {args.rounds}: {med:.2f} s; "
                  f"time x{med / base:.2f} of warcio)")
        print(f"{'extraction':>22}: {1 / extract_per_record:8.0f} records/s  (extract_html on {len(sample)} of the pages, "
              f"median of {args.rounds})")
        share = (base / args.records) / (base / args.records + extract_per_record)
        print(f"warcio's share of read + extract per record: {share:.1%}")


if __name__ == "__main__":
    main()
