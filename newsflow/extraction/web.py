"""Pages for ``newsflow extract`` read over HTTP, with ingest's fetcher and its guards."""

from __future__ import annotations

from ingest.charset import decode_html
from ingest.fetch import Fetcher, FetchError
from newsflow.core.config import Settings
from newsflow.extraction import Unreadable


class WebPages:
    """A ``PageReader`` for URLs: redirects, size and time limits, and private hosts refused
    unless the settings allow them, as when ingest fetches an article. Use it as a context
    manager: it holds an HTTP client."""

    def __init__(self, settings: Settings):
        self._fetcher = Fetcher(settings)

    def __enter__(self) -> "WebPages":
        self._fetcher.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._fetcher.__exit__(*exc_info)

    def __call__(self, url: str) -> tuple[str, str]:
        """The page's HTML and the URL it was finally read from."""
        try:
            result = self._fetcher.fetch(url, kind="page")
        except (FetchError, OSError) as exc:
            raise Unreadable(str(exc) if isinstance(exc, FetchError) else f"{url}: {exc}") from exc
        return decode_html(result.body, result.charset), result.final_url
