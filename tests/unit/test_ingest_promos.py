"""Lines that promote another story are no part of the article."""

import pytest

from ingest.extract import extract_html
from ingest.promos import drop_call_to_action_lines, drop_credit_lines, drop_furniture_lines, drop_promo_lines
from test_ingest_support import paragraphs


@pytest.mark.parametrize("line", [
    "Read more: Council tax bills to rise by five per cent from April",
    "READ MORE - Lifeboat crew called out twice in one night",
    "Lea también: Impiden ingreso a Nicaragua a reportero y camarógrafo estadounidense",
    "MIRA: Madre se acerca a conocer los motivos de captura de su hijo",
    "Lesen Sie auch: Die Bahn erhöht die Preise",
    "À lire aussi » La réforme des retraites au Sénat",
    "Mehr zum Thema:",
    "Mire: El cantante Juan Luis Guerra da positivo a COVID-19",
    "PUEDES VER: ¿Qué es la Sunedu, cómo está conformada y para qué sirve?",
    "NOTAS RELACIONADAS",
    "Schon gelesen?",
    "Lesen Sie hier: Spielabbruch in der Kreisliga",
    "Dowiedz się więcej: Kto jak głosował ws. unijnych funduszy?",
    "Auch lesen: Diese 3 Sternzeichen verschenken ihr Herz an den Falschen",
    "Empfohlene Beiträge",
    "Read: Two disasters are exponentially worse than one",
    "MORE: Black-led group strikes deal to revitalize Oakland Coliseum site",
    "WATCH: Crews battle wildfire near the coast",
    "MIRA | Kenji Fujimori: PJ concluye con interrogatorio a testigos",
    "LEE MÁS | Kenji Fujimori: exministro Giuffra niega que haya negociado obras",
    "VIDEO: Breast Cancer Symptoms That Aren't Lumps",
    "RELATED STORIES",
    "You Might Also Like",
    "Related Videos",
])
def test_a_promotion_line_is_dropped(line):
    assert drop_promo_lines(f"First paragraph.\n{line}\nLast paragraph.") == "First paragraph.\nLast paragraph."


@pytest.mark.parametrize("line", [
    "More: the council's full statement runs to forty pages.",  # "More" as a speaker would say it
    "Read more about the plan on the council's website, the mayor said.",  # a sentence, no colon
    "Lea: I think the bridge will change the town.",  # a speaker named Lea in an interview
    "Related: " + "a long paragraph that only happens to start like a promotion " * 4,  # longer than a headline
])
def test_article_lines_that_only_look_like_promotions_stay(line):
    text = f"First paragraph.\n{line}"
    assert drop_promo_lines(text) == text


def test_the_headlines_a_related_stories_heading_leads_to_go_with_it():
    text = "\n".join(["First paragraph.", "Schon gelesen?", "Luftwaffe beginnt das Training auf dem H145",
                      "- LH Technik übergibt den ersten A321LR", "Second paragraph, after the box."])
    assert drop_promo_lines(text) == "First paragraph.\nSecond paragraph, after the box."


def test_a_closing_related_block_goes_whole_though_its_headlines_end_like_exclamations():
    text = "\n".join(["First paragraph.", "RELATED STORIES", "44 Clean Jokes for Kids, by Kids!",
                      "Riddle Me This: 19 Amazing Riddles for Kids", "Jokes to tell at the table:"])
    assert drop_promo_lines(text) == "First paragraph."


def test_a_more_from_the_site_heading_takes_its_list_of_headlines_along():
    text = "\n".join(["First paragraph.", "More Must-Reads From TIME", "- The Struggle to Save Lives Inside Gaza's Hospitals",
                      "- Is Using the Snooze Button Bad for You?", "- The Best Inventions of 2023"])
    assert drop_promo_lines(text) == "First paragraph."
    assert drop_promo_lines("First paragraph.\nMore Stories from CNN\nLast paragraph.") == "First paragraph.\nLast paragraph."


