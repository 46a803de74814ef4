"""The language model cache: py3langid's model unpacked once per user, identical answers, and
a cache that cannot be read or written costs one log line, never an answer."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsflow.core import langid_model
from newsflow.core.langid_model import cache_folder, cache_root, load_identifier, source_model

TEXTS = [
    "The council approved the new harbour wall after a two-hour debate on Tuesday evening.",
    "Der Gemeinderat hat den Bau der neuen Hafenmauer nach einer zweistündigen Debatte genehmigt.",
    "Le conseil municipal a approuvé la construction du nouveau mur du port après un long débat.",
    "El ayuntamiento aprobó la construcción del nuevo muro del puerto tras un debate de dos horas.",
    "Il consiglio comunale ha approvato il nuovo muro del porto dopo un dibattito di due ore.",
    "De gemeenteraad keurde de nieuwe havenmuur goed na een debat van twee uur op dinsdagavond.",
    "A câmara aprovou a construção do novo muro do porto depois de um debate de duas horas.",
    "Городской совет одобрил строительство новой стены гавани после двухчасовых дебатов.",
    "市议会在周二晚上经过两个小时的辩论后批准了新的港口墙。",
    "市議会は火曜日の夜、二時間の議論の末に新しい港の壁を承認した。",
    "Rada miasta zatwierdziła budowę nowego muru portowego po dwugodzinnej debacie.",
    "Vladimir Putin met Kim Jong Un in Vladivostok.",
    "BREAKING NEWS: MARKETS FALL AS RATES RISE",
    "",
    "12345 67890 !!!",
    "Ünïcödé ñ ç ø å ß",
]


@pytest.fixture(scope="module")
def original() -> dict[bool, LanguageIdentifier]:
    """py3langid's identifiers built its own way, probabilities normalised and not."""
    return {norm: LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=norm) for norm in (True, False)}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A cache root holding a complete cache (each test that damages one gets its own copy)."""
    root = tmp_path_factory.mktemp("langid-cache")
    load_identifier(root=root)
    return root


def copy_of(written, tmp_path):
    shutil.copytree(written, tmp_path / "cache")
    return tmp_path / "cache"


def answers(identifier: LanguageIdentifier) -> list:
    out = []
    for text in TEXTS:
        out += [identifier.classify(text), identifier.rank(text)[:5], identifier.classify(text.encode("utf-8"))]
    return out


def test_the_cached_model_answers_exactly_as_py3langids_own(tmp_path, original):
    for norm in (True, False):
        first = load_identifier(norm_probs=norm, root=tmp_path)  # unpacks and writes the cache
        assert cache_folder(source_model(), tmp_path).is_dir()
        cached = load_identifier(norm_probs=norm, root=tmp_path)  # reads it
        assert answers(first) == answers(cached) == answers(original[norm])


def test_a_second_load_reads_the_cache_without_unpacking_py3langids_file(written, monkeypatch, original):

    def unpack(path):
        raise AssertionError(f"unpacked {path} although a cache exists")

    monkeypatch.setattr(langid_model, "load_model", unpack)
    assert answers(load_identifier(root=written)) == answers(original[True])


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing file", "arrays that do not fit"])
def test_a_damaged_cache_logs_one_line_answers_correctly_and_is_written_again(written, tmp_path, caplog, original, damage):
    root = copy_of(written, tmp_path)
    folder = cache_folder(source_model(), root)
    if damage == "truncated":
        with open(folder / "nextmove.npy", "r+b") as f:
            f.truncate(1000)
    elif damage == "garbage":
        (folder / "ptc.npy").write_bytes(b"not a numpy file at all")
    elif damage == "missing file":
        (folder / "out_feat.npy").unlink()
    else:
        np.save(folder / "classes.npy", np.array(["en", "de"]))
    with caplog.at_level(logging.WARNING, logger="newsflow.core.langid_model"):
        assert answers(load_identifier(root=root)) == answers(original[True])
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "unreadable" in warnings[0].getMessage() and str(folder) in warnings[0].getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newsflow.core.langid_model"):
        assert answers(load_identifier(root=root)) == answers(original[True])
    assert not caplog.records  # rewritten whole


def test_an_unwritable_cache_logs_one_line_and_still_answers(tmp_path, caplog, original):
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the cache folder's parent should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="newsflow.core.langid_model"):
        assert answers(load_identifier(root=blocked / "newsflow")) == answers(original[True])
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "cannot write the language model cache" in warnings[0].getMessage()


def test_a_new_cache_removes_long_unused_ones_and_abandoned_writes_but_not_a_write_in_progress(tmp_path):
    unused = tmp_path / "langid-model-v1-0.3.0-123"
    other_version = tmp_path / "langid-model-v1-0.5.0-456"  # another virtualenv's, in use
    abandoned = tmp_path / ".langid-model-v1-1-2.999.tmp"
    in_progress = tmp_path / ".langid-model-v1-1-2.998.tmp"
    unrelated = tmp_path / "something-else"
    for folder in (unused, other_version, abandoned, in_progress, unrelated):
        folder.mkdir()
    for folder, days in ((unused, 31), (abandoned, 1)):
        then = time.time() - days * 86400
        os.utime(folder, (then, then))
    load_identifier(root=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [cache_folder(source_model(), tmp_path).name, other_version.name, in_progress.name, unrelated.name])


def test_the_cache_is_per_user_and_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "newsflow"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "newsflow"


def test_the_cache_is_named_after_the_py3langid_version_and_model_file_so_virtualenvs_share_it(tmp_path, monkeypatch):
    model = tmp_path / "model.npz.xz"
    model.write_bytes(b"x" * 10)
    before = cache_folder(model, tmp_path / "cache")
    copy = tmp_path / "another-venv" / "model.npz.xz"
    copy.parent.mkdir()
    copy.write_bytes(b"x" * 10)
    assert cache_folder(copy, tmp_path / "cache") == before
    model.write_bytes(b"y" * 11)  # another model file
    assert cache_folder(model, tmp_path / "cache") != before
    model.write_bytes(b"x" * 10)
    monkeypatch.setattr(langid_model.py3langid, "__version__", "9.9.9")  # an upgrade
    assert cache_folder(model, tmp_path / "cache") != before


def test_a_cache_is_known_to_be_there_only_once_it_is_written(tmp_path, written):
    assert not langid_model.is_cached(tmp_path)
    assert langid_model.is_cached(written)


_THREADS_AFTER_PREPARE = (
    "import threading; from newsflow.core.languages import prepare_language_model; prepare_language_model(); "
    "print(sorted(t.name for t in threading.enumerate() if t.name == 'langid-load'))")


@pytest.mark.parametrize("cached, threads", [(False, "['langid-load']"), (True, "[]")])
def test_extraction_unpacks_a_missing_model_ahead_but_leaves_a_cached_one_to_its_first_use(tmp_path, cached, threads):
    # a cached model maps in 0.02 s when a page first needs it; loaded ahead it would only compete
    # with the first page for the CPU (and most pages declare their language)
    if cached:
        load_identifier(root=tmp_path / "newsflow")
    run = subprocess.run([sys.executable, "-c", _THREADS_AFTER_PREPARE], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == threads
