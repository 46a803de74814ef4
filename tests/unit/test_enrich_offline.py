"""Offline enrichment: ``newsflow enrich --in ARTICLES.jsonl --out ENRICHED.jsonl``."""

from __future__ import annotations

import json

import pytest

from enrich.enricher import Enricher
from enrich.offline import BadRecord, article_from_record, enrich_jsonl
from newsflow.core.config import DEFAULT_LABELS, Settings
from newsflow.core.contracts import EnrichedArticle, article_id, content_hash


def settings(**overrides) -> Settings:
    values = {"spacy_model": "en_core_web_sm", "entity_labels": list(DEFAULT_LABELS), "enrich_batch_size": 2}
    return Settings(**(values | overrides))


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(settings())


GOOD = [
    {"url": "https://www.example.com/putin", "title": "Putin Meets Kim", "text": "Vladimir Putin met Kim Jong Un in Vladivostok."},
    {"url": "https://news.example.org/xi", "title": "", "text": "Xi Jinping visited Xi'an on Monday."},
    {"url": "https://example.net/empty", "text": ""},
    {"url": "https://example.net/merkel", "title": "Merkel", "text": "Angela Merkel spoke in Berlin."},
]


def write_lines(path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_records_with_only_url_title_and_text_are_enriched(tmp_path, enricher):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(src, [json.dumps(r) for r in GOOD])

    written = enrich_jsonl(src, dst, settings(), progress=False, enricher=enricher)

    assert written == len(GOOD)
    out = [EnrichedArticle.from_json(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [a.url for a in out] == [r["url"] for r in GOOD]  # input order, across batches of 2
    first = out[0]
    assert first.canonical_url == first.url
    assert first.id == article_id(first.url)
    assert first.source == "example.com"  # host without www.
    assert first.content_hash == content_hash(GOOD[0]["text"])
    assert first.fetched_at is not None
    assert first.entities[0].key == "vladimir putin" and first.entities[0].in_title
    assert out[1].source == "news.example.org"
    assert out[2].entities == [] and out[2].title == ""


def test_bad_lines_are_reported_with_their_line_number_and_skipped(tmp_path, enricher, capsys):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(
        src,
        [
            json.dumps(GOOD[0]),
            "{not json",  # line 2
            json.dumps({"url": "https://example.com/no-text", "title": "No text"}),  # line 3
            "",  # a blank line is layout, not an error
            json.dumps(["not", "an", "object"]),  # line 5
            json.dumps(GOOD[3]),
        ],
    )

    written = enrich_jsonl(src, dst, settings(), progress=False, enricher=enricher)

    assert written == 2
    assert [json.loads(line)["url"] for line in dst.read_text().splitlines()] == [GOOD[0]["url"], GOOD[3]["url"]]
    err = capsys.readouterr().err
    assert "in.jsonl:2: skipped: invalid JSON" in err
    assert "in.jsonl:3: skipped: missing 'text'" in err
    assert "in.jsonl:5: skipped" in err
    assert ":4:" not in err
    assert "skipped 3 bad lines" in err


def test_an_article_that_fails_to_enrich_costs_only_itself(tmp_path, enricher, monkeypatch, capsys):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(src, [json.dumps(r) for r in GOOD])
    real_enrich = enricher.enrich

    def enrich(articles):
        if any("Xi Jinping" in a.text for a in articles):
            raise RuntimeError("poison")
        return real_enrich(articles)

    monkeypatch.setattr(enricher, "enrich", enrich)
    written = enrich_jsonl(src, dst, settings(), progress=False, enricher=enricher)

    assert written == 3
    assert "in.jsonl:2: skipped: enrichment failed: RuntimeError: poison" in capsys.readouterr().err


def test_progress_bar_goes_to_stderr(tmp_path, enricher, capsys):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(src, [json.dumps(r) for r in GOOD[:2]])

    assert enrich_jsonl(src, dst, settings(), progress=True, enricher=enricher) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2/2" in captured.err and "enriched 2 articles" in captured.err


def test_the_enricher_is_built_from_settings_when_not_given(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(src, [json.dumps(GOOD[3])])
    assert enrich_jsonl(src, dst, settings(entity_labels=["GPE"]), progress=False) == 1
    (record,) = [EnrichedArticle.from_json(line) for line in dst.read_text().splitlines()]
    assert [e.name for e in record.entities] == ["Berlin"]


def test_fields_given_in_the_record_are_kept():
    article = article_from_record(
        {"url": "https://www.example.com/a?utm=x", "canonical_url": "https://example.com/a", "text": "t",
         "source": "Example News", "authors": ["A. Writer"]}
    )
    assert article.id == article_id("https://example.com/a")
    assert article.source == "Example News" and article.authors == ["A. Writer"]


@pytest.mark.parametrize(
    "record",
    [{"title": "no url", "text": "t"}, {"url": "https://example.com", "text": 3}, {"url": "https://example.com",
     "text": "t", "published_at": "not a date"}, "just a string"],
)
def test_records_that_cannot_be_articles_are_bad(record):
    with pytest.raises(BadRecord):
        article_from_record(record)
