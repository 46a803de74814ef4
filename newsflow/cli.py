"""The ``newsflow`` command line: run the pipeline, search, extract, enrich offline, read topics."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import click

from newsflow.cli.backfill import backfill
from newsflow.cli.base import DEBUG_KEY, FrontDoor, data_dir_option, refuse_example_secrets, require_data, require_topic
from newsflow.cli.base import settings_for as _settings
from newsflow.cli.deadletter import deadletter
from newsflow.core.config import Settings
from newsflow.cli.search import search

rules_option = click.option(
    "--rules", "rules", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
    help="Alert rules (YAML) to run over every indexed batch, reloaded when the file changes (env NEWSFLOW_ALERT_RULES).",
)


def _check_rules(settings: Settings) -> None:
    """Refuse to start on a rules file that does not validate (exit 1, every problem with its line)."""
    if settings.alert_rules is None:
        return
    from newsflow.core.alert_rules import RulesError, load_rules

    try:
        load_rules(settings.alert_rules, settings.entity_labels)
    except RulesError as exc:
        raise click.ClickException(f"alert rules refused:\n{exc}") from None


@click.group(cls=FrontDoor, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsflow")
@click.option("--debug", is_flag=True, help="Log at DEBUG and show the traceback of a failure (env NEWSFLOW_LOG_LEVEL=DEBUG).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """newsflow: feeds -> clean text -> entities -> search."""
    ctx.meta[DEBUG_KEY] = debug


# --------------------------------------------------------------------------- run
workers_option = click.option(
    "--workers", type=click.IntRange(1, 64), default=None,
    help="Enrich worker processes on this machine (env NEWSFLOW_ENRICH_WORKERS; default 1).")

def _feed_urls(settings: Settings, srcs: list[str]) -> list[str]:
    """Feeds from command-line sources, then the registry's; a usage error when there are none."""
    from ingest.feeds import load_feed_sources
    from ingest.state import IngestState

    try:
        urls = load_feed_sources(srcs) if srcs else []
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    state = IngestState.open(settings)
    try:
        registered = [f.url for f in state.registered()]
    finally:
        state.close()
    urls = list(dict.fromkeys(urls + registered))
    if not urls:
        raise click.UsageError("no feeds: give --feeds SRC, or register some with `newsflow feeds add URL`")
    return urls


@cli.command()
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
    from newsflow.runner import Pipeline, StageFailed

    settings = _settings(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None, metrics_port=metrics_port,
                         alert_rules=rules, enrich_workers=workers)
    urls = _feed_urls(settings, list(feeds) + list(more_feeds))
    _check_rules(settings)
    pipeline = Pipeline(settings, show_progress=progress)
    try:
        report = pipeline.run(urls, once=once)
    except StageFailed as exc:
        raise click.ClickException(f"the run stopped: {exc}") from None
    finally:
        pipeline.close()
    click.echo(report.summary())
    if report.feeds_polled and report.feeds_failed == report.feeds_polled:
        raise SystemExit(1)  # nothing could be read at all: say so to the scheduler


# --------------------------------------------------------------------------- search
cli.add_command(search)  # newsflow.cli.search: query words, sort, dates, export


# --------------------------------------------------------------------------- serve
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@data_dir_option
def serve(host, port, data_dir) -> None:
    """Serve the HTTP API and the search page (read-only against the configured index)."""
    import signal

    import uvicorn

    from index import open_index
    from newsflow.web.app import create_app

    settings = _settings(data_dir=data_dir)
    if settings.index == "embedded":
        require_data(settings, "index.db", "search index")
    target = open_index(settings, readonly=True)  # never writes: safe beside `newsflow run`
    # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again for the handler it
    # found; with these no-op handlers a graceful stop exits 0, like the other services
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    try:
        # log_config=None: uvicorn logs through our handler; no access log (requests are on /metrics)
        uvicorn.run(create_app(settings, target), host=host, port=port, log_level=settings.log_level.lower(),
                    access_log=False, log_config=None, server_header=False)
    finally:
        target.close()


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
        settings.enrich_batch_size, metrics, max_wait=settings.enrich_max_wait), settings.metrics_port)


