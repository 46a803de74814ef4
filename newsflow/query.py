"""The user query syntax, shared by every index backend.

``parse()`` turns what a person types into a small AST; each backend renders that AST
(``to_fts5`` here for the embedded index; the Elasticsearch backend translates the same nodes).

Syntax:

- bare words are all required (implicit AND): ``putin summit``; a word also finds its
  inflections (``missile`` = *missiles*; see ``newsflow.core.analysis``)
- ``"exact phrase"`` (straight or curly double quotes): exact words, no inflections
- ``OR``, ``AND``, ``NOT`` in upper case are operators; lower-case ``and``/``or``/``not`` are words
- a leading ``-`` on a word, phrase or group excludes it: ``putin -trump``, ``-"state media"``
- ``word*`` matches words starting with ``word``
- parentheses group: ``(kim OR putin) summit``
- fields: ``title:word``, ``title:"a phrase"``, ``title:(a OR b)`` search the title only;
  ``source:host``, ``author:"Jane Doe"``, ``lang:de`` and ``entity:"Kim Jong Un"`` (any
  spelling, as ``--entity``) filter like the options of the same name. These four are
  filters: they may be required or excluded (``-source:x``) at the top level of the query,
  not inside ``OR`` or a group.

Precedence: ``NOT``/``-`` binds tightest, then AND (explicit or implicit), then OR.
Punctuation inside a word is part of the word (``U.S.``, ``Jong-un``, ``Xi'an``, ``C++``):
it is split the same way the indexed text was, so such a word matches as a phrase of its
parts. A word without any letter or digit (``&``) is ignored.

Mistakes are ``QuerySyntaxError`` (a ``QueryError``) saying what and where (1-based
character): an operator with nothing to apply to (``putin OR``, ``AND kim``, ``NOT``), a
``-`` with nothing after it, a lone ``*``, empty parentheses, unbalanced quotes or
parentheses, an unknown field (``titel:x``), a field without a value, nesting deeper than
``MAX_DEPTH``.

Exclusions need something to exclude from: FTS5's NOT is binary. A query made only of
exclusions (``-foo``) means "everything except foo": ``fts5_parts`` returns it as
``(None, '...')`` and the embedded index runs it as a filter; ``to_fts5`` alone cannot
express it and raises ``QueryError``. An exclusion that is itself an alternative
(``foo OR -bar``) or the exclusion of an exclusion group (``-(a -b)``) cannot be expressed
in FTS5 and raises ``QueryError``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Union

from newsflow.core.analysis import query_stems
from newsflow.core.search import QueryError

MAX_DEPTH = 20  # nesting of parentheses / NOT; FTS5's own parser gives up far earlier than Python would


class QuerySyntaxError(QueryError):
    """A query that cannot be parsed; ``position`` is the 1-based character of the problem."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at character {position})")
        self.position = position


# --------------------------------------------------------------------------- AST

# Fields that search a part of the text, and fields that are filters (see the module docstring).
TEXT_FIELDS = ("title",)
FILTER_FIELDS = ("source", "author", "lang", "entity")
FIELDS = TEXT_FIELDS + FILTER_FIELDS


@dataclass(frozen=True)
class Term:
    """One word as typed (``prefix``: it ended with ``*``); ``field``: only in the title."""

    text: str
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Words that must appear in this order, next to each other."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Field:
    """A filter typed in the query: ``source:x``, ``author:"Jane Doe"``, ``lang:de``, ``entity:"Kim"``."""

    name: str
    value: str
    pos: int = field(default=0, compare=False)  # 1-based character, for messages


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    child: "Node"


Node = Union[Term, Phrase, Field, And, Or, Not]


# --------------------------------------------------------------------------- tokenizer

