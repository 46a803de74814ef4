"""``newsflow enrich``: enrich a file of articles offline, or run the enrich service on the bus."""

from __future__ import annotations

from pathlib import Path

import click

from enrich.offline import enrich_jsonl
from newsflow.cli.base import data_dir_option, health_port_option, load, workers_option
from newsflow.cli.settings import settings_for as _settings

# The service's wiring (every stage, the bus and index clients) is imported only when the service
# runs: an offline run would pay seconds of imports for it before its first article.
SERVICE = "newsflow.services:run_service"
ENRICH_SERVICE = "newsflow.wiring:enrich_service"


@click.command()
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
        enrich_jsonl(in_path, out_path, settings, progress=progress)  # prints its own summary
        return
    load(SERVICE)(settings, load(ENRICH_SERVICE)(settings), settings.metrics_port)
