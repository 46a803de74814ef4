"""End-to-end helpers: run the real CLI in subprocesses against the bundled sample site."""

from __future__ import annotations

import pytest

from cli_support import CLI, run_once
from demo import SampleSite

pytestmark = pytest.mark.e2e


@pytest.fixture
def cli(tmp_path) -> CLI:
    """A CLI on a fresh, empty data dir."""
    return CLI(tmp_path / "data")


@pytest.fixture
def site():
    """The sample site on a free loopback port, for one test."""
    with SampleSite() as s:
        yield s


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> CLI:
    """A CLI on a data dir where one run has indexed the whole sample site (read-only tests share it)."""
    cli = CLI(tmp_path_factory.mktemp("indexed") / "data")
    with SampleSite() as site:
        run_once(cli, site)
    return cli
