"""``newsflow extract``: the ingest extraction path on single pages, for people and scripts.

A page is read from a local file here, or over HTTP by ``newsflow.extraction.web``, which
brings the settings and the HTTP client (pydantic-settings and httpx, a fifth of a second of
imports): a run over saved pages starts without them.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator

from ingest.charset import decode_html, looks_binary
from ingest.extract import extract_html
from ingest.source_name import source_of
from newsflow.core.compression import GzipError, gunzip, is_gzip
from newsflow.core.languages import prepare_language_model
from newsflow.core.limits import MAX_BODY_BYTES
from newsflow.extraction.pool import ordered_map, worker_count

log = logging.getLogger(__name__)

#: an input -> the page's HTML and the URL it came from (``None`` for a file); raises ``Unreadable``
PageReader = Callable[[str], "tuple[str, str | None]"]


class Unreadable(Exception):
    """An input that could not be read; ``str(err)`` is one line naming it and the reason."""


def is_url(item: str) -> bool:
    """Whether an input names a page on the web rather than a local file."""
    return item.startswith(("http://", "https://"))


# A saved page may be as large as a fetched one (the default fetch_max_bytes), gzip-compressed
# (".html.gz", as crawls and benchmark corpora store pages) or not: a larger file is refused before
# it is read, and a small gzip file must not expand to gigabytes in memory.
MAX_PAGE_BYTES = MAX_BODY_BYTES


def read_file(path: str) -> tuple[str, None]:
    """A saved page, plain or gzip-compressed, decoded as ingest decodes a fetched one (declared
    charset, else detected); raises ``Unreadable`` for a file that is no text at all."""
    try:
        with open(path, "rb") as file:
            # read(n) allocates n bytes up front: the file's own size (a pipe has none), not the bound
            size = os.fstat(file.fileno()).st_size
            body = file.read(min(size, MAX_PAGE_BYTES) + 1 if size else MAX_PAGE_BYTES + 1)
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror or exc}") from exc
    if len(body) > MAX_PAGE_BYTES:
        raise Unreadable(f"{path}: larger than {MAX_PAGE_BYTES} bytes")
    if is_gzip(body):
        try:
            body = gunzip(body, MAX_PAGE_BYTES)
        except GzipError as exc:
            raise Unreadable(f"{path}: {exc}") from exc
    if looks_binary(body):
        raise Unreadable(f"{path}: not a web page (binary data)")
    return decode_html(body), None


def extract_inputs(inputs: list[str], read_url: PageReader | None = None, jobs: int = 1) -> Iterator[dict]:
    """One record per input, in input order: ``{input, url, title, text, authors, published_at,
    source, language, extractor}``.

    An input is an http(s) URL, read with ``read_url`` (``newsflow.extraction.web.WebPages``:
    the same guards as ingest), or a local HTML file. A failure yields ``{"input": ..., "error": ...}``
    instead of stopping the others. Files are extracted in ``jobs`` processes (0: one per core
    when there are enough of them; ``newsflow.extraction.pool``), URLs in this one. A caller
    that stops reading early closes the generator (``contextlib.closing``): that stops the workers
    at once, where waiting for the garbage collector would let them extract every page first.
    """
    files = _file_records([item for item in inputs if not is_url(item)], jobs)
    try:
        for item in inputs:
            yield next(files) if not is_url(item) else _extract_url(item, read_url)
    finally:
        files.close()  # a caller that stops early (a closed pipe, Ctrl-C) stops the workers now


def _file_records(files: list[str], jobs: int) -> Iterator[dict]:
    done = 0
    workers = worker_count(jobs, len(files))
    if workers >= 2:
        try:
            # no loading thread in this process before it forks: a worker would inherit its held locks
            with ordered_map(extract_file, files, workers, initializer=prepare_language_model) as records:
                for record in records:
                    done += 1
                    yield record
            return
        except BrokenProcessPool:
            # the kernel's out-of-memory killer, or a crash in a C extension: the pages go on here,
            # where a page that kills its process stops the run as it would without workers
            log.warning("a worker process died while extracting: the remaining %d of %d pages are extracted in "
                        "this process", len(files) - done, len(files))
    prepare_language_model()  # the first time, unpacked while the first pages parse
    for path in files[done:]:
        yield extract_file(path)


def extract_file(path: str) -> dict:
    """The record of one saved page (module-level: the worker processes call it by name)."""
    try:
        html, url = read_file(path)
    except Unreadable as exc:
        return {"input": path, "error": str(exc)}
    return _record(path, html, url)


def _extract_url(item: str, read_url: PageReader | None) -> dict:
    try:
        if read_url is None:
            raise Unreadable(f"{item}: no reader for URLs was given")
        html, url = read_url(item)
    except Unreadable as exc:
        return {"input": item, "error": str(exc)}
    return _record(item, html, url)


def _record(item: str, html: str, url: str | None) -> dict:
    page = extract_html(html, url)
    if page is None or not page.text.strip():
        return {"input": item, "error": f"{item}: no article text found"}
    url = page.canonical_url or url
    return {
        "input": item,
        "url": url,
        "title": page.title,
        "text": page.text,
        "authors": page.authors,
        "published_at": page.published_at.isoformat() if page.published_at else None,
        "source": source_of(url) if url else page.site_name,
        "language": page.language,
        "extractor": page.extractor,
    }