@pytest.mark.parametrize("line", ["More than 300 from Gaza", "More aid from Europe is on its way, the minister said."])
def test_lines_that_start_with_more_and_name_a_source_stay(line):
    text = f"First paragraph.\n{line}\nLast paragraph."
    assert drop_promo_lines(text) == text


def test_text_below_a_related_heading_stays_from_its_first_sentence_on():
    text = "\n".join(["First paragraph.", "See also", "The council will vote again in May.", "A subheading",
                      "Last paragraph."])
    assert drop_promo_lines(text) == "First paragraph.\nThe council will vote again in May.\nA subheading\nLast paragraph."


def test_a_read_more_line_does_not_take_the_lines_after_it():
    text = "First paragraph.\nRead more: Ferry fares to double\nA subheading\nLast paragraph."
    assert drop_promo_lines(text) == "First paragraph.\nA subheading\nLast paragraph."


def test_a_text_that_is_only_a_promotion_is_left_alone():
    assert drop_promo_lines("Read more: the only line") == "Read more: the only line"


RECENT_POSTS = ["- Gavin's Choice: The Leading Candidates To Replace Senator Harris - October 10, 2020",
                "- San Francisco To Begin Universal Basic Income Program For Artists - October 10, 2020",
                "- Movie Theaters In San Francisco Refuse To Open Over Concessions Ban - 9. Oktober 2020"]


def test_a_closing_list_of_the_sites_latest_posts_with_their_dates_goes():
    assert drop_promo_lines("\n".join(["First paragraph.", "Last paragraph.", *RECENT_POSTS])) == \
        "First paragraph.\nLast paragraph."


def test_one_dated_item_at_the_end_or_dated_items_between_paragraphs_stay():
    for lines in (["First paragraph.", RECENT_POSTS[0]], ["First paragraph.", *RECENT_POSTS, "Last paragraph."]):
        assert drop_promo_lines("\n".join(lines)) == "\n".join(lines)


def test_a_picture_gallery_of_counted_slides_goes_with_its_title():
    slides = [f"- {n}/50 Headline {n} A caption of the slide that runs on for a sentence." for n in range(1, 7)]
    text = "\n".join(["First paragraph.", "Business news in pictures", "Business news in pictures", *slides,
                      "6. Mini bars almost always lose money", "Last paragraph."])
    assert drop_promo_lines(text) == "First paragraph.\n6. Mini bars almost always lose money\nLast paragraph."


@pytest.mark.parametrize("lines", [
    ["- 1/2 cup sugar", "- 1/4 cup butter", "- 2/3 cup flour", "- 1/2 tsp salt", "- 1/8 tsp soda", "- 3/4 cup milk"],
    [f"- {n}/50 Slide {n}" for n in (1, 2, 3, 4)],  # four are no gallery
    [f"- {n}/50 Slide {n}" for n in (1, 2, 3, 3, 4, 5)],  # a count that does not go up
])
def test_quantities_and_short_counted_lists_stay(lines):
    text = "\n".join(["First paragraph.", *lines, "Last paragraph."])
    assert drop_promo_lines(text) == text


def test_extraction_drops_a_read_more_promo_between_paragraphs():
    paras = paragraphs("bridge")
    body = "".join(f"<p>{p}</p>" for p in paras[:2]) + "<p><a href='/x'>Read more: Ferry fares to double</a></p>" + \
        "".join(f"<p>{p}</p>" for p in paras[2:])
    page = extract_html(f"<html><head><title>Bridge</title></head><body><article><h1>Bridge</h1>{body}</article></body></html>",
                        "https://news.example/bridge")
    assert "Ferry fares" not in page.text and paras[0] in page.text and paras[-1] in page.text


