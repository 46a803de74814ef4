"""The Kafka bus takes its connection, security and producer options from the settings (no broker needed)."""

from __future__ import annotations

from newsflow.core.bus import open_bus
from newsflow.core.bus.kafka import KafkaBus, client_config, producer_config
from newsflow.core.config import Settings


def test_open_bus_returns_the_kafka_bus_without_connecting():
    bus = open_bus(Settings(bus="kafka", kafka_bootstrap="127.0.0.1:1"))  # nothing listens there
    assert isinstance(bus, KafkaBus)
    bus.flush()  # nothing was published: no producer, no connection
    bus.close()


def test_plaintext_by_default_with_every_bootstrap_server():
    cfg = client_config(Settings(kafka_bootstrap="a:9092, b:9092"))
    assert cfg == {"bootstrap_servers": ["a:9092", "b:9092"], "security_protocol": "PLAINTEXT",
                   "bootstrap_timeout_ms": 30_000}


def test_sasl_and_tls_options_reach_the_clients():
    s = Settings(kafka_bootstrap="k:9093", kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="SCRAM-SHA-512",
                 kafka_sasl_username="u", kafka_sasl_password="p", kafka_ssl_cafile="/etc/ca.pem")
    cfg = client_config(s)
    assert cfg["security_protocol"] == "SASL_SSL"
    assert cfg["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (cfg["sasl_plain_username"], cfg["sasl_plain_password"]) == ("u", "p")
    assert cfg["ssl_cafile"] == "/etc/ca.pem"
    assert producer_config(s)["security_protocol"] == "SASL_SSL"


def test_the_producer_is_durable_and_compressed_as_configured():
    cfg = producer_config(Settings())
    assert cfg["acks"] == "all" and cfg["enable_idempotence"] is True
    assert cfg["compression_type"] == "zstd"
    assert producer_config(Settings(kafka_compression="lz4"))["compression_type"] == "lz4"
    assert producer_config(Settings(kafka_compression="none"))["compression_type"] is None


def test_the_sasl_password_is_a_secret_in_the_settings_and_plain_only_for_the_client():
    s = Settings(kafka_sasl_mechanism="PLAIN", kafka_sasl_username="u", kafka_sasl_password="hunter2")
    assert "hunter2" not in repr(s) and "hunter2" not in str(s.model_dump())
    assert client_config(s)["sasl_plain_password"] == "hunter2"


def test_a_broker_that_does_not_answer_is_named_in_a_clear_error():
    from newsflow.core.bus.kafka_diagnose import diagnose

    s = Settings(kafka_bootstrap="127.0.0.1:1", kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="PLAIN",
                 kafka_sasl_username="u", kafka_sasl_password="hunter2")
    message = diagnose(s, TimeoutError("Unable to bootstrap"))
    assert message.startswith("cannot connect to Kafka at 127.0.0.1:1 (SASL_SSL, SASL PLAIN as user 'u')")
    assert "hunter2" not in message
