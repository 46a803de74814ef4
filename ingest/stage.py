"""The ingest stage: poll feeds, fetch and extract new articles, publish them once.

Per feed: a conditional GET, then for each entry not seen before, the article page is fetched
(in worker threads), its text extracted and the article published to ``news.articles``.
An article is identified by its canonical URL (the page's ``rel=canonical`` when it declares
one, else the URL after redirects) and deduplicated by that URL, by every alias that led to it,
and by a hash of its text. Publishing happens in the calling thread; an article is marked
seen only after the bus has it, so a crash in between republishes rather than loses it.

Problems with feeds and pages (broken feeds, HTTP errors, timeouts, refused hosts, oversized
pages) are logged as one line each and counted in the report and, by kind, in the
``newsflow_ingest_problems`` metric; they never escape ``poll_once``. Bus errors do escape:
without a bus there is nothing useful to carry on with.

Edits: each feed entry's fingerprint (title, summary, content, updated time) is remembered by
canonical URL. When a known entry comes back changed, its page is fetched again; if the text
changed too, the article is published again under the same id with ``revision`` + 1 and
``updated_at`` set, so indexes (which upsert by id) replace it.

Hostile sources cost themselves only: a feed entry that cannot be handled is skipped with one
line (``entry:invalid``); at most ``feed_max_entries`` entries of a feed are fetched per poll,
newest first, the rest in later polls; pages are started only when their site is ready
(``ingest.dispatch``), and those whose site would make the poll wait longer than the capped
Crawl-delay are left for a later poll; a page declaring another site's URL as its canonical
keeps its own identity; a page over the markup budget is not extracted (``ingest.markup``).

Each feed is scheduled (``ingest.schedule``): adaptive interval, backoff with jitter after
errors, ``Retry-After`` honoured; ``poll_once(..., due_only=True)`` skips feeds not yet due.
A feed registered as a sitemap is read with ``ingest.sitemaps`` instead of the feed parser.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from newsflow.core.bus import Bus
from newsflow.core.config import Settings
from newsflow.core.contracts import Article, article_id, content_hash, utcnow
from ingest import schedule
from ingest.dispatch import dispatch_in_background
from ingest.extract import ExtractedPage, extract_html
from ingest.feeds import FeedEntry, FeedError, parse_feed
from ingest.charset import decode_html_checked
from ingest.markup import over_budget
from ingest.fetch import (BadContentTypeError, BlockedHostError, FetchError, Fetcher, FetchResult, FetchTimeoutError,
                          HTTPStatusError, TooLargeError, TooManyRedirectsError)
from ingest.robots import RobotsCache
from ingest.sitemaps import newest_children, parse_sitemap
from ingest.sites import same_site
from ingest.state import FeedState, IngestState, Seen
from ingest.urls import article_canonical, http_canonical, source_of

if TYPE_CHECKING:
    from newsflow.core.metrics import StageMetrics

log = logging.getLogger(__name__)

HEADERS = {"schema_version": "1", "producer": "ingest"}

# A publication date later than this past the fetch time is a feed's or page's mistake (wrong
# time zone, placeholder dates); it would sort the article above today's news for days.
FUTURE_TOLERANCE = timedelta(minutes=10)


def problem_kind(exc: Exception) -> str:
    """The metric label of a fetch or parse failure (without the feed/page prefix)."""
    if isinstance(exc, FetchTimeoutError):
        return "timeout"
    if isinstance(exc, TooLargeError):
        return "too_large"
    if isinstance(exc, BlockedHostError):
        return "blocked_host"
    if isinstance(exc, BadContentTypeError):
        return "bad_content_type"
    if isinstance(exc, TooManyRedirectsError):
        return "too_many_redirects"
    if isinstance(exc, HTTPStatusError):
        return "http_429" if exc.status == 429 else f"http_{exc.status // 100}xx"
    if isinstance(exc, FeedError):
        return "unparsable"
    return "fetch_error"


def entry_fingerprint(entry: FeedEntry) -> str:
    """What a feed says about an entry, hashed: a change means the entry was edited."""
    parts = (entry.title, entry.summary, entry.content, entry.updated.isoformat() if entry.updated else "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass
class IngestReport:
    """What one ``poll_once`` did."""

    feeds_polled: int = 0
    feeds_failed: int = 0
    feeds_not_modified: int = 0
    entries_seen: int = 0
    articles_published: int = 0
    duplicates: int = 0
    fallbacks: int = 0  # published with the feed's text because the page's was unusable
    articles_revised: int = 0  # edited articles published again (not counted in articles_published)
    feeds_skipped: int = 0  # not due yet (``due_only``)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (feed or article URL, reason)
    problems: Counter = field(default_factory=Counter)  # metric label -> count, e.g. "page:timeout"


@dataclass
class _Page:
    """The outcome of fetching and extracting one article page (in a worker thread)."""

    fetched: FetchResult | None = None
    page: ExtractedPage | None = None
    error: str | None = None
    kind: str | None = None  # problem kind of ``error``
    charset_note: str | None = None  # the page declared a charset its bytes do not fit


@dataclass
class _Batch:
    """New articles of one feed that are ready, published together, then marked seen together.

    A feed's articles go out in several batches when its pages arrive over time; ``urls`` and
    ``hashes`` (what this poll has seen) carry over from one batch to the next.
    """

    articles: list[tuple[str, str]] = field(default_factory=list)  # (article id, its JSON)
    marks: list[tuple[list[str], str, str]] = field(default_factory=list)  # (urls, article id, hash)
    urls: dict[str, Seen] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    fingerprints: list[tuple[str, str]] = field(default_factory=list)  # (entry canonical URL, fingerprint)
    revisions: list[tuple[str, int, str]] = field(default_factory=list)  # (article id, revision, hash)


@dataclass
class _Todo:
    """An entry whose page is to be fetched: new, or known but changed in the feed (``revisit``)."""

    entry: FeedEntry
    canon: str
    fingerprint: str
    revisit: Seen | None = None


_http_canonical = http_canonical  # the name this module has always used


def _scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


def _shown(value: str, limit: int = 120) -> str:
    """A value from a feed as a log line shows it: one line, at most ``limit`` characters."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _first_line(exc: Exception) -> str:
    return _shown(str(exc).splitlines()[0] if str(exc) else "", 300)


def newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Entries newest first when every entry has a date; otherwise in the feed's own order.

    Feeds list newest first by convention, so an undated feed's order is the best guess;
    mixing dated and undated entries would give the undated ones an arbitrary place.
    """
    if entries and all(e.published or e.updated for e in entries):
        return sorted(entries, key=lambda e: e.published or e.updated, reverse=True)
    return list(entries)



class IngestStage:
    """Polls feeds and publishes new articles to the articles topic."""

    def __init__(self, settings: Settings, bus: Bus, *, fetcher: Fetcher | None = None, state: IngestState | None = None,
                 metrics: "StageMetrics | None" = None):
        self.settings = settings
        self.bus = bus
        self.metrics = metrics
        self.topic = settings.topic(settings.topic_articles)
        self._own_fetcher = fetcher is None
        self._own_state = state is None
        self.fetcher = fetcher or Fetcher(settings)
        self.state = state or IngestState.open(settings)
        self.robots = RobotsCache(self.fetcher, settings.user_agent) if settings.respect_robots else None
        self._pool = ThreadPoolExecutor(max(1, settings.fetch_concurrency), thread_name_prefix="ingest-fetch")
        self._malformed = False  # the feed being polled is not well-formed (but had entries)
        self._feed_problems: list[str] = []  # problem kinds parse_feed met in the feed being polled

    def close(self) -> None:
        """Stop the fetch threads and release what this stage opened."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._own_fetcher:
            self.fetcher.close()
        if self._own_state:
            self.state.close()

    # --- scheduling -------------------------------------------------------------------------

    def seconds_until_due(self, feed_urls: list[str], now: datetime | None = None) -> float:
        """Seconds until the first of these feeds is due (0 if one is due now)."""
        now = now or utcnow()
        waits = []
        for url in feed_urls:
            state = self.state.feed_state(url)
            waits.append(0.0 if state.due(now) else (state.next_poll - now).total_seconds())
        return max(0.0, min(waits, default=self.settings.poll_interval))

    # --- one poll ---------------------------------------------------------------------------

    def poll_once(self, feed_urls: list[str], progress: Callable[[str, int], None] | None = None, *,
                  due_only: bool = False) -> IngestReport:
        """Poll each feed once and publish its new articles.

        With ``due_only``, feeds whose next poll time has not come are skipped. ``progress(feed_url,
        published)`` is called after each feed with the number of articles it contributed.
        """
        report = IngestReport()
        attempted: set[str] = set()  # entry URLs tried in this poll, so two feeds cause one fetch
        now = utcnow()
        for feed_url in feed_urls:
            before = report.articles_published
            if due_only and not self.state.feed_state(feed_url).due(now):
                report.feeds_skipped += 1
            else:
                self._poll_feed(feed_url, report, attempted)
            if progress is not None:
                progress(feed_url, report.articles_published - before)
        return report

    def ingest_body(self, feed_url: str, body: bytes, content_type: str | None = None) -> IngestReport:
        """Handle a feed document that arrived without a poll (a WebSub push) as a poll of
        ``feed_url`` that got this body: same entry handling, same state. Raises ``FeedError``
        for a body that is not a feed."""
        report = IngestReport(feeds_polled=1)
        feed = parse_feed(body, feed_url, content_type=content_type, max_bytes=self.settings.fetch_max_bytes)
        state = self.state.feed_state(feed_url)
        self._feed_problems += feed.problems  # each logged by parse_feed
        new, deferred = self._ingest_entries(feed_url, newest_first(feed.entries), report, set())
        self._drain_problems(report)
        self._feed_ok(state, None, new, backlog=bool(deferred))
        return report

    def _problem(self, report: IngestReport, kind: str) -> None:
        report.problems[kind] += 1
        if self.metrics is not None:
            self.metrics.ingest_problems.labels(kind).inc()

    def _read(self, state: FeedState) -> tuple[FetchResult, list[FeedEntry] | None]:
        """Fetch a feed or sitemap; its entries, or ``None`` when it answered 304."""
        if state.kind == "sitemap":
            return self._read_sitemap(state)
        fetched = self.fetcher.fetch(state.url, "feed", etag=state.etag, last_modified=state.last_modified)
        if fetched.not_modified:
            return fetched, None
        feed = parse_feed(fetched.body, fetched.final_url, content_type=fetched.headers.get("content-type"),
                          max_bytes=self.settings.fetch_max_bytes)
        if feed.bozo:  # parse_feed logged it; used, since it has entries, but counted
            self._malformed = True
        if feed.charset_note:
            log.warning("feed %s: %s", state.url, feed.charset_note, extra={"feed": state.url, "problem": "feed:charset_mismatch"})
            self._feed_problems.append("feed:charset_mismatch")
        self._feed_problems += feed.problems  # each logged by parse_feed
        return fetched, feed.entries

    def _read_sitemap(self, state: FeedState) -> tuple[FetchResult, list[FeedEntry] | None]:
        limits = dict(max_urls=self.settings.sitemap_max_urls, max_bytes=self.settings.fetch_max_bytes)
        refused = self.robots.check(state.url) if self.robots else None
        if refused:
            raise FetchError(state.url, refused)
        fetched = self.fetcher.fetch(state.url, "sitemap", etag=state.etag, last_modified=state.last_modified)
        if fetched.not_modified:
            return fetched, None
        sitemap = parse_sitemap(fetched.body, fetched.final_url, **limits)
        entries = list(sitemap.entries)
        for child in newest_children(sitemap.children):
            try:  # one broken child sitemap costs its own entries only
                if self.robots and (refused := self.robots.check(child)):
                    raise FetchError(child, refused)
                got = self.fetcher.fetch(child, "sitemap")
                entries += parse_sitemap(got.body, got.final_url, **limits).entries
            except (FetchError, FeedError) as exc:
                log.warning("sitemap %s: child sitemap %s failed: %s", state.url, child, getattr(exc, "reason", None) or exc,
                            extra={"feed": state.url})
        return fetched, entries[: self.settings.sitemap_max_urls]

    def _poll_feed(self, feed_url: str, report: IngestReport, attempted: set[str]) -> None:
        report.feeds_polled += 1
        state = self.state.feed_state(feed_url)
        self._malformed = False
        self._feed_problems = []
        try:
            fetched, entries = self._read(state)
        except (FetchError, FeedError) as exc:
            retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
            self._feed_failed(state, report, getattr(exc, "reason", None) or str(exc), problem_kind(exc), retry_after)
            return
        except Exception as exc:  # a parser bug must not stop the other feeds
            log.debug("feed %s: unexpected error", feed_url, exc_info=True, extra={"feed": feed_url})
            self._feed_failed(state, report, f"unexpected error: {type(exc).__name__}: {exc}", "unexpected")
            return
        finally:
            self._drain_problems(report)
        if self._malformed:
            self._problem(report, "feed:malformed")
        if entries is None:
            report.feeds_not_modified += 1
            log.debug("feed %s not modified", feed_url, extra={"feed": feed_url})
            self._feed_ok(state, None, 0)
            return
        if not entries:
            log.info("feed %s has no entries", feed_url, extra={"feed": feed_url})
            self._problem(report, "feed:empty")

        failures_before = len(report.failures)
        new, deferred = self._ingest_entries(feed_url, newest_first(entries), report, attempted)
        self._drain_problems(report)
        # With a failed or deferred entry, keep the old validators: an unchanged feed must be
        # fetched in full next time (not answered 304), or that entry would never be retried.
        complete = len(report.failures) == failures_before and not deferred
        self._feed_ok(state, fetched if complete else None, new, backlog=bool(deferred))

    def _drain_problems(self, report: IngestReport) -> None:
        """Count the problems met below the stage (feed parsing, robots.txt), each already logged."""
        kinds, self._feed_problems = self._feed_problems, []
        if self.robots is not None:  # appended to by fetch threads: take what is there now
            taken = len(self.robots.problems)
            kinds += self.robots.problems[:taken]
            del self.robots.problems[:taken]
        for kind in kinds:
            self._problem(report, kind)

    def _feed_ok(self, state: FeedState, fetched: FetchResult | None, new_entries: int, *, backlog: bool = False) -> None:
        if fetched is not None:
            state.etag, state.last_modified = fetched.etag, fetched.last_modified
        now = utcnow()
        state.last_polled = state.last_success = now
        state.last_error = None
        state.consecutive_failures = 0
        state.entries_seen += new_entries
        state.interval = schedule.next_interval(self.settings, state.interval, new_entries)
        # entries left for later polls: come back as soon as the schedule allows
        state.next_poll = schedule.after(now, schedule.bounds(self.settings)[0] if backlog else state.interval)
        self.state.save_feed_state(state)

    def _feed_failed(self, state: FeedState, report: IngestReport, reason: str, kind: str, retry_after: str | None = None) -> None:
        now = utcnow()
        state.last_polled = now
        state.last_error = reason
        state.consecutive_failures += 1
        wait = schedule.backoff_delay(self.settings, state.interval, state.consecutive_failures,
                                      schedule.parse_retry_after(retry_after, now))
        state.next_poll = schedule.after(now, wait)
        log.warning("feed %s failed: %s (failure %d in a row; next attempt in %.0f s)", state.url, reason,
                    state.consecutive_failures, wait, extra={"feed": state.url, "problem": f"feed:{kind}"})
        report.feeds_failed += 1
        report.failures.append((state.url, reason))
        self._problem(report, f"feed:{kind}")
        self.state.save_feed_state(state)

    # --- entries ----------------------------------------------------------------------------

    def _ingest_entries(self, feed_url: str, entries: list[FeedEntry], report: IngestReport,
                        attempted: set[str]) -> tuple[int, int]:
        """Handle a feed's entries (newest first); returns how many were new to us and how many were deferred.

        At most ``feed_max_entries`` pages are fetched per poll, new articles before checks of
        known ones for edits (an article listed by two feeds whose entries differ looks edited
        to each, and such checks must never crowd out new articles); the others, and those whose
        site was not ready within the politeness budget, are left for later polls.
        """
        planned: list[_Todo] = []
        fingerprints: list[tuple[str, str]] = []
        guids: dict[str, str] = {}
        for entry in entries:
            report.entries_seen += 1
            try:
                item = self._plan_entry(feed_url, entry, report, attempted, guids, fingerprints)
            except Exception as exc:  # noqa: BLE001 - one entry's oddity costs that entry only
                self._entry_invalid(feed_url, entry, exc, report)
                continue
            if item is not None:
                planned.append(item)
        cap = self.settings.feed_max_entries
        fresh = [item for item in planned if item.revisit is None][:cap]
        checks = [item for item in planned if item.revisit is not None][:cap - len(fresh)]
        taken = {id(item) for item in fresh + checks}
        todo = [item for item in planned if id(item) in taken]  # newest first, as planned
        over = len(planned) - len(todo)
        for item in planned:
            if id(item) not in taken:
                attempted.discard(item.canon)  # not this poll's: a later poll takes it
        if over:
            log.info("feed %s: more than %d entries to fetch; taking the newest %d now, the rest in later polls",
                     feed_url, self.settings.feed_max_entries, self.settings.feed_max_entries,
                     extra={"feed": feed_url, "problem": "feed:entries_deferred"})
            self._problem(report, "feed:entries_deferred")

        # Fetch concurrently (a site that asks for slow crawling does not hold the others' pages),
        # but handle results in feed order in this thread: dedup decisions and publishing stay
        # sequential and deterministic.
        budget = max(self.settings.robots_max_crawl_delay, self.settings.fetch_host_delay)
        slots = dispatch_in_background(self._pool, self.fetcher.gate,
                                       [(item.entry.link, partial(self._fetch_page, item.entry.link)) for item in todo],
                                       budget)
        batch = _Batch(fingerprints=fingerprints)
        late = 0
        started: list[_Todo] = []
        for item, slot in zip(todo, slots):
            if batch.articles and not slot.done():
                # hand on what is ready before waiting for the next page: enrich starts on the
                # first articles of a long feed while the rest are still being fetched
                self._publish(batch)
                batch = _Batch(urls=batch.urls, hashes=batch.hashes)
            future = slot.result()
            if future is None:
                late += 1
                attempted.discard(item.canon)
                continue
            started.append(item)
            try:
                if item.revisit is not None:
                    self._handle_revisit(feed_url, item, future.result(), batch, report)
                else:
                    self._handle_entry(feed_url, item, future.result(), batch, report)
            except Exception as exc:  # noqa: BLE001 - one entry's oddity costs that entry only
                self._entry_invalid(feed_url, item.entry, exc, report)
        if late:
            log.info("feed %s: %d of its pages left for a later poll: their sites' politeness delays (Crawl-delay, "
                     "fetch_host_delay) would hold this poll more than %g s", feed_url, late, budget,
                     extra={"feed": feed_url, "problem": "page:deferred"})
            for _ in range(late):
                self._problem(report, "page:deferred")
        self._publish(batch)
        return sum(1 for item in started if item.revisit is None), over + late

    def _plan_entry(self, feed_url: str, entry: FeedEntry, report: IngestReport, attempted: set[str],
                    guids: dict[str, str], fingerprints: list[tuple[str, str]]) -> _Todo | None:
        """What to do with one entry: a page to fetch (new or edited), or nothing."""
        if not entry.link:
            log.warning("feed %s: entry %r has no link; skipped", feed_url, entry.title or entry.guid or "(untitled)",
                        extra={"feed": feed_url, "problem": "entry:no_link"})
            self._problem(report, "entry:no_link")
            return None
        canon = _http_canonical(entry.link)
        if canon is None:
            self._problem(report, "entry:not_http")
            scheme = _scheme(entry.link)
            if scheme and scheme not in ("http", "https"):
                # never fetchable, so not a failure to retry: the entry is refused for good
                log.warning("feed %s: entry link %s refused: %s: links are not fetched (only http and https)",
                            feed_url, _shown(entry.link), scheme, extra={"feed": feed_url, "problem": "entry:not_http"})
            else:
                self._entry_failed(feed_url, entry.link, "not an http(s) link", report)
            return None
        if entry.guid:
            other = guids.setdefault(entry.guid, canon)
            if other != canon:
                # Links identify articles, ids are only the feed's bookkeeping: both are kept.
                log.warning("feed %s: entries with the same id %r link to %s and %s; taking them as two articles",
                            feed_url, entry.guid, other, canon, extra={"feed": feed_url, "problem": "entry:duplicate_guid"})
                self._problem(report, "entry:duplicate_guid")
        fingerprint = entry_fingerprint(entry)
        seen = self.state.seen_url(canon)
        if seen is not None:
            known = self.state.entry_fingerprint(canon)
            if known is None:  # seen before fingerprints were kept: this one is the baseline
                fingerprints.append((canon, fingerprint))
            if known is None or known == fingerprint or canon in attempted:
                report.duplicates += 1
                return None
            attempted.add(canon)
            return _Todo(entry, canon, fingerprint, revisit=seen)
        if canon in attempted:
            return None
        attempted.add(canon)
        return _Todo(entry, canon, fingerprint)

    def _entry_invalid(self, feed_url: str, entry: FeedEntry, exc: Exception, report: IngestReport) -> None:
        """An entry that could not be handled at all: one line, counted, retried next poll."""
        name = _shown(entry.link or entry.guid or entry.title or "(untitled)")
        log.warning("feed %s: entry %s skipped: %s: %s", feed_url, name, type(exc).__name__, _first_line(exc),
                    extra={"feed": feed_url, "problem": "entry:invalid"})
        log.debug("entry %s of feed %s failed", name, feed_url, exc_info=True)
        self._problem(report, "entry:invalid")
        report.failures.append((entry.link or feed_url, f"{type(exc).__name__}: {_first_line(exc)}"))

    def _fetch_page(self, url: str) -> _Page:
        if self.robots is not None:
            try:
                refused = self.robots.check(url)
            except Exception as exc:  # robots trouble must not cost more than this page
                refused = f"robots.txt check failed: {type(exc).__name__}: {exc}"
            if refused:
                return _Page(error=refused, kind="robots")
        try:
            fetched = self.fetcher.fetch(url, "page")
        except FetchError as exc:
            return _Page(error=exc.reason, kind=problem_kind(exc))
        except Exception as exc:  # a bug in a library below must cost one article, not the poll
            log.debug("fetching %s failed unexpectedly", url, exc_info=True)
            return _Page(error=f"unexpected fetch error: {type(exc).__name__}: {exc}", kind="unexpected")
        try:
            html, note = decode_html_checked(fetched.body, fetched.charset)
            if note:
                log.warning("page %s: %s", url, note, extra={"url": url, "problem": "page:charset_mismatch"})
            refused = over_budget(html)
            if refused:  # extraction would cost far more CPU than any article page needs
                return _Page(fetched, error=refused, kind="markup_budget", charset_note=note)
            page = extract_html(html, fetched.final_url)
        except Exception as exc:  # extraction bugs on odd pages are that page's problem only
            log.debug("extraction of %s failed", url, exc_info=True)
            return _Page(fetched, error=f"extraction failed: {type(exc).__name__}: {exc}", kind="extraction_failed")
        if page is None:
            return _Page(fetched, None, "no article text found on the page", "no_text", note)
        return _Page(fetched, page, charset_note=note)

    def _declared_canonical(self, feed_url: str, page: ExtractedPage | None, final: str, report: IngestReport) -> str | None:
        if page is None or not page.canonical_url:
            return None
        declared = _http_canonical(page.canonical_url)
        # A page speaks for its own site only: another site's URL as its canonical would take
        # that site's article id (and replace its article in the index).
        if declared and not same_site(declared, final):
            log.warning("page %s declares rel=canonical %s, on another site; ignored", final, _shown(declared),
                        extra={"feed": feed_url, "url": final, "problem": "page:foreign_canonical"})
            self._problem(report, "page:foreign_canonical")
            return None
        return article_canonical(declared, final)

    def _seen(self, url: str, batch: _Batch) -> Seen | None:
        return batch.urls.get(url) or self.state.seen_url(url)

    def _text(self, feed_url: str, entry: FeedEntry, result: _Page, report: IngestReport,
              *, revisit: bool = False) -> tuple[str, str] | None:
        """The article text and where it came from ("page" or "feed"); ``None`` if neither will do.

        A new entry without usable text is a failure of the poll (retried next time); an edited
        one is not (the caller logs it, the old version stays).
        """
        page = result.page
        reason, kind = result.error, result.kind
        if result.charset_note:
            self._problem(report, "page:charset_mismatch")
        if page is not None and len(page.text) >= self.settings.min_text_chars:
            return page.text, "page"
        if page is not None:
            reason, kind = f"page text too short ({len(page.text)} < {self.settings.min_text_chars} characters)", "short_text"
        self._problem(report, f"page:{kind or 'unknown'}")
        text = next((t for t in (entry.content, entry.summary) if len(t) >= self.settings.min_text_chars), None)
        if text is None:
            if not revisit:
                self._entry_failed(feed_url, entry.link, f"{reason}; the feed entry has no usable text either", report)
            return None
        report.fallbacks += 1
        log.info("article %s: %s; using the feed entry's text", entry.link, reason, extra={"feed": feed_url, "url": entry.link})
        return text, "feed"

    def _handle_entry(self, feed_url: str, item: _Todo, result: _Page, batch: _Batch, report: IngestReport) -> None:
        entry = item.entry
        aliases = [item.canon]
        canonical = item.canon
        page = result.page
        if result.fetched is not None:
            final = _http_canonical(result.fetched.final_url) or item.canon
            canonical = self._declared_canonical(feed_url, page, final, report) or final
            aliases += [final, canonical]
            for url in (canonical, final):
                seen = self._seen(url, batch)
                if seen is not None:  # reached through another link: same article
                    report.duplicates += 1
                    batch.marks.append((aliases, seen.article_id, seen.content_hash))
                    batch.fingerprints.append((item.canon, item.fingerprint))
                    return

        got = self._text(feed_url, entry, result, report)
        if got is None:
            return
        text, text_source = got
        digest = content_hash(text)
        existing = batch.hashes.get(digest) or self.state.seen_hash(digest)
        if existing is not None:  # the same text under another URL (a syndicated copy)
            report.duplicates += 1
            batch.marks.append((aliases, existing, digest))
            batch.fingerprints.append((item.canon, item.fingerprint))
            return

        article = self._article(feed_url, entry, canonical, page, text, text_source, digest, report)
        batch.articles.append((article.id, article.to_json()))  # serialised here: a failure costs this entry only
        batch.marks.append((aliases, article.id, digest))
        batch.fingerprints.append((item.canon, item.fingerprint))
        for url in aliases:
            batch.urls.setdefault(url, Seen(article.id, digest))
        batch.hashes[digest] = article.id
        report.articles_published += 1

    def _handle_revisit(self, feed_url: str, item: _Todo, result: _Page, batch: _Batch, report: IngestReport) -> None:
        """A known entry that changed in the feed: publish a new revision if its text changed."""
        aid = item.revisit.article_id
        # Whatever happens, this version of the entry has been handled: a page that is now
        # broken must not be refetched on every poll.
        batch.fingerprints.append((item.canon, item.fingerprint))
        got = self._text(feed_url, item.entry, result, report, revisit=True)
        if got is None:
            log.warning("article %s changed in the feed but its new version could not be read (%s); keeping the old one",
                        item.entry.link, result.error or "no usable text", extra={"feed": feed_url, "url": item.entry.link})
            self._problem(report, "entry:edit_unreadable")
            return
        text, text_source = got
        digest = content_hash(text)
        revision, current = self.state.revision(aid) or (1, item.revisit.content_hash)
        if digest == current or any(r[0] == aid for r in batch.revisions):
            report.duplicates += 1
            return
        canonical = item.canon
        if result.fetched is not None:
            final = _http_canonical(result.fetched.final_url) or canonical
            canonical = self._declared_canonical(feed_url, result.page, final, report) or final
        article = self._article(feed_url, item.entry, canonical, result.page, text, text_source, digest, report)
        now = utcnow()
        article = article.model_copy(update={"id": aid, "revision": revision + 1, "updated_at": now})
        log.info("article %s was edited: publishing revision %d", item.entry.link, revision + 1,
                 extra={"feed": feed_url, "url": item.entry.link, "article_id": aid})
        batch.articles.append((article.id, article.to_json()))  # serialised here: a failure costs this entry only
        batch.revisions.append((aid, revision + 1, digest))
        report.articles_revised += 1
        if self.metrics is not None:
            self.metrics.articles_revised.inc()

    def _published_at(self, feed_url: str, entry: FeedEntry, page: ExtractedPage | None, fetched_at: datetime,
                      report: IngestReport) -> datetime | None:
        candidates = [d for d in ((page.published_at if page else None), entry.published) if d is not None]
        for date in candidates:
            if date <= fetched_at + FUTURE_TOLERANCE:
                return date
            log.debug("article %s: publication date %s is in the future; trying the next source", entry.link,
                      date.isoformat(), extra={"feed": feed_url, "url": entry.link})
        if not candidates:
            return None
        log.warning("article %s: publication date %s is in the future; using the fetch time", entry.link,
                    candidates[0].isoformat(), extra={"feed": feed_url, "url": entry.link, "problem": "entry:future_date"})
        self._problem(report, "entry:future_date")
        return fetched_at

    def _article(self, feed_url: str, entry: FeedEntry, canonical: str, page: ExtractedPage | None,
                 text: str, text_source: str, digest: str, report: IngestReport) -> Article:
        fetched_at = utcnow()
        return Article(
            id=article_id(canonical),
            url=entry.link,
            canonical_url=canonical,
            feed_url=feed_url,
            source=source_of(canonical),
            title=(page.title if page and page.title else entry.title),
            text=text,
            authors=(page.authors if page and page.authors else entry.authors),
            published_at=self._published_at(feed_url, entry, page, fetched_at, report),
            fetched_at=fetched_at,
            language=page.language if page else None,
            image=(page.image if page and page.image else entry.image),
            tags=entry.tags or (page.tags if page else []),
            content_hash=digest,
            text_source=text_source,
            extractor=page.extractor if page is not None and text_source == "page" else None,
        )

    def _entry_failed(self, feed_url: str, url: str, reason: str, report: IngestReport) -> None:
        log.warning("article %s not ingested: %s", url, reason, extra={"feed": feed_url, "url": url})
        report.failures.append((url, reason))

    def _publish(self, batch: _Batch) -> None:
        if batch.articles:
            self.bus.publish_many(self.topic, batch.articles, dict(HEADERS))
            self.bus.flush()
        # Only now that the bus has them: a crash before this line republishes, never loses.
        for urls, aid, digest in batch.marks:
            self.state.mark_seen(urls, aid, digest)
        for aid, revision, digest in batch.revisions:
            self.state.mark_revised(aid, revision, digest)
        if batch.fingerprints:
            self.state.set_entry_fingerprints(batch.fingerprints)

