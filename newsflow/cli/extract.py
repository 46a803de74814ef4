"""``newsflow extract``: clean article text of single pages (no spaCy, no bus, no index)."""

from __future__ import annotations

import json
from contextlib import ExitStack, closing

import click

from newsflow.cli.base import debugging, load
from newsflow.extraction import extract_inputs, is_url


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input per line (the default is readable text).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes for saved pages; 0: one per core when there are at least 4 pages each, 1: this process only.")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
@click.pass_context
def extract(ctx: click.Context, inputs, as_json, jobs, allow_private_hosts) -> None:
    """Fetch (or read) pages and print their clean article text and metadata."""
    inputs = list(inputs)
    has_urls = any(map(is_url, inputs))
    failed = 0
    with ExitStack() as stack:
        read_url = None
        # Saved pages need no settings and no HTTP client: without their imports (a fifth of a
        # second) a run over files starts as soon as trafilatura's own would.
        if has_urls or debugging(ctx.meta):
            settings = load("newsflow.cli.settings:settings_for")(allow_private_hosts=allow_private_hosts or None)
            if has_urls:
                read_url = stack.enter_context(load("newsflow.extraction.web:WebPages")(settings))
        for record in stack.enter_context(closing(extract_inputs(inputs, read_url, jobs))):
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
