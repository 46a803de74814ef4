"""The Kafka bus over SASL/PLAIN on TLS, against a secured broker started for these tests.

deploy/local/kafka.sh starts it with KAFKA_SECURITY=sasl_ssl on spare ports and a directory of its
own (CA and broker certificate made with openssl, a random password), and stops it at the end.
Needs java, mvn and openssl: skipped without them, a failure under NEWSFLOW_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from cli_support import CLI, free_port
from newsflow.core.bus import open_bus
from newsflow.core.bus.kafka import KafkaConnectError
from newsflow.core.config import Settings

pytestmark = pytest.mark.filterwarnings("ignore:read_text is deprecated:DeprecationWarning")

KAFKA_SH = Path(__file__).resolve().parents[2] / "deploy" / "local" / "kafka.sh"
USER = "newsflow-test"


def _cannot(msg: str):
    if os.environ.get("NEWSFLOW_REQUIRE_SERVICES") == "1":
        pytest.fail(msg + " (NEWSFLOW_REQUIRE_SERVICES=1: an error, not a skip)", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def secured_broker(tmp_path_factory):
    """(bootstrap, CA file, password) of a SASL_SSL broker that lives as long as this module."""
    missing = [tool for tool in ("java", "mvn", "openssl") if shutil.which(tool) is None]
    if missing:
        _cannot(f"a secured Kafka broker needs {', '.join(missing)} on PATH")
    kafka_dir = tmp_path_factory.mktemp("kafka-secured")
    password = secrets.token_hex(12)
    port = free_port()
    env = {**os.environ, "KAFKA_SECURITY": "sasl_ssl", "KAFKA_PORT": str(port), "KAFKA_CONTROLLER_PORT": str(free_port()),
           "NEWSFLOW_KAFKA_DIR": str(kafka_dir), "KAFKA_SASL_USERNAME": USER, "KAFKA_SASL_PASSWORD": password,
           "KAFKA_HEAP_OPTS": "-Xms128m -Xmx384m"}
    start = subprocess.run(["bash", str(KAFKA_SH), "start"], env=env, capture_output=True, text=True, timeout=300)
    try:
        if start.returncode != 0:
            _cannot(f"the secured broker did not start:\n{start.stdout}\n{start.stderr}")
        assert password not in start.stdout + start.stderr, "kafka.sh printed the password"
        yield f"127.0.0.1:{port}", str(kafka_dir / "tls" / "ca.pem"), password, kafka_dir
    finally:
        subprocess.run(["bash", str(KAFKA_SH), "stop"], env=env, capture_output=True, text=True, timeout=120)


def secured_settings(secured_broker, **overrides) -> Settings:
    bootstrap, cafile, password, _ = secured_broker
    values = dict(bus="kafka", kafka_bootstrap=bootstrap, topic_prefix=f"sec-{uuid.uuid4().hex[:8]}.",
                  kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="PLAIN", kafka_sasl_username=USER,
                  kafka_sasl_password=password, kafka_ssl_cafile=cafile, kafka_partitions=2)
    return Settings(**{**values, **overrides})


def test_records_round_trip_over_sasl_ssl_with_our_settings(secured_broker):
    settings = secured_settings(secured_broker)
    bus = open_bus(settings)
    topic = settings.topic("news.articles")
    try:
        bus.publish_many(topic, [(f"k{i}", f"v{i}".encode()) for i in range(20)], {"producer": "test"})
        bus.flush()
        consumer = bus.consumer("g", [topic])
        got = []
        while batch := consumer.poll(50):
            got.extend(batch)
        consumer.commit()
        assert consumer.lag() == 0
        consumer.close()
    finally:
        bus.close()
    assert sorted(m.value for m in got) == sorted(f"v{i}".encode() for i in range(20))
    assert all(m.headers == {"producer": "test"} for m in got)


def test_the_plaintext_port_is_closed_to_clients_without_tls(secured_broker):
    settings = secured_settings(secured_broker, kafka_security_protocol="PLAINTEXT", kafka_sasl_mechanism=None,
                                kafka_sasl_username=None, kafka_sasl_password=None, kafka_ssl_cafile=None,
                                kafka_connect_timeout=5)
    with pytest.raises(KafkaConnectError, match="Kafka at 127.0.0.1"):
        open_bus(settings).ensure_topics([settings.topic("t")])


def test_a_wrong_password_gives_a_clear_error_that_does_not_show_any_password(secured_broker):
    wrong = "not-the-" + secrets.token_hex(6)
    settings = secured_settings(secured_broker, kafka_sasl_password=wrong, kafka_connect_timeout=5)
    bus = open_bus(settings)
    with pytest.raises(KafkaConnectError) as err:
        bus.ensure_topics([settings.topic("t")])
    message = str(err.value)
    assert "refused the login" in message and "Invalid username or password" in message
    assert f"user {USER!r}" in message and "SASL_SSL" in message
    assert wrong not in message and secured_broker[2] not in message


def test_an_untrusted_certificate_is_named_as_such(secured_broker):
    # the system store does not know our CA
    settings = secured_settings(secured_broker, kafka_ssl_cafile=None, kafka_connect_timeout=5)
    with pytest.raises(KafkaConnectError, match="TLS .* failed .*certificate"):
        open_bus(settings).ensure_topics([settings.topic("t")])


def test_the_cli_reads_a_topic_over_sasl_ssl_and_never_logs_the_password(secured_broker, tmp_path):
    settings = secured_settings(secured_broker)
    bus = open_bus(settings)
    bus.publish(settings.topic("news.articles"), "k", b'{"hello": "secured"}')
    bus.close()
    bootstrap, cafile, password, kafka_dir = secured_broker
    cli = CLI(tmp_path / "data")
    cli.env.update({"NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_BOOTSTRAP": bootstrap, "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix,
                    "NEWSFLOW_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "NEWSFLOW_KAFKA_SASL_MECHANISM": "PLAIN",
                    "NEWSFLOW_KAFKA_SASL_USERNAME": USER, "NEWSFLOW_KAFKA_SASL_PASSWORD": password,
                    "NEWSFLOW_KAFKA_SSL_CAFILE": cafile, "NEWSFLOW_LOG_LEVEL": "DEBUG"})
    out = cli("topic", "read", "news.articles", "--from-beginning", "--until-idle", "--idle", "1", "--json")
    assert "secured" in out.stdout
    assert password not in out.stdout + out.stderr
    # nor does the broker's own log (Kafka prints password settings as [hidden])
    assert all(password not in p.read_text(errors="replace") for p in (kafka_dir / "logs").glob("*"))
