"""deploy/ ships a Grafana dashboard and Prometheus alert rules; both query only metrics newsflow exports."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry

from index.embedded import EmbeddedIndex
from newsflow.core.config import load_settings
from newsflow.core.metrics import StageMetrics
from newsflow.web.app import create_app

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULES = DEPLOY / "prometheus" / "newsflow-rules.yml"
DASHBOARD = DEPLOY / "grafana" / "newsflow.json"
METRIC = re.compile(r"\bnewsflow_[a-z0-9_]+")
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created"), "gauge": ("",)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> set[str]:
    """Every series name the stages (StageMetrics) and `newsflow serve` (its app registry) expose."""
    web = CollectorRegistry()
    index = EmbeddedIndex(tmp_path_factory.mktemp("idx") / "index.db")
    try:
        create_app(load_settings(), index, registry=web)
    finally:
        index.close()
    names = set()
    for registry in (StageMetrics().registry, web):
        for family in registry.collect():
            names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
    return names


def dashboard_exprs() -> list[str]:
    doc = json.loads(DASHBOARD.read_text())
    return [t["expr"] for panel in doc["panels"] for t in panel["targets"]]


def rule_exprs() -> list[str]:
    return [r["expr"] for group in yaml.safe_load(RULES.read_text())["groups"] for r in group["rules"]]


def test_the_dashboard_queries_only_exported_metrics(exported):
    used = {m for expr in dashboard_exprs() for m in METRIC.findall(expr)}
    assert used and used <= exported, used - exported


def test_the_dashboard_shows_freshness_lag_dead_letters_and_feed_health():
    used = {m for expr in dashboard_exprs() for m in METRIC.findall(expr)}
    assert {"newsflow_fetched_to_indexed_seconds_bucket", "newsflow_published_to_indexed_seconds_bucket",
            "newsflow_consumer_lag", "newsflow_deadletters_total", "newsflow_feed_consecutive_failures",
            "newsflow_feed_last_success_timestamp_seconds"} <= used


def test_the_dashboard_file_is_what_its_builder_writes():
    spec = importlib.util.spec_from_file_location("build_dashboard", DEPLOY / "grafana" / "build_dashboard.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert DASHBOARD.read_text() == module.render(), "run python deploy/grafana/build_dashboard.py"


def test_the_alert_rules_cover_lag_dead_letters_failing_feeds_and_freshness(exported):
    exprs = rule_exprs()
    used = {m for expr in exprs for m in METRIC.findall(expr)}
    assert used <= exported, used - exported
    assert {"newsflow_consumer_lag", "newsflow_deadletters_total", "newsflow_feed_consecutive_failures",
            "newsflow_fetched_to_indexed_seconds_bucket"} <= used
    assert any("histogram_quantile(0.95" in e for e in exprs)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (Debian: apt-get install prometheus)")
def test_promtool_accepts_the_alert_rules():
    proc = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"SUCCESS: {len(rule_exprs())} rules found" in proc.stdout


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (Debian: apt-get install prometheus)")
def test_the_alerts_fire_on_lag_failing_feeds_and_dead_letters():
    """deploy/prometheus/newsflow-rules.test.yml: input series and the alerts they must raise."""
    proc = subprocess.run(["promtool", "test", "rules", "newsflow-rules.test.yml"], cwd=RULES.parent,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