_OPEN_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'  # " “ ” „ ‟ « »
_CLOSE_QUOTES = _OPEN_QUOTES
_SPECIAL = set(_OPEN_QUOTES) | {"(", ")"}
_HAS_WORD = re.compile(r"[^\W_]")
_KEYWORDS = {"AND", "OR", "NOT"}
_FIELD = re.compile(r"([A-Za-z]+):(?!//)")


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD, PHRASE, LPAREN, RPAREN, AND, OR, NOT, MINUS, FIELD
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
            if i + 1 >= n or query[i + 1].isspace() or query[i + 1] == ")":
                raise QuerySyntaxError("'-' excludes the word right after it, but nothing follows it; "
                                       "remove the space after it or remove the '-'", i + 1)
            toks.append(_Tok("MINUS", c, i))
            i += 1
            continue
        if (m := _FIELD.match(query, i)) is not None:
            name = m.group(1).lower()
            if name not in FIELDS:
                raise QuerySyntaxError(f"unknown field {m.group(1)!r}: use {', '.join(f + ':' for f in FIELDS)} "
                                       "(or quote the word to search for it)", i + 1)
            j = m.end()
            if j >= n or query[j].isspace() or query[j] == ")":
                raise QuerySyntaxError(f"the field {name}: needs a value right after it, like {name}:word or {name}:\"two words\"", i + 1)
            toks.append(_Tok("FIELD", name, i))
            i = j
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
            elif prefix:
                raise QuerySyntaxError("'*' ends a word to find every word that starts with it (like sanction*); "
                                       "it cannot stand alone", i + 1)
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
            if parts[-1] is None:
                raise QuerySyntaxError("OR needs something on its left (like a OR b)", tok.pos + 1)
            self.next()
            if (nxt := self.peek()) is None or nxt.kind in ("OR", "RPAREN"):
                raise QuerySyntaxError("OR needs something on its right (like a OR b)", tok.pos + 1)
            parts.append(self.and_expr(depth))
        return _make(Or, [p for p in parts if p is not None])

    def and_expr(self, depth: int) -> Node | None:
        parts: list[Node | None] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            if tok.kind == "AND":
                self.next()  # explicit AND is the same as juxtaposition
                nxt = self.peek()
                if not parts or nxt is None or nxt.kind in ("OR", "RPAREN", "AND"):
                    raise QuerySyntaxError("AND needs something on both sides (like a AND b)", tok.pos + 1)
                continue
            parts.append(self.unary(depth))
        return _make(And, [p for p in parts if p is not None])

    def unary(self, depth: int, field: str | None = None) -> Node | None:
        tok = self.next()
        if tok.kind in ("NOT", "MINUS"):
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"the query nests deeper than {MAX_DEPTH} levels", tok.pos + 1)
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "RPAREN", "AND"):
                what = "NOT" if tok.kind == "NOT" else "'-'"
                raise QuerySyntaxError(f"{what} needs something to exclude right after it (like NOT word or -word)", tok.pos + 1)
            child = self.unary(depth + 1, field)
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        if tok.kind == "FIELD":
            return self.field(tok, depth)
        if tok.kind == "WORD":
            return Term(tok.text, tok.prefix, field)
        if tok.kind == "PHRASE":
            text = " ".join(tok.text.split())
            return Phrase(text, field) if _HAS_WORD.search(text) else None
        if tok.kind == "LPAREN":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"the query nests deeper than {MAX_DEPTH} levels", tok.pos + 1)
            if (nxt := self.peek()) is not None and nxt.kind == "RPAREN":
                raise QuerySyntaxError("empty parentheses: put something between them or remove them", tok.pos + 1)
            node = self.or_expr(depth + 1)
            close = self.peek()
            if close is None or close.kind != "RPAREN":
                raise QuerySyntaxError("this '(' is never closed; add a ')' or remove it", tok.pos + 1)
            self.next()
            return _in_field(node, field) if field else node
        # RPAREN cannot reach here (and_expr stops on it); anything else is a bug.
        raise QuerySyntaxError(f"unexpected {tok.text!r}", tok.pos + 1)  # pragma: no cover

    def field(self, tok: _Tok, depth: int) -> Node | None:
        name = tok.text
        nxt = self.peek()
        if name in TEXT_FIELDS:
            if nxt is None or nxt.kind not in ("WORD", "PHRASE", "LPAREN"):
                raise QuerySyntaxError(f"{name}: takes a word, a \"phrase\" or a (group)", tok.pos + 1)
            return self.unary(depth + 1, name)
        if nxt is None or nxt.kind not in ("WORD", "PHRASE"):
            raise QuerySyntaxError(f"{name}: takes a word or a \"quoted value\"", tok.pos + 1)
        value = self.next()
        text = " ".join(value.text.split())
        if not text:
            raise QuerySyntaxError(f"{name}: needs a value", tok.pos + 1)
        return Field(name, text, tok.pos + 1)


