"""The production setup, ``searchsvc serve --behind-nginx``, with Debian's real nginx on loopback: slow clients are
held by nginx, limits answer fast in the service's shapes, operational paths stay private."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.http_load import free_port
from searchsvc.search.params import MAX_QUERY_STRING_BYTES
from searchsvc.web.proxy import BURST_PER_CLIENT, nginx_binary
from conftest import PROJECT
from test_serving import exchange, get

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (apt-get install nginx)")


@pytest.fixture(scope="module")
def port(sample_index_dir):
    port = free_port()
    # nginx's workers drop root: the run folder must be reachable by them, which pytest's own folders are not.
    run_dir = Path(tempfile.mkdtemp(prefix="searchsvc-nginx-test-"))
    log = (run_dir / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "searchsvc", "serve", "--behind-nginx", "--port", str(port), "--run-dir", str(run_dir),
         "--index-dir", str(sample_index_dir)], cwd=PROJECT, start_new_session=True, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((run_dir / "serve.log").read_text()) from None
                time.sleep(0.3)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
        shutil.rmtree(run_dir, ignore_errors=True)


def test_a_search_is_answered_through_nginx(port):
    status, headers, body = get(port, "/api/search?q=giao+ban")
    assert status == 200 and headers["server"] == "nginx"
    assert json.loads(body)["total"] > 0


def test_metrics_are_not_served_to_the_public_side(port):
    status, headers, body = get(port, "/metrics")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "lỗi 404" in body.decode("utf-8")


def test_a_body_past_the_limit_is_a_413_in_the_error_shape(port):
    status, headers, body = get(port, "/api/search", extra=f"Content-Length: {70 * 1024}\r\n")
    assert status == 413 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "request_entity_too_large"


def test_a_request_line_past_the_limit_is_refused_by_nginx(port):
    status, headers, _ = get(port, f"/?q={'a' * (MAX_QUERY_STRING_BYTES + 4096)}")
    assert status == 414 and headers["server"] == "nginx"


def test_a_client_past_its_request_rate_gets_429_in_the_error_shape_with_retry_after(port):
    statuses, refused = [], None
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        stream = sock.makefile("rb")
        for _ in range(BURST_PER_CLIENT + 60):
            sock.sendall(b"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
            status_line = stream.readline()
            headers = {}
            while (line := stream.readline()) != b"\r\n":
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            statuses.append(int(status_line.split()[1]))
            if statuses[-1] == 429 and refused is None:
                refused = (headers, body)
    assert 429 in statuses and 200 in statuses
    headers, body = refused
    assert headers["retry-after"] == "1" and json.loads(body)["error"]["code"] == "too_many_requests"


def test_clients_that_never_finish_their_headers_are_held_by_nginx(port):
    # Each client its own loopback address, as different clients would be: the per-address limits stay out of it.
    slow = [socket.create_connection(("127.0.0.1", port), source_address=(f"127.0.3.{n % 50 + 1}", 0))
            for n in range(200)]
    try:
        for sock in slow:
            sock.sendall(b"GET /api/search HTTP/1.1\r\nHost: x\r\n")
        status, _, body = exchange(port, b"GET /api/search?q=giao+ban HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                   source="127.0.4.1")
        assert status == 200 and json.loads(body)["total"] > 0
    finally:
        for sock in slow:
            sock.close()
