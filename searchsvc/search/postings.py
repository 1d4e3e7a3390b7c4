"""Whoosh posting lists as numpy arrays, and the per-generation data the query engine needs.

Whoosh's matchers do Python work for every posting (``next()``, ``score()``); a common Vietnamese syllable has a
posting in most articles, so that work dominates every query. Here a posting list is read block by block (one
unpickle and one ``cumsum`` per block of up to 128 postings) into arrays of global document numbers and
frequencies, and the engine does the rest with vectorised numpy.

The Whoosh internals this needs live in ``w3.py``.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import TermNotFound

from searchsvc.index.generations import live_generation
from searchsvc.search.directives import catalogue_aliases
from searchsvc.index.schema import split_facet_term
from searchsvc.index.w3 import deleted_docs, read_blocks, read_field_lengths
from searchsvc.text.normalize import repair_value

CACHE_BYTES = 192 * 1024 * 1024
# Below one matching document per this many facet entries, count through the documents' own entries.
SPARSE_SHARE = 32
# The day of an article with no date: below any real one (articles before 1970 have negative days).
UNKNOWN_DAY = np.iinfo(np.int32).min
EMPTY_DOCS = np.zeros(0, dtype=np.int32)
EMPTY_FREQS = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class Postings:
    """Sorted global document numbers and the term's frequency in each."""

    docs: np.ndarray
    freqs: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.docs.nbytes + self.freqs.nbytes


