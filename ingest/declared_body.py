"""The article body a page declares in its JSON-LD (schema.org ``articleBody``).

Pages rendered in the browser (Vue, Next.js) and pages behind a paywall often carry little
article in their HTML: a caption, a teaser. Many still declare the whole body for search
engines, in a ``<script type="application/ld+json">`` object of type NewsArticle, Article,
BlogPosting... Where the extractors found much less than that, the declared body is the
article (``ingest.ensemble`` decides).

On the 990 pages of the trafilatura evaluation corpus, 48 declare a body of 500 characters or
more. On most of them it matches what the extractors found to within a fifth. Two are the cases
it is for: scmp.com, rendered by Vue, has nothing but a picture caption in its HTML and its whole
opinion piece in JSON-LD; topagrar.com shows its teaser and a subscription offer, and declares
the whole article. The teaser is the object's ``description`` (``declared_summary``), which the
body does not repeat. Some declared bodies are not plain text but a CMS's markup (Markdown links,
"[#image: ...]" embeds): those are not used.
"""

from __future__ import annotations

import html as html_entities
import json
import re
from collections.abc import Iterable, Iterator

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from ingest.extractors import JSON_LD_TYPE, line_key, shingles, tidy, without_list_mark

# a CMS's own markup in the declared text: Markdown links and emphasis, embed placeholders,
# block fences ("+++feature-small", "|||")
_MARKUP = re.compile(r"\]\(https?://|\[#\w+:|\*\*\w|^\+\+\+|\|\|\|", re.MULTILINE)
_TAG = re.compile(r"</?(?:p|br|div|h[1-6]|li|ul|ol|span|a|strong|em|b|i)\b[^>]*>", re.IGNORECASE)


def jsonld_objects(tree) -> Iterator[dict]:
    """Every JSON object (at any depth, ``@graph`` included) of the page's JSON-LD scripts;
    a script that is not valid JSON, or nests too deep to parse, is skipped."""
    if tree is None:
        return
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != JSON_LD_TYPE or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's parser goes
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))


def _one_article(objects: Iterable[dict]) -> dict | None:
    # the object that declares the page's body; none when several declare different bodies (a
    # listing of articles, not one article)
    bodies = {item["articleBody"].strip(): item for item in objects
              if isinstance(item.get("articleBody"), str) and item["articleBody"].strip()}
    return next(iter(bodies.values())) if len(bodies) == 1 else None


def declared_body(objects: Iterable[dict]) -> str:
    """The ``articleBody`` among a page's JSON-LD ``objects`` (``jsonld_objects``) as plain text,
    one block a line (``tidy``); "" when the page declares none, declares several different ones
    (a listing of articles, not one article), or declares it in a CMS's markup rather than as text."""
    article = _one_article(objects)
    if article is None:
        return ""
    body = html_entities.unescape(article["articleBody"].strip())
    if _TAG.search(body):  # some CMSs put the body's HTML in, escaped ("&lt;p&gt;") or not
        body = extract_plain_text(HTMLTree.parse(body), main_content=False, list_bullets=False, alt_texts=False)
    if _MARKUP.search(body):
        return ""
    return tidy(body)


def declared_summary(objects: Iterable[dict]) -> str:
    """The ``description`` of the one JSON-LD object that declares an ``articleBody`` (the
    article's teaser, as plain text on one line); "" when there is none or several bodies."""
    article = _one_article(objects)
    summary = article.get("description") if article is not None else None
    return " ".join(html_entities.unescape(summary).split()) if isinstance(summary, str) else ""


# A line of the text is the declared body's when the body holds it word for word (whitespace and
# case aside; 12 characters or more, so that a one-word label does not match by chance) or holds
# most of its word trigrams (quotes, dashes or a list marker spelled otherwise).
HELD_SHARE = 0.6
_MIN_HELD = 12
# What follows the last such line goes only where it reads as page furniture: lines shorter than
# most of a news article's paragraphs, a small part of the text (a declared body that stops early,
# before the article's last paragraphs, must not cut them; at 250 characters a closing paragraph
# of 230 went).
MAX_TAIL_LINE = 100
MAX_TAIL_SHARE = 0.25
MAX_TAIL_LINES = 50


def cut_after_declared_end(text: str, declared: str) -> str:
    """``text`` without the lines after the last one ``declared`` (the page's whole declared body)
    holds: where the site says its article ends, what the extractors kept after it (a plea for the
    site's journalism, a newsletter form, a push-notification prompt, a closing block of links) is
    the page's. Unchanged unless those lines are all short, no more than ``MAX_TAIL_LINES``, and
    together under ``MAX_TAIL_SHARE`` of the text."""
    if not text or not declared:
        return text
    lines = text.split("\n")
    body_key, body_shingles = line_key(declared), shingles(declared)

    def held(line: str) -> bool:
        key = line_key(without_list_mark(line).strip("•*·–— "))
        if len(key) >= _MIN_HELD and key in body_key:
            return True
        own = shingles(line)
        return len(own) >= 3 and len(own & body_shingles) >= HELD_SHARE * len(own)

    # from the end back to the last line the body holds, giving up as soon as what lies after it
    # cannot be furniture (which also bounds the work on a hostile page to a few lines)
    tail = 0
    for at in range(len(lines) - 1, max(-1, len(lines) - 2 - MAX_TAIL_LINES), -1):
        if held(lines[at]):
            return "\n".join(lines[:at + 1])
        tail += len(lines[at])
        if len(lines[at]) > MAX_TAIL_LINE or tail > MAX_TAIL_SHARE * len(text):
            return text
    return text
