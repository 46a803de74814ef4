"""Entity quality of newsflow against bare spaCy on the hand-annotated gold set, side by side.

    .venv/bin/python bench/bench_entities.py [--language en] [--errors]

Gold: ``tests/fixtures/entity_gold`` (short news articles written for the project, English plus
French and German, every entity annotated with its label and spellings). Both systems see the
same text, ``title + "\\n\\n" + body`` (``enrich.canonical.compose``):

- bare spaCy: the configured English model with its full default pipeline (``spacy.load``),
  its ``doc.ents`` on every article whatever its language, as a plain spaCy user would run it;
- newsflow: one ``Enricher`` (registry, gazetteer) with ``spacy_models`` English and French
  (``--spacy-models``), the articles carrying the language the ingest stage would detect: German
  has no model, so its articles get no entities, by design.

Scoring, per article: each system's entity set is the set of (label class, folded name) pairs,
with GPE and LOC both the class PLACE (PERSON, ORG, NORP as they are; other labels are not
scored). A pair is a true positive when a gold entity of that class has that folded name among
its spellings; several pairs matching one gold entity count once (a system is not punished
for naming an entity twice, nor rewarded); a pair matching no gold entity of its class is a
false positive; a gold entity no pair matched is a false negative. Micro-averaged over articles.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fixtures.entity_gold import GOLD, LABEL_CLASSES, GoldArticle  # noqa: E402

from enrich.canonical import compose  # noqa: E402
from enrich.enricher import Enricher  # noqa: E402
from newsflow.core.config import load_settings  # noqa: E402
from newsflow.core.contracts import Article, article_id, content_hash  # noqa: E402
from newsflow.core.names import fold  # noqa: E402

_CLASS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "NORP": "NORP"}


def label_class(label: str) -> str | None:
    """The scored class of a spaCy/newsflow label, or None for labels that are not scored."""
    return _CLASS.get(label)


def score_article(gold: GoldArticle, predicted: set[tuple[str, str]], counts: Counter,
                  errors: list[str] | None = None) -> None:
    """Add one article's true positives, false positives and false negatives per class to ``counts``."""
    spellings = [(g.label, {fold(n) for n in g.names}) for g in gold.entities]
    matched: set[int] = set()
    for cls, key in sorted(predicted):
        hit = next((i for i, (label, names) in enumerate(spellings) if label == cls and key in names), None)
        if hit is None:
            counts[cls, "fp"] += 1
            if errors is not None:
                errors.append(f"  FP {gold.slug}: {cls} {key!r}")
        elif hit not in matched:
            matched.add(hit)
            counts[cls, "tp"] += 1
    for i, g in enumerate(gold.entities):
        if i not in matched:
            counts[g.label, "fn"] += 1
            if errors is not None:
                errors.append(f"  FN {gold.slug}: {g.label} {g.names[0]!r}")


def prf(counts: Counter, classes) -> tuple[float, float, float]:
    tp = sum(counts[c, "tp"] for c in classes)
    fp = sum(counts[c, "fp"] for c in classes)
    fn = sum(counts[c, "fn"] for c in classes)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def spacy_sets(nlp, articles: list[GoldArticle]) -> list[set[tuple[str, str]]]:
    """Bare spaCy's (class, folded name) pairs per article."""
    out = []
    for doc in nlp.pipe(compose(a.title, a.text)[0] for a in articles):
        pairs = set()
        for ent in doc.ents:
            cls, key = label_class(ent.label_), fold(ent.text)
            if cls and key:
                pairs.add((cls, key))
        out.append(pairs)
    return out


def newsflow_sets(enricher: Enricher, articles: list[GoldArticle]) -> list[set[tuple[str, str]]]:
    """newsflow's (class, entity key) pairs per article, enriched as one stream."""
    records = []
    for a in articles:
        url = f"https://gold.example/{a.slug}"
        records.append(Article(id=article_id(url), url=url, canonical_url=url, source="gold.example",
                               title=a.title, text=a.text, language=a.language, content_hash=content_hash(a.text)))
    out = []
    for enriched in enricher.enrich(records):
        out.append({(cls, e.key) for e in enriched.entities if (cls := label_class(e.label))})
    return out


def table(name_a: str, a: Counter, name_b: str, b: Counter) -> list[str]:
    lines = [f"{'label':8} | {name_a:^22} | {name_b:^22} | ΔF1",
             f"{'':8} | {'P':>6} {'R':>6} {'F1':>6}   | {'P':>6} {'R':>6} {'F1':>6}   |"]
    for label in (*LABEL_CLASSES, "ALL"):
        classes = LABEL_CLASSES if label == "ALL" else (label,)
        pa, ra, fa = prf(a, classes)
        pb, rb, fb = prf(b, classes)
        support = sum(a[c, "tp"] + a[c, "fn"] for c in classes)
        lines.append(f"{label:8} | {pa:6.3f} {ra:6.3f} {fa:6.3f}   | {pb:6.3f} {rb:6.3f} {fb:6.3f}   | "
                     f"{fb - fa:+.3f}  (gold {support})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", help="score only the gold articles in this language (e.g. en)")
    parser.add_argument("--errors", action="store_true", help="list newsflow's false positives and negatives")
    parser.add_argument("--spacy-models", default='{"en": "en_core_web_sm", "fr": "fr_core_news_sm"}',
                        help="newsflow's spacy_models setting (JSON); French needs newsflow[french]")
    args = parser.parse_args()

    settings = load_settings(spacy_models=json.loads(args.spacy_models))
    enricher = Enricher(settings)
    bare = spacy.load(enricher.provenance.model)  # the English model, every component
    articles = GOLD
    ours = newsflow_sets(enricher, articles)
    theirs = spacy_sets(bare, articles)
    groups = {"all": range(len(articles))}
    for lang in sorted({a.language for a in articles}):
        groups[lang] = [i for i, a in enumerate(articles) if a.language == lang]
    if args.language:
        groups = {args.language: groups[args.language]}
    errors: list[str] = []
    for group, indexes in groups.items():
        c_spacy, c_ours = Counter(), Counter()
        for i in indexes:
            score_article(articles[i], theirs[i], c_spacy)
            score_article(articles[i], ours[i], c_ours, errors if args.errors and group != "all" else None)
        print(f"\n{group}: {len(indexes)} articles, "
              f"{sum(len(articles[i].entities) for i in indexes)} gold entities")
        print("\n".join(table("bare spaCy", c_spacy, "newsflow", c_ours)))
    if args.errors:
        print("\nnewsflow errors:")
        print("\n".join(errors))


if __name__ == "__main__":
    main()
