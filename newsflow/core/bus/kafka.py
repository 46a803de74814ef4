"""The Kafka bus: the ``Bus`` protocol over Apache Kafka with kafka-python.

Semantics match the embedded bus where Kafka allows it:

- ``publish``/``publish_many`` hand records to an idempotent producer (acks=all, retries,
  compression) keyed by article id, so one article's records stay in order in one partition.
  ``flush()`` blocks until every record sent so far is acknowledged and raises if any of them
  failed: a failed send surfaces there, it is never lost silently. ``publish_many`` is not
  atomic on Kafka (no transactions): after a failed ``flush`` some records may be stored.
- Topics are created on first use (publish or consume) with the configured partitions and
  replication; an existing topic is left as it is.
- A consumer is a member of a consumer group with manual commits. ``commit()`` stores, for
  each partition, the position after the last record handed out by ``poll``; ``close()``
  commits nothing, so records polled but not committed go to the group's next member.
- ``poll`` returns nothing only when the consumer has caught up with every partition it is
  assigned: the first poll waits (bounded) for the group join, and an empty fetch is checked
  against the partitions' end offsets. ``newsflow run --once`` relies on this to tell
  "no records" from "not fetched yet".
- ``lag()`` counts the records of the subscribed topics not yet committed by the group (all
  partitions, not only this member's), like the embedded bus.
- Group names get the topic prefix, like topics: deployments sharing a cluster share no group.
- A client that cannot connect raises ``KafkaConnectError`` saying why (refused login, untrusted
  certificate, nothing listening), never showing the password.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any

with warnings.catch_warnings():
    # kafka-python 3.0.12 loads its protocol schemas with the deprecated importlib.resources.read_text
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import ConsumerRebalanceListener, KafkaAdminClient, KafkaConsumer, KafkaProducer
    from kafka import errors as kerr
    from kafka.structs import OffsetAndMetadata, TopicPartition

from newsflow.core.bus.kafka_diagnose import diagnose
from newsflow.core.bus.protocol import Message

if TYPE_CHECKING:
    from newsflow.core.config import Settings

log = logging.getLogger(__name__)

#: a member that stops heartbeating (kill -9, lost host) is evicted after this; a new member's
#: join waits for that, so it bounds how long a restart after a crash waits for its partitions
SESSION_TIMEOUT_MS = 15_000
#: how long a consumer's first poll may wait for the group to assign it partitions: longer than
#: the session timeout, so a restart right after a crash still gets its partitions
JOIN_TIMEOUT = 2 * SESSION_TIMEOUT_MS / 1000
#: how long an empty poll may keep fetching when the end offsets say records are waiting
CATCH_UP_TIMEOUT = 10.0
#: how long to wait for a fetch in flight when the end offsets say records are waiting
MIN_FETCH_WAIT_MS = 100
#: the step of the wait for the group join
JOIN_POLL_MS = 20
#: a batch (e.g. spaCy over 32 long articles, or a bulk index of 200) must finish within this
MAX_POLL_INTERVAL_MS = 10 * 60 * 1000

_COMMIT_LOST = (
    kerr.CommitFailedError,
    kerr.RebalanceInProgressError,
    kerr.IllegalGenerationError,
    kerr.UnknownMemberIdError,
)


class KafkaConnectError(kerr.KafkaError):
    """The cluster could not be reached, or refused our TLS or SASL credentials.

    The message names the address, the security protocol, the SASL mechanism and user and what
    went wrong; never the password.
    """


def connecting(settings: "Settings", make):
    """``make()`` a kafka-python client; a failure to connect becomes a ``KafkaConnectError``.

    kafka-python retries a refused login until its bootstrap timeout and then reports only
    "Unable to bootstrap"; the cause is found by asking the broker once more, step by step.
    """
    try:
        return make()
    except (kerr.KafkaTimeoutError, kerr.SaslAuthenticationFailedError, kerr.UnsupportedSaslMechanismError,
            kerr.AuthorizationError) as exc:
        raise KafkaConnectError(diagnose(settings, exc)) from exc


def client_config(settings: "Settings") -> dict[str, Any]:
    """Connection and security options shared by producer, consumer and admin client."""
    cfg: dict[str, Any] = {
        "bootstrap_servers": [s.strip() for s in settings.kafka_bootstrap.split(",") if s.strip()],
        "security_protocol": settings.kafka_security_protocol,
        "bootstrap_timeout_ms": int(settings.kafka_connect_timeout * 1000),
    }
    if settings.kafka_sasl_mechanism:
        cfg["sasl_mechanism"] = settings.kafka_sasl_mechanism
        cfg["sasl_plain_username"] = settings.kafka_sasl_username
        password = settings.kafka_sasl_password
        cfg["sasl_plain_password"] = password.get_secret_value() if password is not None else None
    if settings.kafka_ssl_cafile:
        cfg["ssl_cafile"] = settings.kafka_ssl_cafile
    return cfg


def producer_config(settings: "Settings") -> dict[str, Any]:
    """Producer options: durable (acks=all, idempotent, retried), compressed, batched."""
    return {
        **client_config(settings),
        "client_id": "newsflow-producer",
        "acks": "all",
        "enable_idempotence": True,
        "compression_type": None if settings.kafka_compression == "none" else settings.kafka_compression,
        "linger_ms": settings.kafka_linger_ms,
        "batch_size": settings.kafka_batch_bytes,
        "max_request_size": 8 * 1024 * 1024,
    }


def consumer_config(settings: "Settings") -> dict[str, Any]:
    """Fetch options of a group member (bench/bus.py gives raw kafka-python the same)."""
    return {
        "max_poll_records": settings.kafka_max_poll_records,
        "max_partition_fetch_bytes": settings.kafka_max_partition_fetch_bytes,
    }


def _encode_headers(headers: dict[str, str] | None) -> list[tuple[str, bytes]] | None:
    if not headers:
        return None
    return [(k, str(v).encode("utf-8")) for k, v in headers.items()]


class KafkaBus:
    """The ``Bus`` on a Kafka cluster. Producer and admin client are created on first use."""

    spans_machines = True
    unavailable_errors = (kerr.KafkaError,)

    def __init__(self, settings: "Settings"):
        self.settings = settings
        self._lock = threading.Lock()  # producer creation and the send-error list
        self._topics_lock = threading.Lock()
        self._producer: KafkaProducer | None = None
        self._admin: KafkaAdminClient | None = None
        self._known_topics: set[str] = set()
        self._errors: list[BaseException] = []

    # --- topics ----------------------------------------------------------------------------
    def _admin_client(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = connecting(self.settings, lambda: KafkaAdminClient(
                **client_config(self.settings), client_id="newsflow-admin"))
        return self._admin

    def topic_names(self) -> set[str]:
        """The topics that exist on the cluster."""
        return set(self._admin_client().list_topics())

    def ensure_topics(self, topics: list[str], configs: dict[str, str] | None = None) -> None:
        """Create the topics that do not exist yet (configured partitions and replication).

        ``configs`` are topic-level settings for the ones created here, e.g.
        ``{"cleanup.policy": "compact"}``.
        """
        if all(t in self._known_topics for t in topics):
            return
        with self._topics_lock:
            missing = [t for t in dict.fromkeys(topics) if t not in self._known_topics]  # another thread's?
            if not missing:
                return
            admin = self._admin_client()
            existing = set(admin.list_topics())
            new = [t for t in missing if t not in existing]
            if new:
                self._create(admin, new, configs)
            self._known_topics.update(missing)

    def _create(self, admin: KafkaAdminClient, topics: list[str], configs: dict[str, str] | None) -> None:
        """One CreateTopics request for all of ``topics``, then one wait until their partitions
        have leaders (a topic per request, each waited for, took ~0.5 s apiece at start-up)."""
        spec: dict[str, Any] = {"num_partitions": self.settings.kafka_partitions,
                                "replication_factor": self.settings.kafka_replication}
        if configs:
            spec["configs"] = dict(configs)
        result = admin.create_topics({t: dict(spec) for t in topics}, timeout_ms=30_000, raise_errors=False)
        for answer in result["topics"]:
            error = kerr.for_code(answer["error_code"])
            if error is kerr.TopicAlreadyExistsError:  # another process won the race: as good
                continue
            if error is not kerr.NoError:
                raise error(f"creating topic {answer['name']}: {answer.get('error_message') or error.__name__}")
            log.info("created topic", extra={"topic": answer["name"], **spec})
        admin.wait_for_topics(topics, timeout_ms=30_000)

    def reader(self, topic: str) -> "KafkaTopicReader":
        """A reader of every partition of ``topic``, outside any consumer group."""
        return KafkaTopicReader(self.settings, topic)

    # --- producing -------------------------------------------------------------------------
    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            with self._lock:
                if self._producer is None:
                    self._producer = connecting(self.settings, lambda: KafkaProducer(**producer_config(self.settings)))
        return self._producer

    def connect(self, topics: list[str]) -> None:
        """Open the producer and learn the partitions of ``topics`` now (creating missing ones),
        not on the first publish: a process with other start-up work (loading a model) overlaps
        the round trips with it (a third of a second before a first batch could be published)."""
        self.ensure_topics(topics)
        producer = self._get_producer()
        for topic in topics:
            producer.partitions_for(topic)

    def _on_send_error(self, exc: BaseException) -> None:
        with self._lock:
            self._errors.append(exc)

    def publish(self, topic: str, key: str | None, value: bytes, headers: dict[str, str] | None = None) -> None:
        """Send one record (durable once ``flush()`` returns)."""
        self.publish_many(topic, [(key, value)], headers)

    def publish_many(self, topic: str, records: list[tuple[str | None, bytes]], headers: dict[str, str] | None = None) -> None:
        """Send several records to one topic (not atomic on Kafka: see the module docstring)."""
        if not records:
            return
        self.ensure_topics([topic])
        producer = self._get_producer()
        hdrs = _encode_headers(headers)
        for key, value in records:
            future = producer.send(topic, value=value, key=None if key is None else key.encode("utf-8"), headers=hdrs)
            future.add_errback(self._on_send_error)

    def flush(self, timeout: float | None = None) -> None:
        """Block until every record sent so far is acknowledged; raise the first failure."""
        if self._producer is not None:
            self._producer.flush(timeout=timeout)
        with self._lock:
            errors, self._errors = self._errors, []
        if errors:
            # an idempotent producer stops after some errors (e.g. a record the broker refuses):
            # start a fresh one for what comes next; everything sent so far has completed
            with self._lock:
                producer, self._producer = self._producer, None
            if producer is not None:
                producer.close(timeout=5)
            raise kerr.KafkaError(f"{len(errors)} record(s) could not be published: {errors[0]!r}") from errors[0]

    # --- consuming -------------------------------------------------------------------------
    def consumer(self, group: str, topics: list[str], *, from_beginning: bool = True) -> "KafkaConsumerAdapter":
        """A member of ``group`` subscribed to ``topics`` (created if missing).

        The group name gets the topic prefix too: deployments sharing a cluster must not share
        consumer groups, or a crash in one stalls the other's rebalances.
        """
        self.ensure_topics(topics)
        return KafkaConsumerAdapter(self.settings, self.settings.topic(group), topics, from_beginning=from_beginning)

    def close(self) -> None:
        """Flush what is pending, then close the producer and admin client."""
        try:
            if self._producer is not None:
                self.flush()
        finally:
            if self._producer is not None:
                self._producer.close(timeout=10)
                self._producer = None
            if self._admin is not None:
                self._admin.close()
                self._admin = None


class KafkaTopicReader:
    """Reads every partition of one topic from given offsets to its end, outside any group.

    For state that each process keeps a full copy of (a compacted topic replayed into a local
    store): the caller stores the offsets it has applied with the state and passes them back
    on the next read, so a restart or a second process on the same store resumes where it is.
    """

    #: how long a read may take to reach the end offsets it found when it started
    READ_TIMEOUT = 60.0

    def __init__(self, settings: "Settings", topic: str):
        self.topic = topic
        self._consumer = connecting(settings, lambda: KafkaConsumer(
            **client_config(settings), client_id=f"newsflow-reader-{topic}", group_id=None,
            enable_auto_commit=False, auto_offset_reset="earliest", **consumer_config(settings)))
        self._partitions: list[TopicPartition] = []

    def _assign(self) -> list[TopicPartition]:
        if not self._partitions:
            parts = self._consumer.partitions_for_topic(self.topic)
            if not parts:
                raise kerr.UnknownTopicOrPartitionError(f"topic {self.topic} has no partitions yet")
            self._partitions = [TopicPartition(self.topic, p) for p in sorted(parts)]
            self._consumer.assign(self._partitions)
        return self._partitions

    def read(self, applied: dict[int, int]) -> list[Message]:
        """The records after ``applied`` ({partition: next offset}) up to the current end."""
        partitions = self._assign()
        ends = self._consumer.end_offsets(partitions, timeout_ms=10_000)
        behind = {tp: end for tp, end in ends.items() if applied.get(tp.partition, 0) < end}
        if not behind:
            return []
        for tp in behind:
            self._consumer.seek(tp, applied.get(tp.partition, 0))
        self._consumer.pause(*[tp for tp in partitions if tp not in behind])
        out: list[Message] = []
        deadline = time.monotonic() + self.READ_TIMEOUT
        try:
            while any(self._consumer.position(tp, timeout_ms=10_000) < end for tp, end in behind.items()):
                if time.monotonic() > deadline:
                    raise kerr.KafkaTimeoutError(f"could not read {self.topic} to its end within {self.READ_TIMEOUT:.0f}s")
                out.extend(KafkaConsumerAdapter._convert(self._consumer.poll(timeout_ms=200, max_records=5000)))
        finally:
            self._consumer.resume(*partitions)
        return out

    def close(self) -> None:
        """Close the underlying consumer."""
        self._consumer.close(autocommit=False)


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, adapter: "KafkaConsumerAdapter"):
        self.adapter = adapter

    def on_partitions_revoked(self, revoked):
        self.adapter._on_revoked(set(revoked))

    def on_partitions_lost(self, lost):
        self.adapter._on_lost(set(lost))

    def on_partitions_assigned(self, assigned):
        log.debug("partitions assigned", extra={"group": self.adapter.group, "partitions": sorted(map(str, assigned))})
        self.adapter._on_assigned()


class KafkaConsumerAdapter:
    """A ``Consumer``: one member of a Kafka consumer group, manual commits."""

    def __init__(self, settings: "Settings", group: str, topics: list[str], *, from_beginning: bool = True):
        self.group = group
        self.topics = list(topics)
        self.from_beginning = from_beginning
        self._consumer = connecting(settings, lambda: KafkaConsumer(
            **client_config(settings),
            client_id=f"newsflow-{group}",
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if from_beginning else "latest",
            max_poll_interval_ms=MAX_POLL_INTERVAL_MS,
            session_timeout_ms=SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=1000,  # a member learns of a rebalance within a second
            **consumer_config(settings),
        ))
        for topic in self.topics:
            # know the partitions before joining: a group leader without them assigns nothing
            self._consumer.partitions_for_topic(topic)
        self._consumer.subscribe(self.topics, listener=_Rebalance(self))
        # end offsets are asked on a connection of their own: on the consumer's, the request
        # would queue behind a fetch waiting up to fetch_max_wait_ms for new records
        self._settings = settings
        self._client_config = client_config(settings)
        self._offsets: KafkaConsumer | None = None
        self._joined = False
        self._buffer: list[Message] = []  # fetched by the join, handed out by the same poll
        self._polled: dict[TopicPartition, int] = {}  # next offset after the last record handed out
        self._done: dict[TopicPartition, int] = {}  # what commit() was asked to store
        self._committed: dict[TopicPartition, int] = {}  # what the broker acknowledged
        self._revoked: set[TopicPartition] = set()  # revoked by a rebalance still under way

    # --- group membership ----------------------------------------------------------------
    def _on_revoked(self, revoked: set[TopicPartition]) -> None:
        """Before a rebalance: store what was processed; what happens to the rest waits for the
        new assignment (``_on_assigned``)."""
        pending = {tp: OffsetAndMetadata(o, "", -1) for tp, o in self._done.items()
                   if tp in revoked and self._committed.get(tp) != o}
        if pending:
            try:
                self._consumer.commit(pending)
                self._committed.update({tp: m.offset for tp, m in pending.items()})
            except kerr.KafkaError as exc:
                log.warning("commit on revocation failed; those records will be delivered again",
                            extra={"group": self.group, "error": repr(exc)})
        self._revoked |= revoked

    def _on_assigned(self) -> None:
        """After a rebalance: forget the partitions that went to another member.

        A partition handed back to this member keeps its fetch position (kafka-python keeps
        the state of a partition in both assignments), so the records polled or buffered before
        the rebalance are not delivered again: forgetting them would leave them uncommitted, and
        a buffered one would never be handed out at all. A partition that left is read again by
        its new owner from the group's commit, so our copies must go.
        """
        self._forget(self._revoked - self._consumer.assignment())
        self._revoked = set()

    def _on_lost(self, lost: set[TopicPartition]) -> None:
        """Evicted from the group: every position restarts at the commit, so nothing is kept."""
        self._forget(lost | self._revoked)
        self._revoked = set()

    def _forget(self, partitions: set[TopicPartition]) -> None:
        for d in (self._polled, self._done, self._committed):
            for tp in partitions:
                d.pop(tp, None)
        self._buffer = [m for m in self._buffer if TopicPartition(m.topic, m.partition) not in partitions]

    def join(self, max_records: int = 500) -> None:
        """Join the group now (bounded wait) rather than in the first ``poll``: a process with
        other start-up work (loading a model) overlaps the two. Records fetched on the way are
        handed out by the next ``poll``."""
        if not self._joined:
            self._join(max_records)

    def _join(self, max_records: int) -> None:
        """Wait (bounded) until the group assigned partitions and their positions are known."""
        deadline = time.monotonic() + JOIN_TIMEOUT
        while True:
            records = self._fetch(JOIN_POLL_MS, max_records)
            self._buffer.extend(self._convert(records))  # at most one batch, handed out by this poll
            if records:
                self._joined = True
                return
            assigned = self._consumer.assignment()
            if assigned:
                for tp in assigned:
                    self._consumer.position(tp, timeout_ms=int(JOIN_TIMEOUT * 1000))
                self._joined = True
                return
            if time.monotonic() >= deadline:
                log.warning("no partitions assigned yet", extra={"group": self.group, "topics": self.topics})
                return

    def _fetch(self, timeout_ms: int, max_records: int) -> dict:
        """One ``KafkaConsumer.poll``, then keep a rebalance it left unfinished pending.

        kafka-python 3.0.12 leaves a JoinGroup/SyncGroup running when a poll's timeout expires
        and finishes it on a later poll, but only while ``need_rejoin()`` is still true. A
        rebalance asked for because the topic metadata changed (it does right after the first
        join: the member joins before it has the topic's partitions) stops being "needed" once
        the leader's assignment records the new metadata, so its result is never applied: the
        member holds no partitions, its heartbeat stays off, and it consumes nothing until
        restarted. ``rejoining`` is true exactly while a rebalance is under way, so asking for
        the rejoin again restores the invariant and the next poll completes it.
        """
        records = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        coordinator = self._consumer._coordinator  # noqa: SLF001 - see the docstring
        if coordinator.rejoining and not coordinator.need_rejoin():
            log.debug("resuming an unfinished rebalance", extra={"group": self.group})
            coordinator.request_rejoin()
        return records

    @staticmethod
    def _convert(records: dict) -> list[Message]:
        out = []
        for tp, batch in records.items():
            for r in batch:
                out.append(Message(
                    topic=tp.topic,
                    offset=r.offset,
                    key=None if r.key is None else r.key.decode("utf-8", errors="replace"),
                    value=r.value if r.value is not None else b"",
                    headers={k: (v or b"").decode("utf-8", errors="replace") for k, v in (r.headers or [])},
                    timestamp=r.timestamp / 1000.0 if r.timestamp is not None and r.timestamp >= 0 else 0.0,
                    partition=tp.partition,
                ))
        return out

    def _offsets_client(self) -> KafkaConsumer:
        if self._offsets is None:
            self._offsets = connecting(self._settings, lambda: KafkaConsumer(
                **self._client_config, client_id=f"newsflow-{self.group}-offsets", group_id=None, enable_auto_commit=False))
        return self._offsets

    def _caught_up(self) -> bool:
        """True when nothing of the subscribed topics is left for the group to read.

        Our own partitions must be read to the end, and every other partition committed to
        its end: a member that has just left (or died) may still hold partitions until the
        group rebalances, and without this check ``run --once`` would stop with their records
        unread. Polling drives the rebalance that hands them over.
        """
        assigned = self._consumer.assignment()
        positions = {tp: self._consumer.position(tp, timeout_ms=5000) for tp in assigned}
        if any(p is None for p in positions.values()):
            return False
        for tp, p in positions.items():
            hw = self._consumer.highwater(tp)
            if hw is not None and p < hw:
                return False  # known to be behind: no need to ask the broker
        partitions = [TopicPartition(t, n) for t in self.topics for n in sorted(self._consumer.partitions_for_topic(t) or ())]
        ends = self._offsets_client().end_offsets(partitions, timeout_ms=5000)
        others = [tp for tp in partitions if tp not in assigned]
        starts = self._offsets_client().beginning_offsets(others, timeout_ms=5000) if others else {}
        for tp in partitions:
            if tp in assigned:
                reached = positions[tp]
            else:
                committed = self._consumer.committed(tp, timeout_ms=5000)
                if committed is None:
                    committed = starts[tp] if self.from_beginning else ends[tp]
                reached = max(committed, starts[tp])
            if reached < ends[tp]:
                return False
        return True

    # --- Consumer protocol -----------------------------------------------------------------
    def poll(self, max_records: int = 100, timeout: float = 0.0) -> list[Message]:
        """Up to ``max_records`` records; empty only when caught up (after waiting ``timeout`` s)."""
        if not self._joined:
            self._join(max_records)
        deadline = time.monotonic() + timeout
        catch_up_deadline = deadline + CATCH_UP_TIMEOUT
        out: list[Message] = []
        first = True
        while True:
            if self._buffer:
                out, self._buffer = self._buffer[:max_records], self._buffer[max_records:]
                break
            now = time.monotonic()
            if first or now < deadline:
                # the first call also drives the group protocol (rebalances) when nothing is due
                wait_ms = max(0, int((deadline - now) * 1000))
            elif now >= catch_up_deadline or self._caught_up():
                break
            else:
                # records are waiting but not fetched yet; kafka-python's poll(timeout_ms=0) often
                # returns before a fetch completes: wait a little (it returns once records arrive)
                wait_ms = MIN_FETCH_WAIT_MS
            first = False
            records = self._fetch(wait_ms, max_records)
            if records:
                out = self._convert(records)
                break
        for m in out:
            tp = TopicPartition(m.topic, m.partition)
            if m.offset + 1 > self._polled.get(tp, -1):
                self._polled[tp] = m.offset + 1
        return out

    def commit(self) -> None:
        """Store the positions reached by ``poll`` (synchronously)."""
        self._done.update(self._polled)
        assigned = self._consumer.assignment()
        offsets = {tp: OffsetAndMetadata(o, "", -1) for tp, o in self._done.items()
                   if tp in assigned and self._committed.get(tp) != o}
        if not offsets:
            return
        try:
            self._consumer.commit(offsets)
        except _COMMIT_LOST as exc:
            # the group rebalanced under us: these partitions belong to another member now,
            # which resumes from the last stored position (at-least-once; writes are idempotent)
            log.warning("commit failed after a rebalance; records will be delivered again",
                        extra={"group": self.group, "error": repr(exc)})
            return
        self._committed.update({tp: m.offset for tp, m in offsets.items()})

    def lag(self) -> int:
        """Records of the subscribed topics not yet committed by the group (all partitions)."""
        partitions = [TopicPartition(t, p) for t in self.topics for p in sorted(self._consumer.partitions_for_topic(t) or ())]
        if not partitions:
            return 0
        ends = self._offsets_client().end_offsets(partitions, timeout_ms=10_000)
        starts = self._offsets_client().beginning_offsets(partitions, timeout_ms=10_000)
        total = 0
        for tp in partitions:
            committed = self._consumer.committed(tp, timeout_ms=10_000)
            if committed is None:
                committed = starts[tp] if self.from_beginning else ends[tp]
            total += max(0, ends[tp] - max(committed, starts[tp]))
        return total

    def close(self) -> None:
        """Leave the group without committing: uncommitted records go to the next member."""
        try:
            self._consumer.close(autocommit=False, timeout_ms=10_000)
        finally:
            if self._offsets is not None:
                self._offsets.close(autocommit=False)
                self._offsets = None
