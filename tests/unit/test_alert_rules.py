"""Alert rules files: validation that points at lines, the searches a rule is, hot reload."""

from __future__ import annotations

import logging

import pytest

from newsflow.core.alert_rules import MAX_SEARCHES_PER_RULE, RulesError, RulesFile, load_rules, parse_rules

LABELS = ["PERSON", "ORG", "GPE"]

GOOD = """\
rules:
  - name: kim
    entities: Kim Jong Un
  - name: korea-talks
    query: 'summit OR talks'
    any_entities: [Vladimir Putin, Xi Jinping]
    labels: [person]
    sources: [example.com, other.org]
    languages: [en]
    min_salience: 0.2
    topic: custom.topic
    once_per_story: false
"""


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(RulesError) as info:
        parse_rules(text, "rules.yaml", LABELS)
    return info.value.problems


def test_a_valid_file_gives_rules_with_defaults():
    kim, talks = parse_rules(GOOD, "rules.yaml", LABELS).rules
    assert kim.entities == ["Kim Jong Un"]  # a single string is a list of one
    assert kim.topic_name == "alerts.kim" and kim.once_per_story is True
    assert talks.topic_name == "custom.topic" and talks.once_per_story is False
    assert talks.labels == ["PERSON"]


def test_a_rule_is_the_union_of_one_search_per_combination_of_alternatives():
    talks = parse_rules(GOOD).rules[1]
    requests = talks.requests(ids=["a", "b"], limit=2)
    assert len(requests) == 2 * 1 * 2  # any_entities x labels x sources
    combos = {(r.entities[-1], r.label, r.source) for r in requests}
    assert combos == {(p, "PERSON", s) for p in ("Vladimir Putin", "Xi Jinping") for s in ("example.com", "other.org")}
    assert all(r.query == "summit OR talks" and r.ids == ["a", "b"] and r.min_salience == 0.2 for r in requests)


def test_every_problem_is_reported_with_its_line():
    text = """\
rules:
  - name: ok
    entities: [Kim Jong Un]
  - name: "has space"
    query: '"unclosed'
  - name: third
    entities: [X]
    min_salience: 3
    colour: red
  - name: ok
    labels: [PERSON, WIZARD]
"""
    found = problems(text)
    lines = {line for line, _ in found}
    assert {4, 5, 8, 9} <= lines, found
    text_of = {line: msg for line, msg in found}
    assert "rule name" in text_of[4]
    assert "never closed" in text_of[5]
    assert "less than or equal to 1" in text_of[8]
    assert "colour" in text_of[9] and "Extra inputs" in text_of[9]


def test_duplicate_names_unknown_labels_and_duplicate_keys_are_refused_with_lines():
    found = problems("rules:\n  - name: a\n    entities: [X]\n  - name: a\n    labels: [WIZARD]\n    labels: [PERSON]\n")
    messages = dict(found)
    assert "appears twice" in messages[6]
    found = problems("rules:\n  - name: a\n    entities: [X]\n  - name: a\n    labels: [WIZARD]\n")
    assert any(line == 4 and "already used by rule 1" in msg for line, msg in found)
    assert any(line == 5 and "unknown label 'WIZARD'" in msg for line, msg in found)


def test_yaml_syntax_errors_say_where():
    [(line, msg)] = problems("rules:\n  - name: a\n    entities: [X\n  - name: b\n")
    assert line is not None and line >= 3 and "not valid YAML" in msg


def test_rules_that_would_match_everything_or_explode_are_refused():
    [(line, msg)] = problems("rules:\n  - name: all\n    once_per_story: false\n")
    assert line == 2 and "at least one of" in msg
    [(line, msg)] = problems("rules:\n  - name: s\n    query: x\n    min_salience: 0.5\n")
    assert "min_salience applies to the rule's entities" in msg
    many = ", ".join(f"P{i}" for i in range(MAX_SEARCHES_PER_RULE + 1))
    [(line, msg)] = problems(f"rules:\n  - name: big\n    any_entities: [{many}]\n")
    assert "split the rule" in msg


def test_languages_take_regional_variants():
    rule = parse_rules("- name: en\n  query: x\n  languages: [en]\n").rules[0]
    assert rule.language_ok("en") and rule.language_ok("en-GB") and rule.language_ok("EN_us")
    assert not rule.language_ok("de") and not rule.language_ok(None)


def test_an_unreadable_file_is_a_rules_error(tmp_path):
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "missing.yaml")


def test_a_changed_file_is_reloaded_and_a_broken_one_keeps_the_previous_rules(tmp_path, caplog):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - name: one\n    query: alpha\n")
    rules = RulesFile(path, LABELS)
    assert [r.name for r in rules.current().rules] == ["one"]

    path.write_text("rules:\n  - name: one\n    query: alpha\n  - name: two\n    query: beta\n")
    assert [r.name for r in rules.current().rules] == ["one", "two"]
    assert rules.generation == 2

    with caplog.at_level(logging.ERROR, logger="newsflow.core.alert_rules"):
        path.write_text("rules:\n  - name: three\n    query: '\"broken'\n")
        assert [r.name for r in rules.current().rules] == ["one", "two"]
        assert [r.name for r in rules.current().rules] == ["one", "two"]  # checked again: still refused, logged once
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and "rules.yaml:3" in refused[0].getMessage()
    assert rules.refused is not None

    path.write_text("rules:\n  - name: three\n    query: gamma\n")
    assert [r.name for r in rules.current().rules] == ["three"] and rules.refused is None

    path.unlink()
    assert [r.name for r in rules.current().rules] == ["three"]


def test_a_broken_file_at_start_is_refused(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - name: x\n")
    with pytest.raises(RulesError, match=r"rules.yaml:2: rule 1: a rule needs"):
        RulesFile(path)


def test_one_pass_reports_schema_errors_unknown_labels_and_duplicate_names_together():
    found = problems("""\
rules:
  - name: kim
    entities: [Kim Jong Un]
    labels: [PERSN]
  - name: kim
    query: missile
    min_salience: 3
""")
    assert [line for line, _ in found] == [4, 5, 7]
    assert "unknown label 'PERSN'" in found[0][1]
    assert "already used by rule 1" in found[1][1]
    assert "min_salience" in found[2][1]


@pytest.mark.parametrize("field, value, expected", [
    ("sources", "[NOT A HOST]", "a source is a site's host name"),
    ("sources", "[https://example.com/]", "a source is a site's host name"),
    ("languages", "[klingon]", "ISO 639 code"),
    ("languages", "[xx]", "ISO 639 code"),
])
def test_sources_must_be_host_names_and_languages_iso_codes(field, value, expected):
    (line, message), = problems(f"rules:\n  - name: r\n    query: x\n    {field}: {value}\n")
    assert line == 4 and expected in message


def test_host_names_and_language_codes_with_regions_are_accepted():
    rules = parse_rules("rules:\n  - name: r\n    sources: [Example.COM, 127.0.0.1, news-site.co.uk]\n"
                        "    languages: [en, en-GB, deu, pt_BR]\n", known_labels=LABELS)
    assert rules.rules[0].sources == ["example.com", "127.0.0.1", "news-site.co.uk"]


@pytest.mark.parametrize("text", ["", "rules: []\n", "# only a comment\n"])
def test_a_file_without_rules_is_refused(text):
    (_, message), = problems(text)
    assert "defines no rules" in message
