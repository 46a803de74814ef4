"""The ingest stage: poll feeds, fetch and extract new articles, publish them once.

Per feed: a conditional GET, then for each entry not seen before, the article page is fetched
(in worker threads), its text extracted and the article published to ``news.articles``.
An article is identified by its canonical URL (the page's ``rel=canonical`` when it declares
one, else the URL after redirects) and deduplicated by that URL, by every alias that led to it,
and by a hash of its text. Publishing happens in the calling thread; an article is marked
seen only after the bus has it, so a crash in between republishes rather than loses it.

Problems with feeds and pages (broken feeds, HTTP errors, timeouts, refused hosts, oversized
pages) are logged as one line each and counted in the report; they never escape ``poll_once``.
Bus errors do escape: without a bus there is nothing useful to carry on with.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from newsflow.bus import Bus
from newsflow.config import Settings
from newsflow.contracts import Article, article_id, content_hash, utcnow
from ingest.extract import ExtractedPage, extract_html
from ingest.feeds import FeedEntry, FeedError, parse_feed
from ingest.charset import decode_html
from ingest.fetch import FetchError, Fetcher, FetchResult
from ingest.state import FeedState, IngestState, Seen
from ingest.urls import canonicalize, source_of

log = logging.getLogger(__name__)

HEADERS = {"schema_version": "1", "producer": "ingest"}


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
    failures: list[tuple[str, str]] = field(default_factory=list)  # (feed or article URL, reason)


@dataclass
class _Page:
    """The outcome of fetching and extracting one article page (in a worker thread)."""

    fetched: FetchResult | None = None
    page: ExtractedPage | None = None
    error: str | None = None


@dataclass
class _Batch:
    """One feed's new articles, published together, then marked seen together."""

    articles: list[Article] = field(default_factory=list)
    marks: list[tuple[list[str], str, str]] = field(default_factory=list)  # (urls, article id, hash)
    urls: dict[str, Seen] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


def _http_canonical(url: str) -> str | None:
    try:
        canon = canonicalize(url)
    except ValueError:
        return None
    return canon if urlsplit(canon).scheme in ("http", "https") else None