@cli.command()
@click.option("--feeds", "feeds", multiple=True, metavar="SRC", help="As for `newsflow run` (plus the registry). Repeatable.")
@click.argument("more_feeds", nargs=-1, metavar="[SRC]...")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
@health_port_option
@data_dir_option
def ingest(feeds, more_feeds, allow_private_hosts, port, data_dir) -> None:
    """Run the ingest service: poll the feeds every poll_interval seconds and publish new articles."""
    from newsflow.services import IngestService, run_service

    settings = _settings(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None, metrics_port=port)
    if settings.websub_callback_url and settings.metrics_port is None:
        raise click.UsageError("NEWSFLOW_WEBSUB_CALLBACK_URL needs --port: the WebSub callback is served on it")
    urls = _feed_urls(settings, list(feeds) + list(more_feeds))
    run_service(settings, lambda bus, metrics: IngestService(settings, bus, urls, metrics), settings.metrics_port)


@cli.group(invoke_without_command=True)
@health_port_option
@rules_option
@data_dir_option
@click.pass_context
def index(ctx, port, rules, data_dir) -> None:
    """Run the index service: upsert enriched articles into the configured index."""
    if ctx.invoked_subcommand is not None:
        return
    from index import open_index
    from index.stage import GROUP, IndexStage
    from newsflow.services import ConsumingService, run_service

    settings = _settings(data_dir=data_dir, metrics_port=port, alert_rules=rules)
    _check_rules(settings)

    def build(bus, metrics):
        from index.alerts import AlertMatcher

        target = open_index(settings)
        alerts = AlertMatcher.from_settings(settings, target, bus)
        closers = (target.close,) if alerts is None else (alerts.close, target.close)
        return ConsumingService(settings, bus, IndexStage(target, alerts, metrics), GROUP, settings.topic(settings.topic_enriched),
                                settings.index_batch_size, metrics, closers=closers, max_wait=settings.index_max_wait)

    run_service(settings, build, settings.metrics_port)


@index.command("reindex")
@click.option("--delete-old", is_flag=True, help="Delete the old index once the alias points at the new one.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None,
              help="Articles per scan page and bulk request (default: index_batch_size).")
@click.option("--re-enrich", is_flag=True, help="Run enrichment again on the way (loads the spaCy model; names resolved with the registry as it is now).")
@click.option("--progress/--no-progress", default=True, help="Progress bar on a terminal.")
def index_reindex(delete_old, batch_size, re_enrich, progress) -> None:
    """Rebuild the Elasticsearch index behind its alias (news-v1 -> news-v2) and swap the alias atomically.

    Searches and writers keep using the old index until the swap; an interrupted run is resumed
    by running it again. The old index is kept unless --delete-old.
    """
    from index.elasticsearch import client_from_settings
    from index.es_reindex import Reindexer, ReindexError
    from newsflow.progress import make_progress

    settings = _settings()
    if settings.index != "elasticsearch":
        raise click.UsageError("reindex rebuilds the Elasticsearch index (NEWSFLOW_INDEX=elasticsearch); "
                               "the embedded index needs none")
    transform, release = None, None
    if re_enrich:  # index/ may not import enrich/: wired here
        from enrich.reenrich import re_enrich_transform

        transform, release = re_enrich_transform(settings)
    client = client_from_settings(settings)
    reindexer = Reindexer(client, settings.es_alias, batch_size=batch_size or settings.index_batch_size, transform=transform,
                          text_analyzer=settings.es_text_analyzer)
    show = progress and sys.stderr.isatty()
    bar = make_progress() if show else None
    task: list = []
    try:
        if bar:
            bar.start()
        report = reindexer.run(
            delete_old=delete_old,
            on_total=lambda n: task.append(bar.add_task("reindex", total=n, unit="articles")) if bar else None,
            on_copied=lambda n: bar.advance(task[0], n) if bar and task else None,
        )
    except ReindexError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar:
            bar.stop()
        client.close()
        if release is not None:
            release()
    click.echo(report.summary())


