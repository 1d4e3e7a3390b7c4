"""Whoosh posting lists as numpy arrays, and the per-generation data the query engine needs.

Whoosh's matchers do Python work for every posting (``next()``, ``score()``); a common Vietnamese syllable has a
posting in most articles, so that work dominates every query. Here a posting list is an array of global document
numbers and one of frequencies, and the engine does the rest with vectorised numpy. Frequent terms, field
lengths, days and facet tables come decoded from the generation's shared arrays (``shared.py``), mapped by every
worker; rare terms are read from Whoosh block by block (one unpickle and one ``cumsum`` per block of up to 128
postings) and kept in a small cache.

The Whoosh internals this needs live in ``w3.py``.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from searchsvc.index.generations import live_generation
from searchsvc.index.schema import shown_document
from searchsvc.index.w3 import deleted_docs
from searchsvc.search.shared import FACET_FIELDS, UNKNOWN_DAY, open_shared, open_stories, read_postings
from searchsvc.text.normalize import repair_value

__all__ = ["UNKNOWN_DAY", "FacetTable", "IndexView", "Postings", "StoredDocument", "ViewCache"]

# Rare terms only (frequent ones are in the shared arrays), so a small cache holds many queries' worth.
CACHE_BYTES = 32 * 1024 * 1024
# Counting a document through its own facet entries costs about as much as this many entries of the running count
# over every entry, plus twice its own entries (measured at 200k articles: per document ≈ 10 ns + 5 ns per entry,
# against ≈ 3 ns per entry for the running count).
DOCUMENT_COST = 3
# Small values derived from one generation and a request (a query's cost), remembered for the latest ones asked.
MEMO_ENTRIES = 1024


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

    ``entry_docs[i]`` holds ``values[entry_values[i]]`` (entries grouped by value); counting the values of a set of
    documents is one running count over the entries whose document is in the set. The same entries grouped by document
    (``doc_values[doc_starts[d]:doc_starts[d + 1]]`` are document ``d``'s values) count few documents, or the few
    live documents outside a set that holds most of the index, without a pass over every entry.
    """

    values: tuple[str, ...]
    meta: tuple[dict, ...]
    entry_docs: np.ndarray
    entry_values: np.ndarray
    doc_starts: np.ndarray
    doc_values: np.ndarray
    live: np.ndarray
    aliases: dict[str, str] = field(default_factory=dict)

    @cached_property
    def value_starts(self) -> np.ndarray:
        """Where each value's entries begin (entries are grouped by value): a value's documents without a scan."""
        return np.searchsorted(self.entry_values, np.arange(len(self.values) + 1))

    def documents_of(self, position: int) -> np.ndarray:
        return self.entry_docs[self.value_starts[position]:self.value_starts[position + 1]]

    @cached_property
    def totals(self) -> np.ndarray:
        """How many live documents hold each value."""
        return np.bincount(self.entry_values[self.live[self.entry_docs]], minlength=len(self.values))

    @cached_property
    def live_count(self) -> int:
        return int(self.live.sum())

    def count(self, base: np.ndarray) -> np.ndarray:
        """How many ``base`` (live) documents hold each value, by the cheapest of three ways.

        Few documents are counted through their own entries; a set holding nearly every live document is counted
        as the totals minus its few live outsiders; anything between is one running count over every entry.
        """
        matching = int(np.count_nonzero(base))
        if self._cheaper_by_documents(matching):
            return self._count_documents(np.flatnonzero(base))
        if self._cheaper_by_documents(self.live_count - matching):
            return self.totals - self._count_documents(np.flatnonzero(self.live & ~base))
        # The running count read at each value's bounds (cheaper than selecting the entries for a ``bincount``), in
        # 32 bits: numpy sums booleans into 64 bits three times as slowly, and a count never reaches 2**31.
        held = np.zeros(len(self.entry_docs) + 1, dtype=np.int32)
        np.cumsum(base[self.entry_docs], dtype=np.int32, out=held[1:])
        return (held[self.value_starts[1:]] - held[self.value_starts[:-1]]).astype(np.int64)

    def _cheaper_by_documents(self, documents: int) -> bool:
        """Whether counting this many documents through their own entries costs less than the running count."""
        per_document = DOCUMENT_COST + 2 * len(self.entry_docs) / max(len(self.live), 1)
        return documents * per_document <= len(self.entry_docs)

    def _count_documents(self, docs: np.ndarray) -> np.ndarray:
        starts = self.doc_starts
        docs = docs[docs < len(starts) - 1]
        lengths = starts[docs + 1] - starts[docs]
        offsets = np.repeat(starts[docs] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return np.bincount(self.doc_values[offsets], minlength=len(self.values))

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


class StoredDocument(Mapping):
    """A stored article, read from the index when a field of it is first asked for, whose fields are repaired (and
    its directives named as the facet names them) when read.

    A result page ranks three times as many articles as it shows, to group near-duplicate stories; grouping reads
    the story arrays (``shared.open_stories``), so an article not shown is read only if it repeats one that is.
    """

    def __init__(self, read: Callable[[], dict], directives: FacetTable):
        self._read = read
        self._directives = directives
        self._prepared: dict = {}

    @cached_property
    def _fields(self) -> dict:
        return self._read()

    def __getitem__(self, key: str):
        if key not in self._prepared:
            # Repaired again at output: records from before the repair.
            value = repair_value(self._fields[key])
            self._prepared[key] = _resolve_directives(value, self._directives) if key == "directives" else value
        return self._prepared[key]

    def __iter__(self):
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)


