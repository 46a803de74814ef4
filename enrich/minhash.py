"""MinHash signatures and their LSH band layout, computed as datasketch 2 computes them.

``datasketch`` imports its LSH module with the package, and that module imports scipy: half a
second at the start of every enrich process (and of every ``--workers`` process), for one
integral the layout needs once. What stories use of it is small, so it is done here with numpy
alone, bit for bit as datasketch does it (``tests/unit/test_enrich_minhash.py`` checks both
against datasketch): the "affine32" scheme with seed 1, i.e. each shingle's first 4 bytes of
SHA-1 (little-endian), pre-mixed with MurmurHash3's 32-bit finalizer, then ``a * h + b`` mod 2^32
per permutation, the minimum over the shingles. Signatures stored by earlier versions (made by
datasketch) therefore keep matching new ones.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

import numpy as np

SEED = 1  # datasketch's default: the same permutations in every process and run
_MAX = np.uint32(0xFFFFFFFF)  # the value of a signature of nothing


def permutations(num_perm: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` parameters of ``num_perm`` affine permutations (``a`` odd: a bijection)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's finalizer: spreads similar inputs before the affine permutations
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(items: Iterable[bytes], perms: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The MinHash signature (uint32, one value per permutation) of the set of ``items``."""
    a, b = perms
    hashes = np.frombuffer(b"".join(hashlib.sha1(item).digest()[:4] for item in items), dtype="<u4").astype(np.uint32)
    if not len(hashes):
        return np.full(len(a), _MAX, dtype=np.uint32)
    mixed = _fmix32(hashes).reshape(-1, 1)
    return (mixed * a + b).min(axis=0)


@functools.lru_cache(maxsize=None)
def lsh_layout(threshold: float, num_perm: int, false_positive_weight: float = 0.5,
               false_negative_weight: float = 0.5) -> tuple[int, int]:
    """``(bands, rows)`` of the LSH layout that minimises the weighted probabilities of false
    positives and false negatives at ``threshold`` (datasketch's ``MinHashLSH`` optimiser).

    Two sets of similarity ``s`` share a band with probability ``1 - (1 - s**r)**b``, a
    polynomial of degree ``b * r <= num_perm``, so the integrals are computed exactly.
    """
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float)
    bands, rows = pairs[:, :1], pairs[:, 1:]
    # Gauss-Legendre with n points is exact for polynomials up to degree 2n - 1
    x, w = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integral(lo: float, hi: float, candidate: bool) -> np.ndarray:
        """Integral over [lo, hi] of P(a candidate), or of P(no candidate), for every layout."""
        half = (hi - lo) / 2
        s = half * x + (hi + lo) / 2
        shared = 1 - (1 - s**rows) ** bands
        return half * ((shared if candidate else 1 - shared) @ w)

    errors = (integral(0.0, threshold, True) * false_positive_weight
              + integral(threshold, 1.0, False) * false_negative_weight)
    # the first layout of least error, in datasketch's order (bands, then rows, ascending)
    b, r = pairs[int(np.argmin(errors))]
    return int(b), int(r)
