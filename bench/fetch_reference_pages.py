"""Fetch Mozilla Readability's test pages: the reference corpus of ``bench_extract.py --reference``.

    .venv/bin/python bench/fetch_reference_pages.py DEST [--archive FILE]

Readability's test pages are real pages (news, blogs, documentation), each saved with the text
Readability.js is expected to give (mozilla/readability, Apache-2.0). They travel in the Go module
of a port of it, codeberg.org/readeck/go-readability (MIT), which the Go module proxy serves: one
pinned archive, checked against its SHA-256. ``DEST/NAME/source.html`` and
``DEST/NAME/expected.html`` are written for each page (``ingest.evaluation.load_reference_pages``
reads that layout). ``--archive FILE`` unpacks an archive fetched before instead of fetching it.
The pages are not copied into the repository: the bench takes their folder as an argument.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path, PurePosixPath

import httpx

MODULE = "codeberg.org/readeck/go-readability/v2"
VERSION = "v2.1.3"
URL = f"https://proxy.golang.org/{MODULE}/@v/{VERSION}.zip"
SHA256 = "1ebdeed0ad5ce08e9cc0b05db617327d86538c7b36c53eeb5cba3d2a47f4f26a"
FILES = ("source.html", "expected.html")


def fetch(url: str = URL) -> bytes:
    """The module archive, from the Go module proxy."""
    print(f"fetching {url}", file=sys.stderr)
    response = httpx.get(url, follow_redirects=True, timeout=120)
    response.raise_for_status()
    return response.content


def unpack(archive: bytes, dest: Path, sha256: str = SHA256) -> int:
    """Write each test page's source and expected extraction under ``dest``; the number of pages.
    An archive whose SHA-256 is not ``sha256`` is refused (``ValueError``): the figures the bench
    prints are only comparable on the same pages."""
    digest = hashlib.sha256(archive).hexdigest()
    if digest != sha256:
        raise ValueError(f"archive SHA-256 {digest} is not the pinned {sha256}")
    pages = set()
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        for name in zipped.namelist():
            parts = PurePosixPath(name).parts
            # <module>@<version>/test-pages/<page>/<file>; a name that climbs out of dest is not one
            if len(parts) < 3 or parts[-3] != "test-pages" or parts[-1] not in FILES or ".." in parts:
                continue
            target = dest / parts[-2] / parts[-1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zipped.read(name))
            pages.add(parts[-2])
    return len(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="Folder to write the pages into (created).")
    parser.add_argument("--archive", type=Path, default=None, help="Unpack this module archive instead of fetching it.")
    args = parser.parse_args()
    archive = args.archive.read_bytes() if args.archive else fetch()
    try:
        count = unpack(archive, args.dest)
    except (ValueError, zipfile.BadZipFile) as exc:
        sys.exit(f"fetch_reference_pages: {exc}")
    print(f"{count} pages in {args.dest}")


if __name__ == "__main__":
    main()
