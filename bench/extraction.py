"""CPU per article of the extractors (``enrich``: date, byline, places, directives) over ``../shared/corpus``.

    python -m bench.extraction                          # this tree's extractors
    python -m bench.extraction --against /work/main     # and another checkout's, in the same run

Issue 11 holds extraction to under 1 ms of CPU per article on average. The articles are read first (reading is the
parser's cost, not the extractors'), then each is enriched once untimed, to warm the caches every long indexing run
has warm, and ``--repeat`` more times under ``time.process_time``; the figure is the best repetition's mean.
``--against`` runs this same script in a child process whose ``searchsvc`` is imported from the other checkout, so
the two figures come from one run on one machine and the ratio between them is what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from quality.corpus import CORPUS


def measure(repeat: int) -> dict:
    """Read the corpus, then time ``enrich`` over every article; return articles and CPU ms per article."""
    from searchsvc.article import Article
    from searchsvc.ingest.extract import enrich
    from searchsvc.ingest.parse import read_articles

    articles = [item for path in sorted(CORPUS.glob("*.jsonl")) for item in read_articles(path)
                if isinstance(item, Article)]
    for article in articles:
        enrich(article)
    best = None
    for _ in range(repeat):
        started = time.process_time()
        for article in articles:
            enrich(article)
        elapsed = time.process_time() - started
        best = elapsed if best is None else min(best, elapsed)
    return {"articles": len(articles), "ms_per_article": best * 1000 / len(articles)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the corpus (default 3)")
    parser.add_argument("--against", type=Path, help="another checkout whose extractors to time in the same run")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"Shared corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    results = {"this tree": measure(args.repeat)}
    if args.against:
        env = {**os.environ, "PYTHONPATH": str(args.against.resolve())}
        child = subprocess.run([sys.executable, __file__, "--json", "--repeat", str(args.repeat)], env=env,
                               cwd=args.against, capture_output=True, text=True, check=True)
        results[str(args.against)] = json.loads(child.stdout)
    if args.json:
        print(json.dumps(results["this tree"]))
        return 0
    for name, figures in results.items():
        print(f"{name}: {figures['articles']} articles, {figures['ms_per_article']:.3f} ms CPU per article")
    if args.against:
        ours, theirs = results["this tree"]["ms_per_article"], results[str(args.against)]["ms_per_article"]
        print(f"ratio this tree / {args.against}: {ours / theirs:.2f}")
    print(f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
