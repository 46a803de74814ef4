"""bench/bus.py keeps running against the real broker (it prints figures; no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bus.py"


def test_the_bus_benchmark_runs_and_prints_its_ratios_to_raw_kafka_python(kafka_bootstrap):
    env = {**os.environ, "NEWSFLOW_KAFKA_BOOTSTRAP": kafka_bootstrap, "NEWSFLOW_LOG_LEVEL": "WARNING"}
    env.pop("NEWSFLOW_CONFIG", None)
    proc = subprocess.run([sys.executable, str(BENCH), "--records", "300", "--runs", "1", "--e2e-articles", "3"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "ratio produce" in proc.stdout and "ratio consume" in proc.stdout
    assert "end to end" in proc.stdout
