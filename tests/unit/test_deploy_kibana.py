"""deploy/kibana/newsflow.ndjson: the saved objects analysts find in Kibana.

Checked without Kibana: the NDJSON parses, every reference resolves (dashboard panels ->
visualizations and searches -> data view), and every field the objects name exists in our
index template (index.es_mapping), so no panel shows "field not found" after a deploy.
The importer (newsflow.kibana) is checked against a loopback HTTP server that answers like
Kibana's import API.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from index.es_mapping import template_body
from newsflow.core.config import Settings
from newsflow.kibana import KibanaClient, KibanaError, saved_object_files

ROOT = Path(__file__).resolve().parents[2]
KIBANA_DIR = ROOT / "deploy" / "kibana"
NDJSON = KIBANA_DIR / "newsflow.ndjson"


def _objects() -> list[dict]:
    return [json.loads(line) for line in NDJSON.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return _objects()


@pytest.fixture(scope="module")
def by_id(objects) -> dict[tuple[str, str], dict]:
    return {(o["type"], o["id"]): o for o in objects}


def _of_type(objects, kind: str) -> list[dict]:
    return [o for o in objects if o["type"] == kind]


# --------------------------------------------------------------------------- the file


def test_the_ndjson_is_what_its_builder_writes():
    """Edit deploy/kibana/build_saved_objects.py, then run it: the file must not drift from it."""
    spec = importlib.util.spec_from_file_location("build_saved_objects", KIBANA_DIR / "build_saved_objects.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert NDJSON.read_text(encoding="utf-8") == module.render(), "run: python deploy/kibana/build_saved_objects.py"


def test_every_line_is_a_saved_object_with_a_unique_id(objects):
    assert len(objects) >= 6
    for obj in objects:
        assert {"id", "type", "attributes", "references"} <= obj.keys()
        assert obj["attributes"]["title"]
    assert len({(o["type"], o["id"]) for o in objects}) == len(objects)


def test_the_data_view_is_on_the_alias_with_published_at_as_time_field(objects):
    (view,) = _of_type(objects, "index-pattern")
    assert view["attributes"]["title"] == Settings().es_alias == "news"
    assert view["attributes"]["timeFieldName"] == "published_at"


def test_the_saved_searches_cover_latest_person_organization_place(objects):
    searches = {o["id"]: o["attributes"] for o in _of_type(objects, "search")}
    assert set(searches) == {"newsflow-latest-articles", "newsflow-by-person", "newsflow-by-organization",
                             "newsflow-by-place"}
    assert all(s["sort"] == [["published_at", "desc"]] for s in searches.values())
    assert "entity_names.PERSON" in searches["newsflow-by-person"]["columns"]
    assert "entity_names.ORG" in searches["newsflow-by-organization"]["columns"]
    assert "entity_names.GPE" in searches["newsflow-by-place"]["columns"]


def test_the_dashboard_shows_time_people_organizations_places_sources_keyphrases(objects, by_id):
    (board,) = _of_type(objects, "dashboard")
    panels = json.loads(board["attributes"]["panelsJSON"])
    refs = {r["name"]: r for r in board["references"]}
    fields = set()
    for panel in panels:
        ref = refs[f"{panel['panelIndex']}:{panel['panelRefName']}"]
        obj = by_id[(ref["type"], ref["id"])]
        if obj["type"] == "visualization":
            vis = json.loads(obj["attributes"]["visState"])
            fields |= {agg["params"]["field"] for agg in vis["aggs"] if "field" in agg.get("params", {})}
    assert fields >= {"published_at", "entity_names.PERSON", "entity_names.ORG", "entity_names.GPE", "source",
                      "keyphrases.raw"}


# --------------------------------------------------------------------------- references


def test_every_reference_resolves_to_an_object_of_the_file(objects, by_id):
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in by_id, f"{obj['id']} -> {ref}"


def test_every_dashboard_panel_names_a_reference(objects):
    for board in _of_type(objects, "dashboard"):
        names = {r["name"] for r in board["references"]}
        panels = json.loads(board["attributes"]["panelsJSON"])
        assert panels
        for panel in panels:
            assert f"{panel['panelIndex']}:{panel['panelRefName']}" in names
            assert panel["gridData"]["i"] == panel["panelIndex"]
            assert 0 <= panel["gridData"]["x"] and panel["gridData"]["x"] + panel["gridData"]["w"] <= 48


def test_searches_and_visualizations_read_the_data_view(objects):
    view_id = _of_type(objects, "index-pattern")[0]["id"]
    for obj in _of_type(objects, "search") + _of_type(objects, "visualization"):
        source = json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
        refs = {r["name"]: r for r in obj["references"]}
        ref = refs[source["indexRefName"]]
        assert (ref["type"], ref["id"]) == ("index-pattern", view_id), obj["id"]


# --------------------------------------------------------------------------- fields against the template


def _template_fields() -> tuple[set[str], list[str]]:
    """Every field path of the index template (multi-fields too), and the dynamic templates' path patterns."""
    mappings = template_body(Settings().es_alias)["template"]["mappings"]
    paths: set[str] = set()

    def walk(props: dict, prefix: str) -> None:
        for name, spec in props.items():
            path = prefix + name
            paths.add(path)
            walk(spec.get("properties", {}), path + ".")
            walk(spec.get("fields", {}), path + ".")

    walk(mappings["properties"], "")
    patterns = [m["path_match"] for t in mappings.get("dynamic_templates", []) for m in t.values() if "path_match" in m]
    return paths, patterns


def field_exists(field: str) -> bool:
    paths, patterns = _template_fields()
    return field in paths or any(fnmatch.fnmatchcase(field, p) for p in patterns)


