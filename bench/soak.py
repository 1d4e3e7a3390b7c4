"""Soak the gunicorn service at saturation: faceted queries plus a share of hostile ones, for minutes, on loopback.

    python -m bench.soak                                   # gen-50k if built (else gen-10k), 5 minutes, 30 s slices
    python -m bench.soak --index gen-10k --minutes 0.5 --slice 10
    python -m bench.soak --index /path/to/index --connections 16 --recycle

``gunicorn wsgi:app`` is started over the index (``bench.http_load.gunicorn``) and driven by ``wrk`` in consecutive
slices for the whole duration, each slice with a fixed number of connections that send their next request as soon as
the previous one is answered (saturation; latencies include queueing). Per slice: requests/s, p50/p95/p99/max,
responses that are neither a 2xx nor the 4xx expected of that request, socket errors, and every worker's RSS.

Requests cycle through the benchmark's ``http_faceted`` queries (drawn from the index's own corpus) mixed with a
share of hostile ones (``hostile_requests``): 1,000-character queries, 32+ OR-ed common words, ``a* b* c* ...``,
unbalanced quotes, floods of phrases, excluded words and filter values, unknown parameters, bad pages and dates,
invalid UTF-8. Each request carries the statuses (and error codes) it may be answered with; a hostile query may also
be cut short (``400 query_too_expensive``). ``wrk`` runs one connection per thread, so its Lua ``response()`` knows
which request each response answers and can check it: 5xx, any other unexpected status and socket errors are errors;
an expected 400 is a correct answer.

Workers are not recycled during the soak (``--max-requests 0``) unless ``--recycle`` is given: recycling (every
~10,000 requests in ``gunicorn.conf.py``) would hide a leak, and the point is to see each worker's memory over the
whole run; its growth counts over the second half of the run, once the bounded caches are full. Latency drift is
checked twice: the last slice's p95 against the first's, and the server's CPU per request, which other processes on
a shared machine do not move. A sequential pass (``urllib``, idle server, before and after the load) times every hostile request; its
slowest must stay within ``HOSTILE_BOUND_S`` = ``QUERY_TIME_BUDGET`` plus ``RENDER_ALLOWANCE_S`` for everything
after matching (ranking, snippets, facets, JSON). gunicorn's ``timeout`` (30 s) is only the last resort.

Results are printed and written to ``bench/results/soak-<timestamp>.json`` (git-ignored); the gunicorn log (JSON
access lines) goes to ``bench/data/logs/``, and is read back for the server's own status counts and durations.
"""

from __future__ import annotations

import argparse
import json
import os
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench import http_load
from bench.queries import draw_queries
from searchsvc.search.params import (
    MAX_ANALYZE_LENGTH, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_QUERY_STRING_BYTES,
)
from searchsvc.search.service import QUERY_TIME_BUDGET

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
RESULTS = REPO / "bench" / "results"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
# Everything after matching (ranking one page, snippets, facet counts, JSON) on top of the matching budget.
RENDER_ALLOWANCE_S = 1.0
HOSTILE_BOUND_S = QUERY_TIME_BUDGET + RENDER_ALLOWANCE_S
# Verdict thresholds.
MAX_RSS_GROWTH = 0.05
MAX_P95_DRIFT = 0.25
SLICE_SUMMARY = ("p50_ms", "p95_ms", "p99_ms", "max_ms", "requests_per_s", "server_cpu_ms", "other_cpus",
                 "load_average")
SEQUENTIAL_REPEAT = 3
CUT_SHORT = "query_too_expensive"
# Admission control's refusals under saturation (web.admission): a correct answer, counted apart.
REFUSED = {503: "service_unavailable", 429: "too_many_requests"}
# CPUs other processes may use during a slice before the run is flagged as measured on a busy machine.
QUIET_OTHER_CPUS = 0.1