@dataclass(frozen=True)
class FacetTable:
    """Every value of one facet field, and which documents hold which value, as parallel arrays.

    ``entry_docs[i]`` holds ``values[entry_values[i]]``; counting the values of a set of documents is one
    ``bincount`` over the entries whose document is in the set.
    """

    values: tuple[str, ...]
    meta: tuple[dict, ...]
    entry_docs: np.ndarray
    entry_values: np.ndarray
    aliases: dict[str, str] = field(default_factory=dict)

    @cached_property
    def value_starts(self) -> np.ndarray:
        """Where each value's entries begin (entries are grouped by value): a value's documents without a scan."""
        return np.searchsorted(self.entry_values, np.arange(len(self.values) + 1))

    @cached_property
    def by_document(self) -> tuple[np.ndarray, np.ndarray]:
        """The entries again, grouped by document: ``(starts per document, values)``, for counting few documents."""
        order = np.argsort(self.entry_docs, kind="stable")
        docs = self.entry_docs[order]
        return np.searchsorted(docs, np.arange(int(docs[-1]) + 2 if len(docs) else 1)), self.entry_values[order]

    def documents_of(self, position: int) -> np.ndarray:
        return self.entry_docs[self.value_starts[position]:self.value_starts[position + 1]]

    def count(self, base: np.ndarray) -> np.ndarray:
        """How many ``base`` documents hold each value; few documents are counted through their own entries."""
        docs = np.flatnonzero(base)
        if len(docs) * SPARSE_SHARE > len(self.entry_docs):
            return np.bincount(self.entry_values[base[self.entry_docs]], minlength=len(self.values))
        starts, values = self.by_document
        docs = docs[docs < len(starts) - 1]
        lengths = starts[docs + 1] - starts[docs]
        offsets = np.repeat(starts[docs] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return np.bincount(values[offsets], minlength=len(self.values))

    @cached_property
    def parent_positions(self) -> np.ndarray:
        """Position of each value's parent (a district's province, a month's year), or -1."""
        return np.array([self.position.get(m.get("parent"), -1) if m.get("parent") else -1 for m in self.meta],
                        dtype=np.int64)

    @cached_property
    def labels(self) -> tuple[str, ...]:
        return tuple(m.get("label", value) for value, m in zip(self.values, self.meta))

    @cached_property
    def label_ranks(self) -> np.ndarray:
        """Each value's place in label order, so ties in a count sort alphabetically without Python sorting."""
        ranks = np.empty(len(self.values), dtype=np.int64)
        ranks[sorted(range(len(self.values)), key=self.labels.__getitem__)] = np.arange(len(self.values))
        return ranks

    @cached_property
    def position(self) -> dict[str, int]:
        """Where each value (or a value merged into another, by its old name) sits in ``values``."""
        positions = {value: i for i, value in enumerate(self.values)}
        positions.update({alias: positions[target] for alias, target in self.aliases.items()})
        return positions


class IndexView:
    """One open generation of the index: a Whoosh reader plus arrays derived from it, built once and reused.

    A worker's threads share one view. Whoosh's segment readers move a shared file position, so every read of the
    reader happens under ``_lock``, and each derived array is built once under it and never changed afterwards.
    """

    def __init__(self, path: Path):
        self.path = path
        self.ix = whoosh_index.open_dir(str(path))
        self.reader = self.ix.reader()
        # Segment files are plain open files: close them when the view is dropped, not at interpreter exit.
        self._closer = weakref.finalize(self, self.reader.close)
        self.generation = f"{path.name}:{self.reader.generation():06d}"
        self.doc_count_all = self.reader.doc_count_all()
        self.leaves = list(self.reader.leaf_readers())
        # Reentrant: a facet table is built from posting lists, which take the lock too.
        self._lock = threading.RLock()
        self._cache: OrderedDict[tuple, Postings] = OrderedDict()
        self._cache_bytes = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._facets: dict[str, FacetTable] = {}
        self._days: np.ndarray | None = None
        # Read before any other thread can see the view: every posting read filters by it.
        self.live = self._live_documents()
        self.doc_count = int(self.live.sum())

    def close(self) -> None:
        self._closer()

    def _live_documents(self) -> np.ndarray:
        """True for documents that are not deleted."""
        live = np.ones(self.doc_count_all, dtype=bool)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                live[deleted_docs(leaf) + offset] = False
        return live

    def postings(self, field: str, text: str) -> Postings:
        """The posting list of one term over the whole index, from the cache when it was read before."""
        key = (field, text)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            postings = self._read_postings(field, text)
            self._remember(key, postings)
            return postings

    def _remember(self, key: tuple, postings: Postings) -> None:
        self._cache[key] = postings
        self._cache_bytes += postings.nbytes
        while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._cache_bytes -= evicted.nbytes

    def _read_postings(self, field: str, text: str) -> Postings:
        docs_parts, freq_parts = [], []
        for leaf, offset in self.leaves:
            try:
                matcher = leaf.postings(field, text)
            except TermNotFound:
                continue
            for docs, freqs in read_blocks(matcher):
                docs_parts.append(docs + offset)
                freq_parts.append(freqs)
        if not docs_parts:
            return Postings(EMPTY_DOCS, EMPTY_FREQS)
        docs = np.concatenate(docs_parts).astype(np.int32)
        freqs = np.concatenate(freq_parts)
        live = self.live[docs]
        if not live.all():
            docs, freqs = docs[live], freqs[live]
        return Postings(docs, freqs)

    def field_lengths(self, field: str) -> np.ndarray:
        """Token count of ``field`` in every document (Whoosh stores it rounded to one byte)."""
        with self._lock:
            lengths = self._lengths.get(field)
            if lengths is None:
                parts = [read_field_lengths(leaf._perdoc, field, leaf.doc_count_all()) for leaf, _ in self.leaves]
                lengths = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, dtype=np.float32)
                self._lengths[field] = lengths
            return lengths

    def doc_frequency(self, field: str, text: str) -> int:
        """How many documents hold the term: known from the term index, without reading its postings."""
        with self._lock:
            return self.reader.doc_frequency(field, text)

    def average_length(self, field: str) -> float:
        with self._lock:
            total = self.reader.field_length(field)
        return max(total / max(self.doc_count, 1), 1.0)

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Up to ``limit`` terms of ``field`` beginning with ``prefix``, in term order, with their document counts."""
        with self._lock:
            terms = []
            for term in self.reader.expand_prefix(field, prefix):
                if len(terms) >= limit:
                    break
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                terms.append((term, self.reader.doc_frequency(field, term)))
            return terms

    def facet_table(self, field: str) -> FacetTable:
        """All values of a facet field with their documents, read once per generation from the term list."""
        with self._lock:
            table = self._facets.get(field)
            if table is None:
                table = self._facets[field] = self._read_facet_table(field)
            return table

    def _read_facet_table(self, field: str) -> FacetTable:
        # Terms of one value can differ in their meta (an issuer or an author's name spelt two ways): they are
        # one value, shown with the meta that says most (``_specificity``). An empty value cannot be selected: dropped.
        grouped: dict[str, list[tuple[dict, np.ndarray]]] = {}
        # An index built before a facet field existed (``locality_all``) has no terms for it: no values.
        terms = self.reader.field_terms(field) if field in self.reader.schema else ()
        for term in sorted(set(terms)):
            value, term_meta = split_facet_term(term)
            if value:
                grouped.setdefault(value, []).append((term_meta, self.postings(field, term).docs))
        aliases = {}
        if field == "directive":
            aliases = catalogue_aliases({value: parts[0][0] for value, parts in grouped.items()})
            for alias, target in aliases.items():
                grouped[target].extend(grouped.pop(alias))
        values, meta, docs_parts, value_parts = [], [], [], []
        for number, (value, parts) in enumerate(grouped.items()):
            docs = parts[0][1] if len(parts) == 1 else np.unique(np.concatenate([docs for _, docs in parts]))
            values.append(value)
            meta.append(max(parts, key=_specificity)[0])
            docs_parts.append(docs)
            value_parts.append(np.full(len(docs), number, dtype=np.int32))
        return FacetTable(
            values=tuple(values),
            meta=tuple(meta),
            entry_docs=np.concatenate(docs_parts) if docs_parts else EMPTY_DOCS,
            entry_values=np.concatenate(value_parts) if value_parts else EMPTY_DOCS,
            aliases=aliases,
        )

    @property
    def days(self) -> np.ndarray:
        """Publication day of every document as days since 1970 (negative before it), ``UNKNOWN_DAY`` where unknown;
        for sorting and ranges."""
        with self._lock:
            if self._days is None:
                days = np.full(self.doc_count_all, UNKNOWN_DAY, dtype=np.int32)
                for term in list(self.reader.field_terms("day")):
                    days[self.postings("day", term).docs] = np.datetime64(term, "D").astype(np.int64)
                self._days = days
            return self._days

    def stored(self, docnum: int) -> dict:
        """The stored article, its cited directives named as the facet names them (see ``catalogue_aliases``)."""
        with self._lock:
            document = self.reader.stored_fields(docnum)["document"]
        document = repair_value(document)  # again at output: an index may hold records from before the repair
        table = self.facet_table("directive")
        if not any(d["id"] in table.aliases for d in document.get("directives", [])):
            return document
        resolved = {}
        for directive in document["directives"]:
            target = table.aliases.get(directive["id"])
            resolved.setdefault(target or directive["id"], table.meta[table.position[target]] if target else directive)
        return {**document, "directives": list(resolved.values())}

    def docnum_of(self, article_id: str) -> int | None:
        postings = self.postings("id", article_id)
        return int(postings.docs[0]) if len(postings.docs) else None


def _specificity(part: tuple[dict, np.ndarray]) -> tuple:
    """Which of a value's terms names it: the one that says most about the document (year, symbol, issuer), then
    the most frequent."""
    meta, docs = part
    return bool(meta.get("year")), bool(meta.get("symbol")), bool(meta.get("issuer")), len(docs)


class ViewCache:
    """The view of the live generation, reopened when an indexer swaps or commits a new one.

    A check costs two ``stat`` calls and a folder listing, so every request can make it; it is made under the lock,
    so views never go backwards (the generation name and the Whoosh TOC generation only grow). A request pins its
    view with ``acquire`` and unpins it with ``release``; a view that is no longer live is closed once its last
    request has released it, never while one still reads it.
    """

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._view: IndexView | None = None
        self._key: tuple | None = None
        self._users: dict[IndexView, int] = {}
        self._lock = threading.Lock()

    def get(self) -> IndexView:
        """The live view, not pinned: for a single-threaded caller (the CLI, a script) that asks again after a swap."""
        with self._lock:
            return self._live()

    def acquire(self) -> IndexView:
        """The live view, pinned until ``release``: it stays open even if a new generation is swapped in meanwhile."""
        with self._lock:
            view = self._live()
            self._users[view] = self._users.get(view, 0) + 1
            return view

    def release(self, view: IndexView) -> None:
        with self._lock:
            self._users[view] -= 1
            if not self._users[view]:
                del self._users[view]
                if view is not self._view:
                    view.close()

    def _live(self) -> IndexView:
        path = live_generation(self.index_dir)
        key = (path, tuple(sorted(toc.name for toc in path.glob("_MAIN_*.toc"))))
        if self._view is None or key != self._key:
            retired, self._view, self._key = self._view, IndexView(path), key
            if retired is not None and retired not in self._users:
                retired.close()
        return self._view
