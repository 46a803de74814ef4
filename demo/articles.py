"""The sample site's content: ten original (fictional) news articles, one syndicated copy, and
two articles of the partner edition in French and German (``FOREIGN``, in their own feed).

Everything a test needs to know about the site lives here, so tests never have to parse the
HTML: where each article is, which feed lists it, a phrase only its body contains, and which
people it names with the exact spellings used. ``_build.py`` renders ``site/`` from this module.

Spelling variants are deliberate and spread ACROSS articles (the pipeline must canonicalise them):
Kim Jong Un / Kim Jong-un / Kim Jong-Un, Kim Yo-jong (a different person), Vladimir Putin /
President Vladimir Putin / Putin / Putin’s / Putin's, Recep Tayyip Erdoğan / Erdogan,
Volodymyr Zelensky / Zelenskiy, Xi Jinping / Xi's and the city Xi'an.
Articles marked ``apostrophes="curly"`` use ’ “ ” throughout; ``"straight"`` ones use ' and ".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

SITE_NAME = "The Harbor Ledger"
SITE_TAGLINE = "News from the harbour and the world"
WIRE_NAME = "Coastal Wire Partners"


@dataclass(frozen=True, eq=False)
class SampleArticle:
    """One page of the sample site that carries an article (an original or the syndicated copy)."""

    slug: str
    path: str  # URL path, e.g. "/news/2026/02/<slug>.html"; unique (the slug is not, for the copy)
    title: str  # headline, Title Case; <h1>, <title> (before " | The Harbor Ledger") and og:title
    section: str  # "World" or "Business"
    authors: tuple[str, ...]
    published: datetime  # timezone-aware UTC
    summary: str  # standfirst on the page, <description>/<summary> in the feeds
    paragraphs: tuple[str, ...]  # the body, exactly as it appears in the <p> elements
    unique_phrase: str  # occurs in this article's body only (and its syndicated copy)
    # The people named, canonical name -> the spellings used in this article (titles included
    # where the text uses them, possessives as written). Only people, not places or organisations.
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    organizations: tuple[str, ...] = ()  # organisations named, as spelled
    apostrophes: str = "curly"  # "curly" (’ “ ”) or "straight" (' ")
    in_rss: bool = False
    in_atom: bool = False
    rss_link_suffix: str = ""  # appended to the page URL in the RSS <link> (tracking parameters)
    atom_link_suffix: str = ""  # appended to the page URL in the Atom <link>
    rss_full_text: bool = False  # the RSS item carries the body in <content:encoded>
    syndicated: bool = False  # True for the partner-wire copy of another article
    syndication_of: str | None = None  # path of the original, for the syndicated copy
    language: str = "en"  # ISO 639-1; <html lang> of the page

    @property
    def text(self) -> str:
        """The body paragraphs joined by newlines (what a good extractor should return, roughly)."""
        return "\n".join(self.paragraphs)

    @property
    def image_path(self) -> str:
        return f"/static/img/{self.slug}.jpg"

    def url(self, base_url: str) -> str:
        """The clean page URL on a running site (also its canonical URL, except for the copy)."""
        return base_url.rstrip("/") + self.path

    def canonical_path(self) -> str:
        """Where ``<link rel="canonical">`` points; the copy has none, so its own path."""
        return self.path


def _paras(block: str) -> tuple[str, ...]:
    return tuple(" ".join(p.split()) for p in block.strip().split("\n\n") if p.strip())


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def _path(published: datetime, slug: str) -> str:
    return f"/news/{published:%Y}/{published:%m}/{slug}.html"


_A1 = dict(
    slug="putin-hosts-kim-jong-un-vladivostok-rail-energy-talks",
    title="Putin Hosts Kim Jong Un in Vladivostok for Talks on Rail and Energy Links",
    section="World",
    authors=("Elena Marsh",),
    published=_utc(2026, 2, 23, 9, 15),
    summary="The two leaders discussed a freight corridor, energy supplies and trade during a day of "
    "talks on Russia’s Pacific coast.",
    paragraphs=_paras("""
President Vladimir Putin welcomed North Korean leader Kim Jong Un to Vladivostok on Monday for a day
of talks that both governments said would focus on transport, energy and trade, the latest in a series
of meetings between the two men since their first summit in the Russian port city in 2019.

Kim Jong Un arrived on his armoured train shortly after dawn and was greeted at the station by Russian
officials before being driven to the campus of the Far Eastern Federal University on Russky Island,
where the talks were held behind closed doors.

According to a statement released by the Kremlin in the evening, the two sides discussed a freight
corridor across the Tumen River that would link North Korea’s Rason economic zone with the Russian rail
network, as well as deliveries of Russian oil products and fertiliser.

“Our countries are neighbours, and neighbours should trade,” Putin told reporters after the meeting,
adding that officials had been instructed to prepare concrete proposals before the end of the year. He
did not take questions.

North Korean state media described the talks as “warm and comradely” and said Kim had invited the
Russian leader to visit Pyongyang again. The Korean Central News Agency published photographs of the
two men shaking hands on the quayside in front of a Russian navy cruiser.

