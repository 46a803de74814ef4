"""Run the real ``newsflow`` CLI in subprocesses, as a user would (shared by e2e and integration tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from demo import SampleSite


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

    def popen(self, *args: str) -> "Service":
        """Start ``newsflow ARGS`` in the background; its output goes to files beside the data dir."""
        return Service(self.argv(*args), self.env, self.data_dir.parent / "logs", name=args[0])

    def search(self, *args: str) -> dict:
        return json.loads(self("search", "--json", "--limit", "100", *args).stdout)


class Service(subprocess.Popen):
    """A background ``newsflow`` process whose stdout and stderr go to files.

    Not pipes: a service that logs a lot while nobody reads (a broker outage, a slow test)
    would fill a pipe's 64 KB and block on its next log line.
    """

    def __init__(self, argv: list[str], env: dict[str, str], log_dir: Path, name: str):
        log_dir.mkdir(parents=True, exist_ok=True)
        stem = log_dir / f"{name}-{len(list(log_dir.glob(f'{name}-*.err')))}"
        self.out_path, self.err_path = stem.with_suffix(".out"), stem.with_suffix(".err")
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            super().__init__(argv, env=env, stdout=out, stderr=err, text=True)

    def stdout_text(self) -> str:
        """What the process printed on stdout so far."""
        return self.out_path.read_text(errors="replace")

    def stderr_text(self, tail: int | None = None) -> str:
        """What the process logged on stderr so far (only the last ``tail`` characters if given)."""
        text = self.err_path.read_text(errors="replace")
        return text if tail is None else text[-tail:]

    def communicate(self, input=None, timeout=None):  # noqa: A002 - Popen's signature
        """Wait for the process to exit; (stdout, stderr) as text."""
        self.wait(timeout=timeout)
        return self.stdout_text(), self.stderr_text()


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
        while True:
            for stage, proc in procs.items():
                if proc.poll() is not None:
                    raise AssertionError(f"newsflow {stage} exited {proc.returncode}: {proc.stderr_text()}")
            # until the index service has created the index, `search` refuses the data dir
            indexed = cli.search()["total"] if (cli.data_dir / "index.db").exists() else 0
            if indexed >= expected:
                break
            if time.monotonic() >= deadline:
                logs = "\n".join(f"--- newsflow {stage}, last lines:\n{proc.stderr_text(tail=3000)}" for stage, proc in procs.items())
                raise AssertionError(f"after {timeout:.0f}s the index holds {indexed} of {expected} articles\n{logs}")
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
