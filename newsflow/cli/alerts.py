"""``newsflow alerts``: check and dry-run rules files, deliver alerts to a webhook."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import click

from newsflow.cli.base import data_dir_option
from newsflow.cli.settings import settings_for as _settings
from newsflow.core.alert_rules import RulesError, load_rules
from newsflow.core.bus import open_bus
from newsflow.core.search import QueryError, parse_date
from newsflow.runner import stop_on_signals
from newsflow.webhook import WebhookSink
from newsflow.wiring import open_index
from index.alerts import dry_run


@click.group()
def alerts() -> None:
    """Alert rules: check a rules file, dry-run it, deliver alerts to a webhook."""


@alerts.command("check")
@click.argument("rules_file", metavar="RULES", type=click.Path(dir_okay=False, path_type=Path))
def alerts_check(rules_file) -> None:
    """Validate a rules file; explain every problem with its line (exit 1 if there is one)."""
    settings = _settings()
    try:
        ruleset = load_rules(rules_file, settings.entity_labels)
    except RulesError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    for rule in ruleset.rules:
        click.echo(f"{rule.name}: topic {settings.topic(rule.topic_name)}, {len(rule.requests())} search(es) per batch"
                   f"{', once per story' if rule.once_per_story else ''}")
    click.echo(f"{rules_file}: {len(ruleset)} rule(s), OK")


@alerts.command("test")
@click.argument("rules_file", metavar="RULES", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", default=None, help="Only articles published on or after (YYYY-MM-DD or ISO date-time).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0, None),
              help="Articles listed per rule (all are counted).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per rule per line.")
@data_dir_option
def alerts_test(rules_file, since, limit, as_json, data_dir) -> None:
    """Dry run: which indexed articles each rule of RULES would have matched (nothing is published)."""
    settings = _settings(data_dir=data_dir)
    try:
        ruleset = load_rules(rules_file, settings.entity_labels)
        first = parse_date(since)
    except RulesError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    target = open_index(settings, readonly=True)
    try:
        runs = dry_run(target, ruleset.rules, since=first)
    finally:
        target.close()
    for r in runs:
        if as_json:
            click.echo(json.dumps({"rule": r.rule.name, "topic": settings.topic(r.rule.topic_name),
                                   "articles": len(r.hits), "alerts": r.alerts, "truncated": r.truncated,
                                   "hits": [{"id": h.id, "title": h.title, "url": h.url, "story_id": h.story_id,
                                             "published_at": h.published_at.isoformat() if h.published_at else None}
                                            for h in r.hits]}, ensure_ascii=False))
            continue
        more = " (stopped at the first 10,000 of a search)" if r.truncated else ""
        click.echo(f"{r.rule.name} -> {settings.topic(r.rule.topic_name)}: {len(r.hits)} article(s), "
                   f"{r.alerts} alert(s){' (one per story)' if r.rule.once_per_story else ''}{more}")
        for h in r.hits[:limit]:
            when = h.published_at.date().isoformat() if h.published_at else "undated"
            click.echo(f"  {when}  {h.id}  {h.title}")
        if len(r.hits) > limit:
            click.echo(f"  ... and {len(r.hits) - limit} more")


@alerts.command("webhook")
@click.option("--topic", "topic_name", required=True, help="The alert topic to deliver, e.g. alerts.kim.")
@click.option("--url", required=True, help="Where to POST each alert (JSON).")
@click.option("--secret", envvar="NEWSFLOW_WEBHOOK_SECRET", default=None,
              help="Sign each body: X-Newsflow-Signature: sha256=HMAC-SHA256(secret, body) (env NEWSFLOW_WEBHOOK_SECRET).")
@click.option("--group", default=None, help="Consumer group (default webhook.<topic>): its position is the delivery state.")
@click.option("--until-idle", is_flag=True, help="Exit once no alert arrived for --idle seconds (default: run until a signal).")
@click.option("--idle", default=5.0, show_default=True, help="Seconds without alerts that count as idle.")
@data_dir_option
def alerts_webhook(topic_name, url, secret, group, until_idle, idle, data_dir) -> None:
    """POST every alert of a topic to URL, retrying with backoff; commit only after a 2xx."""
    settings = _settings(data_dir=data_dir)
    if not url.startswith(("http://", "https://")):
        raise click.UsageError(f"--url must be an http:// or https:// URL, not {url!r}")
    if settings.topic_prefix and not topic_name.startswith(settings.topic_prefix):
        topic_name = settings.topic(topic_name)
    bus = open_bus(settings)
    sink = WebhookSink(settings, bus, topic_name, url, secret=secret, group=group)
    stop = threading.Event()
    try:
        with stop_on_signals(stop):
            sink.run(stop, until_idle=idle if until_idle else None)
    finally:
        sink.close()
        bus.close()
    click.echo(f"webhook {url}: {sink.delivered} delivered, {sink.deadlettered} dead-lettered, {sink.attempts} requests")
