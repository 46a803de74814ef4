"""Integration tests against real Kafka and Elasticsearch nodes.

The nodes are started outside the tests (``make services-up``, i.e. deploy/local/services.sh up);
these fixtures only check that they answer. When a service does not answer, its tests are
skipped, or fail when NEWSFLOW_REQUIRE_SERVICES=1 (CI sets it, so a broken node cannot turn into a
green run of skipped tests).
"""

from __future__ import annotations

import os

import pytest

from service_checks import skip_or_fail

KAFKA_BOOTSTRAP = os.environ.get("NEWSFLOW_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
ES_URL = os.environ.get("NEWSFLOW_ES_URL", "http://127.0.0.1:9200")


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here + os.sep):
            item.add_marker(pytest.mark.integration)


def _unavailable(what: str, where: str, why: str):
    skip_or_fail(f"{what} is not answering at {where} ({why}). "
                 "Start the local services with `make services-up` (deploy/local/services.sh up).")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """host:port of a Kafka broker that answered a metadata request."""
    try:
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaConfigurationError, KafkaError
    except ImportError as exc:  # pragma: no cover - missing test dependency
        pytest.fail(f"kafka-python is not installed: {exc}", pytrace=False)
    try:
        admin = KafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP, client_id="newsflow-tests-probe",
                                 request_timeout_ms=5000, bootstrap_timeout_ms=5000)
        try:
            admin.list_topics()
        finally:
            admin.close()
    except KafkaConfigurationError:
        raise  # our bug, not a missing broker
    except (KafkaError, OSError) as exc:
        _unavailable("Kafka", KAFKA_BOOTSTRAP, f"{type(exc).__name__}: {exc}")
    return KAFKA_BOOTSTRAP


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    """URL of an Elasticsearch node whose cluster is at least yellow."""
    try:
        from elasticsearch import Elasticsearch
        from elasticsearch import exceptions as es_exc
        from elastic_transport import TransportError
    except ImportError as exc:  # pragma: no cover - missing test dependency
        pytest.fail(f"elasticsearch is not installed: {exc}", pytrace=False)
    # client.ping() is False on the integ-test distribution (GET / answers 405): use health
    client = Elasticsearch(ES_URL, request_timeout=10, max_retries=0)
    try:
        health = client.cluster.health(wait_for_status="yellow", timeout="5s")
    except (TransportError, es_exc.ApiError) as exc:
        _unavailable("Elasticsearch", ES_URL, f"{type(exc).__name__}: {exc}")
    finally:
        client.close()
    if health.get("timed_out") or health.get("status") not in ("yellow", "green"):
        _unavailable("Elasticsearch", ES_URL, f"cluster status {health.get('status')!r}")
    return ES_URL
