"""Which site a URL belongs to, by registrable domain (public suffix + one label).

``news.example.co.uk`` and ``www.example.co.uk`` are one site; ``a.github.io`` and
``b.github.io`` are two. A page may name its canonical URL only within its own site: a page on
one site that declares another site's article as its canonical would otherwise take that
article's identity (and replace it in the index).

The public suffix list is the snapshot bundled with ``tldextract``; it is never refreshed
over the network at run time (no ``suffix_list_urls``, no cache directory).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True,
                                 include_psl_private_domains=True)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The registrable domain of ``host`` (lower-case); an IP address or a bare name is its own."""
    host = host.lower().rstrip(".").strip("[]")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    parts = _EXTRACT.extract_str(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host  # "localhost", an intranet name, or a public suffix itself


def site_of(url: str) -> str:
    """The registrable domain of a URL's host ("" when it has none)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return registrable_domain(host) if host else ""


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to the same site (registrable domain; scheme and port do not matter)."""
    site = site_of(a)
    return bool(site) and site == site_of(b)