LUA = r"""
local paths = {%(paths)s}
local accept = {%(accept)s}
local hostile = {%(hostile)s}
local refusals = {%(refusals)s}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  i = (id or 0) * 7919
  cur = 1
  ok, expected_4xx, server_errors, unexpected, cut_short, hostile_sent, refused = 0, 0, 0, 0, 0, 0, 0
  samples = ""
end

function request()
  i = i + 1
  cur = (i %% #paths) + 1
  if hostile[cur] then hostile_sent = hostile_sent + 1 end
  return wrk.format("GET", paths[cur])
end

local function note(status, code)
  if #samples < 2000 then
    samples = samples .. string.format("%%d %%s %%s\n", status, code, string.sub(paths[cur], 1, 120))
  end
end

function response(status, headers, body)
  local code = ""
  if status >= 400 then
    code = string.match(body or "", '"code"%%s*:%%s*"([%%w_]+)"') or ""
    if code == "%(cut)s" then cut_short = cut_short + 1 end
  end
  local allowed = accept[cur][tostring(status)]
  if refusals[tostring(status)] == code then
    refused = refused + 1
  elseif status >= 500 then
    server_errors = server_errors + 1
    note(status, code)
  elseif allowed and (allowed == true or allowed[code]) then
    ok = ok + 1
    if status >= 400 then expected_4xx = expected_4xx + 1 end
  else
    unexpected = unexpected + 1
    note(status, code)
  end
end

function done(summary, latency, requests)
  local t = {ok = 0, expected_4xx = 0, server_errors = 0, unexpected = 0, cut_short = 0, hostile_sent = 0, refused = 0}
  local all_samples = ""
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (thread:get(k) or 0) end
    all_samples = all_samples .. (thread:get("samples") or "")
  end
  local e = summary.errors
  io.write(string.format(
    'SOAK_JSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect_errors":%%d,"read_errors":%%d,' ..
    '"write_errors":%%d,"timeouts":%%d,"p50_us":%%d,"p90_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d,' ..
    '"mean_us":%%f,"ok":%%d,"expected_4xx":%%d,"server_errors":%%d,"unexpected":%%d,"cut_short":%%d,' ..
    '"hostile_sent":%%d,"refused":%%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, t.ok, t.expected_4xx, t.server_errors, t.unexpected, t.cut_short, t.hostile_sent,
    t.refused))
  io.write("SOAK_SAMPLES_BEGIN\n" .. all_samples .. "SOAK_SAMPLES_END\n")
end
"""


@dataclass(frozen=True)
class Probe:
    """One request of the soak and the answers it may get: ``{status: None (any body) or {error codes}}``."""

    kind: str
    path: str
    accept: dict[int, frozenset[str] | None] = field(default_factory=lambda: {200: None})
    hostile: bool = True

    def accepts(self, status: int, code: str | None) -> bool:
        if REFUSED.get(status) == code:
            return True
        if status not in self.accept:
            return False
        codes = self.accept[status]
        return codes is None or code in codes

    def lua_accept(self) -> str:
        parts = []
        for status, codes in sorted(self.accept.items()):
            value = "true" if codes is None else "{" + ", ".join(f"{c}=true" for c in sorted(codes)) + "}"
            parts.append(f'["{status}"]={value}')
        return "{" + ", ".join(parts) + "}"


def _path(route: str, pairs: list[tuple[str, str]]) -> str:
    return route + "?" + urllib.parse.urlencode(pairs)


def _fill(words: list[str], length: int, sep: str = " ") -> str:
    """Words joined by ``sep``, cycled and cut to exactly ``length`` characters."""
    text = ""
    index = 0
    while len(text) < length:
        text += (sep if text else "") + words[index % len(words)]
        index += 1
    return text[:length]


