"""The attacks of issue 14, on loopback, against ``searchsvc serve`` (gunicorn alone) and the nginx setup.

    python -m bench.attack                          # every scenario over bench/data/index/gen-10k
    python -m bench.attack --only values flood      # some of them: values, slow, flood, swaps
    python -m bench.attack --index PATH --seconds 30

Scenarios, each bounded in connections and time:

* ``values``: ``/?author=x0&…`` with 10,000 values (about 110 KB of URL), and the most values that fit in the
  accepted query string: status and time of each (median of several), and every worker's RSS before and after each.
* ``slow``: 200 clients that send their request head a line every few seconds and 200 that ask for a large answer
  and never read it (each reopened when the server drops it), while one client runs normal queries one after the
  other: their p50/p99 and failures.
Each latency under attack comes with the same client's latency just before it, without the attack: the machine may
be shared, and the ratio says what the attack costs.

* ``flood``: the most expensive query (the 32 most frequent syllables, 100 per page) sent by 16 concurrent clients for
  ``--seconds``, while one client runs a normal query: its p50/p99, and every status the flood got.
* ``swaps``: 16 threads over every API route, first ``--seconds`` without a swap, then while the live index is
  rebuilt 20 times from one small corpus and another (as ``searchsvc index --rebuild`` does); every answer is compared
  with the serial answer of one of the two, and admission control's 503s are counted in each phase.

Beside each wall time: the server's CPU seconds, the CPUs every process on the machine kept busy, and the load
average (``machine``): on a shared machine a wall time alone does not say what the service did.

Attackers and the normal client use different loopback addresses (127.0.0.x), as different clients would, so
nginx's per-address limits apply to each separately. Results are printed and written to
``bench/results/attack-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from bench.http_load import free_port, gunicorn, machine_window, wait_ready, worker_memory
from searchsvc.web.proxy import nginx_binary

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
RESULTS = REPO / "bench" / "results"
NORMAL = "/api/search?q=h%E1%BB%99i+ngh%E1%BB%8B+tri%E1%BB%83n+khai"
NORMAL_CLIENT = "127.0.0.2"
NORMAL_RATE = 10
FLOOD_CLIENTS = 16
SLOW_HEADERS = 200
SLOW_READERS = 200
SWAPS = 20
SWAP_THREADS = 16
SWAP_ROUTES = (
    "/api/search?q=hoi+nghi", "/api/search?q=ke+hoach&sort=newest&per_page=20",
    "/api/search?date_from=2018-01-01&date_to=2022-12-31&sort=oldest", "/api/facets/locality?q=an",
    "/api/facets/directive?q=ct", "/api/suggest?q=hoi+ng", "/api/directives", "/?q=trien+khai",
    "/directives?sort=date",
)


# --- servers ----------------------------------------------------------------------------------------------------

@contextmanager
def direct_server(index_dir: Path, log_dir: Path):
    """``searchsvc serve``'s gunicorn on a loopback port: (port, {"gunicorn": master pid})."""
    port = free_port()
    with gunicorn(REPO, index_dir, port, log_dir / "gunicorn.log") as process:
        wait_ready(port, process, "/healthz")
        yield port, {"gunicorn": process.pid}


@contextmanager
def nginx_server(index_dir: Path, log_dir: Path):
    """``searchsvc serve --behind-nginx`` on a loopback port: (port, the master pids of gunicorn and nginx)."""
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="searchsvc-attack-nginx-"))
    env = {**os.environ, "SEARCHSVC_INDEX_DIR": str(index_dir)}
    with (log_dir / "serve-nginx.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "searchsvc", "serve", "--behind-nginx", "--port", str(port),
                                    "--run-dir", str(run_dir)], cwd=REPO, env=env, stdout=log, stderr=log)
        try:
            wait_ready(port, process, "/healthz")
            yield port, {name: child_running(process.pid, name) for name in ("gunicorn", "nginx")}
        finally:
            process.terminate()
            process.wait(timeout=60)
            shutil.copy(run_dir / "nginx-error.log", log_dir / "nginx-error.log")
            shutil.rmtree(run_dir, ignore_errors=True)


