"""Build the corpora and run every benchmark: indexing, warm queries against SQLite FTS5, HTTP, known-item quality.

    python -m bench.run                                  # 10k, 50k, 200k generated articles + ../shared/corpus
    python -m bench.run --sizes 10000 --no-http          # one size, no server
    python -m bench.run --quick                          # 10k only, one repetition, short HTTP run

Corpora, indexes and baseline databases are cached under ``bench/data/`` (git-ignored). An index is rebuilt, and
its indexing measured again, whenever the code under ``searchsvc/`` or the corpus changes (or with ``--reindex``).
Results are printed as tables and written to ``bench/results/<timestamp>.json`` and ``.md``.

Query timings are warm and single-threaded: every query runs once on both engines before timing starts, then each
class is timed ``--repeat`` times over the same queries and each percentile is the median over the repetitions.
Ratios compare our engine with SQLite measured in the same run, on the same machine, over the same articles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from bench import baseline as baseline_db
from bench import http_load
from bench.generate import write_corpus
from bench.queries import KINDS, BenchQuery, draw_queries

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
RESULTS = REPO / "bench" / "results"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_SIZES = (10_000, 50_000, 200_000)


@dataclass(frozen=True)
class Dataset:
    name: str
    paths: tuple[Path, ...]
    signature: str


# The code that decides what an index holds; query-side modules (search/, web/) do not change a built index.
INDEX_CODE = ("article.py", "text", "ingest", "index")


def code_stamp() -> str:
    """A hash of the code that writes the index: an index built by other code is rebuilt (and its speed measured)."""
    digest = hashlib.sha1()
    package = REPO / "searchsvc"
    paths = [package / name for name in INDEX_CODE]
    for path in sorted(p for top in paths for p in ([top] if top.is_file() else top.rglob("*.py"))):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def machine() -> dict:
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), "0")
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = None
    import sqlite3
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
            "git_commit": commit, "code_stamp": code_stamp()}


def generated_dataset(size: int, seed: int) -> Dataset:
    path = DATA / "corpora" / f"gen-{size}-seed{seed}.jsonl"
    generator_hash = hashlib.sha1((REPO / "bench" / "generate.py").read_bytes()).hexdigest()[:12]
    signature = f"gen:{size}:{seed}:{generator_hash}"
    stamp = path.with_suffix(".stamp")
    if not path.exists() or not stamp.exists() or stamp.read_text() != signature:
        seconds = write_corpus(path, size, seed)
        stamp.write_text(signature)
        print(f"  generated {size:,} articles in {seconds:.1f} s ({size / seconds:,.0f}/s) -> {path}", flush=True)
    return Dataset(f"gen-{size // 1000}k", (path,), signature)


def shared_dataset() -> Dataset | None:
    files = sorted(SHARED_CORPUS.glob("*.jsonl")) if SHARED_CORPUS.is_dir() else []
    if not files:
        return None
    signature = "shared:" + ",".join(f"{p.name}:{p.stat().st_size}:{int(p.stat().st_mtime)}" for p in files)
    return Dataset("corpus", tuple(files), signature)


def ensure_index(dataset: Dataset, reindex: bool) -> tuple[Path, dict]:
    """The index of a dataset, built in a child process (measured) unless a matching one is cached."""
    index_dir = DATA / "index" / dataset.name
    stamp_path = DATA / "index" / f"{dataset.name}.json"
    key = {"code": code_stamp(), "corpus": dataset.signature}
    if not reindex and stamp_path.exists() and (index_dir / "current").exists():
        stamp = json.loads(stamp_path.read_text())
        if stamp.get("key") == key:
            return index_dir, {**stamp["metrics"], "cached": True}
    shutil.rmtree(index_dir, ignore_errors=True)
    stamp_path.unlink(missing_ok=True)
    print(f"  indexing {dataset.name} in a child process ...", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bench.build_index", str(index_dir), *map(str, dataset.paths)],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix in every earlier child of this run.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"indexing {dataset.name} failed with status {process.returncode}")
    report = json.loads(output.strip().splitlines()[-1])
    live = (index_dir / "current").resolve()
    size = sum(p.stat().st_size for p in live.rglob("*") if p.is_file())
    metrics = {
        "articles": report["indexed"],
        "skipped": report["skipped"],
        "seconds": report["seconds"],
        "wall_seconds": wall,
        "docs_per_s": report["indexed"] / report["seconds"],
        "index_mb": size / 1e6,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "peak_rss_children_mb": report["children_max_rss_kb"] / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "built_at": datetime.now().isoformat(timespec="seconds"),
        "code_stamp": key["code"],
        "cached": False,
    }
    stamp_path.write_text(json.dumps({"key": key, "metrics": metrics}, indent=2))
    return index_dir, metrics


def ensure_baseline(dataset: Dataset, index_dir: Path, view) -> tuple[Path, dict]:
    db_path = DATA / "sqlite" / f"{dataset.name}.sqlite"
    stamp_path = db_path.with_suffix(".json")
    key = {"index": str((index_dir / "current").resolve()), "corpus": dataset.signature,
           "baseline": hashlib.sha1((REPO / "bench" / "baseline.py").read_bytes()).hexdigest()[:12]}
    if stamp_path.exists() and db_path.exists():
        stamp = json.loads(stamp_path.read_text())
        if stamp.get("key") == key:
            return db_path, {**stamp["metrics"], "cached": True}
    print(f"  building the SQLite FTS5 baseline for {dataset.name} ...", flush=True)
    metrics = baseline_db.build(db_path, list(dataset.paths), view)
    metrics["db_mb"] = metrics.pop("bytes") / 1e6
    stamp_path.write_text(json.dumps({"key": key, "metrics": metrics}, indent=2))
    return db_path, {**metrics, "cached": False}


def summarize(latencies_ms: list[float]) -> dict:
    values = np.asarray(latencies_ms, dtype=np.float64)
    return {"n": int(len(values)), "p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)),
            "p99": float(np.percentile(values, 99)), "mean": float(values.mean())}


def median_of_runs(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in ("p50", "p95", "p99", "mean")} | \
        {"n": runs[0]["n"], "runs": len(runs)}


def bench_queries(view, db: baseline_db.Baseline, queries: dict[str, list[BenchQuery]], repeat: int) -> dict:
    """Warm, single-threaded latencies of every class on both engines, and how often their totals agree."""
    from searchsvc.search.service import SearchRequest, search

    requests = {kind: [(q, SearchRequest.from_pairs(q.args().items(multi=True))) for q in queries[kind]] for kind in KINDS}
    agreement = {}
    for kind in KINDS:  # warm-up pass, which also compares totals
        same = 0
        for query, request in requests[kind]:
            ours = search(view, request)
            theirs = db.search(query)
            same += ours.total == theirs.total
        agreement[kind] = same / max(len(requests[kind]), 1)
    runs: dict[str, dict[str, list[dict]]] = {kind: {"ours": [], "sqlite": []} for kind in KINDS}
    for _ in range(repeat):
        for kind in KINDS:
            if not requests[kind]:
                continue
            ours, theirs = [], []
            for query, request in requests[kind]:
                started = time.perf_counter()
                search(view, request)
                ours.append((time.perf_counter() - started) * 1000)
            for query, _ in requests[kind]:
                started = time.perf_counter()
                db.search(query)
                theirs.append((time.perf_counter() - started) * 1000)
            runs[kind]["ours"].append(summarize(ours))
            runs[kind]["sqlite"].append(summarize(theirs))
    results = {}
    for kind in KINDS:
        if not runs[kind]["ours"]:
            results[kind] = {"skipped": "no queries of this class could be drawn from the corpus"}
            continue
        ours, theirs = median_of_runs(runs[kind]["ours"]), median_of_runs(runs[kind]["sqlite"])
        results[kind] = {"ours": ours, "sqlite": theirs, "ratio_p50": ours["p50"] / theirs["p50"],
                         "ratio_p95": ours["p95"] / theirs["p95"], "ratio_p99": ours["p99"] / theirs["p99"],
                         "same_total": agreement[kind]}
    return results


def known_item(index_dir: Path) -> dict:
    """The known-item evaluation of ``quality.known_item``, over the index this run built of the shared corpus."""
    from quality import known_item as evaluation

    started = time.perf_counter()
    queries = evaluation.build_queries(evaluation.load_corpus(), random.Random(evaluation.SEED))
    figures = evaluation.evaluate(index_dir, queries)
    return {"seconds": time.perf_counter() - started,
            "forms": {form: {"queries": row["queries"], "rank1": row["rank1"]} for form, row in figures.items()}}


def run_dataset(dataset: Dataset, args) -> dict:
    from searchsvc.search.postings import ViewCache

    print(f"\n== {dataset.name} ==", flush=True)
    result: dict = {"dataset": dataset.name}
    index_dir, result["indexing"] = ensure_index(dataset, args.reindex)
    view = ViewCache(index_dir).get()
    result["articles"] = int(view.doc_count)
    db_path, result["baseline_build"] = ensure_baseline(dataset, index_dir, view)
    queries = draw_queries(list(dataset.paths), view, count=args.queries, seed=args.seed)
    result["queries_drawn"] = {kind: len(items) for kind, items in queries.items()}
    result["query_samples"] = {kind: [q.to_dict() for q in items[:5]] for kind, items in queries.items()}
    print(f"  timing queries ({args.queries} per class, {args.repeat} run(s)) ...", flush=True)
    db = baseline_db.Baseline(db_path)
    try:
        result["queries"] = bench_queries(view, db, queries, args.repeat)
    finally:
        db.close()
    if dataset.name == "corpus":
        print("  known-item evaluation ...", flush=True)
        result["known_item"] = known_item(index_dir)
    if args.http:
        reason = http_load.unavailable_reason(REPO)
        if reason:
            print(f"  HTTP skipped: {reason}", flush=True)
            result["http"] = {"skipped": reason}
        elif not queries["http_faceted"]:
            result["http"] = {"skipped": "no faceted queries could be drawn"}
        else:
            print(f"  HTTP: gunicorn wsgi:app, wrk for {args.http_seconds} s ...", flush=True)
            log_path = DATA / "logs" / f"gunicorn-{dataset.name}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                result["http"] = http_load.bench_http(REPO, index_dir, queries["http_faceted"], args.http_seconds,
                                                      log_path)
            except (RuntimeError, subprocess.SubprocessError, OSError) as error:
                print(f"  HTTP failed: {error} (log: {log_path})", flush=True)
                result["http"] = {"failed": str(error), "log": str(log_path)}
    view.close()
    return result


GOALS_AT = {"gen-50k": {"p95_all": 1.0, "faceted_p95_ms": 150, "filter_only_p95_ms": 20},
            "gen-200k": {"p95_ms_all": 300, "faceted_p95_ms": 400, "worker_rss_mb": 600}}


def goals(results: list[dict]) -> list[tuple[str, str, bool | None]]:
    """Each goal of the issue with the measured figure, where this run measured it."""
    checks = []
    by_name = {r["dataset"]: r for r in results}
    for r in results:
        speed = r["indexing"]["docs_per_s"]
        checks.append((f"{r['dataset']}: indexing ≥ 400 articles/s", f"{speed:,.0f}/s", speed >= 400))
    if "gen-50k" in by_name:
        q = by_name["gen-50k"]["queries"]
        for kind, row in q.items():
            if "ratio_p95" in row:
                checks.append((f"gen-50k: {kind} p95 ≤ SQLite (ratio ≤ 1.0; aim 0.5)", f"{row['ratio_p95']:.2f}",
                               row["ratio_p95"] <= 1.0))
        if "ours" in q["faceted"]:
            checks.append(("gen-50k: faceted p95 ≤ 150 ms", f"{q['faceted']['ours']['p95']:.1f} ms",
                           q["faceted"]["ours"]["p95"] <= 150))
        if "ours" in q["filter_only"]:
            checks.append(("gen-50k: filter-only p95 ≤ 20 ms", f"{q['filter_only']['ours']['p95']:.1f} ms",
                           q["filter_only"]["ours"]["p95"] <= 20))
        http = by_name["gen-50k"].get("http", {})
        if "requests_per_s" in http:
            checks.append(("gen-50k HTTP: ≥ 20 faceted searches/s", f"{http['requests_per_s']:.1f}/s",
                           http["requests_per_s"] >= 20))
            checks.append(("gen-50k HTTP: p99 ≤ 500 ms", f"{http['p99_ms']:.0f} ms", http["p99_ms"] <= 500))
    if "gen-200k" in by_name:
        q = by_name["gen-200k"]["queries"]
        for kind, row in q.items():
            if "ours" in row:
                limit = 400 if kind == "faceted" else 300
                checks.append((f"gen-200k: {kind} p95 ≤ {limit} ms", f"{row['ours']['p95']:.1f} ms",
                               row["ours"]["p95"] <= limit))
        http = by_name["gen-200k"].get("http", {})
        if http.get("max_worker_peak_rss_mb"):
            checks.append(("gen-200k: gunicorn worker RSS ≤ 600 MB", f"{http['max_worker_peak_rss_mb']:.0f} MB",
                           http["max_worker_peak_rss_mb"] <= 600))
    return checks


def render(results: list[dict], info: dict) -> str:
    """Markdown tables of a run (printed, and written beside the JSON for docs/PERFORMANCE.md)."""
    lines = [f"Run {info['date']} on {info['machine']['cpus']} CPUs ({info['machine']['cpu_model']}), "
             f"{info['machine']['memory_gb']} GB RAM, Python {info['machine']['python']}, SQLite "
             f"{info['machine']['sqlite']}, commit {info['machine']['git_commit']} (searchsvc code "
             f"{info['machine']['code_stamp']}); {info['args']['queries']} queries per class, "
             f"median of {info['args']['repeat']} run(s).", ""]
    lines += ["**Indexing** (child process; docs/s over `index_paths`, everything included: both text forms, pairs, "
              "extraction)", "",
              "| dataset | articles | docs/s | seconds | index MB | peak RSS MB | SQLite build s | SQLite MB |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        i, b = r["indexing"], r["baseline_build"]
        cached = " (cached)" if i.get("cached") else ""
        lines.append(f"| {r['dataset']} | {r['articles']:,} | {i['docs_per_s']:,.0f}{cached} | {i['seconds']:,.0f} | "
                     f"{i['index_mb']:,.0f} | {i['peak_rss_mb']:,.0f} | {b['seconds']:,.0f} | {b['db_mb']:,.0f} |")
    lines += ["", "**Queries**, warm, single-threaded, milliseconds (ours / SQLite FTS5; ratio = ours ÷ SQLite, "
              "below 1 is faster)", "",
              "| dataset | class | ours p50 | ours p95 | ours p99 | SQLite p50 | SQLite p95 | SQLite p99 | ratio p95 "
              "| same total |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for kind, row in r["queries"].items():
            if "ours" not in row:
                lines.append(f"| {r['dataset']} | {kind} | – | – | – | – | – | – | – | {row.get('skipped', '')} |")
                continue
            o, s = row["ours"], row["sqlite"]
            lines.append(f"| {r['dataset']} | {kind} | {o['p50']:.1f} | {o['p95']:.1f} | {o['p99']:.1f} | "
                         f"{s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | {row['ratio_p95']:.2f} | "
                         f"{row['same_total']:.0%} |")
    http_rows = [r for r in results if "http" in r]
    if http_rows:
        lines += ["", "**HTTP**: `gunicorn wsgi:app` on 127.0.0.1, faceted search with a locality filter, wrk "
                  "(closed loop, fixed connections) on the same machine", "",
                  "| dataset | workers | connections | req/s | p50 ms | p95 ms | p99 ms | errors | worker RSS MB (peak) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in http_rows:
            h = r["http"]
            if "requests_per_s" not in h:
                lines.append(f"| {r['dataset']} | – | – | – | – | – | – | – | {h.get('skipped') or h.get('failed')} |")
                continue
            lines.append(f"| {r['dataset']} | {h['workers']} | {h['connections']} | {h['requests_per_s']:.1f} | "
                         f"{h['p50_ms']:.0f} | {h['p95_ms']:.0f} | {h['p99_ms']:.0f} | {h['errors']} | "
                         f"{h['max_worker_rss_mb']:.0f} ({h['max_worker_peak_rss_mb']:.0f}) |")
    for r in results:
        if "known_item" in r:
            lines += ["", f"**Known-item** (`quality.known_item` over the index of `{r['dataset']}` built above)", "",
                      "| form | queries | rank-1 |", "|---|---:|---:|"]
            for form, row in r["known_item"]["forms"].items():
                lines.append(f"| {form} | {row['queries']} | {row['rank1']:.3f} |")
    checks = goals(results)
    if checks:
        lines += ["", "**Goals** measured in this run", "", "| goal | measured | met |", "|---|---:|---|"]
        lines += [f"| {goal} | {value} | {'yes' if ok else 'no'} |" for goal, value, ok in checks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="generated corpus sizes, comma-separated (empty: none)")
    parser.add_argument("--corpus", action=argparse.BooleanOptionalAction, default=True,
                        help="also ../shared/corpus, with the known-item evaluation (skipped if absent)")
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True,
                        help="gunicorn + wrk on every dataset")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", type=int, default=100, help="queries per class")
    parser.add_argument("--http-seconds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reindex", action="store_true", help="rebuild indexes even when a matching one is cached")
    parser.add_argument("--quick", action="store_true", help="10k only, no shared corpus, one run, 10 s of HTTP")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.corpus, args.repeat, args.http_seconds = "10000", False, 1, 10
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    info = {"date": datetime.now().isoformat(timespec="seconds"), "machine": machine(), "args": vars(args)}
    print(f"searchsvc benchmark {info['date']}: {info['machine']['cpus']} CPUs, {info['machine']['memory_gb']} GB, "
          f"Python {info['machine']['python']}", flush=True)
    datasets = [generated_dataset(size, args.seed) for size in sizes]
    if args.corpus:
        shared = shared_dataset()
        if shared is None:
            print(f"shared corpus skipped: no *.jsonl under {SHARED_CORPUS}", flush=True)
        else:
            datasets.append(shared)
    results = []
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    for dataset in datasets:
        results.append(run_dataset(dataset, args))
        # After every dataset, so a long run that fails late keeps what it measured.
        (RESULTS / f"{stamp}.json").write_text(json.dumps({**info, "results": results}, indent=2, ensure_ascii=False))
    table = render(results, info)
    (RESULTS / f"{stamp}.md").write_text(table + "\n")
    print("\n" + table)
    print(f"\nwrote {RESULTS / stamp}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
