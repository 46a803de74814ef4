"""Extraction quality and throughput against bare trafilatura, measured side by side in one process.

    .venv/bin/python bench/bench_extract.py [--pages 200] [--seeds DIR] [--rounds 3]
                                            [--corpus DIR [--limit N]] [--reference DIR ...]
                                            [--whole-process N [--whole-rounds 5]]

Baseline: ``trafilatura.extract(html)`` with its defaults. Ours: ``ingest.extract.extract_html``
(trafilatura in fast mode with the options chosen in ``ingest/extractors.py``, checked by
resiliparse and, where the two disagree strongly, trafilatura in its default mode decides:
``ingest/ensemble.py``; plus canonical link, language and date metadata). Each member of that ensemble is measured alone too, and the
run says how often each one's text was taken.

Pages are decoded to text in memory before any timing. Throughput: interleaved rounds, each
round going through the pages in chunks and running every contender on a chunk before the next
chunk (a noisy neighbour hurts every contender alike); the best round of each counts.

Two corpora:
- our own pages, with known bodies, scored by word 3-shingles (precision, recall and F1 against
  the body, averaged over pages): the sample site's ten articles (demo: cookie
  banner, navigation, newsletter box, related stories, comments, share bar, an inline
  advertisement inside <article>) and the same bodies in three other common page layouts (a
  blog/CMS theme with a sidebar and a long comment thread, a "div soup" page without semantic
  tags with inline "read more" promos and captions, and a live-page style with a key-points
  box and a byline block); with ``--seeds DIR``, plain-text articles (first line the headline,
  then paragraphs; e.g. ../shared/seeds) wrapped in the same layouts (read, never copied);
- with ``--corpus DIR``, a passage corpus (``ingest/evaluation.py``: e.g.
  ../shared/corpora/trafilatura-eval, 990 real pages), scored as trafilatura's evaluation
  scores it;
- with ``--reference DIR`` (given once per corpus), a reference-extraction corpus fetched by
  bench/fetch_reference_pages.py: Mozilla Readability's test pages, real pages each saved with the
  text Readability.js is expected to give, or newspaper4k's test pages with the text its tests
  expect; on all pages and on the news-like ones.
Whole bodies (the JSON-LD bodies of --corpus, the reference texts) are scored as the public
article-extraction benchmark scores them (``ingest.evaluation.body_scores``: 4-word shingles
with their counts, the F1 of mean precision and mean recall). Readability keeps captions and the
links inside an article, and newspaper4k "Read more:" lines, which newsflow drops: their recall
figures are floors.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from html import escape
from pathlib import Path

import trafilatura

from ingest.ensemble import MIN_DECLARED
from ingest.evaluation import body_scores, declared_text, load_corpus, load_reference_pages, passage_scores, shingle_prf
from ingest.extract import extract_html
from ingest.extractors import parse_html, resiliparse_text, trafilatura_text
from newsflow.extraction.pool import worker_count
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # demo/ (the sample site) is not installed
from demo import ORIGINALS, SampleSite  # noqa: E402

# --- the corpus ----------------------------------------------------------------------------------

_COMMENTS = [
    "I have lived here for forty years and I have never seen the council act this quickly on anything at all.",
    "Does anyone know whether the public meeting next week will be streamed online for those of us who work late?",
    "This is exactly the kind of reporting we need more of, thank you for keeping us informed every week.",
    "The real question nobody is asking is who will pay for all of this once the grant money runs out.",
]


def _blog(title: str, paras: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paras)
    comments = "".join(f'<li class="comment"><div class="comment-author">reader{i}</div><div class="comment-content"><p>{c}</p></div>'
                       f'<a class="reply" href="#r{i}">Reply</a></li>' for i, c in enumerate(_COMMENTS * 2))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} – Coastline Blog</title>
<meta name="author" content="Sam Writer"><meta property="article:published_time" content="2024-03-04T10:00:00+00:00"></head>
<body class="single-post"><div id="page"><header id="masthead"><div class="site-title"><a href="/">Coastline Blog</a></div>
<nav id="site-navigation"><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li><a href="/archive">Archive of all posts</a></li></ul></nav></header>
<div id="content"><div id="primary"><main id="main"><article class="post type-post hentry">
<header class="entry-header"><h1 class="entry-title">{escape(title)}</h1><div class="entry-meta">Posted on March 4, 2024 by Sam Writer</div></header>
<div class="entry-content">{body}</div>
<footer class="entry-footer"><span class="cat-links">Posted in Local news</span> <span class="tags-links">Tagged council, harbour</span></footer>
</article><nav class="post-navigation"><a href="/prev">Previous post: Spring tides expected to flood the lower road again</a>
<a href="/next">Next post: A guide to the new recycling collection days</a></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">8 thoughts on “{escape(title)}”</h2><ol class="comment-list">{comments}</ol>
<div id="respond"><h3>Leave a Reply</h3><form><textarea></textarea><button>Post Comment</button></form></div></div></main></div>
<aside id="secondary" class="widget-area"><section class="widget"><h2>Recent Posts</h2><ul><li><a href="/1">Harbour festival dates announced for the summer</a></li>
<li><a href="/2">Lifeboat crew called out twice in one night</a></li></ul></section><section class="widget"><h2>Archives</h2><ul><li>February 2024</li><li>January 2024</li></ul></section></aside></div>
<footer id="colophon"><div class="site-info">Proudly powered by a content management system. Theme by Example Themes.</div></footer></div></body></html>"""


