"""Which BLAS runs the matrix products of spaCy's NER: thinc's bundled BLIS or numpy's OpenBLAS.

thinc computes every layer of a CPU pipeline with BLIS (``NumpyOps(use_blis=True)``), and
those products are about a third of NER's time. BLIS picks its kernels by CPU model; on a CPU
it has no tuned kernel for (the AMD EPYC of our build machines) it is three times slower than
the OpenBLAS that numpy ships (a 14,000 x 288 by 288 x 288 product: 178 ms against 55 ms, one
thread each), and spaCy with numpy's BLAS ran 1.5x the articles per second on real pages, with
the same entities. On a CPU where BLIS is the faster one it stays.

The choice is made once per process by timing both on a product of NER's shape. Both run on
one thread: spaCy's other work is single-threaded, and enrichment scales by processes
(``--workers``), which a BLAS spawning a thread per core would fight over the cores.
"""

from __future__ import annotations

import functools
import logging
import time

import numpy as np
from spacy.language import Language
from thinc.api import NumpyOps, Ops
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

# NER's widest products in the small models: tokens x (3 pieces x 96 width) by 288 x 288
_PROBE_SHAPE = (1024, 288, 288)
_PROBE_ROUNDS = 5
# BLIS keeps the work unless numpy's BLAS is clearly faster (timings of a loaded machine jitter)
_MIN_GAIN = 1.2


def _best_time(ops: Ops, x: np.ndarray, w: np.ndarray) -> float:
    best = float("inf")
    for _ in range(_PROBE_ROUNDS):
        started = time.perf_counter()
        ops.gemm(x, w, trans2=True)
        best = min(best, time.perf_counter() - started)
    return best


@functools.lru_cache(maxsize=1)
def fastest_ops() -> Ops:
    """thinc ops on the faster BLAS of this machine (see the module doc), BLAS limited to one thread."""
    threadpool_limits(limits=1, user_api="blas")
    rows, inner, cols = _PROBE_SHAPE
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rows, inner), dtype=np.float32)
    w = rng.standard_normal((cols, inner), dtype=np.float32)
    blis_ops, numpy_ops = NumpyOps(use_blis=True), NumpyOps(use_blis=False)
    blis_time, numpy_time = _best_time(blis_ops, x, w), _best_time(numpy_ops, x, w)
    chosen = numpy_ops if blis_time > _MIN_GAIN * numpy_time else blis_ops
    log.info("NER matrix products on %s (BLIS %.1f ms, numpy's BLAS %.1f ms per probe)",
             "numpy's BLAS" if chosen is numpy_ops else "BLIS", blis_time * 1e3, numpy_time * 1e3)
    return chosen


def use_ops(nlp: Language, components: list[str], ops: Ops) -> None:
    """Run the models of ``components`` of ``nlp`` on ``ops`` (every layer of each model)."""
    for name in components:
        model = getattr(nlp.get_pipe(name), "model", None)
        if model is None:
            continue
        for node in model.walk():
            node.ops = ops