# --------------------------------------------------------------------------- setup
def _retrying(what: str, step, wait: float, transient: tuple[type[BaseException], ...]):
    """Run ``step`` until it succeeds or ``wait`` seconds passed (services may still be starting)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return step()
        except transient as exc:
            if time.monotonic() >= deadline:
                raise click.ClickException(f"{what}: not reachable after {wait:.0f} s: {type(exc).__name__}: {exc}") from None
            click.echo(f"{what}: waiting ({type(exc).__name__})", err=True)
            time.sleep(2.0)


def _setup_topics(settings: Settings, wait: float) -> None:
    """Create the stage topics with the configured partitions and replication (existing ones stay)."""
    from kafka import KafkaAdminClient
    from kafka import errors as kerr

    from newsflow.core.bus.kafka import COMPACTED, KafkaBus, client_config

    topics = [settings.topic(t) for t in (settings.topic_articles, settings.topic_enriched, settings.topic_deadletter)]
    # where enrich workers share the entity registry and the stories (enrich/shared_state.py)
    state_topics = [settings.topic(t) for t in (settings.topic_entity_state, settings.topic_story_state)]
    if settings.alert_rules:
        # alert topics exist before the first alert, so consumers can subscribe from the start
        from newsflow.core.alert_rules import RulesError, load_rules

        try:
            rules = load_rules(settings.alert_rules, known_labels=settings.entity_labels)
        except (OSError, RulesError) as exc:
            raise click.ClickException(f"alert rules: {exc}") from None
        topics += [settings.topic(rule.topic_name) for rule in rules.rules]

    def step() -> set[str]:
        admin = KafkaAdminClient(**client_config(settings), client_id="newsflow-setup")
        try:
            existing = set(admin.list_topics())
        finally:
            admin.close()
        bus = KafkaBus(settings)
        try:
            bus.ensure_topics(topics)  # the code path the stages use on first publish/consume
            bus.ensure_topics(state_topics, COMPACTED)
        finally:
            bus.close()
        return existing

    existing = _retrying(f"Kafka at {settings.kafka_bootstrap}", step, wait, (kerr.KafkaError, OSError))
    for t in topics + state_topics:
        compacted = ", compacted" if t in state_topics else ""
        state = "exists (left as it is)" if t in existing else (
            f"created ({settings.kafka_partitions} partitions, replication {settings.kafka_replication}{compacted})")
        click.echo(f"topic {t}: {state}")


def _setup_index(settings: Settings, wait: float, kibana_system_password: str | None) -> None:
    """Put the index template and create the first index behind the alias (unless the alias exists)."""
    from elastic_transport import TransportError
    from elasticsearch import exceptions as es_exc

    from index.elasticsearch import ElasticsearchIndex

    ix = ElasticsearchIndex(settings)
    try:
        _retrying(f"Elasticsearch at {settings.es_url}", ix.health, wait, (TransportError,))
        ix.ensure()  # the code path the index stage runs on its first write
        target = sorted(ix.client.indices.get_alias(name=settings.es_alias))
        click.echo(f"index template {ix.template_name}: applied; alias {settings.es_alias} -> {', '.join(target)}")
        if kibana_system_password:
            # Kibana logs in as the built-in kibana_system user, whose password only the API can set
            try:
                ix.client.security.change_password(username="kibana_system", password=kibana_system_password)
                click.echo("kibana_system password: set")
            except es_exc.ApiError as exc:
                # with xpack.security.enabled=false, 8.x registers no _security handlers at all
                text = str(exc)
                if ("no handler found" in text and "_security" in text) or "Security must be explicitly enabled" in text:
                    click.echo("kibana_system password: security is off on this cluster, nothing to set")
                else:
                    raise click.ClickException(f"setting the kibana_system password: {exc}") from None
    finally:
        ix.close()


@cli.command()
@click.option("--kibana-url", default=None, metavar="URL",
              help="Also import Kibana saved objects into this Kibana (e.g. http://kibana:5601).")
@click.option("--kibana-objects", "kibana_objects", multiple=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="NDJSON files of saved objects, or directories of them. Repeatable.")
@click.option("--kibana-system-password", envvar="KIBANA_SYSTEM_PASSWORD", default=None, metavar="PW",
              help="Set the password Kibana logs in with (built-in user kibana_system; env KIBANA_SYSTEM_PASSWORD).")
@click.option("--wait", default=180.0, show_default=True, type=click.FloatRange(0, None),
              help="Seconds to wait for Kafka, Elasticsearch and Kibana to answer.")
def setup(kibana_url, kibana_objects, kibana_system_password, wait) -> None:
    """Prepare the distributed deployment, idempotently: Kafka topics, the Elasticsearch template
    and index behind the alias, and (with --kibana-url) Kibana's saved objects.

    Safe to run again: existing topics and the alias are left as they are, the template is
    replaced by the current one, and saved objects are overwritten in place by id.
    """
    settings = _settings()
    if kibana_url and not kibana_objects:
        raise click.UsageError("--kibana-url needs --kibana-objects (the deploy/kibana/ NDJSON files)")
    refuse_example_secrets({"ELASTIC_PASSWORD (NEWSFLOW_ES_PASSWORD)": settings.es_password,
                            "KIBANA_SYSTEM_PASSWORD": kibana_system_password})
    if settings.bus == "kafka":
        _setup_topics(settings, wait)
    else:
        click.echo("topics: the embedded bus creates its topics itself (NEWSFLOW_BUS is not kafka)")
    if settings.index == "elasticsearch":
        _setup_index(settings, wait, kibana_system_password)
    else:
        click.echo("index: the embedded index creates itself (NEWSFLOW_INDEX is not elasticsearch)")
    if kibana_url:
        from newsflow.kibana import KibanaClient, KibanaError, saved_object_files

        kibana = KibanaClient(kibana_url, username=settings.es_username, password=settings.es_password,
                              api_key=settings.es_api_key, ca_certs=settings.es_ca_certs)
        try:
            files = saved_object_files(list(kibana_objects))
            kibana.wait_available(wait)
            for path in files:
                report = kibana.import_file(path)
                click.echo(f"kibana {path.name}: {report.success_count} saved object(s) imported")
        except KibanaError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            kibana.close()
    click.echo("setup: done")


# --------------------------------------------------------------------------- feeds
@cli.group()
def feeds() -> None:
    """The feed registry (kept in the data directory): add, import, export, list, remove."""


def _registry(data_dir):
    from ingest.state import IngestState

    settings = _settings(data_dir=data_dir)
    return settings, IngestState.open(settings)


@feeds.command("add")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--sitemap", is_flag=True, help="The URLs are sitemaps (sitemap.xml, sitemap indexes, Google News sitemaps).")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
@data_dir_option
def feeds_add(urls, sitemap, allow_private_hosts, data_dir) -> None:
    """Check and register feeds; a web page's address registers the feed it links to (autodiscovery)."""
    from ingest.fetch import Fetcher
    from ingest.registry import RegistryError, add_source
    from ingest.state import IngestState

    settings = _settings(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None)
    state = IngestState.open(settings)
    failed = 0
    try:
        with Fetcher(settings) as fetcher:
            for url in urls:
                try:
                    added = add_source(state, fetcher, url, sitemap=sitemap, max_bytes=settings.fetch_max_bytes)
                except RegistryError as exc:
                    failed += 1
                    click.echo(f"error: {exc}", err=True)
                    continue
                via = f" (found on {added.requested})" if added.url != added.requested else ""
                status = "added" if added.new else "already registered"
                click.echo(f"{status}: {added.kind} {added.url}{via}" + (f" - {added.title}" if added.title else ""))
    finally:
        state.close()
    if failed:
        raise SystemExit(1)


