"""Fixtures shared by the unit tests of several modules."""

from __future__ import annotations

import pytest

from newsflow.core.bus.embedded import SQLiteBus
from test_ingest_support import Site


@pytest.fixture
def site():
    """A local HTTP server the test fills with feeds and pages (``test_ingest_support.Site``)."""
    s = Site()
    yield s
    s.close()


@pytest.fixture
def bus(tmp_path):
    """A fresh embedded bus in the test's temporary directory."""
    b = SQLiteBus(tmp_path / "bus.db")
    yield b
    b.close()
