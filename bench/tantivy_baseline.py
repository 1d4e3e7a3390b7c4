"""The tantivy baseline: a Rust inverted index (Lucene's design) over the same articles, folding and query classes.

tantivy is what an inverted index can do on this hardware, so it is the second reference beside SQLite FTS5. The
articles are indexed exactly as for FTS5 (``baseline.prepared_articles``): title and text in our exact and folded
forms, one syllable per token, split by tantivy's ``whitespace`` tokenizer, with positions for phrases. A query
word searches the exact fields when typed with marks and the folded fields otherwise, the title boosted ×2 as ours
is; a quoted phrase is a phrase query; ranking is tantivy's BM25. Facet values are our index's (keyword fast fields)
and counted with ``terms`` aggregations, the directive filter is a term query sorted by a ``day`` fast field.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import tantivy

from searchsvc.search.facets import FACET_SIZE, FACETS
from searchsvc.search.query import ParsedQuery, parse_query

from bench.baseline import TITLE_WEIGHT, BaselineResult, PreparedArticle
from bench.queries import PER_PAGE, BenchQuery

TEXT_FIELDS = ("title", "body", "title_folded", "body_folded")
WRITER_HEAP = 256 * 1024 * 1024


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("rowid", stored=True, indexed=False, fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=name == "body", tokenizer_name="whitespace", index_option="position")
    for facet in FACETS:
        builder.add_text_field(facet, tokenizer_name="raw", fast=True)
    builder.add_integer_field("day", indexed=False, fast=True)
    return builder.build()


class TantivyBuilder:
    """Writes the tantivy index article by article (``baseline.build_references`` feeds it), renamed when complete."""

    def __init__(self, index_path: Path):
        self.index_path = index_path
        self.partial = index_path.with_suffix(".partial")
        shutil.rmtree(self.partial, ignore_errors=True)
        shutil.rmtree(index_path, ignore_errors=True)
        self.partial.mkdir(parents=True)
        self.writer = tantivy.Index(schema(), path=str(self.partial)).writer(heap_size=WRITER_HEAP)

    def add(self, row: PreparedArticle) -> None:
        document = tantivy.Document()
        document.add_integer("rowid", row.rowid)
        for name in TEXT_FIELDS:
            document.add_text(name, getattr(row, name))
        for facet, value in row.facets:
            document.add_text(facet, value)
        document.add_integer("day", row.day)
        self.writer.add_document(document)

    def finish(self) -> int:
        """Commit, merge and rename into place; the index's size in bytes."""
        self.writer.commit()
        self.writer.wait_merging_threads()
        self.partial.rename(self.index_path)
        return sum(p.stat().st_size for p in self.index_path.rglob("*") if p.is_file())


class TantivyBaseline:
    """A searcher over a built index, answering ``BenchQuery`` the way ``search`` does."""

    def __init__(self, index_path: Path):
        self.index = tantivy.Index.open(str(index_path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def close(self) -> None:
        self.searcher = None

    def search(self, query: BenchQuery) -> BaselineResult:
        offset = (query.page - 1) * PER_PAGE
        if not query.q:
            return self._filter_only(query, offset)
        parsed = to_query(self.schema, parse_query(query.q))
        if parsed is None:
            return BaselineResult(0, [], {})
        result = self.searcher.search(parsed, PER_PAGE, count=True, offset=offset)
        hits = self._hits(parsed, result.hits)
        facets = self._facet_counts(parsed) if query.kind == "faceted" else {}
        return BaselineResult(result.count, hits, facets)

    def _filter_only(self, query: BenchQuery, offset: int) -> BaselineResult:
        (facet, value), = query.filters
        parsed = tantivy.Query.term_query(self.schema, facet, value)
        result = self.searcher.search(parsed, PER_PAGE, count=True, order_by_field="day", offset=offset)
        return BaselineResult(result.count, self._hits(None, result.hits), self._facet_counts(parsed))

    def _hits(self, parsed, hits) -> list[tuple]:
        """Each hit's id and a snippet of its text, as the other engines return them."""
        snippets = tantivy.SnippetGenerator.create(self.searcher, parsed, self.schema, "body") if parsed else None
        page = []
        for key, address in hits:
            document = self.searcher.doc(address)
            snippet = snippets.snippet_from_doc(document).to_html() if snippets else ""
            page.append((document["rowid"][0], key, snippet))
        return page

    def _facet_counts(self, parsed) -> dict[str, list[tuple[str, int]]]:
        aggregations = {facet: {"terms": {"field": facet, "size": FACET_SIZE + 1}} for facet in FACETS}
        result = self.searcher.aggregate(parsed, aggregations)
        return {facet: [(bucket["key"], bucket["doc_count"]) for bucket in result[facet]["buckets"]]
                for facet in FACETS}


def to_query(schema: tantivy.Schema, query: ParsedQuery) -> tantivy.Query | None:
    """Every word and every quoted phrase must match (title or text), excluded words must not: our semantics."""
    if query.is_empty:
        return None
    clauses = [(tantivy.Occur.Must, _either_field(schema, word.marked, [word.term]))
               for word in dict.fromkeys(query.words)]
    for phrase in query.phrases:
        marked = all(word.marked for word in phrase)
        clauses.append((tantivy.Occur.Must, _either_field(
            schema, marked, [word.exact if marked else word.folded for word in phrase])))
    clauses += [(tantivy.Occur.MustNot, _either_field(schema, word.marked, [word.term])) for word in query.excluded]
    return tantivy.Query.boolean_query(clauses)


def _either_field(schema: tantivy.Schema, marked: bool, words: list[str]) -> tantivy.Query:
    """The words (one term, or a phrase) in the title, boosted as ours is, or in the text."""
    title, body = ("title", "body") if marked else ("title_folded", "body_folded")

    def one(field: str) -> tantivy.Query:
        if len(words) == 1:
            return tantivy.Query.term_query(schema, field, words[0])
        return tantivy.Query.phrase_query(schema, field, words)

    return tantivy.Query.boolean_query([
        (tantivy.Occur.Should, tantivy.Query.boost_query(one(title), TITLE_WEIGHT)),
        (tantivy.Occur.Should, one(body)),
    ])
