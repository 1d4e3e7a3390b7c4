"""Build the corpora and run every benchmark: indexing, warm queries against SQLite FTS5, HTTP, known-item quality.

    python -m bench.run                                  # 10k, 50k, 200k generated articles + ../shared/corpus
    python -m bench.run --sizes 10000 --no-http          # one size, no server
    python -m bench.run --quick                          # 10k only, one repetition, short HTTP run

Corpora, indexes and baseline databases are cached under ``bench/data/`` (git-ignored). An index is rebuilt, and
its indexing measured again, whenever the code that writes the index or the corpus changes (or with ``--reindex``);
``--keep-index`` keeps an index built by earlier code (its indexing figures are marked as from that code).
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
from bench import tantivy_baseline
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
    from importlib.metadata import version

    return {"cpus": os.cpu_count(), "cpu_model": cpu, "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "tantivy": version("tantivy"), "platform": platform.platform(),
            "git_commit": commit, "code_stamp": code_stamp()}


def generated_dataset(size: int, seed: int, keep: bool = False) -> Dataset:
    """The generated corpus of ``size`` articles, written again when the generator changed (unless ``keep``)."""
    path = DATA / "corpora" / f"gen-{size}-seed{seed}.jsonl"
    generator_hash = hashlib.sha1((REPO / "bench" / "generate.py").read_bytes()).hexdigest()[:12]
    signature = f"gen:{size}:{seed}:{generator_hash}"
    stamp = path.with_suffix(".stamp")
    if keep and path.exists() and stamp.exists():
        signature = stamp.read_text()
    elif not path.exists() or not stamp.exists() or stamp.read_text() != signature:
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


def ensure_index(dataset: Dataset, reindex: bool, keep: bool = False) -> tuple[Path, dict]:
    """The index of a dataset, built in a child process (measured) unless a matching one is cached."""
    index_dir = DATA / "index" / dataset.name
    stamp_path = DATA / "index" / f"{dataset.name}.json"
    key = {"code": code_stamp(), "corpus": dataset.signature}
    if not reindex and stamp_path.exists() and (index_dir / "current").exists():
        stamp = json.loads(stamp_path.read_text())
        if stamp.get("key") == key or (keep and stamp.get("key", {}).get("corpus") == key["corpus"]):
            return index_dir, {**stamp["metrics"], "cached": True, "older_code": stamp["key"]["code"] != key["code"]}
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


# The reference engines, built from the same articles and our index's facet values: how each is built and opened.
REFERENCES = {
    "sqlite": (baseline_db.SqliteBuilder, baseline_db.Baseline, "sqlite", "baseline.py"),
    "tantivy": (tantivy_baseline.TantivyBuilder, tantivy_baseline.TantivyBaseline, "tantivy", "tantivy_baseline.py"),
}


def ensure_references(dataset: Dataset, index_dir: Path, view) -> dict[str, tuple[Path, dict]]:
    """Each reference engine's database for a dataset; those not cached for the same index and code are built
    together, from one pass over the articles."""
    found, stale = {}, {}
    for engine, (_, _, suffix, module) in REFERENCES.items():
        path = DATA / engine / f"{dataset.name}.{suffix}"
        key = {"index": str((index_dir / "current").resolve()), "corpus": dataset.signature,
               "baseline": hashlib.sha1((REPO / "bench" / module).read_bytes()).hexdigest()[:12]}
        stamp_path = path.with_suffix(".json")
        stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() and path.exists() else {}
        if stamp.get("key") == key:
            found[engine] = (path, {**stamp["metrics"], "cached": True})
        else:
            stale[engine] = (path, key, stamp_path)
    if stale:
        print(f"  building the {' and '.join(stale)} baseline(s) for {dataset.name} ...", flush=True)
        builders = {engine: REFERENCES[engine][0](path) for engine, (path, _, _) in stale.items()}
        for engine, metrics in baseline_db.build_references(builders, list(dataset.paths), view).items():
            path, key, stamp_path = stale[engine]
            metrics["db_mb"] = metrics.pop("bytes") / 1e6
            stamp_path.write_text(json.dumps({"key": key, "metrics": metrics}, indent=2))
            found[engine] = (path, {**metrics, "cached": False})
    return found


def summarize(latencies_ms: list[float]) -> dict:
    values = np.asarray(latencies_ms, dtype=np.float64)
    return {"n": int(len(values)), "p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)),
            "p99": float(np.percentile(values, 99)), "mean": float(values.mean())}


def median_of_runs(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in ("p50", "p95", "p99", "mean")} | \
        {"n": runs[0]["n"], "runs": len(runs)}


def bench_queries(view, references: dict, queries: dict[str, list[BenchQuery]], repeat: int) -> dict:
    """Warm, single-threaded latencies of every class on every engine, and how often their totals agree with ours."""
    from searchsvc.search.service import SearchRequest, search

    requests = {kind: [(q, SearchRequest.from_pairs(q.args().items(multi=True))) for q in queries[kind]] for kind in KINDS}
    agreement: dict[str, dict[str, float]] = {}
    for kind in KINDS:  # warm-up pass, which also compares totals
        same = dict.fromkeys(references, 0)
        for query, request in requests[kind]:
            ours = search(view, request)
            for engine, reference in references.items():
                same[engine] += ours.total == reference.search(query).total
        agreement[kind] = {engine: count / max(len(requests[kind]), 1) for engine, count in same.items()}
    engines = ["ours", *references]
    runs: dict[str, dict[str, list[dict]]] = {kind: {engine: [] for engine in engines} for kind in KINDS}
    cpu_runs: dict[str, dict[str, list[dict]]] = {kind: {engine: [] for engine in engines} for kind in KINDS}
    for _ in range(repeat):
        for kind in KINDS:
            if not requests[kind]:
                continue
            runners = {"ours": [lambda request=request: search(view, request) for _, request in requests[kind]]}
            for engine, reference in references.items():
                runners[engine] = [lambda query=query: reference.search(query) for query, _ in requests[kind]]
            for engine, calls in runners.items():
                latencies, cpu = [], []
                for call in calls:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    call()
                    cpu.append((time.process_time() - cpu_started) * 1000)
                    latencies.append((time.perf_counter() - started) * 1000)
                runs[kind][engine].append(summarize(latencies))
                cpu_runs[kind][engine].append(summarize(cpu))
    results = {}
    for kind in KINDS:
        if not runs[kind]["ours"]:
            results[kind] = {"skipped": "no queries of this class could be drawn from the corpus"}
            continue
        row = {engine: median_of_runs(runs[kind][engine]) for engine in engines}
        # CPU per search (this process's, every thread of it): what a query costs whatever else the machine runs.
        row["cpu"] = {engine: median_of_runs(cpu_runs[kind][engine]) for engine in engines}
        for engine in references:
            for percentile in ("p50", "p95", "p99"):
                row[f"ratio_{engine}_{percentile}"] = row["ours"][percentile] / max(row[engine][percentile], 1e-6)
            row[f"cpu_ratio_{engine}_p95"] = row["cpu"]["ours"]["p95"] / max(row["cpu"][engine]["p95"], 1e-6)
        row["same_total"] = agreement[kind]
        results[kind] = row
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
    index_dir, result["indexing"] = ensure_index(dataset, args.reindex, args.keep_index)
    view = ViewCache(index_dir).get()
    result["articles"] = int(view.doc_count)
    paths = {}
    for engine, (path, metrics) in ensure_references(dataset, index_dir, view).items():
        paths[engine], result[f"{engine}_build"] = path, metrics
    queries = draw_queries(list(dataset.paths), view, count=args.queries, seed=args.seed)
    result["queries_drawn"] = {kind: len(items) for kind, items in queries.items()}
    result["query_samples"] = {kind: [q.to_dict() for q in items[:5]] for kind, items in queries.items()}
    print(f"  timing queries ({args.queries} per class, {args.repeat} run(s)) ...", flush=True)
    references = {engine: REFERENCES[engine][1](path) for engine, path in paths.items()}
    try:
        result["queries"] = bench_queries(view, references, queries, args.repeat)
    finally:
        for reference in references.values():
            reference.close()
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


def goals(results: list[dict]) -> list[tuple[str, str, bool | None]]:
    """Each goal of issue 16 with the measured figure, where this run measured it."""
    checks = []
    by_name = {r["dataset"]: r for r in results}
    if "corpus" in by_name:
        speed = by_name["corpus"]["indexing"]["docs_per_s"]
        checks.append(("corpus: indexing ≥ 800 articles/s", f"{speed:,.0f}/s", speed >= 800))
    for name, sqlite_ratio, tantivy_ratio, faceted_ms in (("gen-200k", 0.25, 3.0, 50), ("gen-1000k", 0.5, None, 250)):
        if name not in by_name:
            continue
        for kind, row in by_name[name]["queries"].items():
            if "ours" not in row:
                continue
            checks.append((f"{name}: {kind} p95 ≤ {sqlite_ratio}× SQLite",
                           f"{row['ratio_sqlite_p95']:.2f}× (CPU {row['cpu_ratio_sqlite_p95']:.2f}×)",
                           row["ratio_sqlite_p95"] <= sqlite_ratio))
            if tantivy_ratio:
                checks.append((f"{name}: {kind} p95 ≤ {tantivy_ratio}× tantivy",
                               f"{row['ratio_tantivy_p95']:.2f}× (CPU {row['cpu_ratio_tantivy_p95']:.2f}×)",
                               row["ratio_tantivy_p95"] <= tantivy_ratio))
        faceted = by_name[name]["queries"].get("faceted", {})
        if "ours" in faceted:
            checks.append((f"{name}: faceted p95 ≤ {faceted_ms} ms",
                           f"{faceted['ours']['p95']:.1f} ms (CPU {faceted['cpu']['ours']['p95']:.1f} ms)",
                           faceted["ours"]["p95"] <= faceted_ms))
    if "gen-1000k" in by_name and "requests_per_s" in by_name["gen-1000k"].get("http", {}):
        http = by_name["gen-1000k"]["http"]
        checks.append(("gen-1000k HTTP: ≥ 20 faceted searches/s", f"{http['requests_per_s']:.1f}/s",
                       http["requests_per_s"] >= 20))
        checks.append(("gen-1000k HTTP: p99 ≤ 1 s", f"{http['p99_ms']:.0f} ms", http["p99_ms"] <= 1000))
    for r in results:
        private = r.get("http", {}).get("max_worker_private_mb")
        if private is not None:
            checks.append((f"{r['dataset']}: worker private memory ≤ 150 MB", f"{private:.0f} MB", private <= 150))
    return checks


def render(results: list[dict], info: dict) -> str:
    """Markdown tables of a run (printed, and written beside the JSON for docs/PERFORMANCE.md)."""
    engines = list(REFERENCES)
    lines = [f"Run {info['date']} on {info['machine']['cpus']} CPUs ({info['machine']['cpu_model']}), "
             f"{info['machine']['memory_gb']} GB RAM, Python {info['machine']['python']}, SQLite "
             f"{info['machine']['sqlite']}, tantivy {info['machine']['tantivy']}, commit "
             f"{info['machine']['git_commit']} (index code {info['machine']['code_stamp']}); "
             f"{info['args']['queries']} queries per class, median of {info['args']['repeat']} run(s).", ""]
    lines += ["**Indexing** (child process; docs/s over `index_paths`, everything included: both text forms, pairs, "
              "extraction, the shared arrays)", "",
              "| dataset | articles | docs/s | seconds | index MB | peak RSS MB | SQLite build s | SQLite MB "
              "| tantivy build s | tantivy MB |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        i = r["indexing"]
        cached = " (cached, earlier code)" if i.get("older_code") else " (cached)" if i.get("cached") else ""
        references = " | ".join(f"{r[f'{e}_build']['seconds']:,.0f} | {r[f'{e}_build']['db_mb']:,.0f}" for e in engines)
        lines.append(f"| {r['dataset']} | {r['articles']:,} | {i['docs_per_s']:,.0f}{cached} | {i['seconds']:,.0f} | "
                     f"{i['index_mb']:,.0f} | {i['peak_rss_mb']:,.0f} | {references} |")
    lines += ["", "**Queries**, warm, single-threaded, milliseconds (ratio = ours ÷ theirs at p95, below 1 is faster; "
              "same total = share of queries where the engine reports our number of matches)", "",
              "| dataset | class | ours p50 | ours p95 | ours p99 | SQLite p50 | SQLite p95 | tantivy p50 | tantivy p95 "
              "| ÷ SQLite | ÷ tantivy | same total SQLite / tantivy |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for kind, row in r["queries"].items():
            if "ours" not in row:
                lines.append(f"| {r['dataset']} | {kind} | – | – | – | – | – | – | – | – | – | {row.get('skipped', '')} |")
                continue
            o, s, t = row["ours"], row["sqlite"], row["tantivy"]
            same = row["same_total"]
            lines.append(f"| {r['dataset']} | {kind} | {o['p50']:.1f} | {o['p95']:.1f} | {o['p99']:.1f} | "
                         f"{s['p50']:.1f} | {s['p95']:.1f} | {t['p50']:.1f} | {t['p95']:.1f} | "
                         f"{row['ratio_sqlite_p95']:.2f} | {row['ratio_tantivy_p95']:.2f} | "
                         f"{same['sqlite']:.0%} / {same['tantivy']:.0%} |")
    lines += ["", "**CPU per search**, milliseconds of this process's CPU time around each search, same queries and "
              "runs (what a query costs whatever else the machine runs; ratio = ours ÷ theirs at p95)", "",
              "| dataset | class | ours p50 | ours p95 | SQLite p50 | SQLite p95 | tantivy p50 | tantivy p95 "
              "| ÷ SQLite | ÷ tantivy |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for kind, row in r["queries"].items():
            if "cpu" in row:
                o, s, t = row["cpu"]["ours"], row["cpu"]["sqlite"], row["cpu"]["tantivy"]
                lines.append(f"| {r['dataset']} | {kind} | {o['p50']:.1f} | {o['p95']:.1f} | {s['p50']:.1f} | "
                             f"{s['p95']:.1f} | {t['p50']:.1f} | {t['p95']:.1f} | {row['cpu_ratio_sqlite_p95']:.2f} | "
                             f"{row['cpu_ratio_tantivy_p95']:.2f} |")
    lines += scaling_curve(results)
    http_rows = [r for r in results if "http" in r]
    if http_rows:
        lines += ["", "**HTTP**: `gunicorn wsgi:app` on 127.0.0.1, faceted search with a locality filter, wrk "
                  "(closed loop, fixed connections) on the same machine; worker memory from `/proc/PID/smaps_rollup` "
                  "after the load (largest worker)", "",
                  "| dataset | workers | connections | req/s | p50 ms | p95 ms | p99 ms | errors | RSS MB | PSS MB "
                  "| private MB |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in http_rows:
            h = r["http"]
            if "requests_per_s" not in h:
                lines.append(f"| {r['dataset']} | – | – | – | – | – | – | – | – | – | {h.get('skipped') or h.get('failed')} |")
                continue
            lines.append(f"| {r['dataset']} | {h['workers']} | {h['connections']} | {h['requests_per_s']:.1f} | "
                         f"{h['p50_ms']:.0f} | {h['p95_ms']:.0f} | {h['p99_ms']:.0f} | {h['errors']} | "
                         f"{h['max_worker_rss_mb']:.0f} | {h['max_worker_pss_mb']:.0f} | "
                         f"{h['max_worker_private_mb']:.0f} |")
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


def scaling_curve(results: list[dict]) -> list[str]:
    """p95 of every class at every generated size, ours / SQLite / tantivy: how the cost grows with the corpus."""
    generated = [r for r in results if r["dataset"].startswith("gen-")]
    if len(generated) < 2:
        return []
    lines = ["", "**Scaling curve**: p95 ms, ours / SQLite / tantivy, by corpus size", "",
             "| class | " + " | ".join(r["dataset"] for r in generated) + " |",
             "|---|" + "---:|" * len(generated)]
    for kind in KINDS:
        cells = []
        for r in generated:
            row = r["queries"].get(kind, {})
            cells.append(" / ".join(f"{row[e]['p95']:.1f}" for e in ("ours", *REFERENCES)) if "ours" in row else "–")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


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
    parser.add_argument("--keep-index", action="store_true",
                        help="use a cached index (and generated corpus) even if the code that wrote it changed since "
                             "(marked in the table)")
    parser.add_argument("--quick", action="store_true", help="10k only, no shared corpus, one run, 10 s of HTTP")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.corpus, args.repeat, args.http_seconds = "10000", False, 1, 10
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    info = {"date": datetime.now().isoformat(timespec="seconds"), "machine": machine(), "args": vars(args)}
    print(f"searchsvc benchmark {info['date']}: {info['machine']['cpus']} CPUs, {info['machine']['memory_gb']} GB, "
          f"Python {info['machine']['python']}", flush=True)
    datasets = [generated_dataset(size, args.seed, args.keep_index) for size in sizes]
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
