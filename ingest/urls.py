"""URL canonicalization: one spelling per article, so that its id (a hash of it) is stable."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from ingest.sites import same_site
from ingest.source_name import source_of  # noqa: F401  (re-exported: ingest's callers name sources here)

# Click and campaign identifiers: they vary per reader and per share, never per article.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref_src", "yclid", "msclkid", "_ga"}
)
TRACKING_PREFIXES = ("utm_",)

DEFAULT_PORTS = {"http": 80, "https": 443}

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

# RFC 3986 sub-delims plus ':' and '@' may stay literal in a path; '%' keeps existing escapes.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
# In a query component '&' and '=' are structure, so they are never decoded inside a key or value.
_QUERY_PART_SAFE = ":@!$'()*+,;/?-._~%"


def _normalize_escapes(part: str, safe: str) -> str:
    """Decode escapes of unreserved characters, upper-case the others, encode what must be."""
    part = _STRAY_PERCENT.sub("%25", part)

    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + m.group(1).upper()

    part = _ESCAPE.sub(fix, part)
    return quote(part, safe=safe)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, so ``/a/./b/../c`` and ``/a/c`` are one URL."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    try:
        # Internationalised names get one spelling (punycode), as DNS sees them.
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return host


def canonicalize(url: str) -> str:
    """The canonical spelling of an absolute URL.

    Lower-cases scheme and host, drops the default port, the fragment, any user info and
    tracking parameters (``utm_*``, ``fbclid``, ...), sorts the remaining query parameters by
    name (stable, so repeated names keep their order), normalises percent-encoding and dot
    segments, and turns an empty path into ``/``. Raises ``ValueError`` for a URL without a
    scheme or host.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")
    host = _host(parts.hostname)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"bad port in URL {url!r}") from exc
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"

    path = _remove_dot_segments(_normalize_escapes(parts.path, _PATH_SAFE)) or "/"

    params: list[tuple[str, str | None]] = []
    for pair in parts.query.split("&"):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        key = _normalize_escapes(key, _QUERY_PART_SAFE)
        if _is_tracking(key):
            continue
        params.append((key, _normalize_escapes(value, _QUERY_PART_SAFE) if sep else None))
    params.sort(key=lambda kv: kv[0])
    query = "&".join(k if v is None else f"{k}={v}" for k, v in params)

    return urlunsplit((scheme, netloc, path, query, ""))


def http_canonical(url: str) -> str | None:
    """The canonical spelling of an http(s) URL; ``None`` for anything else or a malformed URL."""
    try:
        canon = canonicalize(url)
    except ValueError:
        return None
    return canon if urlsplit(canon).scheme in ("http", "https") else None


def article_canonical(declared: str | None, final_url: str) -> str | None:
    """The canonical URL of an article page fetched from ``final_url`` (already canonical) that
    declares ``declared`` as its ``rel=canonical``: the declared one, unless it is unusable.

    Some sites declare their home page as every article's canonical; that would fold all their
    articles into one id, so such a declaration is ignored (``None``: use ``final_url``), as is
    one on another site (it would take that site's article id).
    """
    if not declared:
        return None
    canon = http_canonical(declared)
    if canon and not same_site(canon, final_url):
        return None
    if canon and urlsplit(canon).path == "/" and urlsplit(final_url).path != "/":
        return None
    return canon