@feeds.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.opml")
@data_dir_option
def feeds_import(path, data_dir) -> None:
    """Register every feed of an OPML file (or a text file of feed URLs)."""
    from ingest.registry import RegistryError, import_opml

    _, state = _registry(data_dir)
    try:
        new, known = import_opml(state, path)
    except RegistryError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        state.close()
    click.echo(f"imported {new} feeds ({known} already registered)")


@feeds.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here (default: stdout).")
@data_dir_option
def feeds_export(output, data_dir) -> None:
    """Print (or write) the registered feeds as OPML."""
    from ingest.registry import export_opml

    _, state = _registry(data_dir)
    try:
        doc = export_opml(state)
    finally:
        state.close()
    if output is None:
        click.echo(doc.decode("utf-8"), nl=False)
    else:
        output.write_bytes(doc)


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed per line.")
@data_dir_option
def feeds_list(as_json, data_dir) -> None:
    """The registered feeds: last success, last error, entries seen, next poll, WebSub subscription state."""
    from ingest.registry import feed_row

    require_data(_settings(data_dir=data_dir))
    _, state = _registry(data_dir)
    try:
        rows = [feed_row(f) for f in state.registered()]
        pushed = {sub.feed_url: sub.state for sub in state.subscriptions()}  # WebSub (ingest/websub.py)
    finally:
        state.close()
    for row in rows:
        row["websub"] = pushed.get(row["url"])
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("no feeds registered (add some with `newsflow feeds add URL`)")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("feed", "kind", "last success", "last error", "entries seen", "next poll", "websub")
    for r in rows:
        table.add_row(r["url"] + (f"\n{r['title']}" if r["title"] else ""), r["kind"], r["last_success"] or "never",
                      r["last_error"] or "", str(r["entries_seen"]), r["next_poll"] or "now", r["websub"] or "")
    Console(width=max(120, Console().width)).print(table)


