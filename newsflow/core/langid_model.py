"""py3langid's language model, unpacked once per user into plain ``.npy`` files and memory-mapped after that.

py3langid ships its model as an LZMA-compressed npz (4.5 MB, 65 MB unpacked). Unpacking it
took 0.45-0.5 s at every start here, longer than ``newsflow extract`` spends on ten pages; read
from the cache it takes about 0.02 s (the 28 MB probability table and the 39 MB state table
of its tokenizer are mapped, not read: a page touches a few of their pages).

The cache lives in ``$XDG_CACHE_HOME/newsflow`` (``~/.cache/newsflow`` by default), in a
folder named after py3langid's version and its model file's size: the virtualenvs of one user
share it, an upgrade makes a new one, and a cache no process has written for 30 days is removed
when another is written (not sooner: two virtualenvs with different versions would otherwise
remove each other's cache at every start). It is written into a
temporary folder and renamed into place, so a reader never sees half a cache. A cache that cannot
be written (read-only home, full disk) or read (truncated, damaged) costs one log line and the
original model's load time, never a wrong answer: the arrays are the ones py3langid's own loader
returns, and the identifier is py3langid's class built from them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path

import numpy as np
import py3langid
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import load_model

log = logging.getLogger(__name__)

#: bump when the cache layout changes: an old layout is then never read, and is removed
CACHE_FORMAT = 1
_PREFIX = "langid-model-"
# a temporary folder this old was left by a process that died while writing (a few seconds' work)
_ABANDONED_SECONDS = 3600
# a cache of another model this old is taken for one no installation uses any more
_UNUSED_SECONDS = 30 * 86400
# the stdlib array type py3langid uses for an unsigned integer of each size (py3langid.modelio)
_TYPECODE = {2: "H", 4: "I", 8: "L"}


def cache_root() -> Path:
    """Where newsflow caches derived files for this user: ``$XDG_CACHE_HOME/newsflow``, else ``~/.cache/newsflow``."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "newsflow"


def source_model() -> Path:
    """py3langid's own model file."""
    return Path(MODEL_DIR) / MODEL_FILE


def cache_folder(source: Path, root: Path) -> Path:
    """The cache folder for this model file (``OSError`` when it is missing): named after
    py3langid's version and the file's size, so that every installation of one version shares it."""
    version = re.sub(r"[^\w.]+", "_", str(getattr(py3langid, "__version__", "unknown")))
    return root / f"{_PREFIX}v{CACHE_FORMAT}-{version}-{source.stat().st_size}"


def is_cached(root: Path | None = None) -> bool:
    """Whether this user's cache holds the unpacked model (then loading it is cheap: 0.02 s)."""
    try:
        return cache_folder(source_model(), root or cache_root()).is_dir()
    except OSError:
        return False


def load_identifier(norm_probs: bool = True, root: Path | None = None) -> LanguageIdentifier:
    """py3langid's ``LanguageIdentifier`` with its bundled model, from the cache when there is
    one, else unpacked from py3langid's file (and then cached for the next process)."""
    source = source_model()
    folder = cache_folder(source, root or cache_root())
    if folder.is_dir():
        try:
            return _identifier(_read(folder), norm_probs)
        except Exception as exc:  # noqa: BLE001 - a damaged file raises what numpy meets first (OSError, ValueError, EOFError...)
            log.warning("language model cache %s is unreadable (%s: %s): unpacking py3langid's model and "
                        "writing the cache again", folder, type(exc).__name__, exc)
    model = load_model(source)
    try:
        _write(folder, model)
    except OSError as exc:
        log.warning("cannot write the language model cache %s (%s: %s): py3langid's model is unpacked at every "
                    "start (0.5 s)", folder, type(exc).__name__, exc)
    return _identifier(model, norm_probs)


def _identifier(model: tuple, norm_probs: bool) -> LanguageIdentifier:
    # as py3langid's LanguageIdentifier.from_model_file builds it from its loader's tuple
    ptc, pc, classes, nextmove, row, output = model
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=norm_probs, tk_row=row)


def _vector(values: np.ndarray) -> memoryview:
    # what py3langid's tokenizer indexes (a stdlib array there): a memoryview of the same item type
    # indexes as fast, and over the mapped file it needs no copy of the 39 MB state table
    if values.dtype.kind != "u" or values.ndim != 1:
        raise ValueError(f"expected a vector of unsigned integers, found {values.dtype} {values.shape}")
    return memoryview(values).cast("B").cast(_TYPECODE[values.dtype.itemsize])


def _read(folder: Path) -> tuple:
    """The loader's tuple (``py3langid.modelio.load_model``) from a cache folder; ``ValueError``
    when the files do not fit together (the tokenizer would index out of its tables)."""
    ptc = np.load(folder / "ptc.npy", mmap_mode="r")
    pc = np.load(folder / "pc.npy")
    classes = np.load(folder / "classes.npy").tolist()
    nextmove = np.load(folder / "nextmove.npy", mmap_mode="r")
    row = np.load(folder / "nextmove_row.npy")
    output = np.load(folder / "out_feat.npy")
    if not (ptc.ndim == 2 and ptc.shape[1] == len(pc) == len(classes) and len(row) == len(output)
            and nextmove.size and nextmove.size % 256 == 0 and int(row.max()) < nextmove.size // 256
            and int(nextmove.max()) < len(row) and int(output.max()) < ptc.shape[0]):
        raise ValueError("the cached arrays do not fit together")
    return ptc, pc, classes, _vector(nextmove), _vector(row), output.tolist()


def _write(folder: Path, model: tuple) -> None:
    ptc, pc, classes, nextmove, row, output = model
    folder.parent.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    temporary = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        arrays = {"ptc": np.asarray(ptc), "pc": np.asarray(pc), "classes": np.array(classes),
                  "nextmove": np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
                  "nextmove_row": np.frombuffer(row, dtype=f"u{row.itemsize}"),
                  "out_feat": np.asarray(output, dtype=np.int32)}
        for name, values in arrays.items():
            np.save(temporary / f"{name}.npy", values, allow_pickle=False)
        shutil.rmtree(folder, ignore_errors=True)  # a damaged cache being replaced
        try:
            temporary.rename(folder)
        except OSError:
            if not folder.is_dir():  # else another process renamed its complete copy first: as good
                raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _sweep(keep: Path) -> None:
    # caches of other model files (an older py3langid or cache layout) and temporary folders of
    # writers that died: 65 MB each
    for other in keep.parent.glob(f"*{_PREFIX}*"):
        if other.name == keep.name:
            continue
        try:
            age = time.time() - other.stat().st_mtime
        except OSError:
            continue
        if age > (_ABANDONED_SECONDS if other.name.endswith(".tmp") else _UNUSED_SECONDS):
            shutil.rmtree(other, ignore_errors=True)
