"""The query syntax people type into `newsflow search`, parsed once for every backend."""

from __future__ import annotations

import sqlite3

import pytest

from newsflow.core.query import (
    MAX_DEPTH, And, Field, Not, Or, Phrase, QuerySyntaxError, Term, fts5_parts, parse, plan, terms, to_fts5,
)
from newsflow.core.analysis import stem_text
from newsflow.core.search import QueryError


def T(text: str, prefix: bool = False) -> Term:
    return Term(text, prefix)


# --------------------------------------------------------------------------- parsing


def test_empty_query_is_none():
    assert parse("") is None
    assert parse("   ") is None
    assert parse(None) is None


def test_bare_words_are_all_required():
    assert parse("putin summit") == And((T("putin"), T("summit")))


def test_a_single_word_is_just_a_term():
    assert parse("putin") == T("putin")


def test_quoted_text_is_a_phrase_with_whitespace_collapsed():
    assert parse('"state  media" putin') == And((Phrase("state media"), T("putin")))


def test_curly_quotes_work_like_straight_ones():
    assert parse("\u201cstate media\u201d") == Phrase("state media")


def test_or_and_explicit_and():
    assert parse("kim OR putin") == Or((T("kim"), T("putin")))
    assert parse("kim AND putin") == And((T("kim"), T("putin")))


def test_and_binds_tighter_than_or():
    assert parse("a OR b c") == Or((T("a"), And((T("b"), T("c")))))


def test_parentheses_group():
    assert parse("(kim OR putin) summit") == And((Or((T("kim"), T("putin"))), T("summit")))


def test_lower_case_operators_are_plain_words():
    assert parse("war and peace or not") == And(tuple(T(w) for w in ["war", "and", "peace", "or", "not"]))


def test_not_and_leading_minus_exclude():
    assert parse("putin NOT trump") == And((T("putin"), Not(T("trump"))))
    assert parse("putin -trump") == And((T("putin"), Not(T("trump"))))
    assert parse('putin -"state media"') == And((T("putin"), Not(Phrase("state media"))))
    assert parse("putin -(trump OR biden)") == And((T("putin"), Not(Or((T("trump"), T("biden"))))))


def test_double_negation_cancels():
    assert parse("--putin") == T("putin")
    assert parse("NOT -putin") == T("putin")


def test_trailing_star_is_a_prefix():
    assert parse("erdo*") == T("erdo", prefix=True)


@pytest.mark.parametrize("word", ["U.S.", "Jong-un", "Xi'an", "e-mail", "C++", "Putin\u2019s", "AT&T", "3.5%"])
def test_punctuation_inside_words_is_part_of_the_word(word):
    assert parse(word) == T(word)


def test_hyphenated_names_stay_one_word_each():
    assert parse("Kim Jong-un") == And((T("Kim"), T("Jong-un")))


def test_a_lone_symbol_is_ignored():
    assert parse("putin & kremlin") == And((T("putin"), T("kremlin")))
    assert parse('""') is None


@pytest.mark.parametrize(
    ("query", "position", "words"),
    [
        ("OR", 1, "OR needs something on its left"),
        ("putin OR", 7, "OR needs something on its right"),
        ("putin OR OR kim", 7, "OR needs something on its right"),
        ("(putin OR) kim", 8, "OR needs something on its right"),
        ("AND putin", 1, "AND needs something on both sides"),
        ("putin AND", 7, "AND needs something on both sides"),
        ("putin NOT", 7, "NOT needs something to exclude"),
        ("putin -", 7, "nothing follows it"),
        ("putin - kremlin", 7, "nothing follows it"),
        ("*", 1, "cannot stand alone"),
        ("putin **", 7, "cannot stand alone"),
        ("()", 1, "empty parentheses"),
        ("titel:shipping", 1, "unknown field 'titel'"),
        ("war sorce:x", 5, "unknown field 'sorce'"),
        ("title: shipping", 1, "needs a value"),
        ("source:", 1, "needs a value"),
        ("a OR source:x", 6, "top level"),
        ("-(a entity:Kim)", 5, "top level"),
        ('putin "state media', 7, "never closed"),
        ("(putin OR kim", 1, "never closed"),
        ("putin)", 6, "no matching"),
        ("((a) b", 1, "never closed"),
    ],
)
def test_mistakes_say_what_and_where(query, position, words):
    with pytest.raises(QuerySyntaxError) as info:
        plan(query)
    assert info.value.position == position
    assert words in str(info.value) and f"character {position}" in str(info.value)
    assert isinstance(info.value, QueryError)


# --------------------------------------------------------------------------- fields


def test_title_field_restricts_words_phrases_and_groups_to_the_title():
    assert parse("title:shipping") == Term("shipping", field="title")
    assert parse('title:"grain corridor"') == Phrase("grain corridor", field="title")
    assert parse("title:(a OR b*) c") == And((Or((Term("a", field="title"), Term("b", True, field="title"))), T("c")))


