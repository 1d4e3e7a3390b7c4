"""The shared corpus, read in place for the evaluations (never copied into the project)."""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def records_by_id(ids: set[str]) -> dict[str, dict]:
    """The JSON records of the given article ids, from every file of the corpus."""
    records = {}
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["id"] in ids:
                    records[record["id"]] = record
    return records