def _resolve_directives(directives: list[dict], table: FacetTable) -> list[dict]:
    """Cited directives named as the facet names them (see ``catalogue_aliases``), one entry per directive."""
    if not any(d["id"] in table.aliases for d in directives):
        return directives
    resolved = {}
    for directive in directives:
        target = table.aliases.get(directive["id"])
        resolved.setdefault(target or directive["id"], table.meta[table.position[target]] if target else directive)
    return list(resolved.values())


class IndexView:
    """One open generation of the index: a Whoosh reader plus arrays derived from it, built once and reused.

    A worker's threads share one view. Whoosh's segment readers move a shared file position, so every read of the
    reader happens under ``_lock``, and each derived array is built once under it and never changed afterwards.
    The shared arrays are read-only and need no lock.
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
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Postings] = OrderedDict()
        self._cache_bytes = 0
        self._facets: dict[str, FacetTable] = {}
        self._memo: OrderedDict[tuple, object] = OrderedDict()
        self._memo_lock = threading.Lock()  # apart from ``_lock``: what it computes may take ``_lock``
        # Read before any other thread can see the view: every posting read filters by it.
        self.live = self._live_documents()
        self.doc_count = int(self.live.sum())
        self.shared = open_shared(path, self.reader)
        self.stories = open_stories(path, self.reader)

    def close(self) -> None:
        self._closer()

    def warm(self) -> IndexView:
        """Build now what the first queries would otherwise build while others wait: every facet table and the
        arrays derived from it. ``ViewCache`` does this before it makes the view live."""
        for name in FACET_FIELDS:
            table = self.facet_table(name)
            for derived in ("value_starts", "totals", "live_count", "parent_positions", "label_ranks", "position"):
                getattr(table, derived)
        return self

    def _live_documents(self) -> np.ndarray:
        """True for documents that are not deleted."""
        live = np.ones(self.doc_count_all, dtype=bool)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                live[deleted_docs(leaf) + offset] = False
        return live

    def postings(self, field: str, text: str) -> Postings:
        """The posting list of one term over the whole index: shared when frequent, else read once and cached."""
        shared = self.shared.postings(field, text)
        if shared is not None:
            return Postings(*shared)
        key = (field, text)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            postings = Postings(*read_postings(self.leaves, self.live, field, text))
            self._remember(key, postings)
            return postings

    def _remember(self, key: tuple, postings: Postings) -> None:
        self._cache[key] = postings
        self._cache_bytes += postings.nbytes
        while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._cache_bytes -= evicted.nbytes

    def remembered(self, key: tuple, compute):
        """``compute()``, computed once for ``key`` while it stays among the ``MEMO_ENTRIES`` latest asked: a value
        that depends only on this generation and the key, asked again and again (the same query sent in a flood)."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_ENTRIES:
                self._memo.popitem(last=False)
        return value

    def field_lengths(self, field: str) -> np.ndarray:
        """Token count of ``field`` in every document (Whoosh stores it rounded to one byte)."""
        return self.shared.lengths(field)

    def doc_frequency(self, field: str, text: str) -> int:
        """How many documents hold the term: known from the term index, without reading its postings."""
        with self._lock:
            return self.reader.doc_frequency(field, text)

    def average_length(self, field: str) -> float:
        with self._lock:
            total = self.reader.field_length(field)
        return max(total / max(self.doc_count, 1), 1.0)

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Up to ``limit`` terms of ``field`` beginning with ``prefix``, in term order, with their live document counts.

        Whoosh's term list and counts still hold deleted documents until compaction: where there are any, each count
        is taken from the live postings, and a term only deleted documents held is left out.
        """
        with self._lock:
            terms = []
            for term in self.reader.expand_prefix(field, prefix):
                if len(terms) >= limit:
                    break
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                terms.append((term, self.reader.doc_frequency(field, term)))
        if self.doc_count == self.doc_count_all:
            return terms
        counted = ((term, len(self.postings(field, term).docs)) for term, _ in terms)
        return [(term, count) for term, count in counted if count]

    def facet_table(self, field: str) -> FacetTable:
        """All values of a facet field with their documents, as the generation's shared arrays hold them."""
        with self._lock:
            table = self._facets.get(field)
            if table is None:
                table = self._facets[field] = FacetTable(**self.shared.facet(field), live=self.live)
            return table

    @property
    def days(self) -> np.ndarray:
        """Publication day of every document as days since 1970 (negative before it), ``UNKNOWN_DAY`` where unknown;
        for sorting and ranges."""
        return self.shared.days

    @cached_property
    def newest_day(self) -> int:
        """The newest publication day not after today (``UNKNOWN_DAY`` when none is): "now" for freshness, so a
        date misread as one in the future does not make an article the newest."""
        days = self.days
        today = (date.today() - date(1970, 1, 1)).days
        dated = days[(days != UNKNOWN_DAY) & (days <= today)]
        return int(dated.max()) if len(dated) else UNKNOWN_DAY

    def stored(self, docnum: int) -> dict:
        """The stored article, its cited directives named as the facet names them (see ``catalogue_aliases``)."""
        return dict(self.stored_lazily(docnum))

    def stored_lazily(self, docnum: int) -> StoredDocument:
        """The article ``stored`` gives, read when a field of it is first asked for, each field prepared only when
        it is read (``StoredDocument``)."""
        return StoredDocument(lambda: self._stored_fields(docnum), self.facet_table("directive"))

    def _stored_fields(self, docnum: int) -> dict:
        with self._lock:
            document = self.reader.stored_fields(docnum)["document"]
        return shown_document(document)

    def docnum_of(self, article_id: str) -> int | None:
        postings = self.postings("id", article_id)
        return int(postings.docs[0]) if len(postings.docs) else None


