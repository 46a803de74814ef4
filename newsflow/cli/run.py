"""``newsflow run``: every stage in one process, and the feed list the polling commands share."""

from __future__ import annotations

import click

from ingest.feedlists import load_feed_sources
from ingest.fetch import FetchError, Fetcher
from ingest.state import IngestState
from newsflow import wiring
from newsflow.cli.base import data_dir_option, workers_option
from newsflow.cli.settings import settings_for as _settings
from newsflow.cli.rules import check_rules, rules_option
from newsflow.core.config import Settings
from newsflow.runner import StageFailed


def feed_urls(settings: Settings, srcs: list[str]) -> list[str]:
    """Feeds from command-line sources, then the registry's; a usage error when there are none."""
    try:
        with Fetcher(settings) as fetcher:
            urls = load_feed_sources(srcs, fetcher) if srcs else []
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    except FetchError as exc:  # the list may be right and its host down: a runtime failure
        raise click.ClickException(f"reading the feed list: {exc}") from None
    state = IngestState.open(settings)
    try:
        registered = [f.url for f in state.registered()]
    finally:
        state.close()
    urls = list(dict.fromkeys(urls + registered))
    if not urls:
        raise click.UsageError("no feeds: give --feeds SRC, or register some with `newsflow feeds add URL`")
    return urls


@click.command()
@click.option("--feeds", "feeds", multiple=True, metavar="SRC",
              help="A feed URL, a text file of feed URLs (one a line, # comments) or an OPML file. Repeatable. "
                   "The feeds of the registry (`newsflow feeds add`) are polled too.")
@click.argument("more_feeds", nargs=-1, metavar="[SRC]...")
@click.option("--once", is_flag=True, help="Poll each feed once, carry everything through to the index, exit "
              "(the stages overlap: articles are enriched and indexed while later pages are fetched).")
@click.option("--allow-private-hosts", is_flag=True, default=None,
              help="Let ingest fetch loopback and private-network addresses (env NEWSFLOW_ALLOW_PRIVATE_HOSTS=1).")
@click.option("--progress/--no-progress", default=True, help="Progress bars on a terminal.")
@click.option("--metrics-port", type=int, default=None, help="Serve Prometheus metrics on this port (env NEWSFLOW_METRICS_PORT).")
@rules_option
@workers_option
@data_dir_option
def run(feeds, more_feeds, once, allow_private_hosts, progress, metrics_port, rules, workers, data_dir) -> None:
    """Run ingest, enrich and index in one process on the configured bus and index."""
    settings = _settings(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None, metrics_port=metrics_port,
                         alert_rules=rules, enrich_workers=workers)
    urls = feed_urls(settings, list(feeds) + list(more_feeds))
    check_rules(settings)
    pipeline = wiring.pipeline(settings, show_progress=progress)
    try:
        report = pipeline.run(urls, once=once)
    except StageFailed as exc:
        raise click.ClickException(f"the run stopped: {exc}") from None
    finally:
        pipeline.close()
    click.echo(report.summary())
    if report.feeds_polled and report.feeds_failed == report.feeds_polled:
        raise SystemExit(1)  # nothing could be read at all: say so to the scheduler
