"""Fetch a reference-extraction corpus for ``bench_extract.py --reference``: real pages, each saved
with the text an extractor is expected to give.

    .venv/bin/python bench/fetch_reference_pages.py DEST [--set readability|newspaper4k] [--archive FILE]

Two sets, each one pinned archive checked against its SHA-256, neither copied into the repository
(the bench takes their folder as an argument):

- ``readability`` (the default): Mozilla Readability's test pages (news, blogs, documentation),
  each with the text Readability.js is expected to give (mozilla/readability, Apache-2.0). They
  travel in the Go module of a port of it, codeberg.org/readeck/go-readability (MIT), which the Go
  module proxy serves. ``DEST/NAME/source.html`` and ``DEST/NAME/expected.html`` are written.
- ``newspaper4k``: the news pages of newspaper4k's tests (MIT), from its source distribution on
  PyPI, each with the article text newspaper4k's tests expect, as plain text: a third convention,
  from a library that shares no code with trafilatura or Readability. ``DEST/NAME/source.html``
  and ``DEST/NAME/expected.txt`` are written, for the pages that have both.

``ingest.evaluation.load_reference_pages`` reads either layout. ``--archive FILE`` unpacks an
archive fetched before instead of fetching it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

import httpx


@dataclass(frozen=True)
class ReferenceSet:
    """One pinned archive and how its members map to ``NAME/FILE`` in the destination."""

    url: str
    sha256: str
    # (archive path, its content when asked): only the files a page needs are decompressed
    members: Callable[[bytes], Iterator[tuple[PurePosixPath, Callable[[], bytes]]]]
    place: Callable[[PurePosixPath], tuple[str, str] | None]  # archive path -> (NAME, FILE), or None to skip
    required: tuple[str, ...]  # the files a page needs, or it is not written


def _zip_members(archive: bytes) -> Iterator[tuple[PurePosixPath, Callable[[], bytes]]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        for name in zipped.namelist():
            yield PurePosixPath(name), partial(zipped.read, name)


def _tar_members(archive: bytes) -> Iterator[tuple[PurePosixPath, Callable[[], bytes]]]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tarred:
        for member in tarred:
            if member.isfile():  # links and devices are never pages
                yield PurePosixPath(member.name), partial(_read_member, tarred, member)


def _read_member(tarred: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    return tarred.extractfile(member).read()


def _readability_place(path: PurePosixPath) -> tuple[str, str] | None:
    # <module>@<version>/test-pages/<page>/<file>
    parts = path.parts
    if len(parts) >= 3 and parts[-3] == "test-pages" and parts[-1] in ("source.html", "expected.html"):
        return parts[-2], parts[-1]
    return None


def _newspaper_place(path: PurePosixPath) -> tuple[str, str] | None:
    # newspaper4k-<version>/tests/data/html/<page>.html and .../data/txt/<page>.txt
    parts = path.parts
    if len(parts) >= 4 and parts[-3:-1] == ("data", "html") and path.suffix == ".html":
        return path.stem, "source.html"
    if len(parts) >= 4 and parts[-3:-1] == ("data", "txt") and path.suffix == ".txt":
        return path.stem, "expected.txt"
    return None


SETS = {
    "readability": ReferenceSet(
        url="https://proxy.golang.org/codeberg.org/readeck/go-readability/v2/@v/v2.1.3.zip",
        sha256="1ebdeed0ad5ce08e9cc0b05db617327d86538c7b36c53eeb5cba3d2a47f4f26a",
        members=_zip_members, place=_readability_place, required=("source.html", "expected.html")),
    "newspaper4k": ReferenceSet(
        url="https://files.pythonhosted.org/packages/b6/20/733d9dd3adfb6295454e6ba81f6407d96bf66bfda36c75c99b1f99accbf0/"
            "newspaper4k-0.9.6.tar.gz",
        sha256="a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e",
        members=_tar_members, place=_newspaper_place, required=("source.html", "expected.txt")),
}
def fetch(url: str) -> bytes:
    """The archive at ``url``."""
    print(f"fetching {url}", file=sys.stderr)
    response = httpx.get(url, follow_redirects=True, timeout=120)
    response.raise_for_status()
    return response.content


def unpack(archive: bytes, dest: Path, sha256: str | None = None, reference_set: str = "readability") -> int:
    """Write each page's source and expected extraction under ``dest``; the number of pages written.
    An archive whose SHA-256 is not ``sha256`` (by default the set's pin) is refused (``ValueError``):
    the figures the bench prints are only comparable on the same pages. A page lacking one of its
    set's files is skipped."""
    chosen = SETS[reference_set]
    pinned = sha256 or chosen.sha256
    digest = hashlib.sha256(archive).hexdigest()
    if digest != pinned:
        raise ValueError(f"archive SHA-256 {digest} is not the pinned {pinned}")
    pages: dict[str, dict[str, bytes]] = {}
    for path, read in chosen.members(archive):
        placed = chosen.place(path)
        # a name that climbs out of dest is not a page
        if placed is None or ".." in path.parts or not placed[0] or placed[0].startswith("."):
            continue
        pages.setdefault(placed[0], {})[placed[1]] = read()
    written = 0
    for name, files in pages.items():
        if not all(file in files for file in chosen.required):
            continue
        for file, content in files.items():
            target = dest / name / file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="Folder to write the pages into (created).")
    parser.add_argument("--set", dest="reference_set", choices=sorted(SETS), default="readability",
                        help="Which reference corpus (default: readability).")
    parser.add_argument("--archive", type=Path, default=None, help="Unpack this archive instead of fetching it.")
    args = parser.parse_args()
    chosen = SETS[args.reference_set]
    archive = args.archive.read_bytes() if args.archive else fetch(chosen.url)
    try:
        count = unpack(archive, args.dest, reference_set=args.reference_set)
    except (ValueError, zipfile.BadZipFile, tarfile.TarError) as exc:
        sys.exit(f"fetch_reference_pages: {exc}")
    print(f"{count} pages in {args.dest}")


if __name__ == "__main__":
    main()
