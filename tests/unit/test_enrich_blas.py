"""The BLAS under spaCy's NER (``enrich.blas``): chosen by speed, one thread, same entities."""

from __future__ import annotations


import spacy
from thinc.api import NumpyOps
from threadpoolctl import threadpool_info

from enrich.blas import fastest_ops, use_ops
from enrich.model import FALLBACK_MODEL, load_model

TEXT = (
    "Vladimir Putin met Kim Jong Un in Vladivostok on Thursday, the Kremlin said.\n\n"
    "The two leaders discussed rail links between Russia and North Korea, according to the "
    "Korean Central News Agency. Sergei Lavrov and the United Nations envoy Maria Santos were "
    "in the room, and Gazprom and Samsung were named as possible partners."
)


def _entities(nlp) -> list[tuple[str, str, int]]:
    return [(e.text, e.label_, e.start_char) for e in nlp(TEXT).ents]


def test_the_choice_is_thinc_numpy_ops_with_one_blas_thread():
    ops = fastest_ops()
    assert isinstance(ops, NumpyOps)
    assert fastest_ops() is ops  # timed once per process
    blas_pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas_pools and all(pool["num_threads"] == 1 for pool in blas_pools)


def test_the_loaded_ner_model_runs_every_layer_on_the_chosen_ops():
    nlp = load_model()
    ops = fastest_ops()
    assert all(node.ops is ops for node in nlp.get_pipe("ner").model.walk())


def test_blis_and_numpys_blas_find_the_same_entities():
    on_blis = spacy.load(FALLBACK_MODEL, enable=["ner"])
    on_numpy = spacy.load(FALLBACK_MODEL, enable=["ner"])
    use_ops(on_blis, ["ner"], NumpyOps(use_blis=True))
    use_ops(on_numpy, ["ner"], NumpyOps(use_blis=False))

    found = _entities(on_numpy)
    assert found == _entities(on_blis)
    assert ("Vladimir Putin", "PERSON", 0) in found


def test_components_without_a_model_are_left_alone():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    use_ops(nlp, nlp.pipe_names, NumpyOps(use_blis=False))  # no model to switch: no error
    assert [t.is_sent_start for t in nlp("One. Two.")][:3] == [True, False, True]
