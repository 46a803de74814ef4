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


#: the first paragraph of each command's help, for ``newsflow --help`` (a test keeps them equal)
SUMMARIES = {
    "run": "Run ingest, enrich and index in one process on the configured bus and index.",
    "search": "Search the index: full text QUERY (any number of words) plus entity, label, source, language and "
              "date filters.",
    "serve": "Serve the HTTP API and the search page (read-only against the configured index).",
    "extract": "Fetch (or read) pages and print their clean article text and metadata.",
    "enrich": "Enrich a file of articles offline (--in/--out), or run the enrich service on the bus.",
    "ingest": "Run the ingest service: poll the feeds every poll_interval seconds and publish new articles.",
    "index": "Run the index service: upsert enriched articles into the configured index.",
    "setup": "Prepare the distributed deployment, idempotently: Kafka topics, the Elasticsearch template and "
             "index behind the alias, and (with --kibana-url) Kibana's saved objects.",
    "feeds": "The feed registry (kept in the data directory): add, import, export, list, remove.",
    "topic": "Inspect the topics of the bus.",
    "alerts": "Alert rules: check a rules file, dry-run it, deliver alerts to a webhook.",
    "backfill": "Ingest the HTML pages of WARC archives as articles, once each, resumable.",
    "deadletter": "Dead letters: the records a stage could not process, with their errors.",
}


@click.group(cls=FrontDoor, lazy_subcommands=COMMANDS, summaries=SUMMARIES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsflow")
@click.option("--debug", is_flag=True, help="Log at DEBUG and show the traceback of a failure (env NEWSFLOW_LOG_LEVEL=DEBUG).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """newsflow: feeds -> clean text -> entities -> search."""
    ctx.meta[DEBUG_KEY] = debug


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsflow")
