"""The fetcher: every limit holds against a real (misbehaving) HTTP server."""

import gzip
import ipaddress
import time
import tracemalloc
import zlib

import pytest

import ingest.fetch as fetch_mod
from ingest.fetch import (
    BadContentTypeError,
    BlockedHostError,
    Fetcher,
    FetchTimeoutError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
    blocked_reason,
    decode_html,
)
from test_ingest_support import Site, redirect, test_settings

MB = 1024 * 1024


@pytest.fixture
def settings(tmp_path):
    return test_settings(tmp_path)


@pytest.fixture
def fetcher(settings):
    f = Fetcher(settings)
    yield f
    f.close()


# --- ordinary fetches ----------------------------------------------------------------------


def test_a_page_is_fetched_with_its_metadata(site, fetcher, settings):
    url = site.route("/a", "<html><p>hello</p></html>",
                     headers={"Content-Type": "text/html; charset=ISO-8859-1", "ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"})
    r = fetcher.fetch(url)
    assert (r.status, r.final_url, r.body) == (200, url, b"<html><p>hello</p></html>")
    assert (r.content_type, r.charset, r.etag, r.last_modified) == ("text/html", "iso-8859-1", '"v1"', "Wed, 01 May 2024 10:00:00 GMT")
    assert not r.not_modified
    assert site.headers_seen["/a"][0]["User-Agent"] == settings.user_agent


def test_redirects_are_followed_and_the_final_url_recorded(site, fetcher):
    site.route("/old", handler=redirect("/middle", 301))
    site.route("/middle", handler=redirect(site.url("/new"), 307))
    new = site.route("/new", "<p>moved</p>")
    r = fetcher.fetch(site.url("/old"))
    assert r.final_url == new
    assert r.redirects == [site.url("/old"), site.url("/middle")]


def test_more_redirects_than_the_cap_fail(site, fetcher, settings):
    site.route("/loop", handler=redirect("/loop"))
    with pytest.raises(TooManyRedirectsError, match=f"more than {settings.fetch_max_redirects} redirects"):
        fetcher.fetch(site.url("/loop"))
    assert site.requests["/loop"] == settings.fetch_max_redirects + 1


def test_error_statuses_raise_with_the_status(site, fetcher):
    with pytest.raises(HTTPStatusError, match="HTTP 404") as err:
        fetcher.fetch(site.url("/missing"))
    assert err.value.status == 404


def test_conditional_get_returns_not_modified(site, fetcher):
    def handler(h):
        if h.headers.get("If-None-Match") == '"abc"' or h.headers.get("If-Modified-Since") == "Wed, 01 May 2024 10:00:00 GMT":
            h.send_response(304)
            h.send_header("ETag", '"abc"')
            h.end_headers()
            return
        body = b"<rss/>"
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("ETag", '"abc"')
        h.send_header("Last-Modified", "Wed, 01 May 2024 10:00:00 GMT")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    url = site.route("/feeds/f.xml", handler=handler)
    first = fetcher.fetch(url, "feed")
    assert first.body == b"<rss/>" and first.etag == '"abc"'
    by_etag = fetcher.fetch(url, "feed", etag=first.etag)
    by_date = fetcher.fetch(url, "feed", last_modified=first.last_modified)
    assert by_etag.not_modified and by_etag.status == 304 and by_etag.body == b""
    assert by_date.not_modified


# --- content types -------------------------------------------------------------------------