@pytest.mark.parametrize("drop,line", [
    (drop_promo_lines, "Weitere Themen"),  # a related-links heading
    (drop_promo_lines, "Related"),
    (drop_promo_lines, "Lesen Sie auch die folgenden Beiträge:"),
    (drop_promo_lines, "Lea más: Juan Carlos Ortega propone legalizar la comercialización de marihuana"),
    (drop_promo_lines, "Le puede interesar: JEP abrirá tres nuevos macrocasos"),
    (drop_credit_lines, "Foto: Jane Roe / Agency"),
    (drop_credit_lines, "© Oli Scarff/Getty Images"),
    (drop_credit_lines, "(© FEI/Christophe Taniere)"),
    (drop_credit_lines, "Crédits photos : Bestimage"),
    (drop_credit_lines, "Titelbild: Geyres Christophe/ABACA/picture-alliance"),
    (drop_credit_lines, "(Bild: Dieter Stork)"),
    (drop_credit_lines, "Copyright: Gisele Wender"),
    # captions that end with their picture's credit
    (drop_credit_lines, "Cristina Kirchner y Alberto Fernández en el Congreso (Foto: Natacha Pisarenko/Pool via REUTERS)."),
    (drop_credit_lines, "FILE - In this March 5, 2020 file photo, the president speaks. (AP Photo/Evan Vucci)"),
    (drop_credit_lines, "Das Hermelin ist im Winter mit seinem weißen Fell gut getarnt. (mlharing / iStock.com)"),
    (drop_credit_lines, "sagt der Publizist im DLF. (picture alliance / dpa / Oliver Berg)"),
    (drop_credit_lines, "Logo des Sustainable Award in Finance | © Springer"),
    (drop_credit_lines, "Hat das Potential zum Olympia-Superstar: Mikaela Shiffrin. © AFP / JEFF PACHOUD"),
    (drop_credit_lines, "FILE PHOTO: State flags of Russia and North Korea fly in a street near a church during the visit "
                        "of North Korea’s leader Kim Jong Un to Vladivostok, Russia April 25, 2019. REUTERS/Yuri Maltsev"),
    (drop_credit_lines, "The president speaks at the White House in Washington. REUTERS/Kevin Lamarque/File Photo"),
    (drop_call_to_action_lines, "Subscribe now to our eNATION edition for the full story."),
    (drop_call_to_action_lines, "Do you want to be informed of our actions? Sign up here"),
    (drop_call_to_action_lines, "For the latest stories download the Nationnews apps for iOS and Android."),
    (drop_call_to_action_lines, "¡Mira lo que tiene nuestro canal de YouTube!"),
    (drop_call_to_action_lines, "Du musst eingeloggt sein um Kommentare zu schreiben!"),
    (drop_call_to_action_lines, "Abonnieren Sie jetzt den Themen-Newsletter «Wohnen»."),
    (drop_call_to_action_lines, "Síguenos en"),
    # advertisement labels, share buttons and rights notices
    (drop_furniture_lines, "Advertisement"),
    (drop_furniture_lines, "- Anzeige"),
    (drop_furniture_lines, "Story continues below advertisement"),
    (drop_furniture_lines, "| | Tweet | |"),
    (drop_furniture_lines, "Teilen"),
    (drop_furniture_lines, "Comments"),
    (drop_furniture_lines, "12 Kommentare"),
    (drop_furniture_lines, "Leave a Reply"),
    (drop_furniture_lines, "Telegram,"),
    (drop_furniture_lines, "Copyright 2023 Sunbeam Television Corp. All rights reserved. This material may not be published."),
    (drop_furniture_lines, "Excerpted from the book. Used with permission of Little, Brown and Company. All rights reserved."),
    (drop_furniture_lines, "© 2021 Example Verlag – Alle Rechte vorbehalten"),
    # a press release's contact block
    (drop_furniture_lines, "Pressekontakt:"),
    (drop_furniture_lines, "Tel.: +49 (0)40-30030-1000"),
    (drop_furniture_lines, "E-Mail: presse@bsi.bund.de"),
    (drop_furniture_lines, "Telefon: (0341) 696290, Fax: (0341) 6892826"),
    (drop_credit_lines, "Photocredits MYMARINI: Christin Schwarzer"),
    (drop_credit_lines, "Beitragsbild via Unsplash."),
    (drop_credit_lines, "Bildquelle: SWR"),
    (drop_credit_lines, "Photo Credit: Catwalkpictures"),
    (drop_credit_lines, "Image credit: www.apple.com/in/"),
    (drop_credit_lines, "Picture credits: Jane Roe"),
    (drop_credit_lines, "Featured image by Alberto Riva/The Points Guy."),
    (drop_credit_lines, "Photo Source: Markus Spiske from Pexels."),
    (drop_credit_lines, "Courtesy of Forests News"),
    (drop_call_to_action_lines, "If you're on the ABC7 News app, click here to watch live"),
    (drop_call_to_action_lines, "Folgen Sie uns auf Twitter"),
    (drop_call_to_action_lines, "Follow us: Google News | NewsBreak | Reddit | Instagram | Facebook | Twitter"),
    (drop_call_to_action_lines, "To view the full story, please subscribe to The Haitian Times. You can choose a $60 Annual "
                                "Subscription or a $5 Weekly Pass."),
    (drop_call_to_action_lines, "If you’re seeing this message but you’re already a subscriber, you can log in for immediate "
                                "access to this story."),
    (drop_call_to_action_lines, "Pour lire la suite"),
    (drop_call_to_action_lines, "Unterstütze RosaMag bereits mit 2,50!"),
    (drop_call_to_action_lines, "If you enjoyed reading this post – would you consider supporting our work? Just click here."),
    (drop_call_to_action_lines, "Mit der Registrierung akzeptieren Sie unsere Datenschutz- und Nutzungsbedingungen. "
                                "Selbstverständlich werden Ihre Daten vertraulich behandelt."),
    # a registration wall, a plea for the site's journalism
    (drop_call_to_action_lines, "Sie möchten gerne weiterlesen?"),
    (drop_call_to_action_lines, "Mit der Registrierung akzeptiere ich die Nutzungsbedingungen der Portale."),
    (drop_call_to_action_lines, "Sie sind bereits registriert?"),
    (drop_call_to_action_lines, "Dieser Artikel ist wichtig! Sichere diesen Journalismus!"),
    (drop_call_to_action_lines, "Helfen Sie mit, unseren Journalismus auch in Zukunft möglich zu machen! Jetzt unterstützen!"),
    (drop_call_to_action_lines, "Want to bookmark your favourite articles? Start your Independent Premium subscription today."),
    # a login button, a loading placeholder
    (drop_furniture_lines, "Hier anmelden"),
    (drop_furniture_lines, "Sign in"),
    (drop_furniture_lines, "loading..."),
    (drop_furniture_lines, "Wird geladen …"),
    (drop_furniture_lines, "Inhaltsverzeichnis"),
    (drop_furniture_lines, "(Alle Angaben ohne Gewähr)"),
    (drop_call_to_action_lines, "Liken Sie uns auf Facebook"),
    (drop_call_to_action_lines, "O conhecimento liberta. Saiba mais. Siga-nos no Telegram."),
    # a reading time, a page tool, a table row of empty cells
    (drop_furniture_lines, "Estimated reading time: 6 minutes"),
    (drop_furniture_lines, "Lesezeit: 2 Minuten"),
    (drop_furniture_lines, "5 min read"),
    (drop_furniture_lines, "Artikel teilen"),
    (drop_furniture_lines, "| | | |"),
    # news sites' own closing lines
    (drop_furniture_lines, "Our Standards: The Thomson Reuters Trust Principles."),
    (drop_furniture_lines, "A version of this article appears in print on March 5, 2026, Section A, Page 1 of the New York "
                           "edition with the headline: Ferry Orders Two Electric Boats."),
    (drop_furniture_lines, "We want to hear what you think about this article. Submit a letter to the editor."),
    (drop_furniture_lines, "Klicken Sie auf den unteren Button, um den Inhalt von www.komoot.de zu laden."),
    # advertising and affiliate disclosures
    (drop_furniture_lines, "*Werbung. Dieser Beitrag enthält Werbung für MYMARINI."),
    (drop_furniture_lines, "Anzeige, enthält Affiliate Links"),
    (drop_furniture_lines, "WERBUNG für Plantur Farbshampoo"),
    (drop_furniture_lines, "PCMag editors select and review products independently. We may earn affiliate commissions "
                           "from buying links, which help support our testing. Learn more."),
    (drop_furniture_lines, "Die mit Sternchen (*) gekennzeichneten Links sind sogenannte »Affiliate-Links«. Wenn du "
                           "über diesen Link einkaufst, bekommen wir eine Provision."),
    (drop_furniture_lines, "Dieser Artikel entstand in Kooperation mit Arcadia Live."),
    # cookie banners
    (drop_furniture_lines, "By choosing I Accept, you consent to our use of cookies and other tracking technologies."),
    (drop_furniture_lines, "Wir verwenden Cookies. Durch Bestätigen des Buttons \"Alle zulassen\" stimmst Du der Verwendung zu."),
    (drop_furniture_lines, "This website uses cookies and other technology to enhance quality of service. Continuous "
                           "usage of the website will be considered as giving consent."),
    (drop_furniture_lines, "Informujemy, że korzystamy z cookies."),
    (drop_furniture_lines, "Please accept YouTube cookies to play this video."),
    # a copyright line with its year, whatever its length; a header picture's whole caption
    (drop_furniture_lines, "© 2022, BreakingBelizeNews.com. This article is the copyrighted property of Breaking Belize "
                           "News. Written permission must be obtained before reprint in online or print media."),
    (drop_furniture_lines, "Copyright © 2023 The Harbour Gazette"),
    (drop_credit_lines, "AMO found Sunday 475 pounds of cocaine concealed inside a vessel being removed from the water "
                        "in Las Croabas. By U.S. CUSTOMS AND BORDER PROTECTION"),
    (drop_credit_lines, "Chief Education Officer Dr Ramona Archer-Bradshaw. (Picture by Jameel Springer)"),
    (drop_credit_lines, "Auch Herbert Grönemeyer gehört zu den Unterstützern. Bild: dpa"),
    (drop_credit_lines, "Anders Tegnell at one of the agency's daily briefings. Photo: Jonathan Nackstrand/AFP"),
    (drop_credit_lines, "Header Image: People have lived in Ecuador's Amazon forests for thousands of years, including "
                        "those who made this petroglyph (rock art) in Napo province. Credit: Jane Roe, Wikimedia Commons"),
    # a slideshow's buttons and counter, a loading placeholder
    (drop_furniture_lines, "- Previous"),
    (drop_furniture_lines, "Next"),
    (drop_furniture_lines, "3 of 17"),
    (drop_furniture_lines, "2 von 17"),
    (drop_furniture_lines, "Loading Comments..."),
    (drop_furniture_lines, "Loading weather data ..."),
    (drop_furniture_lines, "- From the section US & Canada"),
    (drop_credit_lines, "Bildcredit: (c) yakushkina - depositphotos.com"),
    # the reporter's address under the article
    (drop_furniture_lines, "Write to Alejandro de la Garza at alejandro.delagarza@time.com"),
    (drop_furniture_lines, "Write to Jane Roe at jane.roe@wsj.com and John Doe at john.doe@wsj.com"),
    # a video player's dialogs and menus (video.js)
    (drop_furniture_lines, "This is a modal window."),
    (drop_furniture_lines, "This is a modal window. This modal can be closed by pressing the Escape key or activating "
                           "the close button."),
    (drop_furniture_lines, "Beginning of dialog window. Escape will cancel and close the window."),
    (drop_furniture_lines, "- captions off, selected"),
    (drop_furniture_lines, "- default, selected"),
    (drop_furniture_lines, "No compatible source was found for this media."),
])
def test_related_links_headings_picture_credits_and_calls_to_action_are_dropped(drop, line):
    assert drop(f"First paragraph.\n{line}\nLast paragraph.") == "First paragraph.\nLast paragraph."


