"""``newsflow serve``: the HTTP API and the search page."""

from __future__ import annotations

import signal

import click
import uvicorn

from newsflow.cli.base import data_dir_option, require_data
from newsflow.cli.settings import settings_for as _settings
from newsflow.web.app import create_app
from newsflow.wiring import open_index


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@data_dir_option
def serve(host, port, data_dir) -> None:
    """Serve the HTTP API and the search page (read-only against the configured index)."""

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
