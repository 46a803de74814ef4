"""The index template: one mapping for the test node and production, a text analyser option."""

from __future__ import annotations

from index.es_mapping import MAPPINGS, mappings, template_body


def test_the_default_template_uses_only_the_standard_analyser():
    props = template_body("news")["template"]["mappings"]["properties"]
    assert {props[f]["analyzer"] for f in ("title", "text", "keyphrases")} == {"standard"}


def test_a_production_analyser_applies_to_the_full_text_fields_only():
    props = template_body("news", "english")["template"]["mappings"]["properties"]
    assert {props[f]["analyzer"] for f in ("title", "text", "keyphrases")} == {"english"}
    assert props["entity_rows"] == MAPPINGS["properties"]["entity_rows"]  # filters keep folded keys
    assert MAPPINGS["properties"]["text"]["analyzer"] == "standard"  # the shared default is untouched


def test_the_standard_mapping_is_the_shared_one():
    assert mappings() is MAPPINGS
