"""deploy/docker-compose.yml, deploy/.env.example and deploy/config/, checked without a Docker engine.

The compose file is validated against the Compose Specification JSON schema (vendored in
tests/schemas/), both as written and with the values of .env.example interpolated the way
Compose does; the rest are the operational rules of the deployment: health checks on every
long-running service, declared start order, memory limits, named volumes, and environment
names that are real newsflow settings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from newsflow.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
SCHEMA = ROOT / "tests" / "schemas" / "compose_spec.json"

ONE_SHOT = {"setup"}
OUR_SERVICES = {"setup", "ingest", "enrich", "index"}
# read by newsflow.core.config directly (the TOML file), not a field of Settings
EXTRA_NEWSFLOW_NAMES = {"NEWSFLOW_CONFIG"}

_VAR = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")


def load_env_example() -> dict[str, str]:
    """The KEY=VALUE lines of .env.example (comments and blank lines skipped)."""
    env = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: not KEY=VALUE: {line!r}"
            env[key.strip()] = value.strip()
    return env


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable substitution: ${V}, ${V:-d}, ${V-d}, ${V:?e}, ${V?e}, $V, and $$ for a literal $."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        m = _VAR.match(text, i)
        if not m:
            out.append(text[i])
            i += 1
            continue
        name = m.group("name") or m.group("bare")
        op, arg = m.group("op"), m.group("arg")
        value = env.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                value = arg
        elif op in (":?", "?"):
            if value is None or (op == ":?" and value == ""):
                raise KeyError(f"required variable {name} is not set: {arg}")
        elif value is None:
            value = ""
        out.append(value)
        i = m.end()
    return "".join(out)


def variables(text: str) -> dict[str, str | None]:
    """Every interpolated variable of the compose text and its operator (None: plain ${V})."""
    found: dict[str, str | None] = {}
    for m in _VAR.finditer(text.replace("$$", "")):
        found[m.group("name") or m.group("bare")] = m.group("op")
    return found


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text) -> dict:
    return yaml.safe_load(compose_text)


def interpolate_tree(node, env: dict[str, str]):
    """Interpolate every string of the parsed file, as Compose does (values stay strings)."""
    if isinstance(node, dict):
        return {interpolate(k, env) if isinstance(k, str) else k: interpolate_tree(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(v, env) for v in node]
    return interpolate(node, env) if isinstance(node, str) else node


@pytest.fixture(scope="module")
def interpolated(compose) -> dict:
    return interpolate_tree(compose, load_env_example())


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # the file names draft 2019-09 by a non-canonical URI ("http://.../draft/2019-09/schema#")
    assert "2019-09" in schema["$schema"]
    cls = jsonschema.Draft201909Validator
    cls.check_schema(schema)
    # no format checker: Compose's "duration" is Go's (10s, 2m), not the ISO 8601 that jsonschema checks
    return cls(schema)


def _errors(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


# --------------------------------------------------------------------------- the Compose Specification


def test_the_compose_file_validates_against_the_compose_specification(validator, compose):
    assert _errors(validator, compose) == []


def test_the_compose_file_still_validates_once_env_example_is_interpolated(validator, interpolated):
    assert _errors(validator, interpolated) == []


def test_the_schema_check_catches_a_broken_compose_file(validator, compose):
    """The validation is not vacuous: typos and wrong shapes are refused."""
    broken = json.loads(json.dumps(compose))
    broken["services"]["enrich"]["healthchek"] = broken["services"]["enrich"].pop("healthcheck")
    broken["services"]["index"]["depends_on"]["setup"]["condition"] = "service_done"
    errors = _errors(validator, broken)
    assert any("healthchek" in e for e in errors)
    assert any("service_done" in e for e in errors)


def test_every_required_variable_is_set_in_env_example(compose_text):
    env = load_env_example()
    required = {name for name, op in variables(compose_text).items() if op in (":?", "?", None)}
    assert required, "the compose file requires its secrets to be set"
    assert sorted(required - env.keys()) == []


def test_env_example_sets_no_variable_the_compose_file_does_not_use(compose_text):
    """Every non-NEWSFLOW_ line of .env.example configures something in the compose file."""
    used = set(variables(compose_text))
    # COMPOSE_*: read by docker compose itself
    unused = {k for k in load_env_example() if not k.startswith(("NEWSFLOW_", "COMPOSE_")) and k not in used}
    assert sorted(unused) == []


# --------------------------------------------------------------------------- services


def test_the_stack_has_the_services_the_issue_names(compose):
    assert set(compose["services"]) == {"kafka", "elasticsearch", "kibana", "setup", "ingest", "enrich", "index"}
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:${KAFKA_VERSION:-4.")
    es, kibana = compose["services"]["elasticsearch"]["image"], compose["services"]["kibana"]["image"]
    assert es.startswith("docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:-8.")
    assert es.split(":", 1)[1] == kibana.split(":", 1)[1], "Kibana runs the same version as Elasticsearch"


def test_kafka_runs_in_kraft_mode_without_zookeeper(interpolated):
    env = interpolated["services"]["kafka"]["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from `newsflow setup`"


def test_elasticsearch_security_is_on_unless_switched_off_explicitly(compose, interpolated):
    assert interpolated["services"]["elasticsearch"]["environment"]["xpack.security.enabled"] == "true"
    off = interpolate_tree(compose, {**load_env_example(), "ES_SECURITY": "false"})
    assert off["services"]["elasticsearch"]["environment"]["xpack.security.enabled"] == "false"
    assert "${ELASTIC_PASSWORD:?" in compose["services"]["elasticsearch"]["environment"]["ELASTIC_PASSWORD"]


def test_every_long_running_service_has_a_healthcheck_and_a_restart_policy(interpolated):
    for name, svc in interpolated["services"].items():
        if name in ONE_SHOT:
            assert svc["restart"] == "no", f"{name} is one-shot: it must not be restarted after exiting 0"
            continue
        check = svc.get("healthcheck")
        assert check and not check.get("disable") and check.get("test"), f"{name} has no healthcheck"
        assert svc.get("restart") in ("unless-stopped", "always", "on-failure"), f"{name} has no restart policy"


def test_our_stage_services_check_their_own_healthz(interpolated):
    for name in OUR_SERVICES - ONE_SHOT:
        svc = interpolated["services"][name]
        assert "--port" in svc["command"] and "9100" in svc["command"], name
        assert any("127.0.0.1:9100/healthz" in part for part in svc["healthcheck"]["test"]), name


def test_start_order_is_declared_with_conditions(interpolated):
    services = interpolated["services"]
    for name, svc in services.items():
        for dep, spec in (svc.get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            assert isinstance(spec, dict) and "condition" in spec, f"{name} -> {dep}: no condition"
            if spec["condition"] == "service_healthy":
                assert services[dep].get("healthcheck", {}).get("test"), f"{name} waits for {dep}'s health, which has none"
            if spec["condition"] == "service_completed_successfully":
                assert dep in ONE_SHOT, f"{name} waits for {dep} to exit, but {dep} runs forever"
    for stage in ("ingest", "enrich", "index"):
        assert services[stage]["depends_on"]["setup"]["condition"] == "service_completed_successfully"
    setup = services["setup"]["depends_on"]
    assert setup["kafka"]["condition"] == setup["elasticsearch"]["condition"] == "service_healthy"
    assert services["kibana"]["depends_on"]["elasticsearch"]["condition"] == "service_healthy"


def test_setup_prepares_topics_index_and_kibana_then_exits(interpolated):
    setup = interpolated["services"]["setup"]
    command = setup["command"]
    assert command[0] == "setup"
    assert command[command.index("--kibana-url") + 1] == "http://kibana:5601"
    # where the Dockerfile puts deploy/kibana/*.ndjson
    assert command[command.index("--kibana-objects") + 1] == "/opt/newsflow/kibana"
    assert "COPY deploy/kibana/*.ndjson /opt/newsflow/kibana/" in (ROOT / "Dockerfile").read_text()
    assert setup["environment"]["KIBANA_SYSTEM_PASSWORD"] == load_env_example()["KIBANA_SYSTEM_PASSWORD"]


def test_every_service_has_a_memory_limit(interpolated):
    for name, svc in interpolated["services"].items():
        assert re.fullmatch(r"\d+[kmg]?", str(svc["deploy"]["resources"]["limits"]["memory"])), name


def test_our_services_share_one_image_built_from_the_dockerfile(interpolated):
    images = {interpolated["services"][n]["image"] for n in OUR_SERVICES}
    assert len(images) == 1
    for name in OUR_SERVICES:
        build = interpolated["services"][name]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == ROOT / "Dockerfile"


def test_enrich_and_index_can_be_scaled(interpolated):
    """`--scale enrich=3` needs no fixed container name and no fixed host port."""
    for name in ("enrich", "index"):
        svc = interpolated["services"][name]
        assert "container_name" not in svc and "ports" not in svc, name


def test_state_lives_on_declared_named_volumes_and_config_is_mounted_read_only(interpolated):
    declared = set(interpolated["volumes"])
    for name, svc in interpolated["services"].items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name}: volume {source} is not declared"
    for name in ("kafka", "elasticsearch", "ingest", "enrich", "index"):
        assert any(not v.startswith((".", "/")) for v in interpolated["services"][name]["volumes"]), name
    assert "./config:/etc/newsflow:ro" in interpolated["services"]["ingest"]["volumes"]
    assert "./config:/etc/newsflow:ro" in interpolated["services"]["index"]["volumes"]
    # setup reads the alert rules too (it creates their topics)
    assert "./config:/etc/newsflow:ro" in interpolated["services"]["setup"]["volumes"]


# --------------------------------------------------------------------------- environment names


def _settings_env_names() -> set[str]:
    return {f"NEWSFLOW_{name.upper()}" for name in Settings.model_fields} | EXTRA_NEWSFLOW_NAMES


def test_every_newsflow_name_in_the_compose_file_and_env_example_is_a_setting(compose_text):
    used = set(re.findall(r"NEWSFLOW_[A-Z0-9_]+", compose_text + ENV_EXAMPLE.read_text(encoding="utf-8")))
    assert used, "the deployment configures newsflow through NEWSFLOW_* settings"
    assert sorted(used - _settings_env_names()) == []


def test_env_example_documents_every_setting():
    """A setting added to newsflow/core/config.py needs its line in deploy/.env.example (commented, with its default)."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    documented = set(re.findall(r"NEWSFLOW_[A-Z0-9_]+", text))
    missing = _settings_env_names() - EXTRA_NEWSFLOW_NAMES - documented
    assert sorted(missing) == [], "add these to deploy/.env.example"


