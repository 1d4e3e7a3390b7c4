"""``/metrics``: what an operator's Prometheus reads, and that the public cannot."""

from __future__ import annotations

import re

import pytest

from searchsvc.web.app import create_app


@pytest.fixture
def metrics_client(sample_index_dir):
    return create_app({"INDEX_DIR": str(sample_index_dir), "TESTING": True, "APPLY_TASKS": False}).test_client()


def value(text: str, name: str, **labels) -> float:
    """The sample ``name{labels}`` of a Prometheus text page (0 when absent)."""
    wanted = ",".join(f'{key}="{label}"' for key, label in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if wanted else ''} (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_requests_latency_and_the_index_are_counted(metrics_client, sample_view):
    before = metrics_client.get("/metrics").get_data(as_text=True)
    metrics_client.get("/api/search", query_string={"q": "tịnh biên"})
    metrics_client.get("/api/search", query_string={"page": "0"})
    response = metrics_client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    for status in ("200", "400"):
        assert value(text, "searchsvc_requests_total", route="/api/search", status=status) == \
            value(before, "searchsvc_requests_total", route="/api/search", status=status) + 1
    assert value(text, "searchsvc_request_seconds_count", route="/api/search") >= 2
    assert value(text, "searchsvc_articles") == sample_view.doc_count
    assert value(text, "searchsvc_index_bytes") > 0
    assert value(text, "searchsvc_tasks_queued") == 0
    for name in ("searchsvc_queries_over_budget_total", "searchsvc_tasks_applied_total",
                 "searchsvc_indexed_articles_total", "searchsvc_index_generation"):
        assert f"# TYPE {name.removesuffix('_total')}" in text


def test_metrics_are_not_served_to_other_machines_unless_configured(metrics_client, sample_index_dir):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert metrics_client.get("/metrics", environ_overrides=outside).status_code == 404
    public = create_app({"INDEX_DIR": str(sample_index_dir), "TESTING": True, "APPLY_TASKS": False,
                         "METRICS_PUBLIC": True}).test_client()
    assert public.get("/metrics", environ_overrides=outside).status_code == 200
