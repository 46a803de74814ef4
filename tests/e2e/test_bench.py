"""Benchmarks keep running (they print figures; no timing is asserted: machines are shared and noisy)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize(
    "script,args",
    [("bench_extract.py", ["--pages", "5"]),
     ("bench_extract.py", ["--pages", "5", "--rounds", "1", "--corpus", str(BENCH.parent / "tests" / "fixtures" / "extraction"),
                           "--whole-process", "4", "--whole-rounds", "2",
                           "--reference", str(BENCH.parent / "tests" / "fixtures" / "reference"),
                           "--reference", str(BENCH.parent / "tests" / "fixtures" / "reference-text")]),
     ("bench_enrich.py", ["--articles", "8", "--runs", "1", "--rss-docs", "16,32"]),
     ("alerts.py", ["--articles", "40", "--batch", "20", "--rules", "0,10"]),
     ("bench_pipeline.py", ["--articles", "6", "--runs", "1", "--trickle", "2"])],
)
def test_benchmark_runs_and_prints_its_ratio_to_the_baseline(script, args):
    proc = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "ratio" in proc.stdout


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _error_analysis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH / "extract_errors.py"), *args], capture_output=True, text=True,
                          timeout=300)


def test_the_error_analysis_groups_what_extraction_misses_and_keeps_on_a_passage_corpus():
    proc = _error_analysis("--corpus", str(FIXTURES / "extraction"), "--list")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "37 pages: F1" in out  # the shipped pages
    assert "wanted passages missed:" in out and "unwanted passages kept:" in out
    assert "MISSED " in out and "KEPT " in out  # each one listed with its page and line


def test_the_error_analysis_names_the_worst_reference_pages_and_the_lines_that_differ():
    proc = _error_analysis("--reference", str(FIXTURES / "reference"), "--list")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "1 pages, newsflow: F1 1.0000" in out and "1 pages, bare trafilatura: F1" in out
    assert "harbour-ferry" in out  # named among the worst, with its scores
    assert "EXTRA" not in out and "MISSING" not in out  # newsflow's text is the reference's, word for word


def test_the_error_analysis_says_in_one_line_that_a_folder_holds_no_reference_pages(tmp_path):
    proc = _error_analysis("--reference", str(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"no reference pages in {tmp_path}"