Putin’s government has sought closer ties with Pyongyang since 2022, when Western sanctions over the
war in Ukraine pushed Moscow to look east for partners. The two countries signed a treaty on
comprehensive strategic partnership in June 2024 that includes a mutual assistance clause.

Officials in Seoul, Tokyo and Washington have repeatedly voiced concern about military cooperation
between the two countries, which Moscow and Pyongyang describe as lawful and aimed at no third party.
Resolutions of the United Nations Security Council have banned arms trade with North Korea since 2006.

Analysts said the economic agenda was modest. “A rail bridge across that river has been discussed for
twenty years,” said Pavel Orlov, a researcher at the Institute for Pacific Studies in Vladivostok.
“What matters is whether anyone is willing to pay for it.”

Trade between Russia and North Korea remains small by international standards, amounting to a few
tens of millions of dollars a year according to Russian customs data, though officials on both sides
say the figure has grown since the pandemic, when North Korea sealed its borders almost entirely.

Kim’s train was expected to leave for Khabarovsk on Tuesday, where he is due to visit an aircraft
plant and a food processing factory before returning home later in the week.
"""),
    unique_phrase="freight corridor across the Tumen River",
    entities={
        "Vladimir Putin": ("President Vladimir Putin", "Putin", "Putin’s"),
        "Kim Jong Un": ("Kim Jong Un", "Kim", "Kim’s"),
        "Pavel Orlov": ("Pavel Orlov",),
    },
    organizations=("Kremlin", "Far Eastern Federal University", "Korean Central News Agency",
                   "United Nations Security Council", "Institute for Pacific Studies"),
    apostrophes="curly",
    in_rss=True,
)

_A2 = dict(
    slug="kim-jong-un-oversees-missile-launch-seoul-restraint",
    title="North Korea’s Kim Jong-un Oversees Missile Launch as Seoul Calls for Restraint",
    section="World",
    authors=("Daniel Seo",),
    published=_utc(2026, 2, 26, 6, 40),
    summary="Pyongyang called the launch of a solid-fuel missile a routine exercise; Japan said it "
    "fell outside its exclusive economic zone.",
    paragraphs=_paras("""
North Korean leader Kim Jong-un oversaw the launch of a solid-fuel ballistic missile into the sea off
the country’s east coast on Wednesday, state media reported on Thursday, in the first such test this
year.

The Korean Central News Agency said the launch was part of a “regular exercise” to check the
reliability of the country’s missile forces and posed no threat to neighbouring countries. Photographs
showed Kim Jong-un watching the launch through binoculars from an observation post alongside senior
military officers.

South Korea’s Joint Chiefs of Staff said the missile was fired from near Pyongyang shortly after seven
in the morning and flew roughly 800 kilometres before falling into the sea between the Korean peninsula
and Japan. Japan’s defence ministry said it landed outside Japan’s exclusive economic zone and that no
damage to ships or aircraft had been reported.

President Lee Jae-myung convened a meeting of his national security council and called on Pyongyang to
return to dialogue. “Provocations only deepen the isolation of the North,” Lee said in a statement,
adding that Seoul remained open to talks at any time and without preconditions.

In a separate statement carried by state media, Kim Yo-jong, the leader’s sister and a senior official
of the ruling Workers’ Party, said the test was a sovereign right and criticised what she called the
hostile military drills of the United States and South Korea.

The launch came days before the start of annual spring exercises by American and South Korean forces,
which Pyongyang routinely describes as rehearsals for an invasion. Washington and Seoul say the drills
are defensive.

Resolutions of the United Nations Security Council prohibit North Korea from testing ballistic
missiles, but the council has not agreed on new measures since 2017. Diplomats at the UN said a
closed-door meeting could be requested later in the week.

Analysts said the launch appeared designed to check a missile already in service rather than a new
design. “This looks like quality control rather than a signal of a new capability,” said Park Min-seo,
a missile analyst at the Seoul Centre for Security Studies.

North Korea has conducted dozens of missile tests since 2022, ranging from short-range weapons to
intercontinental ballistic missiles capable in theory of reaching the mainland United States.

The UN panel of experts that monitored sanctions against North Korea was disbanded in 2024 after Russia
vetoed the renewal of its mandate, leaving member states to track violations on their own.
"""),
    unique_phrase="quality control rather than a signal of a new capability",
    entities={
        "Kim Jong Un": ("Kim Jong-un",),
        "Kim Yo Jong": ("Kim Yo-jong",),
        "Lee Jae-myung": ("President Lee Jae-myung", "Lee"),
        "Park Min-seo": ("Park Min-seo",),
    },
    organizations=("Korean Central News Agency", "Joint Chiefs of Staff", "Workers’ Party",
                   "United Nations Security Council", "UN", "Seoul Centre for Security Studies"),
    apostrophes="curly",
    in_rss=True,
    rss_full_text=True,
)

_A3 = dict(
    slug="erdogan-hosts-black-sea-shipping-talks-istanbul",
    title="Erdoğan Hosts Black Sea Shipping Talks in Istanbul",
    section="World",
    authors=("Mira Kovac",),
    published=_utc(2026, 3, 2, 17, 5),
    summary="Turkey's president brought Russian and Ukrainian officials together to discuss the safety "
    "of merchant ships in the Black Sea.",
    paragraphs=_paras("""
