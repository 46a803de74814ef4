"""Distinct article texts for the benches that start before enrichment (enrich, pipeline).

Cycling a handful of texts flatters enrichment: from the second round on every article takes
the stories' exact-hash shortcut and spaCy's caches are warm for its exact strings. So:

- ``generated(n)``: articles of a generator with variety, built from the sentences of the sample
  site's ten articles, shuffled and with names, places and figures swapped per article (no two
  share a text; near-duplicates only by chance, as between real reports of one event);
- ``real_pages(path, n)``: real pages, read from a directory of ``*.html``/``*.html.gz`` files
  (e.g. ``../shared/corpora/trafilatura-eval/html``) or of ``*.txt`` files (first line the
  headline, e.g. ``../shared/seeds``); HTML goes through newsflow's own extraction and only
  English bodies of some length are kept (by newsflow's own language detection, as
  ``newsflow enrich --in`` does it: 18 of the 160 trafilatura-eval pages kept before were German,
  Spanish or French, which the baseline ran an English model over while newsflow ran none).

Both return ``(title, text, html)`` triples; ``html`` is a page a local site can serve.
"""

from __future__ import annotations

import gzip
import hashlib
import html as html_lib
import json
import random
import re
import sys
import tempfile
from pathlib import Path

from ingest.charset import decode_html_checked
from ingest.extract import extract_html
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # demo/ (the sample site) is not installed
from demo import ORIGINALS  # noqa: E402
from newsflow.core.languages import detect_language  # noqa: E402

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
FIRST = ["Maria", "Ahmed", "Li", "Olga", "James", "Fatima", "Kenji", "Sofia", "Pedro", "Amara", "Ivan", "Chloe",
         "Tomasz", "Nadia", "Rahul", "Elena", "Kwame", "Hannah", "Diego", "Yuki"]
LAST = ["Santos", "Haddad", "Wei", "Petrova", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Rahman",
        "Bianchi", "Novak", "Mensah", "Keller", "Alvarez", "Sato", "Dubois", "Nakamura", "Osei", "Fischer"]
PLACES = ["Lisbon", "Nairobi", "Osaka", "Krakow", "Quito", "Tbilisi", "Dakar", "Porto", "Hanoi", "Valparaiso",
          "Tallinn", "Accra", "Bergen", "Cusco", "Izmir", "Riga", "Lagos", "Perth", "Lyon", "Busan"]
ORGS = ["Northwind Energy", "Harbor Logistics", "the Atlas Institute", "Crescent Bank", "Vantage Motors",
        "the Meridian Council", "Blue Ridge Mining", "Solace Health", "the Union of Port Workers", "Kestrel Airlines"]
MIN_CHARS = 1500
# below this detection confidence a page without a declared language is left out
MIN_ENGLISH_CONFIDENCE = 0.6


def _sentences() -> list[str]:
    out = []
    for a in ORIGINALS:
        for para in a.text.split("\n"):
            out += [s.strip() for s in _SENTENCE.split(para) if len(s.strip()) > 30]
    return out


def page_html(title: str, text: str) -> str:
    """A plain article page around ``title`` and ``text`` (one ``<p>`` per paragraph)."""
    paras = "".join(f"<p>{html_lib.escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html_lib.escape(title)}</title>"
            f"</head><body><nav><a href=\"/\">Home</a></nav><article><h1>{html_lib.escape(title)}</h1>\n{paras}"
            f"</article><footer>Copyright the bench site</footer></body></html>")


def generated(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """``n`` distinct generated articles (see the module docstring)."""
    rng = random.Random(seed)
    sentences = _sentences()
    out = []
    for i in range(n):
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        other = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        place, org = rng.choice(PLACES), rng.choice(ORGS)
        picked = rng.sample(sentences, rng.randint(14, 26))
        lead = (f"{person} of {org} said in {place} on {rng.choice(['Monday', 'Tuesday', 'Thursday'])} that "
                f"{rng.randint(2, 950)} jobs and {rng.randint(3, 90)} million euros were at stake, "
                f"a figure {other} disputed.")
        paras, para = [lead], []
        for s in picked:
            para.append(s)
            if len(para) >= rng.randint(2, 4):
                paras.append(" ".join(para))
                para = []
        if para:
            paras.append(" ".join(para))
        paras.append(f"{other} is expected to meet {person.split()[-1]} in {rng.choice(PLACES)} next month (item {i}).")
        title = f"{person.split()[-1]} warns on {org.removeprefix('the ')} plans in {place}"
        text = "\n".join(paras)
        out.append((title, text, page_html(title, text)))
    return out


def real_pages(path: str | Path, n: int | None = None) -> list[tuple[str, str, str]]:
    """Up to ``n`` real articles from ``path`` (see the module docstring), distinct texts only.

    Extraction of a large corpus takes minutes, so its result is kept in the temp directory,
    keyed by the path and ``n``.
    """
    key = hashlib.sha256(f"{Path(path).resolve()}|{n}|{MIN_CHARS}|en-detected-v2".encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"newsflow-bench-pages-{key}.json"
    if cache.exists():
        return [tuple(t) for t in json.loads(cache.read_text(encoding="utf-8"))]
    out = _read_pages(Path(path), n)
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


def _read_pages(path: Path, n: int | None) -> list[tuple[str, str, str]]:
    if path.is_dir() and (path / "html").is_dir():
        path = path / "html"
    out, seen = [], set()
    for file in sorted(path.iterdir()):
        if n is not None and len(out) >= n:
            break
        name = file.name
        if name.endswith(".txt"):
            lines = file.read_text(encoding="utf-8", errors="replace").strip().split("\n")
            title, text = lines[0].strip(), "\n".join(l for l in lines[1:] if l.strip())
            html = page_html(title, text)
        elif name.endswith((".html", ".html.gz")):
            raw = gzip.decompress(file.read_bytes()) if name.endswith(".gz") else file.read_bytes()
            html, _ = decode_html_checked(raw, None)
            try:
                page = extract_html(html, f"https://bench.example/{name}")
            except Exception:  # noqa: BLE001 - a page trafilatura cannot read is not for this corpus
                continue
            if page is None:
                continue
            title, text = page.title or "", page.text
            # detected on the whole text: the language a page declares (or that extraction guessed
            # from its first lines) is English on some German and Spanish pages of trafilatura-eval
            detected = detect_language(f"{title}\n{text}", MIN_ENGLISH_CONFIDENCE)
            if (detected or page.language or "en") != "en":
                continue
        else:
            continue
        if len(text) < MIN_CHARS or text in seen:
            continue
        seen.add(text)
        out.append((title, text, html))
    return out
