"""The user query syntax, shared by every index backend.

``parse()`` turns what a person types into a small AST; each backend renders that AST
(``to_fts5`` here for the embedded index; the Elasticsearch backend translates the same nodes).

Syntax:

- bare words are all required (implicit AND): ``putin summit``
- ``"exact phrase"`` (straight or curly double quotes)
- ``OR``, ``AND``, ``NOT`` in upper case are operators; lower-case ``and``/``or``/``not`` are words
- a leading ``-`` on a word, phrase or group excludes it: ``putin -trump``, ``-"state media"``
- ``word*`` matches words starting with ``word``
- parentheses group: ``(kim OR putin) summit``

Precedence: ``NOT``/``-`` binds tightest, then AND (explicit or implicit), then OR.
Punctuation inside a word is part of the word (``U.S.``, ``Jong-un``, ``Xi'an``, ``C++``):
the backend's tokenizer splits it the same way it split the indexed text, so such a word
matches as a phrase of its parts. A word without any letter or digit (``&``, a lone ``-``)
is ignored. So are operators with nothing to apply to (``putin OR``, ``AND kim``) and empty
groups ``()``. Unbalanced quotes or parentheses and nesting deeper than ``MAX_DEPTH``
raise ``QuerySyntaxError`` (a ``QueryError``) with the 1-based character position.

Exclusions need something to exclude from: FTS5's NOT is binary. A query made only of
exclusions (``-foo``) means "everything except foo": ``fts5_parts`` returns it as
``(None, '"foo"')`` and the embedded index runs it as a filter; ``to_fts5`` alone cannot
express it and raises ``QueryError``. An exclusion that is itself an alternative
(``foo OR -bar``) or the exclusion of an exclusion group (``-(a -b)``) cannot be expressed
in FTS5 and raises ``QueryError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from newsflow.search import QueryError

MAX_DEPTH = 20  # nesting of parentheses / NOT; FTS5's own parser gives up far earlier than Python would


class QuerySyntaxError(QueryError):
    """A query that cannot be parsed; ``position`` is the 1-based character of the problem."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at character {position})")
        self.position = position


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Term:
    """One word as typed (``prefix``: it ended with ``*``)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must appear in this order, next to each other."""

    text: str


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    child: "Node"


Node = Union[Term, Phrase, And, Or, Not]


# --------------------------------------------------------------------------- tokenizer

_OPEN_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'  # " “ ” „ ‟ « »
_CLOSE_QUOTES = _OPEN_QUOTES
_SPECIAL = set(_OPEN_QUOTES) | {"(", ")"}
_HAS_WORD = re.compile(r"\w")
_KEYWORDS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD, PHRASE, LPAREN, RPAREN, AND, OR, NOT, MINUS
    text: str
    pos: int  # 0-based
    prefix: bool = False


def _tokenize(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        if c == "(":
            toks.append(_Tok("LPAREN", c, i))
            i += 1
            continue
        if c == ")":
            toks.append(_Tok("RPAREN", c, i))
            i += 1
            continue
        if c in _OPEN_QUOTES:
            j = i + 1
            while j < n and query[j] not in _CLOSE_QUOTES:
                j += 1
            if j >= n:
                raise QuerySyntaxError(f"the quote {c} is never closed; add a closing quote or remove it", i + 1)
            toks.append(_Tok("PHRASE", query[i + 1:j], i))
            i = j + 1
            continue
        # A '-' that starts a token excludes what follows (a word, a phrase or a group).
        if c == "-" and (not toks or toks[-1].kind in ("LPAREN", "AND", "OR", "NOT", "MINUS") or query[i - 1].isspace()):
            if i + 1 < n and not query[i + 1].isspace() and query[i + 1] != ")":
                toks.append(_Tok("MINUS", c, i))
            i += 1  # a lone '-' ("putin - kremlin") is just punctuation
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
            j += 1
        word = query[i:j]
        if word in _KEYWORDS:
            toks.append(_Tok(word, word, i))
        else:
            prefix = word.endswith("*")
            text = word.rstrip("*")
            if _HAS_WORD.search(text):
                toks.append(_Tok("WORD", text, i, prefix))
        i = j
    return toks


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.toks = _tokenize(query)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        node = self.or_expr(0)
        tok = self.peek()
        if tok is not None:  # only an unmatched ')' stops or_expr early
            raise QuerySyntaxError("this ')' has no matching '('", tok.pos + 1)
        return node

    def or_expr(self, depth: int) -> Node | None:
        parts = [self.and_expr(depth)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.next()
            parts.append(self.and_expr(depth))
        return _make(Or, [p for p in parts if p is not None])

    def and_expr(self, depth: int) -> Node | None:
        parts: list[Node | None] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            if tok.kind == "AND":
                self.next()  # explicit AND is the same as juxtaposition; a dangling one is ignored
                continue
            parts.append(self.unary(depth))
        return _make(And, [p for p in parts if p is not None])

    def unary(self, depth: int) -> Node | None:
        tok = self.next()
        if tok.kind in ("NOT", "MINUS"):
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"the query nests deeper than {MAX_DEPTH} levels", tok.pos + 1)
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "RPAREN", "AND"):
                return None  # "putin NOT" : nothing to exclude
            child = self.unary(depth + 1)
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        if tok.kind == "WORD":
            return Term(tok.text, tok.prefix)
        if tok.kind == "PHRASE":
            text = " ".join(tok.text.split())
            return Phrase(text) if _HAS_WORD.search(text) else None
        if tok.kind == "LPAREN":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"the query nests deeper than {MAX_DEPTH} levels", tok.pos + 1)
            node = self.or_expr(depth + 1)
            close = self.peek()
            if close is None or close.kind != "RPAREN":
                raise QuerySyntaxError("this '(' is never closed; add a ')' or remove it", tok.pos + 1)
            self.next()
            return node
        # RPAREN cannot reach here (and_expr stops on it); anything else is a bug.
        raise QuerySyntaxError(f"unexpected {tok.text!r}", tok.pos + 1)  # pragma: no cover