Turkish President Recep Tayyip Erdoğan opened a day of talks in Istanbul on Monday between Russian and
Ukrainian delegations on the safety of commercial shipping in the Black Sea, the first meeting of its
kind in more than a year.

Speaking at Dolmabahçe Palace before the talks began, Erdoğan said Turkey was ready to act as a
guarantor of any arrangement that allowed merchant vessels to sail without fear of attack. "The Black
Sea must be a sea of trade, not a sea of conflict," he said.

The Russian delegation was led by a deputy foreign minister, while Ukraine sent its infrastructure
minister and senior navy officers. Neither side commented on the substance of the talks as they
entered the palace.

Ukrainian President Volodymyr Zelensky said in his nightly video address that Kyiv wanted guarantees
for the ports of the Odesa region and for the ships that call there. "We are ready to discuss anything
that makes shipping safer, but not at the price of our sovereignty," Zelensky said.

The Kremlin said President Vladimir Putin had been briefed on the preparations and that Moscow's
position had not changed. Putin's spokesman, Dmitry Peskov, told reporters that any agreement would
have to take Russia's own export interests into account, including access for its grain and fertiliser
to world markets.

Turkey, which controls access to the Black Sea through the Bosphorus and Dardanelles straits, brokered
the Black Sea Grain Initiative with the United Nations in July 2022. The deal allowed Ukraine to export
more than 32 million tonnes of food before Russia withdrew from it a year later.

UN Secretary-General António Guterres welcomed the talks in a statement and said the United Nations
stood ready to support any arrangement "that keeps food and fertiliser flowing to the countries that
need them most."

Erdoğan's government has kept channels open to both Moscow and Kyiv since the start of the war,
supplying drones to Ukraine while declining to join Western sanctions against Russia. Turkish officials
say that balance is what makes Ankara a credible mediator.

Shipping insurers in London said they would watch the outcome closely. War-risk premiums for voyages
to Ukrainian ports have fallen since 2023 but remain far higher than before the war, according to
brokers, adding to the cost of every cargo of wheat and corn leaving Odesa.

A second round of talks is expected in Istanbul later this month, Turkish officials said, speaking on
condition of anonymity because they were not authorised to brief the media.
"""),
    unique_phrase="a sea of trade, not a sea of conflict",
    entities={
        "Recep Tayyip Erdoğan": ("Turkish President Recep Tayyip Erdoğan", "Erdoğan", "Erdoğan's"),
        "Volodymyr Zelensky": ("Ukrainian President Volodymyr Zelensky", "Zelensky"),
        "Vladimir Putin": ("President Vladimir Putin", "Putin's"),
        "Dmitry Peskov": ("Dmitry Peskov",),
        "António Guterres": ("UN Secretary-General António Guterres",),
    },
    organizations=("Kremlin", "United Nations", "UN", "Black Sea Grain Initiative"),
    apostrophes="straight",
    in_rss=True,
)

_A4 = dict(
    slug="nato-ministers-bolster-air-defences-eastern-flank",
    title="NATO Ministers Agree to Bolster Air Defences on Eastern Flank",
    section="World",
    authors=("Hannah Cole", "Tomasz Wierzbicki"),
    published=_utc(2026, 3, 4, 19, 30),
    summary="Foreign ministers meeting in Brussels backed a plan to pool air-defence systems along the "
    "alliance’s eastern border and pledged more support for Ukraine.",
    paragraphs=_paras("""
Foreign ministers from NATO’s 32 member states agreed in Brussels on Wednesday to pool air-defence
systems along the alliance’s eastern border, part of a broader effort to strengthen deterrence against
Russia while keeping military aid flowing to Ukraine.

NATO Secretary General Mark Rutte told reporters after the meeting that allies had committed to
deploying additional Patriot and NASAMS batteries to Poland, Romania and the Baltic states over the
coming year. “Every ally is doing more, and every ally needs to do more still,” Rutte said.

Ukraine’s foreign minister attended a session of the NATO-Ukraine Council, and President Volodymyr
Zelenskiy joined by video link to thank allies for their support and to ask for more interceptor
missiles before the spring.

“Every missile that we intercept is a hospital, a school or a power station that stays standing,”
Zelenskiy said, according to a transcript released by his office.

The Kremlin dismissed the decision. Putin has long described the expansion of NATO’s military
infrastructure towards Russia’s borders as a threat, and Russian officials said on Wednesday that
Moscow would take “appropriate measures” in response.

The ministers also discussed closer cooperation with the European Union, whose foreign policy chief,
Kaja Kallas, attended the meeting. The EU has set up a fund to help member states buy weapons jointly,
and officials on both sides said they wanted to avoid duplicating orders.

