"""``newsflow backfill``: read WARC archives (files, URLs, CC-NEWS months) into the pipeline.

Loaded by the ``newsflow`` group (``newsflow.cli``) when the command runs, so other commands
do not pay for trafilatura.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ingest.archives import SourceError, resolve_sources
from ingest.backfill import Backfill, Filters
from ingest.fetch import Fetcher, FetchError
from ingest.state import IngestState
from newsflow import wiring
from newsflow.cli.settings import settings_for
from newsflow.core.bus import open_bus
from newsflow.core.search import QueryError, parse_date
from newsflow.runner import stop_on_signals


@contextmanager
def _progress_display(enabled: bool) -> Iterator[Callable | None]:
    """A per-file bar (bytes of the file, records, articles, records/s, ETA), or ``None`` off a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
               TextColumn("{task.fields[records]} records, {task.fields[articles]} articles, {task.fields[rate]}/s"),
               TimeRemainingColumn(), TimeElapsedColumn())
    started = time.monotonic()
    tasks: dict[str, int] = {}
    with Progress(*columns, transient=False) as bar:

        def tick(t) -> None:
            if t.archive not in tasks:
                name = t.archive.rsplit("/", 1)[-1]
                tasks[t.archive] = bar.add_task(name[-40:], total=t.size, records=0, articles=0, rate="-")
            rate = t.report.records / max(time.monotonic() - started, 1e-6)
            bar.update(tasks[t.archive], completed=t.position, records=t.report.records, articles=t.report.articles,
                       rate=f"{rate:.0f}")

        yield tick


@click.command()
@click.argument("srcs", nargs=-1, required=True, metavar="SRC...")
@click.option("--since", default=None, help="Only articles published on or after (YYYY-MM-DD or ISO date-time).")
@click.option("--until", default=None, help="Only articles published on or before (a bare date includes that day).")
@click.option("--source", "sources", multiple=True, metavar="HOST",
              help="Only articles of this site (and its subdomains). Repeatable.")
@click.option("--lang", "languages", multiple=True, metavar="CODE", help="Only articles in this language (ISO 639-1). Repeatable.")
@click.option("--limit", type=click.IntRange(1, None), default=None, help="Stop after this many new articles (run again to continue).")
@click.option("--index/--no-index", "to_index", default=True, show_default=True,
              help="Carry the articles through enrich and index before exiting; --no-index only publishes them to "
                   "news.articles (for running `newsflow enrich` and `newsflow index` services).")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
@click.option("--progress/--no-progress", default=True, help="Progress bar on a terminal.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the embedded bus, index and state live (env NEWSFLOW_DATA_DIR).")
def backfill(srcs, since, until, sources, languages, limit, to_index, allow_private_hosts, progress, data_dir) -> None:
    """Ingest the HTML pages of WARC archives as articles, once each, resumable.

    SRC is a .warc or .warc.gz file, a directory of them, an http(s) URL of one, or
    cc-news:YYYY-MM (Common Crawl's news crawl of that month; base URL: NEWSFLOW_CC_NEWS_BASE_URL).
    Pages already ingested (by a poll or an earlier backfill) are skipped, and a later poll skips
    the pages backfilled. An interrupted backfill continues where it stopped when run again.
    """
    settings = settings_for(data_dir=data_dir, allow_private_hosts=allow_private_hosts or None)
    try:
        filters = Filters(since=parse_date(since), until=parse_date(until, end=True),
                          sources=tuple(s.strip().lower().removeprefix("www.") for s in sources),
                          languages=tuple(code.strip().lower() for code in languages), limit=limit)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    stop = threading.Event()
    with ExitStack() as resources:
        if to_index:
            pipeline = wiring.pipeline(settings, show_progress=progress)
            resources.callback(pipeline.close)
            # the pipeline's own bus, dedup state and guarded fetcher: the ones live ingest uses
            bus, state, fetcher = pipeline.bus, pipeline.ingest.state, pipeline.ingest.fetcher
        else:  # no consumers: running enrich/index services keep their partitions
            bus = open_bus(settings)
            resources.callback(bus.close)
            state = IngestState.open(settings)
            resources.callback(state.close)
            fetcher = resources.enter_context(Fetcher(settings))
        try:
            archives = resolve_sources(list(srcs), fetcher, settings.cc_news_base_url)
        except SourceError as exc:
            raise click.UsageError(str(exc)) from None
        except FetchError as exc:
            raise click.ClickException(f"cannot list the archives: {exc}") from None
        with stop_on_signals(stop), _progress_display(progress) as tick:
            report = Backfill(settings, bus, state, fetcher, filters, on_progress=tick).run(archives, stop)
        click.echo(report.summary())
        if to_index:
            # no feeds: enrich and index carry what the backfill published through, then stop
            run = pipeline.run([], once=True, stop=stop)
            click.echo(f"enriched {run.enriched}, indexed {run.indexed}, dead-lettered {run.deadlettered}; "
                       f"the index holds {pipeline.index.count()} articles")
    if report.failures:
        raise SystemExit(1)
