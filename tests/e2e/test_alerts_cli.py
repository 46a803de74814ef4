"""Alerts as a user runs them: `newsflow run --rules`, `topic read alerts.NAME`, `alerts check|test`."""

from __future__ import annotations

import json
import sqlite3

import pytest

from cli_support import run_once
from fixtures.http_receiver import Receiver
from demo import ORIGINALS
from newsflow.webhook import SIGNATURE_HEADER, verify_signature

pytestmark = pytest.mark.e2e

RULES = """\
rules:
  - name: kim
    entities: [Kim Jong-un]        # the articles spell him three ways
    once_per_story: false
  - name: putin-talks
    query: talks
    entities: [Putin]
    labels: [PERSON]
"""


def read_alerts(cli, name: str) -> list[dict]:
    proc = cli("topic", "read", name, "--from-beginning", "--until-idle", "--idle", "1", "--json")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def article_ids(cli, canonical: str) -> set[str]:
    """Ids of the sample articles that name this person (from the site's own list), found by unique phrase."""
    return {cli.search(f'"{a.unique_phrase}"')["hits"][0]["id"] for a in ORIGINALS if canonical in a.entities}


def test_a_rule_fires_once_for_each_article_naming_a_person_and_a_replay_sends_nothing_again(cli, site, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    run_once(cli, site, "--rules", str(rules))

    kim = read_alerts(cli, "alerts.kim")
    expected = article_ids(cli, "Kim Jong Un")
    assert len(expected) >= 3
    assert sorted(a["article_id"] for a in kim) == sorted(expected)  # each once, never another article
    assert all(a["rule"] == "kim" and a["topic"] == "alerts.kim" and "Kim Jong Un" in a["matched_entities"] for a in kim)

    talks = read_alerts(cli, "alerts.putin-talks")
    search = cli.search("talks", "--entity", "Putin", "--label", "PERSON")
    assert {a["article_id"] for a in talks} <= {h["id"] for h in search["hits"]}
    assert len(talks) == len({h["story_id"] for h in search["hits"]}) >= 1  # once per story
    assert all(a["matched_terms"] == ["talks"] for a in talks)

    # the webhook sink delivers the topic to a receiver that fails twice first
    receiver = Receiver(failures=2)
    cli.env["NEWSFLOW_WEBHOOK_RETRY_INITIAL"] = "0.05"
    try:
        hook = cli("alerts", "webhook", "--topic", "alerts.kim", "--url", receiver.url, "--secret", "s3cret",
                   "--until-idle", "--idle", "2")
    finally:
        receiver.close()
    assert f"{len(kim)} delivered" in hook.stdout
    bodies = [b for _, b in receiver.delivered()]
    assert sorted(json.loads(b)["article_id"] for b in bodies) == sorted(expected)
    assert all(verify_signature("s3cret", b, h[SIGNATURE_HEADER]) for h, b in receiver.delivered())

    # Replay: the index stage reads news.enriched again from the start (its position forgotten)
    with sqlite3.connect(cli.data_dir / "bus.db") as conn:
        conn.execute("DELETE FROM group_offsets WHERE group_id = 'index'")
    proc = run_once(cli, site, "--rules", str(rules))
    assert "indexed " in proc.stdout
    assert len(read_alerts(cli, "alerts.kim")) == len(kim)
    assert len(read_alerts(cli, "alerts.putin-talks")) == len(talks)

    # the dry run over what is indexed agrees with what was sent
    dry = [json.loads(line) for line in cli("alerts", "test", str(rules), "--json").stdout.splitlines()]
    by_rule = {d["rule"]: d for d in dry}
    assert {h["id"] for h in by_rule["kim"]["hits"]} == expected and by_rule["kim"]["alerts"] == len(kim)
    assert by_rule["putin-talks"]["alerts"] == len(talks)
    text = cli("alerts", "test", str(rules), "--since", "2000-01-01").stdout
    assert f"kim -> alerts.kim: {len(expected)} article(s)" in text


def test_a_broken_rules_file_is_refused_with_its_lines(cli, site, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: kim\n    entities: [Kim Jong Un]\n  - name: bad\n    query: '\"open'\n    colour: red\n")
    check = cli("alerts", "check", str(rules), check=False)
    assert check.returncode == 1
    assert f"{rules}:5: rule 2 query:" in check.stderr and f"{rules}:6: rule 2 colour:" in check.stderr
    run = cli("run", "--once", "--no-progress", "--allow-private-hosts", "--feeds", site.feed_urls[0],
              "--rules", str(rules), check=False)
    assert run.returncode == 1 and "alert rules refused" in run.stderr and ":5: rule 2 query" in run.stderr
    assert not (cli.data_dir / "index.db").exists(), "nothing runs on a broken rules file"

    rules.write_text(RULES)
    ok = cli("alerts", "check", str(rules))
    assert "2 rule(s), OK" in ok.stdout and "kim: topic alerts.kim" in ok.stdout
