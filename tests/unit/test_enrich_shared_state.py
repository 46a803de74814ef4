"""Sharing the entity registry and the stories between machines (enrich.shared_state).

Each "machine" here is a store in a directory of its own; they share a topic. The topic is
faked in memory (partitions by key, offsets per partition, every record kept): the real one
is a compacted Kafka topic, exercised in tests/integration/test_shared_state_kafka.py.
"""

from __future__ import annotations

import json
import zlib

import pytest

from enrich.registry import EntityRegistry
from enrich.stories import StoryIndex
from newsflow.core.bus import Message
from fixtures.registry_entities import ent
from fixtures.story_texts import ORIGINAL, OTHER_REPORT, SYNDICATED


class FakeTopic:
    """What the stores need of a topic: records appended per partition, read from an offset."""

    def __init__(self, partitions: int = 3):
        self.logs: list[list[Message]] = [[] for _ in range(partitions)]
        self.down = False

    def replica(self) -> "FakeReplica":
        return FakeReplica(self)

    def append(self, key: str, value: bytes) -> None:
        p = zlib.crc32(key.encode()) % len(self.logs)
        self.logs[p].append(Message(topic="state", offset=len(self.logs[p]), key=key, value=value, partition=p))


class FakeReplica:
    def __init__(self, topic: FakeTopic):
        self.topic = topic
        self.lagging = False  # reads find nothing new, as when records are still on their way

    def publish(self, records):
        if self.topic.down:
            raise ConnectionError("the cluster is unreachable")
        for key, fact in records:
            self.topic.append(key, json.dumps(fact).encode())

    def read(self, applied):
        if self.lagging:
            return []
        return [m for p, log in enumerate(self.topic.logs) for m in log[applied.get(p, 0):]]

    def close(self):
        pass


@pytest.fixture
def topic() -> FakeTopic:
    return FakeTopic()


def on_machines(tmp_path, topic, store, filename: str, names: str):
    """One ``store`` per machine (a directory each), all sharing ``topic``; closed afterwards."""
    stores = [store(tmp_path / name / filename, replica=topic.replica()) for name in names]
    yield stores
    for s in stores:
        s.close()


@pytest.fixture
def machines(tmp_path, topic):
    """Three registries on three machines, sharing one topic."""
    yield from on_machines(tmp_path, topic, EntityRegistry, "entities.db", "abc")


def table(reg: EntityRegistry, sql: str) -> list[tuple]:
    return sorted(reg._conn.execute(sql).fetchall())


ENTITIES = "SELECT label, key, name, articles, mentions FROM entities"
FORMS = "SELECT label, key, form FROM surface_forms"


# --- the registry ------------------------------------------------------------------------

def test_a_surname_seen_on_one_machine_takes_the_full_name_another_machine_registered(machines):
    a, b, _ = machines
    a.canonicalize([[ent("Recep Tayyip Erdogan")]])
    (out,) = b.canonicalize([[ent("Erdogan")]])
    assert (out[0].name, out[0].key) == ("Recep Tayyip Erdoğan", "recep tayyip erdogan")


def test_counts_add_up_across_machines(machines):
    a, b, _ = machines
    a.canonicalize([[ent("Xi Jinping", count=3)], [ent("Xi Jinping", count=1)]])
    b.canonicalize([[ent("Xi Jinping", count=2)]])
    a.catch_up()
    assert a.lookup("Xi Jinping") == b.lookup("Xi Jinping") == [("PERSON", "xi jinping", "Xi Jinping", 3)]
    assert table(a, "SELECT mentions FROM entities") == [(6,)]


def test_every_copy_holds_the_same_registry_whatever_order_the_facts_arrived_in(machines):
    a, b, c = machines
    a.canonicalize([[ent("Kim Jong Un")], [ent("NATO", "ORG")]])
    b.canonicalize([[ent("Kim Jong-un", forms=["Kim Jong-un"])], [ent("Kim Yo Jong")]])
    a.canonicalize([[ent("Pyongyang", "GPE", count=2)]])
    c.canonicalize([[ent("NATO", "ORG", count=4)], [ent("Kim Yo-jong", forms=["Kim Yo-jong"])]])
    b.canonicalize([[ent("Kim Jong Un", count=5)]])
    for r in (c, a, b):
        r.catch_up()
    assert table(a, ENTITIES) == table(b, ENTITIES) == table(c, ENTITIES)
    assert table(a, FORMS) == table(b, FORMS) == table(c, FORMS)
    assert ("PERSON", "kim jong un", "Kim Jong Un", 3, 7) in table(a, ENTITIES)


def test_two_spellings_registered_at_once_settle_on_the_first_machine_s(machines):
    a, b, _ = machines
    a.canonicalize([[ent("Inés Álvarez")]])
    b._replica.lagging = True  # b registers before a's record reaches it
    (b_view,) = b.canonicalize([[ent("Ines Alvarez")]])
    b._replica.lagging = False
    assert b_view[0].name == "Ines Alvarez"
    a.catch_up()
    b.catch_up()
    assert table(a, ENTITIES) == table(b, ENTITIES) == [("PERSON", "ines alvarez", "Inés Álvarez", 2, 2)]


