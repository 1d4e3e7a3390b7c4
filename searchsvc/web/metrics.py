"""Prometheus metrics at ``/metrics``, summed over gunicorn's worker processes (``prometheus_client`` multiprocess
mode).

``gunicorn.conf.py`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before any worker starts, and drops a dead
worker's live gauges (``child_exit``); without it (tests, a single process) the process's own registry is served.
The index gauges are read when Prometheus scrapes, from the live generation. ``/metrics`` answers only requests from
the machine itself unless ``METRICS_PUBLIC`` is set (and the shipped nginx config never passes it on).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Blueprint, Response, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess)

from searchsvc import config
from searchsvc.index.compaction import generation_bytes
from searchsvc.index.tasks import TaskQueue

bp = Blueprint("metrics", __name__)
LOOPBACK = ("127.0.0.1", "::1")

REQUESTS = Counter("searchsvc_requests_total", "HTTP requests answered, by route and status.", ["route", "status"])
LATENCY = Histogram("searchsvc_request_seconds", "Time to answer a request, by route.", ["route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10))
OVER_BUDGET = Counter("searchsvc_queries_over_budget_total",
                      "Searches stopped at their time budget (answered 400 query_too_expensive).")
TASKS_APPLIED = Counter("searchsvc_tasks_applied_total", "Write tasks applied, by outcome.", ["status"])
ARTICLES_WRITTEN = Counter("searchsvc_indexed_articles_total",
                           "Articles added, replaced or deleted through the write API (its rate: articles/s).")
GENERATION = Gauge("searchsvc_index_generation", "Number of the live index generation (grows with every rebuild "
                   "or compaction).", multiprocess_mode="mostrecent")
ARTICLES = Gauge("searchsvc_articles", "Articles in the live index.", multiprocess_mode="mostrecent")
INDEX_BYTES = Gauge("searchsvc_index_bytes", "Bytes of the live generation's files.", multiprocess_mode="mostrecent")
TASKS_QUEUED = Gauge("searchsvc_tasks_queued", "Write tasks on disk waiting to be applied.",
                     multiprocess_mode="mostrecent")


def count_applied(results: list[dict]) -> None:
    """Count what one batch of write tasks did (called by the task applier)."""
    for result in results:
        TASKS_APPLIED.labels(result["status"]).inc()
        ARTICLES_WRITTEN.inc(result.get("articles", 0))


@bp.get("/metrics")
def metrics():
    if not config.flag(current_app.config["METRICS_PUBLIC"]) and request.remote_addr not in LOOPBACK:
        return Response("Not Found\n", status=404, mimetype="text/plain")
    from searchsvc.web.app import VIEWS_EXTENSION

    index_dir = Path(current_app.config["INDEX_DIR"])
    view = current_app.extensions[VIEWS_EXTENSION].get()
    GENERATION.set(int(view.path.name.split("-")[1]))
    ARTICLES.set(view.doc_count)
    INDEX_BYTES.set(generation_bytes(view.path))
    TASKS_QUEUED.set(len(TaskQueue(index_dir).pending()))
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_app_request
def start_timer():
    g.metrics_started = time.perf_counter()


@bp.after_app_request
def count_request(response):
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(route, str(response.status_code)).inc()
    if "metrics_started" in g:
        LATENCY.labels(route).observe(time.perf_counter() - g.metrics_started)
    if response.status_code == 400 and response.is_json and not response.is_streamed:
        if (response.get_json(silent=True) or {}).get("error", {}).get("code") == "query_too_expensive":
            OVER_BUDGET.inc()
    return response