def _make(cls, parts: list[Node]) -> Node | None:
    flat: list[Node] = []
    for p in parts:
        flat.extend(p.children if isinstance(p, cls) else (p,))
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    return cls(tuple(flat))


def parse(query: str | None) -> Node | None:
    """The AST of ``query``, or ``None`` for a query with nothing to search for."""
    if query:
        # control characters (NUL, ...) separate words like spaces do: nobody types them, and
        # FTS5 would end a string at a NUL ("unterminated string") instead of searching
        query = _CONTROL.sub(" ", query)
    if not query or not query.strip():
        return None
    return _Parser(query).parse()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# --------------------------------------------------------------------------- helpers


def terms(node: Node | None) -> list[str]:
    """Positive words and phrases, in order, without duplicates (prefix terms end with ``*``).

    What to highlight or report as matched; excluded terms (under an odd number of NOTs) are left out.
    """
    out: list[str] = []

    def walk(n: Node, negated: bool) -> None:
        if isinstance(n, Term):
            if not negated:
                out.append(n.text + ("*" if n.prefix else ""))
        elif isinstance(n, Phrase):
            if not negated:
                out.append(n.text)
        elif isinstance(n, Not):
            walk(n.child, not negated)
        else:
            for c in n.children:
                walk(c, negated)

    if node is not None:
        walk(node, False)
    return list(dict.fromkeys(out))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _parts(node: Node) -> tuple[str | None, str | None]:
    """(include, exclude): matches ``include`` and not ``exclude``; include None = every document."""
    if isinstance(node, Term):
        return _quote(node.text) + ("*" if node.prefix else ""), None
    if isinstance(node, Phrase):
        return _quote(node.text), None
    if isinstance(node, Not):
        inc, exc = _parts(node.child)
        if inc is None:  # NOT (everything except x) = x
            return exc, None
        if exc is not None:
            raise QueryError("excluding a group that itself excludes something (like -(a -b)) is not supported; rewrite it without the inner exclusion")
        return None, inc
    if isinstance(node, And):
        incs, excs = [], []
        for child in node.children:
            inc, exc = _parts(child)
            if inc is not None:
                incs.append(inc)
            if exc is not None:
                excs.append(exc)
        return _join(" AND ", incs), _join(" OR ", excs)
    if isinstance(node, Or):
        alts = []
        for child in node.children:
            inc, exc = _parts(child)
            if inc is None:
                raise QueryError("an exclusion cannot be an alternative (like 'a OR -b'); put the exclusion outside the OR: '(a OR c) -b'")
            alts.append(inc if exc is None else f"({inc} NOT {exc})")
        return _join(" OR ", alts), None
    raise TypeError(f"not a query node: {node!r}")


def _join(op: str, items: list[str]) -> str | None:
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return "(" + op.join(items) + ")"


def fts5_parts(node: Node | None) -> tuple[str | None, str | None]:
    """Split into an FTS5 expression to match and one to exclude (either may be None).

    ``(None, None)``: no query. ``(None, x)``: everything except ``x`` (a query of only exclusions).
    """
    if node is None:
        return None, None
    return _parts(node)


def to_fts5(node: Node | None) -> str:
    """A safe FTS5 MATCH expression: every word double-quoted, prefixes as ``"word"*``.

    Raises ``QueryError`` for an empty query or one made only of exclusions (see ``fts5_parts``).
    """
    inc, exc = fts5_parts(node)
    if inc is None:
        if exc is None:
            raise QueryError("the query has nothing to search for")
        raise QueryError("a query of only exclusions (-word, NOT word) needs something to search for")
    return inc if exc is None else f"{inc} NOT {exc}"