Turkey backed the plan but pressed for its own defence manufacturers to share in the contracts.
President Recep Tayyip Erdogan has argued for years that Turkish industry should play a larger role in
European security, and Erdogan’s foreign minister, Hakan Fidan, made the same case to colleagues on
Wednesday, according to two diplomats present.

Defence spending has risen sharply across the alliance since Russia’s full-scale invasion of Ukraine in
2022. At their summit in The Hague last year, NATO leaders agreed on a target of spending 5 percent of
economic output on defence and related security by 2035.

The air-defence plan still has to be approved by defence ministers, who meet in June, and several
governments must seek parliamentary approval for the deployments. Diplomats said the first batteries
could be in place by the autumn.
"""),
    unique_phrase="a hospital, a school or a power station that stays standing",
    entities={
        "Mark Rutte": ("NATO Secretary General Mark Rutte", "Rutte"),
        "Volodymyr Zelensky": ("President Volodymyr Zelenskiy", "Zelenskiy"),
        "Vladimir Putin": ("Putin",),
        "Kaja Kallas": ("Kaja Kallas",),
        "Recep Tayyip Erdoğan": ("President Recep Tayyip Erdogan", "Erdogan’s"),
        "Hakan Fidan": ("Hakan Fidan",),
    },
    organizations=("NATO", "NATO-Ukraine Council", "Kremlin", "European Union", "EU"),
    apostrophes="curly",
    in_rss=True,
    in_atom=True,
)

_A5 = dict(
    slug="xi-jinping-central-asia-leaders-xian-trade-summit",
    title="Xi Jinping Welcomes Central Asian Leaders to Xi'an for Trade Summit",
    section="World",
    authors=("Grace Liu",),
    published=_utc(2026, 3, 6, 11, 20),
    summary="China's president promised new rail and pipeline investment at a summit in the ancient "
    "Silk Road city.",
    paragraphs=_paras("""
Chinese President Xi Jinping welcomed the leaders of five Central Asian countries to the city of Xi'an
on Friday for a two-day summit focused on trade, transport and energy, pledging new investment in the
railways and pipelines that link the region with western China.

The summit in the capital of Shaanxi province, once the eastern end of the ancient Silk Road, returns
the gathering to the city that hosted the first China-Central Asia summit in May 2023.

In an opening speech, Xi said China would expand imports of agricultural products from the region and
support the construction of new cross-border freight terminals. "The Silk Road has always been a road
of exchange and mutual benefit," Xi said.

Kazakhstan's President Kassym-Jomart Tokayev and Uzbekistan's President Shavkat Mirziyoyev were among
the leaders attending, along with the presidents of Kyrgyzstan, Tajikistan and Turkmenistan. Tokayev
said after a bilateral meeting that the two countries had agreed to study a second rail crossing at the
Khorgos border post.

Xi's government has made Central Asia a priority of the Belt and Road Initiative, its programme of
infrastructure lending launched in 2013. Chinese trade with the five countries has more than doubled
over the past decade, driven by energy, metals and consumer goods, according to Chinese customs data.

The China-Kyrgyzstan-Uzbekistan railway, on which construction began in late 2024, featured prominently
in the summit's final declaration. Once completed, the line is expected to shorten the journey for
freight between eastern China and Europe by several days.

Officials also signed agreements on water management, customs cooperation and a joint centre for
combating desertification, according to a list published by China's foreign ministry.

For the Central Asian governments, which also maintain close ties with Russia, the summit is a chance
to attract investment without choosing sides, analysts said. "They want Chinese money and Russian
security and European markets, all at the same time," said Dariga Seitkali, an economist at a research
centre in Almaty.

The leaders were due to visit the Terracotta Army museum on the outskirts of Xi'an on Saturday before
the summit closes with a joint news conference.
"""),
    unique_phrase="Chinese money and Russian security and European markets",
    entities={
        "Xi Jinping": ("Chinese President Xi Jinping", "Xi", "Xi's"),
        "Kassym-Jomart Tokayev": ("President Kassym-Jomart Tokayev", "Tokayev"),
        "Shavkat Mirziyoyev": ("President Shavkat Mirziyoyev",),
        "Dariga Seitkali": ("Dariga Seitkali",),
    },
    organizations=("Belt and Road Initiative",),
    apostrophes="straight",
    in_rss=True,
    in_atom=True,
    rss_link_suffix="?utm_source=rss&utm_medium=feed&utm_campaign=world",
)

_A6 = dict(
    slug="meridian-shipping-raises-forecast-red-sea-detours",
    title="Meridian Shipping Raises Profit Forecast as Red Sea Detours Keep Freight Rates High",
    section="Business",
    authors=("Oliver Brandt",),
    published=_utc(2026, 3, 10, 8, 10),
    summary="The Copenhagen-based container line said longer voyages around Africa were absorbing "
    "capacity and supporting prices.",
    paragraphs=_paras("""
