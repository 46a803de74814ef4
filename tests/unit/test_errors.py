"""The error layer turns what an operator can fix into one line and an exit status, and nothing else."""

from __future__ import annotations

import pytest
from elastic_transport import ConnectionError as ESConnectionError
from kafka import errors as kerr

from newsflow.core.bus.kafka import KafkaConnectError
from newsflow.core.config import ConfigError, load_settings
from newsflow.core.errors import RUNTIME, USAGE, UsageFailure, backend_error_types, describe, explain, unavailable_reason


@pytest.fixture
def settings():
    return load_settings(kafka_bootstrap="broker:9092", es_url="http://search:9200")


def test_describe_does_not_double_the_prefix_kafka_errors_carry():
    exc = KafkaConnectError("cannot connect to Kafka at broker:9092 (PLAINTEXT): refused")
    assert str(exc).startswith("KafkaConnectError:")
    assert describe(exc) == "KafkaConnectError: cannot connect to Kafka at broker:9092 (PLAINTEXT): refused"
    assert describe(ValueError("plain")) == "ValueError: plain"


def test_configuration_and_usage_problems_exit_2_with_their_message():
    assert explain(ConfigError("NEWSFLOW_BUS 'x': bad")).status == USAGE
    assert explain(UsageFailure("data dir /x does not exist")).message == "data dir /x does not exist"


def test_kafka_out_of_reach_names_the_setting_once(settings):
    found = explain(KafkaConnectError("cannot connect to Kafka at broker:9092 (PLAINTEXT): [Errno 111] Connection refused"),
                    settings)
    assert found.status == RUNTIME and "NEWSFLOW_KAFKA_BOOTSTRAP" in found.message
    assert "KafkaConnectError" not in found.message
    timeout = explain(kerr.KafkaTimeoutError("Unable to bootstrap from ['broker:9092']"), settings)
    assert "cannot reach Kafka at broker:9092" in timeout.message and "NEWSFLOW_KAFKA_BOOTSTRAP" in timeout.message


def test_elasticsearch_out_of_reach_names_the_url_and_the_setting_even_when_wrapped(settings):
    # as the transport raises it: the socket error is in ``errors``
    cause = ESConnectionError("Connection error", errors=(ConnectionRefusedError(111, "Connection refused"),))
    try:
        try:
            raise cause
        except ESConnectionError as inner:
            raise RuntimeError("search failed") from inner
    except RuntimeError as wrapped:
        found = explain(wrapped, settings)
    assert found.status == RUNTIME
    assert found.message == ("cannot connect to Elasticsearch at http://search:9200: [Errno 111] Connection refused; "
                             "check NEWSFLOW_ES_URL and that Elasticsearch runs")
    assert unavailable_reason(cause, settings) == found.message


def test_a_bug_is_not_explained_away():
    assert explain(KeyError("x")) is None
    assert unavailable_reason(ZeroDivisionError()) is None


def test_the_backend_base_classes_of_the_loaded_clients_are_offered_to_web_handlers():
    names = {cls.__name__ for cls in backend_error_types()}
    assert {"TransportError", "KafkaError"} <= names