def _kuery_fields(query: str) -> set[str]:
    return set(re.findall(r"([A-Za-z_][\w.]*)\s*:", query))


def named_fields(obj: dict) -> set[str]:
    """The fields a saved object names: time field, columns, sort, query fields, aggregation fields."""
    attrs = obj["attributes"]
    fields: set[str] = set()
    if attrs.get("timeFieldName"):
        fields.add(attrs["timeFieldName"])
    fields |= set(attrs.get("columns", []))
    fields |= {s[0] for s in attrs.get("sort", [])}
    meta = attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
    if meta:
        fields |= _kuery_fields(json.loads(meta).get("query", {}).get("query", ""))
    if "visState" in attrs:
        for agg in json.loads(attrs["visState"])["aggs"]:
            if "field" in agg.get("params", {}):
                fields.add(agg["params"]["field"])
    return fields


def test_every_field_the_objects_name_exists_in_the_index_template(objects):
    named = {f for obj in objects for f in named_fields(obj)}
    runtime = {f for view in _of_type(objects, "index-pattern")
               for f in json.loads(view["attributes"].get("runtimeFieldMap", "{}"))}
    assert {"published_at", "title", "source", "keyphrases.raw", "entity_names.PERSON"} <= named
    assert sorted(f for f in named if not field_exists(f) and f not in runtime) == []


def test_the_freshness_panel_reads_a_runtime_field_from_fetched_at_and_indexed_at(objects, by_id):
    view = _of_type(objects, "index-pattern")[0]
    script = json.loads(view["attributes"]["runtimeFieldMap"])["freshness_minutes"]["script"]["source"]
    assert "indexed_at" in script and "fetched_at" in script
    assert field_exists("indexed_at") and field_exists("fetched_at")
    aggs = json.loads(by_id[("visualization", "newsflow-freshness")]["attributes"]["visState"])["aggs"]
    assert {a["params"]["field"] for a in aggs} == {"freshness_minutes", "indexed_at"}
    board = by_id[("dashboard", "newsflow-overview")]
    panels = json.loads(board["attributes"]["panelsJSON"])
    assert "newsflow-freshness" in {r["id"] for r in board["references"]} and len(panels) == 8


def test_the_field_check_refuses_a_field_the_template_lacks():
    assert field_exists("entity_names.PERSON")  # by the dynamic template entity_names.*
    assert field_exists("title.raw")  # a multi-field
    assert not field_exists("keyphrase")
    assert not field_exists("entities.nonexistent")


# --------------------------------------------------------------------------- the importer


class FakeKibana:
    """A loopback HTTP server answering like Kibana's status and saved-objects import APIs."""

    def __init__(self, *, refuse: bool = False, unavailable_polls: int = 0):
        self.requests: list[dict] = []
        self.refuse = refuse
        self.unavailable_polls = unavailable_polls
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, doc: dict) -> None:
                body = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                if fake.unavailable_polls > 0:
                    fake.unavailable_polls -= 1
                    return self._send(503, {"status": {"overall": {"level": "unavailable"}}})
                self._send(200, {"status": {"overall": {"level": "available"}}})

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                count = len(re.findall(rb'^\{"attributes"', body, re.M))  # one line per object of our NDJSON
                if fake.refuse:
                    return self._send(200, {"success": False, "successCount": count - 1, "errors": [
                        {"id": "x", "type": "visualization", "error": {"type": "missing_references"}}]})
                self._send(200, {"success": True, "successCount": count, "errors": []})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_kibana():
    servers: list[FakeKibana] = []

    def make(**kw) -> FakeKibana:
        servers.append(FakeKibana(**kw))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def test_import_posts_the_ndjson_with_overwrite_and_the_xsrf_header(fake_kibana, objects):
    kibana = fake_kibana()
    client = KibanaClient(kibana.url, username="elastic", password="secret")
    try:
        report = client.import_file(NDJSON)
    finally:
        client.close()
    assert report.success_count == len(objects) and report.errors == []
    (req,) = kibana.requests
    assert req["path"] == "/api/saved_objects/_import?overwrite=true"  # same ids again: replaced, not copied
    assert req["headers"]["kbn-xsrf"]
    assert req["headers"]["Authorization"].startswith("Basic ")
    assert req["headers"]["Content-Type"].startswith("multipart/form-data")
    assert b'name="file"; filename="newsflow.ndjson"' in req["body"]
    assert NDJSON.read_bytes() in req["body"]


def test_an_import_kibana_partly_refuses_is_an_error_naming_the_objects(fake_kibana):
    client = KibanaClient(fake_kibana(refuse=True).url)
    try:
        with pytest.raises(KibanaError, match="visualization/x: missing_references"):
            client.import_file(NDJSON)
    finally:
        client.close()


def test_waiting_for_kibana_polls_until_it_is_available(fake_kibana):
    kibana = fake_kibana(unavailable_polls=2)
    client = KibanaClient(kibana.url)
    try:
        client.wait_available(timeout=30, step=0.05)
    finally:
        client.close()
    assert kibana.unavailable_polls == 0


def test_waiting_for_a_kibana_that_never_answers_gives_up_with_a_clear_error():
    client = KibanaClient("http://127.0.0.1:9", timeout=1)  # discard port: nothing listens
    try:
        with pytest.raises(KibanaError, match="not available after"):
            client.wait_available(timeout=0, step=0.01)
    finally:
        client.close()


def test_saved_object_files_expands_directories_and_refuses_missing_paths(tmp_path):
    assert saved_object_files([KIBANA_DIR]) == [NDJSON]
    with pytest.raises(KibanaError, match="not found"):
        saved_object_files([tmp_path / "missing.ndjson"])
    with pytest.raises(KibanaError, match="no \\*.ndjson"):
        saved_object_files([tmp_path])
