"""The article's lead, recovered from resiliparse where trafilatura starts the text at the body."""

from ingest.extract import extract_html
from ingest.leads import recover_lead

LEAD = "The regional council approved the harbour bridge on Tuesday after two years of argument, and work starts in April."
BODY = [
    "Residents of the old quarter had opposed the plan since the first drawings were shown in 2023, saying it would cut them off.",
    "Engineers say the steel will arrive by sea from a yard three hundred miles to the north, in four shipments over the winter.",
    "The port authority expects shipping to pause for six weekends while the central span is lifted into place by floating cranes.",
]
TEXT = "\n".join(BODY)


def test_a_lead_paragraph_just_before_the_shared_lines_is_put_in_front_of_them():
    witness = "\n".join(["Home News Sport", LEAD, *BODY, "All rights reserved"])
    assert recover_lead(TEXT, witness) == "\n".join([LEAD, *BODY])


def test_headlines_bylines_dates_and_captions_before_the_body_are_not_taken():
    before = ["Council approves harbour bridge", "By Jane Roe, 4 March 2024", "Photo: the old quarter seen from the harbour wall"]
    assert recover_lead(TEXT, "\n".join([*before, *BODY])) == TEXT


def test_only_the_four_lines_just_before_the_shared_span_are_candidates():
    far = "A paragraph of a sidebar story, long enough and ending like a sentence to look like a lead."
    witness = "\n".join([far, "Share", "Print", "Council approves harbour bridge", "4 March 2024", *BODY])
    assert recover_lead(TEXT, witness) == TEXT


def test_a_lead_between_a_headline_both_kept_and_the_body_is_recovered():
    # both extractors keep the headline: the shared span starts at the first shared paragraph
    ours = "\n".join(["Council approves harbour bridge", *BODY])
    witness = "\n".join(["Council approves harbour bridge", "By Jane Roe", LEAD, *BODY])
    assert recover_lead(ours, witness) == "\n".join(["Council approves harbour bridge", LEAD, *BODY])


def test_a_note_above_the_headline_is_the_sites_not_the_lead():
    note = "This story is distributed under a content partnership with Coastal Wire Partners and appears here unedited."
    witness = "\n".join([note, "World", "Council approves harbour bridge", LEAD, *BODY])
    assert recover_lead(TEXT, witness, ["Council approves harbour bridge"]) == "\n".join([LEAD, *BODY])
    assert recover_lead(TEXT, witness) == "\n".join([note, LEAD, *BODY])  # no headline known: both read as leads


def test_lines_inside_and_after_the_shared_span_are_left_to_trafilatura():
    aside = "A long paragraph trafilatura left out between two paragraphs, ending like a sentence does."
    witness = "\n".join([BODY[0], aside, BODY[1], BODY[2], aside])
    assert recover_lead(TEXT, witness) == TEXT


def test_the_lead_goes_before_the_first_shared_line_even_when_our_text_starts_earlier():
    ours = "\n".join(["Updated 4 March 2024", *BODY])
    assert recover_lead(ours, "\n".join([LEAD, *BODY])) == "\n".join(["Updated 4 March 2024", LEAD, *BODY])


def test_lines_both_texts_have_between_the_lead_and_the_body_do_not_use_up_the_look_back():
    checklist = ["Checklist", "Drill", "Cordless screwdriver", "Hand saw", "Jigsaw", "Clamps"]
    ours = "\n".join([*(f"- {item}" for item in checklist[1:]), *BODY])
    witness = "\n".join([LEAD, *checklist, *BODY])
    # the lead goes before the first line of the witness's order that the text has: the list
    assert recover_lead(ours, witness) == "\n".join([LEAD, ours])


def test_a_list_item_the_text_has_with_its_bullet_is_not_added_again_as_a_lead():
    item = "Ask your employer which pension scheme the firm offers, and whether it pays into it as well."
    ours = "\n".join([f"- {item}", *BODY])
    assert recover_lead(ours, "\n".join([item, *BODY])) == ours


def test_a_lead_the_text_already_has_in_another_spelling_is_not_added_twice():
    # resiliparse drops a ruby reading (痴漢ちかん -> 痴漢) or a list number ("2Add" -> "Add")
    ours = "\n".join([BODY[0].replace("old quarter", "old quarter (1)"), *BODY[1:]])
    witness = "\n".join([BODY[0], *BODY[1:]])
    assert recover_lead(ours, "\n".join(["Home News", BODY[0], *BODY[1:]])) == ours
    assert recover_lead(ours, "\n".join([LEAD, witness])) == "\n".join([LEAD, ours])


def test_nothing_shared_or_no_witness_leaves_the_text_alone():
    assert recover_lead(TEXT, "Completely different page\n" + LEAD) == TEXT
    assert recover_lead(TEXT, "") == TEXT
    assert recover_lead("", LEAD) == ""


def test_extraction_keeps_a_lead_set_above_the_body_and_says_both_extractors_made_the_text():
    body = "".join(f"<p>{p}</p>" for p in BODY)
    html = (f"<html><body><main><header><h1>Council approves bridge</h1><p class='intro'>{LEAD}</p></header>"
            f"<article>{body}</article></main></body></html>")
    page = extract_html(html, "https://news.example/bridge")
    assert page.text.split("\n")[:2] == [LEAD, BODY[0]]
    assert page.extractor == "trafilatura-fast+resiliparse"