def test_the_wiring_values_are_valid_settings(interpolated):
    """What compose sets for the services parses as newsflow settings (types, enums)."""
    for name in OUR_SERVICES:
        env = {k: str(v) for k, v in interpolated["services"][name]["environment"].items() if k.startswith("NEWSFLOW_")}
        settings = Settings(**{k.removeprefix("NEWSFLOW_").lower(): v for k, v in env.items()})
        assert settings.bus == "kafka" and settings.index == "elasticsearch"
        assert settings.kafka_bootstrap == "kafka:9092" and settings.es_url == "http://elasticsearch:9200"


# --------------------------------------------------------------------------- mounted configuration


def test_the_feeds_file_is_a_valid_feed_list():
    from ingest.feeds import load_feed_sources

    feeds = load_feed_sources([str(DEPLOY / "config" / "feeds.txt")])
    assert feeds and all(f.startswith("https://") for f in feeds)


def test_the_example_alert_rules_file_is_valid():
    alert_rules = pytest.importorskip("newsflow.core.alert_rules")
    rules = alert_rules.load_rules(DEPLOY / "config" / "alerts.yml", known_labels=Settings().entity_labels)
    assert len(rules) >= 1
    assert "/etc/newsflow/alerts.yml" in ENV_EXAMPLE.read_text(encoding="utf-8")


SECRETS = {"ELASTIC_PASSWORD", "KIBANA_SYSTEM_PASSWORD", "KIBANA_ENCRYPTION_KEY", "NEWSFLOW_ES_PASSWORD", "NEWSFLOW_ES_API_KEY"}


def _container_env(service: dict) -> dict[str, str]:
    """What a container of ours sees: .env (env_file), overridden by the service's environment."""
    assert service["env_file"] == ".env"
    return {**load_env_example(), **{k: str(v) for k, v in service["environment"].items()}}


@pytest.mark.parametrize("name, uses", [
    ("ingest", set()), ("enrich", set()),
    ("index", {"NEWSFLOW_ES_PASSWORD"}),
    ("setup", {"NEWSFLOW_ES_PASSWORD", "KIBANA_SYSTEM_PASSWORD"}),
])
def test_each_container_gets_only_the_secrets_it_uses(interpolated, name, uses):
    env = _container_env(interpolated["services"][name])
    assert {k for k in SECRETS if env.get(k)} == uses
    if "NEWSFLOW_ES_PASSWORD" in uses:
        assert env["NEWSFLOW_ES_PASSWORD"] == load_env_example()["ELASTIC_PASSWORD"]
