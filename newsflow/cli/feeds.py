"""``newsflow feeds``: the feed registry."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ingest.fetch import FetchError, Fetcher
from ingest.registry import RegistryError, add_source, export_opml, feed_row, import_opml
from ingest.state import IngestState
from newsflow.cli.base import data_dir_option, require_data
from newsflow.cli.settings import settings_for as _settings


@click.group()
def feeds() -> None:
    """The feed registry (kept in the data directory): add, import, export, list, remove."""


def _registry(data_dir, **overrides):
    settings = _settings(data_dir=data_dir, **overrides)
    return settings, IngestState.open(settings)


@feeds.command("add")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--sitemap", is_flag=True, help="The URLs are sitemaps (sitemap.xml, sitemap indexes, Google News sitemaps).")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
@data_dir_option
def feeds_add(urls, sitemap, allow_private_hosts, data_dir) -> None:
    """Check and register feeds; a web page's address registers the feed it links to (autodiscovery)."""
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
@click.argument("source", metavar="FILE_OR_URL")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching a list from loopback/private addresses.")
@data_dir_option
def feeds_import(source, allow_private_hosts, data_dir) -> None:
    """Register every feed of an OPML list (or a text list of feed URLs), from a file or by URL."""
    settings, state = _registry(data_dir, allow_private_hosts=allow_private_hosts or None)
    try:
        with Fetcher(settings) as fetcher:
            new, known = import_opml(state, source, fetcher)
    except RegistryError as exc:
        raise click.UsageError(str(exc)) from None
    except FetchError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        state.close()
    click.echo(f"imported {new} feeds ({known} already registered)")


@feeds.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here (default: stdout).")
@data_dir_option
def feeds_export(output, data_dir) -> None:
    """Print (or write) the registered feeds as OPML."""
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
