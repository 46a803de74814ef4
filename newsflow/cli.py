"""The ``newsflow`` command line: run the pipeline, search, extract, enrich offline, read topics."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import click

from newsflow.config import Settings, load_settings
from newsflow.logs import setup_logging

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where the embedded bus, index and state live (env NEWSFLOW_DATA_DIR, default ./newsflow-data).",
)


def _settings(**overrides) -> Settings:
    settings = load_settings(**overrides)
    setup_logging(settings.log_level, settings.log_format)
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsflow")
def cli() -> None:
    """newsflow: feeds -> clean text -> entities -> search."""


# --------------------------------------------------------------------------- run
workers_option = click.option(
    "--workers", type=click.IntRange(1, 64), default=None,
    help="Enrich worker processes on this machine (env NEWSFLOW_ENRICH_WORKERS; default 1).")

@cli.command()
@click.option("--feeds", "feeds", multiple=True, required=True, metavar="SRC",
              help="A feed URL, a text file of feed URLs (one a line, # comments) or an OPML file. Repeatable.")
@click.argument("more_feeds", nargs=-1, metavar="[SRC]...")
@click.option("--once", is_flag=True, help="Poll each feed once, carry everything through to the index, exit.")
@click.option("--allow-private-hosts", is_flag=True, default=None,
              help="Let ingest fetch loopback and private-network addresses (env NEWSFLOW_ALLOW_PRIVATE_HOSTS=1).")
@click.option("--progress/--no-progress", default=True, help="Progress bars on a terminal.")
@click.option("--metrics-port", type=int, default=None, help="Serve Prometheus metrics on this port (env NEWSFLOW_METRICS_PORT).")
@workers_option
@data_dir_option
def run(feeds, more_feeds, once, allow_private_hosts, progress, metrics_port, workers, data_dir) -> None:
    """Run ingest, enrich and index in one process on the configured bus and index."""
    from ingest.feeds import load_feed_sources
    from newsflow.runner import Pipeline

    settings = _settings(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None, metrics_port=metrics_port,
                         enrich_workers=workers)
    try:
        urls = load_feed_sources(list(feeds) + list(more_feeds))
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    pipeline = Pipeline(settings, show_progress=progress)
    try:
        report = pipeline.run(urls, once=once)
    finally:
        pipeline.close()
    click.echo(report.summary())
    if report.feeds_polled and report.feeds_failed == report.feeds_polled:
        raise SystemExit(1)  # nothing could be read at all: say so to the scheduler


# --------------------------------------------------------------------------- search
@cli.command()
@click.argument("query", required=False, default="")
@click.option("--entity", "entities", multiple=True, metavar="NAME",
              help="Only articles naming this entity (any spelling). Repeat to require several.")
@click.option("--label", default=None, help="Entity label (PERSON, ORG, GPE, ...): restricts --entity, or alone requires one.")
@click.option("--source", default=None, help="Only articles from this site (host name).")
@click.option("--since", default=None, help="Published on or after (YYYY-MM-DD or ISO date-time).")
@click.option("--until", default=None, help="Published on or before (a bare date includes that whole day).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0, 1000))
@click.option("--offset", default=0, type=click.IntRange(0, None), help="Skip this many hits (paging).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (total, hits, facets).")
@data_dir_option
def search(query, entities, label, source, since, until, limit, offset, as_json, data_dir) -> None:
    """Search the index: full text QUERY plus entity, label, source and date filters.

    Query syntax: words (all required), "exact phrase", OR, NOT or -word, prefix*, (groups).
    """
    from index import open_index
    from newsflow.search import QueryError, SearchRequest, parse_date

    settings = _settings(data_dir=data_dir)
    try:
        request = SearchRequest(
            query=query, entities=list(entities), label=label, source=source,
            since=parse_date(since), until=parse_date(until, end=True), limit=limit, offset=offset,
        )
        index = open_index(settings, readonly=True)
        try:
            result = index.search(request)
        finally:
            index.close()
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_public(), ensure_ascii=False))
        return
    from newsflow.render import print_search_result

    print_search_result(result, offset=offset)


# --------------------------------------------------------------------------- extract
@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input per line (the default is readable text).")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
def extract(inputs, as_json, allow_private_hosts) -> None:
    """Fetch (or read) pages and print their clean article text and metadata."""
    from newsflow.extraction import extract_inputs

    settings = _settings(allow_private_hosts=allow_private_hosts or None)
    failed = 0
    for record in extract_inputs(settings, list(inputs)):
        if "error" in record:
            failed += 1
            click.echo(f"error: {record['error']}", err=True)
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        elif "error" not in record:
            click.echo(f"# {record['title']}\n{record['url'] or record['input']} | {record['published_at'] or 'undated'} | "
                       f"{', '.join(record['authors']) or 'no byline'}\n\n{record['text']}\n")
    if failed:
        raise SystemExit(1)


# --------------------------------------------------------------------------- enrich
health_port_option = click.option(
    "--port", "port", type=int, default=None, help="Serve /healthz and /metrics on this port (env NEWSFLOW_METRICS_PORT).")


@cli.command()
@click.option("--in", "in_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Offline: JSON lines of articles (url, title, text at least).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Offline: where to write enriched JSON lines.")
@click.option("--progress/--no-progress", default=True)
@health_port_option
@workers_option
@data_dir_option
def enrich(in_path, out_path, progress, port, workers, data_dir) -> None:
    """Enrich a file of articles offline (--in/--out), or run the enrich service on the bus."""
    if (in_path is None) != (out_path is None):
        raise click.UsageError("--in and --out go together (offline enrichment); give neither to run the service")
    settings = _settings(data_dir=data_dir, metrics_port=port, enrich_workers=workers)
    if in_path is not None:
        from enrich.offline import enrich_jsonl

        enrich_jsonl(in_path, out_path, settings, progress=progress)  # prints its own summary
        return
    from enrich.stage import GROUP, EnrichStage
    from newsflow.services import ConsumingService, run_service

    run_service(settings, lambda bus, metrics: ConsumingService(
        settings, bus, EnrichStage(settings, bus), GROUP, settings.topic(settings.topic_articles),
        settings.enrich_batch_size, metrics), settings.metrics_port)


@cli.command()
@click.option("--feeds", "feeds", multiple=True, required=True, metavar="SRC", help="As for `newsflow run`. Repeatable.")
@click.argument("more_feeds", nargs=-1, metavar="[SRC]...")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
@health_port_option
@data_dir_option
def ingest(feeds, more_feeds, allow_private_hosts, port, data_dir) -> None:
    """Run the ingest service: poll the feeds every poll_interval seconds and publish new articles."""
    from ingest.feeds import load_feed_sources
    from newsflow.services import IngestService, run_service

    settings = _settings(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None, metrics_port=port)
    try:
        urls = load_feed_sources(list(feeds) + list(more_feeds))
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    run_service(settings, lambda bus, metrics: IngestService(settings, bus, urls, metrics), settings.metrics_port)


@cli.group(invoke_without_command=True)
@health_port_option
@data_dir_option
@click.pass_context
def index(ctx, port, data_dir) -> None:
    """Run the index service: upsert enriched articles into the configured index."""
    if ctx.invoked_subcommand is not None:
        return
    from index import open_index
    from index.stage import GROUP, IndexStage
    from newsflow.services import ConsumingService, run_service

    settings = _settings(data_dir=data_dir, metrics_port=port)

    def build(bus, metrics):
        target = open_index(settings)
        return ConsumingService(settings, bus, IndexStage(target), GROUP, settings.topic(settings.topic_enriched),
                                settings.index_batch_size, metrics, closers=(target.close,))

    run_service(settings, build, settings.metrics_port)


# --------------------------------------------------------------------------- topic
@cli.group()
def topic() -> None:
    """Inspect the topics of the bus."""


@topic.command("read")
@click.argument("name")
@click.option("--from-beginning", is_flag=True, help="Start at the oldest record (default: only new ones).")
@click.option("--until-idle", is_flag=True, help="Exit once no new record arrived for --idle seconds.")
@click.option("--idle", default=2.0, show_default=True, help="Seconds without records that count as idle.")
@click.option("--json", "as_json", is_flag=True, help="Print each record's value as one JSON line.")
@data_dir_option
def topic_read(name, from_beginning, until_idle, idle, as_json, data_dir) -> None:
    """Print the records of topic NAME (follows new records until Ctrl-C or --until-idle)."""
    from newsflow.bus import open_bus
    from newsflow.render import format_record

    settings = _settings(data_dir=data_dir)
    bus = open_bus(settings)
    # A private, never-committed group: reading must not move any stage's position.
    if not name.startswith(settings.topic_prefix):
        name = settings.topic(name)  # logical names work under a deployment's prefix
    consumer = bus.consumer(f"topic-read-{time.time_ns()}", [name], from_beginning=from_beginning)
    last = time.monotonic()
    try:
        while True:
            batch = consumer.poll(500, timeout=min(idle, 1.0))
            for msg in batch:
                click.echo(msg.value.decode("utf-8", errors="replace") if as_json else format_record(msg))
            if batch:
                last = time.monotonic()
            elif until_idle and time.monotonic() - last >= idle:
                break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
        bus.close()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsflow")


if __name__ == "__main__":
    main()
