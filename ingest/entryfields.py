"""Typed reading of one feed entry's fields, so that one wrong value costs that value only.

Feeds are untrusted documents: a JSON Feed item whose ``image`` is a number, whose ``authors``
is a string or whose date is in year 1 must not reach the ``Article`` contract (where it would
raise) nor stop the feed. ``EntryFields`` reads each field with the type it must have; a value of
another type is dropped with one warning naming the feed, the entry and the field, and the
problem kind is collected for the caller's metric.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

log = logging.getLogger("ingest.feeds")

# Dates outside this range are placeholders (0001-01-01, 9999-12-31) or typos, never news.
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)

ENTRY_BAD_FIELD = "entry:bad_field"
ENTRY_INVALID = "entry:invalid"


def type_name(value: object) -> str:
    """How a JSON/Python value's type reads in a log line: "a number", "a list", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def entry_label(index: int, ident: object) -> str:
    """``entry #3 (id 'x')``: how log lines name an entry (position from 1, and its id when usable)."""
    if isinstance(ident, (str, int)) and not isinstance(ident, bool) and str(ident).strip():
        return f"entry #{index} (id {str(ident).strip()[:200]!r})"
    return f"entry #{index}"


def clean_text(value: str) -> str:
    """``value`` with lone UTF-16 surrogates (``"\\ud800"`` escapes in JSON) replaced by U+FFFD.

    Python keeps them in a ``str``, but no UTF-8 encoder accepts them: left in, one such title
    would make the whole batch's publishing fail.
    """
    if value.isascii():
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def plausible(dt: datetime | None) -> bool:
    """Whether a UTC date-time is within the range a news article can have."""
    return dt is not None and EARLIEST <= dt < LATEST


def parse_iso(value: str) -> datetime | None:
    """An ISO 8601 date-time (``Z`` allowed; naive means UTC) in UTC, or None if not one."""
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 with a positive offset, year 9999 with a negative one
        return None


class EntryFields:
    """Reads the fields of one entry of ``feed_url``; collects the problems into ``problems``."""

    def __init__(self, feed_url: str, label: str, problems: list[str]):
        self.feed_url = feed_url
        self.label = label
        self.problems = problems

    def drop(self, name: str, why: str) -> None:
        """Log and count a field that is dropped."""
        log.warning("feed %s: %s: field %r %s; dropped", self.feed_url, self.label, name, why,
                    extra={"feed": self.feed_url, "problem": ENTRY_BAD_FIELD})
        self.problems.append(ENTRY_BAD_FIELD)

    def text(self, obj: dict, name: str) -> str:
        """A string field, whitespace kept; numbers are taken as their text, other types dropped."""
        value = obj.get(name)
        if value is None:
            return ""
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        self.drop(name, f"is {type_name(value)}, not a string")
        return ""

    def url(self, obj: dict, name: str, base: str) -> str | None:
        """A URL field made absolute against ``base``; ``None`` when absent or not a string."""
        value = obj.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            self.drop(name, f"is {type_name(value)}, not a URL")
            return None
        return absolute(base, clean_text(value))

    def strings(self, obj: dict, name: str, key: str | None = None) -> list[str]:
        """A list of strings (or, with ``key``, of objects whose ``key`` is a string)."""
        value = obj.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.drop(name, f"is {type_name(value)}, not a list")
            return []
        out = []
        for item in value:
            if key is not None and isinstance(item, dict):
                item = item.get(key)
            if isinstance(item, str):
                out.append(clean_text(item))
            elif item is not None:
                self.drop(name, f"holds {type_name(item)} where {'an object with a ' + key if key else 'a string'} belongs")
        return out

    def date(self, obj: dict, name: str) -> datetime | None:
        """An ISO 8601 date field in UTC; an unreadable or implausible one is ignored (said at debug level)."""
        value = obj.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.drop(name, f"is {type_name(value)}, not a date")
            return None
        return checked_date(self.feed_url, self.label, name, value, parse_iso(value))


def checked_date(feed_url: str, label: str, name: str, original: object, parsed: datetime | None) -> datetime | None:
    """``parsed`` if it is a plausible date, else ``None``, said at debug level with the original value."""
    if parsed is None:
        log.debug("feed %s: %s: %s %r is not a usable date; ignored", feed_url, label, name, original, extra={"feed": feed_url})
        return None
    if not plausible(parsed):
        log.debug("feed %s: %s: %s %r is outside %d-%d; ignored", feed_url, label, name, original,
                  EARLIEST.year, LATEST.year - 1, extra={"feed": feed_url})
        return None
    return parsed


def absolute(base: str, link: str) -> str:
    """``link`` resolved against ``base`` (the feed's URL, or an ``xml:base``); unchanged if absolute."""
    link = link.strip()
    if urlsplit(link).scheme:
        return link
    try:
        return urljoin(base, link)
    except ValueError:  # e.g. an invalid IPv6 literal in the link
        return link
