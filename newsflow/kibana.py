"""Import Kibana saved objects (data view, searches, dashboard) over Kibana's HTTP API.

``newsflow setup --kibana-url URL`` uses this so analysts find the dashboards ready. The
import is ``POST /api/saved_objects/_import?overwrite=true`` with the NDJSON file as
multipart ``file``: the objects keep their ids, so importing again replaces them in place
(idempotent) instead of adding copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_random_exponential


class KibanaError(RuntimeError):
    """Kibana did not answer, or refused some saved objects."""


class _NotYet(Exception):
    """Kibana is not available yet (the message says what it answered)."""


@dataclass
class ImportReport:
    """What one import did: objects written, and Kibana's error entries (empty on success)."""

    file: Path
    success_count: int
    errors: list[dict] = field(default_factory=list)


def saved_object_files(paths: list[Path]) -> list[Path]:
    """The NDJSON files named by ``paths``: files as given, directories as their ``*.ndjson``, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.ndjson"))
            if not found:
                raise KibanaError(f"no *.ndjson saved objects in {path}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise KibanaError(f"saved objects not found: {path}")
    return files


class KibanaClient:
    """The few Kibana API calls setup needs, with the Elasticsearch credentials of the settings."""

    def __init__(self, url: str, *, username: str | None = None, password: str | None = None,
                 api_key: str | None = None, ca_certs: str | None = None, timeout: float = 60.0):
        headers = {"kbn-xsrf": "newsflow-setup"}  # Kibana refuses writes without it
        auth = None
        if api_key:
            headers["Authorization"] = f"ApiKey {api_key}"
        elif username:
            auth = httpx.BasicAuth(username, password or "")
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, headers=headers, auth=auth, timeout=timeout,
                                  verify=ca_certs if ca_certs else True)

    def wait_available(self, timeout: float, step: float = 2.0) -> None:
        """Block until ``/api/status`` says ``available`` (Kibana answers 503 while it starts)."""
        def available() -> None:
            try:
                resp = self._http.get("/api/status")
                if resp.status_code != 200:
                    raise _NotYet(f"HTTP {resp.status_code}")
                level = resp.json().get("status", {}).get("overall", {}).get("level")
            except (httpx.HTTPError, ValueError) as exc:
                raise _NotYet(f"{type(exc).__name__}: {exc}") from exc
            if level != "available":
                raise _NotYet(f"status {level!r}")

        # pauses random up to ``step`` (jitter: several setups do not knock in step)
        try:
            Retrying(stop=stop_after_delay(timeout), wait=wait_random_exponential(multiplier=step / 2, max=step),
                     retry=retry_if_exception_type(_NotYet), reraise=True)(available)
        except _NotYet as last:
            raise KibanaError(f"Kibana at {self.url} is not available after {timeout:.0f} s ({last})") from None

    def import_file(self, path: Path) -> ImportReport:
        """Import one NDJSON file, overwriting objects with the same ids; raise when any was refused."""
        with path.open("rb") as fh:
            try:
                resp = self._http.post("/api/saved_objects/_import", params={"overwrite": "true"},
                                       files={"file": (path.name, fh, "application/ndjson")})
            except httpx.HTTPError as exc:
                raise KibanaError(f"importing {path} into {self.url}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise KibanaError(f"Kibana refused {path}: HTTP {resp.status_code}: {resp.text[:500]}")
        body = resp.json()
        report = ImportReport(path, int(body.get("successCount", 0)), list(body.get("errors") or []))
        if not body.get("success", False) or report.errors:
            details = "; ".join(f"{e.get('type')}/{e.get('id')}: {e.get('error', {}).get('type', e.get('error'))}"
                                for e in report.errors[:10])
            raise KibanaError(f"Kibana imported {report.success_count} object(s) of {path} and refused "
                              f"{len(report.errors)}: {details}")
        return report

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()
