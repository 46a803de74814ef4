"""The layers of the code base hold: front doors -> ingest | enrich | index -> newsflow.core.

The contracts themselves live in pyproject.toml ([tool.importlinter]); this runs them on every
`make unit`, `make test` and CI run, and checks what import-linter cannot see: an import hidden
inside a function (the usual way to dodge a cycle, and invisible to readers and tools).
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

from newsflow.cli import COMMANDS, SUMMARIES
from newsflow.cli.stages import index as index_group

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("newsflow", "ingest", "enrich", "index")


def test_the_import_linter_contracts_are_kept():
    run = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def imports_inside_functions(path: Path) -> list[str]:
    """``file:line module`` of every import statement inside a function or method of ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    module = inner.module if isinstance(inner, ast.ImportFrom) else inner.names[0].name
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno} {module}")
    return found


#: the one place an import waits for its function, and why: spaCy takes seconds to import, and
#: `newsflow run` (which starts enrich in a process of its own) and the ingest and index services
#: import the enrich stage without ever enriching. Not a cycle: these modules import nothing above.
DEFERRED = {"enrich/stage.py": {"enrich.parallel", "enrich.enricher", "enrich.shared_state"}}


def test_no_import_sits_inside_a_function():
    found = sorted({hit for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                    for hit in imports_inside_functions(path)
                    if hit.split()[1] not in DEFERRED.get(hit.split(":")[0], set())})
    assert not found, "imports inside functions (move them to the top of the module):\n" + "\n".join(found)


def test_the_in_function_check_reports_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    module = tmp_path / "m.py"
    module.write_text("import os\n\n\ndef f():\n    import json\n    return json\n", encoding="utf-8")
    assert imports_inside_functions(module) == ["m.py:5 json"]


def test_the_command_list_summarises_each_command_as_its_own_help_does():
    groups = [(COMMANDS, SUMMARIES), (index_group.lazy_subcommands, index_group.summaries)]
    for targets, summaries in groups:
        assert set(summaries) == set(targets)
        for name, target in targets.items():
            module, attribute = target.split(":")
            command = getattr(importlib.import_module(module), attribute)
            assert " ".join(summaries[name].split()) == " ".join(command.help.split("\n\n")[0].split()), name


def test_the_command_list_imports_no_command():
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "newsflow.cli", "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert all(name in run.stdout for name in COMMANDS)
    loaded = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert not {target.split(":")[0] for target in COMMANDS.values()} & loaded
