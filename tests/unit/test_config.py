"""Settings come from flags, then env vars, then a TOML file, then defaults."""

from pathlib import Path

import pytest

from newsflow.core.config import ConfigError, load_settings


def test_defaults_are_the_embedded_single_machine_deployment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert (s.bus, s.index, s.data_dir, s.allow_private_hosts) == ("embedded", "embedded", Path("newsflow-data"), False)
    assert s.spacy_model == "en_core_web_sm"
    assert s.entity_labels == ["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"]


def test_env_overrides_toml_and_flags_override_env(monkeypatch, tmp_path):
    toml = tmp_path / "nf.toml"
    toml.write_text('data_dir = "/from/toml"\nspacy_model = "en_core_web_md"\npoll_interval = 60\n')
    monkeypatch.setenv("NEWSFLOW_CONFIG", str(toml))
    monkeypatch.setenv("NEWSFLOW_DATA_DIR", "/from/env")
    s = load_settings()
    assert s.data_dir == Path("/from/env") and s.spacy_model == "en_core_web_md" and s.poll_interval == 60
    assert load_settings(data_dir=Path("/from/flag")).data_dir == Path("/from/flag")


def test_unset_flags_do_not_hide_env(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_ALLOW_PRIVATE_HOSTS", "1")
    assert load_settings(allow_private_hosts=None).allow_private_hosts is True


def test_a_toml_file_in_the_working_directory_is_read(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSFLOW_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "newsflow.toml").write_text('entity_labels = ["PERSON"]\n')
    assert load_settings().entity_labels == ["PERSON"]


def test_topics_carry_the_deployment_prefix(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_TOPIC_PREFIX", "staging.")
    s = load_settings()
    assert s.topic(s.topic_articles) == "staging.news.articles"


def test_a_missing_config_file_is_an_error_not_the_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSFLOW_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="NEWSFLOW_CONFIG=.*nope.toml: no such file"):
        load_settings()


@pytest.mark.parametrize("text, expected", [
    ('data_dri = "/srv"\n', "data_dri in .*nf.toml: no such setting; did you mean data_dir"),
    ('bus = "kafka"\nindex = \n', r"nf.toml: TOML syntax error: .*line 2"),
])
def test_an_unknown_key_or_a_syntax_error_in_the_file_is_one_line_naming_it(monkeypatch, tmp_path, text, expected):
    toml = tmp_path / "nf.toml"
    toml.write_text(text)
    monkeypatch.setenv("NEWSFLOW_CONFIG", str(toml))
    with pytest.raises(ConfigError, match=expected):
        load_settings()


def test_an_unknown_newsflow_variable_is_an_error_but_the_tools_own_are_not(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_KAFKA_DIR", "/tmp/kafka")  # read by deploy/local/kafka.sh
    load_settings()
    monkeypatch.setenv("NEWSFLOW_DATADIR", "/srv")
    with pytest.raises(ConfigError, match="NEWSFLOW_DATADIR: no such setting; did you mean NEWSFLOW_DATA_DIR"):
        load_settings()


@pytest.mark.parametrize("var, value, expected", [
    ("NEWSFLOW_LOG_LEVEL", "LOUD", "NEWSFLOW_LOG_LEVEL 'LOUD': use one of DEBUG, INFO"),
    ("NEWSFLOW_ENTITY_LABELS", "PERSON,ORG", "NEWSFLOW_ENTITY_LABELS: not valid JSON"),
    ("NEWSFLOW_POLL_INTERVAL", "fast", "NEWSFLOW_POLL_INTERVAL 'fast': Input should be a valid number"),
])
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, var, value, expected):
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value).startswith(expected) and "\n" not in str(info.value)


def test_log_levels_are_case_insensitive(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"
