"""newsflow: streaming news ingestion shared core (contracts, configuration, bus, front doors)."""

import sys
# The package's one version (pyproject.toml reads it at build time). A literal, not
# importlib.metadata: that import and the lookup of the installed distribution cost 0.04 s of
# every process's start-up, a tenth of `newsflow extract`'s own.
__version__ = "0.1.0"

# httpx imports its command-line client (httpx._main: rich, pygments and click, all installed here)
# with the library, 0.05 s of every newsflow process's start-up for a tool newsflow never runs.
# A None in sys.modules makes that one import fail, and httpx then defines a stub ``httpx.main``.
sys.modules.setdefault("httpx._main", None)
