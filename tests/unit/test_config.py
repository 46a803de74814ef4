"""Settings come from flags, then env vars, then a TOML file, then defaults."""

from pathlib import Path

from newsflow.config import load_settings


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
