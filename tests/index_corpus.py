"""The fixture corpus the index tests share: articles as enrich writes them, and the named groups
(news, people, dated, faceted) the contract tests load into either index backend."""

from __future__ import annotations

from datetime import datetime

from enrich.canonical import entity_names
from newsflow.core.contracts import EnrichedArticle, Entity, content_hash
from newsflow.core.names import fold


def ent(name: str, label: str = "PERSON", *surface: str, count: int = 1, salience: float = 0.5) -> Entity:
    """An entity as enrich writes it: key = fold(name), surface forms as seen in the text."""
    return Entity(name=name, label=label, key=fold(name), surface_forms=list(surface) or [name],
                  count=count, salience=salience)


def art(aid: str, title: str = "", text: str = "", *, source: str = "example.com", published: str | None = "2024-05-01T12:00:00Z",
        entities: list[Entity] = (), story: str | None = None) -> EnrichedArticle:
    """An enriched article; per-label entity names derived from ``entities`` as enrich does."""
    text = text or title or aid
    url = f"https://{source}/{aid}"
    entities = list(entities)
    return EnrichedArticle(
        id=aid, url=url, canonical_url=url, source=source, title=title, text=text,
        published_at=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
        content_hash=content_hash(text), entities=entities, entity_names=entity_names(entities), story_id=story or aid,
    )


PUTIN = ent("Vladimir Putin", "PERSON", "Vladimir Putin", "President Putin", "Putin\u2019s")
KIM = ent("Kim Jong Un", "PERSON", "Kim Jong-un", "Kim Jong-Un")
KIM_YO = ent("Kim Yo Jong", "PERSON", "Kim Yo-jong")
ERDOGAN = ent("Recep Tayyip Erdoğan", "PERSON", "Erdoğan")

NEWS = [
    art("summit", "Leaders meet", "Kim Jong-un and Vladimir Putin held a summit in Vladivostok on state media."),
    art("sanctions", "Sanctions widen", "The U.S. announced sanctions on Russian banks and state media."),
    art("erdogan", "Turkey votes", "Recep Tayyip Erdoğan won the runoff in Türkiye."),
    art("trade", "Trade talks", "Trade ministers discussed tariffs; media coverage was thin."),
]


PEOPLE = [
    art("putin-full", "Putin visits", entities=[PUTIN, ent("Kremlin", "ORG")]),
    art("putin-short", "Putin speaks", entities=[ent("Putin", "PERSON")]),  # only ever says "Putin"
    art("kim", "Kim in Moscow", entities=[KIM, PUTIN]),
    art("kim-yo", "Sister speaks", entities=[KIM_YO]),
    art("erdogan-p", "Erdogan wins", entities=[ERDOGAN]),
    art("russia", "Russia", entities=[ent("Russia", "GPE")]),
]

DATED = [
    art("apr30", published="2024-04-30T23:59:00Z"),
    art("may1-early", published="2024-05-01T00:00:00Z"),
    art("may1-late", published="2024-05-01T23:59:59Z"),
    art("may2", published="2024-05-02T00:00:00Z"),
    art("undated", published=None),
]

FACETED = [
    art("1", "war", source="a.com", entities=[ent("Kim Jong Un"), ent("Russia", "GPE")]),
    art("2", "war", source="a.com", entities=[ent("Kim Jong Un")]),
    art("3", "war", source="www.b.com", entities=[ent("Kim Jong-un"), ent("NATO", "ORG")]),
    art("4", "war", source="b.com", entities=[ent("Vladimir Putin")]),
    art("5", "peace", source="c.com", entities=[ent("Joe Biden")]),
]

CORPUS = NEWS + PEOPLE + DATED + FACETED + [
    art("body", "Weather report", "Rain today. The pipeline protest continued downtown. More rain.", source="www.b.com"),
    art("title", "Pipeline protest grows", "Hundreds gathered on Saturday, organisers said.", source="c.com"),
    art("georgia-p", "Georgia", "Georgia Smith spoke.", entities=[ent("Georgia Smith", "PERSON"), ent("Georgia", "PERSON")]),
    art("georgia-g", "Georgia", "Georgia voted.", entities=[ent("Georgia", "GPE")]),
    art("long-mid", "Long", " ".join(f"w{i}" for i in range(300)) + " needle " + " ".join(f"v{i}" for i in range(300))),
    art("long-start", "Long", "Start needle here. " + " ".join(f"w{i}" for i in range(300))),
    art("long-end", "Long", " ".join(f"w{i}" for i in range(300)) + " end needle"),
]
