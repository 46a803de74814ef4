"""The one rule for a test whose service or tool is missing: skip it, or fail it under CI.

CI sets NEWSFLOW_REQUIRE_SERVICES=1 (.ci/run), so a broken node or a missing browser cannot
turn into a green run of skipped tests; on a laptop the same test skips and says what to start.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE = "NEWSFLOW_REQUIRE_SERVICES"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it when NEWSFLOW_REQUIRE_SERVICES=1."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason} ({REQUIRE}=1, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)