def _divsoup(title: str, paras: list[str]) -> str:
    blocks = []
    for i, p in enumerate(paras):
        blocks.append(f'<div class="story-body__text">{escape(p)}</div>')
        if i == 1:
            blocks.append('<div class="promo-inline"><a href="/x">READ MORE: Council tax bills to rise by five per cent from April</a></div>')
        if i == 2:
            blocks.append('<div class="media"><img src="/i.jpg"><div class="caption">The harbour wall at low tide. Photo: Agency</div></div>')
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{escape(title)}</title></head>
<body><div class="top-bar"><div class="logo">DAILY EXAMPLE</div><div class="menu"><a href="/">News</a> | <a href="/sport">Sport</a> | <a href="/weather">Weather</a> | <a href="/login">Sign in</a></div></div>
<div class="ad-slot">Advertisement</div><div class="wrapper"><div class="col-main"><div class="story-headline">{escape(title)}</div>
<div class="story-meta">By Agency Reporter | Published 12:04, 5 March 2024</div><div class="story-content">{''.join(blocks)}</div>
<div class="share-tools">Share on Facebook Share on Twitter Email this story</div></div>
<div class="col-side"><div class="most-read"><div class="h">Most read</div><div><a href="/a">Man fined for feeding gulls on the promenade</a></div>
<div><a href="/b">New bus timetable leaves villages without an evening service</a></div><div><a href="/c">School closes after storm damage to roof</a></div></div></div></div>
<div class="footer">© Daily Example Ltd. All rights reserved. Registered in England. <a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a></div></body></html>"""


def _live(title: str, paras: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    return f"""<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(title)} | World Report</title>
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{escape(title)}","datePublished":"2024-03-06T07:30:00Z"}}</script></head>
<body><a class="skip" href="#main">Skip to main content</a><header><nav aria-label="Sections"><a href="/world">World</a><a href="/business">Business</a><a href="/science">Science</a></nav></header>
<main id="main"><article><header><h1>{escape(title)}</h1><div class="byline"><span>By Alex Correspondent</span><span>World affairs reporter</span><time datetime="2024-03-06T07:30:00Z">6 March 2024</time></div></header>
<section class="key-points"><h2>Key points</h2><ul><li>Sign up for breaking news alerts on your phone</li><li>Follow our live coverage throughout the day</li></ul></section>
<div class="article-body">{body}</div><section class="topics"><h2>More on this story</h2><ul><li><a href="/t1">What we know so far about the talks</a></li>
<li><a href="/t2">Analysis: why this matters for the region</a></li></ul></section></article></main>
<footer><p>World Report is not responsible for the content of external sites. Read about our approach to external linking.</p></footer></body></html>"""


LAYOUTS = {"blog": _blog, "divsoup": _divsoup, "live": _live}


def _seed_articles(folder: Path) -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) >= 3:
            out.append((lines[0], lines[1:]))
    return out


def corpus(seeds: Path | None) -> list[tuple[str, bytes, str, str]]:
    """(label, page bytes, page URL, ground-truth body) for every page of the corpus."""
    pages = []
    with SampleSite() as site:
        for a in ORIGINALS:
            pages.append(("samplesite", site.page(a.path).encode("utf-8"), f"https://bench.example{a.path}",
                          f"{a.summary}\n{a.text}"))  # the standfirst is the article's lead
    texts = [(a.title, list(a.paragraphs)) for a in ORIGINALS]
    if seeds is not None:
        texts += _seed_articles(seeds)
    for i, (title, paras) in enumerate(texts):
        for name, layout in LAYOUTS.items():
            pages.append((name, layout(title, paras).encode("utf-8"), f"https://bench.example/{name}/{i}.html", "\n".join(paras)))
    return pages


# --- the contenders ---------------------------------------------------------------------------------
# Each takes (html text, url) and returns the text, except ours, which returns the page.


def _bare_defaults(html: str, url: str | None) -> str | None:
    return trafilatura.extract(html, url=url)


def _ours(html: str, url: str | None):
    return extract_html(html, url)


def _member_trafilatura(fast: bool):
    def run(html: str, url: str | None) -> str:
        tree = parse_html(html)
        return trafilatura_text(tree if tree is not None else html, url, fast=fast)
    return run


def _member_resiliparse(html: str, url: str | None) -> str:
    return resiliparse_text(html)


BASE, OURS = "trafilatura.extract defaults", "newsflow extract_html"
ONE_CORE, EVERY_CORE = "newsflow extract --jobs 1", "newsflow extract"
CONTENDERS = {
    BASE: _bare_defaults,
    OURS: _ours,
    "  member trafilatura fast": _member_trafilatura(fast=True),
    "  member resiliparse": _member_resiliparse,
    "  member trafilatura default mode": _member_trafilatura(fast=False),
}


def _text(result) -> str | None:
    return getattr(result, "text", result)


def measure(items: list[tuple[str, str | None]], rounds: int, chunk: int = 20) -> tuple[dict, dict]:
    """Every contender's outputs (from the first round) and pages/s (its best round)."""
    names = list(CONTENDERS)
    outputs = {name: [None] * len(items) for name in names}
    seconds = {name: [0.0] * rounds for name in names}
    for fn in CONTENDERS.values():  # warm-up: imports, lxml caches, the language model
        for html, url in items[:chunk]:
            fn(html, url)
    for r in range(rounds):
        for c, start in enumerate(range(0, len(items), chunk)):
            part = items[start:start + chunk]
            shift = (r + c) % len(names)  # a different contender goes first each time
            for name in names[shift:] + names[:shift]:
                fn = CONTENDERS[name]
                began = time.perf_counter()
                results = [fn(html, url) for html, url in part]
                seconds[name][r] += time.perf_counter() - began
                if r == 0:
                    outputs[name][start:start + len(part)] = results
    return outputs, {name: len(items) / min(v) for name, v in seconds.items()}


