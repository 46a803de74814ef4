"""Where a backfill reads from: WARC files on disk, over http(s), or a CC-NEWS month.

``resolve_sources`` turns the command line's SRC arguments into ``Archive`` objects, each
naming one WARC file (the name is the file's URI: the key of its progress in the ingest state
and the ``feed_url`` of its articles) and opening it at a byte offset, so an interrupted
backfill continues where it stopped.
"""

from __future__ import annotations

import gzip
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import urljoin, urlsplit

from ingest.fetch import Fetcher
from ingest.remote import open_remote

WARC_SUFFIXES = (".warc", ".warc.gz")
_CC_NEWS = re.compile(r"^cc-news:(\d{4})-(\d{2})$")
# A month's list is a few hundred lines; a list far larger than that is not one.
PATHS_MAX_BYTES = 16 * 1024 * 1024


class SourceError(ValueError):
    """A SRC argument that names no WARC file we can read (one readable line)."""


@dataclass(frozen=True)
class Archive:
    """One WARC file: a local path or an http(s) URL."""

    name: str  # file:// URI or http(s) URL
    path: Path | None = None  # set for a local file

    @contextmanager
    def open(self, fetcher: Fetcher, offset: int, max_bytes: int) -> Iterator[tuple[BinaryIO, int | None]]:
        """The file as a stream positioned at ``offset``, and its size when known."""
        if self.path is not None:
            with open(self.path, "rb") as f:
                f.seek(offset)
                yield f, self.path.stat().st_size
            return
        with open_remote(fetcher, self.name, max_bytes=max_bytes, offset=offset) as stream:
            yield stream, stream.size


def _is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def cc_news_paths_url(base_url: str, year: str, month: str) -> str:
    """Where Common Crawl lists a CC-NEWS month's WARC files (``warc.paths.gz``)."""
    return urljoin(base_url.rstrip("/") + "/", f"crawl-data/CC-NEWS/{year}/{month}/warc.paths.gz")


def cc_news_archives(fetcher: Fetcher, base_url: str, year: str, month: str) -> list[Archive]:
    """The WARC files of one CC-NEWS month, in the list's order (oldest first)."""
    url = cc_news_paths_url(base_url, year, month)
    with open_remote(fetcher, url, max_bytes=PATHS_MAX_BYTES) as stream:
        try:
            with gzip.GzipFile(fileobj=io.BufferedReader(stream)) as lines:
                paths = [line.decode("utf-8").strip() for line in lines]
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise SourceError(f"cc-news:{year}-{month}: {url} is not a gzipped list of paths ({exc})") from exc
    base = base_url.rstrip("/") + "/"
    return [Archive(urljoin(base, p.lstrip("/"))) for p in paths if p and not p.startswith("#")]


def resolve_sources(srcs: list[str], fetcher: Fetcher, cc_news_base_url: str) -> list[Archive]:
    """The WARC files named by SRC arguments, each once, in order.

    A SRC is a ``.warc``/``.warc.gz`` file, a directory of them (searched recursively, sorted),
    an http(s) URL of one, or ``cc-news:YYYY-MM``. Raises ``SourceError`` for one that is none
    of these, and ``FetchError`` when a CC-NEWS list cannot be fetched.
    """
    found: dict[str, Archive] = {}
    for src in srcs:
        month = _CC_NEWS.match(src.strip())
        if month:
            if not 1 <= int(month.group(2)) <= 12:
                raise SourceError(f"{src}: not a month (use cc-news:YYYY-MM)")
            archives = cc_news_archives(fetcher, cc_news_base_url, month.group(1), month.group(2))
        elif urlsplit(src).scheme in ("http", "https"):
            archives = [Archive(src)]
        else:
            path = Path(src)
            if path.is_dir():
                archives = [Archive(p.resolve().as_uri(), p.resolve()) for p in sorted(path.rglob("*")) if p.is_file() and _is_warc(p)]
                if not archives:
                    raise SourceError(f"{src}: no .warc or .warc.gz files in this directory")
            elif path.is_file():
                archives = [Archive(path.resolve().as_uri(), path.resolve())]
            elif src.startswith("cc-news:"):
                raise SourceError(f"{src}: use cc-news:YYYY-MM, e.g. cc-news:2024-05")
            else:
                raise SourceError(f"{src}: no such file or directory (nor an http(s) URL or cc-news:YYYY-MM)")
        for archive in archives:
            found.setdefault(archive.name, archive)
    return list(found.values())

