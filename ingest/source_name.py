"""The name of the site an article comes from, as records carry it in ``source``.

A module of its own: ``newsflow extract`` names the source of every page, and
``ingest.urls`` (canonicalisation, with the public suffix list of ``ingest.sites``) costs a
process 0.05 s more to import than this needs.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def source_of(url: str) -> str:
    """The site an article belongs to: its host, lower-case, without a leading ``www.``."""
    host = urlsplit(url).hostname or ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host
