"""When to poll a feed next: adaptive intervals, Retry-After, exponential backoff with jitter.

A small policy of our own rather than tenacity: tenacity retries a call *now*, in a loop,
while a feed's next attempt is a time stored in the state database and honoured across
restarts by whichever process polls next. What that needs is three pure functions of the
feed's history, which is all this module is.

- A feed that brought new entries is polled sooner next time (interval halved), one that
  brought nothing (or answered 304) later (interval x1.5), always within
  ``[poll_min_interval, poll_max_interval]`` (widened to include ``poll_interval`` itself, so an
  operator who sets a 1 s interval for a demo gets it).
- A failed poll waits ``interval * 2**(failures-1)``, capped at ``poll_backoff_max``, with
  "equal jitter" (between half and all of it) so feeds that failed together do not all come
  back in the same second; a server's ``Retry-After`` is a floor on that wait.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from newsflow.core.config import Settings

SPEED_UP = 0.5
SLOW_DOWN = 1.5


def bounds(settings: Settings) -> tuple[float, float]:
    """The (min, max) interval in seconds, always including the configured default."""
    low = max(0.0, min(settings.poll_min_interval, settings.poll_interval))
    return low, max(settings.poll_max_interval, settings.poll_interval, low)


def next_interval(settings: Settings, current: float | None, new_entries: int) -> float:
    """A feed's interval after a successful poll that brought ``new_entries`` new entries."""
    low, high = bounds(settings)
    interval = current if current else settings.poll_interval
    interval *= SPEED_UP if new_entries > 0 else SLOW_DOWN
    return min(high, max(low, interval))


def backoff_delay(settings: Settings, interval: float | None, failures: int, retry_after: float | None = None,
                  rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``failures``-th consecutive failure (1 = first)."""
    base = interval if interval else settings.poll_interval
    cap = max(settings.poll_backoff_max, base)
    full = min(cap, base * 2 ** max(0, failures - 1))
    delay = full / 2 + (rng or random).uniform(0, full / 2)
    if retry_after is not None:
        # The server said when to come back; a cap of our own still applies to absurd values.
        delay = max(delay, min(retry_after, cap))
    return delay


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); ``None`` if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def after(now: datetime, seconds: float) -> datetime:
    """``now`` plus ``seconds``."""
    return now + timedelta(seconds=seconds)
