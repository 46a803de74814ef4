"""Large remote files (WARC archives, file lists) streamed through the guarded fetcher's client.

``Fetcher.fetch`` reads a whole body into memory under ``fetch_max_bytes`` and one wall-clock
deadline, which suits pages and feeds, not a 1 GB archive. Here the same guarded connection
pool (private-address check on every dialled address, connect and read timeouts) serves a
streamed body: redirects followed by hand with every hop checked, a size cap of its own
(``backfill_max_bytes``), and ``Range`` requests so a resumed backfill does not download
again what it already read.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Iterator

import httpx

from ingest.fetch import (REDIRECT_STATUSES, FetchError, Fetcher, FetchTimeoutError, HTTPStatusError, TooLargeError,
                          TooManyRedirectsError)


class RemoteStream(io.RawIOBase):
    """A read-only, forward-only file over an HTTP response body, counting what it delivered.

    Errors while reading surface as ``FetchError`` subclasses naming the URL.
    """

    def __init__(self, url: str, response: httpx.Response, *, start: int, max_bytes: int, size: int | None):
        super().__init__()
        self.url = url
        self.start = start  # the file offset of the first byte of the body
        self.size = size  # the whole file's size, when the server said
        self._chunks = response.iter_bytes(65536)  # Content-Encoding (if any) decoded
        self._buffer = b""
        self._read = 0
        self._max_bytes = max_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.TimeoutException as exc:
                raise FetchTimeoutError(self.url, f"timed out waiting for data: {exc or type(exc).__name__}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(self.url, f"connection broke while reading: {exc or type(exc).__name__}") from exc
            self._read += len(self._buffer)
            if self.start + self._read > self._max_bytes:
                raise TooLargeError(self.url, f"larger than {self._max_bytes} bytes (backfill_max_bytes)")
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    @property
    def position(self) -> int:
        """The file offset of the next byte this stream will deliver."""
        return self.start + self._read - len(self._buffer)


def _content_range_size(value: str | None) -> int | None:
    """The total of ``Content-Range: bytes a-b/total`` (``None`` for ``*`` or no header)."""
    if not value or "/" not in value:
        return None
    total = value.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


@contextmanager
def open_remote(fetcher: Fetcher, url: str, *, max_bytes: int, offset: int = 0) -> Iterator[RemoteStream]:
    """Stream ``url`` from byte ``offset`` on (a ``Range`` request; a server that ignores it is
    read from the start and the first ``offset`` bytes are skipped while streaming).

    Raises a ``FetchError`` subclass for a refused host, an HTTP error, too many redirects or a
    declared size above ``max_bytes``.
    """
    headers = {"Accept": "*/*", "Accept-Encoding": "identity"}  # archives are compressed already
    if offset:
        headers["Range"] = f"bytes={offset}-"
    current = url
    for _hop in range(fetcher.max_redirects + 1):
        fetcher.check_url(current)
        try:
            response = fetcher.client.send(fetcher.client.build_request("GET", current, headers=headers), stream=True)
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(current, f"timed out: {exc or type(exc).__name__}") from exc
        except (httpx.HTTPError, OSError) as exc:
            raise FetchError(current, f"connection failed: {exc or type(exc).__name__}") from exc
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                current = str(response.url.join(location.strip()))
                continue
            if response.status_code not in (200, 206):
                raise HTTPStatusError(current, response.status_code, f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            ranged = response.status_code == 206
            declared = response.headers.get("content-length", "")
            size = _content_range_size(response.headers.get("content-range")) if ranged else (
                int(declared) if declared.isdigit() else None)
            if size is not None and size > max_bytes:
                raise TooLargeError(current, f"larger than {max_bytes} bytes (backfill_max_bytes): {size} bytes")
            stream = RemoteStream(current, response, start=offset if ranged else 0, max_bytes=max_bytes, size=size)
            if not ranged and offset:
                _skip(stream, offset)
            yield stream
            return
        finally:
            response.close()
    raise TooManyRedirectsError(url, f"more than {fetcher.max_redirects} redirects (last to {current})")


def _skip(stream: RemoteStream, count: int) -> None:
    left = count
    while left > 0:
        got = stream.read(min(left, 1 << 20))
        if not got:
            raise FetchError(stream.url, f"the file ended before byte {count} where the backfill stopped")
        left -= len(got)
