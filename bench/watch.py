"""``searchsvc watch`` as a scraper meets it: how long from a file's arrival to its article being searchable, and
how arrivals are batched into commits.

    python -m bench.watch                        # index of the samples + 2,000 base articles; 20 single files,
                                                 # 20 written in place, then a burst of 500
    python -m bench.watch --base 10000 --burst 2000

Three phases against one running watch: files renamed into place one at a time (the next once the last is
searchable), files written in place one at a time (read once settled, ``--settle``), then a burst of files renamed in
as fast as the disk allows. Latency is from the rename (or the end of the write) to the id answering in a fresh
``IndexView``, polled every 20 ms. The watch's own lines give the batches; its CPU time comes from ``/proc``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.writes import records
from searchsvc.index.indexer import index_paths
from searchsvc.search.postings import ViewCache

REPO = Path(__file__).resolve().parents[1]
BATCH = re.compile(r"(\d+) tệp: lập chỉ mục (\d+) bài")


def scraped(record: dict) -> str:
    return f"Cổng thông tin\n{record['title']}\n{record['body']}\n{record['author'] or ''}\n"


def searchable(index_dir: Path, article_id: str) -> bool:
    return ViewCache(index_dir).get().docnum_of(article_id) is not None


def wait_searchable(index_dir: Path, article_ids: list[str], since: float) -> float:
    pending = list(article_ids)
    while pending:
        if searchable(index_dir, pending[-1]):
            pending = [article_id for article_id in pending if not searchable(index_dir, article_id)]
        if pending:
            time.sleep(0.02)
    return time.monotonic() - since


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    return (f"{name}: n={len(ordered)} p50 {statistics.median(ordered):.2f} s, "
            f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} s, max {ordered[-1]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=2000, help="articles in the index before the watch starts")
    parser.add_argument("--singles", type=int, default=20)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--settle", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        index_dir, inbox = folder / "index", folder / "inbox"
        inbox.mkdir()
        (folder / "base.jsonl").write_text("".join(
            json.dumps(record, ensure_ascii=False) + "\n" for record in records(args.base, "base")),
            encoding="utf-8")
        index_paths([REPO / "samples", folder / "base.jsonl"], index_dir)
        incoming = records(2 * args.singles + args.burst, "moi")
        process = subprocess.Popen(
            [sys.executable, "-m", "searchsvc", "watch", "--index-dir", str(index_dir), "--settle", str(args.settle),
             str(inbox)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(3)
        renamed, in_place = [], []
        for record in incoming[:args.singles]:
            (inbox / f".{record['id']}.part").write_text(scraped(record), encoding="utf-8")
            os.replace(inbox / f".{record['id']}.part", inbox / f"{record['id']}.txt")
            renamed.append(wait_searchable(index_dir, [record["id"]], time.monotonic()))
        for record in incoming[args.singles:2 * args.singles]:
            (inbox / f"{record['id']}.txt").write_text(scraped(record), encoding="utf-8")
            in_place.append(wait_searchable(index_dir, [record["id"]], time.monotonic()))
        burst = incoming[2 * args.singles:]
        started = time.monotonic()
        for record in burst:
            (inbox / f".{record['id']}.part").write_text(scraped(record), encoding="utf-8")
            os.replace(inbox / f".{record['id']}.part", inbox / f"{record['id']}.txt")
        dropped = time.monotonic() - started
        burst_seconds = wait_searchable(index_dir, [record["id"] for record in burst], started)
        cpu = cpu_seconds(process.pid)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=120)
    batches = [int(match.group(1)) for match in BATCH.finditer(output)]
    print(f"index: {args.base + 11} articles before the watch; load average {os.getloadavg()[0]:.1f}")
    print(summary("renamed into place, arrival to searchable", renamed))
    print(summary(f"written in place (settle {args.settle} s), end of write to searchable", in_place))
    print(f"burst: {len(burst)} files renamed in over {dropped:.2f} s, all searchable {burst_seconds:.2f} s after the "
          f"first ({len(burst) / burst_seconds:.0f} files/s)")
    print(f"batches: {len(batches)}, files per batch {batches}")
    print(f"watch CPU time: {cpu:.1f} s")


if __name__ == "__main__":
    main()
