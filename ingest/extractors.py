"""The article-body extractors newsflow combines, each reduced to "page in, plain text out".

- trafilatura in fast mode (``fast=True``: without its fallback comparison with readability and
  jusText), the first answer;
- resiliparse: a second, independent opinion, about ten times faster than trafilatura;
- trafilatura with its fallbacks (its default mode): the third, asked only when the first two
  disagree strongly. (readability, tried as the third, scored F1 0.82 alone on real pages and
  changed one page in 990 as a judge.)

Every member returns the same text layout (one block a line, whitespace collapsed, no empty
lines), so that their answers can be compared and any of them can become the record's text.
"""

from __future__ import annotations

import re
import unicodedata
from copy import copy

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Extractor
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

# HTML comments are dropped while parsing, as trafilatura's own parser does: React pages put
# `<!-- -->` between the text runs of a paragraph, and trafilatura, handed a tree that still
# holds them, cuts every such paragraph at its first comment. (lxml.html elements: trafilatura
# accepts no other tree.)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
# Every element of such a tree is an HtmlElement, chosen in C. lxml.html's own lookup is a Python
# method called each time an element gets its Python object (a form field gets a subclass with
# form helpers that neither trafilatura nor we use): trafilatura, its copies of our tree and our
# metadata readers touch elements often enough that the calls cost 8% of extract_html's time on
# the evaluation corpus, for the same results.
_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))

# Chosen on the 990 real pages of the trafilatura evaluation corpus (bench/bench_extract.py
# --corpus): tables on (standings and results tables are the article) and HTML comments removed
# took trafilatura's default mode from F1 0.918 to 0.922; reader comments off. Alone, favor_precision (F1 0.918), favor_recall (0.917) and fast=True
# (0.917) scored lower than the default mode; fast=True checked by resiliparse, with the default
# mode deciding where they disagree, scores higher (0.924) at less cost (ingest/ensemble.py).
TRAFILATURA_OPTIONS = dict(include_comments=False, include_tables=True)


def parse_html(html: str):
    """The page as an lxml tree without comments or processing instructions; ``None`` if
    lxml cannot read it."""
    try:
        # lxml refuses a str that still carries an XML encoding declaration (XHTML pages).
        return lxml.html.document_fromstring(_XML_DECL.sub("", html, count=1), parser=_PARSER)
    except Exception:  # lxml raises several types on hopeless input
        return None


# What no extractor reads once the page's metadata is taken: scripts (but JSON-LD, which
# trafilatura's forum test and its baseline rescue read), style sheets and inline SVG drawings.
# trafilatura deletes them itself, but only after copying the tree three times and running its
# whole-page XPath prunes over them. Without them extract_html took 2.7% less time on the first 400
# pages of the evaluation corpus (rounds interleaved by chunks of 20 pages), for the same text on
# all 990; dropping <link> and <meta> too gained nothing more. <noscript> stays: lxml puts what
# follows an unclosed tag inside it into the <noscript>, the whole article on some pages.
JSON_LD_TYPE = "application/ld+json"  # a <script> type: structured data, not code
_UNREAD = ("style", "svg")


def drop_unread(tree) -> None:
    """Remove from a parsed page, in place, the elements no extractor reads (keeping their tails)."""
    for script in [s for s in tree.iter("script") if (s.get("type") or "").strip().lower() != JSON_LD_TYPE]:
        script.tag = "style"  # renamed, so that one C-level pass removes them all
    lxml.etree.strip_elements(tree, *_UNREAD, with_tail=False)


# <footer> and <aside>, which trafilatura's main extractor deletes anyway, do its fast mode no
# good: its whole-page prunes cost less without them (extract_html took 5% less time on pages
# 300-699 of the evaluation corpus, chunk-interleaved rounds), and one page of 990 changed, for the
# better (a "Top-Themen" box no longer read). Its default mode reads them: its baseline and its
# page-length test read the whole page, and so do readability and jusText, its second opinions;
# without them it read a page's navigation instead of its article (one page of 990). <nav> changed
# five pages, one of them into a dump of the site's menus.
_FAST_UNREAD = ("footer", "aside")


