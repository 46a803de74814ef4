"""Writes deploy/grafana/newsflow.json, the Grafana dashboard of newsflow's Prometheus metrics.

Edit the panels here, then run ``python deploy/grafana/build_dashboard.py``; a test checks that
the JSON is current and that every metric it queries is one newsflow exports.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("newsflow.json")
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}

# (title, unit, [(expr, legend)], width): one row of panels after another, 24 columns wide
PANELS = [
    ("Records in per second", "ops", [("sum by (stage) (rate(newsflow_records_in_total[5m]))", "{{stage}}")], 8),
    ("Consumer lag", "short", [("max by (stage) (newsflow_consumer_lag)", "{{stage}}")], 8),
    ("Dead letters per minute", "short", [("sum by (stage) (rate(newsflow_deadletters_total[5m])) * 60", "{{stage}}")], 8),
    ("Fetched -> searchable, p50 / p95", "s", [
        ("histogram_quantile(0.5, sum by (le) (rate(newsflow_fetched_to_indexed_seconds_bucket[15m])))", "p50"),
        ("histogram_quantile(0.95, sum by (le) (rate(newsflow_fetched_to_indexed_seconds_bucket[15m])))", "p95"),
    ], 12),
    ("Published -> searchable p95 by source", "s", [
        ("histogram_quantile(0.95, sum by (le, source) (rate(newsflow_published_to_indexed_seconds_bucket[1h])))", "{{source}}"),
    ], 12),
    ("Feeds: consecutive failures", "short", [("newsflow_feed_consecutive_failures > 0", "{{feed}}")], 8),
    ("Feeds: hours since last success", "h", [("(time() - newsflow_feed_last_success_timestamp_seconds) / 3600", "{{feed}}")], 8),
    ("Feed polls per minute", "short", [("sum by (outcome) (rate(newsflow_feed_polls_total[5m])) * 60", "{{outcome}}")], 8),
    ("Articles published / duplicates per minute", "short", [
        ("rate(newsflow_articles_published_total[5m]) * 60", "published"),
        ("rate(newsflow_duplicates_total[5m]) * 60", "duplicates"),
    ], 8),
    ("Ingest problems per minute", "short", [("sum by (kind) (rate(newsflow_ingest_problems_total[5m])) * 60", "{{kind}}")], 8),
    ("Batch time p95", "s", [
        ("histogram_quantile(0.95, sum by (le, stage) (rate(newsflow_batch_seconds_bucket[5m])))", "{{stage}}"),
    ], 8),
    ("Failed batches (retried) per minute", "short", [("sum by (stage) (rate(newsflow_errors_total[5m])) * 60", "{{stage}}")], 12),
    ("HTTP requests per second (newsflow serve)", "reqps", [
        ("sum by (route, status) (rate(newsflow_http_requests_total[5m]))", "{{route}} {{status}}"),
    ], 12),
]


def panels() -> list[dict]:
    """Grafana timeseries panels, laid out left to right, 8 units high."""
    out, x, y = [], 0, 0
    for n, (title, unit, targets, width) in enumerate(PANELS, start=1):
        if x + width > 24:
            x, y = 0, y + 8
        out.append({
            "id": n, "type": "timeseries", "title": title, "datasource": DATASOURCE,
            "gridPos": {"x": x, "y": y, "w": width, "h": 8},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
            "targets": [{"refId": chr(ord("A") + i), "datasource": DATASOURCE, "expr": expr, "legendFormat": legend}
                        for i, (expr, legend) in enumerate(targets)],
        })
        x += width
    return out


def dashboard() -> dict:
    """The dashboard document (Grafana's JSON model, importable through the UI or provisioning)."""
    return {
        "uid": "newsflow", "title": "newsflow", "tags": ["newsflow"], "timezone": "utc", "schemaVersion": 39,
        "refresh": "30s", "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]},
        "panels": panels(),
    }


def render() -> str:
    """The file's text."""
    return json.dumps(dashboard(), indent=1) + "\n"


if __name__ == "__main__":
    OUT.write_text(render())
    print(f"wrote {OUT}")
