"""A per-page markup budget, checked on the raw HTML before any parser sees it.

Extraction cost grows with the markup, and not always linearly: libxml2 checks a new attribute
against every earlier one of its element, so one element with 50,000 attributes costs seconds of
CPU in the parse alone (6.7 s measured) and ~54 s through trafilatura. A page over budget is
refused with one reason instead of being extracted. The scan is a single regular-expression
pass (a few ms per MB), so the check costs far less than what it guards.

The limits are far above real article pages (a few thousand elements, tens of attributes on the
busiest one); at the element limit extraction takes ~2 s of CPU on the development machine.
"""

from __future__ import annotations

import re

MAX_ELEMENTS = 60_000
MAX_ATTRIBUTES = 1_000  # on one element

_START_TAG = re.compile(r"<[A-Za-z][^>]*>?")
# An attribute starts after whitespace; a quoted value is skipped whole so its words do not count.
_ATTRIBUTE = re.compile(r"""\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")


def over_budget(html: str) -> str | None:
    """Why ``html`` is too costly to extract (one log-ready phrase), or ``None`` when it is within budget."""
    elements = 0
    for tag in _START_TAG.finditer(html):
        elements += 1
        if elements > MAX_ELEMENTS:
            return f"markup over budget: more than {MAX_ELEMENTS} elements"
        text = tag.group()
        # cheap bound first: an element cannot have more attributes than whitespace runs
        if text.count(" ") + text.count("\n") + text.count("\t") > MAX_ATTRIBUTES:
            attributes = sum(1 for _ in _ATTRIBUTE.finditer(text))
            if attributes > MAX_ATTRIBUTES:
                return f"markup over budget: an element with {attributes} attributes (at most {MAX_ATTRIBUTES})"
    return None
