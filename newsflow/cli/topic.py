"""``newsflow topic``: read the topics of the bus."""

from __future__ import annotations

import time

import click

from newsflow.cli.base import data_dir_option, require_data
from newsflow.cli.settings import settings_for as _settings
from newsflow.cli.rules import require_topic
from newsflow.core.bus import open_bus
from newsflow.render import format_record


@click.group()
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
