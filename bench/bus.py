"""Kafka bus throughput against raw kafka-python, measured side by side on the real broker.

    NEWSFLOW_KAFKA_BOOTSTRAP=127.0.0.1:9092 .venv/bin/python bench/bus.py [--records 20000]
        [--sweep] [--e2e-articles 200]

Baseline: ``KafkaProducer``/``KafkaConsumer`` with the options our bus uses (acks=all,
idempotence, the same compression, linger and batch size; a consumer group with manual commits
and the same fetch sizes) on the same records: generated article JSON of ~6 KB each (words drawn
from the sample site's articles, so it compresses like news text, not like repeated copies).
Ours: ``Bus.publish_many`` + ``flush``, and a ``Bus.consumer`` polling and committing batches.
Target: ours >= 0.8x raw both ways.

``--sweep`` measures raw kafka-python over producer batching (compression, linger_ms,
batch_size) and consumer fetching (max_poll_records, max_partition_fetch_bytes) and prints the
tables the defaults in newsflow/core/config.py were chosen from.

End to end: ``newsflow enrich`` and ``newsflow index`` as separate services over Kafka (embedded
index) work off a backlog of ``--e2e-articles`` articles on news.articles; the rate is
articles/s from the first publish until the index service has written the last one.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import KafkaConsumer, KafkaProducer

from newsflow.core.bus.kafka import KafkaBus, client_config, consumer_config, producer_config
from newsflow.core.config import load_settings
from newsflow.core.contracts import SCHEMA_VERSION, Article, article_id, content_hash
from demo import ORIGINALS

#: topics this run created, deleted at the end (the broker may be shared)
CREATED: list[str] = []

HEADERS = {"schema_version": str(SCHEMA_VERSION), "producer": "bench"}
RAW_HEADERS = [(k, v.encode()) for k, v in HEADERS.items()]


def records(n: int, text_chars: int = 5600, seed: int = 7) -> list[tuple[str, bytes]]:
    """``n`` distinct article records (key = id, value = Article JSON of ~6 KB)."""
    words = " ".join(a.text for a in ORIGINALS).split()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text, size = [], 0
        while size < text_chars:
            w = rng.choice(words)
            text.append(w)
            size += len(w) + 1
        body = " ".join(text)
        url = f"https://bench.example/{i}"
        a = Article(id=article_id(url), url=url, canonical_url=url, source="bench.example",
                    title=" ".join(rng.choice(words) for _ in range(8)), text=body, content_hash=content_hash(body))
        out.append((a.id, a.to_json()))
    return out


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


# --- raw kafka-python ------------------------------------------------------------------------

def raw_produce(settings, topic: str, recs: list[tuple[str, bytes]], **overrides) -> float:
    producer = KafkaProducer(**{**producer_config(settings), **overrides})
    try:
        producer.partitions_for(topic)  # metadata first, as our bus does when it creates the topic
        t = time.perf_counter()
        futures = [producer.send(topic, key=k.encode(), value=v, headers=RAW_HEADERS) for k, v in recs]
        producer.flush()
        elapsed = time.perf_counter() - t
        for f in futures:
            f.get(0)  # raises if any record failed
    finally:
        producer.close()
    return elapsed


def raw_consume(settings, topic: str, n: int, batch: int, **overrides) -> float:
    consumer = KafkaConsumer(**client_config(settings), **{**consumer_config(settings), **overrides},
                             group_id=f"bench-raw-{uuid.uuid4().hex[:8]}", enable_auto_commit=False,
                             auto_offset_reset="earliest")
    try:
        consumer.subscribe([topic])
        got = 0
        while not consumer.assignment():  # the group join, outside the timing (as ours: see below)
            got += sum(len(v) for v in consumer.poll(timeout_ms=50, max_records=1).values())
        t = time.perf_counter()
        while got < n:
            polled = consumer.poll(timeout_ms=1000, max_records=batch)
            got += sum(len(v) for v in polled.values())
            if polled:
                consumer.commit()
        return time.perf_counter() - t
    finally:
        consumer.close(autocommit=False)


# --- ours ------------------------------------------------------------------------------------

def ours_produce(bus: KafkaBus, topic: str, recs: list[tuple[str, bytes]], chunk: int) -> float:
    bus.ensure_topics([topic])
    bus._get_producer().partitions_for(topic)  # connect before timing, as raw does
    t = time.perf_counter()
    for i in range(0, len(recs), chunk):  # as stages publish: one batch per publish_many
        bus.publish_many(topic, recs[i:i + chunk], HEADERS)
    bus.flush()
    return time.perf_counter() - t


def ours_consume(bus: KafkaBus, topic: str, n: int, batch: int) -> float:
    consumer = bus.consumer(f"bench-ours-{uuid.uuid4().hex[:8]}", [topic])
    try:
        first = consumer.poll(1)  # joins the group (untimed, as raw); its record counts
        got = len(first)
        consumer.commit()
        t = time.perf_counter()
        while got < n:
            msgs = consumer.poll(batch, timeout=1.0)
            got += len(msgs)
            consumer.commit()
        return time.perf_counter() - t
    finally:
        consumer.close()


def side_by_side(settings, recs, batch: int, runs: int) -> None:
    bus = KafkaBus(settings)
    n = len(recs)
    best = {"raw_p": [], "ours_p": [], "raw_c": [], "ours_c": []}
    try:
        for run in range(runs):
            t_raw, t_ours = settings.topic(f"bench-raw-{uuid.uuid4().hex[:8]}"), settings.topic(f"bench-ours-{uuid.uuid4().hex[:8]}")
            bus.ensure_topics([t_raw, t_ours])
            CREATED.extend([t_raw, t_ours])
            steps = [("raw_p", lambda: raw_produce(settings, t_raw, recs)),
                     ("ours_p", lambda: ours_produce(bus, t_ours, recs, batch))]
            for name, step in steps[::-1] if run % 2 else steps:  # alternate who goes first (warm caches)
                best[name].append(step())
            steps = [("raw_c", lambda: raw_consume(settings, t_raw, n, batch)),
                     ("ours_c", lambda: ours_consume(bus, t_ours, n, batch))]
            for name, step in steps[::-1] if run % 2 else steps:
                best[name].append(step())
    finally:
        bus.close()
    t = {k: min(v) for k, v in best.items()}
    size = sum(len(v) for _, v in recs) / n
    print(f"{n} records of {size / 1024:.1f} KB, {settings.kafka_partitions} partitions, compression "
          f"{settings.kafka_compression}, linger_ms {settings.kafka_linger_ms}, batch_size {settings.kafka_batch_bytes}, "
          f"max_poll_records {settings.kafka_max_poll_records}, batches of {batch}, best of {runs}")
    print(f"produce  raw kafka-python : {rate(n, t['raw_p']):8.0f} records/s")
    print(f"produce  newsflow Bus     : {rate(n, t['ours_p']):8.0f} records/s")
    print(f"consume  raw kafka-python : {rate(n, t['raw_c']):8.0f} records/s (group, manual commit per poll)")
    print(f"consume  newsflow Bus     : {rate(n, t['ours_c']):8.0f} records/s")
    print(f"ratio produce             : {t['raw_p'] / t['ours_p']:8.2f} of raw")
    print(f"ratio consume             : {t['raw_c'] / t['ours_c']:8.2f} of raw")


def sweep(settings, recs, batch: int) -> None:
    from newsflow.core.bus.kafka import KafkaBus as _Bus

    admin_bus = _Bus(settings)
    n = len(recs)
    try:
        print(f"\nproducer sweep (raw kafka-python, acks=all, idempotent; {n} records, records/s):")
        print(f"{'compression':>11} {'linger_ms':>9} {'batch_size':>10} {'records/s':>10} {'MB/s':>6}")
        mb = sum(len(v) for _, v in recs) / 1e6
        produced = {}
        for compression in ("lz4", "zstd"):
            for linger in (5, 20, 50):
                for batch_size in (64 * 1024, 256 * 1024, 1024 * 1024):
                    topic = settings.topic(f"bench-sweep-{uuid.uuid4().hex[:8]}")
                    admin_bus.ensure_topics([topic])
                    CREATED.append(topic)
                    secs = raw_produce(settings, topic, recs, compression_type=compression, linger_ms=linger,
                                       batch_size=batch_size)
                    produced.setdefault(compression, topic)
                    print(f"{compression:>11} {linger:>9} {batch_size:>10} {rate(n, secs):>10.0f} {mb / secs:>6.1f}", flush=True)
        print(f"\nconsumer sweep (raw kafka-python group, commit per poll; {n} records, records/s):")
        print(f"{'compression':>11} {'max_poll_records':>16} {'partition_fetch':>15} {'records/s':>10}")
        for compression, topic in produced.items():
            for max_poll in (100, 500, 2000):
                for fetch in (1024 * 1024, 4 * 1024 * 1024):
                    secs = raw_consume(settings, topic, n, max(batch, max_poll), max_poll_records=max_poll,
                                       max_partition_fetch_bytes=fetch)
                    print(f"{compression:>11} {max_poll:>16} {fetch:>15} {rate(n, secs):>10.0f}", flush=True)
    finally:
        admin_bus.close()


# --- end to end ------------------------------------------------------------------------------

def end_to_end(settings, n: int) -> None:
    """enrich + index services over Kafka working off a backlog of ``n`` articles."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_enrich import corpus  # articles with ids never used before
    from texts import generated  # distinct article texts: spaCy's cost depends on them

    articles = corpus([(title, text) for title, text, _ in generated(n)])
    prefix = f"bench-e2e-{uuid.uuid4().hex[:8]}."
    CREATED.extend(prefix + t for t in (settings.topic_articles, settings.topic_enriched, settings.topic_deadletter))
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as data:
        env = {**os.environ, "NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
               "NEWSFLOW_TOPIC_PREFIX": prefix, "NEWSFLOW_INDEX": "embedded", "NEWSFLOW_DATA_DIR": data,
               "NEWSFLOW_LOG_LEVEL": "WARNING"}
        port = _free_port()
        procs = [subprocess.Popen([sys.executable, "-m", "newsflow.cli", "enrich"], env=env),
                 subprocess.Popen([sys.executable, "-m", "newsflow.cli", "index", "--port", str(port)], env=env)]
        try:
            # warm up: the services are up and enrich has loaded spaCy before the clock starts
            bus = KafkaBus(settings.model_copy(update={"topic_prefix": prefix}))
            topic = bus.settings.topic(bus.settings.topic_articles)
            bus.publish_many(topic, [(articles[0].id, articles[0].to_json())], HEADERS)
            bus.flush()
            _wait_indexed(port, 1, procs, timeout=300)
            t = time.perf_counter()
            bus.publish_many(topic, [(a.id, a.to_json()) for a in articles[1:]], HEADERS)
            bus.flush()
            bus.close()
            _wait_indexed(port, n, procs, timeout=3600)
            secs = time.perf_counter() - t
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=60)
    print(f"end to end: enrich + index services over Kafka, {n - 1} articles: {rate(n - 1, secs):.1f} articles/s")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_indexed(port: int, n: int, procs, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise SystemExit("a service exited during the end-to-end run")
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        except httpx.HTTPError:
            text = ""
        for line in text.splitlines():
            if line.startswith('newsflow_records_out_total{stage="index"}') and float(line.split()[-1]) >= n:
                return
        time.sleep(0.1)
    raise SystemExit(f"the index service did not write {n} articles within {timeout:.0f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=500, help="records per publish_many and per poll")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--sweep", action="store_true", help="also print the batching/fetching tables")
    parser.add_argument("--e2e-articles", type=int, default=200, help="0 to skip the end-to-end run")
    args = parser.parse_args()

    settings = load_settings(bus="kafka")
    print(f"broker {settings.kafka_bootstrap}")
    recs = records(args.records)
    try:
        side_by_side(settings, recs, args.batch, args.runs)
        if args.sweep:
            sweep(settings, recs, args.batch)
        if args.e2e_articles:
            end_to_end(settings, max(2, args.e2e_articles))
    finally:
        _delete_topics(settings)


def _delete_topics(settings) -> None:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    if not CREATED:
        return
    admin = KafkaAdminClient(**client_config(settings), client_id="newsflow-bench")
    try:
        existing = set(admin.list_topics())
        admin.delete_topics([t for t in CREATED if t in existing], timeout_ms=30_000)
    except KafkaError as exc:
        print(f"could not delete the benchmark's topics: {exc!r}", file=sys.stderr)
    finally:
        admin.close()


if __name__ == "__main__":
    main()
