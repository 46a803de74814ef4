"""The ``newsflow`` command line: one module per command group, imported when its command runs.

The table below is the whole command set; ``newsflow.wiring`` builds what the commands run.
"""

from __future__ import annotations

import click

from newsflow.cli.base import DEBUG_KEY, FrontDoor

#: command -> "module:attribute" (click's lazily loaded subcommands: start-up pays only for one)
COMMANDS = {
    "run": "newsflow.cli.run:run",
    "search": "newsflow.cli.search:search",
    "serve": "newsflow.cli.serve:serve",
    "extract": "newsflow.cli.extract:extract",
    "enrich": "newsflow.cli.enrich:enrich",
    "ingest": "newsflow.cli.stages:ingest",
    "index": "newsflow.cli.stages:index",
    "setup": "newsflow.cli.setup:setup",
    "feeds": "newsflow.cli.feeds:feeds",
    "topic": "newsflow.cli.topic:topic",
    "alerts": "newsflow.cli.alerts:alerts",
    "backfill": "newsflow.cli.backfill:backfill",
    "deadletter": "newsflow.cli.deadletter:deadletter",
}


@click.group(cls=FrontDoor, lazy_subcommands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsflow")
@click.option("--debug", is_flag=True, help="Log at DEBUG and show the traceback of a failure (env NEWSFLOW_LOG_LEVEL=DEBUG).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """newsflow: feeds -> clean text -> entities -> search."""
    ctx.meta[DEBUG_KEY] = debug


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsflow")