@pytest.mark.parametrize("line", [
    "The photo shows the old quarter from the harbour wall, as it looked before the works began.",  # no label
    "Foto: " + "a long paragraph that happens to start with a credit label " * 3,  # longer than a caption
    # a sentence citing its source or a news agency, not a picture's credit
    "Die Arbeitslosenquote liegt bei 5,3 Prozent (Quelle: Bundesagentur für Arbeit).",
    "Der Minister sagte das am Montag in Berlin. (dpa)",
    "The deal was first reported by two agencies on Monday (Reuters/AFP).",
    "The figures come from a REUTERS/Ipsos poll of 1,000 adults, taken last week.",
    "Prices rose by five per cent in a year (see chart / table).",
    "A paragraph that names a picture (Foto: Jane Roe) and goes on after it, as a caption does not.",  # credit inside
    "Courtesy of the family, the letters were read aloud at the memorial service on Sunday.",  # a sentence
    "The report was written for the council. By NASA's count, the probe had sent 900 images.",  # not capitals
    "The ministry said it would reply by Friday. By then the deadline for the EU will have passed.",
    "Unemployment rose to 5.3 per cent in March. Source: Eurostat",  # a figure's source, not a picture's
])
def test_article_lines_that_only_mention_a_picture_stay(line):
    assert drop_credit_lines(f"First paragraph.\n{line}") == f"First paragraph.\n{line}"


