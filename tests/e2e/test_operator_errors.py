"""Every configuration or connection failure is one line on stderr that names the setting or the
endpoint, with exit status 2 (usage, configuration) or 1 (a service out of reach); ``--debug``
brings the traceback back. Each case runs the real CLI in a subprocess."""

from __future__ import annotations

import subprocess

import pytest

from cli_support import CLI, free_port


def run(cli: CLI, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    cli.env.update(env or {})
    return cli(*args, check=False, timeout=timeout)


def assert_one_clear_line(proc: subprocess.CompletedProcess, status: int, *names: str) -> None:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == status, proc.stderr
    assert 1 <= len(lines) <= 3, proc.stderr
    assert "Traceback" not in proc.stderr
    for name in names:
        assert name in proc.stderr, proc.stderr


@pytest.fixture
def cli(tmp_path) -> CLI:
    data = tmp_path / "data"
    data.mkdir()
    return CLI(data)


# ----------------------------------------------------------------------------- configuration: exit 2
def test_a_toml_syntax_error_names_the_file_and_the_line(cli, tmp_path):
    config = tmp_path / "newsflow.toml"
    config.write_text('data_dir = "x"\npoll_interval = \n')
    proc = run(cli, "feeds", "list", env={"NEWSFLOW_CONFIG": str(config)})
    assert_one_clear_line(proc, 2, str(config), "line 2")


def test_a_value_of_the_wrong_type_in_the_file_names_the_key_and_the_file(cli, tmp_path):
    config = tmp_path / "newsflow.toml"
    config.write_text('poll_interval = "fast"\n')
    proc = run(cli, "feeds", "list", env={"NEWSFLOW_CONFIG": str(config)})
    assert_one_clear_line(proc, 2, "poll_interval", str(config), "'fast'")


@pytest.mark.parametrize("var, value, expected", [
    ("NEWSFLOW_INDEX", "elastic", "'embedded' or 'elasticsearch'"),
    ("NEWSFLOW_BUS", "rabbit", "'embedded' or 'kafka'"),
    ("NEWSFLOW_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING"),
    ("NEWSFLOW_ENTITY_LABELS", "PERSON,ORG", "JSON"),
    ("NEWSFLOW_POLL_INTERVAL", "fast", "number"),
])
def test_a_bad_environment_value_names_the_variable_and_what_it_takes(cli, var, value, expected):
    proc = run(cli, "feeds", "list", env={var: value})
    assert_one_clear_line(proc, 2, var, expected)


def test_a_missing_config_file_is_an_error_not_the_defaults(cli, tmp_path):
    proc = run(cli, "feeds", "list", env={"NEWSFLOW_CONFIG": str(tmp_path / "nope.toml")})
    assert_one_clear_line(proc, 2, "NEWSFLOW_CONFIG", "nope.toml", "no such file")


def test_an_unknown_key_in_the_file_is_refused_with_the_likely_spelling(cli, tmp_path):
    config = tmp_path / "newsflow.toml"
    config.write_text('data_dri = "/srv/newsflow"\n')
    proc = run(cli, "feeds", "list", env={"NEWSFLOW_CONFIG": str(config)})
    assert_one_clear_line(proc, 2, "data_dri", "did you mean data_dir?")


def test_an_unknown_environment_variable_is_refused_with_the_likely_spelling(cli):
    proc = run(cli, "feeds", "list", env={"NEWSFLOW_DATADIR": "/srv/newsflow"})
    assert_one_clear_line(proc, 2, "NEWSFLOW_DATADIR", "NEWSFLOW_DATA_DIR")


def test_debug_brings_the_traceback_back(cli):
    proc = run(cli, "--debug", "feeds", "list", env={"NEWSFLOW_INDEX": "elastic"})
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_log_level_debug_brings_the_traceback_of_a_connection_failure_back(cli):
    url = f"http://127.0.0.1:{free_port()}"
    proc = run(cli, "search", "kim", env={"NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_ES_URL": url,
                                           "NEWSFLOW_LOG_LEVEL": "DEBUG"})
    assert proc.returncode != 0 and "Traceback" in proc.stderr and "ConnectionError" in proc.stderr


# ----------------------------------------------------------------------------- read-only commands: exit 2
@pytest.mark.parametrize("args", [("search", "kim"), ("serve", "--port", "0"), ("feeds", "list"),
                                  ("topic", "read", "news.articles", "--until-idle"), ("deadletter", "list")])
def test_read_only_commands_refuse_a_data_dir_that_does_not_exist(cli, tmp_path, args):
    proc = run(cli, *args, "--data-dir", str(tmp_path / "mistyped"))
    assert_one_clear_line(proc, 2, "mistyped", "does not exist")
    assert not (tmp_path / "mistyped").exists()


def test_topic_read_refuses_a_mistyped_topic_and_suggests_the_real_one(cli):
    from newsflow.core.bus.embedded import SQLiteBus

    bus = SQLiteBus(cli.data_dir / "bus.db")
    bus.publish("news.articles", "a", b"{}")
    bus.close()
    proc = run(cli, "topic", "read", "news.artcles", "--until-idle")
    assert_one_clear_line(proc, 2, "news.artcles", "did you mean news.articles?")


def test_topic_read_says_what_it_waits_for(cli):
    from newsflow.core.bus.embedded import SQLiteBus

    SQLiteBus(cli.data_dir / "bus.db").close()
    proc = run(cli, "topic", "read", "news.articles", "--until-idle", "--idle", "0.5")
    assert proc.returncode == 0, proc.stderr
    assert "reading news.articles on the embedded bus for new records" in proc.stderr


# ----------------------------------------------------------------------------- services out of reach: exit 1
KAFKA_DOWN = {"NEWSFLOW_BUS": "kafka", "NEWSFLOW_KAFKA_CONNECT_TIMEOUT": "3"}


@pytest.mark.parametrize("args", [
    ("run", "--once", "--feeds", "http://127.0.0.1:9/feed.xml", "--no-progress"),
    ("topic", "read", "news.articles", "--until-idle"),
    ("alerts", "webhook", "--topic", "alerts.kim", "--url", "http://127.0.0.1:9/hook", "--until-idle"),
    ("deadletter", "list"),
])
def test_kafka_unreachable_is_one_line_naming_the_bootstrap_setting(cli, args):
    port = free_port()  # nothing listens there
    proc = run(cli, *args, env={**KAFKA_DOWN, "NEWSFLOW_KAFKA_BOOTSTRAP": f"127.0.0.1:{port}"})
    assert_one_clear_line(proc, 1, f"127.0.0.1:{port}", "NEWSFLOW_KAFKA_BOOTSTRAP", "Connection refused")
    assert "KafkaConnectError: KafkaConnectError" not in proc.stderr


@pytest.mark.parametrize("args", [("search", "kim"),
                                  ("run", "--once", "--feeds", "http://127.0.0.1:9/feed.xml", "--no-progress")])
def test_elasticsearch_unreachable_is_one_line_naming_the_url_setting(cli, args):
    url = f"http://127.0.0.1:{free_port()}"
    proc = run(cli, *args, env={"NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_ES_URL": url})
    # `run` may also log one line about the feed it could not read before the index is needed
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 3, proc.stderr
    assert url in proc.stderr and "NEWSFLOW_ES_URL" in proc.stderr


def test_serve_answers_503_with_the_reason_when_elasticsearch_is_down(cli, tmp_path):
    import time

    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{free_port()}"
    cli.env.update({"NEWSFLOW_INDEX": "elasticsearch", "NEWSFLOW_ES_URL": url})
    service = cli.popen("serve", "--port", str(port))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                api = httpx.get(f"http://127.0.0.1:{port}/api/search?q=kim", timeout=30)
                break
            except httpx.TransportError:
                assert service.poll() is None and time.monotonic() < deadline, service.stderr_text()
                time.sleep(0.3)
        page = httpx.get(f"http://127.0.0.1:{port}/?q=kim", timeout=30)
    finally:
        service.terminate()
        service.wait(timeout=30)
    assert api.status_code == 503 and "NEWSFLOW_ES_URL" in api.json()["detail"] and url in api.json()["detail"]
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "NEWSFLOW_ES_URL" in page.text and "Traceback" not in service.stderr_text()


def test_setup_refuses_the_example_passwords_of_env_example(cli):
    proc = run(cli, "setup", env={"NEWSFLOW_ES_PASSWORD": "change-me-elastic", "KIBANA_SYSTEM_PASSWORD": "change-me-kibana"})
    assert_one_clear_line(proc, 2, "ELASTIC_PASSWORD", "KIBANA_SYSTEM_PASSWORD", "example value")
