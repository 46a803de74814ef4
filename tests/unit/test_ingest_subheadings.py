"""Subheadings trafilatura leaves out are put back from resiliparse's reading, where the page agrees."""

from ingest.extract import extract_html
from ingest.extractors import parse_html
from ingest.subheadings import restore_subheadings
from test_ingest_support import paragraphs

P = paragraphs("harbour bridge", 6)
HEADING = "Who pays for the bridge"


def _page(between: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in P[:3]) + between + "".join(f"<p>{p}</p>" for p in P[3:])
    return (f"<html><head><title>Harbour bridge approved</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Harbour bridge approved</h1>{body}</article></body></html>")


# heise.de sets its section headings with an anchor icon in a "headline" container, which
# trafilatura takes for the page's title block and drops
ANCHORED = (f'<div class="c-article__headline" id="Who_pays"><h2><span class="c-article__wrapper">'
            f'<a class="c-article__anchor" href="#Who_pays"><svg width="14"><path d="M0"></path></svg></a>'
            f'{HEADING}</span></h2></div>')


TEXT = "\n".join(P)


def _witness(between: str = HEADING) -> str:
    """resiliparse's reading: the paragraphs with ``between`` in the middle."""
    return "\n".join([*P[:3], between, *P[3:]])


def test_a_subheading_trafilatura_drops_is_put_back_between_its_paragraphs():
    page = extract_html(_page(ANCHORED), "https://news.example/bridge")
    lines = page.text.split("\n")
    assert lines[lines.index(HEADING) - 1] == P[2] and lines[lines.index(HEADING) + 1] == P[3]
    assert page.extractor.endswith("+resiliparse")


def test_the_heading_goes_where_the_witness_has_it_between_two_lines_the_text_has_together():
    assert restore_subheadings(TEXT, _witness(), parse_html(_page(f"<h2>{HEADING}</h2>"))) == _witness()


def test_a_related_links_heading_is_not_taken_the_page_follows_it_with_links():
    related = '<h3>Related</h3><ul><li><a href="/a">Ferry fares rise again</a></li></ul>'
    assert restore_subheadings(TEXT, _witness("Related"), parse_html(_page(related))) == TEXT


def test_a_line_the_page_does_not_set_as_a_heading_is_not_taken():
    assert restore_subheadings(TEXT, _witness(), parse_html(_page(f"<p><b>{HEADING}</b></p>"))) == TEXT


def test_a_heading_between_lines_the_text_does_not_have_together_is_not_taken():
    text = _witness("A line of its own between them.")
    assert restore_subheadings(text, _witness(), parse_html(_page(f"<h2>{HEADING}</h2>"))) == text


def test_nothing_to_compare_leaves_the_text_as_it_is():
    tree = parse_html(_page(f"<h2>{HEADING}</h2>"))
    assert restore_subheadings("", TEXT, tree) == ""
    assert restore_subheadings(TEXT, "", tree) == TEXT
    assert restore_subheadings(TEXT, _witness(), None) == TEXT


def test_a_blank_paragraph_after_the_heading_is_not_what_follows_it():
    assert restore_subheadings(TEXT, _witness(), parse_html(_page(f"<h2>{HEADING}</h2><p>&nbsp;</p>"))) == _witness()


def test_every_heading_of_a_page_of_many_sections_is_placed():
    # one walk over the page, however many headings it has
    sections = [f"Section {i} of the report on the harbour bridge, with its own long paragraph." for i in range(2000)]
    html = "<html><body>" + "".join(f"<h2>Part {i}</h2><p>{s}</p>" for i, s in enumerate(sections)) + "</body></html>"
    witness = "\n".join(line for i, s in enumerate(sections) for line in (f"Part {i}", s))
    restored = restore_subheadings("\n".join(sections), witness, parse_html(html)).split("\n")
    assert restored == ["Section 0 of the report on the harbour bridge, with its own long paragraph.",
                        *witness.split("\n")[2:]]