def test_a_text_that_is_only_a_credit_is_left_alone():
    assert drop_credit_lines("© Example News") == "© Example News"


@pytest.mark.parametrize("line", [
    "Representatives for both companies did not respond to requests for comment.",  # news, not a call
    "The council will ask residents to sign up for the new bin collection, the mayor said, and expects most to do so "
    "before the summer.",  # longer than a call to action
])
def test_article_lines_that_only_mention_subscribing_or_commenting_stay(line):
    assert drop_call_to_action_lines(f"First paragraph.\n{line}") == f"First paragraph.\n{line}"


@pytest.mark.parametrize("line", [
    "Share prices fell by five per cent on Monday.",  # a word of a button, in a sentence
    "The advertisement ran on Facebook and Twitter for a month before the vote.",
    "Between copyright (all rights reserved) and the public domain lie the Creative Commons licences.",
    "Telefon: Ortsgespräche sind kostenfrei, Gespräche ins Ausland nicht.",  # a label, then text
    "Kontakt zur Polizei: Die Beamten baten um Hinweise aus der Bevölkerung.",
    "Copyright law was last changed in 2019, when the directive on the digital single market passed.",  # no year after
    "Next year the ferry will sail every night of the week.",  # a button's word in a sentence
    "1/4",  # a recipe's quantity, set on a line above its unit ("cup butter")
    "The modal window of the app shows the timetable.",
    "Descriptions offered by witnesses of the crash differed on the colour of the car.",  # a player's label, as a word
    "Captions settings for the deaf are part of the new broadcasting law, the minister said.",
    "Loading the trucks took most of the night.",  # a loading placeholder's word in a sentence
    "From the section of the report on schools, the council quoted two pages.",  # a sentence, not a label
    "Write to the council at council@example.org before Friday, the notice says, if you object.",
])
def test_article_lines_that_only_mention_advertising_sharing_or_rights_stay(line):
    assert drop_furniture_lines(f"First paragraph.\n{line}") == f"First paragraph.\n{line}"


