"""``searchsvc serve``'s gunicorn on loopback, with its own worker: slow clients hold no thread, gunicorn's own errors
take the service's shapes, the request line fits the longest accepted query, the access log reads non-ASCII paths."""

from __future__ import annotations

import json
import socket
import urllib.parse

import pytest

from bench.http_load import free_port, gunicorn, wait_ready
from searchsvc.search.params import MAX_QUERY_LENGTH, MAX_QUERY_STRING_BYTES
from conftest import PROJECT

SLOW_CLIENTS = 80  # more than the threads of both workers (2 x 32)


@pytest.fixture(scope="module")
def server(sample_index_dir, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with gunicorn(PROJECT, sample_index_dir, port, log) as process:
        wait_ready(port, process, "/healthz")
        yield port, log


def exchange(port: int, raw: bytes, source: str = "127.0.0.1") -> tuple[int, dict, bytes]:
    """Send ``raw`` as it is, from the loopback address ``source``, and read the whole answer: status, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0)) as sock:
        sock.sendall(raw)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:  # a server that refuses a body it did not read resets after answering
            if not data:
                raise
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def get(port: int, target: str, extra: str = "") -> tuple[int, dict, bytes]:
    return exchange(port, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n".encode("latin-1"))


def test_clients_that_never_finish_their_headers_hold_no_thread(server):
    port, _ = server
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(SLOW_CLIENTS)]
    try:
        for sock in slow:
            sock.sendall(b"GET /api/search HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        status, _, body = get(port, "/api/search?q=giao+ban")
        assert status == 200 and json.loads(body)["total"] > 0
    finally:
        for sock in slow:
            sock.close()


def test_the_longest_accepted_query_reaches_the_app(server):
    port, _ = server
    q = urllib.parse.quote("ộ" * MAX_QUERY_LENGTH)  # three bytes each, nine once percent-encoded
    assert len(q) > 8190  # past gunicorn's own maximum request line
    status, _, body = get(port, f"/api/search?q={q}")
    assert status == 200, body[:200]


@pytest.mark.parametrize("path, media_type", [("/api/search", "application/json"), ("/", "text/html")])
def test_a_request_line_past_the_limit_is_a_414_in_the_service_shape(server, path, media_type):
    port, _ = server
    status, headers, body = get(port, f"{path}?q={'a' * (MAX_QUERY_STRING_BYTES + 2048)}")
    assert status == 414 and headers["content-type"].startswith(media_type)
    if media_type == "application/json":
        assert json.loads(body)["error"]["code"] == "request_uri_too_long"
    else:
        assert "lỗi 414" in body.decode("utf-8")


def test_a_malformed_header_is_a_400_in_the_error_shape(server):
    port, _ = server
    status, headers, body = get(port, "/api/search", extra="Bad Header\r\n")
    assert status == 400 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "bad_request"


def test_a_chunked_body_past_the_limit_is_a_413(server):
    port, _ = server
    chunk = b"x" * 8192
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(9)) + b"0\r\n\r\n"
    status, _, answer = exchange(port, b"GET /api/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                       b"Transfer-Encoding: chunked\r\n\r\n" + body)
    assert status == 413 and json.loads(answer)["error"]["code"] == "request_entity_too_large"


def test_the_access_log_reads_a_vietnamese_path_as_sent(server):
    port, log = server
    get(port, "/articles/" + urllib.parse.quote("bài-không-có"))
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if '"path"' in line]
    assert "/articles/bài-không-có" in [entry["path"] for entry in entries]
