"""Draw the development gold sample for the extractors, and split it before any rule is tuned on it.

Articles are drawn at random from every source of ``../shared/corpus`` and ``../shared/samples`` (the Báo Bình Định
articles in the scraper's text layout, so that layout is measured too), leaving out the ids of the older gold sets.
A fixed share is sealed by a hash of the id, so the split cannot drift with the order of the files: the tuning part
is what rules may be adjusted on, the sealed part is scored once, at the end. Run as
``python -m quality.facts_sample`` (it rewrites ``gold/facts_sample.jsonl``; the draw is seeded and repeatable).
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

from quality.corpus import CORPUS

SAMPLES = CORPUS.parent / "samples"
GOLD = Path(__file__).resolve().parent / "gold"
SAMPLE_FILE = GOLD / "facts_sample.jsonl"
SEED = 20261202
SEALED_SHARE = 3  # one article in three is sealed
DRAWS = {
    "baomoi_2017.jsonl": 180,
    "news_mds_phenikaa.jsonl": 60,
    "vietnamese_mds_ktlab.jsonl": 45,
    "daksong_portal_samples.jsonl": 5,
}
TEXT_LAYOUT_DRAWS = {"binhdinh": 30}


def part_of(article_id: str) -> str:
    """``sealed`` or ``tune``, from the id alone."""
    digest = hashlib.sha256(article_id.encode("utf-8")).digest()
    return "sealed" if digest[0] % SEALED_SHARE == 0 else "tune"


def draw() -> list[dict]:
    old_gold = {json.loads(line)["id"] for path in GOLD.glob("*.jsonl") if path != SAMPLE_FILE
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    rng = random.Random(SEED)
    rows = []
    for name, count in DRAWS.items():
        with (CORPUS / name).open(encoding="utf-8") as lines:
            ids = [json.loads(line)["id"] for line in lines if line.strip()]
        candidates = sorted(set(ids) - old_gold) or sorted(set(ids))  # a source wholly in the old gold still counts
        for article_id in rng.sample(candidates, min(count, len(candidates))):
            rows.append({"id": article_id, "file": f"corpus/{name}"})
    for folder, count in TEXT_LAYOUT_DRAWS.items():
        files = sorted(path.name for path in (SAMPLES / folder).glob("*.txt"))
        for file_name in rng.sample(files, count):
            rows.append({"id": file_name.removesuffix(".txt"), "file": f"samples/{folder}/{file_name}"})
    rows.append({"id": "tinh-bien-khoa-giao-2020", "file": "samples/tinh-bien-khoa-giao-2020.txt"})
    for row in rows:
        row["part"] = part_of(row["id"])
    return rows


def main() -> int:
    if not CORPUS.is_dir():
        print(f"Shared corpus not found at {CORPUS}: nothing to draw from.", file=sys.stderr)
        return 2
    rows = draw()
    SAMPLE_FILE.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    sealed = sum(row["part"] == "sealed" for row in rows)
    print(f"{len(rows)} articles: {len(rows) - sealed} to tune on, {sealed} sealed -> {SAMPLE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