def drop_asides_and_footers(tree) -> None:
    """Remove, in place, the page's ``<footer>`` and ``<aside>`` elements (keeping their tails):
    what trafilatura's fast mode reads is then all it keeps a chance of extracting."""
    lxml.etree.strip_elements(tree, *_FAST_UNREAD, with_tail=False)


# Some sites set the article's header in a <figcaption> over the lead picture: its headline and
# lead paragraph are then no caption (liquimoly-hbl.de; its blocks tell it).
_CAPTION_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote"}


def figure_captions(tree) -> set[str]:
    """The ``line_key`` of each line of the page's ``<figcaption>`` texts: a picture's caption,
    which an extractor may keep as a paragraph of the article (a WordPress caption set beside
    its figure). A figcaption that holds paragraphs or headings is a header, not a caption."""
    if tree is None:
        return set()
    return {line_key(line) for caption in tree.iter("figcaption")
            if not any(el.tag in _CAPTION_BLOCKS for el in caption.iterdescendants())
            for line in tidy(caption.text_content()).split("\n") if line}


def tidy(text: str | None) -> str:
    """One block a line, whitespace inside a line collapsed (also no-break spaces), no empty lines,
    in Unicode's composed form (NFC)."""
    # Pages written in decomposed form ("u" + U+0308 for "ü"; Bengali's nukta letters) would
    # otherwise match neither a search typed in composed form nor a passage quoted from the page,
    # and a word pattern (\w+) splits such words at the combining mark. trafilatura's own
    # extract() composes its output likewise; bare_extraction, which we call, does not.
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text or "").splitlines())
    return "\n".join(line for line in lines if line)


_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    """The set of k-word shingles of ``text`` (lower-cased words)."""
    words = _WORD.findall((text or "").lower())
    if len(words) < k:
        return {tuple(words)} if words else set()
    return set(zip(*(words[i:] for i in range(k))))  # a third of the time of slicing per shingle


def without_list_mark(line: str) -> str:
    """A line without the "- " trafilatura puts before a list item (resiliparse, with
    ``list_bullets=False``, puts none), so that both members' lines compare."""
    return line.removeprefix("- ")


def line_key(text: str) -> str:
    """A line as compared with a headline: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def headline_keys(headlines) -> set[str]:
    """The ``line_key`` of each of a page's headlines (title, ``<h1>``) that is given and not blank."""
    return {line_key(h) for h in headlines if h and h.strip()}


# trafilatura's settings object, built once per mode: building it reads trafilatura's config file
# settings anew (0.8 ms, a tenth of a small page's extraction). Each call gets a copy naming its
# page; trafilatura copies it itself before changing anything.
_EXTRACTORS = {fast: Extractor(output_format="python", fast=fast, with_metadata=False, comments=TRAFILATURA_OPTIONS["include_comments"],
                               tables=TRAFILATURA_OPTIONS["include_tables"])
               for fast in (False, True)}


def trafilatura_text(tree_or_html, url: str | None = None, fast: bool = False) -> str:
    """trafilatura's main text with ``TRAFILATURA_OPTIONS`` ("" when it finds none); ``fast``
    skips its fallback extractors."""
    options = copy(_EXTRACTORS[fast])
    options.url = options.source = url
    doc = trafilatura.bare_extraction(tree_or_html, url=url, options=options)
    if doc is None:
        return ""
    data = doc if isinstance(doc, dict) else doc.as_dict()  # 1.x returned a dict, 2.x a Document
    return tidy(data.get("text"))


def resiliparse_text(html: str) -> str:
    """resiliparse's main-content text: its own HTML parser (lexbor) and block heuristics.
    Without list bullets, image alt texts, comment sections or post metadata (F1 0.861 on the
    evaluation corpus against 0.842 with resiliparse's defaults)."""
    return tidy(extract_plain_text(HTMLTree.parse(html), main_content=True, list_bullets=False,
                                   alt_texts=False, comments=False, post_meta=False))