def hostile_requests(common: list[str], marked: list[str], locality_values: list[str]) -> list[Probe]:
    """The hostile share: requests meant to be slow, huge or malformed, each with the answers it may get.

    A query the API must answer may instead be cut short by the time budget (``400 query_too_expensive``): that is
    the budget working. A request the API must refuse gets ``400`` with the documented error code.
    """
    searched = {200: None, 400: frozenset({CUT_SHORT})}
    invalid = {400: frozenset({"invalid_parameter"})}
    unknown = {400: frozenset({"unknown_parameter"})}
    letters = list(string.ascii_lowercase)
    wildcards = [f"{c}*" for c in letters]
    probes = [
        Probe("long_1000_common", _path("/api/search", [("q", _fill(common, MAX_QUERY_LENGTH))]), searched),
        Probe("long_1000_marked", _path("/api/search", [("q", _fill(marked, MAX_QUERY_LENGTH))]), searched),
        Probe("long_1001", _path("/api/search", [("q", _fill(marked, MAX_QUERY_LENGTH + 1))]), invalid),
        Probe("long_1000_no_spaces", _path("/api/search", [("q", "ư" * MAX_QUERY_LENGTH)]), searched),
        Probe("or_32_common", _path("/api/search", [("q", " OR ".join(common[:32]))]), searched),
        Probe("or_fit_common", _path("/api/search", [("q", _fill(common, MAX_QUERY_LENGTH, " OR ")
                                                           .rsplit(" ", 1)[0])]), searched),
        Probe("or_500_letters", _path("/api/search", [("q", " OR ".join(letters[i % 26] for i in range(500)))]),
              invalid),
        Probe("wildcards_a_z", _path("/api/search", [("q", " ".join(wildcards))]), searched),
        Probe("wildcards_1000", _path("/api/search", [("q", _fill(wildcards, MAX_QUERY_LENGTH))]), searched),
        Probe("wildcards_common", _path("/api/search", [("q", " ".join(f"{w}*" for w in common[:40]))]), searched),
        Probe("quote_unbalanced", _path("/api/search", [("q", '"' + " ".join(common[:6]))]), searched),
        Probe("quotes_only", _path("/api/search", [("q", '"' * MAX_QUERY_LENGTH)]), searched),
        Probe("quotes_alternating", _path("/api/search", [("q", _fill([f'"{w}' for w in common], 999))]), searched),
        Probe("phrases_flood", _path("/api/search", [("q", _fill([f'"{a} {b}"' for a, b in zip(common, common[1:])],
                                                                 MAX_QUERY_LENGTH).rsplit(" ", 1)[0])]), searched),
        Probe("excluded_flood", _path("/api/search", [("q", common[0] + " " + _fill([f"-{w}" for w in common],
                                                                                  990))]), searched),
        Probe("excluded_only", _path("/api/search", [("q", " ".join(f"-{w}" for w in common[:32]))]), searched),
        Probe("dates_flood", _path("/api/search", [("q", _fill([f"tháng {m % 12 + 1}/{2015 + m % 10}"
                                                                for m in range(120)], MAX_QUERY_LENGTH))]), searched),
        Probe("directives_flood", _path("/api/search", [("q", _fill([f"chỉ thị {n:02d}/CT-TTg"
                                                                     for n in range(1, 80)], MAX_QUERY_LENGTH))]),
              searched),
        Probe("control_chars", _path("/api/search", [("q", "\x00\x01\t\r\n<script>&=%;\\'\u200b\ufeff" + common[0])]),
              searched),
        Probe("deepest_page", _path("/api/search", [("q", common[0]), ("page", str(MAX_PAGE)),
                                                    ("per_page", str(MAX_PER_PAGE))]), searched),
        Probe("widest_page_all", _path("/api/search", [("per_page", str(MAX_PER_PAGE)), ("sort", "oldest")]),
              searched),
        Probe("filter_flood", _path("/api/search", [("q", common[0])] + [("locality", v) for v in locality_values]
                                    + [("author", f"x{n}") for n in range(100)]), {200: None, 400: None}),
        Probe("unknown_parameter", _path("/api/search", [("q", common[0]), ("debug", "1")]), unknown),
        Probe("unknown_parameters_flood", _path("/api/search", [(f"p{n}", "1") for n in range(200)]), unknown),
        Probe("page_0", _path("/api/search", [("q", common[0]), ("page", "0")]), invalid),
        Probe("page_negative", _path("/api/search", [("q", common[0]), ("page", "-1")]), invalid),
        Probe("page_text", _path("/api/search", [("q", common[0]), ("page", "abc")]), invalid),
        Probe("page_past_max", _path("/api/search", [("q", common[0]), ("page", str(MAX_PAGE + 1))]), invalid),
        Probe("page_huge", _path("/api/search", [("page", "9" * 400)]), invalid),
        Probe("per_page_past_max", _path("/api/search", [("per_page", str(MAX_PER_PAGE + 1))]), invalid),
        Probe("repeated_q", _path("/api/search", [("q", common[0]), ("q", common[1])]), invalid),
        Probe("bad_date", _path("/api/search", [("date_from", "2020-02-30")]), invalid),
        Probe("reversed_dates", _path("/api/search", [("date_from", "2021-01-01"), ("date_to", "2020-01-01")]),
              invalid),
        Probe("bad_sort", _path("/api/search", [("q", common[0]), ("sort", "random")]), invalid),
        Probe("invalid_utf8", "/api/search?q=%FF%FE" + urllib.parse.quote(common[0]),
              {400: frozenset({"invalid_encoding"})}),
        Probe("facet_long_q", _path("/api/facets/directive", [("q", _fill(marked, MAX_QUERY_LENGTH))]),
              {200: None}),
        Probe("analyze_long", _path("/api/analyze", [("text", _fill(marked, MAX_ANALYZE_LENGTH))]), {200: None}),
        Probe("line_past_limit", _path("/api/search", [("q", "a" * MAX_QUERY_STRING_BYTES)]),
              {414: frozenset({"request_uri_too_long"})}),
    ]
    for probe in probes:
        assert probe.path.isascii(), probe.kind
    return probes


def faceted_requests(queries) -> list[Probe]:
    return [Probe("faceted", http_load.api_path(q), {200: None}, hostile=False) for q in queries]


def corpus_paths(index_dir: Path) -> list[Path]:
    """The corpus an index was built from, read from ``bench.run``'s stamp next to it."""
    stamp = index_dir.parent / f"{index_dir.name}.json"
    if stamp.exists():
        corpus = json.loads(stamp.read_text())["key"]["corpus"]
        if corpus.startswith("gen:"):
            _, size, seed, _ = corpus.split(":")
            path = DATA / "corpora" / f"gen-{size}-seed{seed}.jsonl"
            if path.exists():
                return [path]
        if corpus.startswith("shared:"):
            return sorted(SHARED_CORPUS.glob("*.jsonl"))
    raise SystemExit(f"cannot tell which corpus {index_dir} was built from (no bench.run stamp); "
                     "build it with python -m bench.run")