def test_filter_fields_are_taken_out_of_the_full_text():
    p = plan('entity:"Kim Jong-un" war -source:www.b.com lang:EN author:"Jane Doe"')
    assert p.text == T("war")
    assert [(f.name, f.value) for f in p.required] == [("entity", "Kim Jong-un"), ("lang", "EN"), ("author", "Jane Doe")]
    assert [(f.name, f.value) for f in p.excluded] == [("source", "www.b.com")]
    assert plan("source:a.com").text is None


def test_field_names_are_case_insensitive_and_urls_are_words():
    assert parse("TITLE:x") == Term("x", field="title")
    assert parse("https://example.com/a") == T("https://example.com/a")
    assert parse('"title:x"') == Phrase("title:x")


def test_a_field_is_never_a_term():
    assert terms(parse('entity:Kim war title:peace')) == ["war", "peace"]
    assert isinstance(parse("source:x"), Field)


def test_nesting_is_bounded():
    parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    with pytest.raises(QueryError, match="nests deeper"):
        parse("(" * 500 + "a" + ")" * 500)


# --------------------------------------------------------------------------- terms


def test_terms_lists_positive_words_and_phrases_once():
    assert terms(parse('putin "state media" -trump (kim OR putin) erdo*')) == ["putin", "state media", "kim", "erdo*"]
    assert terms(parse("NOT -putin")) == ["putin"]
    assert terms(None) == []


# --------------------------------------------------------------------------- FTS5 rendering


STEMS, EXACT = "{title_stem text_stem} : ", "{title text} : "


def test_words_match_stems_phrases_and_prefixes_the_exact_words():
    assert to_fts5(parse("missiles erdo*")) == f'({STEMS}"missil" AND {EXACT}"erdo"*)'
    assert to_fts5(parse('"North Korea"')) == f'{EXACT}"North Korea"'
    assert to_fts5(parse("title:sanctioned")) == '{title_stem} : "sanction"'
    assert to_fts5(parse("Häuser"), ["de"]) == f'{STEMS}"haus"'


def test_fts5_keywords_typed_as_words_are_harmless():
    # Lower-case and punctuation-laden words could be FTS5 syntax if left bare.
    assert to_fts5(parse('near or "a:b" C++')) == f'({STEMS}"near" AND {STEMS}"or" AND {EXACT}"a:b" AND {STEMS}"c")'


def test_exclusions_render_as_fts5_binary_not():
    assert to_fts5(parse("putin -trump -biden")) == f'{STEMS}"putin" NOT ({STEMS}"trump" OR {STEMS}"biden")'
    assert to_fts5(parse("(a -b) OR c")) == f'(({STEMS}"a" NOT {STEMS}"b") OR {STEMS}"c")'


def test_only_exclusions_are_split_out_for_the_backend():
    assert fts5_parts(parse("-trump")) == (None, f'{STEMS}"trump"')
    assert fts5_parts(parse("")) == (None, None)
    with pytest.raises(QueryError, match="only exclusions"):
        to_fts5(parse("-trump"))


def test_exclusions_fts5_cannot_express_are_clear_errors():
    with pytest.raises(QueryError, match="alternative"):
        fts5_parts(parse("putin OR -trump"))
    with pytest.raises(QueryError, match="excludes"):
        fts5_parts(parse("-(a -b)"))


@pytest.mark.parametrize(
    "query",
    ['U.S. Kim Jong-un', "Xi'an e-mail C++", 'a OR b NOT c', '"he said ""no"""', "NEAR(a b)", "a:b", "^a", "{a b}: c",
     "(a OR (b (c OR -d)))", "-x -y z*", "'quoted'"],
)
def test_rendered_queries_are_valid_fts5(query):
    db = sqlite3.connect(":memory:")
    db.execute('CREATE VIRTUAL TABLE f USING fts5(title, text, title_stem, text_stem, tokenize = "unicode61 remove_diacritics 2")')
    text = "Kim Jong-un wrote an e-mail from Xi\u2019an about C++"
    db.execute("INSERT INTO f VALUES ('U.S. news', ?, ?, ?)", (text, stem_text("U.S. news"), stem_text(text)))
    try:
        inc, exc = fts5_parts(parse(query))
    except QueryError:
        return  # rejected with a message is fine; crashing in SQLite is not
    if inc is not None:
        expr = inc if exc is None else f"{inc} NOT {exc}"
        db.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,)).fetchall()


def test_punctuated_words_match_what_the_tokenizer_indexed():
    db = sqlite3.connect(":memory:")
    db.execute('CREATE VIRTUAL TABLE f USING fts5(title, text, title_stem, text_stem, tokenize = "unicode61 remove_diacritics 2")')
    text = "Kim Jong-un wrote an e-mail from Xi\u2019an to the U.S."
    db.execute("INSERT INTO f VALUES ('', ?, '', ?)", (text, stem_text(text)))
    for query in ["Kim Jong-un", "Jong-Un", "Xi'an", "e-mail", "U.S.", "jong-u*", '"e-mail"', "wrote", "Kim's"]:
        assert db.execute("SELECT count(*) FROM f WHERE f MATCH ?", (to_fts5(parse(query)),)).fetchone() == (1,), query
