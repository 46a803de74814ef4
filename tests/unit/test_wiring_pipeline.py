"""``wiring.pipeline`` starts the enrich process first (its start-up is the longest), so a part
that cannot be built after it must not leave that process, or anything else, behind."""

from __future__ import annotations

import multiprocessing

import pytest

from newsflow import wiring
from newsflow.core.alert_rules import RulesError
from newsflow.core.config import Settings


def test_a_pipeline_that_cannot_be_built_leaves_no_enrich_process_behind(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rule]]\nname = \n", encoding="utf-8")  # not TOML
    settings = Settings(data_dir=tmp_path / "data", alert_rules=rules)
    with pytest.raises(RulesError):
        wiring.pipeline(settings, show_progress=False)
    assert [p for p in multiprocessing.active_children() if p.name == "newsflow-enrich"] == []
