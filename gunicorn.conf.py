"""gunicorn settings for ``searchsvc serve`` (``gunicorn --config gunicorn.conf.py wsgi:app``), sized for 2 cores.

A search is numpy work that mostly holds the GIL, so parallelism comes from processes: one worker per core. The
workers map the same per-generation arrays (``searchsvc/search/shared.py``), so a worker adds only its own heap
and a small cache of rare terms. Threads are many and cheap because clients can be slow: the worker
(``searchsvc.web.worker``) reads each request head in its event loop and bounds every read and write, while
admission control (``web.admission``) lets only four requests per worker search at once. Behind nginx
(``searchsvc serve --behind-nginx``) the same settings apply; nginx then absorbs slow clients before they reach
gunicorn.
"""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from gunicorn.glogging import Logger

from searchsvc.web.app import JsonFormatter
from searchsvc.web.worker import MAX_REQUEST_LINE

bind = "127.0.0.1:8000"
# Find wsgi.py from any working directory, without changing it (a relative --index-dir stays relative to it).
pythonpath = str(Path(__file__).resolve().parent)
workers = 2
worker_class = "searchsvc.web.worker.HeadFirstWorker"
threads = 32
# Connections each worker holds open, kept-alive and half-sent ones included; past it the kernel's backlog waits.
worker_connections = 1000
backlog = 256
# A search is at most a second or two even on the whole corpus; a worker stuck far longer is restarted.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow growth in memory cannot pile up; rarely, since the 5-minute soak showed
# flat worker memory and each restart costs a cold cache (about 20 minutes at saturation on 2 cores).
max_requests = 200000
max_requests_jitter = 20000
# A 1,000-character Vietnamese query is up to 9,000 bytes percent-encoded, past gunicorn's 8,190 maximum: the
# worker raises that maximum to fit the longest query string the app accepts. (0 would mean no limit at all.)
limit_request_line = MAX_REQUEST_LINE
accesslog = "-"
errorlog = "-"


class JsonLogger(Logger):
    """Access and error log lines as JSON objects, escaped properly (a format string cannot escape quotes in a URL)."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "remote": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD"),
            # WSGI hands the path over as bytes read as Latin-1: read them again as the UTF-8 the client sent.
            "path": environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "backslashreplace"),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "referer": environ.get("HTTP_REFERER"),
        }
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
        except Exception:
            self.exception("could not write the access log")


logger_class = JsonLogger


def on_starting(server):
    """A fresh folder for the workers' Prometheus metrics (``searchsvc/web/metrics.py``), before any worker forks."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="searchsvc-metrics-")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


def child_exit(server, worker):
    """A dead worker's gauges stop counting; its counters stay summed in."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