def _in_field(node: Node | None, name: str) -> Node | None:
    """``node`` with every word and phrase restricted to the field ``name``."""
    if node is None or isinstance(node, Field):
        return node
    if isinstance(node, (Term, Phrase)):
        return dataclasses.replace(node, field=name)
    if isinstance(node, Not):
        return Not(_in_field(node.child, name))
    return type(node)(tuple(_in_field(c, name) for c in node.children))


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


@dataclass(frozen=True)
class Plan:
    """A parsed query split into what full text searches and the filters typed as fields.

    ``required`` fields must all hold, ``excluded`` ones must not; ``text`` may be None.
    """

    text: Node | None
    required: tuple[Field, ...] = ()
    excluded: tuple[Field, ...] = ()

    def values(self, name: str, *, excluded: bool = False) -> list[str]:
        """The values typed for field ``name`` (required ones, or the excluded ones)."""
        return [f.value for f in (self.excluded if excluded else self.required) if f.name == name]


def plan(query: str | None) -> Plan:
    """Parse ``query`` and take its filter fields out; ``QuerySyntaxError`` for one inside OR or a group."""
    node = parse(query)
    required: list[Field] = []
    excluded: list[Field] = []
    kept: list[Node] = []
    for child in (node.children if isinstance(node, And) else (node,) if node is not None else ()):
        if isinstance(child, Field):
            required.append(child)
        elif isinstance(child, Not) and isinstance(child.child, Field):
            excluded.append(child.child)
        else:
            _no_fields(child)
            kept.append(child)
    return Plan(_make(And, kept), tuple(required), tuple(excluded))


def _no_fields(node: Node) -> None:
    if isinstance(node, Field):
        raise QuerySyntaxError(f"{node.name}: is a filter: use it at the top level of the query (required, or excluded "
                               f"with -{node.name}:), not inside OR or parentheses", node.pos)
    if isinstance(node, Not):
        _no_fields(node.child)
    elif isinstance(node, (And, Or)):
        for c in node.children:
            _no_fields(c)


# --------------------------------------------------------------------------- helpers


def terms(node: Node | None) -> list[str]:
    """Positive words and phrases, in order, without duplicates (prefix terms end with ``*``).

    What to highlight or report as matched; excluded terms (under an odd number of NOTs) and
    filter fields are left out.
    """
    out: list[str] = []

    def walk(n: Node, negated: bool) -> None:
        if isinstance(n, Term):
            if not negated:
                out.append(n.text + ("*" if n.prefix else ""))
        elif isinstance(n, Phrase):
            if not negated:
                out.append(n.text)
        elif isinstance(n, Field):
            pass
        elif isinstance(n, Not):
            walk(n.child, not negated)
        else:
            for c in n.children:
                walk(c, negated)

    if node is not None:
        walk(node, False)
    return list(dict.fromkeys(out))


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


def _parts(node: Node, languages: list[str] | None) -> tuple[str | None, str | None]:
    """(include, exclude): matches ``include`` and not ``exclude``; include None = every document."""
    if isinstance(node, (Term, Phrase)):
        return _leaf(node, languages), None
    if isinstance(node, Field):
        raise QuerySyntaxError(f"{node.name}: is a filter, not full text", node.pos)
    if isinstance(node, Not):
        inc, exc = _parts(node.child, languages)
        if inc is None:  # NOT (everything except x) = x
            return exc, None
        if exc is not None:
            raise QueryError("excluding a group that itself excludes something (like -(a -b)) is not supported; rewrite it without the inner exclusion")
        return None, inc
    if isinstance(node, And):
        incs, excs = [], []
        for child in node.children:
            inc, exc = _parts(child, languages)
            if inc is not None:
                incs.append(inc)
            if exc is not None:
                excs.append(exc)
        return _join(" AND ", incs), _join(" OR ", excs)
    if isinstance(node, Or):
        alts = []
        for child in node.children:
            inc, exc = _parts(child, languages)
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


def fts5_parts(node: Node | None, languages: list[str] | None = None) -> tuple[str | None, str | None]:
    """Split into an FTS5 expression to match and one to exclude (either may be None).

    Words are looked up by their stems in ``languages`` (default English) in the stem columns,
    phrases and prefixes in the exact ones. ``(None, None)``: no query. ``(None, x)``:
    everything except ``x`` (a query of only exclusions). Also the validator every backend
    runs first, so they refuse the same queries with the same messages.
    """
    if node is None:
        return None, None
    return _parts(node, languages)


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
