"""What every ``newsflow`` command shares: the settings loader, the ``--data-dir`` option, the
error layer around the command group, and the check that a read-only command's data exists."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import click

from newsflow.core.alert_rules import RulesError, load_rules
from newsflow.core.config import Settings, load_settings
from newsflow.core.errors import UsageFailure, explain
from newsflow.core.logs import setup_logging

DEBUG_KEY, SETTINGS_KEY = "newsflow.debug", "newsflow.settings"  # in click's context meta, shared by subcommands

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where the embedded bus, index and state live (env NEWSFLOW_DATA_DIR, default ./newsflow-data).",
)


def settings_for(**overrides) -> Settings:
    """Load the settings (flags as ``overrides``), set up logging, and remember them for the error layer."""
    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    if meta.get(DEBUG_KEY):
        overrides["log_level"] = "DEBUG"
    settings = load_settings(**overrides)
    meta[SETTINGS_KEY] = settings  # the error layer names this deployment's endpoints
    setup_logging(settings.log_level, settings.log_format)
    return settings


def require_data(settings: Settings, filename: str | None = None, what: str = "") -> None:
    """Refuse (exit 2) to read ``filename`` of a data dir that does not exist: a read-only command
    would otherwise create an empty one and report 0 articles on a mistyped path."""
    where = settings.data_dir
    if not where.is_dir():
        raise UsageFailure(f"data dir {where} (--data-dir / NEWSFLOW_DATA_DIR) does not exist; check the path, "
                           f"or create it with `newsflow run`")
    if filename is not None and not (where / filename).is_file():
        raise UsageFailure(f"data dir {where} holds no {what} ({filename}); check --data-dir / NEWSFLOW_DATA_DIR, "
                           f"or fill it with `newsflow run`")


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


#: how every secret of deploy/.env.example starts: a deployment still using one was not configured
EXAMPLE_SECRET_PREFIX = "change-me"


def refuse_example_secrets(secrets: dict[str, str | None]) -> None:
    """Refuse (exit 2) to set up a deployment whose secrets are still the examples of deploy/.env.example."""
    still = [name for name, value in secrets.items() if value and value.startswith(EXAMPLE_SECRET_PREFIX)]
    if still:
        raise UsageFailure(f"{', '.join(still)} still the example value of deploy/.env.example; set your own in "
                           "deploy/.env (e.g. openssl rand -base64 24 | tr -d '/+=')")


def _debugging(meta: dict) -> bool:
    level = meta[SETTINGS_KEY].log_level if SETTINGS_KEY in meta else os.environ.get("NEWSFLOW_LOG_LEVEL", "")
    return bool(meta.get(DEBUG_KEY)) or level.strip().upper() == "DEBUG"


class FrontDoor(click.Group):
    """The command group with the error layer (``newsflow.core.errors``): a configuration or connection
    failure is one line on stderr and exit 2 (usage, configuration) or 1 (runtime); ``--debug``
    or ``NEWSFLOW_LOG_LEVEL=DEBUG`` keeps the traceback."""

    def invoke(self, ctx: click.Context):
        """Run the command; an explained failure becomes ``error: <one line>`` and its exit status."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - explained failures only; a bug is re-raised whole
            failure = explain(exc, ctx.meta.get(SETTINGS_KEY))
            if failure is None or _debugging(ctx.meta):
                raise
            click.echo(f"error: {failure.message}", err=True)
            ctx.exit(failure.status)
