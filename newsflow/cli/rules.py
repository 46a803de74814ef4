"""Alert rules and topics as the front doors check them before they start.

Apart from ``newsflow.cli.base`` because reading rules imports the rules parser (YAML and the
query language): commands that take no rules (``extract``, ``search``) start without it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from newsflow.core.alert_rules import RulesError, load_rules
from newsflow.core.config import Settings
from newsflow.core.errors import UsageFailure

rules_option = click.option(
    "--rules", "rules", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
    help="Alert rules (YAML) to run over every indexed batch, reloaded when the file changes (env NEWSFLOW_ALERT_RULES).",
)


def check_rules(settings: Settings) -> None:
    """Refuse to start on a rules file that does not validate (exit 1, every problem with its line)."""
    if settings.alert_rules is None:
        return
    try:
        load_rules(settings.alert_rules, settings.entity_labels)
    except RulesError as exc:
        raise click.ClickException(f"alert rules refused:\n{exc}") from None


def require_topic(bus, settings: Settings, name: str) -> None:
    """Refuse (exit 2) a topic that is neither on the bus nor one this deployment writes (its stage
    and dead-letter topics, the alert topics of its rules): a mistyped name would wait forever."""
    existing = bus.topic_names()
    expected = {settings.topic(t) for t in (settings.topic_articles, settings.topic_enriched, settings.topic_deadletter)}
    if settings.alert_rules is not None and settings.alert_rules.is_file():
        try:
            expected |= {settings.topic(rule.topic_name) for rule in load_rules(settings.alert_rules, settings.entity_labels).rules}
        except RulesError:
            pass  # a broken rules file is reported by the commands that run it
    if name in existing or name in expected:
        return
    close = difflib.get_close_matches(name, sorted(existing | expected), n=1)
    hint = f"did you mean {close[0]}?" if close else f"topics: {', '.join(sorted(existing)) or 'none yet'}"
    raise UsageFailure(f"no topic {name} on the {settings.bus} bus; {hint}")
