"""The Kafka bus takes its connection, security and producer options from the settings (no broker needed)."""

from __future__ import annotations

from newsflow.bus import open_bus
from newsflow.bus.kafka import KafkaBus, client_config, producer_config
from newsflow.config import Settings


def test_open_bus_returns_the_kafka_bus_without_connecting():
    bus = open_bus(Settings(bus="kafka", kafka_bootstrap="127.0.0.1:1"))  # nothing listens there
    assert isinstance(bus, KafkaBus)
    bus.flush()  # nothing was published: no producer, no connection
    bus.close()


def test_plaintext_by_default_with_every_bootstrap_server():
    cfg = client_config(Settings(kafka_bootstrap="a:9092, b:9092"))
    assert cfg == {"bootstrap_servers": ["a:9092", "b:9092"], "security_protocol": "PLAINTEXT"}


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
