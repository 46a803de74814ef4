"""URL canonicalization: one spelling per article."""

import pytest

from ingest.urls import canonicalize, source_of


def test_tracking_parameters_are_dropped_and_the_rest_kept():
    url = "https://example.com/story?utm_source=tw&utm_medium=social&id=7&fbclid=abc&gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref_src=5&yclid=6&msclkid=7&_ga=8"
    assert canonicalize(url) == "https://example.com/story?id=7"


def test_tracking_parameter_names_match_case_insensitively():
    assert canonicalize("https://example.com/a?UTM_Source=x&FBCLID=y") == "https://example.com/a"


def test_remaining_parameters_are_sorted_stably_by_name():
    assert canonicalize("https://example.com/a?b=2&a=9&a=1&c") == "https://example.com/a?a=9&a=1&b=2&c"


def test_scheme_and_host_are_lower_cased_default_port_and_fragment_dropped():
    assert canonicalize("HTTPS://WWW.Example.COM:443/Path/Case#comments") == "https://www.example.com/Path/Case"
    assert canonicalize("http://example.com:80/") == "http://example.com/"
    assert canonicalize("http://example.com:8080/") == "http://example.com:8080/"


def test_empty_path_becomes_slash_and_an_empty_query_disappears():
    assert canonicalize("https://example.com") == "https://example.com/"
    assert canonicalize("https://example.com/a?") == "https://example.com/a"
    assert canonicalize("https://example.com/a?utm_source=x") == "https://example.com/a"


def test_percent_encoding_is_normalised():
    # escaped unreserved characters are decoded, other escapes upper-cased, raw unsafe ones escaped
    assert canonicalize("https://example.com/%7Euser/a%2fb/caf%c3%a9") == "https://example.com/~user/a%2Fb/caf%C3%A9"
    assert canonicalize("https://example.com/café story") == "https://example.com/caf%C3%A9%20story"
    assert canonicalize("https://example.com/100%") == "https://example.com/100%25"
    assert canonicalize("https://example.com/?q=a%2bb&x=%7e") == "https://example.com/?q=a%2Bb&x=~"


def test_dot_segments_are_resolved():
    assert canonicalize("https://example.com/a/./b/../c") == "https://example.com/a/c"


def test_equivalent_spellings_canonicalize_to_the_same_url():
    a = canonicalize("https://Example.com:443/news/story-1?utm_campaign=rss&page=2#top")
    b = canonicalize("https://example.com/news/story-1?page=2")
    assert a == b


def test_relative_or_schemeless_urls_are_rejected():
    with pytest.raises(ValueError):
        canonicalize("/news/story")
    with pytest.raises(ValueError):
        canonicalize("mailto:someone@example.com")


def test_source_is_the_host_without_www():
    assert source_of("https://www.BBC.co.uk/news/1") == "bbc.co.uk"
    assert source_of("https://news.example.com:8443/a") == "news.example.com"
    assert source_of("https://wwwexample.com/") == "wwwexample.com"
