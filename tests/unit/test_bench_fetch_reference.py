"""bench/fetch_reference_pages.py unpacks only the pinned archives' test pages, and only inside its folder."""

import hashlib
import importlib.util
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "fetch_reference_pages.py"
_spec = importlib.util.spec_from_file_location("fetch_reference_pages", SCRIPT)
fetch_reference_pages = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fetch_reference_pages  # dataclasses look their module up there
_spec.loader.exec_module(fetch_reference_pages)

PREFIX = "codeberg.org/readeck/go-readability/v2@v2.1.3/"


def _archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for name, data in files.items():
            zipped.writestr(name, data)
    return out.getvalue()


def test_each_test_page_gets_its_source_and_expected_text_and_nothing_else(tmp_path):
    archive = _archive({
        PREFIX + "test-pages/bbc-1/source.html": b"<html>page</html>",
        PREFIX + "test-pages/bbc-1/expected.html": b"<p>text</p>",
        PREFIX + "test-pages/bbc-1/expected-metadata.json": b"{}",
        PREFIX + "readability.go": b"package readability",
        PREFIX + "test-pages/cnn/source.html": b"<html>other</html>",
        PREFIX + "test-pages/cnn/expected.html": b"<p>other</p>",
    })
    count = fetch_reference_pages.unpack(archive, tmp_path, sha256=hashlib.sha256(archive).hexdigest())
    assert count == 2
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        "bbc-1/expected.html", "bbc-1/source.html", "cnn/expected.html", "cnn/source.html"]
    assert (tmp_path / "bbc-1" / "expected.html").read_bytes() == b"<p>text</p>"


def test_a_name_that_climbs_out_of_the_folder_is_not_written(tmp_path):
    archive = _archive({PREFIX + "test-pages/../../evil/source.html": b"x",
                        "test-pages/../source.html": b"x"})
    dest = tmp_path / "dest"
    assert fetch_reference_pages.unpack(archive, dest, sha256=hashlib.sha256(archive).hexdigest()) == 0
    assert not any(tmp_path.rglob("source.html"))


def test_an_archive_that_is_not_the_pinned_one_is_refused(tmp_path):
    archive = _archive({PREFIX + "test-pages/a/source.html": b"x", PREFIX + "test-pages/a/expected.html": b"y"})
    with pytest.raises(ValueError, match="not the pinned"):
        fetch_reference_pages.unpack(archive, tmp_path)
    assert not any(tmp_path.iterdir())


def test_the_command_says_in_one_line_why_it_refused_an_archive(tmp_path):
    bogus = tmp_path / "module.zip"
    bogus.write_bytes(_archive({PREFIX + "test-pages/a/source.html": b"x"}))
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "pages"), "--archive", str(bogus)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "not the pinned" in proc.stderr


NEWSPAPER = "newspaper4k-0.9.6/tests/data/"


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tarred:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tarred.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _unpack_newspaper(archive: bytes, dest: Path) -> int:
    return fetch_reference_pages.unpack(archive, dest, sha256=hashlib.sha256(archive).hexdigest(),
                                        reference_set="newspaper4k")


def test_a_newspaper4k_page_gets_its_source_and_its_text_when_it_has_both(tmp_path):
    archive = _tarball({
        NEWSPAPER + "html/cnn_001.html": b"<html>page</html>",
        NEWSPAPER + "txt/cnn_001.txt": b"The article.",
        NEWSPAPER + "html/sample_rss.html": b"<rss/>",  # no expected text: not a page
        NEWSPAPER + "txt/hindi_article.txt": b"text",  # no page: not a page either
        NEWSPAPER + "metadata/cnn_001.json": b"{}",
        "newspaper4k-0.9.6/newspaper/article.py": b"import re",
    })
    assert _unpack_newspaper(archive, tmp_path) == 1
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        "cnn_001/expected.txt", "cnn_001/source.html"]
    assert (tmp_path / "cnn_001" / "expected.txt").read_bytes() == b"The article."


def test_a_newspaper4k_name_that_climbs_out_of_the_folder_is_not_written(tmp_path):
    archive = _tarball({NEWSPAPER + "html/../../../evil.html": b"x", NEWSPAPER + "txt/../../../evil.txt": b"y",
                        NEWSPAPER + "html/...html": b"x", NEWSPAPER + "txt/...txt": b"y"})
    dest = tmp_path / "dest"
    assert _unpack_newspaper(archive, dest) == 0
    assert not any(tmp_path.rglob("*.html")) and not any(tmp_path.rglob("*.txt"))


def test_the_newspaper4k_set_refuses_any_archive_but_its_pinned_one(tmp_path):
    archive = _tarball({NEWSPAPER + "html/a.html": b"x", NEWSPAPER + "txt/a.txt": b"y"})
    with pytest.raises(ValueError, match="not the pinned"):
        fetch_reference_pages.unpack(archive, tmp_path, sha256=fetch_reference_pages.SETS["newspaper4k"].sha256,
                                     reference_set="newspaper4k")
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "pages"), "--set", "newspaper4k",
                           "--archive", str(_write(tmp_path / "sdist.tar.gz", archive))],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "not the pinned" in proc.stderr
    assert not (tmp_path / "pages").exists()


def test_an_archive_that_is_not_a_tarball_says_so_in_one_line(tmp_path):
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "pages"), "--set", "newspaper4k",
                           "--archive", str(_write(tmp_path / "sdist.tar.gz", b"not gzip"))],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr.strip().count("\n") == 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
