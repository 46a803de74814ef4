"""``newsflow setup``: prepare the distributed deployment (provisioning in ``newsflow.cli.provision``)."""

from __future__ import annotations

from pathlib import Path

import click

from newsflow.cli.base import refuse_example_secrets
from newsflow.cli.settings import settings_for as _settings
from newsflow.cli.provision import setup_index, setup_kibana, setup_topics
from newsflow.core.bus import spans_machines


@click.command()
@click.option("--kibana-url", default=None, metavar="URL",
              help="Also import Kibana saved objects into this Kibana (e.g. http://kibana:5601).")
@click.option("--kibana-objects", "kibana_objects", multiple=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="NDJSON files of saved objects, or directories of them. Repeatable.")
@click.option("--kibana-system-password", envvar="KIBANA_SYSTEM_PASSWORD", default=None, metavar="PW",
              help="Set the password Kibana logs in with (built-in user kibana_system; env KIBANA_SYSTEM_PASSWORD).")
@click.option("--wait", default=180.0, show_default=True, type=click.FloatRange(0, None),
              help="Seconds to wait for Kafka, Elasticsearch and Kibana to answer.")
def setup(kibana_url, kibana_objects, kibana_system_password, wait) -> None:
    """Prepare the distributed deployment, idempotently: Kafka topics, the Elasticsearch template
    and index behind the alias, and (with --kibana-url) Kibana's saved objects.

    Safe to run again: existing topics and the alias are left as they are, the template is
    replaced by the current one, and saved objects are overwritten in place by id.
    """
    settings = _settings()
    if kibana_url and not kibana_objects:
        raise click.UsageError("--kibana-url needs --kibana-objects (the deploy/kibana/ NDJSON files)")
    refuse_example_secrets({"ELASTIC_PASSWORD (NEWSFLOW_ES_PASSWORD)": settings.es_password,
                            "KIBANA_SYSTEM_PASSWORD": kibana_system_password})
    if spans_machines(settings):
        setup_topics(settings, wait)
    else:
        click.echo("topics: the embedded bus creates its topics itself (NEWSFLOW_BUS is not kafka)")
    if settings.index == "elasticsearch":
        setup_index(settings, wait, kibana_system_password)
    else:
        click.echo("index: the embedded index creates itself (NEWSFLOW_INDEX is not elasticsearch)")
    if kibana_url:
        setup_kibana(settings, kibana_url, list(kibana_objects), wait)
    click.echo("setup: done")
