"""Measure the locality and byline extractors against the hand-annotated gold sets.

The gold files hold only article ids and annotations; the texts are read from the shared development corpus
(``../shared/corpus``), which may not be redistributed. Run as ``python -m quality.extraction_metadata``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from quality.corpus import CORPUS, records_by_id
from searchsvc.ingest.authors import extract_byline
from searchsvc.ingest.gazetteer import fold_key
from searchsvc.ingest.localities import extract_localities

GOLD = Path(__file__).resolve().parent / "gold"


def main() -> int:
    if not CORPUS.is_dir():
        print(f"Shared corpus not found at {CORPUS}: the gold sets hold ids only, so there is nothing to measure.",
              file=sys.stderr)
        return 2
    localities = _read_jsonl(GOLD / "localities.jsonl")
    authors = _read_jsonl(GOLD / "authors.jsonl")
    records = records_by_id({row["id"] for row in localities + authors})
    missing = sorted({row["id"] for row in localities + authors} - records.keys())
    if missing:
        print(f"{len(missing)} gold ids are not in the corpus: {', '.join(missing)}", file=sys.stderr)
        return 2
    _report_localities(localities, records)
    _report_authors(authors, records)
    return 0


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]




def _scores(true_positives: int, predicted: int, expected: int) -> str:
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"


def _report_localities(gold: list[dict], records: dict[str, dict]) -> None:
    counts = {"province": [0, 0, 0], "main": [0, 0, 0]}
    errors = []
    for row in gold:
        record = records[row["id"]]
        found = extract_localities(record["title"], record["body"], record.get("author"))
        provinces = {place.province_code for place in found if place.province_code}
        main = {fold_key(place.name) for place in found if place.role == "main"}
        expected_provinces, expected_main = set(row["provinces"]), {fold_key(name) for name in row["main"]}
        for name, got, expected in (("province", provinces, expected_provinces), ("main", main, expected_main)):
            counts[name][0] += len(got & expected)
            counts[name][1] += len(got)
            counts[name][2] += len(expected)
        if provinces != expected_provinces:
            errors.append(f"  {row['id']}: provinces {sorted(provinces)} expected {sorted(expected_provinces)}"
                          f"  [{', '.join(f'{p.name}/{p.province_code}' for p in found)}]")
    print(f"Localities: {len(gold)} articles")
    print(f"  provinces     {_scores(*counts['province'])}")
    print(f"  main places   {_scores(*counts['main'])}  (folded names)")
    print(f"  province errors ({len(errors)}):", *errors, sep="\n")


def _report_authors(gold: list[dict], records: dict[str, dict]) -> None:
    exact = credits = 0
    errors = []
    for row in gold:
        record = records[row["id"]]
        authors, credit = extract_byline(record.get("author"), record["body"])
        exact += list(authors) == row["authors"]
        credits += credit == row["source_credit"]
        if list(authors) != row["authors"] or credit != row["source_credit"]:
            errors.append(f"  {row['id']}: got {list(authors)} / {credit!r}, expected {row['authors']} / "
                          f"{row['source_credit']!r}")
    print(f"Authors: {len(gold)} articles")
    print(f"  authors exactly right   {exact / len(gold):.3f} ({exact}/{len(gold)})")
    print(f"  source credit right     {credits / len(gold):.3f} ({credits}/{len(gold)})")
    print(f"  errors ({len(errors)}):", *errors, sep="\n")


if __name__ == "__main__":
    sys.exit(main())
