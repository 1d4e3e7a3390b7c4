"""Index a corpus in its own process, so the benchmark can read this process's peak RSS when it exits.

Indexing includes building the shared arrays, as ``searchsvc index`` does. Prints one JSON line: what
``index_paths`` reported, and the peak RSS and CPU seconds of this process (the writer) and of the processes it
waited for (its workers). On a shared machine the CPU seconds, not ``seconds``, say what the work costs.
Run: ``python -m bench.build_index INDEX_DIR PATH...``.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
from pathlib import Path

from searchsvc.index.indexer import index_paths
from searchsvc.search import shared


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.ERROR)
    index_dir, paths = Path(argv[0]), [Path(p) for p in argv[1:]]
    report = index_paths(paths, index_dir, rebuild=True, allow_drop=True, prepare=shared.prepare)
    writer, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "indexed": report.indexed,
        "updated": report.updated,
        "skipped": report.skipped,
        "seconds": report.seconds,
        "self_max_rss_kb": writer.ru_maxrss,
        "children_max_rss_kb": workers.ru_maxrss,
        "self_cpu_seconds": round(writer.ru_utime + writer.ru_stime, 2),
        "children_cpu_seconds": round(workers.ru_utime + workers.ru_stime, 2),
        "load_average": os.getloadavg(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
