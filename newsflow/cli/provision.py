"""Provisioning of the distributed deployment for ``newsflow setup``: Kafka topics, the
Elasticsearch template and index, Kibana's saved objects. Each step waits (with jittered
backoff) for a service that is still starting, up to the ``--wait`` the operator gave."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception_type, stop_after_delay, wait_random_exponential

from index import open_index
from newsflow.core.alert_rules import RulesError, load_rules
from newsflow.core.bus import COMPACTED, bus_class, open_bus
from newsflow.core.config import Settings
from newsflow.kibana import KibanaClient, KibanaError, saved_object_files

try:
    from elastic_transport import TransportError
    from elasticsearch import exceptions as es_exc
except ImportError as exc:  # the elasticsearch client is the optional extra `distributed`
    if exc.name is None or not exc.name.startswith(("elasticsearch", "elastic_transport")):
        raise
    TransportError = es_exc = None  # type: ignore[assignment,misc]  # open_index refuses the setting first

T = TypeVar("T")
#: the longest pause between two attempts (random below it: several setups never retry in step)
MAX_PAUSE = 4.0


def retrying(what: str, step: Callable[[], T], wait: float, transient: tuple[type[BaseException], ...]) -> T:
    """Run ``step`` until it succeeds or ``wait`` seconds passed (services may still be starting)."""

    def waiting(state: RetryCallState) -> None:
        click.echo(f"{what}: waiting ({type(state.outcome.exception()).__name__})", err=True)

    try:
        return Retrying(stop=stop_after_delay(wait), wait=wait_random_exponential(multiplier=0.5, max=MAX_PAUSE),
                        retry=retry_if_exception_type(transient), before_sleep=waiting)(step)
    except RetryError as failed:
        exc = failed.last_attempt.exception()
        raise click.ClickException(f"{what}: not reachable after {wait:.0f} s: {type(exc).__name__}: {exc}") from None


def setup_topics(settings: Settings, wait: float) -> None:
    """Create the stage topics with the configured partitions and replication (existing ones stay)."""
    topics = [settings.topic(t) for t in (settings.topic_articles, settings.topic_enriched, settings.topic_deadletter)]
    # where enrich workers share the entity registry and the stories (enrich/replica.py)
    state_topics = [settings.topic(t) for t in (settings.topic_entity_state, settings.topic_story_state)]
    if settings.alert_rules:
        # alert topics exist before the first alert, so consumers can subscribe from the start
        try:
            rules = load_rules(settings.alert_rules, known_labels=settings.entity_labels)
        except (OSError, RulesError) as exc:
            raise click.ClickException(f"alert rules: {exc}") from None
        topics += [settings.topic(rule.topic_name) for rule in rules.rules]

    def step() -> set[str]:
        bus = open_bus(settings)
        try:
            existing = bus.topic_names()
            bus.ensure_topics(topics)  # the code path the stages use on first publish/consume
            bus.ensure_topics(state_topics, COMPACTED)
        finally:
            bus.close()
        return existing

    transient = (*bus_class(settings).unavailable_errors, OSError)
    existing = retrying(f"Kafka at {settings.kafka_bootstrap}", step, wait, transient)
    for t in topics + state_topics:
        compacted = ", compacted" if t in state_topics else ""
        state = "exists (left as it is)" if t in existing else (
            f"created ({settings.kafka_partitions} partitions, replication {settings.kafka_replication}{compacted})")
        click.echo(f"topic {t}: {state}")


def setup_index(settings: Settings, wait: float, kibana_system_password: str | None) -> None:
    """Put the index template and create the first index behind the alias (unless the alias exists)."""
    ix = open_index(settings)
    try:
        retrying(f"Elasticsearch at {settings.es_url}", ix.health, wait, (TransportError,))
        ix.ensure()  # the code path the index stage runs on its first write
        target = sorted(ix.client.indices.get_alias(name=settings.es_alias))
        click.echo(f"index template {ix.template_name}: applied; alias {settings.es_alias} -> {', '.join(target)}")
        if kibana_system_password:
            # Kibana logs in as the built-in kibana_system user, whose password only the API can set
            try:
                ix.client.security.change_password(username="kibana_system", password=kibana_system_password)
                click.echo("kibana_system password: set")
            except es_exc.ApiError as exc:
                # with xpack.security.enabled=false, 8.x registers no _security handlers at all
                text = str(exc)
                if ("no handler found" in text and "_security" in text) or "Security must be explicitly enabled" in text:
                    click.echo("kibana_system password: security is off on this cluster, nothing to set")
                else:
                    raise click.ClickException(f"setting the kibana_system password: {exc}") from None
    finally:
        ix.close()


def setup_kibana(settings: Settings, url: str, objects: list[Path], wait: float) -> None:
    """Import the saved objects of ``objects`` (NDJSON files or directories of them) into Kibana at ``url``."""
    kibana = KibanaClient(url, username=settings.es_username, password=settings.es_password,
                          api_key=settings.es_api_key, ca_certs=settings.es_ca_certs)
    try:
        files = saved_object_files(objects)
        kibana.wait_available(wait)
        for path in files:
            report = kibana.import_file(path)
            click.echo(f"kibana {path.name}: {report.success_count} saved object(s) imported")
    except KibanaError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        kibana.close()
