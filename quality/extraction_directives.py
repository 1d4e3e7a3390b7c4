"""Measure the directive extractor against the hand-annotated gold set: ``python -m quality.extraction_directives``.

The gold (``quality/gold/directives.jsonl``) lists, per corpus article id, every document the article cites, as read
by a person; the article text stays in ``../shared/corpus`` (it may not be redistributed). Scores are on distinct
(type, number) per article, so precision counts every document the extractor adds to an article; year recall is over
the gold documents whose year the text gives.

Rows without a ``batch`` key (batch 1, 72 articles) were annotated while the extractor was being written and tuned on
them. Rows with ``"batch": 2`` were added afterwards and drawn independently of the extractor: a seeded random sample
(``random.Random(20260502)``) of articles containing any type word (thông tư, quyết định, kế hoạch, luật, văn bản ...)
from every corpus file (baomoi_2017 restricted to gov_rank <= 3000), then, to raise the yield of numbered citations,
seeded samples (20260503, 20260504) of articles where a type word is followed by a number, plus articles holding a
bare symbol (``153/2010/TT-BTC``) with no type word just before it. Every citation was annotated by reading the text.
The figures are printed for all rows and for batch 2 alone: batch 2 was scored before the fixes it prompted, and the
closing figures quote both.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from quality.corpus import CORPUS, records_by_id
from searchsvc.ingest.directives import extract_directives

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "quality" / "gold" / "directives.jsonl"


def load_corpus(ids: set[str]) -> dict[str, tuple[str, date | None]]:
    """Title + body (and publication date) of the gold articles from the shared corpus."""
    return {
        article_id: (record["title"] + "\n" + record["body"],
                     date.fromisoformat(record["published"][:10]) if record.get("published") else None)
        for article_id, record in records_by_id(ids).items()
    }


def key(item: dict) -> tuple[str, str]:
    return item["type"], item["number"].lstrip("0").lower() or "0"


def score(entries: list[dict], articles: dict[str, tuple[str, date | None]], verbose: bool) -> str:
    """Precision, recall and F1 on distinct (type, number) per article, and year recall, as one line."""
    true_positive = false_positive = false_negative = years_given = years_found = 0
    for entry in entries:
        text, published = articles[entry["id"]]
        found = {key(d.to_dict()): d for d in extract_directives(text, published)}
        expected = {key(item): item for item in entry["directives"]}
        for k, item in expected.items():
            if k in found:
                true_positive += 1
            else:
                false_negative += 1
                if verbose:
                    print(f"MISS  {entry['id']}: {item['type']} {item['number']} {item['symbol'] or ''}")
            if item["year"] is not None:
                years_given += 1
                years_found += k in found and found[k].year == item["year"]
                if verbose and k in found and found[k].year != item["year"]:
                    print(f"YEAR  {entry['id']}: {found[k].label} gave {found[k].year}, expected {item['year']}")
        for k, directive in found.items():
            if k not in expected:
                false_positive += 1
                if verbose:
                    print(f"FALSE {entry['id']}: {directive.label}")
    precision = true_positive / ((true_positive + false_positive) or 1)
    recall = true_positive / ((true_positive + false_negative) or 1)
    f1 = 2 * precision * recall / ((precision + recall) or 1)
    return (f"articles {len(entries)}  documents {true_positive + false_negative}  "
            f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
            f"year recall {years_found / (years_given or 1):.3f} ({years_found}/{years_given})")


def main() -> int:
    if not CORPUS.is_dir():
        print(f"The shared corpus is missing ({CORPUS}); it is needed to read the gold articles.", file=sys.stderr)
        return 2
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = load_corpus({entry["id"] for entry in gold})
    missing = [entry["id"] for entry in gold if entry["id"] not in articles]
    if missing:
        print(f"Gold articles absent from the corpus: {missing}", file=sys.stderr)
        return 2
    for name, entries in (("all", gold), ("batch 2", [entry for entry in gold if entry.get("batch") == 2])):
        if entries:
            print(name.ljust(8), score(entries, articles, verbose=name == "all"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
