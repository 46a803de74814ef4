"""Every `newsflow search` example that the README and the demo print works when pasted into a
shell, and the command line behaves as an analyst types it: several words are one query, a
leading `-` excludes, --sort, --since spans and --format csv|jsonl export every match.

The examples run through bash exactly as written, against the indexed sample site (the demo's
data), with `newsflow` and the data dir pointed at this test's.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import CLI

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def readme_examples() -> list[str]:
    """The `newsflow search` lines of the README's shell blocks (not the synopsis)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.startswith("newsflow search ") and "[" not in line]


def demo_examples() -> list[str]:
    """The searches deploy/demo.sh runs (and prints, quoted the same way)."""
    lines = (ROOT / "deploy" / "demo.sh").read_text(encoding="utf-8").splitlines()
    return ["newsflow search --data-dir .cache/demo-data " + line.removeprefix("search ").strip()
            for line in lines if line.startswith("search ")]


def run_pasted(indexed: CLI, line: str, cwd: Path) -> subprocess.CompletedProcess:
    """``line`` through bash, with `newsflow` this checkout's CLI and the demo's data dir this test's."""
    newsflow = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "newsflow.cli"])
    script = line.replace("newsflow search", f"{newsflow} search", 1).replace(".cache/demo-data", shlex.quote(str(indexed.data_dir)))
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=indexed.env, capture_output=True, text=True, timeout=120)


def test_the_readme_and_the_demo_have_search_examples():
    assert len(readme_examples()) >= 6 and len(demo_examples()) >= 6


@pytest.mark.parametrize("line", readme_examples() + demo_examples())
def test_every_printed_example_works_when_pasted(indexed, tmp_path, line):
    proc = run_pasted(indexed, line, tmp_path)
    assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
    assert "Error" not in proc.stderr and "Traceback" not in proc.stderr
    written = [p for p in tmp_path.iterdir() if p.is_file()]
    out = proc.stdout if not written else written[0].read_text(encoding="utf-8")
    assert out.strip(), f"{line} printed nothing"
    if "--format csv" not in line and "--format jsonl" not in line:
        assert "matching articles" in out and not out.startswith("0 ")


def test_several_words_are_one_query_and_a_leading_minus_excludes(indexed):
    assert indexed.search("kim", "jong", "un") == indexed.search("kim jong un")
    assert indexed.search("sanctions", "-missile") == indexed.search("sanctions -missile")
    assert indexed.search("-missile")["total"] == indexed.search("--", "-missile")["total"] > 0


def test_a_singular_finds_the_plural_and_the_reverse(indexed):
    singular, plural = indexed.search("missile"), indexed.search("missiles")
    assert singular["total"] == plural["total"] > 0
    assert {h["id"] for h in singular["hits"]} == {h["id"] for h in plural["hits"]}


def test_sort_newest_orders_by_published_at(indexed):
    dates = [h["published_at"] for h in indexed.search("--sort", "newest")["hits"]]
    assert len(dates) > 3 and dates == sorted(dates, reverse=True)


def test_relative_since_is_accepted_and_an_inverted_range_refused(indexed):
    assert indexed.search("--since", "30d")["total"] >= 0
    proc = indexed("search", "--since", "2026-03-05", "--until", "2026-03-01", check=False)
    assert proc.returncode == 2 and "the date range is empty" in proc.stderr
    proc = indexed("search", "putin", "OR", check=False)
    assert proc.returncode == 2 and "OR needs something on its right" in proc.stderr and "character 7" in proc.stderr


def test_csv_exports_every_match_with_a_header_row(indexed):
    proc = indexed("search", "--format", "csv", "--limit", "1")
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows[0] == ["published_at", "source", "title", "url", "language", "story_id", "entities", "score"]
    assert len(rows) - 1 == indexed.search()["total"] > 1  # every match, not one page (--limit 1)
    jsonl = [json.loads(line) for line in indexed("search", "kim", "--format", "jsonl").stdout.splitlines()]
    assert [d["id"] for d in jsonl] == [h["id"] for h in indexed.search("kim")["hits"]]


def test_fields_find_exactly_what_the_filters_do(indexed):
    assert indexed.search('entity:"Kim Jong-un"') == indexed.search("--entity", "Kim Jong Un")
    assert indexed.search("lang:en")["total"] == indexed.search("--lang", "en")["total"] > 0
    source = indexed.search()["hits"][0]["source"]
    assert indexed.search(f"source:{source}")["total"] == indexed.search("--source", source)["total"] > 0
    titles = indexed.search("title:shipping")["hits"]
    assert titles and all("shipping" in h["title"].lower() for h in titles)
