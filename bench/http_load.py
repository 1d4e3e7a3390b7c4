"""HTTP under gunicorn: start ``gunicorn wsgi:app`` on loopback over an index, load it with ``wrk``, stop it.

The load is bounded: a fixed number of connections, each sending its next request when the previous one is
answered, for a fixed duration; with enough connections to keep every worker busy this measures throughput at
saturation, and the latencies include queueing. ``wrk`` runs on the same machine and takes some of its CPU, which is
reported, not hidden. Requests cycle through the benchmark's faceted queries (a Lua script varies the path).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.queries import BenchQuery

WRK = "/usr/bin/wrk"
READY_TIMEOUT = 120.0
LUA = """
local paths = {%s}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  i = (id or 0) * 7919
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,"status_errors":%%d,"connect_errors":%%d,' ..
    '"read_errors":%%d,"write_errors":%%d,"timeouts":%%d,"p50_us":%%d,"p90_us":%%d,"p95_us":%%d,"p99_us":%%d,' ..
    '"max_us":%%d,"mean_us":%%f}\\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def unavailable_reason(repo: Path) -> str | None:
    """Why the HTTP benchmark cannot run here, or ``None``."""
    if not (repo / "wsgi.py").exists():
        return "wsgi.py is not in the repository yet (the Flask app is being built)"
    if not os.access(WRK, os.X_OK):
        return f"{WRK} is not installed"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_path(query: BenchQuery) -> str:
    return "/api/search?" + urllib.parse.urlencode(list(query.args().items(multi=True)))


@contextmanager
def gunicorn(repo: Path, index_dir: Path, port: int, log_path: Path):
    """A running ``gunicorn wsgi:app`` serving ``index_dir``; stopped (and waited for) on exit."""
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    if (repo / "gunicorn.conf.py").exists():
        command += ["--config", str(repo / "gunicorn.conf.py")]
    else:
        command += ["--workers", str(os.cpu_count() or 2)]
    command.append("wsgi:app")
    env = {**os.environ, "SEARCHSVC_INDEX_DIR": str(index_dir)}
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_ready(port: int, process: subprocess.Popen, path: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def check_responses(port: int, paths: list[str]) -> dict:
    """Every path once, sequentially: the warm-up, and a check that the API answers 200 with a JSON total."""
    statuses: dict[int, int] = {}
    for path in paths:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
                json.loads(response.read())["total"]
                statuses[response.status] = statuses.get(response.status, 0) + 1
        except urllib.error.HTTPError as error:
            statuses[error.code] = statuses.get(error.code, 0) + 1
    return statuses


def worker_memory(master_pid: int) -> list[dict]:
    """Each worker's RSS now and at its peak, PSS and private memory (MB): the master's children, from ``/proc``.

    RSS counts every mapped page the worker touched, the shared arrays included; PSS divides each shared page by
    the processes mapping it; private memory is the worker's anonymous memory (heap, Python objects, per-query
    arrays), what one more worker costs. File pages of the shared arrays that only one worker has touched yet count
    as ``Private_Clean`` but are page cache, which the next worker to read them shares: not counted as private.
    """
    workers = []
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return workers
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rollup = _kilobytes(Path(f"/proc/{pid}/smaps_rollup"))
        workers.append({
            "pid": int(pid),
            "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
            "peak_rss_mb": int(fields["VmHWM"].split()[0]) / 1024,
            "pss_mb": rollup.get("Pss", 0) / 1024,
            "private_mb": rollup.get("Anonymous", 0) / 1024,
        })
    return workers


def machine_cpu_seconds() -> float:
    """CPU seconds spent by the whole machine (every process), from ``/proc/stat``."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    busy = sum(int(v) for v in fields[:3]) + sum(int(v) for v in fields[5:8])  # user nice system irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pids: list[int]) -> float:
    """CPU seconds of the given processes (user + system), those that still exist."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(master_pid: int) -> float:
    """CPU seconds of a server's master process (gunicorn's, nginx's) and its workers (those alive now)."""
    return process_cpu_seconds([master_pid, *(worker["pid"] for worker in worker_memory(master_pid))])


@contextmanager
def machine_window(masters: dict[str, int]):
    """What the machine did while the block ran, for beside its wall times (the machine may be shared): the CPU
    seconds of each server (``masters``: name -> master pid; its workers are counted with it), the CPUs every
    process kept busy on average, and the 1-minute load average at the end."""
    window: dict = {}
    started, machine = time.monotonic(), machine_cpu_seconds()
    servers = {name: server_cpu_seconds(pid) for name, pid in masters.items()}
    yield window
    seconds = time.monotonic() - started
    window.update(seconds=round(seconds, 1),
                  cpu_s={name: round(server_cpu_seconds(pid) - servers[name], 2) for name, pid in masters.items()},
                  busy_cpus=round((machine_cpu_seconds() - machine) / seconds, 2),
                  load_average=round(os.getloadavg()[0], 2))


def _kilobytes(path: Path) -> dict[str, int]:
    """``Name: N kB`` lines of a ``/proc`` file as numbers."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return {}
    return {name: int(value.split()[0]) for name, value in (line.split(":", 1) for line in lines if line.endswith("kB"))}


def run_wrk(port: int, paths: list[str], seconds: int, connections: int, threads: int = 1) -> dict:
    lua = LUA % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        completed = subprocess.run(
            [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=seconds + 60, check=True)
    finally:
        os.unlink(script.name)
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line[len("WRK_JSON "):])
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["status_errors"] + raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {
        "connections": connections,
        "seconds": seconds_run,
        "requests": raw["requests"],
        "requests_per_s": raw["requests"] / seconds_run,
        "errors": errors,
        "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000, "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000, "mean_ms": raw["mean_us"] / 1000,
    }


def bench_http(repo: Path, index_dir: Path, queries: list[BenchQuery], seconds: int, log_path: Path) -> dict:
    """Serve ``index_dir``, warm every worker, load it for ``seconds``; throughput, latency and worker memory."""
    paths = [api_path(q) for q in queries]
    port = free_port()
    with gunicorn(repo, index_dir, port, log_path) as process:
        wait_ready(port, process, paths[0])
        workers = worker_memory(process.pid)
        connections = max(4, 4 * len(workers))
        # Sequential pass, then a short concurrent pass, so every worker has opened the index and read the terms.
        statuses = check_responses(port, paths)
        run_wrk(port, paths, max(2, seconds // 5), connections)
        result = run_wrk(port, paths, seconds, connections)
        workers = worker_memory(process.pid)
    return {**result, "workers": len(workers), "worker_memory": workers,
            "max_worker_rss_mb": max((w["rss_mb"] for w in workers), default=None),
            "max_worker_peak_rss_mb": max((w["peak_rss_mb"] for w in workers), default=None),
            "max_worker_pss_mb": max((w["pss_mb"] for w in workers), default=None),
            "max_worker_private_mb": max((w["private_mb"] for w in workers), default=None),
            "warmup_statuses": statuses, "distinct_queries": len(set(paths))}
