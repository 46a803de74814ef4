"""The index contract (tests/contracts/index_contract.py) on the embedded index (SQLite FTS5).

It runs on every ``make unit``; the same suite runs on Elasticsearch in
tests/integration/test_index_contract.py. What only the embedded index does is in
tests/unit/test_index_embedded.py.
"""

from __future__ import annotations

from contracts.index_contract import IndexContract
from index.embedded import EmbeddedIndex


class TestEmbeddedIndex(IndexContract):
    FOLDS_EXACT_WORDS = True

    @classmethod
    def open_index(cls, request, path) -> EmbeddedIndex:
        ix = EmbeddedIndex(path / "index.db")
        request.addfinalizer(ix.close)
        return ix
