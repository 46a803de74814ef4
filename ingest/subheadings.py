"""An article's subheadings that trafilatura left out, put back from resiliparse's reading.

trafilatura drops some subheadings between the paragraphs it keeps: a heading set in a container
whose class names a "headline" (heise.de-style anchor headings), a heading lxml moved out of a
paragraph (``<p><h4>``), headings in a CMS's rich-text blocks. In whole-body terms each one is
a few words of recall lost, and a page with a dozen sections loses them all. resiliparse, which
walks the page in order, keeps them.

A witness line is put back only where both readings and the page agree on its place:
- the page has it as an ``<h2>``-``<h6>`` heading;
- the witness has it between two lines that the text has next to each other, and it goes
  between them;
- in the page, the first text after the heading starts the line that follows it. A "Related" or
  "Read also" heading is followed by its links, which neither reading keeps, so it is not taken.

Measured on the 990 real pages of the trafilatura evaluation corpus (session 12): 101 lines on 34
pages come back, read one by one: about 90 are section headings, the rest a related story's
title, a byline, a contest's or a help desk's heading. Passages: 2 more found, 1 more unwanted
(F1 0.9504 -> 0.9506). Whole body against the bodies 46 pages declare in JSON-LD: recall 0.965
-> 0.968, precision unchanged.
"""

from __future__ import annotations

from ingest.extractors import line_key, without_list_mark

_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# longer "headings" are paragraphs or captions set in a heading element
MAX_HEADING = 150
# how much of the following text must start the next line (a heading is followed by a paragraph)
FOLLOW_PREFIX = 30


def _places(lines: list[str]) -> dict[str, int]:
    # both texts are tidied (whitespace collapsed), so lines compare as they are, and as the other
    # member writes them (without trafilatura's list mark)
    place = {line: i for i, line in enumerate(lines)}
    place.update((bare, i) for i, line in enumerate(lines) if (bare := without_list_mark(line)) != line)
    return place


def _next_text(element) -> str:
    """The first text that is not blank after ``element`` ends, in document order."""
    node = element
    while node is not None:
        if node.tail and node.tail.strip():
            return node.tail
        sibling = node.getnext()
        while sibling is not None:
            for text in sibling.itertext():
                if text.strip():
                    return text
            if sibling.tail and sibling.tail.strip():
                return sibling.tail
            sibling = sibling.getnext()
        node = node.getparent()
    return ""


def _followers(tree, wanted: set[str]) -> dict[str, list[str]]:
    """For each heading of the page whose key is in ``wanted``, the keys of the text that follows it.

    Each heading's look ahead stops at the first text after it (an XPath ``following::`` per
    heading costs the rest of the page each time: quadratic on a page of many headings)."""
    found: dict[str, list[str]] = {}
    for heading in tree.iter(*_HEADINGS):
        key = line_key("".join(heading.itertext()))
        if key in wanted:
            found.setdefault(key, []).append(line_key(_next_text(heading)))
    return found


def restore_subheadings(text: str, witness: str, tree) -> str:
    """``text`` with the headings of the page (``tree``) that ``witness`` has between two lines
    the text has next to each other, put between them; ``text`` unchanged when there are none.

    Both texts hold one block a line (``ingest.extractors.tidy``)."""
    if not text or not witness or tree is None:
        return text
    ours = text.split("\n")
    place = _places(ours)
    theirs = witness.split("\n")
    # (where in the text, which witness line) for each line the text lacks between two it has together
    candidates: list[tuple[int, str]] = []
    for before, line, after in zip(theirs, theirs[1:], theirs[2:]):
        if line in place or len(line) > MAX_HEADING:
            continue
        at_before, at_after = place.get(before), place.get(after)
        if at_before is not None and at_after == at_before + 1:
            candidates.append((at_after, line))
    if not candidates:
        return text
    followers = _followers(tree, {line_key(line) for _, line in candidates})
    inserts: dict[int, str] = {}
    for at, line in candidates:
        nxt = line_key(ours[at])
        if any(f and nxt.startswith(f[:FOLLOW_PREFIX]) for f in followers.get(line_key(line), ())):
            inserts.setdefault(at, line)
    if not inserts:
        return text
    merged: list[str] = []
    for at, line in enumerate(ours):
        if at in inserts:
            merged.append(inserts[at])
        merged.append(line)
    return "\n".join(merged)
