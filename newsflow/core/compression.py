"""Bounded gzip decompression for bodies from outside: a few kilobytes of gzip can expand to
gigabytes (a gzip bomb), so the output stops at a limit and a larger body is refused."""

from __future__ import annotations

import zlib

GZIP_MAGIC = b"\x1f\x8b"


class GzipError(ValueError):
    """A gzip body that is corrupt or larger than its limit once decompressed; ``str(err)`` is one line."""


def is_gzip(body: bytes) -> bool:
    """Whether ``body`` starts like a gzip stream."""
    return body[:2] == GZIP_MAGIC


def gunzip(body: bytes, limit: int) -> bytes:
    """``body`` decompressed; raises ``GzipError`` if it is corrupt, cut short, or would exceed
    ``limit`` bytes (decompression stops there, so a bomb costs at most ``limit`` bytes of memory)."""
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = z.decompress(body, limit + 1)
    except zlib.error as exc:
        raise GzipError(f"corrupt gzip ({exc})") from exc
    if len(out) > limit or z.unconsumed_tail:
        raise GzipError(f"larger than {limit} bytes once decompressed")
    if not z.eof:
        raise GzipError("truncated gzip (the stream ends before its end marker)")
    return out
