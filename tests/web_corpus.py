"""A small corpus of enriched articles for the web tests (API, OpenAPI, Elasticsearch).

Enriched as enrich writes them (keys = ``fold(name)``, surface forms as seen), with what the
search page has to show: two sources, a story syndicated by a second outlet, dates spread over
two months and one undated article, and a text with HTML in it that must be shown as text.
"""

from __future__ import annotations

from datetime import datetime

from enrich.canonical import entity_names
from index_corpus import ent
from newsflow.core.contracts import EnrichedArticle, Entity, Provenance, content_hash


def art(aid: str, title: str, text: str, *, source: str = "harbor-ledger.example", published: str | None = None,
        entities: list[Entity] = (), story: str | None = None, keyphrases: list[str] = ()) -> EnrichedArticle:
    url = f"https://{source}/news/{aid}.html"
    return EnrichedArticle(
        id=aid, url=url, canonical_url=url, source=source, title=title, text=text,
        published_at=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
        content_hash=content_hash(text), entities=list(entities), entity_names=entity_names(entities), story_id=story or f"s-{aid}",
        keyphrases=list(keyphrases), summary=text.split(".")[0] + ".",
        enrichment=Provenance(model="en_core_web_sm", model_version="3.8.0", newsflow_version="0.1.0"),
    )


KIM = ent("Kim Jong Un", "PERSON", "Kim Jong-un", "Kim", count=3, salience=0.9)
PUTIN = ent("Vladimir Putin", "PERSON", "President Putin", "Putin", count=2, salience=0.7)
LAVROV = ent("Sergei Lavrov", "PERSON", "Lavrov", salience=0.8)
ERDOGAN = ent("Recep Tayyip Erdoğan", "PERSON", "Erdoğan", count=2, salience=0.9)
XI = ent("Xi Jinping", "PERSON", "Xi", salience=0.9)
UN = ent("United Nations", "ORG", "UN", salience=0.6)
NATO = ent("NATO", "ORG", salience=0.8)
MERIDIAN = ent("Meridian Shipping", "ORG", salience=0.9)
NORTH_KOREA = ent("North Korea", "GPE", salience=0.6)
RUSSIA = ent("Russia", "GPE", salience=0.5)
TURKEY = ent("Türkiye", "GPE", "Turkey", salience=0.5)
CHINA = ent("China", "GPE", salience=0.5)
BLACK_SEA = ent("Black Sea", "LOC", salience=0.4)

CORPUS: list[EnrichedArticle] = [
    art("summit", "Putin hosts Kim Jong-un in Vladivostok",
        "President Putin welcomed Kim Jong-un to Vladivostok for talks on rail links and energy.\n\n"
        "Both governments said trade would grow.", published="2026-02-23T09:15:00Z",
        entities=[KIM, PUTIN, RUSSIA, NORTH_KOREA], keyphrases=["rail links", "energy talks"]),
    art("missile", "Kim Jong-un oversees missile launch",
        "North Korean leader Kim Jong-un oversaw the launch of a ballistic missile, state media said.",
        published="2026-02-26T06:00:00Z", entities=[KIM, NORTH_KOREA]),
    art("lavrov", "Lavrov meets Kim Jong Un in Pyongyang",
        "Sergei Lavrov held talks with Kim Jong Un on tourism flights between Russia and North Korea.",
        published="2026-03-18T12:25:00Z", entities=[LAVROV, KIM, RUSSIA, NORTH_KOREA]),
    art("sanctions", "UN council divided over sanctions monitoring",
        "The United Nations Security Council split over a panel monitoring sanctions on North Korea. Kim was not named.",
        published="2026-03-20T15:00:00Z", entities=[UN, NORTH_KOREA]),
    art("erdogan", "Erdoğan hosts Black Sea shipping talks in Istanbul",
        "Recep Tayyip Erdoğan hosted talks on Black Sea shipping lanes and a grain corridor.",
        published="2026-03-03T10:00:00Z", entities=[ERDOGAN, TURKEY, BLACK_SEA], story="s-erdogan"),
    # the same story, syndicated by a wire service a few hours later
    art("erdogan-wire", "Erdogan hosts Black Sea shipping talks in Istanbul",
        "Recep Tayyip Erdoğan hosted talks on Black Sea shipping lanes and a grain corridor, officials said.",
        source="wire.example", published="2026-03-03T14:00:00Z", entities=[ERDOGAN, TURKEY, BLACK_SEA],
        story="s-erdogan"),
    art("xi", "Xi Jinping meets Central Asia leaders in Xi'an",
        "Xi Jinping hosted a trade summit; China pledged investment.", source="wire.example",
        published="2026-03-10T08:00:00Z", entities=[XI, CHINA]),
    art("meridian", "Meridian Shipping raises forecast on Red Sea detours",
        "Meridian Shipping raised its forecast. Rates <script>alert('x')</script> & detours rose.",
        published="2026-03-12T07:30:00Z", entities=[MERIDIAN]),
    art("nato", "NATO ministers bolster air defences",
        "NATO ministers agreed to bolster air defences on the eastern flank.", published=None,
        entities=[NATO, RUSSIA]),
]
