"""Enrichment: spaCy named entities -> canonical per-article entities -> ``EnrichedArticle``.

Modules (import them directly; this package stays import-light so that ``enrich.stage``
does not pull spaCy in until an enricher is actually built):

- ``enrich.model``: load the spaCy pipeline with only what NER needs, once per process.
- ``enrich.canonical``: turn one Doc into the article's canonical entities.
- ``enrich.enricher``: ``Enricher.enrich(articles)``, the batch path used by the stage.
- ``enrich.offline``: ``enrich_jsonl(...)`` behind ``newsflow enrich --in --out``.
"""
