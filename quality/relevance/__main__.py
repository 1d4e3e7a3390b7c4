"""Relevance over ``../shared/corpus``: hand-judged information needs, scored for this engine and SQLite FTS5.

``needs.jsonl`` holds the information needs (written before any result was seen): an id, the query as a user types
it, what counts as relevant, a group (typed with marks, without, place names, directive numbers, abbreviations and
variants, Telex/VNI leftovers, typos, questions, longer descriptions, wanting the newest news) and a part: ``tune``
(the needs the engine was tuned on) or ``sealed`` (held out for an honest figure: never tuned on, scored once at
the end). A run scores the ``tune`` part unless ``--part`` says ``sealed`` or ``all`` (both). ``judgments.tsv`` holds
``need<TAB>article id<TAB>grade``, graded by reading the article: 2 about the need, 1 partly (the need is a
substantial part of it), 0 not relevant. Later sealed parts, each written after the one before had been scored, live
in files of their own: ``sealed2`` in ``needs_sealed2.jsonl`` and ``judgments_sealed2.tsv``, ``sealed3`` in
``needs_sealed3.jsonl`` and ``judgments_sealed3.tsv``; only a run of that part reads them.

One run:

1. builds (or reuses) an index of the corpus with our indexer and the SQLite FTS5 baseline of ``bench/baseline.py``
   over the same articles and the same folding, in a cache folder (``--cache``, else ``SEARCHSVC_QUALITY_CACHE``,
   else ``~/.cache/searchsvc-quality``); the index is rebuilt when the code that writes it changes;
2. runs every need on both systems and writes the pool (the union of both top 10s) to ``pool.jsonl`` in the cache,
   and the pooled articles nobody has judged yet (title, lead, how often the query occurs as typed) to ``unjudged.txt`` for reading;
3. scores nDCG@10 (gain = grade, the ideal ranking taken from every judged article of the need) and P@5 (grade
   >= 1) per system, overall and per group, and counts the needs with nothing relevant in the top 10;
4. runs the known-item evaluation (``quality/known_item.py``) on the same index.

Our engine runs with the operator's settings as a server would read them (``SEARCHSVC_FRESHNESS``).

Unjudged results count as not relevant and are listed, so judge them before trusting a figure. Needs with no
relevant article known are left out of the means and listed.

Run: ``python -m quality.relevance [--part tune|sealed|sealed2|sealed3|all] [--no-known-item] [--show NEED_ID]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench import baseline as baseline_db
from bench.queries import BenchQuery
from quality import known_item
from quality.corpus import CORPUS, records_by_id
from searchsvc import config
from searchsvc.index.indexer import index_paths
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest, search
from searchsvc.text.normalize import fold_text

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NEEDS = HERE / "needs.jsonl"
JUDGMENTS = HERE / "judgments.tsv"
DEPTH = 10
PRECISION_DEPTH = 5
SYSTEMS = ("searchsvc", "fts5")
# The code that decides what the index holds: changing anything else does not rebuild it.
INDEX_SIDE = frozenset({"text", "ingest", "index", "article.py"})
EXCERPT_CHARS = 200
PARTS = ("tune", "sealed", "sealed2", "sealed3")
# Which files a run reads: each later sealed part has its own, so no other run reads or prints it.
SOURCES = {"tune": (NEEDS, JUDGMENTS), "sealed": (NEEDS, JUDGMENTS), "all": (NEEDS, JUDGMENTS),
           "sealed2": (HERE / "needs_sealed2.jsonl", HERE / "judgments_sealed2.tsv"),
           "sealed3": (HERE / "needs_sealed3.jsonl", HERE / "judgments_sealed3.tsv")}


@dataclass(frozen=True)
class Need:
    id: str
    group: str
    part: str
    query: str
    description: str


def load_needs(path: Path = NEEDS) -> list[Need]:
    """The needs of one file; each must belong to a part that :data:`SOURCES` reads from that file."""
    parts = [part for part in PARTS if SOURCES[part][0] == path]
    needs = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                need = Need(**json.loads(line))
            except (ValueError, TypeError) as error:
                raise SystemExit(f"{path}:{number}: {error}") from None
            if need.part not in parts:
                raise SystemExit(f"{path}:{number}: phần {need.part!r} không hợp lệ (cần: {', '.join(parts)})")
            needs.append(need)
    return needs


def in_part(needs: list[Need], part: str) -> list[Need]:
    """The needs of one part, or all of them for ``all`` (of one file): the only place that decides what a run scores.

    >>> needs = [Need("m01", "marked", "tune", "q", "d"), Need("sm01", "marked", "sealed", "q", "d")]
    >>> [need.id for need in in_part(needs, "sealed")], len(in_part(needs, "all"))
    (['sm01'], 2)
    """
    return [need for need in needs if part == "all" or need.part == part]


def load_judgments(path: Path = JUDGMENTS) -> dict[str, dict[str, int]]:
    """``need id -> {article id: grade}``; a repeated pair keeps its last grade."""
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    if not path.exists():
        return judged
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[2] not in ("0", "1", "2"):
                raise SystemExit(f"{path}:{number}: expected need<TAB>article<TAB>0|1|2")
            judged[fields[0]][fields[1]] = int(fields[2])
    return judged


def index_stamp() -> str:
    """A hash of the code that writes the index and of the corpus files."""
    digest = hashlib.sha1()
    package = REPO / "searchsvc"
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] in INDEX_SIDE:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    for path in sorted(CORPUS.glob("*.jsonl")):
        digest.update(f"{path.name}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def ensure_systems(cache: Path, rebuild: bool) -> tuple[Path, Path]:
    """The index and the baseline database for the current indexing code, built when missing."""
    stamp = index_stamp()
    index_dir = cache / f"index-{stamp}"
    if rebuild or not (index_dir / "current").exists():
        print(f"lập chỉ mục {CORPUS} vào {index_dir} …", file=sys.stderr, flush=True)
        index_paths([CORPUS], index_dir, rebuild=True)
    baseline_stamp = hashlib.sha1((REPO / "bench" / "baseline.py").read_bytes()).hexdigest()[:12]
    db_path = cache / f"fts5-{stamp}-{baseline_stamp}.sqlite"
    if rebuild or not db_path.exists():
        print(f"dựng cơ sở so sánh SQLite FTS5 vào {db_path} …", file=sys.stderr, flush=True)
        baseline_db.build_references({"fts5": baseline_db.SqliteBuilder(db_path)}, [CORPUS], ViewCache(index_dir).get())
    return index_dir, db_path


def run_needs(index_dir: Path, db_path: Path, needs: list[Need], freshness: float) -> dict[str, dict[str, list[str]]]:
    """``system -> need id -> ranked article ids`` (top ``DEPTH``), ours with the operator's ``freshness``."""
    view = ViewCache(index_dir).get()
    db = baseline_db.Baseline(db_path)
    runs: dict[str, dict[str, list[str]]] = {system: {} for system in SYSTEMS}
    try:
        for need in needs:
            query = BenchQuery(kind="one_word", q=need.query)
            result = search(view, SearchRequest.from_pairs(query.args().items(multi=True), freshness))
            runs["searchsvc"][need.id] = [hit.id for hit in result.hits][:DEPTH]
            runs["fts5"][need.id] = [hit[1] for hit in db.search(query).hits][:DEPTH]
    finally:
        db.close()
    return runs


