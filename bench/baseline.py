"""The SQLite FTS5 baseline: the same articles, the same folding, the same query classes, in the standard library.

One FTS5 table holds each article's title and text twice, as our analyzer writes them: exact forms (NFC, lower case,
canonical tone marks) and folded forms (no marks, ``đ`` -> ``d``), one syllable per token, so FTS5's own
``unicode61`` tokenizer (``remove_diacritics 0``) only has to split on spaces. A query is parsed by our own
``parse_query`` and each word searches the exact columns when typed with marks and the folded columns otherwise,
which is what our engine does. Ranking is FTS5's ``bm25`` with the title weighted as ours is.

Facet values are not re-extracted: a side table of ``(doc, facet, value)`` rows is copied from our index (the same
values our facets count), and counts are one ``GROUP BY`` over the matching documents. The baseline build time
therefore excludes metadata extraction and is not comparable to our indexing time.
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from searchsvc.article import Article
from searchsvc.text.analysis import analyze
from searchsvc.search.facets import FACET_SIZE, FACETS
from searchsvc.ingest.parse import iter_input_files, read_articles
from searchsvc.search.query import ParsedQuery, QueryWord, parse_query

from bench.queries import PER_PAGE, BenchQuery

TITLE_WEIGHT = 2.0
SNIPPET_TOKENS = 24
BATCH = 2000


@dataclass
class BaselineResult:
    total: int
    hits: list[tuple]
    facets: dict[str, list[tuple[str, int]]]


class SqliteBuilder:
    """Writes the baseline database article by article (``build_references`` feeds it), renamed when complete."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = db_path.with_suffix(".partial")
        self.partial.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.partial)
        self.db.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE VIRTUAL TABLE docs USING fts5(
                title, body, title_folded, body_folded, tokenize = 'unicode61 remove_diacritics 0');
            CREATE TABLE articles (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, url TEXT,
                                   published TEXT, day INTEGER);
            CREATE TABLE facets (doc INTEGER, facet TEXT, value TEXT, PRIMARY KEY (doc, facet, value)) WITHOUT ROWID;
        """)
        self.rows: list[tuple] = []
        self.article_rows: list[tuple] = []
        self.facet_rows: list[tuple] = []

    def add(self, row: PreparedArticle) -> None:
        article = row.article
        self.rows.append((row.rowid, row.title, row.body, row.title_folded, row.body_folded))
        self.article_rows.append((row.rowid, article.id, article.title, article.url,
                                  article.published.isoformat() if article.published else None, row.day))
        self.facet_rows.extend((row.rowid, facet, value) for facet, value in row.facets)
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO docs(rowid, title, body, title_folded, body_folded) VALUES (?, ?, ?, ?, ?)",
                            self.rows)
        self.db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", self.article_rows)
        self.db.executemany("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)", self.facet_rows)
        self.rows.clear(), self.article_rows.clear(), self.facet_rows.clear()

    def finish(self) -> int:
        """Index, optimize and rename into place; the database's size in bytes."""
        self._flush()
        self.db.executescript("""
            CREATE INDEX facets_by_value ON facets (facet, value, doc);
            CREATE INDEX articles_by_day ON articles (day);
            INSERT INTO docs(docs) VALUES ('optimize');
            ANALYZE;
        """)
        self.db.commit()
        self.db.close()
        self.partial.replace(self.db_path)
        return self.db_path.stat().st_size


def build_references(builders: dict, corpus_paths: list[Path], view) -> dict[str, dict]:
    """Feed every reference engine's builder from one pass of ``prepared_articles`` (our analysis is most of the
    cost); each engine's build seconds include the shared preparation, as if it were built alone."""
    seconds = dict.fromkeys(builders, 0.0)
    preparing, count = 0.0, 0
    articles = prepared_articles(corpus_paths, view)
    while True:
        started = time.perf_counter()
        row = next(articles, None)
        preparing += time.perf_counter() - started
        if row is None:
            break
        count += 1
        for name, builder in builders.items():
            started = time.perf_counter()
            builder.add(row)
            seconds[name] += time.perf_counter() - started
    metrics = {}
    for name, builder in builders.items():
        started = time.perf_counter()
        size = builder.finish()
        seconds[name] += time.perf_counter() - started
        metrics[name] = {"articles": count, "seconds": seconds[name] + preparing, "bytes": size}
    return metrics


@dataclass(frozen=True)
class PreparedArticle:
    """One article as both reference engines index it: our analysis joined by spaces, our facet values, its day."""

    rowid: int
    article: Article
    title: str
    body: str
    title_folded: str
    body_folded: str
    day: int
    facets: list[tuple[str, str]]


def prepared_articles(corpus_paths: list[Path], view) -> Iterator[PreparedArticle]:
    """The articles of ``corpus_paths`` (the last record of a repeated id, as our indexer keeps), analyzed as ours are."""
    articles = {}
    for path in iter_input_files(corpus_paths):
        if isinstance(path, Path):
            for article in read_articles(path):
                if not isinstance(article, Exception):
                    articles[article.id] = article
    facet_rows = _facet_rows(view)
    days = view.days
    for rowid, article in enumerate(articles.values(), start=1):
        title_tokens = analyze(article.title)
        text_tokens = analyze(article.body)
        docnum = view.docnum_of(article.id)
        yield PreparedArticle(
            rowid, article,
            " ".join(t.exact for t in title_tokens), " ".join(t.exact for t in text_tokens),
            " ".join(t.folded for t in title_tokens), " ".join(t.folded for t in text_tokens),
            int(days[docnum]) if docnum is not None else -1,
            facet_rows.get(docnum, []) if docnum is not None else [])


