"""newsflow: streaming news ingestion shared core (contracts, configuration, bus, front doors)."""

import sys
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsflow")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

# httpx imports its command-line client (httpx._main: rich, pygments and click, all installed here)
# with the library, 0.05 s of every newsflow process's start-up for a tool newsflow never runs.
# A None in sys.modules makes that one import fail, and httpx then defines a stub ``httpx.main``.
sys.modules.setdefault("httpx._main", None)