def ndcg(ranked: list[str], grades: dict[str, int], depth: int = DEPTH) -> float:
    """nDCG with the grade as gain; the ideal ranks every judged article of the need.

    >>> round(ndcg(["a", "b"], {"a": 1, "b": 2}), 3)
    0.86
    """
    dcg = sum(grades.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:depth]))
    ideal = sorted(grades.values(), reverse=True)[:depth]
    best = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / best if best else 0.0


def precision(ranked: list[str], grades: dict[str, int], depth: int = PRECISION_DEPTH) -> float:
    return sum(1 for doc in ranked[:depth] if grades.get(doc, 0) >= 1) / depth


def score(needs: list[Need], runs: dict, judged: dict) -> dict:
    """Per system: the per-need figures, the means overall and per group, and the needs that found nothing."""
    answerable = [need for need in needs if any(g >= 1 for g in judged.get(need.id, {}).values())]
    figures = {}
    for system, ranked in runs.items():
        per_need = {need.id: {"ndcg": ndcg(ranked[need.id], judged.get(need.id, {})),
                              "p5": precision(ranked[need.id], judged.get(need.id, {})),
                              "found": any(judged.get(need.id, {}).get(doc, 0) >= 1 for doc in ranked[need.id])}
                    for need in answerable}
        groups: dict[str, list[str]] = defaultdict(list)
        for need in answerable:
            groups["all"].append(need.id)
            groups[need.group].append(need.id)
        figures[system] = {
            "per_need": per_need,
            "groups": {group: {"needs": len(ids),
                               "ndcg": sum(per_need[i]["ndcg"] for i in ids) / len(ids),
                               "p5": sum(per_need[i]["p5"] for i in ids) / len(ids),
                               "nothing": sorted(i for i in ids if not per_need[i]["found"])}
                       for group, ids in groups.items()},
        }
    figures["no_relevant_known"] = sorted(need.id for need in needs if need not in answerable)
    return figures


def unjudged(needs: list[Need], runs: dict, judged: dict) -> dict[str, list[str]]:
    """``need id -> pooled article ids without a grade``, in pool order."""
    missing = {}
    for need in needs:
        pool = dict.fromkeys(doc for system in SYSTEMS for doc in runs[system][need.id])
        ids = [doc for doc in pool if doc not in judged.get(need.id, {})]
        if ids:
            missing[need.id] = ids
    return missing


