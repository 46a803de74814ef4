"""``newsflow extract``: the ingest fetch + extraction path on single pages, for people and scripts."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Iterator

from ingest.extract import extract_html
from ingest.fetch import Fetcher, FetchError, decode_html
from ingest.source_name import source_of
from newsflow.core.config import Settings
from newsflow.core.languages import preload_language_model


def extract_inputs(settings: Settings, inputs: list[str]) -> Iterator[dict]:
    """One record per input: ``{input, url, title, text, authors, published_at, source, language, extractor}``.

    An input is an http(s) URL (fetched with the same guards as ingest) or a local HTML file.
    A failure yields ``{"input": ..., "error": ...}`` instead of stopping the others.
    """
    preload_language_model()  # maps from its cache (unpacks, the first time) while the first pages parse
    with ExitStack() as stack:
        fetcher: Fetcher | None = None  # made for the first URL: local files need no HTTP client
        for item in inputs:
            try:
                if item.startswith(("http://", "https://")):
                    fetcher = fetcher or stack.enter_context(Fetcher(settings))
                    result = fetcher.fetch(item, kind="page")
                    html, url = decode_html(result.body, result.charset), result.final_url
                else:
                    html, url = decode_html(Path(item).read_bytes()), None
            except (FetchError, OSError) as exc:
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