def child_running(parent: int, program: str) -> int:
    """The pid of ``parent``'s child that runs ``program``: its executable (nginx renames itself ``nginx: master
    process ...``), or the module after ``python -m``."""
    for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        if Path(argv[0].split()[0]).name.rstrip(":") == program or argv[1:3] == ["-m", program]:
            return int(pid)
    raise RuntimeError(f"{program} is not running under {parent}")


def servers(index_dir: Path, log_dir: Path):
    yield "serve", direct_server(index_dir, log_dir)
    if nginx_binary():
        yield "nginx", nginx_server(index_dir, log_dir)


# --- clients ----------------------------------------------------------------------------------------------------

def connection(port: int, source: str, timeout: float = 30.0) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))


def timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    return response.status, (time.perf_counter() - started) * 1000, body


def percentiles(latencies: list[float]) -> dict:
    if not latencies:
        return {"count": 0}
    ordered = sorted(latencies)
    pick = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
    return {"count": len(ordered), "p50_ms": round(pick(0.5), 1), "p99_ms": round(pick(0.99), 1),
            "max_ms": round(ordered[-1], 1)}


def normal_queries(port: int, stop: threading.Event, seconds: float) -> dict:
    """One client sending the normal query ``NORMAL_RATE`` times a second (a busy person, well under nginx's
    per-client rate): latencies, and what did not answer 200."""
    latencies, failures, deadline = [], {}, time.monotonic() + seconds
    conn = connection(port, NORMAL_CLIENT)
    while time.monotonic() < deadline and not stop.wait(1 / NORMAL_RATE):
        try:
            status, ms, _ = timed_get(conn, NORMAL)
        except (OSError, http.client.HTTPException) as error:
            failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
            conn.close()
            conn = connection(port, NORMAL_CLIENT)
            continue
        latencies.append(ms)
        if status != 200:
            failures[str(status)] = failures.get(str(status), 0) + 1
    conn.close()
    return {**percentiles(latencies), "failures": failures}


def rss(master_pid: int) -> list[float]:
    return [round(worker["rss_mb"], 1) for worker in worker_memory(master_pid)]


# --- scenarios --------------------------------------------------------------------------------------------------

