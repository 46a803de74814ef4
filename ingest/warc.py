"""WARC records as pages: stream ``response`` records of a WARC file (plain or gzipped), one at a time.

warcio reads the file, chosen over FastWARC by measurement (``bench/warc_read.py``): FastWARC
parses about four times faster, but reading is a few per cent of a backfill next to extraction,
and warcio, pure Python, also decodes bodies archived as transmitted (chunked, gzip). Memory stays bounded on multi-GB files: one record
at a time, its body read up to a cap.

Every record is reported, so the caller can count and resume: a ``WarcItem`` carries either a
page or the reason it is not one (``skip``), and ``next_offset``, the file offset where the
following record starts (what a resumed read seeks to).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import BinaryIO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class WarcError(Exception):
    """The file cannot be read on from here (truncated, not a WARC file)."""


@dataclass(frozen=True)
class WarcPage:
    """An HTML page as the archive captured it."""

    url: str  # WARC-Target-URI
    captured_at: datetime | None  # WARC-Date
    body: bytes  # the HTTP body, transfer- and content-decoded
    charset: str | None  # from the HTTP Content-Type header


@dataclass(frozen=True)
class WarcItem:
    """One record: a page, or why it is not one."""

    offset: int  # where this record starts in the file
    next_offset: int  # where the next one starts
    page: WarcPage | None = None
    skip: str | None = None  # "not_response", "not_html", "http_status", "too_large", "broken_record"
    detail: str = ""  # for the log line of a skip


def _media_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    kind, *params = value.split(";")
    charset = None
    for param in params:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return kind.strip().lower(), charset


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _item(record, max_bytes: int) -> tuple[WarcPage | None, str | None, str]:
    """(page, skip reason, detail) of a record whose headers were read; its body is consumed only for pages."""
    if record.rec_type != "response":
        return None, "not_response", record.rec_type
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    if http is None:
        return None, "not_html", "no HTTP headers"
    if not (http.protocol or "").startswith("HTTP/") or not (http.get_statuscode() or "").isdigit():
        return None, "broken_record", f"unreadable HTTP header {http.statusline!r:.80}"
    media, charset = _media_type(http.get_header("Content-Type"))
    if media not in HTML_TYPES:
        return None, "not_html", media or "no content type"
    status = http.get_statuscode()
    if not status.startswith("2"):
        return None, "http_status", f"HTTP {status}"
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return None, "too_large", f"body larger than {max_bytes} bytes"
    return WarcPage(url, _warc_date(record.rec_headers.get_header("WARC-Date")), body, charset), None, ""


def iter_records(stream: BinaryIO, *, start: int = 0, max_bytes: int) -> Iterator[WarcItem]:
    """The records of a WARC stream positioned at file offset ``start`` (a record boundary).

    Raises ``WarcError`` when the rest of the file cannot be read (truncated, not WARC); the
    items before it have been yielded.
    """
    records = ArchiveIterator(stream, check_digests=False)
    try:  # warcio counts from the stream's position when it can tell it, else from 0
        stream.tell()
        base = 0
    except (OSError, ValueError):
        base = start
    while True:
        offset = base + records.offset  # where the record about to be read starts
        try:
            record = next(records)
        except StopIteration:
            return
        except StatusAndHeadersParserException as exc:
            raise WarcError(f"broken WARC header at byte {offset}: {exc}") from exc
        except Exception as exc:  # warcio raises assorted types (AttributeError too) on damaged files
            raise WarcError(f"unreadable from byte {offset}: {type(exc).__name__}: {exc}") from exc
        if record.format != "warc":  # warcio also takes ARC files, and garbage for ARC
            raise WarcError(f"not a WARC record at byte {offset} (format {record.format!r})")
        try:
            page, skip, detail = _item(record, max_bytes)
        except (OSError, EOFError, ValueError) as exc:  # a body cut short or wrongly encoded
            page, skip, detail = None, "broken_record", str(exc) or type(exc).__name__
        try:
            records.read_to_end()  # the rest of the record, and the blank lines after it
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            raise WarcError(f"record at byte {offset} is cut short: {exc}") from exc
        if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length said
            raise WarcError(f"record at byte {offset} is cut short: the file is truncated")
        yield WarcItem(offset, base + records.offset, page, skip, detail)
