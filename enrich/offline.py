"""Offline enrichment of a JSONL file (``newsflow enrich --in ARTICLES.jsonl --out ENRICHED.jsonl``)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from newsflow.core.config import Settings
from newsflow.core.contracts import Article, EnrichedArticle, article_id, content_hash
from newsflow.core.languages import detect_language, preload_language_model

from enrich.enricher import Enricher
from enrich.parallel import ParallelEnricher


# A record's language chooses its spaCy model, and a wrong guess costs all its entities: below
# this probability the language stays unknown (and the default model, English, runs).
MIN_LANGUAGE_CONFIDENCE = 0.6


class BadRecord(ValueError):
    """An input line that cannot become an Article."""


class _RateColumn(ProgressColumn):
    """Articles per second (rich only ships a bytes-per-second column)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- art/s" if speed is None else f"{speed:,.1f} art/s", style="progress.data.speed")


def _source(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def article_from_record(record: Any) -> Article:
    """An Article from a JSON record that needs only ``url``, ``title`` and ``text``.

    Missing Article fields are derived: ``canonical_url`` = ``url``, ``id`` = hash of the
    canonical URL, ``source`` = the URL's host without ``www.``, ``content_hash`` of the text,
    ``fetched_at`` = now, ``language`` detected from the text (it chooses the spaCy model).
    Fields present in the record are kept. Raises ``BadRecord``.
    """
    if not isinstance(record, dict):
        raise BadRecord(f"expected a JSON object, got {type(record).__name__}")
    url, text = record.get("url"), record.get("text")
    if not isinstance(url, str) or not url.strip():
        raise BadRecord("missing 'url'")
    if not isinstance(text, str):
        raise BadRecord("missing 'text'")
    fields = dict(record)
    fields["title"] = fields.get("title") or ""
    fields.setdefault("canonical_url", url)
    fields.setdefault("id", article_id(fields["canonical_url"]))
    fields.setdefault("source", _source(url))
    fields.setdefault("content_hash", content_hash(text))
    if not fields.get("language"):
        fields["language"] = detect_language(f"{fields['title']}\n{text}", MIN_LANGUAGE_CONFIDENCE)
    try:
        return Article.model_validate(fields)
    except ValidationError as exc:
        errors = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadRecord(errors) from None


def _count_lines(path: Path) -> int:
    """Number of lines, read in binary blocks (cheap next to spaCy)."""
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")  # a last line without a newline


def _records(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` pairs, 1-based; invalid UTF-8 is replaced, not fatal."""
    # newline="\n": split exactly where _count_lines counts, so line numbers agree
    with path.open("r", encoding="utf-8", errors="replace", newline="\n") as f:
        yield from enumerate(f, start=1)


def enrich_jsonl(
    in_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    settings: Settings,
    progress: bool = True,
    *,
    enricher: "Enricher | ParallelEnricher | None" = None,
    console: Console | None = None,
) -> int:
    """Enrich every article of a JSONL file into another JSONL file; returns the number written.

    Input lines need ``url`` and ``text`` (``title`` optional, see ``article_from_record``).
    Articles go through spaCy in batches of ``settings.enrich_batch_size``; each output line is
    one ``EnrichedArticle``. A bad line (invalid JSON, missing text, an article that fails to
    enrich) is reported on stderr with its line number and skipped. With ``progress``, a
    progress bar on stderr shows count, rate and ETA.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    console = console or Console(stderr=True)
    if enricher is None and settings.enrich_workers > 1:
        # the workers share stories and entities through files that live as long as the run
        with tempfile.TemporaryDirectory(prefix="newsflow-enrich-") as tmp:
            parallel = ParallelEnricher(settings, settings.enrich_workers, Path(tmp) / "stories.db",
                                        Path(tmp) / "entities.db", shared=False)
            try:
                return enrich_jsonl(in_path, out_path, settings, progress, enricher=parallel, console=console)
            finally:
                parallel.close()
    # records without a language need the detector's model: it loads (from the per-user cache, or
    # unpacked on a first run) while spaCy loads
    preload_language_model()
    enricher = enricher or Enricher(settings)
    batch_size = max(1, settings.enrich_batch_size)
    total = _count_lines(in_path)
    written = skipped = 0

    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not progress,
        transient=False,
    )

    def report(line_no: int, reason: str) -> None:
        nonlocal skipped
        skipped += 1
        # through the progress console, so the message prints above the live bar
        bar.console.print(f"[yellow]{escape(str(in_path))}:{line_no}: skipped: {escape(reason)}[/]", highlight=False, soft_wrap=True)

    with bar, out_path.open("wb") as out:
        task = bar.add_task("enrich", total=total)
        batch: list[tuple[int, Article]] = []

        def flush() -> None:
            nonlocal written
            if not batch:
                return
            results: list[tuple[int, EnrichedArticle]] = []
            try:
                results = list(zip((n for n, _ in batch), enricher.enrich([a for _, a in batch])))
            except Exception:
                # One poisonous article must not cost its neighbours: retry one by one.
                for line_no, article in batch:
                    try:
                        results.extend((line_no, e) for e in enricher.enrich([article]))
                    except Exception as exc:  # noqa: BLE001 - reported and skipped
                        report(line_no, f"enrichment failed: {type(exc).__name__}: {exc}")
            for _, enriched in results:
                out.write(enriched.to_json() + b"\n")
            written += len(results)
            bar.advance(task, len(batch))
            batch.clear()

        for line_no, line in _records(in_path):
            if not line.strip():
                bar.advance(task)  # blank lines are layout, not records
                continue
            try:
                batch.append((line_no, article_from_record(json.loads(line))))
            except json.JSONDecodeError as exc:
                report(line_no, f"invalid JSON: {exc}")
                bar.advance(task)
                continue
            except BadRecord as exc:
                report(line_no, str(exc))
                bar.advance(task)
                continue
            if len(batch) >= batch_size:
                flush()
        flush()

    if progress or skipped:
        console.print(f"enriched {written} articles, skipped {skipped} bad lines", highlight=False, soft_wrap=True)
    return written
