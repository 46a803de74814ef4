"""Run the real ``newsflow`` CLI in subprocesses, as a user would (shared by e2e and integration tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from newsflow.samplesite import SampleSite


class CLI:
    """Runs ``newsflow`` as a user would, in a fresh process, against one data dir."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.env = {**os.environ, "NEWSFLOW_DATA_DIR": str(data_dir), "NEWSFLOW_LOG_LEVEL": "WARNING"}
        self.env.pop("NEWSFLOW_CONFIG", None)

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "newsflow.cli", *args]

    def __call__(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run(self.argv(*args), env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"newsflow {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.argv(*args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def search(self, *args: str) -> dict:
        return json.loads(self("search", "--json", "--limit", "100", *args).stdout)


def run_once(cli: CLI, site: SampleSite, *extra: str) -> subprocess.CompletedProcess:
    """``newsflow run --once`` over both feeds of the site."""
    feeds = [a for url in site.feed_urls for a in ("--feeds", url)]
    return cli("run", "--once", "--allow-private-hosts", "--no-progress", *feeds, *extra)
