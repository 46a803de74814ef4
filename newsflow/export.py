"""Every hit of a search as CSV or JSON Lines, for spreadsheets and notebooks.

One writer for both front doors (``newsflow search --format csv|jsonl`` and
``GET /api/search.csv`` / ``.jsonl``): it turns the ``Index.export`` stream into lines one hit
at a time, so memory stays bounded however many articles match.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from newsflow.core.search import SearchHit

FORMATS = ("csv", "jsonl")
CSV_COLUMNS = ("published_at", "source", "title", "url", "language", "story_id", "entities", "score")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
ENTITY_SEPARATOR = "; "


def csv_row(hit: SearchHit) -> list[str]:
    """One CSV row: the entities as names joined by ``; ``, most salient first."""
    return [
        hit.published_at.isoformat() if hit.published_at else "", hit.source, hit.title, hit.url, hit.language or "",
        hit.story_id, ENTITY_SEPARATOR.join(e.name for e in hit.entities), f"{hit.score:.6g}",
    ]


def json_line(hit: SearchHit) -> str:
    """One JSON object (a search hit without its snippet) and a newline."""
    return json.dumps(hit.model_dump(mode="json", exclude={"snippet"}), ensure_ascii=False) + "\n"


def lines(hits: Iterable[SearchHit], fmt: str) -> Iterator[str]:
    """The export as text lines (CSV: a header row first)."""
    if fmt == "jsonl":
        for hit in hits:
            yield json_line(hit)
        return
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180, what spreadsheets expect

    def take() -> str:
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    writer.writerow(CSV_COLUMNS)
    yield take()
    for hit in hits:
        writer.writerow(csv_row(hit))
        yield take()


__all__ = ["CSV_COLUMNS", "FORMATS", "MEDIA_TYPES", "csv_row", "json_line", "lines"]
