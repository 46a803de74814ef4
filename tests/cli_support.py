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


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_three_services(cli: CLI, site: SampleSite, expected: int, timeout: float = 180, on_progress=None) -> dict:
    """Start ``newsflow ingest``, ``enrich`` and ``index`` as separate processes, wait until the
    index holds ``expected`` articles, read each ``/healthz``, stop them with SIGTERM.

    ``on_progress(indexed)``, if given, is called with the index's article count at each check
    while the services run (fault tests use it to break something mid-run).

    Returns {"health": {stage: doc}, "returncodes": {stage: int}, "stderr": {stage: str}}.
    """
    import signal
    import time

    import httpx

    cli.env["NEWSFLOW_POLL_INTERVAL"] = "1"
    feeds = [a for url in site.feed_urls for a in ("--feeds", url)]
    ports = {stage: free_port() for stage in ("ingest", "enrich", "index")}
    procs = {
        "ingest": cli.popen("ingest", "--allow-private-hosts", "--port", str(ports["ingest"]), *feeds),
        "enrich": cli.popen("enrich", "--port", str(ports["enrich"])),
        "index": cli.popen("index", "--port", str(ports["index"])),
    }
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for stage, proc in procs.items():
                if proc.poll() is not None:
                    raise AssertionError(f"newsflow {stage} exited {proc.returncode}: {proc.stderr.read()}")
            indexed = cli.search()["total"]
            if indexed >= expected:
                break
            if on_progress is not None:
                on_progress(indexed)
            time.sleep(0.5)
        health = {stage: httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json() for stage, port in ports.items()}
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        stderr = {stage: proc.communicate(timeout=60)[1] for stage, proc in procs.items()}
    return {"health": health, "returncodes": {s: p.returncode for s, p in procs.items()}, "stderr": stderr}