Meridian Shipping Group raised its full-year profit forecast on Tuesday, saying that container ships
continuing to sail around the Cape of Good Hope instead of through the Suez Canal were keeping capacity
tight and freight rates higher than expected.

The Copenhagen-based company, the ninth-largest container line in the world by capacity, now expects
underlying operating profit of between $2.1 billion and $2.6 billion this year, up from a previous
range of $1.4 billion to $2.0 billion. Its shares rose 7.4 percent in morning trading.

“The market has been stronger for longer than anyone predicted,” Chief Executive Annika Lindqvist said
on a call with analysts. Ms Lindqvist said the company had no plans to return to the Red Sea route
until insurers and navies judged it safe, adding that a few extra days at sea were a price customers
were willing to pay for certainty.

Rafael Ortega, the chief financial officer, said the longer routes had absorbed roughly a tenth of the
company’s fleet capacity. Mr Ortega warned that the benefit would fade once ships returned to the
canal, and that a record number of new vessels due for delivery this year and next could push rates
down sharply.

Revenue in the fourth quarter rose 11 percent from a year earlier to $5.8 billion, while volumes
carried grew 4 percent, helped by strong demand for shipments from Asia to Europe.

The company also announced a share buyback of up to 3 billion Danish crowns and said it would order six
dual-fuel vessels capable of running on methanol from a shipyard in South Korea, part of its plan to
halve emissions from its fleet by 2035.

Analysts welcomed the upgrade but questioned how long it could last. “They are earning extraordinary
money from an extraordinary situation,” said Jonas Eriksen, a transport analyst at Nordhavn Securities
in Copenhagen. “Investors want to know what the business looks like when the canal is open again.”

Traffic through the Suez Canal remains well below its levels of 2023, according to the Suez Canal
Authority, after attacks on merchant vessels in the Red Sea by Yemen’s Houthi movement prompted most
large container lines to divert their ships.

Meridian’s rivals are expected to report similar trends. Ms Lindqvist said Meridian would give an
update on its network and its fleet renewal plan at a capital markets day in Copenhagen in May.
"""),
    unique_phrase="earning extraordinary money from an extraordinary situation",
    entities={
        "Annika Lindqvist": ("Chief Executive Annika Lindqvist", "Ms Lindqvist"),
        "Rafael Ortega": ("Rafael Ortega", "Mr Ortega"),
        "Jonas Eriksen": ("Jonas Eriksen",),
    },
    organizations=("Meridian Shipping Group", "Meridian", "Nordhavn Securities", "Suez Canal Authority"),
    apostrophes="curly",
    in_rss=True,
    in_atom=True,
    atom_link_suffix="#comments",
)

_A7 = dict(
    slug="eu-trade-deficit-china-widens-electric-vehicle-imports",
    title="EU Trade Deficit With China Widens as Electric Vehicle Imports Climb",
    section="Business",
    authors=("Sophie Laurent",),
    published=_utc(2026, 3, 12, 13, 45),
    summary="Imports of Chinese battery-electric cars are rising again despite the tariffs introduced "
    "in 2024, official figures show.",
    paragraphs=_paras("""
The European Union's trade deficit with China widened in January as imports of electric vehicles,
batteries and solar equipment rose, according to figures published by Eurostat on Thursday, adding
pressure on Brussels to harden its response to Chinese industrial overcapacity.

The deficit in goods trade rose to 27.4 billion euros in January from 24.1 billion euros a year
earlier, the EU statistics office said. Imports of battery-electric cars from China increased by about
a fifth by value, even though the EU imposed additional duties of up to 35.3 percent on Chinese-made
electric vehicles in October 2024.

European Commission President Ursula von der Leyen said the figures showed the need for "a more
balanced trading relationship". Speaking in Strasbourg, Ms von der Leyen said Europe remained open to
Chinese investment, "but openness has to work both ways."

Trade Commissioner Maroš Šefčovič is due to travel to Beijing next month for talks with China's
commerce ministry. Mr Šefčovič told members of the European Parliament that the Commission was
reviewing offers by Chinese carmakers to sell at minimum prices in place of paying the duties.

Chinese manufacturers have responded to the tariffs partly by shifting to plug-in hybrid models, which
are not covered by the duties, and by building factories inside the EU. BYD, the largest Chinese maker
of electric cars, is building a plant in Szeged, Hungary.

European carmakers are divided. German manufacturers, which sell large numbers of cars in China, have
warned against an escalation, while French officials have pressed for tougher measures. "We cannot
defend our industry with words alone," France's industry minister told reporters in Paris.

China's foreign ministry said in Beijing that the EU should view trade with China objectively, and
warned that protectionist measures would harm European consumers and the global fight against climate
change.

Economists noted that the overall deficit remained below its peak of 2022, when energy prices and
supply chain disruptions inflated the value of imports. "The level is not alarming, the composition
is," said Hélène Marchetti, chief economist at Banque Rivière in Paris. "Europe is buying more of
exactly the products it wants to make itself."

