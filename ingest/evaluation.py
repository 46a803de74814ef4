"""How extraction quality is scored, for the benchmark and the quality gate alike.

Three measures:
- passages, as trafilatura's own evaluation scores its corpus: per page, passages the text must
  contain (``with``: first and last sentences, a list item, a quote) and must not contain
  (``without``: navigation, bylines, related links, footers); precision, recall and F1 over all
  pages' counts. A corpus is a folder with ``evaldata.json``
  (``{"NNNN": {"url", "with": [...], "without": [...]}}``) and the pages as
  ``html/NNNN.html.gz`` or ``html/NNNN.html`` (bytes, decoded here as a browser would);
- word 3-shingles of the text against a known body, averaged over pages (``shingle_prf``): our own
  pages, whose whole body is known;
- a whole body scored as the public article-extraction benchmark (Zyte's, whose figures issue 17
  quotes) scores it (``body_scores``): words, 4-word shingles counted as often as they occur,
  precision and recall per page, their means over the pages and the F1 of the means. Against
  real pages that declare their body in JSON-LD (``declared_text``): the site's own whole-body
  truth, though not a perfect one (some carry the "Read also:" links set between the
  paragraphs, which the extracted text drops); and against a reference extraction
  (``load_reference_pages``): Mozilla Readability's test pages, each a real page saved with the
  text Readability.js is expected to give. Its convention is not ours either: it keeps picture
  captions, newsletter boxes and the "Related:" links inside the article, which newsflow drops,
  so recall against it is a floor.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.charset import decode_html
from ingest.declared_body import declared_body, jsonld_objects
from ingest.extractors import parse_html, shingles


def with_f1(precision: float, recall: float) -> tuple[float, float, float]:
    """``precision``, ``recall`` and their F1 (0 where both are 0): how every measure here reports."""
    total = precision + recall
    return precision, recall, (2 * precision * recall / total if total else 0.0)


@dataclass
class EvalPage:
    """One page of a passage corpus, decoded."""

    key: str
    url: str | None
    html: str
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


@dataclass
class ReferencePage:
    """One page of a reference-extraction corpus: the page and the text expected from it."""

    key: str
    html: str
    body: str


def load_corpus(folder: Path, limit: int | None = None) -> list[EvalPage]:
    """The pages of a passage corpus, in key order, HTML decoded in memory."""
    folder = Path(folder)
    expectations = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(expectations):
        path = folder / "html" / f"{key}.html.gz"
        if path.exists():
            body = gzip.decompress(path.read_bytes())
        elif (folder / "html" / f"{key}.html").exists():
            body = (folder / "html" / f"{key}.html").read_bytes()
        else:
            continue
        item = expectations[key]
        url = item.get("url") or ""
        pages.append(EvalPage(key, url if url.startswith(("http://", "https://")) else None, decode_html(body),
                              list(item.get("with") or []), list(item.get("without") or [])))
        if limit is not None and len(pages) >= limit:
            break
    return pages


@dataclass
class Counts:
    """Passage counts over a set of pages."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str | None, page: EvalPage) -> None:
        """Score one page's extracted ``text`` (``None``: nothing extracted)."""
        text = text or ""
        found = sum(1 for passage in page.with_ if text and passage in text)
        unwanted = sum(1 for passage in page.without if text and passage in text)
        self.tp += found
        self.fn += len(page.with_) - found
        self.fp += unwanted
        self.tn += len(page.without) - unwanted

    def prf(self) -> tuple[float, float, float]:
        """Precision, recall and F1 (0 where undefined)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return with_f1(p, r)


def passage_scores(texts: list[str | None], pages: list[EvalPage]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the passages, ``texts[i]`` being what was extracted from ``pages[i]``."""
    counts = Counts()
    for text, page in zip(texts, pages):
        counts.add(text, page)
    return counts.prf()


