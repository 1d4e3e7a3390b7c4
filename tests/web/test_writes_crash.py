"""kill -9 of the whole server at random points of bulk writes: every write answered 202 is applied after the
restart, no task is half applied, and the restarted server needs no repair."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from searchsvc.index.indexer import index_paths
from searchsvc.web.keys import KeyStore

from conftest import PROJECT, SAMPLES

KILL_SEED = 5
KILLS = 10
BATCH = 20
STALL_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(index_dir, port: int) -> subprocess.Popen:
    environment = {**os.environ, "SEARCHSVC_INDEX_DIR": str(index_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(PROJECT / "gunicorn.conf.py"), "--bind",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"],
        cwd=PROJECT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the server did not start")


def call(port: int, method: str, path: str, body: bytes | None = None, key: str | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_kill_9_during_bulk_posts_loses_no_acknowledged_write_and_applies_no_task_in_part(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([SAMPLES], index_dir)
    key = KeyStore(index_dir).create("crash", rate_per_minute=100_000)
    sent: list[list[str]] = []
    acknowledged: dict[int, list[str]] = {}
    rng = random.Random(KILL_SEED)
    for round_number in range(KILLS):
        port = free_port()
        server = serve(index_dir, port)
        stop = threading.Event()

        def post_batches() -> None:
            while not stop.is_set():
                ids = [f"r{round_number}-b{len(sent)}-{n}" for n in range(BATCH)]
                sent.append(ids)
                body = "\n".join(json.dumps({"id": i, "title": f"Tin {i}", "body": "Xã Văn Giáo họp dân."})
                                 for i in ids).encode()
                try:
                    status, answer = call(port, "POST", "/api/articles", body, key)
                except (OSError, http.client.HTTPException):  # the server died mid-answer
                    return
                if status == 202:
                    acknowledged[answer["uid"]] = ids

        poster = threading.Thread(target=post_batches)
        poster.start()
        time.sleep(rng.uniform(0.2, 2.0))
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(30)
        stop.set()
        poster.join(30)
    assert len(acknowledged) >= KILLS, "too few writes were acknowledged before the kills to test anything"

    port = free_port()
    server = serve(index_dir, port)
    try:
        # The backlog is applied in steps; the restarted server fails only if it stops making progress.
        deadline = time.monotonic() + STALL_SECONDS
        pending = set(acknowledged)
        while pending and time.monotonic() < deadline:
            still = {uid for uid in pending if call(port, "GET", f"/api/tasks/{uid}")[1]["status"] == "queued"}
            if len(still) < len(pending):
                deadline = time.monotonic() + STALL_SECONDS
            pending = still
            time.sleep(0.2)
        assert not pending, f"no queued task was applied for {STALL_SECONDS} s after the restart: {sorted(pending)[:5]}"
        for uid in acknowledged:
            assert call(port, "GET", f"/api/tasks/{uid}")[1]["status"] == "succeeded"
        present = {i for ids in sent for i in ids if call(port, "GET", f"/api/articles/{i}")[0] == 200}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            metrics = response.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(30)
    for ids in acknowledged.values():
        assert set(ids) <= present, "an acknowledged write is missing after kill -9"
    for ids in sent:
        assert set(ids) <= present or not set(ids) & present, f"a bulk write was applied in part: {ids[0]}"
    # Both workers' counts, summed: this server applied what was still queued at its start.
    assert 'searchsvc_requests_total{route="/api/articles/<path:article_id>",status="200"}' in metrics
    assert "searchsvc_articles " in metrics
