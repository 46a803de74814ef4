"""Write ``newsflow.ndjson``: the Kibana saved objects analysts find after ``newsflow setup``.

Run ``python deploy/kibana/build_saved_objects.py`` after editing this file (a test fails when
the NDJSON is stale). The objects are written in the format Kibana 8.x exports (Kibana
migrates them forward on import): a data view on the ``news`` alias, saved searches and a
dashboard of classic aggregation-based visualizations. Every field named here must exist in
``index.es_mapping`` (a test checks it).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("newsflow.ndjson")

DATA_VIEW_ID = "newsflow-news"
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
CORE_VERSION = "8.8.0"


def _search_source(query: str = "", *, with_index: bool = True) -> str:
    source: dict = {"query": {"query": query, "language": "kuery"}, "filter": []}
    if with_index:
        source["indexRefName"] = INDEX_REF
    return json.dumps(source)


def _index_ref() -> list[dict]:
    return [{"id": DATA_VIEW_ID, "name": INDEX_REF, "type": "index-pattern"}]


#: runtime fields of the data view (computed by Elasticsearch at query time, so no reindex is needed):
#: minutes from fetching an article to its indexing, the delay the "Freshness" panel shows
RUNTIME_FIELDS = {
    "freshness_minutes": {"type": "double", "script": {"source": (
        "if (doc['indexed_at'].size() == 0 || doc['fetched_at'].size() == 0) { return; } "
        "emit((doc['indexed_at'].value.toInstant().toEpochMilli() "
        "- doc['fetched_at'].value.toInstant().toEpochMilli()) / 60000.0);")}},
}


def data_view() -> dict:
    """The data view on the alias (reads follow the alias across reindexes)."""
    return {
        "id": DATA_VIEW_ID, "type": "index-pattern", "typeMigrationVersion": "8.0.0", "coreMigrationVersion": CORE_VERSION,
        "attributes": {"title": "news", "name": "newsflow articles", "timeFieldName": "published_at",
                       "runtimeFieldMap": json.dumps(RUNTIME_FIELDS)},
        "references": [],
    }


def saved_search(sid: str, title: str, description: str, query: str, columns: list[str]) -> dict:
    """A Discover search, newest first."""
    return {
        "id": sid, "type": "search", "typeMigrationVersion": "10.5.0", "coreMigrationVersion": CORE_VERSION,
        "attributes": {
            "title": title, "description": description, "columns": columns,
            "sort": [["published_at", "desc"]], "grid": {}, "hideChart": False, "isTextBasedQuery": False,
            "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source(query)},
        },
        "references": _index_ref(),
    }


def _count() -> dict:
    return {"id": "1", "enabled": True, "type": "count", "params": {}, "schema": "metric"}


def top_terms(vid: str, title: str, field: str, size: int = 15) -> dict:
    """A data table of the ``size`` most frequent values of ``field`` (articles per value)."""
    vis = {
        "title": title, "type": "table",
        "aggs": [_count(), {"id": "2", "enabled": True, "type": "terms", "schema": "bucket", "params": {
            "field": field, "orderBy": "1", "order": "desc", "size": size,
            "otherBucket": False, "missingBucket": False, "customLabel": title.removeprefix("Top ")}}],
        "params": {"perPage": size, "showPartialRows": False, "showMetricsAtAllLevels": False, "showTotal": False,
                   "totalFunc": "sum", "percentageCol": "", "autoFitRowToContent": False},
    }
    return _visualization(vid, title, vis)


def _xy_params(kind: str, label: str, *, mode: str, legend: bool) -> dict:
    """The params of a classic XY chart (histogram, line): one category axis over time, one value axis."""
    return {
        "type": kind, "grid": {"categoryLines": False},
        "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": "bottom", "show": True, "style": {},
                          "scale": {"type": "linear"}, "labels": {"show": True, "filter": True, "truncate": 100},
                          "title": {}}],
        "valueAxes": [{"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value", "position": "left", "show": True,
                       "style": {}, "scale": {"type": "linear", "mode": "normal"},
                       "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                       "title": {"text": label}}],
        "seriesParams": [{"show": True, "type": kind, "mode": mode, "data": {"label": label, "id": "1"},
                          "valueAxis": "ValueAxis-1", "drawLinesBetweenPoints": True, "lineWidth": 2,
                          "showCircles": True}],
        "addTooltip": True, "addLegend": legend, "legendPosition": "right", "times": [], "addTimeMarker": False,
        "labels": {"show": False},
        "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
    }


def articles_over_time(vid: str) -> dict:
    """Articles per publication period (the interval follows the dashboard's time range)."""
    title = "Articles over time"
    vis = {
        "title": title, "type": "histogram",
        "aggs": [_count(), {"id": "2", "enabled": True, "type": "date_histogram", "schema": "segment", "params": {
            "field": "published_at", "useNormalizedEsInterval": True, "interval": "auto", "drop_partials": False,
            "min_doc_count": 1, "extended_bounds": {}}}],
        "params": _xy_params("histogram", "Articles", mode="stacked", legend=False),
    }
    return _visualization(vid, title, vis)


def freshness(vid: str) -> dict:
    """Minutes from fetching to indexing (median and 95th percentile) per indexing period."""
    title = "Freshness: minutes from fetching to search"
    vis = {
        "title": title, "type": "line",
        "aggs": [
            {"id": "1", "enabled": True, "type": "percentiles", "schema": "metric",
             "params": {"field": "freshness_minutes", "percents": [50, 95], "customLabel": "minutes"}},
            {"id": "2", "enabled": True, "type": "date_histogram", "schema": "segment", "params": {
                "field": "indexed_at", "useNormalizedEsInterval": True, "interval": "auto", "drop_partials": False,
                "min_doc_count": 1, "extended_bounds": {}}},
        ],
        "params": _xy_params("line", "minutes", mode="normal", legend=True),
    }
    return _visualization(vid, title, vis)


def _visualization(vid: str, title: str, vis: dict) -> dict:
    return {
        "id": vid, "type": "visualization", "typeMigrationVersion": "8.5.0", "coreMigrationVersion": CORE_VERSION,
        "attributes": {"title": title, "description": "", "version": 1, "uiStateJSON": "{}", "visState": json.dumps(vis),
                       "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source()}},
        "references": _index_ref(),
    }


def dashboard(did: str, panels: list[tuple[dict, tuple[int, int, int, int]]]) -> dict:
    """The dashboard: each panel is (saved object, (x, y, w, h)) on Kibana's 48-column grid."""
    panels_json, references = [], []
    for n, (obj, (x, y, w, h)) in enumerate(panels, start=1):
        # Kibana resolves a panel's object through the reference named "<panelIndex>:<panelRefName>"
        ref = f"panel_{n}"
        panels_json.append({"version": "8.7.0", "type": obj["type"], "panelIndex": str(n),
                            "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(n)},
                            "embeddableConfig": {"enhancements": {}}, "panelRefName": ref})
        references.append({"id": obj["id"], "name": f"{n}:{ref}", "type": obj["type"]})
    return {
        "id": did, "type": "dashboard", "typeMigrationVersion": "8.7.0", "coreMigrationVersion": CORE_VERSION,
        "attributes": {
            "title": "newsflow: news overview",
            "description": "Articles over time, the people, organisations, places, sources and keyphrases they name.",
            "panelsJSON": json.dumps(panels_json),
            "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "syncCursor": True,
                                       "syncTooltips": False, "hidePanelTitles": False}),
            "timeRestore": True, "timeFrom": "now-7d", "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 60000},
            "version": 1,
            "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source(with_index=False)},
        },
        "references": references,
    }