class IngestStage:
    """Polls feeds and publishes new articles to the articles topic."""

    def __init__(self, settings: Settings, bus: Bus, *, fetcher: Fetcher | None = None, state: IngestState | None = None):
        self.settings = settings
        self.bus = bus
        self.topic = settings.topic(settings.topic_articles)
        self._own_fetcher = fetcher is None
        self._own_state = state is None
        self.fetcher = fetcher or Fetcher(settings)
        self.state = state or IngestState.open(settings)
        self._pool = ThreadPoolExecutor(max(1, settings.fetch_concurrency), thread_name_prefix="ingest-fetch")

    def close(self) -> None:
        """Stop the fetch threads and release what this stage opened."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._own_fetcher:
            self.fetcher.close()
        if self._own_state:
            self.state.close()

    # --- one poll ---------------------------------------------------------------------------

    def poll_once(self, feed_urls: list[str], progress: Callable[[str, int], None] | None = None) -> IngestReport:
        """Poll each feed once and publish its new articles.

        ``progress(feed_url, published)`` is called after each feed with the number of articles
        it contributed.
        """
        report = IngestReport()
        attempted: set[str] = set()  # entry URLs tried in this poll, so two feeds cause one fetch
        for feed_url in feed_urls:
            before = report.articles_published
            self._poll_feed(feed_url, report, attempted)
            if progress is not None:
                progress(feed_url, report.articles_published - before)
        return report

    def _poll_feed(self, feed_url: str, report: IngestReport, attempted: set[str]) -> None:
        report.feeds_polled += 1
        state = self.state.feed_state(feed_url)
        try:
            fetched = self.fetcher.fetch(feed_url, "feed", etag=state.etag, last_modified=state.last_modified)
            if fetched.not_modified:
                report.feeds_not_modified += 1
                log.debug("feed %s not modified", feed_url, extra={"feed": feed_url})
                self._feed_ok(state, None)
                return
            feed = parse_feed(fetched.body, fetched.final_url, content_type=fetched.headers.get("content-type"))
        except (FetchError, FeedError) as exc:
            self._feed_failed(state, report, getattr(exc, "reason", None) or str(exc))
            return
        except Exception as exc:  # a parser bug must not stop the other feeds
            log.exception("feed %s: unexpected error", feed_url, extra={"feed": feed_url})
            self._feed_failed(state, report, f"unexpected error: {type(exc).__name__}: {exc}")
            return

        failures_before = len(report.failures)
        self._ingest_entries(feed_url, feed.entries, report, attempted)
        # With a failed entry, keep the old validators: an unchanged feed must be fetched in full
        # next time (not answered 304), or that entry would never be retried.
        self._feed_ok(state, fetched if len(report.failures) == failures_before else None)

    def _feed_ok(self, state: FeedState, fetched: FetchResult | None) -> None:
        if fetched is not None:
            state.etag, state.last_modified = fetched.etag, fetched.last_modified
        state.last_polled = utcnow()
        state.last_error = None
        state.consecutive_failures = 0
        self.state.save_feed_state(state)

    def _feed_failed(self, state: FeedState, report: IngestReport, reason: str) -> None:
        log.warning("feed %s failed: %s", state.url, reason, extra={"feed": state.url})
        report.feeds_failed += 1
        report.failures.append((state.url, reason))
        state.last_polled = utcnow()
        state.last_error = reason
        state.consecutive_failures += 1
        self.state.save_feed_state(state)

    # --- entries ----------------------------------------------------------------------------

    def _ingest_entries(self, feed_url: str, entries: list[FeedEntry], report: IngestReport, attempted: set[str]) -> None:
        todo: list[tuple[FeedEntry, str]] = []
        for entry in entries:
            report.entries_seen += 1
            if not entry.link:
                log.debug("feed %s: entry %r has no link; skipped", feed_url, entry.title, extra={"feed": feed_url})
                continue
            canon = _http_canonical(entry.link)
            if canon is None:
                self._entry_failed(feed_url, entry.link, "not an http(s) link", report)
                continue
            if self.state.seen_url(canon) is not None:
                report.duplicates += 1
                continue
            if canon in attempted:
                continue
            attempted.add(canon)
            todo.append((entry, canon))

        # Fetch concurrently, but handle results in feed order in this thread: dedup decisions
        # and publishing stay sequential and deterministic.
        futures = [self._pool.submit(self._fetch_page, entry.link) for entry, _ in todo]
        batch = _Batch()
        for (entry, canon), future in zip(todo, futures):
            self._handle_entry(feed_url, entry, canon, future.result(), batch, report)
        self._publish(batch)

    def _fetch_page(self, url: str) -> _Page:
        try:
            fetched = self.fetcher.fetch(url, "page")
        except FetchError as exc:
            return _Page(error=exc.reason)
        except Exception as exc:  # a bug in a library below must cost one article, not the poll
            log.debug("fetching %s failed unexpectedly", url, exc_info=True)
            return _Page(error=f"unexpected fetch error: {type(exc).__name__}: {exc}")
        try:
            page = extract_html(decode_html(fetched.body, fetched.charset), fetched.final_url)
        except Exception as exc:  # extraction bugs on odd pages are that page's problem only
            log.debug("extraction of %s failed", url, exc_info=True)
            return _Page(fetched, error=f"extraction failed: {type(exc).__name__}: {exc}")
        return _Page(fetched, page, None if page else "no article text found on the page")

    def _declared_canonical(self, page: ExtractedPage | None, final: str) -> str | None:
        if page is None or not page.canonical_url:
            return None
        declared = _http_canonical(page.canonical_url)
        # Some sites declare their home page as every article's canonical; that would fold all
        # their articles into one id, so such a declaration is ignored.
        if declared and urlsplit(declared).path == "/" and urlsplit(final).path != "/":
            log.debug("ignoring rel=canonical %s on %s: it is a home page", declared, final)
            return None
        return declared

    def _seen(self, url: str, batch: _Batch) -> Seen | None:
        return batch.urls.get(url) or self.state.seen_url(url)

    def _handle_entry(self, feed_url: str, entry: FeedEntry, entry_canon: str, result: _Page, batch: _Batch, report: IngestReport) -> None:
        aliases = [entry_canon]
        canonical = entry_canon
        page = result.page
        if result.fetched is not None:
            final = _http_canonical(result.fetched.final_url) or entry_canon
            canonical = self._declared_canonical(page, final) or final
            aliases += [final, canonical]
            for url in (canonical, final):
                seen = self._seen(url, batch)
                if seen is not None:  # reached through another link: same article
                    report.duplicates += 1
                    batch.marks.append((aliases, seen.article_id, seen.content_hash))
                    return

        text, text_source, reason = None, "page", result.error
        if page is not None and len(page.text) >= self.settings.min_text_chars:
            text = page.text
        elif page is not None:
            reason = f"page text too short ({len(page.text)} < {self.settings.min_text_chars} characters)"
        if text is None:
            text = next((t for t in (entry.content, entry.summary) if len(t) >= self.settings.min_text_chars), None)
            if text is None:
                self._entry_failed(feed_url, entry.link, f"{reason}; the feed entry has no usable text either", report)
                return
            text_source = "feed"
            report.fallbacks += 1
            log.info("article %s: %s; using the feed entry's text", entry.link, reason, extra={"feed": feed_url, "url": entry.link})

        digest = content_hash(text)
        existing = batch.hashes.get(digest) or self.state.seen_hash(digest)
        if existing is not None:  # the same text under another URL (a syndicated copy)
            report.duplicates += 1
            batch.marks.append((aliases, existing, digest))
            return

        article = self._article(feed_url, entry, canonical, page, text, text_source, digest)
        batch.articles.append(article)
        batch.marks.append((aliases, article.id, digest))
        for url in aliases:
            batch.urls.setdefault(url, Seen(article.id, digest))
        batch.hashes[digest] = article.id
        report.articles_published += 1

    def _article(self, feed_url: str, entry: FeedEntry, canonical: str, page: ExtractedPage | None,
                 text: str, text_source: str, digest: str) -> Article:
        return Article(
            id=article_id(canonical),
            url=entry.link,
            canonical_url=canonical,
            feed_url=feed_url,
            source=source_of(canonical),
            title=(page.title if page and page.title else entry.title),
            text=text,
            authors=(page.authors if page and page.authors else entry.authors),
            published_at=(page.published_at if page and page.published_at else entry.published),
            fetched_at=utcnow(),
            language=page.language if page else None,
            image=(page.image if page and page.image else entry.image),
            tags=entry.tags or (page.tags if page else []),
            content_hash=digest,
            text_source=text_source,
        )

    def _entry_failed(self, feed_url: str, url: str, reason: str, report: IngestReport) -> None:
        log.warning("article %s not ingested: %s", url, reason, extra={"feed": feed_url, "url": url})
        report.failures.append((url, reason))

    def _publish(self, batch: _Batch) -> None:
        if batch.articles:
            self.bus.publish_many(self.topic, [(a.id, a.to_json()) for a in batch.articles], dict(HEADERS))
            self.bus.flush()
        # Only now that the bus has them: a crash before this line republishes, never loses.
        for urls, aid, digest in batch.marks:
            self.state.mark_seen(urls, aid, digest)
