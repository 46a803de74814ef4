"""``newsflow extract``'s records: one per input, an error line for an input it cannot use."""

from __future__ import annotations

import gzip
import inspect
import multiprocessing
import os
import random
import signal

import pytest

import newsflow.extraction
from ingest.feeds import DEFAULT_EXPANDED_MAX
from ingest.sitemaps import parse_sitemap
from newsflow.core.config import Settings
from newsflow.extraction import Unreadable, extract_inputs, is_url
from test_ingest_support import article_html, paragraphs


def test_a_saved_page_becomes_a_record_with_its_text_and_metadata(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(article_html("Council vote", paragraphs("harbour", 6)), encoding="utf-8")
    [record] = extract_inputs([str(page)])
    assert record["input"] == str(page) and record["url"] is None
    assert record["title"] == "Council vote" and "harbour" in record["text"]
    assert record["language"] == "en" and record["extractor"].startswith("trafilatura")


def test_each_bad_input_is_one_error_line_and_the_others_still_come_out(tmp_path):
    good, empty = tmp_path / "good.html", tmp_path / "empty.html"
    good.write_text(article_html("Council vote", paragraphs("harbour", 6)), encoding="utf-8")
    empty.write_text("<html><head><title>Nothing here</title></head><body></body></html>", encoding="utf-8")
    missing = tmp_path / "missing.html"
    records = list(extract_inputs([str(missing), str(empty), "https://example.com/a", str(good)]))
    assert [r["input"] for r in records] == [str(missing), str(empty), "https://example.com/a", str(good)]
    assert records[0]["error"] == f"{missing}: No such file or directory"
    assert records[1]["error"] == f"{empty}: no article text found"
    assert records[2]["error"] == "https://example.com/a: no reader for URLs was given"
    assert "error" not in records[3]


def test_a_gzip_compressed_saved_page_gives_the_record_of_the_page(tmp_path):
    html = article_html("Council vote", paragraphs("harbour", 6))
    plain, packed = tmp_path / "page.html", tmp_path / "page.html.gz"
    plain.write_text(html, encoding="utf-8")
    packed.write_bytes(gzip.compress(html.encode("utf-8")))
    first, second = extract_inputs([str(plain), str(packed)])
    assert {**first, "input": None} == {**second, "input": None} and "harbour" in second["text"]


def test_a_page_too_large_or_a_gzip_page_corrupt_or_too_large_once_decompressed_is_one_error_line(tmp_path, monkeypatch):
    monkeypatch.setattr(newsflow.extraction, "MAX_PAGE_BYTES", 100_000)
    bomb, corrupt, good = tmp_path / "bomb.html.gz", tmp_path / "corrupt.html.gz", tmp_path / "good.html"
    huge = tmp_path / "huge.html"
    bomb.write_bytes(gzip.compress(b"<p>" + b" " * 1_000_000 + b"</p>"))
    corrupt.write_bytes(gzip.compress(article_html("Council vote", paragraphs("harbour", 6)).encode())[:-40])
    good.write_text(article_html("Council vote", paragraphs("harbour", 6)), encoding="utf-8")
    huge.write_text(article_html("Council vote", paragraphs("harbour", 600)), encoding="utf-8")
    records = list(extract_inputs([str(bomb), str(corrupt), str(huge), str(good)]))
    assert records[0]["error"] == f"{bomb}: larger than 100000 bytes once decompressed"
    assert records[1]["error"].startswith(f"{corrupt}: truncated gzip")
    assert records[2]["error"] == f"{huge}: larger than 100000 bytes"
    assert "error" not in records[3]


@pytest.mark.parametrize("name,body", [
    ("scan.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" * 20),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    ("noise.html", random.Random(7).randbytes(4096)),
])
def test_a_file_that_is_no_web_page_is_one_error_line_not_a_record_of_garbage(tmp_path, name, body):
    path = tmp_path / name
    path.write_bytes(body)
    [record] = extract_inputs([str(path)])
    assert record == {"input": str(path), "error": f"{path}: not a web page (binary data)"}


def test_pages_in_any_charset_are_not_taken_for_binary_data(tmp_path):
    for charset in ("utf-8", "utf-16", "cp1252"):
        path = tmp_path / f"page-{charset}.html"
        html = article_html("Rathaus: Abstimmung über die Brücke", paragraphs("Brücke", 6), charset=charset)
        path.write_bytes(html.encode(charset))
        [record] = extract_inputs([str(path)])
        assert "error" not in record and "Brücke" in record["text"], charset


def test_urls_go_to_the_reader_and_its_refusal_is_the_records_error(tmp_path):
    pages = {"https://example.com/a": article_html("Council vote", paragraphs("harbour", 6))}

    def read_url(url):
        if url not in pages:
            raise Unreadable(f"{url}: HTTP 404")
        return pages[url], url

    ok, refused = extract_inputs(["https://example.com/a", "https://example.com/b"], read_url)
    assert ok["url"] == "https://example.com/a" and ok["source"] == "example.com"
    assert refused == {"input": "https://example.com/b", "error": "https://example.com/b: HTTP 404"}


@pytest.mark.parametrize("item, url", [("https://x.example/a", True), ("http://x.example/a", True),
                                       ("page.html", False), ("/srv/https/page.html", False)])
def test_an_input_is_a_url_only_with_an_http_scheme(item, url):
    assert is_url(item) is url


def test_pages_extracted_in_worker_processes_give_the_same_records_in_the_same_order(tmp_path):
    inputs = []
    for i, topic in enumerate(["harbour", "railway", "school", "hospital", "bridge", "library", "market", "airport"]):
        page = tmp_path / f"{i}.html"
        page.write_text(article_html(f"Council vote on the {topic}", paragraphs(topic, 4 + i)), encoding="utf-8")
        inputs.append(str(page))
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    pages = {"https://example.com/a": article_html("Tram line opens", paragraphs("tram", 5))}
    inputs[3:3] = [str(empty), str(tmp_path / "missing.html"), "https://example.com/a"]

    def read_url(url):
        return pages[url], url

    alone = list(extract_inputs(inputs, read_url, jobs=1))
    shared = list(extract_inputs(inputs, read_url, jobs=3))
    assert shared == alone
    assert [r["input"] for r in shared] == inputs
    assert [("error" in r) for r in shared] == [False] * 3 + [True, True, False] + [False] * 5


def saved_pages(folder, count: int, poison: int | None = None) -> list[str]:
    """``count`` saved articles titled "Council vote <i>"; the one at ``poison`` named poison.html."""
    paths = []
    for i in range(count):
        page = folder / ("poison.html" if i == poison else f"{i}.html")
        page.write_text(article_html(f"Council vote {i}", paragraphs("harbour", 5)), encoding="utf-8")
        paths.append(str(page))
    return paths


_PARENT = os.getpid()
_real_extract_file = newsflow.extraction.extract_file


def extract_file_killing_its_worker_on_poison(path: str) -> dict:
    # as the kernel's out-of-memory killer would stop a worker on a page too big for it
    if path.endswith("poison.html") and os.getpid() != _PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_extract_file(path)


def test_when_a_worker_process_dies_the_remaining_pages_are_extracted_here_and_none_is_lost(
        tmp_path, monkeypatch, caplog):
    inputs = saved_pages(tmp_path, 12, poison=5)
    monkeypatch.setattr(newsflow.extraction, "extract_file", extract_file_killing_its_worker_on_poison)
    records = list(extract_inputs(inputs, jobs=2))
    assert [r["title"] for r in records] == [f"Council vote {i}" for i in range(12)]
    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning.startswith("a worker process died while extracting: the remaining")


def test_a_reader_that_stops_early_stops_the_workers_with_it(tmp_path):
    # `newsflow extract *.html | head`: the pipe closes after the first record
    inputs = saved_pages(tmp_path, 24)
    records = extract_inputs(inputs, jobs=2)
    assert next(records)["title"] == "Council vote 0"
    assert multiprocessing.active_children()
    records.close()
    assert not multiprocessing.active_children()


def test_a_saved_page_is_bounded_as_a_fetched_one_and_a_sitemap_are():
    bound = inspect.signature(parse_sitemap).parameters["max_bytes"].default
    assert newsflow.extraction.MAX_PAGE_BYTES == Settings().fetch_max_bytes == DEFAULT_EXPANDED_MAX == bound
