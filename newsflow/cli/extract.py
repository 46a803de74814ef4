"""``newsflow extract``: clean article text of single pages (no spaCy, no bus, no index)."""

from __future__ import annotations

import json

import click

from newsflow.cli.base import settings_for as _settings
from newsflow.extraction import extract_inputs


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input per line (the default is readable text).")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow fetching loopback/private addresses.")
def extract(inputs, as_json, allow_private_hosts) -> None:
    """Fetch (or read) pages and print their clean article text and metadata."""
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