def resolve_index(name: str | None) -> Path:
    if name is None:
        for candidate in ("gen-50k", "gen-10k"):
            path = DATA / "index" / candidate
            if (path / "current").exists():
                return path
        raise SystemExit("no generated index under bench/data/index; build one with python -m bench.run")
    path = Path(name)
    if not path.exists():
        path = DATA / "index" / name
    if not (path / "current").exists():
        raise SystemExit(f"{path} holds no index (no 'current')")
    return path.resolve()


def soak_cpu_seconds(master_pid: int) -> float:
    """CPU of this soak: the gunicorn master and workers, plus this process and its waited-for children (wrk)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (http_load.server_cpu_seconds(master_pid) + own.ru_utime + own.ru_stime + children.ru_utime
            + children.ru_stime)


def other_load(before: tuple[float, float], after: tuple[float, float], seconds: float) -> float:
    """CPUs used by processes other than this soak during a slice (another benchmark skews the latencies).

    A worker restarted during the slice loses its CPU time from the count, so this is an upper bound then.
    """
    machine = after[0] - before[0]
    ours = after[1] - before[1]
    return max(0.0, machine - ours) / seconds if seconds > 0 else 0.0


def wrk_slice(port: int, probes: list[Probe], seconds: float, connections: int) -> dict:
    """One slice of load: ``connections`` wrk threads with one connection each, responses checked in Lua."""
    lua = LUA % {
        "paths": ", ".join(json.dumps(p.path) for p in probes),
        "accept": ", ".join(p.lua_accept() for p in probes),
        "hostile": ", ".join("true" if p.hostile else "false" for p in probes),
        "cut": CUT_SHORT,
        "refusals": ", ".join(f'["{status}"]="{code}"' for status, code in REFUSED.items()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        completed = subprocess.run(
            [http_load.WRK, f"-t{connections}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
             "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=seconds + 120, check=True)
    finally:
        os.unlink(script.name)
    out = completed.stdout
    raw = json.loads(next(line for line in out.splitlines() if line.startswith("SOAK_JSON "))[len("SOAK_JSON "):])
    samples = out.split("SOAK_SAMPLES_BEGIN\n", 1)[1].split("SOAK_SAMPLES_END", 1)[0].strip().splitlines()
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    seconds_run = raw["duration_us"] / 1e6
    return {
        "seconds": seconds_run,
        "requests": raw["requests"],
        "requests_per_s": raw["requests"] / seconds_run,
        "ok": raw["ok"],
        "expected_4xx": raw["expected_4xx"],
        "hostile_sent": raw["hostile_sent"],
        "cut_short": raw["cut_short"],
        "refused": raw["refused"],
        "server_errors": raw["server_errors"],
        "unexpected": raw["unexpected"],
        "socket_errors": socket_errors,
        "socket_detail": {k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")},
        "errors": raw["server_errors"] + raw["unexpected"] + socket_errors,
        "error_samples": samples[:20],
        "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000, "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000, "mean_ms": raw["mean_us"] / 1000,
    }


def sequential_pass(port: int, probes: list[Probe], repeat: int) -> list[dict]:
    """Every probe ``repeat`` times, one at a time, timed from the client: status, error code, slowest seconds."""
    rows = []
    for probe in probes:
        times, answers, server_ms = [], [], []
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe.path}", timeout=60) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
            times.append(time.perf_counter() - started)
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            code = None
            if isinstance(document, dict):
                if isinstance(document.get("error"), dict):
                    code = document["error"].get("code")
                if isinstance(document.get("took_ms"), (int, float)):
                    server_ms.append(document["took_ms"])
            answers.append((status, code))
        rows.append({
            "kind": probe.kind, "hostile": probe.hostile, "path_chars": len(probe.path),
            "statuses": dict(Counter(str(s) for s, _ in answers)),
            "codes": dict(Counter(c for _, c in answers if c)),
            "as_expected": all(probe.accepts(s, c) for s, c in answers),
            "max_s": max(times), "median_s": sorted(times)[len(times) // 2],
            "took_ms_max": max(server_ms) if server_ms else None,
        })
    return rows


def read_access_log(log_path: Path, probes: list[Probe]) -> dict:
    """The server's own view: statuses, the slowest request per kind, and error lines (worker timeouts, tracebacks)."""
    kinds = {}
    for probe in probes:
        kinds[probe.path.split("?", 1)[1] if "?" in probe.path else ""] = probe.kind
    statuses: Counter = Counter()
    slowest: dict[str, float] = {}
    errors = []
    with log_path.open(encoding="utf-8", errors="replace") as log:
        for line in log:
            try:
                entry = json.loads(line)
            except ValueError:
                if "Traceback" in line or "WORKER TIMEOUT" in line:
                    errors.append(line.strip()[:300])
                continue
            if "status" in entry and "duration_ms" in entry:
                statuses[str(entry["status"])] += 1
                kind = kinds.get(entry.get("query") or "", "other")
                slowest[kind] = max(slowest.get(kind, 0.0), entry["duration_ms"])
            elif str(entry.get("level", "")).lower() in ("error", "critical") or "TIMEOUT" in line:
                errors.append(line.strip()[:300])
    return {"statuses": dict(statuses), "slowest_ms_by_kind": dict(sorted(slowest.items(), key=lambda kv: -kv[1])),
            "error_lines": errors[:20], "error_line_count": len(errors)}


