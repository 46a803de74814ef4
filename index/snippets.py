"""Snippets of hits, made in Python from the article text, the same way for every backend.

The words the query matched are wrapped in ``<mark>``: a word whose stem is one of a query
word's stems (``missile`` marks *missiles*), the words of a phrase in a row, words starting
with a prefix. Then a window of ``SNIPPET_TOKENS`` words with the most marks is cut out, with
``…`` where it does not reach the start or end of the text. Because the index backends rank and
filter but this module writes the snippet, both backends show the same snippet for a hit.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsflow.core.analysis import fold_word, language_code, query_stems, stem_tokens, words
from newsflow.core.query import Field, Node, Not, Phrase, Term

SNIPPET_TOKENS = 30
LEAD_CHARS = 200  # snippet length when there is no full-text query
MAX_MARKED_CHARS = 200_000  # marks are looked for in this much of a text (huge pages stay cheap)


@dataclass(frozen=True)
class Matcher:
    """What to mark, from a query AST: stem sequences, exact word sequences, prefix sequences."""

    stems: frozenset[tuple[str, ...]]
    exact: frozenset[tuple[str, ...]]
    prefixes: frozenset[tuple[str, ...]]

    @property
    def empty(self) -> bool:
        return not (self.stems or self.exact or self.prefixes)


def _exact(text: str) -> tuple[str, ...]:
    return tuple(p for m in words(text) for p in fold_word(m.group()).split("'") if p)


def matcher(node: Node | None, languages: list[str] | None = None) -> Matcher:
    """The positive (not excluded) words, phrases and prefixes of ``node``, for marking."""
    stems: set[tuple[str, ...]] = set()
    exact: set[tuple[str, ...]] = set()
    prefixes: set[tuple[str, ...]] = set()

    def walk(n: Node, negated: bool) -> None:
        if isinstance(n, Not):
            walk(n.child, not negated)
        elif isinstance(n, Field):
            return
        elif isinstance(n, (Term, Phrase)):
            if negated or n.field == "title":  # title-only words match the title, not the text
                return
            if isinstance(n, Phrase):
                exact.add(_exact(n.text))
            elif n.prefix:
                prefixes.add(_exact(n.text))
            else:
                stems.update(query_stems(n.text, languages))
        else:
            for c in n.children:
                walk(c, negated)

    if node is not None:
        walk(node, False)
    return Matcher(frozenset(s for s in stems if s), frozenset(s for s in exact if s), frozenset(s for s in prefixes if s))


def _spans(text: str, m: Matcher, language: str | None) -> list[tuple[int, int]]:
    """Character spans of ``text`` to mark."""
    code = language_code(language)
    exact_toks: list[tuple[str, int, int]] = []
    stem_toks: list[tuple[str, int, int]] = []
    for w in words(text[:MAX_MARKED_CHARS]):
        raw = w.group()
        exact_toks += [(p, w.start(), w.end()) for p in fold_word(raw).split("'") if p]
        stem_toks += [(s, w.start(), w.end()) for s in stem_tokens(raw, code)]
    spans: list[tuple[int, int]] = []
    for seqs, toks, prefix in ((m.stems, stem_toks, False), (m.exact, exact_toks, False), (m.prefixes, exact_toks, True)):
        for seq in seqs:
            n = len(seq)
            for i in range(len(toks) - n + 1):
                if toks[i][0] != seq[0] and not (prefix and n == 1 and toks[i][0].startswith(seq[0])):
                    continue
                window = toks[i:i + n]
                ok = all(t[0] == s for t, s in zip(window[:-1], seq[:-1]))
                last = window[-1][0]
                ok = ok and (last.startswith(seq[-1]) if prefix else last == seq[-1])
                if ok:
                    spans.append((window[0][1], window[-1][2]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked(text: str, m: Matcher, language: str | None = None) -> str:
    """``text`` with the matched words in ``<mark>``; neither escaped nor cut."""
    out: list[str] = []
    pos = 0
    for start, end in _spans(text, m, language):
        out += [text[pos:start], "<mark>", text[start:end], "</mark>"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def window(highlighted: str) -> str:
    """A window of ``SNIPPET_TOKENS`` words of a marked text: the most marked words, centred on them,
    with … where it does not reach the start or end of the text."""
    tokens = highlighted.split()
    n, size = len(tokens), SNIPPET_TOKENS
    if n <= size:
        return " ".join(tokens)
    marks = [i for i, w in enumerate(tokens) if "<mark>" in w or "</mark>" in w]
    start = 0
    if marks:
        best_i, best_count, best_last = marks[0], 0, marks[0]
        for k, i in enumerate(marks):
            inside = [j for j in marks[k:] if j < i + size]
            if len(inside) > best_count:
                best_i, best_count, best_last = i, len(inside), inside[-1]
        pad = (size - (best_last - best_i + 1)) // 2
        start = max(0, min(best_i - pad, n - size))
    text = " ".join(tokens[start:start + size])
    # a phrase mark cut by the window: close or reopen it
    if text.rfind("<mark>") > text.rfind("</mark>"):
        text += "</mark>"
    first_close, first_open = text.find("</mark>"), text.find("<mark>")
    if first_close != -1 and (first_open == -1 or first_close < first_open):
        text = "<mark>" + text
    return ("…" if start > 0 else "") + text + ("…" if start + size < n else "")


def lead(raw: str | None) -> str:
    """The first ~LEAD_CHARS characters of a text (whitespace collapsed), cut at a word, with … if cut."""
    text = " ".join((raw or "")[: LEAD_CHARS * 4].split())
    if len(text) <= LEAD_CHARS:
        return text + ("…" if raw and len(raw) >= LEAD_CHARS * 4 else "")
    cut = text.rfind(" ", 0, LEAD_CHARS)
    return text[: cut if cut > LEAD_CHARS // 2 else LEAD_CHARS].rstrip() + "…"


def snippet(text: str, m: Matcher | None, language: str | None = None) -> str:
    """The snippet of a hit: the lead without a full-text query, else a marked window."""
    if m is None:
        return lead(text)
    return window(marked(text, m, language))


__all__ = ["LEAD_CHARS", "SNIPPET_TOKENS", "Matcher", "lead", "marked", "matcher", "snippet", "window"]