def _flush(db, rows, article_rows, facet_batch) -> None:
    db.executemany("INSERT INTO docs(rowid, title, body, title_folded, body_folded) VALUES (?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", article_rows)
    db.executemany("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)", facet_batch)
    rows.clear(), article_rows.clear(), facet_batch.clear()


def _facet_rows(view) -> dict[int, list[tuple[str, str]]]:
    """``docnum -> [(facet, value)]`` for every facet entry of the index."""
    by_doc: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for facet in FACETS:
        table = view.facet_table(facet)
        for doc, value in zip(table.entry_docs.tolist(), table.entry_values.tolist()):
            by_doc[doc].append((facet, table.values[value]))
    return by_doc


class Baseline:
    """A read-only connection to a baseline database, answering ``BenchQuery`` the way ``search`` does."""

    def __init__(self, db_path: Path):
        self.db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self.db.execute("PRAGMA cache_size = -262144")  # 256 MB, as our posting cache
        self.db.execute("PRAGMA mmap_size = 1073741824")

    def close(self) -> None:
        self.db.close()

    def search(self, query: BenchQuery) -> BaselineResult:
        offset = (query.page - 1) * PER_PAGE
        if not query.q:
            return self._filter_only(query, offset)
        match = to_match(parse_query(query.q))
        if match is None:
            return BaselineResult(0, [], {})
        total = self.db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]
        page = self.db.execute(
            f"SELECT rowid, bm25(docs, {TITLE_WEIGHT}, 1.0, {TITLE_WEIGHT}, 1.0) AS score,"
            f" snippet(docs, 1, '<mark>', '</mark>', '…', {SNIPPET_TOKENS}) FROM docs WHERE docs MATCH ?"
            " ORDER BY score LIMIT ? OFFSET ?", (match, PER_PAGE, offset)).fetchall()
        hits = self._articles(page)
        facets = self._facet_counts(match) if query.kind == "faceted" else {}
        return BaselineResult(total, hits, facets)

    def _filter_only(self, query: BenchQuery, offset: int) -> BaselineResult:
        (facet, value), = query.filters
        total = self.db.execute("SELECT count(*) FROM facets WHERE facet = ? AND value = ?", (facet, value)).fetchone()[0]
        hits = self.db.execute(
            "SELECT a.rowid, a.id, a.title, a.url, a.published FROM facets f JOIN articles a ON a.rowid = f.doc"
            " WHERE f.facet = ? AND f.value = ? ORDER BY a.day DESC LIMIT ? OFFSET ?",
            (facet, value, PER_PAGE, offset)).fetchall()
        # Our answer to a filter-only request carries the four facets' counts too: the baseline computes the same.
        counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for other, other_value, count in self.db.execute(
                "SELECT g.facet, g.value, count(*) AS n FROM facets f JOIN facets g ON g.doc = f.doc"
                " WHERE f.facet = ? AND f.value = ? GROUP BY g.facet, g.value ORDER BY g.facet, n DESC",
                (facet, value)):
            if len(counts[other]) < FACET_SIZE + 1:
                counts[other].append((other_value, count))
        return BaselineResult(total, hits, dict(counts))

    def _articles(self, page: list[tuple]) -> list[tuple]:
        if not page:
            return []
        marks = ",".join("?" * len(page))
        rows = {row[0]: row for row in self.db.execute(
            f"SELECT rowid, id, title, url, published FROM articles WHERE rowid IN ({marks})", [r[0] for r in page])}
        return [rows[r[0]] + (r[2],) for r in page]

    def _facet_counts(self, match: str) -> dict[str, list[tuple[str, int]]]:
        counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for facet, value, count in self.db.execute(
                "SELECT f.facet, f.value, count(*) AS n FROM docs JOIN facets f ON f.doc = docs.rowid"
                " WHERE docs MATCH ? GROUP BY f.facet, f.value ORDER BY f.facet, n DESC", (match,)):
            if len(counts[facet]) < FACET_SIZE + 1:
                counts[facet].append((value, count))
        return dict(counts)


def to_match(query: ParsedQuery) -> str | None:
    """An FTS5 MATCH expression with the semantics of our engine: every word, and every quoted phrase, must match.

    >>> to_match(parse_query('tinh Biên "hội nghị"'))
    '{title_folded body_folded} : "tinh" AND {title body} : "biên" AND {title body} : "hội" AND {title body} : "nghị" AND {title body} : "hội nghị"'
    """
    if query.is_empty:
        return None
    parts = [_column_filter(word.marked, word.term) for word in dict.fromkeys(query.words)]
    for phrase in query.phrases:
        parts.append(_phrase(phrase))
    for word in query.excluded:
        parts.append("NOT " + _column_filter(word.marked, word.term))
    expression = " AND ".join(p for p in parts if not p.startswith("NOT "))
    for p in parts:
        if p.startswith("NOT "):
            expression += " " + p
    return expression


def _phrase(phrase: tuple[QueryWord, ...]) -> str:
    if all(word.marked for word in phrase):
        return _column_filter(True, " ".join(word.exact for word in phrase))
    return _column_filter(False, " ".join(word.folded for word in phrase))


def _column_filter(marked: bool, text: str) -> str:
    columns = "{title body}" if marked else "{title_folded body_folded}"
    return f'{columns} : "{text}"'