def report(title: str, quality: dict, rate: dict, sources: Counter) -> None:
    """One table: quality and pages/s per contender, then our ratio to the baseline."""
    print(title)
    print(f"{'':36} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name in CONTENDERS:
        p, r, f = quality[name]
        print(f"{name:36} {p:9.3f} {r:7.3f} {f:6.3f} {rate[name]:8.1f}")
    print(f"text taken from: {', '.join(f'{k} {v}' for k, v in sources.most_common())}")
    print(f"F1 ours - defaults: {quality[OURS][2] - quality[BASE][2]:+.3f}; "
          f"ratio: {rate[OURS] / rate[BASE]:.2f} of bare trafilatura (defaults) throughput")


def own_pages(args) -> None:
    pages = corpus(args.seeds)
    items = [(body.decode("utf-8"), url) for _, body, url, _ in pages]
    work = [items[i % len(items)] for i in range(max(1, args.pages))]
    _, rate = measure(work, args.rounds)
    results = {name: [fn(html, url) for html, url in items] for name, fn in CONTENDERS.items()}
    quality = {}
    for name in CONTENDERS:
        scores = [shingle_prf(_text(result), truth) for result, (_, _, _, truth) in zip(results[name], pages)]
        quality[name] = tuple(statistics.mean(s[i] for s in scores) for i in range(3))
    sources = Counter(getattr(page, "extractor", "none") for page in results[OURS])
    kb = sum(len(p[1]) for p in pages) / len(pages) / 1024
    layouts = sorted({p[0] for p in pages})
    report(f"our pages: {len(pages)} ({', '.join(layouts)}), {kb:.0f} KB each on average, word 3-shingles; "
           f"throughput over {len(work)} pages, {args.rounds} rounds", quality, rate, sources)


_NEWS_PAGE = re.compile(r'og:type"?\s*content="?article|"@type"\s*:\s*"(?:News)?Article"', re.IGNORECASE)
_NEWS_HEAD = 200_000  # the declarations sit in the head or near the top of the body


def _news_like(pages) -> list[int]:
    """The indexes of the pages that declare themselves articles."""
    return [i for i, page in enumerate(pages) if _NEWS_PAGE.search(page.html[:_NEWS_HEAD])]


def passage_corpus(args, folder: Path) -> None:
    pages = load_corpus(folder, args.limit)
    outputs, rate = measure([(p.html, p.url) for p in pages], args.rounds)
    quality = {name: passage_scores([_text(o) for o in outputs[name]], pages) for name in CONTENDERS}
    sources = Counter(getattr(page, "extractor", "none") if page else "none" for page in outputs[OURS])
    kb = sum(len(p.html) for p in pages) / len(pages) / 1024
    report(f"{folder}: {len(pages)} pages, {kb:.0f} KB of text each on average, passages; "
           f"{args.rounds} rounds", quality, rate, sources)
    # settings were chosen on the even-indexed pages: the odd ones are the held-out figure
    for half, start in (("even-indexed (where choices were made)", 0), ("odd-indexed (held out)", 1)):
        part = range(start, len(pages), 2)
        scores = {name: passage_scores([_text(outputs[name][i]) for i in part], [pages[i] for i in part])
                  for name in (BASE, OURS)}
        print(f"{half} pages: F1 ours {scores[OURS][2]:.3f} (P {scores[OURS][0]:.3f}, R {scores[OURS][1]:.3f}), "
              f"defaults {scores[BASE][2]:.3f}")
    # the acceptance set is news pages: the corpus also holds shops, forums and company pages
    news = _news_like(pages)
    if news:
        scores = {name: passage_scores([_text(outputs[name][i]) for i in news], [pages[i] for i in news])
                  for name in (BASE, OURS)}
        print(f"news-like pages ({len(news)}: og:type article or an Article/NewsArticle JSON-LD): F1 ours "
              f"{scores[OURS][2]:.3f} (P {scores[OURS][0]:.3f}, R {scores[OURS][1]:.3f}), defaults {scores[BASE][2]:.3f}")
    whole_body_declared(pages, outputs)


def whole_body_declared(pages, outputs) -> None:
    """Whole-body scores (word 3-shingles) against the article bodies the pages declare in JSON-LD:
    a truth each site wrote, on real pages. Pages whose text newsflow took from that body are left
    out (scored against itself it would be perfect)."""
    declared = {i: body for i, page in enumerate(pages) if len(body := declared_text(page)) >= MIN_DECLARED}
    judged = [i for i in declared if getattr(outputs[OURS][i], "extractor", None) != "json-ld"]
    if not judged:
        return
    mean = {name: body_scores((_text(outputs[name][i]), declared[i]) for i in judged) for name in (BASE, OURS)}
    print(f"whole body against the articleBody the page declares in JSON-LD ({len(judged)} pages of "
          f"{MIN_DECLARED}+ characters; {len(declared) - len(judged)} whose text is that body left out; scored as "
          f"the article-extraction benchmark scores): F1 ours {mean[OURS][2]:.3f} (P {mean[OURS][0]:.3f}, "
          f"R {mean[OURS][1]:.3f}), defaults {mean[BASE][2]:.3f} (P {mean[BASE][0]:.3f}, R {mean[BASE][1]:.3f})")


def reference_corpus(args, folder: Path) -> None:
    """Whole-text scores and pages/s on a reference-extraction corpus, all pages and news-like ones."""
    pages = load_reference_pages(folder, args.limit)
    if not pages:
        print(f"{folder}: no reference pages (NAME/source.html and NAME/expected.html or expected.txt)")
        return
    # the test pages were saved from many sites under one made-up address: none is given
    outputs, rate = measure([(p.html, None) for p in pages], args.rounds)

    def mean_scores(name: str, part) -> tuple[float, float, float]:
        return body_scores((_text(outputs[name][i]), pages[i].body) for i in part)

    quality = {name: mean_scores(name, range(len(pages))) for name in CONTENDERS}
    sources = Counter(getattr(page, "extractor", "none") if page else "none" for page in outputs[OURS])
    kb = sum(len(p.html) for p in pages) / len(pages) / 1024
    report(f"{folder}: {len(pages)} pages, {kb:.0f} KB of text each on average, against the reference "
           f"extraction as the article-extraction benchmark scores; {args.rounds} rounds", quality, rate, sources)
    news = _news_like(pages)
    if news:
        scores = {name: mean_scores(name, news) for name in (BASE, OURS)}
        print(f"news-like pages ({len(news)}: og:type article or an Article/NewsArticle JSON-LD): F1 ours "
              f"{scores[OURS][2]:.3f} (P {scores[OURS][0]:.3f}, R {scores[OURS][1]:.3f}), defaults {scores[BASE][2]:.3f} "
              f"(P {scores[BASE][0]:.3f}, R {scores[BASE][1]:.3f})")


# The baseline as a whole process: the same files, bare trafilatura, one JSON line each.
_BARE_PROCESS = """
import json, sys, trafilatura
from ingest.charset import decode_html
for path in sys.argv[1:]:
    text = trafilatura.extract(decode_html(open(path, "rb").read()))
    print(json.dumps({"input": path, "text": text}))
"""


def whole_process(args, pages, source: Path) -> None:
    """``newsflow extract --json FILES`` against a bare-trafilatura script over the same files
    (``pages``, from ``source``), each timed as a whole process (start-up and imports included),
    interleaved rounds: newsflow as a user runs it (one worker process per core) and on one core
    (``--jobs 1``), with the CPU time of each, so that the work done per page is compared as well
    as the wait."""
    newsflow = Path(sys.executable).with_name("newsflow")
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for page in pages:
            files.append(str(Path(tmp) / f"{page.key}.html"))
            Path(files[-1]).write_text(page.html, encoding="utf-8")
        commands = {BASE: [sys.executable, "-c", _BARE_PROCESS, *files],
                    ONE_CORE: [str(newsflow), "extract", "--json", "--jobs", "1", *files],
                    f"{EVERY_CORE} ({worker_count(0, len(files))} workers)": [str(newsflow), "extract", "--json", *files]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for r in range(args.whole_rounds):
            for name in (list(commands) if r % 2 == 0 else list(commands)[::-1]):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                began = time.perf_counter()
                subprocess.run(commands[name], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - began)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    # a whole process is a few seconds: one neighbour's burst moves a round by 10%, so the
    # median of the rounds is printed beside the best
    best = {name: min(t) for name, t in times.items()}
    median = {name: statistics.median(t) for name, t in times.items()}
    work = {name: statistics.median(t) for name, t in cpu.items()}
    print(f"whole process over the first {len(pages)} pages of {source}, {args.whole_rounds} interleaved rounds:")
    for name in commands:
        print(f"{name:40} best {best[name]:6.2f} s  {len(pages) / best[name]:6.1f} pages/s   "
              f"median {median[name]:6.2f} s  {len(pages) / median[name]:6.1f} pages/s   "
              f"CPU {work[name]:6.2f} s  {len(pages) / work[name]:6.1f} pages/CPU-s")
    for name in list(commands)[1:]:
        print(f"whole-process ratio, {name}: {best[BASE] / best[name]:.2f} (best rounds), "
              f"{median[BASE] / median[name]:.2f} (medians) of bare trafilatura (defaults) throughput; "
              f"{work[BASE] / work[name]:.2f} per CPU-second")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="Pages per throughput run of our own pages (cycled).")
    parser.add_argument("--seeds", type=Path, default=None, help="Also use plain-text articles from this folder.")
    parser.add_argument("--corpus", type=Path, default=None, help="Also a passage corpus (evaldata.json + html/).")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N pages of --corpus and --reference.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved timing rounds; the best of each counts.")
    parser.add_argument("--whole-process", type=int, default=0, metavar="N",
                        help="Also time `newsflow extract --json` on N pages of --corpus (and of --reference) "
                             "as a whole process.")
    parser.add_argument("--whole-rounds", type=int, default=5,
                        help="Interleaved rounds of the whole-process timing (best and median printed).")
    parser.add_argument("--reference", type=Path, action="append", default=[],
                        help="Also a reference-extraction corpus (NAME/source.html + NAME/expected.html or "
                             "expected.txt); may be given more than once.")
    args = parser.parse_args()
    args.rounds, args.whole_rounds = max(1, args.rounds), max(1, args.whole_rounds)
    own_pages(args)
    runs = [(args.corpus, passage_corpus, load_corpus)] if args.corpus else []
    runs += [(folder, reference_corpus, load_reference_pages) for folder in args.reference]
    for folder, score, load in runs:
        print()
        score(args, folder)
        if args.whole_process:
            print()
            whole_process(args, load(folder, args.whole_process), folder)


if __name__ == "__main__":
    main()
