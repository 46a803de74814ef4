"""What every ``newsflow`` command shares: the ``--data-dir`` option, the error layer around the
command group, and the check that a read-only command's data exists.

The settings loader is ``newsflow.cli.settings``: this module does not import the settings
(pydantic-settings, a sixth of a second), so a command that needs none starts without them."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsflow.core.errors import UsageFailure, explain

if TYPE_CHECKING:
    from newsflow.core.config import Settings

DEBUG_KEY, SETTINGS_KEY = "newsflow.debug", "newsflow.settings"  # in click's context meta, shared by subcommands

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where the embedded bus, index and state live (env NEWSFLOW_DATA_DIR, default ./newsflow-data).",
)
workers_option = click.option(
    "--workers", type=click.IntRange(1, 64), default=None,
    help="Enrich worker processes on this machine (env NEWSFLOW_ENRICH_WORKERS; default 1).")
health_port_option = click.option(
    "--port", "port", type=int, default=None, help="Serve /healthz and /metrics on this port (env NEWSFLOW_METRICS_PORT).")


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


#: how every secret of deploy/.env.example starts: a deployment still using one was not configured
EXAMPLE_SECRET_PREFIX = "change-me"


def refuse_example_secrets(secrets: dict[str, str | None]) -> None:
    """Refuse (exit 2) to set up a deployment whose secrets are still the examples of deploy/.env.example."""
    still = [name for name, value in secrets.items() if value and value.startswith(EXAMPLE_SECRET_PREFIX)]
    if still:
        raise UsageFailure(f"{', '.join(still)} still the example value of deploy/.env.example; set your own in "
                           "deploy/.env (e.g. openssl rand -base64 24 | tr -d '/+=')")


def debugging(meta: dict) -> bool:
    """Whether ``--debug`` or a DEBUG log level (settings, else the environment) was asked for."""
    level = meta[SETTINGS_KEY].log_level if SETTINGS_KEY in meta else os.environ.get("NEWSFLOW_LOG_LEVEL", "")
    return bool(meta.get(DEBUG_KEY)) or level.strip().upper() == "DEBUG"


class LazyGroup(click.Group):
    """A command group whose subcommands are imported when invoked (click's "Lazily Loading
    Subcommands"): ``lazy_subcommands`` maps a command name to ``"module:attribute"``.

    Start-up time: ``newsflow extract`` must not pay for spaCy, nor ``newsflow search`` for the
    fetcher; each command imports only its own module (``--help`` of the group imports them all).
    """

    def __init__(self, *args, lazy_subcommands: dict[str, str] | None = None, summaries: dict[str, str] | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands or {}
        #: the first paragraph of each lazy command's help, so the group's --help imports none of them
        self.summaries = summaries or {}

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``; lazy commands with a summary are listed without importing them."""
        names = [n for n in self.list_commands(ctx) if n in self.summaries or not getattr(self.get_command(ctx, n), "hidden", False)]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.summaries:
                rows.append((name, click.utils.make_default_short_help(self.summaries[name], limit)))
            else:
                rows.append((name, self.get_command(ctx, name).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Eager and lazy commands, sorted."""
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module first if it is a lazy one."""
        if cmd_name not in self.lazy_subcommands:
            return super().get_command(ctx, cmd_name)
        command = load(self.lazy_subcommands[cmd_name])
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_subcommands[cmd_name]} is not a click command")
        return command


def load(target: str):
    """The object ``"module:attribute"`` names, its module imported now: for what only one branch
    of a command needs (as ``LazyGroup`` imports a command's module only when it runs)."""
    module, attribute = target.split(":")
    return getattr(importlib.import_module(module), attribute)


class FrontDoor(LazyGroup):
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
            if failure is None or debugging(ctx.meta):
                raise
            click.echo(f"error: {failure.message}", err=True)
            ctx.exit(failure.status)
