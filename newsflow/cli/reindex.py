"""``newsflow index reindex``: rebuild the Elasticsearch index behind its alias."""

from __future__ import annotations

import sys

import click

from enrich.reenrich import re_enrich_transform
from index.elasticsearch import client_from_settings
from index.es_reindex import Reindexer, ReindexError
from newsflow.cli.settings import settings_for as _settings
from newsflow.progress import make_progress


@click.command("reindex")
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
    settings = _settings()
    if settings.index != "elasticsearch":
        raise click.UsageError("reindex rebuilds the Elasticsearch index (NEWSFLOW_INDEX=elasticsearch); "
                               "the embedded index needs none")
    transform, release = None, None
    if re_enrich:  # index/ may not import enrich/: wired here
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