class ViewCache:
    """The view of the live generation, reopened when an indexer swaps or commits a new one.

    A check costs two ``stat`` calls and a folder listing, so every request can make it; it is made under the lock,
    so views never go backwards (the generation name and the Whoosh TOC generation only grow). A request pins its
    view with ``acquire`` and unpins it with ``release``; a view that is no longer live is closed once its last
    request has released it, never while one still reads it.

    Opening a new generation (its reader, its shared arrays, its facet tables) takes one request's time, or far more
    when the arrays were not prepared: the request that first sees the new generation opens and warms it outside the
    lock, while requests arriving meanwhile keep reading the old one (they overlap the swap, so either answer is
    theirs to get). Without this every thread of the worker waited on the lock with its work slot held, and
    admission control refused the others with 503.
    """

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._view: IndexView | None = None
        self._key: tuple | None = None
        self._opening: tuple | None = None  # the key one thread is opening now
        self._opened = 0  # order of the keys seen, so an older view opened late never replaces a newer one
        self._published = 0
        self._users: dict[IndexView, int] = {}
        self._lock = threading.Lock()

    def get(self) -> IndexView:
        """The live view, not pinned: for a single-threaded caller (the CLI, a script) that asks again after a swap."""
        return self._current(pin=False)

    def acquire(self) -> IndexView:
        """The live view, pinned until ``release``: it stays open even if a new generation is swapped in meanwhile."""
        return self._current(pin=True)

    def release(self, view: IndexView) -> None:
        with self._lock:
            self._users[view] -= 1
            if not self._users[view]:
                del self._users[view]
                if view is not self._view:
                    view.close()

    def _current(self, pin: bool) -> IndexView:
        with self._lock:
            path = live_generation(self.index_dir)
            key = (path, tuple(sorted(toc.name for toc in path.glob("_MAIN_*.toc"))))
            if self._view is not None and key in (self._key, self._opening):
                return self._pin(self._view, pin)
            self._opened += 1
            order = self._opened
            if self._view is None:  # nothing to serve meanwhile: open under the lock, once
                return self._pin(self._publish(IndexView(path).warm(), key, order), pin)
            self._opening = key
        try:
            view = IndexView(path).warm()
        except BaseException:
            with self._lock:
                if self._opening == key:
                    self._opening = None
            raise
        with self._lock:
            return self._pin(self._publish(view, key, order), pin)

    def _publish(self, view: IndexView, key: tuple, order: int) -> IndexView:
        """Make ``view`` the live one unless a newer one was published meanwhile; the live view either way."""
        if self._opening == key:
            self._opening = None
        if order < self._published:
            view.close()
            return self._view
        retired, self._view, self._key, self._published = self._view, view, key, order
        if retired is not None and retired not in self._users:
            retired.close()
        return view

    def _pin(self, view: IndexView, pin: bool) -> IndexView:
        if pin:
            self._users[view] = self._users.get(view, 0) + 1
        return view
