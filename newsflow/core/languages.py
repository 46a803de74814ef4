"""The language of a text, for the stages that need one and get none from the source.

Ingest asks when a page declares no language; enrich asks when an offline record carries
none, since the language chooses the spaCy model (``spacy_models``).
"""

from __future__ import annotations

import functools
import threading
from concurrent.futures import Future

from newsflow.core.langid_model import is_cached, load_identifier

# Two sentences are enough for news prose in the languages checked (de, es, fr, it, nl, pt, ru);
# the cost grows faster than the length (0.13 ms at 200 characters here, 0.32 ms at 400).
_LANGID_CHARS = 200
_LANGID_MIN_CHARS = 40


def detect_language(text: str, min_confidence: float = 0.0) -> str | None:
    """ISO 639-1 code of ``text``'s language by py3langid (a small n-gram model) on its first
    ``_LANGID_CHARS`` characters, or None for a text too short to tell.

    With ``min_confidence`` (0..1), also None when py3langid's normalised probability is lower:
    a short run of names ("Vladimir Putin met Kim Jong Un in Vladivostok.") reads as Slovenian
    at 5%, and a caller that would act on a wrong guess should rather know nothing.
    """
    sample = text[:_LANGID_CHARS]
    if len(sample.strip()) < _LANGID_MIN_CHARS:
        return None
    # one model for every caller (py3langid's module-level one would be a second, uncached load);
    # normalising the probabilities does not change which language ranks first
    code, probability = _normalised_identifier().classify(sample)
    return code if probability >= min_confidence else None


_loading_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _identifier_loading() -> Future:
    # a thread of its own: from its cache (newsflow.core.langid_model) the model maps in 0.02 s,
    # but the first process of a user unpacks py3langid's LZMA file (0.5 s, releasing the GIL),
    # which can then overlap the caller's own start-up (spaCy, the first pages)
    future: Future = Future()

    def load() -> None:
        try:
            future.set_result(load_identifier(norm_probs=True))
        except BaseException as exc:  # noqa: BLE001 - raised again by whoever asks for the model
            future.set_exception(exc)

    threading.Thread(target=load, name="langid-load", daemon=True).start()
    return future


def preload_language_model() -> None:
    """Start loading the model ``detect_language(..., min_confidence)`` uses, in the background,
    so that it is ready (or nearly) by the first call. Idempotent."""
    with _loading_lock:  # lru_cache alone may run the function twice when threads race
        _identifier_loading()


def prepare_language_model() -> None:
    """Start unpacking the model in the background when this user has no cache of it yet (0.5 s,
    overlapping the caller's first pages). A cached model is left to load at its first use
    (0.02 s of mapping and checking): a run over pages that all declare their language, as most
    do, never pays it, and loaded ahead it would only compete for the CPU with the first page."""
    if not is_cached():
        preload_language_model()


def _normalised_identifier():
    preload_language_model()
    return _identifier_loading().result()


def primary_subtag(language: str | None) -> str | None:
    """``"en-GB"`` / ``"en_US"`` / ``"EN"`` -> ``"en"``; None or blank -> None."""
    if not language or not language.strip():
        return None
    return language.strip().replace("_", "-").split("-")[0].lower()
