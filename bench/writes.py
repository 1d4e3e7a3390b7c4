"""The write API under gunicorn: bulk throughput, and how long a write takes from its 202 to being searchable.

    python -m bench.writes                      # 2,000 articles in bulk requests of 200, then 40 single PUTs
    python -m bench.writes --articles 5000 --batch 500 --puts 100

A fresh index of the sample corpus is served by ``gunicorn wsgi:app`` (``gunicorn.conf.py``: 2 workers, each with
its task-applier thread). Throughput is articles/s from the first bulk ``POST /api/articles`` to every one of those
tasks ``succeeded`` (enqueueing, fsyncs, extraction, analysis, commits, compaction included). Latency: one ``PUT``
at a time, then ``GET /api/articles/<id>`` every 10 ms until it answers 200; p50 and p95 of 202-to-200.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.http_load import free_port, gunicorn, wait_ready
from searchsvc.index.indexer import index_paths
from searchsvc.ingest.parse import iter_input_files, read_articles
from searchsvc.web.keys import KeyStore

REPO = Path(__file__).resolve().parents[1]


def call(port: int, method: str, path: str, key: str | None = None, body: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def records(count: int, prefix: str) -> list[dict]:
    samples = [a for p in iter_input_files([REPO / "samples"]) for a in read_articles(p)]
    return [{"id": f"{prefix}-{n}", "title": f"{samples[n % len(samples)].title} ({n})",
             "body": samples[n % len(samples)].body, "author": samples[n % len(samples)].byline}
            for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--puts", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        index_dir = Path(folder) / "index"
        index_paths([REPO / "samples"], index_dir)
        key = KeyStore(index_dir).create("bench", rate_per_minute=1_000_000, max_body_bytes=1 << 30)
        port = free_port()
        with gunicorn(REPO, index_dir, port, Path(folder) / "gunicorn.log") as process:
            wait_ready(port, process, "/healthz")
            bulk = records(args.articles, "bulk")
            started = time.monotonic()
            uids = []
            for start in range(0, len(bulk), args.batch):
                body = "\n".join(json.dumps(r, ensure_ascii=False) for r in bulk[start:start + args.batch]).encode()
                status, task = call(port, "POST", "/api/articles", key, body)
                assert status == 202, task
                uids.append(task["uid"])
            acknowledged = time.monotonic() - started
            for uid in uids:
                while call(port, "GET", f"/api/tasks/{uid}")[1]["status"] == "queued":
                    time.sleep(0.02)
            applied = time.monotonic() - started
            latencies = []
            for record in records(args.puts, "put"):
                status, task = call(port, "PUT", f"/api/articles/{record['id']}", key,
                                    json.dumps(record, ensure_ascii=False).encode())
                assert status == 202, task
                sent = time.monotonic()
                while call(port, "GET", f"/api/articles/{record['id']}")[0] != 200:
                    time.sleep(0.01)
                latencies.append(time.monotonic() - sent)
    latencies.sort()
    print(json.dumps({
        "articles": args.articles, "batch": args.batch,
        "acknowledged_per_second": round(args.articles / acknowledged, 1),
        "applied_per_second": round(args.articles / applied, 1),
        "searchable_p50_s": round(statistics.median(latencies), 3),
        "searchable_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "searchable_max_s": round(latencies[-1], 3),
    }))


if __name__ == "__main__":
    main()
