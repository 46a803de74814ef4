"""``newsflow ingest`` and ``newsflow index``: a stage as a long-running service (``index reindex`` lazily)."""

from __future__ import annotations

import click

from newsflow import wiring
from newsflow.cli.base import LazyGroup, data_dir_option, health_port_option
from newsflow.cli.settings import settings_for as _settings
from newsflow.cli.rules import check_rules, rules_option
from newsflow.cli.run import feed_urls
from newsflow.services import run_service


@click.command()
@click.option("--feeds", "feeds", multiple=True, metavar="SRC", help="As for `newsflow run` (plus the registry). Repeatable.")
@click.argument("more_feeds", nargs=-1, metavar="[SRC]...")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
@health_port_option
@data_dir_option
def ingest(feeds, more_feeds, allow_private_hosts, port, data_dir) -> None:
    """Run the ingest service: poll the feeds every poll_interval seconds and publish new articles."""
    settings = _settings(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None, metrics_port=port)
    if settings.websub_callback_url and settings.metrics_port is None:
        raise click.UsageError("NEWSFLOW_WEBSUB_CALLBACK_URL needs --port: the WebSub callback is served on it")
    urls = feed_urls(settings, list(feeds) + list(more_feeds))
    run_service(settings, wiring.ingest_service(settings, urls), settings.metrics_port)


@click.group(cls=LazyGroup, invoke_without_command=True,
             lazy_subcommands={"reindex": "newsflow.cli.reindex:index_reindex"},
             summaries={"reindex": "Rebuild the Elasticsearch index behind its alias (news-v1 -> news-v2) and swap "
                                   "the alias atomically."})
@health_port_option
@rules_option
@data_dir_option
@click.pass_context
def index(ctx, port, rules, data_dir) -> None:
    """Run the index service: upsert enriched articles into the configured index."""
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings(data_dir=data_dir, metrics_port=port, alert_rules=rules)
    check_rules(settings)
    run_service(settings, wiring.index_service(settings), settings.metrics_port)