def write_pool(cache: Path, needs: list[Need], runs: dict, missing: dict[str, list[str]]) -> None:
    """``pool.jsonl`` (every need's ranked lists) and ``unjudged.txt`` (what to read next) in the cache."""
    with (cache / "pool.jsonl").open("w", encoding="utf-8") as out:
        for need in needs:
            out.write(json.dumps({"need": need.id, **{s: runs[s][need.id] for s in SYSTEMS}}) + "\n")
    wanted = {doc for ids in missing.values() for doc in ids}
    records = records_by_id(wanted) if wanted else {}
    with (cache / "unjudged.txt").open("w", encoding="utf-8") as out:
        for need in needs:
            if need.id not in missing:
                continue
            out.write(f"=== {need.id} [{need.query}] {need.description}\n")
            for doc in missing[need.id]:
                record = records.get(doc, {})
                body = " ".join((record.get("body") or "").split())
                mentions = fold_text(body).count(fold_text(need.query))
                out.write(f"--- {doc} | {record.get('title')} | query ×{mentions}\n{body[:EXCERPT_CHARS]}\n")


def print_table(needs: list[Need], figures: dict, named: bool) -> None:
    """The figures per system and group; the needs that found nothing are named only when ``named``."""
    groups = list(dict.fromkeys(["all", *(need.group for need in needs)]))
    header = f"{'group':10} {'needs':>5}" + "".join(f" {s + ' nDCG@10':>16} {s + ' P@5':>12} {'none':>5}" for s in SYSTEMS)
    print(header)
    for group in groups:
        rows = [figures[s]["groups"].get(group) for s in SYSTEMS]
        if rows[0] is None:
            continue
        line = f"{group:10} {rows[0]['needs']:>5}"
        for row in rows:
            line += f" {row['ndcg']:>16.3f} {row['p5']:>12.3f} {len(row['nothing']):>5}"
        print(line)
    if not named:
        return
    for system in SYSTEMS:
        nothing = figures[system]["groups"].get("all", {}).get("nothing", [])
        print(f"{system}: không có bài liên quan trong top {DEPTH}: {', '.join(nothing) or '—'}")
    if figures["no_relevant_known"]:
        print(f"chưa biết bài liên quan nào (không tính): {', '.join(figures['no_relevant_known'])}")


def default_cache() -> Path:
    configured = os.environ.get("SEARCHSVC_QUALITY_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "searchsvc-quality"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=default_cache(), help="where the index and baseline are kept")
    parser.add_argument("--part", choices=tuple(SOURCES), default="tune",
                        help="which needs to run and score (default: tune; all = tune and sealed; "
                             "the sealed parts only for the final figure)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index and baseline even if cached")
    parser.add_argument("--no-known-item", action="store_true", help="skip the known-item evaluation")
    parser.add_argument("--show", action="append", default=[], help="print both rankings of this need, with grades")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"đánh giá độ liên quan cần kho bài ở {CORPUS}", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    needs_path, judgments_path = SOURCES[args.part]
    needs = load_needs(needs_path)
    judged = load_judgments(judgments_path)
    unknown = sorted(set(judged) - {need.id for need in needs})
    if unknown:
        print(f"{judgments_path}: nhu cầu không có trong {needs_path.name}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    needs = in_part(needs, args.part)
    shown = {need.id: need for need in needs if need.id in args.show}
    if set(args.show) - shown.keys() or any(need.part != "tune" for need in shown.values()):
        parser.error("--show chỉ dùng cho nhu cầu của phần tune (các phần sealed chỉ in số liệu tổng)")
    print(f"phần {args.part}: {len(needs)} nhu cầu")
    index_dir, db_path = ensure_systems(args.cache, args.rebuild)
    freshness = config.check_freshness(config.from_environment()["FRESHNESS"])
    runs = run_needs(index_dir, db_path, needs, freshness)
    missing = unjudged(needs, runs, judged)
    write_pool(args.cache, needs, runs, missing)
    figures = score(needs, runs, judged)
    print_table(needs, figures, named=args.part == "tune")
    count = sum(len(ids) for ids in missing.values())
    print(f"chưa chấm: {count} kết quả ở {len(missing)} nhu cầu (xem {args.cache / 'unjudged.txt'})")
    for need_id in args.show:
        for system in SYSTEMS:
            grades = judged.get(need_id, {})
            print(f"{need_id} {system}: " + " ".join(f"{doc}={grades.get(doc, '?')}" for doc in runs[system][need_id]))
    report = {"relevance": figures, "unjudged": missing}
    if not args.no_known_item:
        queries = known_item.build_queries(known_item.load_corpus(), random.Random(known_item.SEED))
        items = known_item.evaluate(index_dir, queries, freshness)
        print(f"\n{'known-item form':26} {'queries':>8} {'rank-1':>8}")
        for form, row in items.items():
            print(f"{form:26} {row['queries']:>8} {row['rank1']:>8.3f}")
        report["known_item"] = {f: {k: v for k, v in r.items() if k != "misses"} for f, r in items.items()}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
