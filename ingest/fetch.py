"""A bounded HTTP fetcher for untrusted feeds and pages.

Everything a remote server controls is capped: time (connect and read timeouts plus one
wall-clock deadline for the whole fetch, redirects and body included), size (the
*decompressed* body, checked while streaming), redirects (followed by hand, each hop checked),
and where we connect (no private, loopback, link-local, metadata or otherwise non-public
addresses unless the operator allows them).

The address check runs twice: before each hop (a clear error, no connection made) and again
inside the connection itself on the addresses actually dialled, so a DNS answer that changes
between the two (DNS rebinding) cannot smuggle a private address through.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

import httpcore
import httpx

from newsflow.core.config import Settings
from ingest.charset import decode_html  # noqa: F401  (re-exported: fetch, then decode)

try:  # brotli is optional: advertised and decoded only when installed
    import brotli  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None
# Only brotli >= 1.2 can stop decompressing at an output limit (``output_buffer_limit``); an older
# one could turn one small input slice into gigabytes, so then "br" is neither asked for nor read.
# zstd is never advertised: no binding here bounds its output per call the way zlib does.
BOUNDED_BROTLI = brotli is not None and hasattr(brotli.Decompressor(), "can_accept_more_data")
ACCEPT_ENCODING = "gzip, deflate" + (", br" if BOUNDED_BROTLI else "")

Kind = Literal["page", "feed", "sitemap", "robots"]

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "application/feed+json",
        "application/json",
    }
)
ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
    "sitemap": "application/xml,text/xml;q=0.9,application/gzip;q=0.5,*/*;q=0.1",
    "robots": "text/plain,*/*;q=0.1",
}
# Sitemaps may be served compressed as files (sitemap.xml.gz), not only with Content-Encoding.
GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/octet-stream"})
GZIP_MAGIC = b"\x1f\x8b"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ALLOW_HINT = "pass --allow-private-hosts (NEWSFLOW_ALLOW_PRIVATE_HOSTS=true) to allow it"


# --- errors -------------------------------------------------------------------------------


class FetchError(Exception):
    """A fetch failed; ``str(err)`` is one readable log line naming the URL and the reason."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class BlockedHostError(FetchError):
    """The URL's host resolves to an address we refuse to connect to (or its scheme is not http/https)."""


class FetchTimeoutError(FetchError, TimeoutError):
    """Connect, read or the whole-fetch deadline ran out."""


class TooLargeError(FetchError):
    """The (decompressed) body is larger than ``fetch_max_bytes``."""


class BadContentTypeError(FetchError):
    """The response is not of a type we accept for this kind of fetch."""


class TooManyRedirectsError(FetchError):
    """More than ``fetch_max_redirects`` redirects."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (or a redirect without a Location)."""

    def __init__(self, url: str, status: int, reason: str | None = None, retry_after: str | None = None):
        super().__init__(url, reason or f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after  # the raw Retry-After header of a 429/503, if any


# --- result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch (or a 304 Not Modified when ``not_modified``)."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    content_type: str | None  # media type only, lower-case
    charset: str | None  # from the Content-Type header
    etag: str | None
    last_modified: str | None
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)  # every URL before final_url


# --- the private-network guard ------------------------------------------------------------

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = ipaddress.ip_address("169.254.169.254")


