"""Known-item evaluation over ``../shared/corpus``: can a citizen find an article they know?

For a seeded sample of articles whose title is unique in the corpus, query the title as written, without marks,
decomposed (NFD) and with the old tone placement (``hoà``), and a six-word stretch of the body typed without marks;
report the share of queries whose first result is the article. Like the titles, the body stretch must be the
article's own: the corpus republishes stories from several papers, and a stretch that two articles share has no
single right answer, so stretches found in another article are passed over. Run: ``python -m quality.known_item``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path


from searchsvc import config
from searchsvc.text.analysis import analyze
from searchsvc.index.indexer import index_paths
from searchsvc.text.normalize import fold, fold_text
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest, search

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
SAMPLE_SIZE = 300
PHRASE_WORDS = 6
SEED = 20261126
OLD_STYLE = re.compile(r"^([^aeiouy]*)([òóỏõọ])a$|^([^aeiouy]*)([òóỏõọ])e$|^([^q]*?)([ùúủũụ])y$", re.IGNORECASE)
FORMS = ("title", "title_unaccented", "title_nfd", "title_old_tones", "body_phrase_unaccented")


def old_tone_placement(text: str) -> str:
    """Rewrite ``hòa``/``khỏe``/``thủy`` as ``hoà``/``khoẻ``/``thuỷ``: the spelling many older texts use."""
    def move(match: re.Match) -> str:
        word = match.group()
        decomposed = unicodedata.normalize("NFD", word)
        tone = next(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
        bare = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
        return unicodedata.normalize("NFC", bare + tone)

    return re.sub(r"\w+", lambda m: move(m) if OLD_STYLE.match(m.group()) else m.group(), text)


def load_corpus() -> list[dict]:
    records = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle if line.strip())
    return records


def build_queries(records: list[dict], rng: random.Random) -> list[tuple[str, str, str]]:
    """``(form, query, expected id)`` for every sampled article and every form."""
    folded_texts = {r["id"]: " " + " ".join(t.folded for t in analyze(f"{r['title']}\n{r['body']}")) + " "
                    for r in records}
    title_counts = Counter(fold_text(r["title"] or "") for r in records)
    unique = [r for r in records if r.get("title") and title_counts[fold_text(r["title"])] == 1]
    sample = rng.sample(unique, min(SAMPLE_SIZE, len(unique)))
    queries = []
    for record in sample:
        title = record["title"]
        queries += [
            ("title", title, record["id"]),
            ("title_unaccented", fold(title), record["id"]),
            ("title_nfd", unicodedata.normalize("NFD", title), record["id"]),
            ("title_old_tones", old_tone_placement(title), record["id"]),
        ]
        phrase = _own_body_phrase(record, folded_texts, rng)
        if phrase:
            queries.append(("body_phrase_unaccented", phrase, record["id"]))
    return queries


def _own_body_phrase(record: dict, folded_texts: dict[str, str], rng: random.Random, tries: int = 5) -> str | None:
    """A random six-word stretch of the body, typed without marks, that no other article contains."""
    tokens = analyze(record["body"] or "")
    for _ in range(tries):
        if len(tokens) <= PHRASE_WORDS:
            return None
        start = rng.randrange(0, len(tokens) - PHRASE_WORDS)
        phrase = " ".join(t.folded for t in tokens[start:start + PHRASE_WORDS])
        needle = f" {phrase} "
        if not any(needle in text for other, text in folded_texts.items() if other != record["id"]):
            return phrase
    return None


def evaluate(index_dir: Path, queries: list[tuple[str, str, str]], freshness: float = 0.0) -> dict[str, dict]:
    view = ViewCache(index_dir).get()
    found, asked, misses = Counter(), Counter(), {form: [] for form in FORMS}
    for form, query, expected in queries:
        result = search(view, SearchRequest.from_pairs({"q": query[:1000], "per_page": "1"}.items(), freshness))
        asked[form] += 1
        if result.hits and result.hits[0].id == expected:
            found[form] += 1
        else:
            misses[form].append((query, expected, result.hits[0].id if result.hits else None))
    return {form: {"queries": asked[form], "rank1": found[form] / max(asked[form], 1), "misses": misses[form]}
            for form in FORMS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="an index of ../shared/corpus (built in a temporary folder if absent)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"known-item evaluation needs the shared corpus at {CORPUS}", file=sys.stderr)
        return 2
    records = load_corpus()
    queries = build_queries(records, random.Random(SEED))
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index_dir
        if index_dir is None:
            index_dir = Path(scratch)
            index_paths([CORPUS], index_dir)
        figures = evaluate(index_dir, queries, config.check_freshness(config.from_environment()["FRESHNESS"]))
    print(f"{'form':26} {'queries':>8} {'rank-1':>8}")
    for form, row in figures.items():
        print(f"{form:26} {row['queries']:>8} {row['rank1']:>8.3f}")
        for query, expected, got in row["misses"][: args.show_misses]:
            print(f"    miss: {query[:90]!r} expected {expected} got {got}")
    if args.json:
        args.json.write_text(json.dumps({f: {k: v for k, v in r.items() if k != "misses"} for f, r in figures.items()},
                                        indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
