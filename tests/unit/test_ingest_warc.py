"""Reading WARC records (ingest.warc) from files written with warcio's writer."""

from __future__ import annotations

import gzip

import pytest

from fixtures.warc_archives import Capture, write_warc
from ingest.warc import WarcError, iter_records

PAGE = b"<html><head><title>T</title></head><body><p>Hello</p></body></html>"


def captures() -> list[Capture]:
    return [
        Capture("https://news.example/a", PAGE),
        Capture("https://news.example/style.css", b"body{}", content_type="text/css"),
        Capture("https://news.example/gone", b"<html>gone</html>", status="404 Not Found"),
        Capture("https://news.example/broken", b"", raw_http=b"HTTX/1.1 garbage\r\nno colon here\r\n\r\n<html></html>"),
        Capture("https://news.example/b", PAGE.replace(b"Hello", b"Bonjour"), content_type="text/html; charset=ISO-8859-1"),
    ]


def read(path, start=0, max_bytes=1 << 20):
    with open(path, "rb") as f:
        f.seek(start)
        return list(iter_records(f, start=start, max_bytes=max_bytes))


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_every_record_is_reported_pages_with_their_body_the_others_with_the_reason(tmp_path, name):
    items = read(write_warc(tmp_path / name, captures()))
    pages = [i.page for i in items if i.page]
    assert [p.url for p in pages] == ["https://news.example/a", "https://news.example/b"]
    assert pages[0].body == PAGE and pages[1].charset == "ISO-8859-1"
    assert pages[0].captured_at.isoformat() == "2026-06-01T12:00:00+00:00"
    skips = [i.skip for i in items if i.skip]
    # warcinfo, then one request per written response (the raw broken one has none)
    assert skips.count("not_response") == 1 + 4
    assert {"not_html", "http_status", "broken_record"} <= set(skips)
    broken = next(i for i in items if i.skip == "broken_record")
    assert "HTTX" in broken.detail or "garbage" in broken.detail


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_reading_again_from_a_records_next_offset_yields_exactly_the_records_after_it(tmp_path, name):
    path = write_warc(tmp_path / name, captures())
    items = read(path)
    assert all(a.next_offset == b.offset for a, b in zip(items, items[1:]))
    assert items[-1].next_offset == path.stat().st_size
    cut = 4
    rest = read(path, start=items[cut].next_offset)
    assert [(i.offset, i.skip, i.page) for i in rest] == [(i.offset, i.skip, i.page) for i in items[cut + 1:]]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_truncated_file_gives_its_complete_records_then_a_warc_error(tmp_path, name):
    path = write_warc(tmp_path / name, captures())
    whole = read(path)
    path.write_bytes(path.read_bytes()[:-40])  # the last record loses its end
    got = []
    with pytest.raises(WarcError, match="truncated|unreadable"):
        with open(path, "rb") as f:
            for item in iter_records(f, max_bytes=1 << 20):
                got.append(item)
    assert [i.offset for i in got] == [i.offset for i in whole[:-1]]


def test_a_body_above_the_cap_is_skipped_as_too_large(tmp_path):
    path = write_warc(tmp_path / "big.warc.gz", [Capture("https://news.example/big", b"<html>" + b"x" * 5000 + b"</html>")])
    [item] = [i for i in read(path, max_bytes=1000) if i.skip != "not_response"]
    assert item.skip == "too_large" and item.page is None


def test_bodies_archived_as_transmitted_are_decoded_chunked_and_gzipped(tmp_path):
    compressed = gzip.compress(PAGE)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(compressed), compressed)
    raw = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    path = write_warc(tmp_path / "wget.warc.gz", [Capture("https://news.example/a", b"", raw_http=raw)])
    [page] = [i.page for i in read(path) if i.page]
    assert page.body == PAGE
