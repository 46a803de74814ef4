"""``newsflow extract``: the ingest extraction path on single pages, for people and scripts.

A page is read from a local file here, or over HTTP by ``newsflow.extraction.web``, which
brings the settings and the HTTP client (pydantic-settings and httpx, a fifth of a second of
imports): a run over saved pages starts without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from ingest.charset import decode_html
from ingest.extract import extract_html
from ingest.source_name import source_of
from newsflow.core.languages import prepare_language_model

#: an input -> the page's HTML and the URL it came from (``None`` for a file); raises ``Unreadable``
PageReader = Callable[[str], "tuple[str, str | None]"]


class Unreadable(Exception):
    """An input that could not be read; ``str(err)`` is one line naming it and the reason."""


def is_url(item: str) -> bool:
    """Whether an input names a page on the web rather than a local file."""
    return item.startswith(("http://", "https://"))


def read_file(path: str) -> tuple[str, None]:
    """A saved page, decoded as ingest decodes a fetched one (declared charset, else detected)."""
    try:
        return decode_html(Path(path).read_bytes()), None
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror or exc}") from exc


def extract_inputs(inputs: list[str], read_url: PageReader | None = None) -> Iterator[dict]:
    """One record per input: ``{input, url, title, text, authors, published_at, source, language, extractor}``.

    An input is an http(s) URL, read with ``read_url`` (``newsflow.extraction.web.WebPages``:
    the same guards as ingest), or a local HTML file. A failure yields ``{"input": ..., "error": ...}``
    instead of stopping the others.
    """
    prepare_language_model()  # the first time, unpacked while the first pages parse
    for item in inputs:
        try:
            if not is_url(item):
                html, url = read_file(item)
            elif read_url is None:
                raise Unreadable(f"{item}: no reader for URLs was given")
            else:
                html, url = read_url(item)
        except Unreadable as exc:
            yield {"input": item, "error": str(exc)}
            continue
        page = extract_html(html, url)
        if page is None or not page.text.strip():
            yield {"input": item, "error": f"{item}: no article text found"}
            continue
        url = page.canonical_url or url
        yield {
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
