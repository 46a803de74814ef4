"""A tiny HTTP server for the sample site, for tests and ``make demo``.

``{{BASE}}`` in served text files is replaced by the server's own base URL, so feed links,
canonical links and OPML entries point back at whatever port it got. Feeds answer conditional
GETs (ETag / Last-Modified -> 304), like a real publisher's feeds.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .articles import ARTICLES, ATOM_PATH, FEEDS_TXT_PATH, OPML_PATH, RSS_PATH

SITE_ROOT = Path(__file__).resolve().parent / "site"
PLACEHOLDER = "{{BASE}}"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
# Files whose type is not given by the extension alone.
PATH_CONTENT_TYPES = {
    RSS_PATH: "application/rss+xml; charset=utf-8",
    ATOM_PATH: "application/atom+xml; charset=utf-8",
}
TEXT_SUFFIXES = frozenset({".html", ".xml", ".opml", ".txt", ".css", ".js", ".json", ".svg"})
# Pages whose responses wait ``delay`` seconds (the article pages, not feeds or the front page).
ARTICLE_PREFIXES = ("/news/", "/partners/")
# What Last-Modified says for every file: the newest article's date, so it does not depend on
# when the files were checked out.
LAST_MODIFIED = max(a.published for a in ARTICLES)


class RequestCounter:
    """Thread-safe count of requests per path (query string and fragment removed)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._log: list[tuple[str, str, int]] = []

    def add(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._counts[path] += 1
            self._log.append((method, path, status))

    def __getitem__(self, path: str) -> int:
        with self._lock:
            return self._counts[path]

    def get(self, path: str, default: int = 0) -> int:
        with self._lock:
            return self._counts.get(path, default)

    def __contains__(self, path: object) -> bool:
        with self._lock:
            return path in self._counts

    def __len__(self) -> int:
        with self._lock:
            return len(self._counts)

    def __iter__(self):
        return iter(self.snapshot())

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def log(self) -> list[tuple[str, str, int]]:
        """Every request so far as (method, path, status), in arrival order."""
        with self._lock:
            return list(self._log)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._log.clear()

    def __repr__(self) -> str:
        return f"RequestCounter({self.snapshot()!r})"


def resolve(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that serves ``url_path``, or None (also for ``..`` escapes)."""
    path = unquote(urlsplit(url_path).path) or "/"
    if path.endswith("/"):
        path += "index.html"
    candidate = (root / path.lstrip("/")).resolve()
    try:
        candidate.relative_to(root)
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


def content_type(url_path: str, file: Path) -> str:
    return PATH_CONTENT_TYPES.get(url_path) or CONTENT_TYPES.get(file.suffix, "application/octet-stream")


class _Handler(BaseHTTPRequestHandler):
    server_version = "HarborLedger/1.0"
    site: SampleSite  # set on the subclass made per server

    def log_message(self, format: str, *args) -> None:  # quiet: tests and the demo own stdout
        if self.site.verbose:
            super().log_message(format, *args)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = urlsplit(self.path).path or "/"
        status, headers, body = self._response(path)
        # Count before answering, so a client that has its response always sees it counted.
        self.site.requests.add(self.command, unquote(path), status)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def _response(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        site = self.site
        file = resolve(site.root, path)
        if file is None:
            body = b"<!DOCTYPE html><title>Not found</title><h1>404 Not Found</h1>\n"
            return 404, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))], body
        if site.delay > 0 and path.startswith(ARTICLE_PREFIXES) and file.suffix == ".html":
            time.sleep(site.delay)
        body = site.render(file)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        validators = [("ETag", etag), ("Last-Modified", format_datetime(LAST_MODIFIED, usegmt=True))]
        if self._not_modified(etag):
            return 304, validators, b""
        headers = [
            ("Content-Type", content_type(path, file)),
            ("Content-Length", str(len(body))),
            *validators,
            ("Cache-Control", "max-age=60"),
        ]
        return 200, headers, body

    def _not_modified(self, etag: str) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return parsedate_to_datetime(ims) >= LAST_MODIFIED
            except (TypeError, ValueError):
                return False
        return False


class SampleSite:
    """Serve the sample news site on loopback in a background thread.

    >>> with SampleSite() as site:
    ...     site.feed_urls  # ['http://127.0.0.1:PORT/feeds/rss.xml', '.../feeds/atom.xml']

    ``root`` may point at a copy of ``site/`` (a test can then edit feeds between polls).
    ``delay`` (seconds, can be changed while running) is slept before each article page response.
    """

    def __init__(self, root: str | Path | None = None, host: str = "127.0.0.1", port: int = 0,
                 delay: float = 0.0, verbose: bool = False) -> None:
        self.root = Path(root).resolve() if root is not None else SITE_ROOT
        self.host = host
        self.port = port
        self.delay = float(delay)
        self.verbose = verbose
        self.requests = RequestCounter()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> SampleSite:
        if self._httpd is not None:
            return self
        handler = type("SampleSiteHandler", (_Handler,), {"site": self})
        httpd = ThreadingHTTPServer((self.host, self.port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, name=f"samplesite:{self.port}",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    # -- addresses ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("SampleSite is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    @property
    def rss_url(self) -> str:
        return self.url(RSS_PATH)

    @property
    def atom_url(self) -> str:
        return self.url(ATOM_PATH)

    @property
    def feed_urls(self) -> list[str]:
        return [self.rss_url, self.atom_url]

    @property
    def opml_url(self) -> str:
        return self.url(OPML_PATH)

    @property
    def feeds_txt_url(self) -> str:
        return self.url(FEEDS_TXT_PATH)

    # -- content -----------------------------------------------------------------------------

    def render(self, file: Path) -> bytes:
        """A file's bytes as served: ``{{BASE}}`` replaced in text files."""
        data = file.read_bytes()
        if file.suffix in TEXT_SUFFIXES and PLACEHOLDER.encode() in data:
            data = data.replace(PLACEHOLDER.encode(), self.base_url.encode())
        return data

    def page(self, path: str) -> str:
        """The text served at ``path`` (without a network round trip), for tests."""
        file = resolve(self.root, path)
        if file is None:
            raise FileNotFoundError(path)
        return self.render(file).decode("utf-8")
