"""Extraction quality and throughput against bare trafilatura, measured side by side in one process.

    .venv/bin/python bench/bench_extract.py [--pages 200] [--seeds DIR]

Baseline: ``trafilatura.extract(html)`` with its defaults. Ours: ``ingest.extract.extract_html``
(charset decoding, trafilatura with the settings chosen below, canonical link, language and
date metadata). Also measured, to choose those settings by measurement rather than by default:
trafilatura with ``favor_precision`` and with ``favor_recall``.

Quality: precision, recall and F1 of word 3-shingles of the extracted text against the
ground-truth body, averaged over pages. The corpus is assembled here, with known bodies:
- the sample site's ten articles (newsflow.samplesite: cookie banner, navigation, newsletter
  box, related stories, comments, share bar, an inline advertisement inside <article>);
- the same bodies in three other common page layouts (a blog/CMS theme with a sidebar and a
  long comment thread, a "div soup" page without semantic tags with inline "read more"
  promos and captions, and a live-page style with a key-points box and a byline block);
- with ``--seeds DIR``, plain-text articles (first line the headline, then paragraphs; e.g.
  ../shared/seeds) wrapped in the same layouts. They are read, never copied into the repo.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from html import escape
from pathlib import Path

import trafilatura

from ingest.charset import decode_html
from ingest.extract import extract_html
from newsflow.samplesite import ORIGINALS, SampleSite

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    """The set of k-word shingles of ``text`` (lower-cased words)."""
    words = _WORD.findall((text or "").lower())
    if len(words) < k:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + k]) for i in range(len(words) - k + 1)}


def prf(extracted: str | None, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the extracted text's shingles against the truth's."""
    got, want = shingles(extracted or ""), shingles(truth)
    if not got or not want:
        return 0.0, 0.0, 0.0
    hit = len(got & want)
    p, r = hit / len(got), hit / len(want)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


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
            pages.append(("samplesite", site.page(a.path).encode("utf-8"), f"https://bench.example{a.path}", a.text))
    texts = [(a.title, list(a.paragraphs)) for a in ORIGINALS]
    if seeds is not None:
        texts += _seed_articles(seeds)
    for i, (title, paras) in enumerate(texts):
        for name, layout in LAYOUTS.items():
            pages.append((name, layout(title, paras).encode("utf-8"), f"https://bench.example/{name}/{i}.html", "\n".join(paras)))
    return pages


# --- the contenders ---------------------------------------------------------------------------------


def _bare_defaults(body: bytes, url: str) -> str | None:
    return trafilatura.extract(body.decode("utf-8"), url=url)


def _tuned(**options):
    def run(body: bytes, url: str) -> str | None:
        return trafilatura.extract(body.decode("utf-8"), url=url, **options)
    return run


def _ours(body: bytes, url: str) -> str | None:
    page = extract_html(decode_html(body, None), url)
    return page.text if page else None


CONTENDERS = {
    "trafilatura.extract defaults": _bare_defaults,
    "trafilatura favor_precision": _tuned(favor_precision=True),
    "trafilatura favor_recall": _tuned(favor_recall=True),
    "newsflow extract_html": _ours,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="Pages per throughput run (the corpus, cycled).")
    parser.add_argument("--seeds", type=Path, default=None, help="Also use plain-text articles from this folder.")
    parser.add_argument("--rounds", type=int, default=5, help="Interleaved timing rounds; the best of each counts.")
    args = parser.parse_args()
    pages = corpus(args.seeds)
    work = [pages[i % len(pages)] for i in range(max(1, args.pages))]

    quality = {}
    for name, fn in CONTENDERS.items():
        scores = [prf(fn(body, url), truth) for _, body, url, truth in pages]
        quality[name] = tuple(statistics.mean(s[i] for s in scores) for i in range(3))

    for fn in CONTENDERS.values():  # warm-up: imports, lxml caches
        fn(*work[0][1:3])
    speed = {}
    for _round in range(max(1, args.rounds)):  # interleaved rounds: a noisy neighbour hurts every contender alike
        for name, fn in CONTENDERS.items():
            start = time.perf_counter()
            for _, body, url, _truth in work:
                fn(body, url)
            speed.setdefault(name, []).append(len(work) / (time.perf_counter() - start))
    rate = {name: max(v) for name, v in speed.items()}

    kb = sum(len(p[1]) for p in pages) / len(pages) / 1024
    layouts = sorted({p[0] for p in pages})
    print(f"corpus: {len(pages)} pages ({', '.join(layouts)}), {kb:.0f} KB each on average; throughput over {len(work)} pages")
    print(f"{'':30} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name in CONTENDERS:
        p, r, f = quality[name]
        print(f"{name:30} {p:9.3f} {r:7.3f} {f:6.3f} {rate[name]:8.1f}")
    base, ours = "trafilatura.extract defaults", "newsflow extract_html"
    print(f"F1 ours - defaults           : {quality[ours][2] - quality[base][2]:+.3f}")
    print(f"ratio                        : {rate[ours] / rate[base]:.2f} of bare trafilatura (defaults) throughput")


if __name__ == "__main__":
    main()
