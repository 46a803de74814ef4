"""Dead letters: list them, and replay them once their cause is fixed.

A stage that cannot process a record publishes a ``DeadLetter`` (the original record, the
error, the stage) to ``news.deadletter``. A replay publishes each original record again to the
input topic of the stage that refused it, where the stage consumes it like any other record
(writes are idempotent by article id, so a replayed article is indexed once). Every replay is
recorded on the bus itself, in the topic ``news.deadletter.replayed`` (key: the dead letter's
id), so a second replay of the same dead letters is a no-op on every machine of a deployment,
on the embedded bus and on Kafka alike.

A dead letter's id is ``PARTITION:OFFSET`` of its record in the dead-letter topic.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from newsflow.core.bus import Bus, Message
from newsflow.core.config import Settings
from newsflow.core.contracts import DeadLetter, utcnow

log = logging.getLogger(__name__)

REPLAYED_SUFFIX = ".replayed"
#: the consuming stages and the setting that names each one's input topic
STAGE_INPUTS = {"enrich": "topic_articles", "index": "topic_enriched"}


@dataclass(frozen=True)
class Letter:
    """One dead letter with its id in the dead-letter topic."""

    id: str
    letter: DeadLetter

    def public(self) -> dict:
        """The JSON of ``deadletter list --json``."""
        return {"id": self.id, **self.letter.model_dump(mode="json")}


@dataclass
class ReplayReport:
    """What a replay did (or, with ``dry_run``, would do)."""

    replayed: list[tuple[Letter, str]] = field(default_factory=list)  # (letter, topic it went to)
    already: list[Letter] = field(default_factory=list)  # replayed before: skipped
    unknown_ids: list[str] = field(default_factory=list)  # asked for, but no such dead letter


def ledger_topic(settings: Settings) -> str:
    """Where replays are recorded."""
    return settings.topic(settings.topic_deadletter + REPLAYED_SUFFIX)


def read_topic(bus: Bus, topic: str) -> list[Message]:
    """Every record of ``topic``, read by a private group that never commits (no stage's position moves)."""
    consumer = bus.consumer(f"deadletter-read-{time.time_ns()}", [topic], from_beginning=True)
    out: list[Message] = []
    try:
        while batch := consumer.poll(1000, timeout=0.5):  # empty only once caught up
            out.extend(batch)
    finally:
        consumer.close()
    return out


def letter_id(message: Message) -> str:
    """``PARTITION:OFFSET`` of a record of the dead-letter topic."""
    return f"{message.partition}:{message.offset}"


def read_letters(bus: Bus, settings: Settings, *, stage: str | None = None, since: datetime | None = None) -> list[Letter]:
    """The dead letters, oldest first, of ``stage`` (all stages if ``None``) failed on or after ``since``."""
    letters = []
    for message in read_topic(bus, settings.topic(settings.topic_deadletter)):
        try:
            letter = DeadLetter.from_json(message.value)
        except (ValidationError, ValueError) as exc:
            log.warning("not a dead letter; skipped", extra={"id": letter_id(message), "error": str(exc).splitlines()[0]})
            continue
        if stage is not None and letter.stage != stage:
            continue
        if since is not None and letter.failed_at < since:
            continue
        letters.append(Letter(letter_id(message), letter))
    return letters


def replayed_ids(bus: Bus, settings: Settings) -> set[str]:
    """Ids of the dead letters replayed so far (from the ledger topic)."""
    return {m.key for m in read_topic(bus, ledger_topic(settings)) if m.key}


def input_topic(letter: DeadLetter, settings: Settings) -> str:
    """The topic the refusing stage reads: the record's own topic, or for an output the index
    refused after processing (``<index output>``), the stage's input topic."""
    if not letter.topic.startswith("<"):
        return letter.topic
    name = STAGE_INPUTS.get(letter.stage)
    if name is None:
        raise ValueError(f"dead letter of stage {letter.stage!r} names no topic to replay to")
    return settings.topic(getattr(settings, name))


def replay(bus: Bus, settings: Settings, letters: list[Letter], *, ids: list[str] | None = None,
           dry_run: bool = False) -> ReplayReport:
    """Publish the original record of each letter not replayed before (only ``ids`` if given) to its
    stage's input topic, then record the replays; ``dry_run`` publishes nothing."""
    report = ReplayReport()
    wanted = set(ids) if ids else None
    if wanted is not None:
        known = {letter.id for letter in letters}
        report.unknown_ids = sorted(wanted - known)
        letters = [letter for letter in letters if letter.id in wanted]
    done = replayed_ids(bus, settings)
    for letter in letters:
        if letter.id in done:
            report.already.append(letter)
        else:
            report.replayed.append((letter, input_topic(letter.letter, settings)))
    if dry_run or not report.replayed:
        return report
    for letter, topic in report.replayed:
        bus.publish(topic, letter.letter.key, letter.letter.value.encode("utf-8"),
                    {"schema_version": "1", "producer": "deadletter-replay", "replay_of": letter.id})
    bus.flush()  # the records are on their topics before the ledger says so: a crash in between replays again
    now = utcnow().isoformat()
    ledger = [(letter.id, json.dumps({"id": letter.id, "stage": letter.letter.stage, "topic": topic, "key": letter.letter.key,
                                      "replayed_at": now}).encode("utf-8"))
              for letter, topic in report.replayed]
    bus.publish_many(ledger_topic(settings), ledger, {"schema_version": "1", "producer": "deadletter-replay"})
    bus.flush()
    return report


__all__ = ["Letter", "ReplayReport", "input_topic", "ledger_topic", "read_letters", "replay", "replayed_ids"]
