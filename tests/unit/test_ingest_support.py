"""Shared helpers for the ingest tests (no tests here): a real HTTP server and realistic pages.

The server is a ``ThreadingHTTPServer`` on 127.0.0.1 serving routes the test declares, and it
counts what it was asked and what it actually wrote, so tests can assert on traffic.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable
from urllib.parse import urlsplit

from newsflow.core.config import Settings


@dataclass
class Route:
    """What the server answers on one path (the query string is ignored for routing)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds before the status line
    chunks: Callable[[], Iterable[bytes]] | None = None  # stream these, then close (no Content-Length)
    chunk_delay: float = 0.0
    handler: Callable[["Handler"], None] | None = None  # full control


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: "Site"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        site = self.server.site  # type: ignore[attr-defined]
        with site.lock:
            site.requests[path] += 1
            site.headers_seen.setdefault(path, []).append(dict(self.headers))
        route = site.routes.get(path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        try:
            if route.delay:
                time.sleep(route.delay)
            if route.handler is not None:
                route.handler(self)
                return
            self.send_response(route.status)
            for k, v in route.headers.items():
                self.send_header(k, v)
            if route.chunks is not None:
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                for chunk in route.chunks():
                    self.wfile.write(chunk)
                    with site.lock:
                        site.bytes_sent[path] += len(chunk)
                    if route.chunk_delay:
                        time.sleep(route.chunk_delay)
                return
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
            with site.lock:
                site.bytes_sent[path] += len(route.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up on purpose


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hanging up early is expected here
            super().handle_error(request, client_address)


class Site:
    """A real HTTP server on 127.0.0.1 for one test."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self.headers_seen: dict[str, list[dict[str, str]]] = {}
        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.site = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, body: bytes | str = b"", **kwargs) -> str:
        """Serve ``body`` (or per ``kwargs``) on ``path``; returns the full URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)

    def page_requests(self) -> int:
        """Requests for anything that is not a feed (paths under /feeds/ are feeds) or robots.txt."""
        return sum(n for p, n in self.requests.items() if not p.startswith("/feeds/") and p != "/robots.txt")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def redirect(location: str, status: int = 302) -> Callable[[Handler], None]:
    """A route handler answering ``status`` with ``Location: location`` and no body."""
    def handler(h: Handler) -> None:
        h.send_response(status)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return handler


def test_settings(tmp_path, **overrides) -> Settings:
    """Settings for tests: loopback allowed, small limits so failures come fast."""
    values = dict(
        data_dir=tmp_path / "data",
        allow_private_hosts=True,
        fetch_connect_timeout=1.0,
        fetch_read_timeout=1.0,
        fetch_total_timeout=3.0,
        fetch_max_bytes=1024 * 1024,
        fetch_max_redirects=3,
        fetch_concurrency=4,
        min_text_chars=200,
        # every test site is 127.0.0.1: per-host politeness would serialise everything
        fetch_per_host=8,
        fetch_host_delay=0.0,
    )
    values.update(overrides)
    return Settings(**values)


test_settings.__test__ = False  # a factory, not a test


def paragraphs(topic: str, n: int = 4) -> list[str]:
    """Distinct, sentence-like article paragraphs about ``topic``."""
    return [
        f"Paragraph {i} about {topic}: officials in the regional council said on Tuesday that the "
        f"{topic} plan would be reviewed again next month, after residents raised concerns about its cost, "
        f"its timing and the way the consultation on {topic} had been run over the summer."
        for i in range(1, n + 1)
    ]


def article_html(title: str, paras: list[str], *, canonical: str | None = None, lang: str = "en",
                 published: str = "2024-05-02T09:30:00+00:00", author: str = "Jane Doe", charset: str | None = "utf-8") -> str:
    """A realistic news page: the article wrapped in navigation, banners, comments and a footer."""
    head_extra = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  {meta_charset}
  <title>{title} | The Daily Example</title>
  <meta property="og:title" content="{title}">
  <meta property="og:site_name" content="The Daily Example">
  <meta property="og:image" content="https://img.example.com/lead.jpg">
  <meta property="article:published_time" content="{published}">
  <meta name="author" content="{author}">
  {head_extra}
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies</div>
  <header class="site-header"><nav class="main-nav"><ul>
    <li><a href="/">Home</a></li><li><a href="/world">World news section</a></li>
    <li><a href="/sport">Sport scores section</a></li><li><a href="/subscribe">Subscribe today</a></li>
  </ul></nav></header>
  <main>
    <article>
      <h1>{title}</h1>
      <p class="byline">By {author}</p>
      {body}
    </article>
    <aside class="newsletter-signup"><h3>Sign up for our morning newsletter</h3>
      <p>Get the best stories delivered to your inbox every morning. Enter your email address.</p>
      <form><input type="email"><button>Sign up</button></form></aside>
    <section class="related-links"><h3>Related stories</h3><ul>
      <li><a href="/x/1">Mayor unveils bold traffic scheme</a></li>
      <li><a href="/x/2">Ten things to do this weekend in town</a></li></ul></section>
    <section id="comments" class="comments"><h3>Comments</h3>
      <div class="comment"><p>Reader comment: this is a disgrace and someone should resign over it immediately.</p></div>
      <div class="comment"><p>Another reader comment: great reporting as always, thank you very much.</p></div>
    </section>
  </main>
  <footer class="site-footer"><p>Copyright 2024 The Daily Example Media Group. All rights reserved.</p>
    <p><a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></p></footer>
</body>
</html>"""