def shingle_prf(extracted: str | None, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the extracted text's word 3-shingles against the truth's."""
    got, want = shingles(extracted or ""), shingles(truth)
    if not got or not want:
        return 0.0, 0.0, 0.0
    hit = len(got & want)
    p, r = hit / len(got), hit / len(want)
    return with_f1(p, r)


_BODY_WORD = re.compile(r"\w+")
BODY_SHINGLE = 4


def body_words(text: str | None) -> list[str]:
    """The words of ``text`` as the benchmark tokenizes it (runs of word characters, case kept)."""
    return _BODY_WORD.findall(text or "")


def _body_shingles(text: str) -> Counter:
    words = body_words(text)
    return Counter(tuple(words[i:i + BODY_SHINGLE]) for i in range(max(1, len(words) - BODY_SHINGLE + 1))
                   if words[i:i + BODY_SHINGLE])


def body_counts(extracted: str | None, truth: str) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of the extracted text's 4-word
    shingles against the truth's, each shingle counted as often as it occurs (a paragraph kept
    twice is kept once too often)."""
    got, want = _body_shingles(extracted or ""), _body_shingles(truth)
    return sum((got & want).values()), sum((got - want).values()), sum((want - got).values())


def body_page_scores(extracted: str | None, truth: str) -> tuple[float | None, float | None]:
    """One page's precision and recall as the article-extraction benchmark computes them: ``None``
    where there is none (nothing extracted; an empty truth), 1 for each where the texts match."""
    tp, fp, fn = body_counts(extracted, truth)
    precision = (1.0 if fp == fn == 0 else tp / (tp + fp)) if tp + fp else None
    recall = (1.0 if fp == fn == 0 else tp / (tp + fn)) if tp + fn else None
    return precision, recall


def body_scores(pairs) -> tuple[float, float, float]:
    """Precision, recall and F1 over ``(extracted, truth)`` pairs as the article-extraction
    benchmark computes them: the mean of the pages' precisions (``body_page_scores``: pages where
    nothing was extracted have none), the mean of their recalls, and the F1 of the two means."""
    precisions, recalls = [], []
    for extracted, truth in pairs:
        precision, recall = body_page_scores(extracted, truth)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return with_f1(p, r)


def declared_text(page: EvalPage) -> str:
    """The article body ``page`` declares in its JSON-LD (``ingest.declared_body``); "" if none."""
    return declared_body(jsonld_objects(parse_html(page.html)))


# A test page whose expected text is shorter tests one markup rule ("replace <br>s", "keep
# tabular data" on a few lines), not an article: 6 of Readability's 134 test pages.
MIN_REFERENCE = 500
# lxml's text_content() runs adjacent blocks together ("...the end.Next paragraph"), which would
# make shingles neither side has
_BLOCKS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
                    "header hr li main nav ol p pre section table td th tr ul".split())
_BREAK = "\ue000"  # a private-use character: no page's text holds it


def reference_text(html: str) -> str:
    """The text of a reference extraction given as HTML, one line per block."""
    tree = parse_html(html)
    if tree is None:
        return ""
    # a mark of our own, not "\n": the HTML's own line breaks inside a paragraph are spaces
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCKS:
            element.tail = _BREAK + (element.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().split(_BREAK))
    return "\n".join(line for line in lines if line)


def load_reference_pages(folder: Path, limit: int | None = None) -> list[ReferencePage]:
    """The pages of a reference-extraction corpus (see bench/fetch_reference_pages.py): one folder
    per page holding ``source.html`` and its expected extraction, as HTML (``expected.html``,
    Mozilla Readability's layout) or as plain text (``expected.txt``, one paragraph per line), in
    name order, decoded in memory. Pages whose expected text is under ``MIN_REFERENCE`` characters
    are left out."""
    pages = []
    for page in sorted(Path(folder).iterdir()):
        source, expected_html, expected_text = page / "source.html", page / "expected.html", page / "expected.txt"
        if not source.is_file():
            continue
        if expected_html.is_file():
            body = reference_text(decode_html(expected_html.read_bytes()))
        elif expected_text.is_file():
            text = expected_text.read_text(encoding="utf-8", errors="replace")
            body = "\n".join(line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line)
        else:
            continue
        if len(body) < MIN_REFERENCE:
            continue
        pages.append(ReferencePage(page.name, decode_html(source.read_bytes()), body))
        if limit is not None and len(pages) >= limit:
            break
    return pages