def test_pages_must_be_html(site, fetcher):
    url = site.route("/doc.pdf", b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    with pytest.raises(BadContentTypeError, match="'application/pdf' is not HTML"):
        fetcher.fetch(url)
    rss = site.route("/feed-as-page", b"<rss/>", headers={"Content-Type": "application/rss+xml"})
    with pytest.raises(BadContentTypeError):
        fetcher.fetch(rss, "page")
    assert fetcher.fetch(site.route("/x", b"<html/>", headers={"Content-Type": "application/xhtml+xml"})).status == 200


@pytest.mark.parametrize("ctype", ["application/rss+xml", "application/atom+xml", "text/xml", "application/xml",
                                   "application/feed+json", "text/plain; charset=utf-8"])
def test_feeds_accept_xml_json_and_text_types(site, fetcher, ctype):
    assert fetcher.fetch(site.route("/feeds/f", b"<rss/>", headers={"Content-Type": ctype}), "feed").status == 200


def test_feeds_refuse_binary_types(site, fetcher):
    with pytest.raises(BadContentTypeError, match="is not a feed"):
        fetcher.fetch(site.route("/feeds/f.png", b"\x89PNG", headers={"Content-Type": "image/png"}), "feed")


# --- time ----------------------------------------------------------------------------------


def test_a_server_that_never_answers_times_out_at_the_read_timeout(site, tmp_path):
    url = site.route("/slow", "<p>late</p>", delay=3.0)
    with Fetcher(test_settings(tmp_path, fetch_read_timeout=0.3, fetch_total_timeout=5.0)) as f:
        t0 = time.monotonic()
        with pytest.raises(FetchTimeoutError, match="timed out"):
            f.fetch(url)
        assert time.monotonic() - t0 < 1.5


def test_a_trickling_server_is_cut_off_by_the_total_deadline(site, tmp_path):
    # each chunk arrives well within the read timeout, so only the wall-clock deadline can stop it
    url = site.route("/trickle", chunks=lambda: (b"<p>x</p>" for _ in range(1000)), chunk_delay=0.1)
    with Fetcher(test_settings(tmp_path, fetch_read_timeout=1.0, fetch_total_timeout=0.8)) as f:
        t0 = time.monotonic()
        with pytest.raises(FetchTimeoutError, match="within 0.8 s"):
            f.fetch(url)
        assert time.monotonic() - t0 < 1.3


# --- size ----------------------------------------------------------------------------------


def test_a_50_mb_page_stops_at_the_cap_without_being_read_in_full(site, fetcher, settings):
    chunk = b"<p>" + b"a" * (64 * 1024 - 7) + b"</p>\n"
    url = site.route("/huge", chunks=lambda: (chunk for _ in range(50 * MB // len(chunk))))
    with pytest.raises(TooLargeError, match=f"larger than {settings.fetch_max_bytes} bytes"):
        fetcher.fetch(url)
    time.sleep(0.2)  # let the server notice the closed connection
    # the cap is 1 MB; what the server got out is that plus socket buffers, nowhere near 50 MB
    assert site.bytes_sent["/huge"] < 12 * MB


def test_a_declared_length_over_the_cap_fails_before_reading(site, fetcher):
    url = site.route("/big", b"x" * (2 * MB))
    with pytest.raises(TooLargeError, match="Content-Length is 2097152"):
        fetcher.fetch(url)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * MB
    return b"".join(c.compress(zeros) for _ in range(100)) + c.flush()  # 100 MB in ~100 KB


def test_a_gzip_bomb_is_stopped_while_decompressing(site, fetcher, gzip_bomb):
    url = site.route("/bomb", gzip_bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError):
            fetcher.fetch(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # never more than about the cap (1 MB) is inflated, not the 100 MB the bomb holds
    assert peak < 8 * MB


def test_the_decoder_never_inflates_past_its_limit(gzip_bomb):
    decoder = fetch_mod._Decoder("gzip")
    assert len(decoder.decode(gzip_bomb, 1000)) == 1000


@pytest.mark.parametrize("encoding,encode", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
    ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw, as many servers send it
])
def test_compressed_bodies_are_decoded(site, fetcher, encoding, encode):
    body = b"<html><p>" + "caf\u00e9 ".encode() * 1000 + b"</p></html>"
    url = site.route("/z", encode(body), headers={"Content-Type": "text/html", "Content-Encoding": encoding})
    assert fetcher.fetch(url).body == body


def test_unknown_content_encodings_fail_clearly(site, fetcher):
    url = site.route("/z", b"????", headers={"Content-Type": "text/html", "Content-Encoding": "compress"})
    with pytest.raises(fetch_mod.FetchError, match="unsupported Content-Encoding 'compress'"):
        fetcher.fetch(url)


# --- where we connect ----------------------------------------------------------------------


def test_loopback_is_refused_unless_private_hosts_are_allowed(site, tmp_path):
    url = site.route("/a", "<p>secret</p>")
    with Fetcher(test_settings(tmp_path, allow_private_hosts=False)) as f:
        with pytest.raises(BlockedHostError, match="127.0.0.1 is a loopback address.*--allow-private-hosts"):
            f.fetch(url)
    assert site.requests["/a"] == 0


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/admin",
    "http://192.168.0.1/",
    "http://[::1]/",
    "http://127.0.0.2/",
])
def test_a_redirect_to_a_private_host_is_refused(site, tmp_path, monkeypatch, target):
    real = fetch_mod.blocked_reason
    # pretend the test server's own address is public, so only the redirect hop is private
    monkeypatch.setattr(fetch_mod, "blocked_reason", lambda ip: None if str(ip) == "127.0.0.1" else real(ip))
    site.route("/go", handler=redirect(target))
    with Fetcher(test_settings(tmp_path, allow_private_hosts=False)) as f:
        with pytest.raises(BlockedHostError, match="allow-private-hosts") as err:
            f.fetch(site.url("/go"))
    assert err.value.url == target
    assert site.requests["/go"] == 1


def test_a_name_that_turns_private_between_check_and_connect_is_refused(site, tmp_path, monkeypatch):
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # DNS rebinding: public for the check, then loopback
    monkeypatch.setattr(fetch_mod, "_resolve", lambda host, port: next(answers))
    site.route("/a", "<p>secret</p>")
    with Fetcher(test_settings(tmp_path, allow_private_hosts=False)) as f:
        with pytest.raises(BlockedHostError, match="loopback"):
            f.fetch(f"http://rebind.test:{site.server.server_address[1]}/a")
    assert site.requests["/a"] == 0


def test_only_http_and_https_are_fetched(fetcher):
    for url in ("ftp://example.com/feed.xml", "file:///etc/passwd"):
        with pytest.raises(BlockedHostError, match="only http and https"):
            fetcher.fetch(url)


@pytest.mark.parametrize("addr", [
    "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "169.254.1.1", "100.64.0.1",
    "224.0.0.1", "240.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::a00:1", "fec0::1",
])
def test_non_public_addresses_are_blocked(addr):
    assert blocked_reason(ipaddress.ip_address(addr)) is not None


@pytest.mark.parametrize("addr", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(addr):
    assert blocked_reason(ipaddress.ip_address(addr)) is None


# --- bytes to text -------------------------------------------------------------------------

TEXT = "Caf\u00e9 cr\u00e8me: \u201cna\u00efve\u201d d\u00e9j\u00e0 vu \u2013 the mayor\u2019s r\u00e9sum\u00e9 was read at the s\u00e9ance. " * 5


def test_a_windows_1252_page_without_any_declaration_is_detected():
    html = f"<html><head><title>Caf\u00e9</title></head><body><p>{TEXT}</p></body></html>"
    assert decode_html(html.encode("cp1252")) == html


def test_a_latin_1_page_without_any_declaration_is_detected():
    text = "Le caf\u00e9 de la gare a rouvert ses portes apr\u00e8s des ann\u00e9es de travaux, \u00e0 la grande joie des habitu\u00e9s. " * 4
    html = f"<html><body><p>{text}</p></body></html>"
    assert decode_html(html.encode("latin-1")) == html


def test_a_header_that_says_utf8_loses_to_a_correct_meta_charset():
    html = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body>{TEXT}</body></html>'
    assert decode_html(html.encode("cp1252"), "utf-8") == html


def test_a_stale_latin1_header_loses_to_utf8_bytes():
    html = f'<html><head><meta charset="utf-8"></head><body>{TEXT}</body></html>'
    assert decode_html(html.encode("utf-8"), "iso-8859-1") == html


def test_the_header_charset_is_used_when_it_fits():
    html = "<html><body>\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440</body></html>"
    assert decode_html(html.encode("koi8-r"), "koi8-r") == html


def test_meta_charset_is_used_without_a_header():
    html = '<html><head><meta charset="windows-1251"></head><body>\u041f\u0440\u0438\u0432\u0435\u0442</body></html>'
    assert decode_html(html.encode("cp1251")) == html


def test_a_byte_order_mark_wins():
    assert decode_html("\ufeff<p>caf\u00e9</p>".encode("utf-8"), "iso-8859-1") == "<p>caf\u00e9</p>"
