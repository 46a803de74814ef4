"""What spaCy found in a text, kept for the next copy of that exact text.

Wire stories reach a stream many times over: the same agency copy through several outlets'
feeds, a page re-fetched under a second URL, a replay. When the headline and body are
identical to a text this process already enriched, running NER again would find the same
spans, so the enricher takes the Doc-derived results of the first copy instead: the article's
own canonical entities (before the corpus registry, which still resolves and counts them for
every copy), its keyphrases and its lead summary. Only exact copies qualify (the headline
included: NER reads it with the body); a republished edit goes through spaCy again. (A headline
span the body does not support counts when the registry knows its name, ``enrich.canonical``:
a copy keeps the judgement made for the first one, with the registry of that moment.)

Per process and bounded (least recently used entries go first): each ``--workers`` process
reuses what it enriched itself.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from pydantic import TypeAdapter

from newsflow.core.contracts import Entity

# Entries kept. An entry is the entities as compressed JSON (6 kB of JSON for a real news page on
# average, a quarter of that compressed), keyphrases and a summary: 10,000 of them, some hours of
# one worker's stream, hold about 20 MB, reached early and flat after that.
MAX_ENTRIES = 10_000
_ENTITIES = TypeAdapter(list[Entity])


@dataclass(frozen=True, slots=True)
class Found:
    """The Doc-derived part of an enriched article."""

    entities: bytes  # the article's own canonical entities (before the registry), zlib-compressed JSON
    keyphrases: tuple[str, ...]
    summary: str


def text_key(pipeline: str, text: str) -> bytes:
    """The key of ``text`` as processed by the pipeline named ``pipeline`` (model and version)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16, person=b"newsflow-reuse")
    digest.update(pipeline.encode("utf-8"))
    return digest.digest()


class ReuseCache:
    """What each text this process enriched gave (see the module doc), least recently used out first."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        """A cache holding at most ``max_entries`` texts (0: reuse nothing)."""
        self.max_entries = max_entries
        self._found: OrderedDict[bytes, Found] = OrderedDict()
        self.hits = 0  # articles that took an earlier copy's results

    def __len__(self) -> int:
        return len(self._found)

    def __contains__(self, key: object) -> bool:
        return key in self._found

    def get(self, key: bytes) -> Found | None:
        """The results of the text with this key, counted as a reuse, or None."""
        found = self._found.get(key)
        if found is not None:
            self._found.move_to_end(key)
            self.hits += 1
        return found

    def put(self, key: bytes, entities: list[Entity], keyphrases: list[str], summary: str) -> None:
        """Remember what the text with this key gave."""
        if self.max_entries <= 0:
            return
        self._found[key] = Found(zlib.compress(_ENTITIES.dump_json(entities), 1), tuple(keyphrases), summary)
        self._found.move_to_end(key)
        while len(self._found) > self.max_entries:
            self._found.popitem(last=False)


def entities_of(found: Found) -> list[Entity]:
    """The remembered entities, new objects for one more article."""
    return _ENTITIES.validate_json(zlib.decompress(found.entities))