def scenario_values(port: int, gunicorn_pid: int, index_dir: Path) -> dict:
    """Too many values, refused; and the most values allowed (ten of each facet, values the index holds), answered:
    the largest search page a request can ask for."""
    from searchsvc.search.postings import ViewCache
    from searchsvc.search.params import MAX_FILTER_VALUES_TOTAL

    view = ViewCache(index_dir).get()
    allowed = [(name, value) for name in ("date", "locality", "author", "directive")
               for value in view.facet_table(name).values[:MAX_FILTER_VALUES_TOTAL // 4]]
    many = "/?" + "&".join(f"author=x{i}" for i in range(10_000))
    fitting = "/?" + "&".join(f"author=x{i}" for i in range(1_200))
    results = {}
    for name, path in (("10000_values", many), ("1200_values", fitting),
                       ("21_values", fitting[:fitting.index("&author=x21")]),
                       (f"{len(allowed)}_values_allowed", "/?" + urllib.parse.urlencode(allowed + [("q", "kế hoạch")]))):
        runs, before = [], rss(gunicorn_pid)
        for _ in range(20):
            conn = connection(port, NORMAL_CLIENT)
            try:
                status, ms, body = timed_get(conn, path)
            finally:
                conn.close()
            runs.append((status, ms, len(body)))
        results[name] = {"url_bytes": len(path), "statuses": sorted({s for s, _, _ in runs}),
                         "median_ms": round(statistics.median(ms for _, ms, _ in runs), 1),
                         "max_ms": round(max(ms for _, ms, _ in runs), 1), "body_bytes": runs[0][2],
                         "worker_rss_mb_before": before, "worker_rss_mb_after": rss(gunicorn_pid)}
    return results


class SlowClients:
    """``SLOW_HEADERS`` clients dripping a request head and ``SLOW_READERS`` never reading a large answer, spread
    over several loopback addresses, each reopened when the server drops it."""

    def __init__(self, port: int):
        self.port, self.stop, self.reopened = port, threading.Event(), {"header": 0, "reader": 0}
        self.sockets: dict[str, list[socket.socket | None]] = {"header": [None] * SLOW_HEADERS,
                                                               "reader": [None] * SLOW_READERS}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, kind: str, number: int) -> socket.socket | None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            sock.bind((f"127.0.1.{number % 20 + 1}", 0))
            sock.connect(("127.0.0.1", self.port))
            if kind == "header":
                sock.sendall(b"GET /api/search?q=giao+ban HTTP/1.1\r\nHost: x\r\n")
            else:
                sock.sendall(b"GET /?per_page=100&q=ke+hoach HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.setblocking(False)
            return sock
        except OSError:
            sock.close()
            return None

    def _alive(self, sock: socket.socket, kind: str) -> bool:
        try:
            if kind == "header":
                sock.send(b"X-Slow: 1\r\n")
                return True
            return sock.recv(1, socket.MSG_PEEK) != b""  # data waiting (unread) or nothing yet: still open
        except BlockingIOError:
            return True
        except OSError:
            return False

    def _run(self) -> None:
        while not self.stop.is_set():
            for kind, sockets in self.sockets.items():
                for number, sock in enumerate(sockets):
                    if sock is None or not self._alive(sock, kind):
                        if sock is not None:
                            sock.close()
                            self.reopened[kind] += 1
                        sockets[number] = self._open(kind, number)
            self.stop.wait(3.0)

    def __enter__(self):
        self.thread.start()
        time.sleep(5)  # every connection open and its request sent
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)
        for sockets in self.sockets.values():
            for sock in sockets:
                if sock is not None:
                    sock.close()

    def open_now(self) -> dict:
        return {kind: sum(sock is not None for sock in sockets) for kind, sockets in self.sockets.items()}


def scenario_slow(port: int, masters: dict[str, int], seconds: float) -> dict:
    with machine_window(masters) as before:
        baseline = normal_queries(port, threading.Event(), seconds / 2)
    with SlowClients(port) as slow, machine_window(masters) as during:
        opened = slow.open_now()
        normal = normal_queries(port, threading.Event(), seconds)
    return {"slow_open": opened, "reopened": dict(slow.reopened), "normal": normal, "normal_before": baseline,
            "machine": during, "machine_before": before}


def expensive_path(index_dir: Path) -> str:
    from searchsvc.search.postings import ViewCache

    view = ViewCache(index_dir).get()
    words = [term.decode() for _, term in view.reader.most_frequent_terms("content_folded", 32)]
    return "/api/search?per_page=100&q=" + "+".join(words)


def scenario_flood(port: int, masters: dict[str, int], path: str, seconds: float) -> dict:
    with machine_window(masters) as before:
        baseline = normal_queries(port, threading.Event(), seconds / 2)
    stop, statuses, lock = threading.Event(), {}, threading.Lock()

    def flood(number: int) -> None:
        conn = connection(port, f"127.0.2.{number + 1}")
        while not stop.is_set():
            try:
                status, _, _ = timed_get(conn, path)
                key = str(status)
            except (OSError, http.client.HTTPException) as error:
                key = type(error).__name__
                conn.close()
                conn = connection(port, f"127.0.2.{number + 1}")
            with lock:
                statuses[key] = statuses.get(key, 0) + 1
        conn.close()

    threads = [threading.Thread(target=flood, args=(n,), daemon=True) for n in range(FLOOD_CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        with machine_window(masters) as during:
            normal = normal_queries(port, stop, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    return {"flood_statuses": statuses, "flood_5xx": sum(n for s, n in statuses.items() if s.startswith("5")),
            "normal": normal, "normal_before": baseline, "machine": during, "machine_before": before}


def scenario_swaps(work: Path, log_dir: Path, seconds: float) -> dict:
    """16 threads over every route of a served index, first for ``seconds`` without a swap (what the same load costs
    on its own), then while it is rebuilt 20 times as ``searchsvc index --rebuild`` does (shared arrays prepared
    before the swap); each answer checked against the serial answers of the two corpora."""
    from bench.generate import write_corpus
    from searchsvc.index.indexer import index_paths
    from searchsvc.search import shared
    from searchsvc.web.app import create_app

    corpora = [work / "first.jsonl", work / "second.jsonl"]
    for seed, corpus in enumerate(corpora, start=1):
        write_corpus(corpus, 150, seed=seed)
    expected = []
    for number, corpus in enumerate(corpora):
        index_paths([corpus], work / f"serial-{number}")
        client = create_app({"INDEX_DIR": str(work / f"serial-{number}"), "TESTING": True}).test_client()
        responses = {route: client.get(route) for route in SWAP_ROUTES}
        expected.append({route: answer(r.status_code, r.get_data()) for route, r in responses.items()})
    live = work / "live"
    index_paths([corpora[0]], live, prepare=shared.prepare)
    phases = {name: {"requests": 0, "refused_503": 0, "cut_short": 0, "5xx": 0, "wrong": 0}
              for name in ("steady", "swapping")}
    counts, examples, lock, stop = phases["steady"], [], threading.Lock(), threading.Event()
    with direct_server(live, log_dir) as (port, masters):
        def hammer(offset: int) -> None:
            conn, turn = connection(port, NORMAL_CLIENT), offset
            while not stop.is_set():
                route = SWAP_ROUTES[turn % len(SWAP_ROUTES)]
                turn += 1
                try:
                    status, _, body = timed_get(conn, route)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = connection(port, NORMAL_CLIENT)
                    continue
                got = answer(status, body)
                with lock:
                    counts["requests"] += 1
                    if status == 503:  # admission control's refusal, with Retry-After: counted apart from errors
                        counts["refused_503"] += 1
                        continue
                    if status == 400 and b"query_too_expensive" in body:  # the budget ran out (JSON or a page)
                        counts["cut_short"] += 1
                        continue
                    counts["5xx"] += status >= 500
                    if got not in (expected[0][route], expected[1][route]):
                        counts["wrong"] += 1
                        examples.append((route, status, body[:200].decode("utf-8", "replace")))
            conn.close()

        threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(SWAP_THREADS)]
        for thread in threads:
            thread.start()
        try:
            with machine_window(masters) as phases["steady"]["machine"]:
                time.sleep(seconds)
            with lock:
                counts = phases["swapping"]
            with machine_window(masters) as counts["machine"]:
                for swap in range(SWAPS):
                    index_paths([corpora[(swap + 1) % 2]], live, rebuild=True, allow_drop=True,
                                prepare=shared.prepare)
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
    return {**phases, "swaps": SWAPS, "threads": SWAP_THREADS, "routes": len(SWAP_ROUTES), "examples": examples[:3]}


def answer(status: int, body: bytes) -> tuple[int, str]:
    """Status and body without the time taken, the one part that differs between two equal answers."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return status, text
    if isinstance(data, dict):
        data.pop("took_ms", None)
    return status, json.dumps(data, ensure_ascii=False, sort_keys=True)


# --- the command ------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default=str(DATA / "index" / "gen-10k"))
    parser.add_argument("--only", nargs="*", default=["values", "slow", "flood", "swaps"])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the slow and flood scenarios")
    args = parser.parse_args(argv)
    index_dir = Path(args.index).resolve()
    if not (index_dir / "current").exists():
        raise SystemExit(f"{index_dir} holds no index; build one with python -m bench.run --quick")
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    log_dir = DATA / "logs" / f"attack-{stamp}"
    log_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {"index": str(index_dir), "started": stamp}
    flood_path = expensive_path(index_dir)
    for name, server in servers(index_dir, log_dir):
        with server as (port, masters):
            timed_get(connection(port, NORMAL_CLIENT), flood_path)  # warm: the posting lists are read once
            here = results[name] = {}
            if "values" in args.only:
                here["values"] = scenario_values(port, masters["gunicorn"], index_dir)
                print(name, "values", json.dumps(here["values"]), flush=True)
            if "slow" in args.only:
                here["slow"] = scenario_slow(port, masters, args.seconds)
                print(name, "slow", json.dumps(here["slow"]), flush=True)
            if "flood" in args.only:
                here["flood"] = scenario_flood(port, masters, flood_path, args.seconds)
                print(name, "flood", json.dumps(here["flood"]), flush=True)
    if "swaps" in args.only:
        with tempfile.TemporaryDirectory() as work:
            results["swaps"] = scenario_swaps(Path(work), log_dir, args.seconds)
        print("swaps", json.dumps(results["swaps"]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"attack-{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
