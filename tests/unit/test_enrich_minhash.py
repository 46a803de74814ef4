"""Our MinHash is datasketch's, bit for bit: signatures stored before keep matching new ones."""

from __future__ import annotations

import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from enrich.minhash import lsh_layout, permutations, signature
from enrich.stories import NUM_PERM, shingles

TEXTS = [
    "Vladimir Putin met Kim Jong Un in Vladivostok on Thursday, the Kremlin said.",
    "Le président Emmanuel Macron a reçu jeudi à Paris le chancelier allemand Olaf Scholz.",
    "Erdoğan, Zelenskyy and the U.S. delegation — 12 points in an “unprecedented” deal.",
    "one",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_signature_equals_datasketchs_affine32_minhash_with_seed_1(text):
    items = [s.encode("utf-8") for s in shingles(text)]
    reference = MinHash(num_perm=NUM_PERM)  # datasketch 2: affine32, seed 1
    reference.update_batch(items)
    ours = signature(items, permutations(NUM_PERM))
    assert ours.dtype.name == "uint32"
    assert ours.tolist() == reference.hashvalues.astype("uint32").tolist()


def test_the_signature_of_nothing_is_all_maximal_like_an_empty_minhash():
    empty = MinHash(num_perm=16)
    assert signature([], permutations(16)).tolist() == empty.hashvalues.astype("uint32").tolist()


def test_the_permutations_are_datasketchs():
    a, b = permutations(NUM_PERM)
    ref_a, ref_b = MinHash(num_perm=NUM_PERM).permutations
    assert a.tolist() == ref_a.tolist() and b.tolist() == ref_b.tolist()


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
@pytest.mark.parametrize("num_perm", [64, 128])
def test_the_band_layout_is_the_one_datasketchs_optimiser_chooses(threshold, num_perm):
    assert lsh_layout(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)
