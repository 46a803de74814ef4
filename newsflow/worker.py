"""The loop every consuming stage runs: poll a batch, process it, write it, then commit.

A stage supplies three steps (the ``Processor`` protocol):

- ``decode(message)``: parse one record; an exception dead-letters that record alone.
- ``process(items)``: the batch transformation (e.g. spaCy over the batch). If it raises,
  the batch is retried one item at a time so that a poison record is isolated and
  dead-lettered while its neighbours go through; except ``Unavailable``, which says that
  something beyond the records failed (a shared store out of reach): that propagates like a
  failed write, and the batch is delivered again whole.
- ``write(outputs)``: the downstream write (publish, index upsert). If it raises, nothing is
  committed and the error propagates: the batch will be delivered again (at-least-once),
  and idempotent writes by article id make the repeat harmless. It may instead return the
  outputs the downstream refused for good, with reasons: those are dead-lettered.

Offsets are committed only after ``write`` and the dead-letter publishes returned.

Batching is for latency first: a batch is whatever is waiting, up to ``batch_size``. With
``max_wait`` the worker may linger for more records, but only while the oldest record in hand
is younger than ``max_wait`` seconds: a backlog is never held back to fill a batch.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any, Callable, Generic, Protocol, TypeVar

from newsflow.core.bus import Bus, Consumer, Message
from newsflow.core.contracts import DeadLetter
from newsflow.core.metrics import StageMetrics

log = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")


class Unavailable(Exception):
    """Raised by ``Processor.process`` when what it needs besides the records is out of reach.

    No record is to blame, so none is dead-lettered: the batch is not committed and comes
    back once the service has retried.
    """


class Processor(Protocol[In, Out]):
    """The three steps of a consuming stage."""

    name: str

    def decode(self, message: Message) -> In: ...

    def process(self, items: list[In]) -> list[Out]: ...

    def write(self, outputs: list[Out]) -> "list[tuple[Out, str]] | None": ...


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


class StageWorker(Generic[In, Out]):
    """Runs a ``Processor`` over a consumer, with dead-lettering and metrics."""

    def __init__(
        self,
        processor: Processor[In, Out],
        bus: Bus,
        consumer: Consumer,
        *,
        deadletter_topic: str,
        batch_size: int,
        max_wait: float = 0.0,
        metrics: StageMetrics | None = None,
    ):
        self.processor = processor
        self.bus = bus
        self.consumer = consumer
        self.deadletter_topic = deadletter_topic
        self.batch_size = batch_size
        self.max_wait = max_wait
        self.metrics = metrics or StageMetrics()
        self.processed = 0
        self.written = 0
        self.deadlettered = 0

    def _collect(self, timeout: float) -> list[Message]:
        """What is waiting, up to ``batch_size``; more only while the oldest record is fresh.

        A record's age is measured from its bus timestamp (publish time); a record without one
        counts as old, so it never waits.
        """
        messages = self.consumer.poll(self.batch_size, timeout=timeout)
        while messages and len(messages) < self.batch_size and self.max_wait > 0:
            stamps = [m.timestamp for m in messages]
            oldest = min(stamps) if all(stamps) else 0.0
            remaining = oldest + self.max_wait - time.time()
            if remaining <= 0:
                break
            more = self.consumer.poll(self.batch_size - len(messages), timeout=remaining)
            if not more:
                break
            messages.extend(more)
        return messages

    def run_batch(self, timeout: float = 0.0) -> int:
        """Handle one batch; returns how many records it consumed (0 when the topic is idle)."""
        messages = self._collect(timeout)
        if not messages:
            return 0
        stage = self.processor.name
        started = time.perf_counter()
        self.metrics.records_in.labels(stage).inc(len(messages))
        dead: list[tuple[Message, str]] = []
        decoded: list[tuple[Message, Any]] = []
        for msg in messages:
            try:
                decoded.append((msg, self.processor.decode(msg)))
            except Exception as exc:  # noqa: BLE001 - any decode failure is this record's fault
                dead.append((msg, _describe(exc)))
        outputs = self._process(decoded, dead)
        try:
            refused = self.processor.write(outputs) if outputs else None
        except Exception:
            self.metrics.errors.labels(stage).inc()
            raise
        for output, reason in refused or ():
            dead.append((self._as_message(output), reason))
        self._deadletter(dead)
        self.consumer.commit()
        written = len(outputs) - len(refused or ())
        self.written += written
        self.metrics.records_out.labels(stage).inc(written)
        self.metrics.batch_seconds.labels(stage).observe(time.perf_counter() - started)
        self.processed += len(messages)
        return len(messages)

    def _process(self, decoded: list[tuple[Message, Any]], dead: list[tuple[Message, str]]) -> list[Any]:
        if not decoded:
            return []
        try:
            return self.processor.process([item for _, item in decoded])
        except Unavailable:
            self.metrics.errors.labels(self.processor.name).inc()
            raise
        except Exception as exc:  # noqa: BLE001
            log.warning("batch failed, retrying record by record", extra={"stage": self.processor.name, "error": _describe(exc)})
        outputs: list[Any] = []
        for msg, item in decoded:
            try:
                outputs.extend(self.processor.process([item]))
            except Unavailable:
                self.metrics.errors.labels(self.processor.name).inc()
                raise
            except Exception as exc:  # noqa: BLE001 - isolated: this record is the poison one
                dead.append((msg, _describe(exc) + "\n" + traceback.format_exc(limit=3)))
        return outputs

    def _as_message(self, output: Any) -> Message:
        """A refused output in the shape of a record, so it can be dead-lettered like one."""
        value = output.to_json() if hasattr(output, "to_json") else str(output).encode("utf-8")
        return Message(topic=f"<{self.processor.name} output>", offset=-1, key=getattr(output, "id", None), value=value)

    def _deadletter(self, dead: list[tuple[Message, str]]) -> None:
        if not dead:
            return
        stage = self.processor.name
        records = []
        for msg, error in dead:
            log.error(
                "record sent to dead-letter topic",
                extra={"stage": stage, "topic": msg.topic, "offset": msg.offset, "key": msg.key, "error": error.splitlines()[0]},
            )
            letter = DeadLetter(
                stage=stage, topic=msg.topic, offset=msg.offset, key=msg.key, error=error,
                value=msg.value.decode("utf-8", errors="replace"),
            )
            records.append((msg.key, letter.to_json()))
        self.bus.publish_many(self.deadletter_topic, records, {"schema_version": "1", "producer": stage})
        self.bus.flush()
        self.deadlettered += len(dead)
        self.metrics.deadletters.labels(stage).inc(len(dead))

    def drain(self, on_batch: Callable[[int], None] | None = None, should_stop: Callable[[], bool] | None = None) -> int:
        """Process batches until the topic is idle (or ``should_stop()``); returns records consumed."""
        total = 0
        while not (should_stop and should_stop()):
            n = self.run_batch()
            if n == 0:
                break
            total += n
            if on_batch:
                on_batch(n)
        return total

    def close(self) -> None:
        """Close the consumer (uncommitted records will be delivered again), then the
        processor if it holds resources of its own (e.g. enrich worker processes)."""
        self.consumer.close()
        close = getattr(self.processor, "close", None)
        if close is not None:
            close()
