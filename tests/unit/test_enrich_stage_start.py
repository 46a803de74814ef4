"""The enrich stage can open its stores ahead of the model (``newsflow run``'s enrich process
does it in a thread while spaCy loads): opened once, caught up, used by the enricher, closed
with the stage whatever happened."""

from __future__ import annotations

import threading
import time

import pytest

import enrich.enricher
import enrich.shared_state
from enrich.stage import EnrichStage
from newsflow.core.bus.memory import MemoryBus
from newsflow.core.config import Settings
from newsflow.core.worker import Unavailable


class FakeStore:
    """Stands in for StoryIndex / EntityRegistry at the boundary the stage uses."""

    def __init__(self, fail_catch_up: bool = False):
        self.caught_up = self.closed = 0
        self.fail_catch_up = fail_catch_up

    def catch_up(self) -> int:
        self.caught_up += 1
        if self.fail_catch_up:
            raise Unavailable("could not read the shared state on t: broker down")  # what a replica raises
        return 0

    def close(self) -> None:
        self.closed += 1


class FakeEnricher:
    def __init__(self, settings, *, stories, registry):
        self.stories, self.registry = stories, registry

    def close(self) -> None:
        self.stories.close()
        self.registry.close()


@pytest.fixture
def opened(monkeypatch):
    """Every pair of stores ``open_stores`` hands out."""
    calls: list[tuple[FakeStore, FakeStore]] = []

    def fake_open_stores(settings, stories_path, registry_path, shared=None, **_):
        calls.append((FakeStore(), FakeStore()))
        return calls[-1]

    monkeypatch.setattr(enrich.shared_state, "open_stores", fake_open_stores)
    monkeypatch.setattr(enrich.enricher, "Enricher", FakeEnricher)
    return calls


def stage(tmp_path, **overrides) -> EnrichStage:
    return EnrichStage(Settings(data_dir=tmp_path, **overrides), MemoryBus())


def test_stores_opened_ahead_are_caught_up_and_are_the_ones_the_enricher_uses(tmp_path, opened):
    s = stage(tmp_path)
    s.open_stores()
    assert len(opened) == 1 and all(store.caught_up == 1 for store in opened[0])
    enricher = s.enricher
    assert (enricher.stories, enricher.registry) == opened[0]
    assert len(opened) == 1  # not opened a second time
    s.close()
    assert all(store.closed == 1 for store in opened[0])


def test_an_enricher_asked_for_while_the_stores_are_still_opening_waits_for_them(tmp_path, opened, monkeypatch):
    slow_open = enrich.shared_state.open_stores

    def slow(*args, **kwargs):
        time.sleep(0.3)  # the shared topics answering slowly
        return slow_open(*args, **kwargs)

    monkeypatch.setattr(enrich.shared_state, "open_stores", slow)
    s = stage(tmp_path)
    ahead = threading.Thread(target=s.open_stores)
    ahead.start()
    time.sleep(0.05)
    enricher = s.enricher
    ahead.join()
    assert len(opened) == 1 and (enricher.stories, enricher.registry) == opened[0]
    s.close()
    assert all(store.closed == 1 for store in opened[0])


def test_stores_opened_ahead_are_closed_with_a_stage_that_never_built_its_enricher(tmp_path, opened):
    s = stage(tmp_path)
    s.open_stores()
    s.close()
    assert all(store.closed == 1 for store in opened[0])


def test_stores_are_closed_when_the_model_cannot_be_loaded(tmp_path, opened, monkeypatch):
    def no_model(*_a, **_k):
        raise OSError("[E050] Can't find model 'xx_missing'")

    monkeypatch.setattr(enrich.enricher, "Enricher", no_model)
    s = stage(tmp_path)
    s.open_stores()
    with pytest.raises(OSError):
        s.enricher
    s.close()
    assert all(store.closed == 1 for store in opened[0])


def test_a_store_that_cannot_catch_up_leaves_nothing_open(tmp_path, monkeypatch):
    stores = (FakeStore(), FakeStore(fail_catch_up=True))
    monkeypatch.setattr(enrich.shared_state, "open_stores", lambda *a, **k: stores)
    s = stage(tmp_path)
    with pytest.raises(Unavailable):
        s.open_stores()
    assert all(store.closed == 1 for store in stores)
    s.close()
    assert all(store.closed == 1 for store in stores)  # not closed twice


def test_with_worker_processes_each_worker_opens_its_own_stores(tmp_path, opened):
    s = stage(tmp_path, enrich_workers=2)
    s.open_stores()
    assert opened == []
    s.close()
