"""The settings of a command: loaded from env, TOML and its flags, with logging set up to match."""

from __future__ import annotations

import click

from newsflow.cli.base import DEBUG_KEY, SETTINGS_KEY
from newsflow.core.config import Settings, load_settings
from newsflow.core.logs import setup_logging


def settings_for(**overrides) -> Settings:
    """Load the settings (flags as ``overrides``), set up logging, and remember them for the error layer."""
    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    if meta.get(DEBUG_KEY):
        overrides["log_level"] = "DEBUG"
    settings = load_settings(**overrides)
    meta[SETTINGS_KEY] = settings  # the error layer names this deployment's endpoints
    setup_logging(settings.log_level, settings.log_format)
    return settings