def common_words(queries, one_word) -> tuple[list[str], list[str]]:
    """Frequent syllables of the corpus: unmarked (from the faceted queries) and as written (one-word queries)."""
    counts = Counter(w for q in queries for w in q.q.split())
    common = [w for w, _ in counts.most_common(200) if w.isalpha()]
    marked = list(dict.fromkeys(q.q for q in one_word if q.q.isalpha()))
    return common or ["tinh", "bien"], marked or common


def interleave(faceted: list[Probe], hostile: list[Probe], share: float) -> list[Probe]:
    """The request cycle: faceted requests with the hostile ones spread evenly among them at about ``share``."""
    slots = max(len(hostile), round(share / (1 - share) * len(faceted))) if share > 0 else 0
    hostile_cycle = [hostile[i % len(hostile)] for i in range(slots)]
    cycle: list[Probe] = []
    step = len(faceted) / max(len(hostile_cycle), 1)
    next_at, h = 0.0, 0
    for index, probe in enumerate(faceted):
        while h < len(hostile_cycle) and index >= next_at:
            cycle.append(hostile_cycle[h])
            h += 1
            next_at += step
        cycle.append(probe)
    cycle += hostile_cycle[h:]
    return cycle


def fmt_rss(workers: list[dict]) -> str:
    return " ".join(f"{w['pid']}:{w['rss_mb']:.0f}" for w in sorted(workers, key=lambda w: w["pid"]))


