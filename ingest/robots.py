"""robots.txt, read with the standard library's parser from bytes our guarded fetcher fetched.

``urllib.robotparser.RobotFileParser.read()`` would fetch with urllib: no size cap, no deadline,
no private-network guard. So the file is fetched like any untrusted page and only *parsed* by
the standard library. One file per scheme+host, cached for ``TTL`` seconds.

What an unusable robots.txt means follows RFC 9309 section 2.3.1: a 4xx answer (there is none)
allows everything; a 5xx answer or an unreachable server disallows everything for now (the
site may be in trouble; we come back after a shorter ``ERROR_TTL``). Feeds the operator
subscribed to are not subject to robots.txt (a feed is published to be polled, as feed readers
do); article pages and sitemaps are.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from ingest.fetch import BlockedHostError, Fetcher, FetchError, HTTPStatusError

log = logging.getLogger(__name__)

TTL = 3600.0
ERROR_TTL = 300.0


class _Rules:
    def __init__(self, parser: RobotFileParser | None, allow_all: bool, expires: float, note: str):
        self.parser, self.allow_all, self.expires, self.note = parser, allow_all, expires, note


class RobotsCache:
    """Answers "may we fetch this URL?" for one user agent, per host, from a cached robots.txt."""

    def __init__(self, fetcher: Fetcher, user_agent: str):
        self.fetcher = fetcher
        self.user_agent = user_agent
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        # problem kinds met while loading robots.txt files (metric labels), drained by the stage
        self.problems: list[str] = []

    def check(self, url: str) -> str | None:
        """``None`` if ``url`` may be fetched, else the reason it may not (one log-ready phrase)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None  # not ours to judge: the fetcher refuses such URLs with its own reason
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        rules = self._get(origin)
        if rules.allow_all:
            return None
        if rules.parser is None:
            return f"robots.txt of {origin} could not be read ({rules.note}); the site is treated as closed for now"
        if rules.parser.can_fetch(self.user_agent, url):
            return None
        return f"disallowed by {origin}/robots.txt"

    def _get(self, origin: str) -> _Rules:
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one fetch per host even when several page threads ask at once
            rules = self._rules.get(origin)
            if rules is None or rules.expires <= time.monotonic():
                rules = self._rules[origin] = self._load(origin)
            return rules

    def _load(self, origin: str) -> _Rules:
        url = origin + "/robots.txt"
        now = time.monotonic()
        try:
            fetched = self.fetcher.fetch(url, "robots")
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500:
                return _Rules(None, True, now + TTL, f"HTTP {exc.status}")
            log.warning("robots.txt %s: %s; not fetching from this site for %g s", url, exc.reason, ERROR_TTL)
            return _Rules(None, False, now + ERROR_TTL, exc.reason)
        except BlockedHostError:
            return _Rules(None, True, now + TTL, "blocked host")  # the page fetch will say why, clearly
        except FetchError as exc:
            log.warning("robots.txt %s: %s; not fetching from this site for %g s", url, exc.reason, ERROR_TTL)
            return _Rules(None, False, now + ERROR_TTL, exc.reason)
        parser = RobotFileParser(url)
        parser.parse(fetched.body.decode("utf-8", errors="replace").splitlines())
        try:
            delay = float(parser.crawl_delay(self.user_agent) or 0)
        except (TypeError, ValueError, OverflowError):  # a value robotparser kept as text, or absurdly large
            delay = 0.0
        if delay > 0:
            host = urlsplit(fetched.final_url).hostname or ""
            cap = self.fetcher.settings.robots_max_crawl_delay
            if delay > cap:
                log.info("robots.txt %s asks for a Crawl-delay of %g s; honouring %g s (robots_max_crawl_delay)", url,
                         delay, cap, extra={"url": url, "problem": "robots:crawl_delay_capped"})
                self.problems.append("robots:crawl_delay_capped")
            self.fetcher.gate.slow_down(host, min(delay, cap))
        return _Rules(parser, False, now + TTL, "ok")
