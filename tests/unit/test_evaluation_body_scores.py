"""Whole bodies are scored as the public article-extraction benchmark scores them."""

import pytest

from ingest.evaluation import body_counts, body_scores

BODY = "The night ferry returns to the harbour after a decade of waiting for it"  # 14 words: 11 shingles


def test_the_same_text_scores_one():
    assert body_counts(BODY, BODY) == (11, 0, 0)
    assert body_scores([(BODY, BODY)]) == (1.0, 1.0, 1.0)


def test_words_are_compared_not_punctuation_case_or_line_breaks():
    # list marks and table bars are not words; the benchmark's tokens are \w+ runs, case kept
    assert body_counts("- The night ferry returns | to the harbour\nafter a decade of waiting for it", BODY) == (11, 0, 0)
    assert body_counts(BODY.upper(), BODY) == (0, 11, 11)


def test_a_paragraph_kept_twice_is_kept_once_too_often():
    tp, fp, fn = body_counts(f"{BODY}\n{BODY}", BODY)
    assert (tp, fn) == (11, 0) and fp == 11 + 3  # the second copy, and the shingles across the seam


def test_extra_text_costs_precision_and_missing_text_recall():
    extra = BODY + " Subscribe to our newsletter for more stories like this"
    tp, fp, fn = body_counts(extra, BODY)
    assert (tp, fn) == (11, 0) and fp == 9
    tp, fp, fn = body_counts("The night ferry returns to the harbour", BODY)
    assert (tp, fp) == (4, 0) and fn == 7


def test_precision_and_recall_are_means_over_pages_and_f1_is_of_the_means():
    half = "The night ferry returns to the harbour after"  # 8 words: 5 of the 11 shingles, nothing extra
    p, r, f = body_scores([(BODY, BODY), (half, BODY)])
    assert p == 1.0 and r == pytest.approx((1 + 5 / 11) / 2)
    assert f == pytest.approx(2 * p * r / (p + r))


def test_a_page_where_nothing_was_extracted_has_no_precision_and_zero_recall():
    p, r, _ = body_scores([(BODY, BODY), ("", BODY), (None, BODY)])
    assert p == 1.0 and r == pytest.approx(1 / 3)


def test_no_pages_score_zero():
    assert body_scores([]) == (0.0, 0.0, 0.0)