def summarize(slices: list[dict], rss_start: list[dict], rss_samples: list[list[dict]], sequential: list[dict],
              warmup: dict, recycle: bool = False) -> dict:
    total = {k: sum(s[k] for s in slices) for k in ("requests", "ok", "expected_4xx", "hostile_sent", "cut_short",
                                                    "refused", "server_errors", "unexpected", "socket_errors",
                                                    "errors")}
    first, last = slices[0], slices[-1]
    per_worker = {}
    for worker in rss_start:
        per_worker[worker["pid"]] = {"start_mb": worker["rss_mb"], "end_mb": None, "max_mb": worker["rss_mb"]}
    for sample in rss_samples:
        for worker in sample:
            entry = per_worker.setdefault(worker["pid"], {"start_mb": worker["rss_mb"], "end_mb": None,
                                                          "max_mb": worker["rss_mb"], "started_during_soak": True})
            entry["end_mb"] = worker["rss_mb"]
            entry["max_mb"] = max(entry["max_mb"], worker["rss_mb"])
            entry["peak_mb"] = worker["peak_rss_mb"]
    final_pids = {w["pid"] for w in rss_samples[-1]} if rss_samples else set()
    # Growth counts over the second half of the run: by then each worker has answered the whole cycle many times and
    # its bounded caches (rare posting lists, up to ``postings.CACHE_BYTES``; remembered query costs) and the pages
    # of the shared arrays it reads are in; what still grows is what would grow without end. From the first slice
    # instead, a worker that was sent fewer of the rare queries early still read as growing while it filled them.
    warm = {w["pid"]: w["rss_mb"] for w in rss_samples[len(rss_samples) // 2 - 1]} if len(rss_samples) > 1 else {}
    for pid, entry in per_worker.items():
        entry["alive_at_end"] = pid in final_pids
        entry["warm_mb"] = warm.get(pid, entry["start_mb"])
        if entry["end_mb"] is not None:
            entry["growth"] = entry["end_mb"] / entry["warm_mb"] - 1
            entry["growth_from_start"] = entry["end_mb"] / entry["start_mb"] - 1
    lasting = [e for pid, e in per_worker.items() if e["alive_at_end"] and not e.get("started_during_soak")]
    worst_growth = max((e["growth"] for e in lasting), default=None)
    p95_drift = last["p95_ms"] / first["p95_ms"] - 1 if first["p95_ms"] else None
    cpu_drift = last["server_cpu_ms"] / first["server_cpu_ms"] - 1 if first["server_cpu_ms"] else None
    hostile_rows = [r for r in sequential if r["hostile"]]
    slowest = max(hostile_rows, key=lambda r: r["max_s"]) if hostile_rows else None
    sequential_mismatch = [r["kind"] for r in sequential if not r["as_expected"]]
    recycled = sorted(pid for pid, e in per_worker.items() if not e["alive_at_end"] or e.get("started_during_soak"))
    checks = {
        "errors == 0": total["errors"] == 0,
        "warm-up answers as expected": warmup["errors"] == 0,
        "sequential hostile answers as expected": not sequential_mismatch,
        f"worker RSS growth over the second half < {MAX_RSS_GROWTH:.0%}": worst_growth is not None
        and worst_growth < MAX_RSS_GROWTH,
        f"last-slice p95 within {MAX_P95_DRIFT:.0%} of first": p95_drift is not None and p95_drift <= MAX_P95_DRIFT,
        f"last-slice server CPU per request within {MAX_P95_DRIFT:.0%} of first": cpu_drift is not None
        and cpu_drift <= MAX_P95_DRIFT,
        f"slowest hostile response <= {HOSTILE_BOUND_S:.1f} s": slowest is not None
        and slowest["max_s"] <= HOSTILE_BOUND_S,
    }
    if not recycle:  # with --recycle, gunicorn restarts workers on purpose
        checks["no worker restarted"] = not recycled
    return {
        **total,
        "hostile_share": total["hostile_sent"] / total["requests"] if total["requests"] else 0.0,
        "requests_per_s": total["requests"] / sum(s["seconds"] for s in slices),
        "first_slice": {k: first[k] for k in SLICE_SUMMARY},
        "last_slice": {k: last[k] for k in SLICE_SUMMARY},
        "p95_drift": p95_drift,
        "server_cpu_drift": cpu_drift,
        "worker_rss": {str(pid): entry for pid, entry in per_worker.items()},
        "worst_rss_growth": worst_growth,
        "workers_restarted": recycled,
        "slowest_hostile": {"kind": slowest["kind"], "seconds": slowest["max_s"],
                            "took_ms": slowest["took_ms_max"]} if slowest else None,
        "hostile_bound_s": HOSTILE_BOUND_S,
        "sequential_mismatch": sequential_mismatch,
        "checks": checks,
        "verdict": "PASS" if all(checks.values()) else "FAIL",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="index name under bench/data/index, or a path (default gen-50k, else gen-10k)")
    parser.add_argument("--minutes", type=float, default=5.0, help="duration of the load (default 5)")
    parser.add_argument("--slice", type=float, default=30.0, help="seconds per measured slice (default 30)")
    parser.add_argument("--connections", type=int, help="concurrent connections (default 4 per worker)")
    parser.add_argument("--hostile-share", type=float, default=0.1, help="share of hostile requests (default 0.1)")
    parser.add_argument("--queries", type=int, default=200, help="faceted queries drawn (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--recycle", action="store_true",
                        help="keep gunicorn.conf.py's max_requests (workers restart; hides slow leaks)")
    args = parser.parse_args(argv)
    if not 0 <= args.hostile_share < 1:
        parser.error("--hostile-share must be in [0, 1)")
    reason = http_load.unavailable_reason(REPO)
    if reason:
        print(f"soak skipped: {reason}")
        return 2

    from searchsvc.search.postings import ViewCache

    index_dir = resolve_index(args.index)
    print(f"index {index_dir}", flush=True)
    view = ViewCache(index_dir).get()
    try:
        drawn = draw_queries(corpus_paths(index_dir), view, count=args.queries, seed=args.seed)
        table = view.facet_table("locality")
        localities = [v for v in table.values][:300]
    finally:
        view.close()
    common, marked = common_words(drawn["http_faceted"], drawn["one_word"])
    faceted = faceted_requests(drawn["http_faceted"])
    hostile = hostile_requests(common, marked, localities)
    cycle = interleave(faceted, hostile, args.hostile_share)
    print(f"{len(faceted)} faceted + {len(hostile)} hostile kinds; cycle of {len(cycle)} requests, "
          f"{sum(p.hostile for p in cycle) / len(cycle):.0%} hostile", flush=True)

    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    log_path = DATA / "logs" / f"soak-{stamp}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = http_load.free_port()
    slices: list[dict] = []
    rss_samples: list[list[dict]] = []
    saved_cmd_args = os.environ.get("GUNICORN_CMD_ARGS")
    if not args.recycle:
        # GUNICORN_CMD_ARGS overrides the config file (and http_load passes the environment on).
        os.environ["GUNICORN_CMD_ARGS"] = ((saved_cmd_args or "") + " --max-requests 0").strip()
    try:
        with http_load.gunicorn(REPO, index_dir, port, log_path) as process:
            http_load.wait_ready(port, process, faceted[0].path)
            workers = http_load.worker_memory(process.pid)
            connections = args.connections or max(4, 4 * len(workers))
            print(f"gunicorn pid {process.pid} on 127.0.0.1:{port}, {len(workers)} workers; "
                  f"{connections} connections; log {log_path}", flush=True)
            # Warm every worker: each request once in order, then a short concurrent pass (also checked).
            before = sequential_pass(port, faceted[:20] + hostile, 1)
            warmup = wrk_slice(port, cycle, max(5.0, min(20.0, args.slice)), connections)
            print(f"warm-up: {warmup['requests']} requests, {warmup['errors']} errors", flush=True)
            sequential = sequential_pass(port, hostile, SEQUENTIAL_REPEAT)
            rss_start = http_load.worker_memory(process.pid)
            index_target = (index_dir / "current").resolve()
            print(f"worker RSS at start (pid:MB): {fmt_rss(rss_start)}\n", flush=True)
            header = (f"{'slice':>5} {'t_s':>6} {'req':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} "
                      f"{'4xx_ok':>6} {'cut':>4} {'5xx':>4} {'unexp':>5} {'sock':>4} {'other':>5} {'load':>5} "
                      f"{'cpu/rq':>6}  worker RSS pid:MB")
            print(header + "\n" + "-" * len(header), flush=True)
            total_seconds = args.minutes * 60
            started = time.monotonic()
            while (elapsed := time.monotonic() - started) < total_seconds - 0.5:
                seconds = min(args.slice, total_seconds - elapsed)
                if seconds < 1:
                    break
                server_before = http_load.server_cpu_seconds(process.pid)
                cpu_before = (http_load.machine_cpu_seconds(), soak_cpu_seconds(process.pid))
                result = wrk_slice(port, cycle, seconds, connections)
                cpu_after = (http_load.machine_cpu_seconds(), soak_cpu_seconds(process.pid))
                result["other_cpus"] = other_load(cpu_before, cpu_after, result["seconds"])
                result["load_average"] = os.getloadavg()[0]
                # What the service itself spent per request: unlike latency, blind to how busy the machine is.
                result["server_cpu_ms"] = ((http_load.server_cpu_seconds(process.pid) - server_before) * 1000
                                           / max(result["requests"], 1))
                result["rss"] = http_load.worker_memory(process.pid)
                result["at_s"] = time.monotonic() - started
                slices.append(result)
                rss_samples.append(result["rss"])
                print(f"{len(slices):>5} {result['at_s']:>6.0f} {result['requests']:>7} "
                      f"{result['requests_per_s']:>7.1f} "
                      f"{result['p50_ms']:>7.1f} {result['p95_ms']:>7.1f} {result['p99_ms']:>7.1f} "
                      f"{result['max_ms']:>7.0f} {result['expected_4xx']:>6} {result['cut_short']:>4} "
                      f"{result['server_errors']:>4} {result['unexpected']:>5} {result['socket_errors']:>4} "
                      f"{result['other_cpus']:>5.2f} {result['load_average']:>5.1f} {result['server_cpu_ms']:>6.2f}  "
                      f"{fmt_rss(result['rss'])}", flush=True)
                for sample in result["error_samples"][:5]:
                    print(f"      ! {sample}", flush=True)
            sequential += sequential_pass(port, hostile, SEQUENTIAL_REPEAT)
            index_replaced = (index_dir / "current").resolve() != index_target or not index_target.exists()
            sequential = _merge_sequential(sequential)
    finally:
        if saved_cmd_args is None:
            os.environ.pop("GUNICORN_CMD_ARGS", None)
        else:
            os.environ["GUNICORN_CMD_ARGS"] = saved_cmd_args
    if not slices:
        print("no slice ran")
        return 2
    warmup_check = {"errors": warmup["errors"] + sum(not r["as_expected"] for r in before)}
    summary = summarize(slices, rss_start, rss_samples, sequential, warmup_check, args.recycle)
    summary["max_other_cpus"] = max(s["other_cpus"] for s in slices)
    summary["index_replaced_during_soak"] = index_replaced
    summary["quiet_machine"] = summary["max_other_cpus"] < QUIET_OTHER_CPUS and not index_replaced
    access = read_access_log(log_path, cycle)
    report = {
        "started": stamp, "index": str(index_dir), "minutes": args.minutes, "slice_s": args.slice,
        "connections": connections, "workers": len(rss_start), "recycle": args.recycle,
        "hostile_share_target": args.hostile_share, "cycle_length": len(cycle),
        "hostile_kinds": [p.kind for p in hostile], "query_time_budget_s": QUERY_TIME_BUDGET,
        "hostile_bound_s": HOSTILE_BOUND_S, "gunicorn_log": str(log_path),
        "warmup": warmup, "warmup_sequential": before, "slices": slices, "sequential": sequential,
        "access_log": access, "summary": summary,
    }
    out = RESULTS / f"soak-{stamp}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_summary(summary, sequential, access)
    print(f"\nwritten {out}")
    return 0 if summary["verdict"] == "PASS" else 1


def _merge_sequential(rows: list[dict]) -> list[dict]:
    """Before- and after-load rows of the same request, folded into one (worst time, all statuses)."""
    merged: dict[str, dict] = {}
    for row in rows:
        seen = merged.get(row["kind"])
        if seen is None:
            merged[row["kind"]] = dict(row)
            continue
        for key in ("statuses", "codes"):
            for k, v in row[key].items():
                seen[key][k] = seen[key].get(k, 0) + v
        seen["as_expected"] = seen["as_expected"] and row["as_expected"]
        seen["max_s"] = max(seen["max_s"], row["max_s"])
        seen["median_s"] = max(seen["median_s"], row["median_s"])
        if row["took_ms_max"] is not None:
            seen["took_ms_max"] = max(seen["took_ms_max"] or 0, row["took_ms_max"])
    return list(merged.values())


def print_summary(summary: dict, sequential: list[dict], access: dict) -> None:
    s = summary
    print(f"\ntotal {s['requests']:,} requests ({s['requests_per_s']:.1f}/s), {s['hostile_sent']:,} hostile "
          f"({s['hostile_share']:.1%}); {s['ok']:,} as expected ({s['expected_4xx']:,} expected 4xx, "
          f"{s['cut_short']:,} cut short by the time budget); {s['refused']:,} refused by admission control "
          f"(503/429 with Retry-After); errors {s['errors']} "
          f"(5xx {s['server_errors']}, unexpected {s['unexpected']}, socket {s['socket_errors']})")
    for name in ("first_slice", "last_slice"):
        f = s[name]
        print(f"{name.replace('_', ' '):>11}: p50 {f['p50_ms']:.1f} ms  p95 {f['p95_ms']:.1f} ms  "
              f"p99 {f['p99_ms']:.1f} ms  max {f['max_ms']:.0f} ms  {f['requests_per_s']:.1f} req/s  "
              f"server CPU {f['server_cpu_ms']:.2f} ms/request  other processes {f['other_cpus']:.2f} CPUs  "
              f"load {f['load_average']:.1f}")
    if s["p95_drift"] is not None:
        print(f"p95 drift last vs first: {s['p95_drift']:+.1%}; server CPU per request: {s['server_cpu_drift']:+.1%}")
    print("worker RSS (MB):")
    for pid, e in s["worker_rss"].items():
        end = f"{e['end_mb']:.1f}" if e["end_mb"] is not None else "-"
        growth = f"{e['growth']:+.1%} ({e['growth_from_start']:+.1%} from start)" if "growth" in e else "-"
        flags = ("" if e["alive_at_end"] else " (gone by the end)") + \
            (" (started during the soak)" if e.get("started_during_soak") else "")
        print(f"  pid {pid}: start {e['start_mb']:.1f}  at half time {e['warm_mb']:.1f}  end {end}  "
              f"max {e['max_mb']:.1f}  growth {growth}{flags}")
    print(f"\nhostile requests, sequential on an idle server ({SEQUENTIAL_REPEAT}x before and after the load), "
          f"bound {HOSTILE_BOUND_S:.1f} s (QUERY_TIME_BUDGET {QUERY_TIME_BUDGET:.1f} s + {RENDER_ALLOWANCE_S:.1f} s):")
    print(f"  {'kind':<26} {'status':<16} {'max_s':>7} {'took_ms':>8}  ok")
    for row in sorted(sequential, key=lambda r: -r["max_s"]):
        statuses = ",".join(f"{k}x{v}" for k, v in row["statuses"].items())
        if row["codes"]:
            statuses += " " + ",".join(row["codes"])
        took = f"{row['took_ms_max']:.0f}" if row["took_ms_max"] is not None else "-"
        print(f"  {row['kind']:<26} {statuses:<16} {row['max_s']:>7.3f} {took:>8}  "
              f"{'yes' if row['as_expected'] else 'NO'}")
    if s["slowest_hostile"]:
        print(f"slowest hostile: {s['slowest_hostile']['kind']} {s['slowest_hostile']['seconds']:.3f} s "
              f"(bound {HOSTILE_BOUND_S:.1f} s)")
    print(f"server access log: statuses {access['statuses']}; slowest under load by kind (ms): "
          + ", ".join(f"{k} {v:.0f}" for k, v in list(access["slowest_ms_by_kind"].items())[:6])
          + f"; error lines {access['error_line_count']}")
    print("\nchecks: " + "; ".join(f"{name}: {'ok' if passed else 'FAILED'}" for name, passed in s["checks"].items()))
    print(f"verdict: {s['verdict']}")
    if not s["quiet_machine"]:
        print(f"warning: not a quiet machine (other processes used up to {s['max_other_cpus']:.2f} CPUs in a slice"
              + ("; the index was replaced during the soak" if s["index_replaced_during_soak"] else "")
              + "): latencies and throughput are skewed")


if __name__ == "__main__":
    sys.exit(main())