@feeds.command("remove")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@data_dir_option
def feeds_remove(urls, data_dir) -> None:
    """Unregister feeds (their articles stay seen: adding one back republishes nothing)."""
    _, state = _registry(data_dir)
    missing = 0
    try:
        for url in urls:
            if state.unregister(url.strip()):
                click.echo(f"removed: {url}")
            else:
                missing += 1
                click.echo(f"error: {url} is not registered", err=True)
    finally:
        state.close()
    if missing:
        raise SystemExit(1)


# --------------------------------------------------------------------------- topic
@cli.group()
def topic() -> None:
    """Inspect the topics of the bus."""


@topic.command("read")
@click.argument("name")
@click.option("--from-beginning", is_flag=True, help="Start at the oldest record (default: only new ones).")
@click.option("--follow", "-f", is_flag=True,
              help="Keep waiting for new records until Ctrl-C (the default; spelled out, it excludes --until-idle).")
@click.option("--until-idle", is_flag=True, help="Exit once no new record arrived for --idle seconds.")
@click.option("--idle", default=2.0, show_default=True, help="Seconds without records that count as idle.")
@click.option("--json", "as_json", is_flag=True, help="Print each record's value as one JSON line.")
@data_dir_option
def topic_read(name, from_beginning, follow, until_idle, idle, as_json, data_dir) -> None:
    """Print the records of topic NAME (follows new records until Ctrl-C or --until-idle).

    People subscribe to alerts this way: `newsflow topic read alerts.NAME --follow`.
    """
    if follow and until_idle:
        raise click.UsageError("--follow and --until-idle exclude each other")
    from newsflow.core.bus import open_bus
    from newsflow.render import format_record

    settings = _settings(data_dir=data_dir)
    if settings.bus == "embedded":
        require_data(settings, "bus.db", "bus")
    bus = open_bus(settings)
    # A private, never-committed group: reading must not move any stage's position.
    if not name.startswith(settings.topic_prefix):
        name = settings.topic(name)  # logical names work under a deployment's prefix
    try:
        require_topic(bus, settings, name)
    except Exception:
        bus.close()
        raise
    start = "from the oldest record" if from_beginning else "for new records (--from-beginning reads older ones)"
    until = f"until idle for {idle:g} s" if until_idle else "until Ctrl-C"
    click.echo(f"reading {name} on the {settings.bus} bus {start}, {until}", err=True)
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


# --------------------------------------------------------------------------- alerts
@cli.group()
def alerts() -> None:
    """Alert rules: check a rules file, dry-run it, deliver alerts to a webhook."""


@alerts.command("check")
@click.argument("rules_file", metavar="RULES", type=click.Path(dir_okay=False, path_type=Path))
def alerts_check(rules_file) -> None:
    """Validate a rules file; explain every problem with its line (exit 1 if there is one)."""
    from newsflow.core.alert_rules import RulesError, load_rules

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
    from index import open_index
    from index.alerts import dry_run
    from newsflow.core.alert_rules import RulesError, load_rules
    from newsflow.core.search import QueryError, parse_date

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
    from newsflow.core.bus import open_bus
    from newsflow.runner import stop_on_signals
    from newsflow.webhook import WebhookSink

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


cli.add_command(backfill)  # newsflow/cli/backfill.py
cli.add_command(deadletter)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsflow")


if __name__ == "__main__":
    main()
