"""A test whose service is missing skips on a laptop and fails under CI (tests/service_checks.py)."""

from __future__ import annotations

import pytest

from service_checks import skip_or_fail


def test_without_the_ci_switch_a_missing_service_skips_the_test(monkeypatch):
    monkeypatch.delenv("NEWSFLOW_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^Kafka is not answering$"):
        skip_or_fail("Kafka is not answering")


@pytest.mark.parametrize("value", ["0", "", "yes"])
def test_only_the_value_1_makes_it_an_error(monkeypatch, value):
    monkeypatch.setenv("NEWSFLOW_REQUIRE_SERVICES", value)
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail("Kafka is not answering")


def test_under_ci_a_missing_service_fails_the_test_and_says_why(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match=r"^Kafka is not answering \(NEWSFLOW_REQUIRE_SERVICES=1, so this is an error"):
        skip_or_fail("Kafka is not answering")