def test_a_record_applied_twice_or_out_of_order_never_counts_twice(tmp_path, machines, topic):
    a, b, _ = machines
    a.canonicalize([[ent("Volodymyr Zelensky")]])
    a.canonicalize([[ent("Volodymyr Zelensky")]])
    first, second = [m for log in topic.logs for m in log]
    # the newer running total first, then the stale one, then both again
    for m in (second, first, second, first):
        topic.append(m.key, m.value)
    b.catch_up()
    assert b.lookup("Volodymyr Zelensky")[0][3] == 2


def test_a_machine_that_joins_later_replays_the_whole_registry(tmp_path, machines, topic):
    a, b, _ = machines
    a.canonicalize([[ent("Emmanuel Macron")], [ent("Olaf Scholz", count=2)]])
    b.canonicalize([[ent("Macron")], [ent("EU", "ORG")]])
    late = EntityRegistry(tmp_path / "late" / "entities.db", replica=topic.replica())
    try:
        late.catch_up()
        a.catch_up()
        assert table(late, ENTITIES) == table(a, ENTITIES)
        (out,) = late.canonicalize([[ent("Scholz")]])
        assert out[0].name == "Olaf Scholz"
    finally:
        late.close()


def test_a_restarted_machine_applies_only_what_is_new(tmp_path, topic):
    a = EntityRegistry(tmp_path / "a" / "entities.db", replica=topic.replica())
    b = EntityRegistry(tmp_path / "b" / "entities.db", replica=topic.replica())
    a.canonicalize([[ent("Narendra Modi")]])
    b.catch_up()
    b.close()
    a.canonicalize([[ent("Narendra Modi")]])
    b = EntityRegistry(tmp_path / "b" / "entities.db", replica=topic.replica())
    assert b.catch_up() == 1, "the offsets reached were kept with the registry"
    assert b.lookup("Narendra Modi")[0][3] == 2
    a.close()
    b.close()


def test_an_unreadable_record_is_skipped_whole_and_the_rest_applied(machines, topic):
    a, b, _ = machines
    topic.append("junk", b"{not json")
    topic.append("half", json.dumps({"label": "PERSON"}).encode())
    # readable until its last field: what it wrote before failing must go too
    topic.append("no-forms", json.dumps({"replica": "x", "label": "ORG", "key": "acme", "name": "Acme",
                                         "first_seen": 1.0, "articles": 3, "mentions": 3}).encode())
    a.canonicalize([[ent("Lula da Silva")]])
    assert b.catch_up() == 4
    assert b.lookup("Lula da Silva")
    assert b.lookup("Acme") == [] and table(b, "SELECT * FROM entity_counts WHERE key = 'acme'") == []


def test_a_batch_whose_facts_cannot_be_shared_is_rolled_back(machines, topic):
    a, _, _ = machines
    topic.down = True
    with pytest.raises(ConnectionError):
        a.canonicalize([[ent("Javier Milei")]])
    assert a.count() == 0, "the batch fails whole, and is retried whole"
    topic.down = False
    a.canonicalize([[ent("Javier Milei")]])
    assert a.lookup("Javier Milei")[0][3] == 1


def test_a_registry_from_before_per_machine_counts_keeps_its_counts(tmp_path, topic):
    path = tmp_path / "old" / "entities.db"
    old = EntityRegistry(path)
    old.canonicalize([[ent("Pedro Sanchez")], [ent("Pedro Sanchez")]])
    old._conn.execute("DELETE FROM entity_counts")  # as a registry written by an older release
    old.close()
    reopened = EntityRegistry(path, replica=topic.replica())
    reopened.canonicalize([[ent("Pedro Sanchez")]])
    other = EntityRegistry(tmp_path / "other" / "entities.db", replica=topic.replica())
    other.catch_up()
    assert other.lookup("Pedro Sanchez")[0][3] == 3
    reopened.close()
    other.close()


# --- the stories -------------------------------------------------------------------------

@pytest.fixture
def story_machines(tmp_path, topic):
    """Two story indexes on two machines, sharing one topic."""
    yield from on_machines(tmp_path, topic, StoryIndex, "stories.db", "ab")


def test_a_copy_enriched_on_another_machine_joins_the_story(story_machines):
    a, b = story_machines
    (original,) = a.assign([("a1", "h1", ORIGINAL)])
    (copy, other) = b.assign([("a2", "h2", SYNDICATED), ("a3", "h3", OTHER_REPORT)])
    assert copy == original == "s-a1"
    assert other != original


def test_an_exact_copy_joins_by_its_content_hash_on_another_machine(story_machines):
    a, b = story_machines
    a.assign([("a1", "same-hash", "too short to compare")])
    assert b.assign([("a9", "same-hash", "too short to compare")]) == ["s-a1"]


def test_both_machines_hold_the_same_stories_after_exchanging(story_machines):
    a, b = story_machines
    a.assign([("a1", "h1", ORIGINAL), ("a3", "h3", OTHER_REPORT)])
    b.assign([("a2", "h2", SYNDICATED), ("a1", "h1", ORIGINAL)])  # a replay of a1 on b
    a.catch_up()
    members = "SELECT article_id, story_id, signature FROM story_members"
    assert table(a, members) == table(b, members)
    assert {r[1] for r in table(a, members)} == {"s-a1", "s-a3"}
