"""The webhook sink: alerts from a topic POSTed as JSON to an HTTP receiver outside Kafka.

``newsflow alerts webhook --topic alerts.NAME --url URL [--secret S]`` is a consumer-group
consumer: it takes one alert at a time, POSTs it, and commits its position only after the
receiver answered 2xx, so a receiver that is down loses nothing: the sink retries with
exponential backoff (``webhook_retry_initial`` doubling up to ``webhook_retry_max`` seconds,
forever) and carries on from there once the receiver is back. Receivers see at-least-once
delivery (a sink killed between the 2xx and the commit sends that alert again): dedupe on
``X-Newsflow-Delivery`` or on (rule, article_id) from the body.

Retried: connection errors and timeouts, 5xx, 408 and 429. Any other answer (e.g. 400, 404)
would fail the same way forever: that alert goes to the dead-letter topic with the answer, and
the sink moves on.

The request:

- body: the Alert record's JSON exactly as it is on the topic (``Content-Type: application/json``);
- ``X-Newsflow-Signature: sha256=<hex>``: HMAC-SHA256 of the raw body bytes with the shared
  secret (only with ``--secret``). To verify, compute the same over the bytes received, before
  any JSON parsing, and compare in constant time (``verify_signature`` does exactly that)::

      expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
      hmac.compare_digest(expected, request.headers["X-Newsflow-Signature"])

- ``X-Newsflow-Topic``, ``X-Newsflow-Key`` (article id) and ``X-Newsflow-Delivery``
  (``topic/partition/offset``, the same on every retry and re-delivery of one record).

Why tenacity: httpx's transport ``retries`` only repeats failed connections, never a request
that got a 5xx answer, and has no backoff; tenacity gives both, and its sleep is our stop event's
``wait``, so SIGTERM interrupts a long backoff at once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

import httpx
from tenacity import RetryError, Retrying, retry_if_exception, stop_when_event_set, wait_exponential

from newsflow.core.bus import Bus, Message
from newsflow.core.config import Settings
from newsflow.core.contracts import DeadLetter

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Newsflow-Signature"
RETRY_STATUSES = frozenset({408, 429})


def sign(secret: str, body: bytes) -> str:
    """The ``X-Newsflow-Signature`` value of ``body``: ``sha256=`` + hex HMAC-SHA256 with ``secret``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does: does ``header`` sign exactly these bytes with ``secret``? (constant time)"""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


class ReceiverError(Exception):
    """The receiver answered with a status worth retrying (5xx, 408, 429)."""


class RefusedByReceiver(Exception):
    """The receiver refused the alert for good (another 4xx, or a 3xx we do not follow)."""


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, (ReceiverError, httpx.TransportError))


class WebhookSink:
    """Consumes ``topic`` in consumer group ``group`` and POSTs each record to ``url``."""

    def __init__(self, settings: Settings, bus: Bus, topic: str, url: str, *, secret: str | None = None,
                 group: str | None = None, client: httpx.Client | None = None):
        self.settings, self.bus, self.topic, self.url, self.secret = settings, bus, topic, url, secret
        self.group = group or f"webhook.{topic}"
        self.client = client or httpx.Client(timeout=settings.webhook_timeout, follow_redirects=False)
        self.delivered = 0
        self.deadlettered = 0
        self.attempts = 0

    def _post(self, msg: Message) -> None:
        self.attempts += 1
        headers = {"Content-Type": "application/json", "User-Agent": self.settings.user_agent,
                   "X-Newsflow-Topic": msg.topic, "X-Newsflow-Key": msg.key or "",
                   "X-Newsflow-Delivery": f"{msg.topic}/{msg.partition}/{msg.offset}"}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, msg.value)
        resp = self.client.post(self.url, content=msg.value, headers=headers)
        if 200 <= resp.status_code < 300:
            return
        if resp.status_code >= 500 or resp.status_code in RETRY_STATUSES:
            raise ReceiverError(f"HTTP {resp.status_code}")
        raise RefusedByReceiver(f"HTTP {resp.status_code}: {resp.text[:200]}")

    def deliver(self, msg: Message, stop: threading.Event) -> bool:
        """POST one record until a 2xx (True) or a permanent refusal (dead-lettered, True);
        False when ``stop`` was set while retrying (nothing to commit)."""

        def before_sleep(state) -> None:
            log.warning("webhook delivery failed; retrying", extra={
                "url": self.url, "key": msg.key, "attempt": state.attempt_number,
                "error": repr(state.outcome.exception()), "retry_in_s": round(state.next_action.sleep, 2)})

        retrying = Retrying(
            retry=retry_if_exception(_retryable),
            wait=wait_exponential(multiplier=self.settings.webhook_retry_initial, min=self.settings.webhook_retry_initial,
                                  max=self.settings.webhook_retry_max),
            stop=stop_when_event_set(stop), sleep=stop.wait, before_sleep=before_sleep, reraise=False,
        )
        try:
            retrying(self._post, msg)
        except RetryError:
            return False  # stopping: the record stays uncommitted and is delivered on the next start
        except RefusedByReceiver as exc:
            self._deadletter(msg, f"webhook {self.url} refused the alert: {exc}")
            return True
        self.delivered += 1
        return True

    def _deadletter(self, msg: Message, error: str) -> None:
        log.error("alert sent to dead-letter topic", extra={"topic": msg.topic, "key": msg.key, "error": error})
        letter = DeadLetter(stage="webhook", topic=msg.topic, offset=msg.offset, key=msg.key, error=error,
                            value=msg.value.decode("utf-8", errors="replace"))
        self.bus.publish(self.settings.topic(self.settings.topic_deadletter), msg.key, letter.to_json(),
                         {"schema_version": "1", "producer": "webhook"})
        self.bus.flush()
        self.deadlettered += 1

    def run(self, stop: threading.Event, *, until_idle: float | None = None) -> None:
        """Deliver records until ``stop`` is set (or, with ``until_idle``, no record came for that long)."""
        consumer = self.bus.consumer(self.group, [self.topic])
        last = time.monotonic()
        try:
            while not stop.is_set():
                # one record per poll: commit() stores the position of the whole poll, and the
                # position must never pass an alert the receiver has not acknowledged
                batch = consumer.poll(1, timeout=1.0)
                if not batch:
                    if until_idle is not None and time.monotonic() - last >= until_idle:
                        break
                    continue
                if not self.deliver(batch[0], stop):
                    break
                consumer.commit()
                last = time.monotonic()
        finally:
            consumer.close()

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()


__all__ = ["SIGNATURE_HEADER", "WebhookSink", "sign", "verify_signature"]
