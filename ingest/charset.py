"""Bytes of an HTML page or a feed to text, when servers and documents disagree about the charset."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']\s*([A-Za-z0-9._:\-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _codec(label: str | None) -> str | None:
    """Python's codec for a charset label, following browsers' aliases; ``None`` if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # Browsers read Latin-1 and ASCII labels as windows-1252, and so does most of the web's text.
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return name


def _declared(pattern: re.Pattern[bytes], head: bytes) -> str | None:
    m = pattern.search(head)
    if not m:
        return None
    name = _codec(m.group(1).decode("ascii", "ignore"))
    # A declaration read as ASCII cannot honestly declare UTF-16 (a UTF-16 document has a BOM).
    return "utf-8" if name and name.startswith("utf-16") else name


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag within its first 4 KB."""
    return _declared(_META_CHARSET, body[:4096])


def decode_html(body: bytes, header_charset: str | None = None) -> str:
    """Decode an HTML page's bytes to text; see ``decode_html_checked``."""
    return decode_html_checked(body, header_charset)[0]


def decode_html_checked(body: bytes, header_charset: str | None = None) -> tuple[str, str | None]:
    """Decode an HTML page's bytes to text, and say so when the declared charset was wrong.

    Returns the text and ``None``, or a note such as ``"declared charset utf-8 does not fit the
    bytes; read as cp1252"`` when a declared (header or meta) charset had to be overridden.

    Order: a byte-order mark; the Content-Type charset; the ``<meta>`` charset; charset
    detection; UTF-8 with replacement characters. A declared charset is used only if the bytes
    decode cleanly with it, and a body that is valid non-ASCII UTF-8 is read as UTF-8 even when
    a single-byte charset is declared: servers often send a stale ``charset=iso-8859-1`` default.
    """
    return _decode_checked(body, [c for c in (_codec(header_charset), meta_charset(body)) if c])


def xml_encoding(body: bytes) -> str | None:
    """The encoding an XML document declares in its ``<?xml ... encoding="..."?>``."""
    return _declared(_XML_ENCODING, body[:1024])


def decode_feed_checked(body: bytes, header_charset: str | None = None) -> tuple[str, str | None]:
    """Decode a feed's bytes to text, checked like a page's (``decode_html_checked``).

    The declared charsets are the Content-Type charset and the XML declaration's encoding; a
    declared charset the bytes do not fit is overridden by detection, with a note saying so.
    """
    return _decode_checked(body, [c for c in (_codec(header_charset), xml_encoding(body)) if c])


def _decode_checked(body: bytes, declared: list[str]) -> tuple[str, str | None]:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), None

    def checked(text: str, used: str) -> tuple[str, str | None]:
        if declared and declared[0] != used:
            return text, f"declared charset {declared[0]} does not fit the bytes; read as {used}"
        return text, None

    if declared and any(c != "utf-8" for c in declared) and not body.isascii():
        try:
            return checked(body.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    for name in declared:
        try:
            return checked(body.decode(name), name)
        except UnicodeDecodeError:
            continue
    if not body.isascii():
        try:
            return checked(body.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
        matches = from_bytes(body)
        best = matches.best()
        if best is not None and best.encoding:
            # On short texts the detector often ranks a cousin (cp1257, cp1250) above
            # windows-1252 by a hair; windows-1252 is by far the web's commonest legacy
            # charset (browsers' default), so it wins whenever it fits about as well.
            western = next((m for m in matches if m.encoding == "cp1252"), None)
            if western is not None and western.chaos <= best.chaos + 0.1:
                return checked(str(western), "cp1252")
            return checked(str(best), best.encoding)
    return checked(body.decode("utf-8", errors="replace"), "utf-8")


# Files that are not text at all: a PDF, a picture or an archive saved among the pages, or bytes
# that were never a document. Their magic numbers, and else the share of control bytes (other
# than whitespace) in the first 4 KB: random or compressed bytes have about one in nine, text in
# any charset none (UTF-16, which has NULs, starts with its byte-order mark).
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh",
                 b"\xfd7zXZ", b"RIFF", b"\x00\x00\x00")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c") + b"\x7f"


def looks_binary(body: bytes) -> bool:
    """Whether ``body`` is no text document at all (a PDF, an image, an archive, random bytes)."""
    head = body[:4096]
    if head.startswith(tuple(bom for bom, _ in _BOMS)):
        return False
    if head.startswith(_BINARY_MAGIC):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(4, len(head) // 50)
