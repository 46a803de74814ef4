"""FTS5 MATCH expressions from the query AST (``newsflow.core.query``): the embedded index's rendering.

Words are looked up by their stems (``newsflow.core.analysis``) in the stem columns, phrases and
prefixes in the exact ones; every word is double-quoted, so user text never reaches FTS5 syntax.
"""

from __future__ import annotations

from newsflow.core.analysis import query_stems
from newsflow.core.query import Node, Phrase, QueryError, Term, split

# FTS5 columns of the embedded index: exact words (phrases, prefixes) and stems (words).
EXACT_COLUMNS = {None: "{title text}", "title": "{title}"}
STEM_COLUMNS = {None: "{title_stem text_stem}", "title": "{title_stem}"}


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _leaf(node: Term | Phrase, languages: list[str] | None) -> str:
    if isinstance(node, Phrase) or node.prefix:
        suffix = "*" if isinstance(node, Term) and node.prefix else ""
        return f"{EXACT_COLUMNS[node.field]} : {_quote(node.text)}{suffix}"
    # the word's stems in every query language; the index holds each article's stems
    alts = [f"{STEM_COLUMNS[node.field]} : {_quote(' '.join(seq))}" for seq in query_stems(node.text, languages)]
    if not alts:  # no letters left after analysis: match the word as written
        alts = [f"{EXACT_COLUMNS[node.field]} : {_quote(node.text)}"]
    return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"


def _group(op: str, items: list[str]) -> str:
    return "(" + op.join(items) + ")"


def fts5_parts(node: Node | None, languages: list[str] | None = None) -> tuple[str | None, str | None]:
    """Split into an FTS5 expression to match and one to exclude (either may be None).

    Words are looked up by their stems in ``languages`` (default English) in the stem columns,
    phrases and prefixes in the exact ones. ``(None, None)``: no query. ``(None, x)``:
    everything except ``x`` (a query of only exclusions). Refuses the same queries as
    ``newsflow.core.query.check``, the validator every backend runs first.
    """
    return split(node, lambda leaf: _leaf(leaf, languages), lambda items: _group(" AND ", items),
                 lambda items: _group(" OR ", items), lambda inc, exc: f"({inc} NOT {exc})")


def to_fts5(node: Node | None, languages: list[str] | None = None) -> str:
    """A safe FTS5 MATCH expression: every word double-quoted, prefixes as ``"word"*``.

    Raises ``QueryError`` for an empty query or one made only of exclusions (see ``fts5_parts``).
    """
    inc, exc = fts5_parts(node, languages)
    if inc is None:
        if exc is None:
            raise QueryError("the query has nothing to search for")
        raise QueryError("a query of only exclusions (-word, NOT word) needs something to search for")
    return inc if exc is None else f"{inc} NOT {exc}"