CLOSING_PLEA = ("Follow The Gleaner on Twitter and Instagram @JamaicaGleaner and on Facebook @GleanerJamaica. "
                "Send us a message on WhatsApp or email us for the latest updates.")


@pytest.mark.parametrize("drop,line", [
    # news about advertising, cookies or commissions
    (drop_furniture_lines, "Werbung für Alkohol soll im Fernsehen verboten werden, sagte die Ministerin."),
    (drop_furniture_lines, "Google, as a third-party vendor, uses cookies to serve ads on our site."),
    (drop_furniture_lines, "Affiliate links are a common way for blogs to earn money, the study found."),
    (drop_furniture_lines, "The commission will publish its report in May, and the company may receive compensation."),
    (drop_furniture_lines, "Die Anzeige gegen den Bürgermeister wurde am Montag erstattet."),
    (drop_furniture_lines, "Lesezeit: 2 Minuten, sagt der Verlag, sei für einen Kommentar zu kurz."),
    (drop_furniture_lines, "| Hafen | 12 |"),
    (drop_furniture_lines, '"Comment": {'),  # a line of a code sample
    (drop_furniture_lines, "Comments from readers poured in after the story ran, the editor said."),
    # news about donations and support
    (drop_call_to_action_lines, "On hand to present the supplies is Dr. Amanda Pinder, who was excited to donate them."),
    (drop_call_to_action_lines, "Werden Sie Teil der Community und unterstützen Sie uns dabei, die Produkte zu verbessern."),
    (drop_call_to_action_lines, "Der Verein finanziert sich durch Spenden seiner Mitglieder, sagte der Vorsitzende."),
    # news about journalism, subscriptions and registration
    (drop_call_to_action_lines, "Der Preis würdigt unabhängigen Journalismus, der Missstände aufdeckt."),
    (drop_call_to_action_lines, "The paper said 40,000 readers started a subscription in the first week of the offer."),
    (drop_call_to_action_lines, "Wer weiterlesen möchte, findet den Bericht im Archiv der Stadt."),
    (drop_call_to_action_lines, "Die Partei ist beim Wahlamt bereits registriert und tritt im Mai an."),
    (drop_furniture_lines, "Anmelden können sich Vereine bis zum 1. März."),
])
def test_news_about_advertising_cookies_commissions_or_support_stays(drop, line):
    text = f"First paragraph.\n{line}\nLast paragraph."
    assert drop(text) == text