Mr Šefčovič said he would present proposals on trade defence to EU trade ministers in April. Eurostat
will publish trade data for February next month.
"""),
    unique_phrase="The level is not alarming, the composition is",
    entities={
        "Ursula von der Leyen": ("European Commission President Ursula von der Leyen", "Ms von der Leyen"),
        "Maroš Šefčovič": ("Trade Commissioner Maroš Šefčovič", "Mr Šefčovič"),
        "Hélène Marchetti": ("Hélène Marchetti",),
    },
    organizations=("European Union", "EU", "Eurostat", "European Commission", "European Parliament",
                   "BYD", "Banque Rivière"),
    apostrophes="straight",
    in_rss=True,
    in_atom=True,
    atom_link_suffix="?fbclid=IwAR2xHarborLedgerSample0k7Q",
)

_A8 = dict(
    slug="zelensky-courts-investors-berlin-reconstruction-conference",
    title="Zelensky Courts Private Investors at Berlin Reconstruction Conference",
    section="Business",
    authors=("Hannah Cole",),
    published=_utc(2026, 3, 16, 16, 0),
    summary="Ukraine’s president asked companies to commit capital to energy, housing and transport "
    "projects, backed by new European guarantees.",
    paragraphs=_paras("""
Ukrainian President Volodymyr Zelensky urged private companies on Monday to invest in rebuilding his
country’s energy grid, housing and transport networks, telling a reconstruction conference in Berlin
that Ukraine could not wait for the war to end before starting to rebuild.

“Every power plant we repair this year is a power plant that keeps a city alive next winter,”
Mr Zelensky told more than 2,000 delegates from governments, development banks and businesses gathered
at a conference centre in the German capital.

German Chancellor Friedrich Merz, who co-hosted the event, announced an additional 1.2 billion euros in
guarantees for German companies investing in Ukraine, and said Berlin would press other European
governments to follow. “Reconstruction is not charity. It is an investment in our own security,”
Mr Merz said.

The World Bank estimated last year that rebuilding Ukraine would cost more than $500 billion over a
decade. Officials at the conference said public money alone would cover only a fraction of that sum,
and that insurance against war risks remained the main obstacle for private investors.

The European Union’s Ukraine Facility, a programme of grants and loans worth 50 billion euros that runs
until 2027, will offer new risk guarantees through the European Investment Bank, the European
Commission said.

Several companies announced deals on the sidelines. Kovalenko Energy, a renewable power developer based
in Kyiv, signed an agreement with a group of Nordic pension funds to build 400 megawatts of wind
capacity in western Ukraine. Its chief executive, Iryna Kovalenko, said the project would be the
largest private energy investment in the country since 2022. “Investors are no longer asking whether
to come, but how fast,” Ms Kovalenko said.

The conference took place as Russian drone and missile attacks on Ukrainian energy infrastructure
continued. Mr Zelensky said Vladimir Putin’s aim was to make Ukrainian cities unlivable through the
winter, and asked allies to send more air defence systems alongside reconstruction money.

Ukraine’s economy grew modestly last year, according to the National Bank of Ukraine, but the
government still relies on foreign grants and loans to finance a large part of its budget.

Organisers said the next conference would be held in 2027, and that a working group of investors and
Ukrainian officials would meet every quarter until then to track the projects announced in Berlin.
"""),
    unique_phrase="a power plant that keeps a city alive next winter",
    entities={
        "Volodymyr Zelensky": ("Ukrainian President Volodymyr Zelensky", "Mr Zelensky"),
        "Friedrich Merz": ("German Chancellor Friedrich Merz", "Mr Merz"),
        "Iryna Kovalenko": ("Iryna Kovalenko", "Ms Kovalenko"),
        "Vladimir Putin": ("Vladimir Putin’s",),
    },
    organizations=("World Bank", "European Union", "Ukraine Facility", "European Investment Bank",
                   "European Commission", "Kovalenko Energy", "National Bank of Ukraine"),
    apostrophes="curly",
    in_atom=True,
)

_A9 = dict(
    slug="lavrov-meets-kim-jong-un-pyongyang-tourism-flights",
    title="Russian Foreign Minister Lavrov Meets Kim Jong-Un in Pyongyang",
    section="World",
    authors=("Elena Marsh",),
    published=_utc(2026, 3, 18, 12, 25),
    summary="Sergei Lavrov's two-day visit focused on tourism, flights and educational exchanges, "
    "officials said.",
    paragraphs=_paras("""
Russian Foreign Minister Sergei Lavrov held talks with North Korean leader Kim Jong-Un in Pyongyang on
Wednesday, the second day of a visit that both governments said was aimed at expanding tourism, air
links and educational exchanges.

North Korea's state news agency said Kim Jong-Un received Lavrov at the headquarters of the ruling party
and conveyed his "warmest greetings" to President Putin. Russian television showed the two men walking
through a hall lined with flowers before sitting down with their delegations.

Lavrov told reporters after the meeting that the two countries had agreed to increase the number of
direct flights between Moscow and Pyongyang and to open a second tourist route for groups from the
Russian Far East, to the Wonsan-Kalma beach resort on the east coast.

