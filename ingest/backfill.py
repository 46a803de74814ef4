"""Archive backfill: the HTML pages of WARC files, published to ``news.articles`` like polled ones.

Each page goes the way of a live one (``ingest.stage``): charset decoding, extraction, the
canonical URL (declared ``rel=canonical`` unless it is a home page, else the captured URL),
``article_id`` of it, ``min_text_chars``, ``fetch_max_bytes`` per page, and the same dedup
state: a page whose URL or text was already seen (live or by an earlier backfill) is a
duplicate, and every URL that led to a published article is marked seen, so a later poll of
the site's feeds skips it.

Progress is kept per file in the ingest state: the offset of the next record to read, saved
right after each batch was published (and its URLs marked seen). A backfill killed mid-file
reads again at most one batch, whose articles the dedup state then recognises.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from newsflow.core.bus import Bus
from newsflow.core.config import Settings
from newsflow.core.contracts import Article, article_id, content_hash, utcnow
from ingest.archives import Archive
from ingest.charset import decode_html_checked
from ingest.extract import ExtractedPage, extract_html
from ingest.fetch import FetchError, Fetcher
from ingest.stage import FUTURE_TOLERANCE, HEADERS
from ingest.state import IngestState, Seen
from ingest.urls import article_canonical, http_canonical, source_of
from ingest.warc import WarcError, WarcItem, WarcPage, iter_records

log = logging.getLogger(__name__)

# Articles published together (one bus flush, one state transaction); also the most a killed
# backfill reads twice.
BATCH_ARTICLES = 32
# Records after which progress is saved even without an article (archives of other sites).
BATCH_RECORDS = 500

SKIP_REASONS = {
    "not_response": "not a response record",
    "not_html": "not HTML",
    "http_status": "not a 2xx response",
    "too_large": "larger than fetch_max_bytes",
    "broken_record": "broken record",
    "bad_url": "not an http(s) URL",
    "other_source": "not a --source site",
    "no_text": "no article text",
    "too_short": "too short",
    "other_language": "not a --lang language",
    "outside_dates": "outside the date range",
    "duplicate": "duplicate",
}


@dataclass(frozen=True)
class Filters:
    """Which pages of the archives are wanted (``None``/empty: all)."""

    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()  # host names; a subdomain of one matches too
    languages: tuple[str, ...] = ()  # ISO 639-1 codes
    limit: int | None = None  # stop after publishing this many articles

    def wants_source(self, source: str) -> bool:
        """Whether an article of this site (``source_of`` its URL) is wanted."""
        return not self.sources or any(source == s or source.endswith("." + s) for s in self.sources)

    def wants_date(self, when: datetime | None) -> bool:
        """Whether an article of this date is wanted (undated ones only without a range)."""
        if when is None:
            return self.since is None and self.until is None
        return (self.since is None or when >= self.since) and (self.until is None or when <= self.until)


@dataclass
class BackfillReport:
    """What a backfill did, for the summary and for tests."""

    files: int = 0
    files_done: int = 0  # read to the end in this run
    files_already_done: int = 0  # read to the end by an earlier run
    records: int = 0
    articles: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason (SKIP_REASONS key) -> records
    failures: list[tuple[str, str]] = field(default_factory=list)  # (archive, reason)
    stopped: bool = False  # by --limit or a signal, before the end

    def summary(self) -> str:
        """One line, then one line per skip reason."""
        head = (f"backfilled {self.files} WARC files ({self.files_done} finished, {self.files_already_done} done before, "
                f"{len(self.failures)} failed): {self.records} records, {self.articles} new articles")
        lines = [head + (" (stopped early; run again to continue)" if self.stopped else "")]
        for reason, count in self.skipped.most_common():
            lines.append(f"  skipped {count}: {SKIP_REASONS.get(reason, reason)}")
        return "\n".join(lines)


@dataclass
class Tick:
    """Progress within the file being read, for a progress display."""

    archive: str
    size: int | None  # bytes, when known
    position: int  # bytes read so far (file offset)
    report: BackfillReport


class _Skip(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Batch:
    """What was read since the last checkpoint: articles to publish, URLs to mark seen."""

    articles: list[Article] = field(default_factory=list)
    marks: list[tuple[list[str], str, str]] = field(default_factory=list)  # (urls, article id, hash)
    # URLs, and "#" + text hashes, of the batch's articles: the state knows them only after publishing
    claimed: dict[str, Seen] = field(default_factory=dict)
    records: int = 0


class Backfill:
    """Reads archives into the articles topic; see the module docstring."""

    def __init__(self, settings: Settings, bus: Bus, state: IngestState, fetcher: Fetcher, filters: Filters | None = None,
                 *, on_progress: Callable[[Tick], None] | None = None):
        self.settings = settings
        self.bus = bus
        self.state = state
        self.fetcher = fetcher
        self.filters = filters or Filters()
        self.on_progress = on_progress
        self.topic = settings.topic(settings.topic_articles)

    def run(self, archives: list[Archive], stop: threading.Event | None = None) -> BackfillReport:
        """Backfill each archive in turn (those finished by an earlier run are skipped)."""
        stop = stop or threading.Event()
        report = BackfillReport(files=len(archives))
        for archive in archives:
            if stop.is_set() or self._limit_reached(report):
                report.stopped = True
                break
            self._archive(archive, report, stop)
        return report

    def _limit_reached(self, report: BackfillReport) -> bool:
        return self.filters.limit is not None and report.articles >= self.filters.limit

    def _archive(self, archive: Archive, report: BackfillReport, stop: threading.Event) -> None:
        offset, done = self.state.archive_progress(archive.name)
        if done:
            log.info("%s: backfilled before; skipped", archive.name, extra={"archive": archive.name})
            report.files_already_done += 1
            return
        if offset:
            log.info("%s: resuming at byte %d", archive.name, offset, extra={"archive": archive.name})
        batch = _Batch()
        position = offset
        try:
            with archive.open(self.fetcher, offset, self.settings.backfill_max_bytes) as (stream, size):
                for item in iter_records(stream, start=offset, max_bytes=self.settings.fetch_max_bytes):
                    self._record(archive, item, batch, report)
                    position = item.next_offset
                    if len(batch.articles) >= BATCH_ARTICLES or batch.records >= BATCH_RECORDS:
                        self._publish(archive, batch, position)
                        batch = _Batch()
                    if self.on_progress is not None:
                        self.on_progress(Tick(archive.name, size, position, report))
                    if stop.is_set() or self._limit_reached(report):
                        self._publish(archive, batch, position)
                        report.stopped = True
                        return
                if size is not None and position < size:  # what follows the last record is not one
                    raise WarcError(f"bytes {position}-{size} are not WARC records (a truncated or damaged file)")
        except WarcError as exc:
            # The file itself is broken from here on: what came before is kept, the file is not
            # read again (it would fail the same way).
            self._publish(archive, batch, position, done=True)
            self._failed(archive, report, str(exc))
            return
        except FetchError as exc:
            # The network's fault: keep the position, a later run continues from it.
            self._publish(archive, batch, position)
            self._failed(archive, report, exc.reason)
            return
        self._publish(archive, batch, position, done=True)
        report.files_done += 1
        log.info("%s: done", archive.name, extra={"archive": archive.name})

    def _failed(self, archive: Archive, report: BackfillReport, reason: str) -> None:
        log.warning("%s: backfill stopped: %s", archive.name, reason, extra={"archive": archive.name})
        report.failures.append((archive.name, reason))

    def _record(self, archive: Archive, item: WarcItem, batch: _Batch, report: BackfillReport) -> None:
        report.records += 1
        batch.records += 1
        if item.skip is not None:
            if item.skip == "broken_record":
                log.warning("%s: record at byte %d is broken (%s); skipped", archive.name, item.offset, item.detail,
                            extra={"archive": archive.name, "problem": "record:broken"})
            report.skipped[item.skip] += 1
            return
        try:
            self._page(archive, item.page, batch)
        except _Skip as skip:
            report.skipped[skip.reason] += 1
            return
        report.articles += 1

    def _seen(self, url: str, batch: _Batch) -> Seen | None:
        return batch.claimed.get(url) or self.state.seen_url(url)

    def _page(self, archive: Archive, captured: WarcPage, batch: _Batch) -> None:
        """Add the page's article to the batch, or raise ``_Skip``."""
        url = http_canonical(captured.url)
        if url is None:
            raise _Skip("bad_url")
        if not self.filters.wants_source(source_of(url)):
            raise _Skip("other_source")
        if self._seen(url, batch) is not None:  # cheap, before extraction
            raise _Skip("duplicate")
        page = self._extract(archive, captured)
        canonical = article_canonical(page.canonical_url, url) or url
        aliases = list(dict.fromkeys([url, canonical]))
        seen = self._seen(canonical, batch)
        if seen is not None:  # reached through another URL: same article
            batch.marks.append((aliases, seen.article_id, seen.content_hash))
            raise _Skip("duplicate")
        if len(page.text) < self.settings.min_text_chars:
            raise _Skip("too_short")
        if self.filters.languages and page.language not in self.filters.languages:
            raise _Skip("other_language")
        published = self._published_at(archive, captured, page)
        if not self.filters.wants_date(published or captured.captured_at):
            raise _Skip("outside_dates")
        digest = content_hash(page.text)
        claimed = batch.claimed.get("#" + digest)
        existing = claimed.article_id if claimed else self.state.seen_hash(digest)
        if existing is not None:  # the same text under another URL (a syndicated copy)
            batch.marks.append((aliases, existing, digest))
            raise _Skip("duplicate")
        article = Article(
            id=article_id(canonical), url=captured.url, canonical_url=canonical, feed_url=archive.name,
            source=source_of(canonical), title=page.title, text=page.text, authors=page.authors,
            published_at=published, fetched_at=captured.captured_at or utcnow(), language=page.language,
            image=page.image, tags=page.tags, content_hash=digest, text_source="page",
        )
        batch.articles.append(article)
        batch.marks.append((aliases, article.id, digest))
        for key in (*aliases, "#" + digest):
            batch.claimed.setdefault(key, Seen(article.id, digest))

    def _extract(self, archive: Archive, captured: WarcPage) -> ExtractedPage:
        try:
            html, note = decode_html_checked(captured.body, captured.charset)
            if note:
                log.info("%s: page %s: %s", archive.name, captured.url, note, extra={"archive": archive.name, "url": captured.url})
            page = extract_html(html, captured.url)
        except Exception as exc:  # extraction bugs on odd pages are that page's problem only
            log.warning("%s: extraction of %s failed: %s: %s", archive.name, captured.url, type(exc).__name__, exc,
                        extra={"archive": archive.name, "url": captured.url, "problem": "page:extraction_failed"})
            raise _Skip("no_text") from exc
        if page is None:
            raise _Skip("no_text")
        return page

    def _published_at(self, archive: Archive, captured: WarcPage, page: ExtractedPage) -> datetime | None:
        """The page's publication date, unless it is later than the capture (then the capture time)."""
        date = page.published_at
        limit = captured.captured_at or utcnow()
        if date is not None and date > limit + FUTURE_TOLERANCE:
            log.info("%s: page %s: publication date %s is after its capture; using the capture time", archive.name,
                     captured.url, date.isoformat(), extra={"archive": archive.name, "url": captured.url})
            return limit
        return date

    def _publish(self, archive: Archive, batch: _Batch, position: int, *, done: bool = False) -> None:
        if batch.articles:
            self.bus.publish_many(self.topic, [(a.id, a.to_json()) for a in batch.articles], dict(HEADERS))
            self.bus.flush()
        # Only now that the bus has them: a crash before this line reads the batch again.
        for urls, aid, digest in batch.marks:
            self.state.mark_seen(urls, aid, digest)
        self.state.save_archive_progress(archive.name, position, done)
