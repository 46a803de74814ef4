"""Bounded gzip decompression: a body is read whole, or refused in one line, never expanded past its limit."""

import gzip

import pytest

from newsflow.core.compression import GzipError, gunzip, is_gzip

PAGE = b"<html><body><p>" + b"The harbour bridge opens in April. " * 40 + b"</p></body></html>"


def test_a_gzip_body_decompresses_to_what_was_compressed():
    body = gzip.compress(PAGE)
    assert is_gzip(body) and not is_gzip(PAGE)
    assert gunzip(body, len(PAGE)) == PAGE


def test_a_body_larger_than_the_limit_once_decompressed_is_refused():
    with pytest.raises(GzipError, match="larger than 1000 bytes once decompressed"):
        gunzip(gzip.compress(b" " * 10_000_000), 1000)


@pytest.mark.parametrize("body,reason", [
    (b"\x1f\x8b\x08\x00not a deflate stream at all", "corrupt gzip"),
    (gzip.compress(PAGE)[:-20], "truncated gzip"),
])
def test_a_corrupt_or_cut_short_body_is_refused(body, reason):
    with pytest.raises(GzipError, match=reason):
        gunzip(body, 10_000)
