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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.http_load import free_port
from searchsvc.search.params import MAX_QUERY_STRING_BYTES
from searchsvc.web.proxy import BURST_PER_CLIENT, nginx_binary, nginx_command, render_config
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


LONG_QUERY = "?q=" + "a" * (MAX_QUERY_STRING_BYTES + 4096)
# Requests nginx refuses itself, before gunicorn sees them: the request line and headers after the path, the status,
# the code in the JSON error body. {path} is /api/search or /.
REFUSED = {
    "a request line past the buffer": ("GET {path}%s HTTP/1.1\r\nHost: x\r\n" % LONG_QUERY, 414,
                                       "request_uri_too_long"),
    "a header past the buffers": ("GET {path} HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n" % ("b" * 20000), 431,
                                  "request_header_fields_too_large"),
    "no Host": ("GET {path} HTTP/1.1\r\n", 400, "bad_request"),
    "a malformed header": ("GET {path} HTTP/1.1\r\nHost: x\r\nBad Header\r\n", 400, "bad_request"),
    "a body past the limit": ("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n" % (70 * 1024), 413,
                              "request_entity_too_large"),
    "TRACE": ("TRACE {path} HTTP/1.1\r\nHost: x\r\n", 405, "method_not_allowed"),
    "an unknown transfer coding": ("POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n", 501,
                                   "not_implemented"),
}


def refused(port, name, path):
    head, status, code = REFUSED[name]
    answer = exchange(port, (head.format(path=path) + "Connection: close\r\n\r\n").encode("latin-1"))
    return answer, status, code


@pytest.mark.parametrize("name", REFUSED)
def test_nginx_refusals_on_the_api_are_in_the_json_error_shape(port, name):
    (status, headers, body), expected_status, code = refused(port, name, "/api/search")
    assert status == expected_status and headers["server"] == "nginx"
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == code


@pytest.mark.parametrize("name", REFUSED)
def test_nginx_refusals_elsewhere_are_the_vietnamese_page(port, name):
    (status, headers, body), expected_status, _ = refused(port, name, "/")
    assert status == expected_status and headers["content-type"] == "text/html; charset=utf-8"
    assert f"lỗi {expected_status}" in body.decode("utf-8")


@pytest.mark.parametrize("raw, status", [(b"GET /api/se\x01arch HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                                         (b"G@T /api/search HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                                         (b"GET /api/search HTTP/9.1\r\nHost: x\r\n\r\n", 505)])
def test_a_request_line_nginx_cannot_read_gets_the_json_error_shape(port, raw, status):
    # No path is known, and no browser sends such a line: the answer is for a program.
    answer_status, headers, body = exchange(port, raw)
    assert answer_status == status and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"]


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


@pytest.fixture
def lone_nginx():
    """The project's nginx with nothing behind it: the test plays the upstream, or leaves it absent."""
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="searchsvc-nginx-lone-"))
    conf = render_config(run_dir, f"127.0.0.1:{port}", 64 * 1024)
    process = subprocess.Popen(nginx_command(nginx_binary(), run_dir, conf), start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except ConnectionRefusedError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((run_dir / "nginx-error.log").read_text()) from None
                time.sleep(0.1)
        yield port, run_dir
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(run_dir, ignore_errors=True)


def first_bytes(port: int, raw: bytes) -> bytes:
    """What the server sends back to ``raw`` before it closes the connection (nothing, when it resets it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        try:
            return sock.recv(65536)
        except ConnectionResetError:
            return b""


def test_the_service_down_or_stalled_is_a_502_or_504_in_the_service_shapes(lone_nginx):
    port, run_dir = lone_nginx
    status, headers, body = get(port, "/api/search?q=a")
    assert status == 502 and headers["retry-after"] == "1"
    assert json.loads(body)["error"]["code"] == "bad_gateway"
    status, headers, body = get(port, "/")
    assert status == 502 and "lỗi 502" in body.decode("utf-8")
    # A gunicorn that takes connections and never answers; meanwhile a client stalls half-way through its body.
    with socket.socket(socket.AF_UNIX) as upstream:
        upstream.bind(str(run_dir / "gunicorn.sock"))
        os.chmod(run_dir / "gunicorn.sock", 0o777)  # nginx's workers are not root
        upstream.listen(8)
        with ThreadPoolExecutor(2) as pool:
            stalled_upstream = pool.submit(get, port, "/api/search?q=a")
            stalled_body = pool.submit(first_bytes, port, b"POST /api/search HTTP/1.1\r\nHost: x\r\n"
                                                          b"Content-Length: 10\r\n\r\nabc")
            status, headers, body = stalled_upstream.result()
            assert status == 504 and json.loads(body)["error"]["code"] == "gateway_timeout"
            # nginx's 408 is never sent: the connection is closed (reset) without an answer, HTML or other.
            assert stalled_body.result() == b""