"Our relations are developing in all directions, and they are not directed against anyone," Lavrov
said, according to a transcript published by the Russian foreign ministry.

Putin's visit to Pyongyang in June 2024, his first in 24 years, produced a treaty on comprehensive
strategic partnership. Since then the two countries have restored a passenger rail service between
Moscow and Pyongyang and increased the number of North Korean students at Russian universities.

Kim Jong-Un also hosted a banquet for the Russian delegation on Wednesday evening, state media said, at
which he praised what he called the invincible friendship between the two peoples.

South Korea's foreign ministry said it was following the visit closely and repeated its call for all
countries to abide by United Nations sanctions on North Korea, which restrict trade and ban the
employment of North Korean workers abroad.

In Tokyo, the chief cabinet secretary told a regular news conference that Japan shared those concerns.
Washington did not immediately comment.

Analysts in Seoul said the focus on tourism and education reflected an effort by both sides to give the
partnership a civilian face. "Pyongyang wants visitors, hard currency and recognition," said Choi
Eun-ji, a researcher at a Seoul university. "Moscow wants a friend in Asia who says yes."

Lavrov was expected to travel on to Beijing later in the week for talks with Chinese Foreign Minister
Wang Yi, the Russian foreign ministry said.
"""),
    unique_phrase="a friend in Asia who says yes",
    entities={
        "Sergei Lavrov": ("Russian Foreign Minister Sergei Lavrov", "Lavrov"),
        "Kim Jong Un": ("Kim Jong-Un",),
        "Vladimir Putin": ("President Putin", "Putin's"),
        "Choi Eun-ji": ("Choi Eun-ji",),
        "Wang Yi": ("Chinese Foreign Minister Wang Yi",),
    },
    organizations=("United Nations",),
    apostrophes="straight",
    in_atom=True,
)

_A10 = dict(
    slug="un-security-council-divided-north-korea-sanctions-monitoring",
    title="UN Security Council Divided Over North Korea Sanctions Monitoring",
    section="World",
    authors=("Daniel Seo",),
    published=_utc(2026, 3, 20, 21, 10),
    summary="Western members proposed reviving an independent panel of experts; Russia and China said "
    "sanctions should be eased, not tightened.",
    paragraphs=_paras("""
Members of the United Nations Security Council clashed on Friday over a proposal to revive independent
monitoring of sanctions against North Korea, two years after Russia vetoed the renewal of the expert
panel that had tracked violations for 15 years.

The proposal, circulated by Britain and France, would create a new group of experts to report to the
council twice a year on North Korea’s compliance with sanctions on its weapons programmes, including
restrictions on oil imports, arms trade and the employment of its workers abroad.

Russia’s ambassador to the UN, Vassily Nebenzia, told the council that sanctions had failed to change
the behaviour of the government in Pyongyang and only hurt ordinary people. “The council should discuss
easing the measures, not creating new bureaucracy,” Nebenzia said.

China’s envoy, Fu Cong, said the council should focus on dialogue and on the security concerns of all
parties on the Korean peninsula, a position Beijing has held for years.

Western diplomats said the missile launch supervised by Kim Jong Un last month showed the need for
independent reporting. Since the panel was disbanded, eleven countries including the United States,
Japan and South Korea have formed a Multilateral Sanctions Monitoring Team outside the UN framework,
which published its first report in 2025.

“Without independent monitoring, the council is flying blind,” the British ambassador said. A vote is
not expected before next month, and diplomats said the proposal was almost certain to be vetoed if it
were put to a vote in its current form.

Secretary-General António Guterres has urged North Korea to return to negotiations on the
denuclearisation of the Korean peninsula and called on all member states to implement existing
resolutions, his spokesman said on Friday.

North Korea’s mission to the UN issued a statement rejecting the debate as a hostile act and saying the
country’s nuclear status was irreversible. Kim Jong Un has repeatedly ruled out giving up the country’s
nuclear weapons, and its constitution was amended in 2023 to enshrine the expansion of its nuclear
forces.

The Security Council has not adopted a new resolution on North Korea since December 2017, when it
tightened limits on the country’s imports of refined petroleum products.
"""),
    unique_phrase="the council is flying blind",
    entities={
        "Vassily Nebenzia": ("Vassily Nebenzia", "Nebenzia"),
        "Fu Cong": ("Fu Cong",),
        "Kim Jong Un": ("Kim Jong Un",),
        "António Guterres": ("Secretary-General António Guterres",),
    },
    organizations=("United Nations Security Council", "UN", "Multilateral Sanctions Monitoring Team"),
    apostrophes="curly",
    in_atom=True,
)


# Two articles of the partner edition in other languages, listed only in their own feed
# (INTERNATIONAL_RSS_PATH), so the English site's feeds and counts stay as they are. They carry
# what the English model gets wrong on other languages: German nouns it calls organisations
# ("Zukunft", "Frankreich"), names it misses.
_F1 = dict(
    slug="la-france-et-l-allemagne-relancent-le-projet-d-avion-de-combat",
    title="La France et l’Allemagne relancent le projet d’avion de combat",
    section="World",
    authors=("Claire Dubois",),
    published=_utc(2026, 3, 21, 8, 30),
    summary="Emmanuel Macron et Olaf Scholz veulent accélérer le programme commun malgré les "
    "désaccords entre industriels.",
    paragraphs=_paras("""
