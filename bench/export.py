"""How long an export of 10,000 rows takes, CSV and .xlsx, through the whole HTTP route (test client, no network).

    python -m bench.export --index-dir /path/to/index      # an index with at least 10,000 articles

Each format is downloaded ``--repeat`` times with no query (every article, newest first, so the cap applies); the
median is printed with the rows per second, and the share of time spent reading rows in the search layer alone.
"""

from __future__ import annotations

import argparse
import statistics
import time

from searchsvc.search.export import MAX_EXPORT_ROWS, export_rows
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest
from searchsvc.web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    view = ViewCache(args.index_dir).get()
    rows = _median(args.repeat, lambda: sum(1 for _ in export_rows(view, SearchRequest()).rows))
    print(f"search layer only: {rows:.2f} s for {MAX_EXPORT_ROWS:,} rows")
    client = create_app({"INDEX_DIR": args.index_dir, "TESTING": True}).test_client()
    for fmt in ("csv", "xlsx"):
        sizes = []

        def download():
            response = client.get(f"/api/search?format={fmt}")
            sizes.append(len(response.get_data()))
            assert response.status_code == 200, response.status_code

        seconds = _median(args.repeat, download)
        print(f"{fmt}: {seconds:.2f} s, {MAX_EXPORT_ROWS / seconds:,.0f} rows/s, {sizes[-1]:,} bytes")


def _median(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
