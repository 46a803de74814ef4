"""Faults on a real Kafka broker: a worker killed mid-batch, the broker restarted mid-run.

Every article must still be indexed exactly once: nothing lost, nothing doubled. Each test has
its own topic prefix (so its own consumer groups) and data dir, so runs can share a broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cli_support import CLI, Service, free_port, run_three_services
from newsflow.core.bus import open_bus
from newsflow.core.config import Settings
from newsflow.core.contracts import SCHEMA_VERSION, Article, article_id, content_hash
from demo import ORIGINALS, SampleSite

pytestmark = pytest.mark.filterwarnings("ignore:read_text is deprecated:DeprecationWarning")

REPO = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO / "deploy" / "local" / "kafka.sh"


def corpus(n: int, tag: str) -> list[Article]:
    """``n`` distinct articles (the sample site's texts under new URLs), ~6 KB of JSON each."""
    out = []
    for i in range(n):
        a = ORIGINALS[i % len(ORIGINALS)]
        url = f"https://faults.example/{tag}/{i}/{a.slug}"
        out.append(Article(id=article_id(url), url=url, canonical_url=url, source="faults.example",
                           title=f"{a.title} ({i})", text=a.text, content_hash=content_hash(f"{i}{a.text}")))
    return out


def publish(settings: Settings, articles: list[Article]) -> None:
    """Put articles on the articles topic as ingest would (a backlog waiting for enrich)."""
    bus = open_bus(settings)
    try:
        bus.publish_many(settings.topic(settings.topic_articles), [(a.id, a.to_json()) for a in articles],
                         {"schema_version": str(SCHEMA_VERSION), "producer": "test"})
        bus.flush()
    finally:
        bus.close()


def stage_counters(port: int) -> dict[str, float]:
    """records_in / records_out of a service, from its /metrics."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    out = {"in": 0.0, "out": 0.0}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "newsflow_records_in_total":
                out["in"] += sample.value
            elif sample.name == "newsflow_records_out_total":
                out["out"] += sample.value
    return out


def wait_for(what: str, check, timeout: float, procs: dict[str, Service], step: float = 0.2):
    """Call ``check()`` until it returns something truthy; fail if a service exits meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited {proc.returncode} while waiting for {what}: {proc.stderr_text()}")
        try:
            result = check()
        except (httpx.HTTPError, OSError):
            result = None  # a service not listening yet
        if result:
            return result
        if time.monotonic() >= deadline:
            logs = "\n".join(f"--- {name}, last lines:\n{proc.stderr_text(tail=3000)}" for name, proc in procs.items())
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")
        time.sleep(step)


def stop_all(procs: dict[str, Service]) -> dict[str, tuple[int, str]]:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    return {name: (proc.wait(timeout=60), proc.communicate(timeout=60)[1]) for name, proc in procs.items()}


@pytest.fixture
def settings_and_cli(kafka_bootstrap, tmp_path):
    """Settings and the CLI for one deployment: Kafka with a prefix of its own, embedded index."""
    prefix = f"faults-{uuid.uuid4().hex[:10]}."
    settings = Settings(bus="kafka", kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix, kafka_partitions=4)
    cli = CLI(tmp_path / "data")
    cli.env.update({"NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_BOOTSTRAP": kafka_bootstrap,
                    "NEWSFLOW_TOPIC_PREFIX": prefix, "NEWSFLOW_KAFKA_PARTITIONS": "4",
                    "NEWSFLOW_INDEX": "embedded", "NEWSFLOW_POLL_INTERVAL": "1",
                    # small batches: many poll/commit cycles, so a kill lands between them
                    "NEWSFLOW_ENRICH_BATCH_SIZE": "8"})
    return settings, cli


def assert_indexed_exactly_once(cli: CLI, articles: list[Article], extra: int = 0) -> None:
    found = cli("search", "--json", "--limit", str(len(articles) + extra + 10)).stdout
    import json

    hits = json.loads(found)
    ids = [h["id"] for h in hits["hits"]]
    assert hits["total"] == len(articles) + extra
    assert len(ids) == len(set(ids)), "an article is in the index twice"
    assert {a.id for a in articles} <= set(ids), "an article is missing from the index"


def group_members(settings: Settings, group: str) -> list[dict]:
    """Members of a consumer group that hold partitions (the group is namespaced by the prefix)."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="newsflow-tests-faults")
    try:
        desc = admin.describe_groups([settings.topic(group)])[settings.topic(group)]
    except KafkaError:
        return []  # e.g. no coordinator yet: the group has not been formed
    finally:
        admin.close()
    if desc.get("group_state", desc.get("state")) != "Stable":
        return []
    return [m for m in desc["members"] if m.get("member_assignment")]


def test_two_enrich_workers_share_the_partitions_and_a_kill_9_mid_batch_loses_and_doubles_nothing(settings_and_cli):
    settings, cli = settings_and_cli
    articles = corpus(96, uuid.uuid4().hex[:6])
    ports = {name: free_port() for name in ("enrich-a", "enrich-b", "index")}
    procs = {
        "index": cli.popen("index", "--port", str(ports["index"])),
        "enrich-a": cli.popen("enrich", "--port", str(ports["enrich-a"])),
        "enrich-b": cli.popen("enrich", "--port", str(ports["enrich-b"])),
    }
    try:
        members = wait_for("both enrich workers to hold partitions",
                           lambda: len(m := group_members(settings, "enrich")) == 2 and m, 90, procs, step=0.5)
        assert len(members) == 2
        publish(settings, articles)

        # mid-batch: worker A has committed a batch and polled the next one, not committed yet
        def a_mid_batch():
            c = stage_counters(ports["enrich-a"])
            return c if c["out"] > 0 and c["in"] > c["out"] else None

        a_at_kill = wait_for("enrich-a to be inside a batch", a_mid_batch, 120, procs, step=0.02)
        victim = procs.pop("enrich-a")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        assert victim.returncode == -signal.SIGKILL

        wait_for("every article to be indexed", lambda: cli.search()["total"] >= len(articles), 180, procs, step=0.5)
        b = stage_counters(ports["enrich-b"])
    finally:
        outcome = stop_all(procs)
    assert all(code == 0 for code, _ in outcome.values()), outcome
    assert b["in"] > 0, "the second worker must have had partitions of its own"
    # the records A held uncommitted at the kill went to B: together they consumed more than the corpus
    assert a_at_kill["in"] + b["in"] > len(articles), (a_at_kill, b)
    assert_indexed_exactly_once(cli, articles)


# --- the broker stopped and started again mid-run -------------------------------------------

class Broker:
    """The broker under test, controlled with deploy/local/kafka.sh and the env it was started with."""

    def __init__(self, port: str):
        self.env = {**os.environ, "KAFKA_PORT": port}  # NEWSFLOW_KAFKA_DIR passes through as is

    def run(self, action: str) -> None:
        proc = subprocess.run(["bash", str(KAFKA_SH), action], env=self.env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"kafka.sh {action} failed:\n{proc.stdout}\n{proc.stderr}"


@pytest.fixture
def own_broker(kafka_bootstrap):
    """The broker at NEWSFLOW_KAFKA_BOOTSTRAP, if our kafka.sh started it (so it can restart it).

    It is left running after the test, whatever happens in it.
    """
    port = kafka_bootstrap.split(",")[0].rsplit(":", 1)[1]
    kafka_dir = Path(os.environ.get("NEWSFLOW_KAFKA_DIR") or REPO / ".cache" / "kafka")
    pidfile, conf = kafka_dir / "kafka.pid", kafka_dir / "server.properties"
    if not pidfile.is_file() or f"PLAINTEXT://127.0.0.1:{port}" not in conf.read_text(errors="replace"):
        msg = (f"the broker at {kafka_bootstrap} was not started by deploy/local/kafka.sh from {kafka_dir} "
               f"(no {pidfile.name} there, or another port): this test stops and restarts the broker, so it "
               "needs one it controls; set NEWSFLOW_KAFKA_DIR to the directory the broker was started with")
        if os.environ.get("NEWSFLOW_REQUIRE_SERVICES") == "1":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    broker = Broker(port)
    try:
        yield broker
    finally:
        broker.run("start")  # "already running" when it is up; later tests need it


def test_broker_stopped_and_restarted_mid_run_the_services_resume_and_lose_nothing(settings_and_cli, own_broker):
    settings, cli = settings_and_cli
    backlog = corpus(80, uuid.uuid4().hex[:6])
    publish(settings, backlog)  # work in hand when the broker goes away
    restarts = []

    def restart_once(indexed: int) -> None:
        if restarts or indexed == 0:
            return
        restarts.append(indexed)
        own_broker.run("stop")
        time.sleep(3)  # long enough for every client to see its connections fail
        own_broker.run("start")

    with SampleSite() as site:
        outcome = run_three_services(cli, site, expected=len(backlog) + len(ORIGINALS), timeout=300,
                                     on_progress=restart_once)
    assert restarts and restarts[0] < len(backlog) + len(ORIGINALS), "the broker must restart mid-run"
    assert outcome["returncodes"] == {"ingest": 0, "enrich": 0, "index": 0}, outcome["stderr"]
    assert all(h["status"] == "ok" for h in outcome["health"].values()), outcome["health"]
    assert_indexed_exactly_once(cli, backlog, extra=len(ORIGINALS))  # the site's ten came through ingest