def test_a_longer_plea_to_follow_or_subscribe_that_closes_the_article_is_dropped():
    assert drop_call_to_action_lines(f"First paragraph.\nLast paragraph.\n{CLOSING_PLEA}") == "First paragraph.\nLast paragraph."


@pytest.mark.parametrize("line", [
    "Netflix added five million subscribers in the quarter, more than analysts had expected, the company said on Tuesday.",
    "The council will ask residents to sign up for the new bin collection, the mayor said, and expects most to do so "
    "before the summer.",
])
def test_a_closing_paragraph_of_news_that_mentions_subscribing_stays(line):
    assert drop_call_to_action_lines(f"First paragraph.\n{line}") == f"First paragraph.\n{line}"


@pytest.mark.parametrize("line", [
    "The service now has 230 million subscribers.",
    "Los suscriptores del diario crecieron un 12 % en un año.",
])
def test_short_sentences_of_news_that_name_subscribers_stay(line):
    text = "\n".join(["First paragraph.", line, *[f"Paragraph {i}." for i in range(4)]])
    assert drop_call_to_action_lines(text) == text


@pytest.mark.parametrize("line", ["Subscribe now", "Sign up here", "Jetzt registrieren", "3 Kommentare",
                                  "Follow us on Instagram", "Download our app for iOS and Android"])
def test_short_calls_to_action_go_wherever_they_stand(line):
    text = "\n".join(["First paragraph.", line, *[f"Paragraph {i}." for i in range(4)]])
    assert drop_call_to_action_lines(text) == "\n".join(["First paragraph.", *[f"Paragraph {i}." for i in range(4)]])


def test_a_paragraph_as_long_that_mentions_following_stays_away_from_the_end():
    text = "\n".join([f"Paragraph {i}." for i in range(3)] + [CLOSING_PLEA] + [f"Paragraph {i}." for i in range(3, 7)])
    assert drop_call_to_action_lines(text) == text