def saved_objects() -> list[dict]:
    """Every object, referenced objects before the objects that reference them."""
    latest = saved_search("newsflow-latest-articles", "newsflow: latest articles",
                          "Every article, newest first.", "",
                          ["title", "source", "entity_names.PERSON", "entity_names.ORG", "entity_names.GPE"])
    by_person = saved_search("newsflow-by-person", "newsflow: articles by person",
                             "Articles naming a person: filter entity_names.PERSON on a name "
                             "(canonical spelling, e.g. Kim Jong Un).",
                             "entity_names.PERSON : *", ["title", "entity_names.PERSON", "source"])
    by_org = saved_search("newsflow-by-organization", "newsflow: articles by organization",
                          "Articles naming an organization: filter entity_names.ORG on a name.",
                          "entity_names.ORG : *", ["title", "entity_names.ORG", "source"])
    by_place = saved_search("newsflow-by-place", "newsflow: articles by place",
                            "Articles naming a place (countries and cities, GPE; other locations, LOC).",
                            "entity_names.GPE : * or entity_names.LOC : *",
                            ["title", "entity_names.GPE", "entity_names.LOC", "source"])
    over_time = articles_over_time("newsflow-articles-over-time")
    people = top_terms("newsflow-top-people", "Top people", "entity_names.PERSON")
    orgs = top_terms("newsflow-top-organizations", "Top organizations", "entity_names.ORG")
    places = top_terms("newsflow-top-places", "Top places", "entity_names.GPE")
    sources = top_terms("newsflow-top-sources", "Top sources", "source")
    keyphrases = top_terms("newsflow-top-keyphrases", "Top keyphrases", "keyphrases.raw", size=20)
    fresh = freshness("newsflow-freshness")
    board = dashboard("newsflow-overview", [
        (over_time, (0, 0, 48, 12)),
        (people, (0, 12, 16, 15)), (orgs, (16, 12, 16, 15)), (places, (32, 12, 16, 15)),
        (sources, (0, 27, 16, 15)), (keyphrases, (16, 27, 32, 15)),
        (fresh, (0, 42, 48, 12)),
        (latest, (0, 54, 48, 20)),
    ])
    return [data_view(), latest, by_person, by_org, by_place, over_time, people, orgs, places, sources, keyphrases, fresh,
            board]


def render() -> str:
    """The NDJSON text: one object a line, keys sorted so the file diffs well."""
    return "".join(json.dumps(obj, sort_keys=True, ensure_ascii=False) + "\n" for obj in saved_objects())


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT} ({len(saved_objects())} saved objects)")