def blocked_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why we refuse to connect to ``ip`` (``None`` when it is a public unicast address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        # Addresses that embed an IPv4 address are judged by it (::ffff:127.0.0.1 is loopback).
        if ip.ipv4_mapped is not None:
            return blocked_reason(ip.ipv4_mapped)
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = blocked_reason(embedded)
            if inner:
                return inner
        if ip.is_site_local:
            return "site-local"
    if ip == _METADATA:
        return "cloud metadata service"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "carrier-grade NAT"
    if ip.is_private:
        return "private network"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not globally routable"
    return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
    addrs: list[str] = []
    for *_, sockaddr in infos:
        addr = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if addr not in addrs:
            addrs.append(addr)
    return addrs


def check_addresses(url: str, host: str, addrs: list[str]) -> None:
    """Raise ``BlockedHostError`` if any address of ``host`` is not public.

    Any, not all: a name that answers with one public and one private address would let the
    connection pick the private one.
    """
    for addr in addrs:
        reason = blocked_reason(ipaddress.ip_address(addr))
        if reason:
            shown = host if host == addr else f"{host} ({addr})"
            raise BlockedHostError(url, f"refused: {shown} is a {reason} address; {ALLOW_HINT}")


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to checked addresses, and never past the current fetch's deadline."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _cap(timeout)
        if self.allow_private:
            return _DeadlineStream(super().connect_tcp(host, port, timeout, local_address, socket_options))
        addrs = _resolve(host, port)
        check_addresses(getattr(_current, "url", host), host, addrs)
        last: Exception | None = None
        for addr in addrs:  # dial the checked addresses themselves, never the name again
            try:
                stream = super().connect_tcp(addr, port, _cap(timeout), local_address, socket_options)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")


# --- the wall-clock deadline --------------------------------------------------------------

# httpx runs a sync request entirely in the calling thread, so the current fetch's deadline
# can travel to the socket layer in a thread-local.
_current = threading.local()


def _cap(timeout: float | None) -> float | None:
    """``timeout`` shortened to what is left of the current fetch's deadline."""
    deadline = getattr(_current, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("total fetch deadline exceeded")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the fetch's deadline.

    Per-read timeouts alone let a server that trickles one byte just before each timeout
    hold a fetch forever; capping each read by the time left makes the deadline absolute.
    """

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _cap(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _cap(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _cap(timeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses ``_GuardedBackend``."""

    def __init__(self, allow_private: bool, max_connections: int):
        super().__init__(trust_env=False, retries=0)
        # httpx has no public hook for the network backend; httpcore's pool has one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allow_private),
        )


# --- decompression with a cap --------------------------------------------------------------


class _Decoder:
    """Incremental Content-Encoding decoder that never produces more than asked for.

    httpx's own decoders inflate a whole network chunk at once; a few KB of a gzip bomb can
    become hundreds of MB before any size check could run. Here every call is bounded. A gzip
    body of several members (concatenated gzip files, which some servers stream) is decoded
    whole, member after member.
    """

    def __init__(self, encoding: str):
        self.encoding = encoding
        self._z = None
        self._br = None
        self._first = True
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        elif encoding == "br" and BOUNDED_BROTLI:
            self._br = brotli.Decompressor()
        elif encoding not in ("", "identity"):
            raise ValueError(f"unsupported Content-Encoding {encoding!r} (we ask for {ACCEPT_ENCODING})")

    def decode(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``; the output stops at ``limit`` bytes (more input then means too large)."""
        if self._z is not None:
            out = self._inflate(data, limit)
            # A gzip member ended with input left over: the next member starts there.
            while self._z.eof and self._z.unused_data and self.encoding != "deflate" and len(out) < limit:
                rest = self._z.unused_data
                if not rest.startswith(GZIP_MAGIC[: len(rest)]):
                    break  # trailing padding after the last member, as gzip(1) ignores it
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out += self._z.decompress(rest, limit - len(out))
            return out
        if self._br is not None:
            try:
                return self._br.process(data, output_buffer_limit=limit)
            except brotli.error as exc:
                raise zlib.error(f"brotli: {exc}") from exc
        return data

    def _inflate(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._z.decompress(data, limit)
        except zlib.error:
            if not (self.encoding == "deflate" and self._first):
                raise
            # "deflate" is often sent raw, without the zlib header it should have.
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._z.decompress(data, limit)
        self._first = False
        return out

    def flush(self) -> bytes:
        """What the decoder still holds at the end of the body."""
        if self._z is not None:
            return self._z.flush()
        return b""


# --- politeness -----------------------------------------------------------------------------


class HostGate:
    """Per-host politeness: at most ``per_host`` requests at once, starts ``delay`` seconds apart.

    Shared by every thread of a fetcher, so article pages fetched in parallel still reach any
    one site gently; different sites do not wait for each other. A site's robots.txt may ask
    for a longer delay (``Crawl-delay``): ``slow_down`` raises it for that host.
    """

    def __init__(self, per_host: int, delay: float):
        self.per_host = max(1, per_host)
        self.delay = max(0.0, delay)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def slow_down(self, host: str, delay: float) -> None:
        """Space requests to ``host`` at least ``delay`` seconds apart from now on."""
        with self._lock:
            self._delays[host] = max(self.delay, delay)

    def delay_of(self, host: str) -> float:
        """The current spacing of requests to ``host``."""
        with self._lock:
            return self._delays.get(host, self.delay)

    def ready_at(self, host: str) -> float:
        """The ``time.monotonic()`` at which the next request to ``host`` may start."""
        with self._lock:
            return self._next_start.get(host, 0.0)

    def enter(self, host: str) -> float:
        """Wait for a slot on ``host`` and for its turn; returns the seconds waited. Pair with ``leave``."""
        started = time.monotonic()
        with self._lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        slot.acquire()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            self._next_start[host] = start + self._delays.get(host, self.delay)
        if start > now:
            time.sleep(start - now)
        return time.monotonic() - started

    def leave(self, host: str) -> None:
        """Give the slot taken by ``enter`` back."""
        self._slots[host].release()


# --- the fetcher ---------------------------------------------------------------------------


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, v = param.partition("=")
        if name.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("\"'").lower()
    return media.strip().lower() or None, charset


def accepts(kind: Kind, content_type: str | None) -> bool:
    """Whether a response of ``content_type`` is usable as a ``kind``.

    No Content-Type at all is accepted: the feed parser or the extractor then decides.
    """
    if content_type is None:
        return True
    if kind == "page":
        return content_type in PAGE_TYPES
    if kind == "robots":
        return True  # robots.txt is often served as text/html or worse; its parser copes with anything
    if kind == "sitemap" and content_type in GZIP_TYPES:
        return True
    return (
        content_type in FEED_TYPES
        or content_type.startswith("text/")
        or content_type.endswith(("+xml", "+json"))
    )


def _refuse_foreign_scheme_redirect(response: httpx.Response) -> None:
    """Refuse a redirect to ``javascript:``, ``data:`` and other non-http(s) URLs, clearly.

    Runs before httpx builds its (unused) next request for a redirect, which would otherwise
    fail on such a Location with a bare ``httpx.InvalidURL``.
    """
    location = response.headers.get("location", "").strip()
    if response.status_code not in REDIRECT_STATUSES or not location:
        return
    scheme = urlsplit(location).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        shown = location if len(location) <= 80 else location[:77] + "..."
        raise BlockedHostError(str(response.request.url),
                               f"refused: redirect to a {scheme}: URL ({shown!r}); only http and https URLs are fetched")


class Fetcher:
    """Fetches one URL at a time per thread; safe to share between threads."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.max_bytes = settings.fetch_max_bytes
        self.max_redirects = settings.fetch_max_redirects
        self.total_timeout = settings.fetch_total_timeout
        self.allow_private = settings.allow_private_hosts
        self.gate = HostGate(settings.fetch_per_host, settings.fetch_host_delay)
        self.client = httpx.Client(
            transport=_GuardedTransport(settings.allow_private_hosts, max(4, settings.fetch_concurrency * 2)),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(
                connect=settings.fetch_connect_timeout,
                read=settings.fetch_read_timeout,
                write=settings.fetch_read_timeout,
                pool=settings.fetch_total_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
            event_hooks={"response": [_refuse_foreign_scheme_redirect]},
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def check_url(self, url: str) -> httpx.URL:
        """Refuse URLs we must not fetch: non-http(s) schemes and (unless allowed) private hosts."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(url, f"invalid URL ({exc})") from exc
        if parsed.scheme not in ("http", "https"):
            raise BlockedHostError(url, f"refused: only http and https URLs are fetched, not {parsed.scheme or 'no scheme'!r}")
        if not parsed.host:
            raise FetchError(url, "invalid URL (no host)")
        if not self.allow_private:
            try:
                addrs = _resolve(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
            except OSError as exc:
                raise FetchError(url, str(exc)) from exc
            check_addresses(url, parsed.host, addrs)
        return parsed

    def fetch(self, url: str, kind: Kind = "page", *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url`` within every limit; see the module docstring.

        ``etag``/``last_modified`` make it a conditional GET: a 304 answer comes back as a result
        with ``not_modified=True`` and an empty body. Raises a ``FetchError`` subclass otherwise.
        """
        deadline = time.monotonic() + self.total_timeout
        headers = {"Accept": ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        history: list[str] = []
        _current.deadline = deadline
        try:
            for _hop in range(self.max_redirects + 1):
                _current.url = current
                host = self.check_url(current).host
                # Waiting for our turn at a busy host is not the server's time: the deadline moves.
                deadline += self.gate.enter(host)
                _current.deadline = deadline
                try:
                    response = self._send(current, headers)
                except BaseException:
                    self.gate.leave(host)
                    raise
                try:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        history.append(current)
                        try:
                            current = str(response.url.join(location.strip()))
                        except (httpx.InvalidURL, ValueError) as exc:
                            raise HTTPStatusError(current, response.status_code, f"redirect to an invalid URL {location!r}") from exc
                        continue
                    return self._finish(url, current, history, response, kind, deadline)
                finally:
                    response.close()
                    self.gate.leave(host)
            raise TooManyRedirectsError(url, f"more than {self.max_redirects} redirects (last to {current})")
        finally:
            _current.deadline = None
            _current.url = None

    def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        try:
            request = self.client.build_request("GET", url, headers=headers)
            return self.client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(url, self._timeout_reason(exc)) from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"connection failed: {exc or type(exc).__name__}") from exc
        except httpx.InvalidURL as exc:  # a URL (or Location) httpx cannot represent
            raise FetchError(url, f"invalid URL ({exc})") from exc
        except OSError as exc:  # name resolution inside the guarded backend
            raise FetchError(url, f"connection failed: {exc}") from exc

    def _timeout_reason(self, exc: Exception) -> str:
        deadline = getattr(_current, "deadline", None)
        # A read cut short by the deadline times out like any read; tell them apart by the clock.
        if "deadline" in str(exc) or (deadline is not None and time.monotonic() >= deadline - 0.05):
            return f"timed out: no complete response within {self.total_timeout:g} s"
        if isinstance(exc, httpx.ConnectTimeout):
            return f"timed out connecting (after {self.settings.fetch_connect_timeout:g} s)"
        return f"timed out waiting for data (read timeout {self.settings.fetch_read_timeout:g} s)"

    def _finish(self, url: str, final: str, history: list[str], response: httpx.Response, kind: Kind, deadline: float) -> FetchResult:
        status = response.status_code
        hdrs = {k.lower(): v for k, v in response.headers.items()}
        content_type, charset = _media_type(response.headers.get("content-type"))
        common = dict(
            url=url, final_url=final, status=status, headers=hdrs, content_type=content_type, charset=charset,
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"), redirects=history,
        )
        if status == 304:
            return FetchResult(body=b"", not_modified=True, **common)
        if status in REDIRECT_STATUSES:
            raise HTTPStatusError(final, status, f"HTTP {status} redirect without a Location header")
        if not 200 <= status < 300:
            raise HTTPStatusError(final, status, f"HTTP {status} {response.reason_phrase}".rstrip(),
                                  retry_after=response.headers.get("retry-after"))
        if not accepts(kind, content_type):
            wanted = {"page": "HTML", "feed": "a feed", "sitemap": "a sitemap"}.get(kind, kind)
            raise BadContentTypeError(final, f"content type {content_type!r} is not {wanted}")
        body = self._read_body(final, response, deadline)
        return FetchResult(body=body, **common)

    def _read_body(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        cap = self.max_bytes
        too_large = f"body larger than {cap} bytes (fetch_max_bytes)"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLargeError(url, f"{too_large}: Content-Length is {declared}")
        codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise FetchError(url, f"unsupported Content-Encoding {', '.join(codings)!r}")
        try:
            decoder = _Decoder(codings[0] if codings else "")
        except ValueError as exc:
            raise FetchError(url, str(exc)) from exc

        chunks: list[bytes] = []
        size = 0
        try:
            for raw in response.iter_raw(65536):
                out = decoder.decode(raw, cap - size + 1)
                size += len(out)
                if size > cap:
                    raise TooLargeError(url, too_large)
                chunks.append(out)
                if time.monotonic() > deadline:
                    raise httpcore.ReadTimeout("total fetch deadline exceeded")
            tail = decoder.flush()
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(url, self._timeout_reason(exc)) from exc
        except httpcore.ReadTimeout as exc:
            raise FetchTimeoutError(url, self._timeout_reason(exc)) from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"connection broke while reading the body: {exc or type(exc).__name__}") from exc
        except zlib.error as exc:
            raise FetchError(url, f"corrupt {codings[0]} body: {exc}") from exc
        if size + len(tail) > cap:
            raise TooLargeError(url, too_large)
        chunks.append(tail)
        return b"".join(chunks)
