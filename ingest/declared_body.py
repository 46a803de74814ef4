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

from ingest.extractors import JSON_LD_TYPE, tidy

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


def _bodies(objects: Iterable[dict]) -> dict[str, dict]:
    return {item["articleBody"].strip(): item for item in objects
            if isinstance(item.get("articleBody"), str) and item["articleBody"].strip()}


def declared_body(objects: Iterable[dict]) -> str:
    """The ``articleBody`` among a page's JSON-LD ``objects`` (``jsonld_objects``) as plain text,
    one block a line (``tidy``); "" when the page declares none, declares several different ones
    (a listing of articles, not one article), or declares it in a CMS's markup rather than as text."""
    bodies = _bodies(objects)
    if len(bodies) != 1:
        return ""
    body = html_entities.unescape(next(iter(bodies)))
    if _TAG.search(body):  # some CMSs put the body's HTML in, escaped ("&lt;p&gt;") or not
        body = extract_plain_text(HTMLTree.parse(body), main_content=False, list_bullets=False, alt_texts=False)
    if _MARKUP.search(body):
        return ""
    return tidy(body)


def declared_summary(objects: Iterable[dict]) -> str:
    """The ``description`` of the one JSON-LD object that declares an ``articleBody`` (the
    article's teaser, as plain text on one line); "" when there is none or several bodies."""
    bodies = _bodies(objects)
    if len(bodies) != 1:
        return ""
    summary = next(iter(bodies.values())).get("description")
    return " ".join(html_entities.unescape(summary).split()) if isinstance(summary, str) else ""
