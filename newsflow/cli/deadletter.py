"""``newsflow deadletter list|replay``: read the dead-letter topic, replay what a fix made processable."""

from __future__ import annotations

import json

import click

from newsflow.core.bus import open_bus
from newsflow.cli.base import data_dir_option, require_data
from newsflow.cli.settings import settings_for
from newsflow.deadletters import read_letters, replay
from newsflow.core.search import QueryError, parse_date

stage_option = click.option("--stage", default=None, metavar="STAGE",
                            help="Only dead letters of this stage (enrich, index, webhook).")


def _open_bus(data_dir):
    settings = settings_for(data_dir=data_dir)
    if settings.bus == "embedded":
        require_data(settings, "bus.db", "bus")  # a mistyped --data-dir is not an empty bus
    return settings, open_bus(settings)


def _since(value: str | None):
    try:
        return parse_date(value)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None


@click.group()
def deadletter() -> None:
    """Dead letters: the records a stage could not process, with their errors."""


@deadletter.command("list")
@stage_option
@click.option("--since", default=None, help="Only those that failed on or after (YYYY-MM-DD or ISO date-time).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per dead letter per line.")
@data_dir_option
def deadletter_list(stage, since, as_json, data_dir) -> None:
    """List the dead letters, oldest first: id, stage, time, record key and the first line of the error."""
    first = _since(since)
    settings, bus = _open_bus(data_dir)
    try:
        letters = read_letters(bus, settings, stage=stage, since=first)
    finally:
        bus.close()
    for item in letters:
        if as_json:
            click.echo(json.dumps(item.public(), ensure_ascii=False))
        else:
            letter = item.letter
            error = letter.error.splitlines()[0] if letter.error else ""
            click.echo(f"{item.id}  {letter.stage}  {letter.failed_at:%Y-%m-%d %H:%M:%S}  {letter.key or '-'}  {error}")
    if not as_json:
        click.echo(f"{len(letters)} dead letter(s)", err=True)


@deadletter.command("replay")
@stage_option
@click.option("--id", "ids", multiple=True, metavar="ID", help="Only this dead letter (PARTITION:OFFSET, as listed). Repeatable.")
@click.option("--since", default=None, help="Only those that failed on or after (YYYY-MM-DD or ISO date-time).")
@click.option("--dry-run", is_flag=True, help="Say what would be replayed; publish nothing.")
@data_dir_option
def deadletter_replay(stage, ids, since, dry_run, data_dir) -> None:
    """Publish the original records again to their stage's input topic (once per dead letter).

    Use it after fixing what made the records fail (a mapping, a model, a bug): the running
    stages pick them up like new records. A dead letter replayed before is skipped.
    """
    first = _since(since)
    settings, bus = _open_bus(data_dir)
    try:
        report = replay(bus, settings, read_letters(bus, settings, stage=stage, since=first), ids=list(ids),
                        dry_run=dry_run)
    finally:
        bus.close()
    verb = "would replay" if dry_run else "replayed"
    for item, topic in report.replayed:
        click.echo(f"{verb} {item.id} ({item.letter.stage}, key {item.letter.key or '-'}) -> {topic}")
    click.echo(f"{verb} {len(report.replayed)} dead letter(s); {len(report.already)} replayed before, skipped")
    if report.unknown_ids:
        click.echo(f"error: no dead letter with id {', '.join(report.unknown_ids)}", err=True)
        raise SystemExit(1)
