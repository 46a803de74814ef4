"""bench/index.py keeps running against the real node (a tiny N; it prints figures, no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "index.py"


def test_index_benchmark_runs_and_prints_its_ratio_to_plain_bulk(elasticsearch_url):
    env = {**os.environ, "NEWSFLOW_ES_URL": elasticsearch_url}
    proc = subprocess.run([sys.executable, str(BENCH), "--articles", "30", "--sizes", "10,30", "--runs", "1"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "ratio" in proc.stdout and "best bulk size" in proc.stdout