Le président Emmanuel Macron a reçu jeudi à Paris le chancelier allemand Olaf Scholz pour relancer le
projet d’avion de combat européen, retardé depuis deux ans par des désaccords entre Dassault Aviation et
Airbus.

« Nous avons besoin de cet avion avant 2040 », a déclaré Macron lors d’une conférence de presse commune
à l’Élysée. Scholz a ajouté que l’Espagne restait pleinement associée au programme.

Les ministres de la Défense doivent se retrouver à Berlin le mois prochain pour fixer un calendrier. Le
Parlement européen a demandé plus de transparence sur le coût du projet, estimé à cent milliards d’euros.
"""),
    unique_phrase="relancer le projet d’avion de combat européen",
    entities={
        "Emmanuel Macron": ("Le président Emmanuel Macron", "Macron"),
        "Olaf Scholz": ("Olaf Scholz", "Scholz"),
    },
    organizations=("Dassault Aviation", "Airbus", "Parlement européen"),
    apostrophes="curly",
    language="fr",
)

_D1 = dict(
    slug="scholz-wirbt-in-warschau-fuer-gemeinsame-luftverteidigung",
    title="Scholz wirbt in Warschau für gemeinsame Luftverteidigung",
    section="World",
    authors=("Jonas Becker",),
    published=_utc(2026, 3, 22, 10, 45),
    summary="Der Bundeskanzler will Polen für das europäische Schutzschild gewinnen.",
    paragraphs=_paras("""
Bundeskanzler Olaf Scholz hat am Freitag in Warschau für eine gemeinsame europäische Luftverteidigung
geworben. Die Zukunft der Sicherheit in Europa hänge davon ab, dass Deutschland, Frankreich und Polen
zusammenarbeiten, sagte Scholz nach einem Treffen mit Ministerpräsident Donald Tusk.

Tusk begrüßte den Vorschlag, verlangte aber eine stärkere Beteiligung der polnischen Rüstungsindustrie.
Auch der französische Präsident Emmanuel Macron unterstützt das Vorhaben.

Die Bundesregierung will bis zum Sommer einen Plan vorlegen. Kritik kam aus der Opposition im Bundestag,
die vor hohen Kosten warnte.
"""),
    unique_phrase="gemeinsame europäische Luftverteidigung",
    entities={
        "Olaf Scholz": ("Bundeskanzler Olaf Scholz", "Scholz"),
        "Donald Tusk": ("Ministerpräsident Donald Tusk", "Tusk"),
        "Emmanuel Macron": ("Präsident Emmanuel Macron",),
    },
    organizations=("Bundesregierung", "Bundestag"),
    apostrophes="straight",
    language="de",
)


def _article(spec: dict) -> SampleArticle:
    return SampleArticle(path=_path(spec["published"], spec["slug"]), **spec)


ORIGINALS: list[SampleArticle] = [_article(s) for s in (_A1, _A2, _A3, _A4, _A5, _A6, _A7, _A8, _A9, _A10)]

# The partner-wire copy of article 3: the same <article> markup (so the same extracted text and
# content hash) under another path, with different chrome, no canonical link, and its own RSS item.
_original = ORIGINALS[2]
SYNDICATED_COPY = SampleArticle(
    **{
        **_A3,
        "published": _utc(2026, 3, 2, 19, 0),
        "in_rss": True,
        "in_atom": False,
        "syndicated": True,
        "syndication_of": _original.path,
    },
    path=f"/partners/wire/{_original.slug}.html",
)

# Every page that carries an article: the ten originals in date order, then the syndicated copy.
ARTICLES: list[SampleArticle] = [*ORIGINALS, SYNDICATED_COPY]

# The partner edition in French and German: pages on the site, listed only in their own feed.
FOREIGN: list[SampleArticle] = [_article(s) for s in (_F1, _D1)]
INTERNATIONAL_RSS_PATH = "/feeds/international.xml"

RSS_PATH = "/feeds/rss.xml"
ATOM_PATH = "/feeds/atom.xml"
OPML_PATH = "/feeds/feeds.opml"
FEEDS_TXT_PATH = "/feeds/feeds.txt"


def by_slug(slug: str) -> SampleArticle:
    """The original article with this slug (not the syndicated copy; the foreign ones too)."""
    for a in (*ORIGINALS, *FOREIGN):
        if a.slug == slug:
            return a
    raise KeyError(slug)


def by_path(path: str) -> SampleArticle:
    for a in (*ARTICLES, *FOREIGN):
        if a.path == path:
            return a
    raise KeyError(path)
