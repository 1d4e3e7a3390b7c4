"""Benchmark queries drawn from the corpus itself (seeded), never hand-picked.

Text queries are cut out of randomly chosen articles, so their words follow the corpus's own frequencies: a one-word
query is usually a syllable found in most articles, which is the hard case for the engine. Filter values are drawn
from the index's own facet entries, one entry per (article, value), so a directive cited by many articles is drawn
more often, as a user who clicks on facets would.

Classes (``KINDS``):

* ``one_word``: one syllable as written (with its marks);
* ``three_words_unmarked``: three neighbouring syllables typed without marks;
* ``phrase``: two or three neighbouring syllables, with marks, in quotes;
* ``faceted``: the three-word queries again, with the four facet counts;
* ``filter_only``: one directive value, no text, newest first;
* ``deep_page``: a one-word query found in at least ``DEEP_PAGE_MIN_DOCS`` sampled articles' share, page 50;
* ``http_faceted``: (HTTP only) a three-word query with the locality filter of the article it came from.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from werkzeug.datastructures import MultiDict

from searchsvc.text.analysis import AnalyzedToken, analyze
from searchsvc.text.normalize import nfc

KINDS = ("one_word", "three_words_unmarked", "phrase", "faceted", "filter_only", "deep_page")
DEEP_PAGE = 50
PER_PAGE = 10
SAMPLE_ARTICLES = 3000
# A deep-page query must have more than ``DEEP_PAGE * PER_PAGE`` hits; this margin allows for sampling error.
DEEP_PAGE_MARGIN = 1.5


@dataclass(frozen=True)
class BenchQuery:
    """One search, in the terms of the public API (``/api/search`` parameters)."""

    kind: str
    q: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    page: int = 1
    sort: str | None = None
    facets: bool = True
    source_id: str | None = field(default=None, compare=False)

    def args(self) -> MultiDict:
        """The request arguments, as the HTTP API takes them (``SearchRequest.from_pairs`` reads their ``items(multi=True)``)."""
        args = MultiDict()
        if self.q:
            args.add("q", self.q)
        for name, value in self.filters:
            args.add(name, value)
        if self.page != 1:
            args.add("page", str(self.page))
        if self.sort:
            args.add("sort", self.sort)
        return args

    def to_dict(self) -> dict:
        return {"kind": self.kind, "q": self.q, "filters": [list(f) for f in self.filters], "page": self.page,
                "sort": self.sort}


def sample_records(paths: Iterable[Path], count: int, rng: random.Random) -> list[dict]:
    """A uniform sample of ``count`` JSONL records (reservoir sampling: one pass, no full load)."""
    sample: list[str] = []
    seen = 0
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                seen += 1
                if len(sample) < count:
                    sample.append(line)
                else:
                    slot = rng.randrange(seen)
                    if slot < count:
                        sample[slot] = line
    records = []
    for line in sample:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and isinstance(record.get("body"), str):
            records.append(record)
    return records


def _runs(text: str, tokens: tuple[AnalyzedToken, ...], length: int) -> list[tuple[AnalyzedToken, ...]]:
    """Every stretch of ``length`` word tokens separated only by spaces (no punctuation, no numbers)."""
    runs = []
    for start in range(len(tokens) - length + 1):
        window = tokens[start:start + length]
        if not all(t.exact.isalpha() for t in window):
            continue
        if all(text[a.end:b.start] == " " for a, b in zip(window, window[1:])):
            runs.append(window)
    return runs


def draw_queries(corpus_paths: list[Path], view, count: int = 100, seed: int = 1) -> dict[str, list[BenchQuery]]:
    """``count`` queries of every class (fewer only where the corpus has too few candidates), the same for a seed."""
    rng = random.Random(seed)
    records = sample_records(corpus_paths, SAMPLE_ARTICLES, rng)
    texts = [(r["id"], nfc(f"{r.get('title') or ''}\n{r['body']}")) for r in records]
    analyzed = [(article_id, text, analyze(text)) for article_id, text in texts]
    doc_counts = Counter()
    for _, _, tokens in analyzed:
        doc_counts.update({t.folded for t in tokens})
    total_docs = view.doc_count
    queries: dict[str, list[BenchQuery]] = {kind: [] for kind in KINDS}
    queries["http_faceted"] = []

    def pick_run(length: int):
        for _ in range(50):
            article_id, text, tokens = rng.choice(analyzed)
            runs = _runs(text, tokens, length)
            if runs:
                return article_id, rng.choice(runs)
        return None, None

    attempts = 0
    while len(queries["one_word"]) < count and attempts < count * 50:
        attempts += 1
        article_id, run = pick_run(1)
        if run and len(run[0].folded) >= 2:
            queries["one_word"].append(BenchQuery("one_word", run[0].exact, source_id=article_id))
    deep_floor = DEEP_PAGE * PER_PAGE * DEEP_PAGE_MARGIN / max(total_docs, 1) * len(analyzed)
    attempts = 0
    while len(queries["deep_page"]) < count and attempts < count * 50:
        attempts += 1
        article_id, run = pick_run(1)
        if run and len(run[0].folded) >= 2 and doc_counts[run[0].folded] >= deep_floor:
            queries["deep_page"].append(BenchQuery("deep_page", run[0].exact, page=DEEP_PAGE, source_id=article_id))
    for _ in range(count):
        article_id, run = pick_run(3)
        if run is None:
            break
        q = " ".join(t.folded for t in run)
        queries["three_words_unmarked"].append(BenchQuery("three_words_unmarked", q, source_id=article_id))
        queries["faceted"].append(BenchQuery("faceted", q, source_id=article_id))
        locality = _facet_values_of(view, "locality", article_id)
        filters = (("locality", rng.choice(locality)),) if locality else ()
        queries["http_faceted"].append(BenchQuery("http_faceted", q, filters=filters, source_id=article_id))
        article_id, run = pick_run(rng.choice((2, 3)))
        if run:
            phrase = " ".join(t.exact for t in run)
            queries["phrase"].append(BenchQuery("phrase", f'"{phrase}"', source_id=article_id))
    queries["filter_only"] = [BenchQuery("filter_only", filters=(("directive", value),), sort="newest")
                              for value in _draw_facet_values(view, "directive", count, rng)]
    return queries


def _draw_facet_values(view, facet: str, count: int, rng: random.Random) -> list[str]:
    """Values drawn one (article, value) entry at a time, so values are as frequent as in the index."""
    table = view.facet_table(facet)
    if not len(table.entry_docs):
        return []
    live = view.live[table.entry_docs]
    entries = np.flatnonzero(live)
    picks = [int(entries[rng.randrange(len(entries))]) for _ in range(count)]
    return [table.values[int(table.entry_values[i])] for i in picks]


def _facet_values_of(view, facet: str, article_id: str) -> list[str]:
    """The values of one facet held by one article, read from the index."""
    docnum = view.docnum_of(article_id)
    if docnum is None:
        return []
    table = view.facet_table(facet)
    positions = table.entry_values[table.entry_docs == docnum]
    # Only top-level values (provinces): a district filter alone would often leave a single article.
    return [table.values[int(p)] for p in positions if not table.meta[int(p)].get("parent")]
