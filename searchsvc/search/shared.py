"""What every query reads of one index generation, decoded once and memory-mapped by every process.

Posting lists of frequent terms (as document numbers and frequencies), field lengths, publication days and facet
tables are decoded from the Whoosh segments once per generation and written beside them as flat arrays. Each
gunicorn worker maps the same files read-only, so their pages sit once in the page cache whatever the number of
workers, and no query pays for decoding them. Terms with fewer than ``HOT_POSTINGS`` postings (most syllable
pairs) are not copied: a query reads them from Whoosh in a few blocks.

Beside them, in ``<generation>/stories/``, what grouping near-duplicate stories reads of every article
(``duplicates.story_signature``: its title key and its lead's triples), so a result page does not read and fold
the stored text of the 30 articles it compares. Their key also names the code of the rules they hold
(``STORY_RULES``): arrays written by other rules are stale.

The Whoosh index stays the source of truth. The arrays of a generation live in
``<generation>/shared/<TOC generation>-<key>/`` (and ``stories/`` likewise), where the key names the segments and
their deletions, so an added batch of articles (a new TOC generation) gets new arrays. ``manifest.json``, written
last, lists every file with its size and checksum; a folder without a manifest that matches the index and its files
is never read, but rebuilt. A build writes into ``shared/.build-<token>/`` and is renamed into place when complete, under an
``flock`` on ``shared/.lock``, so concurrent workers build it once and a killed build leaves only a ``.build-``
folder, which the next build removes.
"""

from __future__ import annotations

import fcntl
import hashlib
import heapq
import json
import os
import secrets
import shutil
import zlib
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import TermNotFound

from dataclasses import dataclass
from typing import Callable

from searchsvc.index.generations import fsync_dir
from searchsvc.index.schema import SCHEMA, FacetField, shown_document, split_facet_term
from searchsvc.index.w3 import deleted_docs, field_term_frequencies, read_blocks, read_field_lengths
from searchsvc.search import duplicates
from searchsvc.search.directives import catalogue_aliases
from searchsvc.text import normalize
from searchsvc.text.normalize import repair_value

FORMAT = 1
SHARED_DIR = "shared"
STORIES_DIR = "stories"
STORIES_FORMAT = 1
# The code whose rules the story arrays hold (the title key, the lead's words, folding, repair): changed code makes
# them stale, as a changed generation does.
STORY_RULES = hashlib.sha1(b"".join(Path(module.__file__).read_bytes()
                                    for module in (duplicates, normalize))).hexdigest()[:12]
# Articles whose story signatures are worked out and written at a time, so memory stays bounded.
STORIES_CHUNK = 4096
MANIFEST = "manifest.json"
LOCK = ".lock"
BUILD_PREFIX = ".build-"
# Terms with fewer postings are read from Whoosh when a query needs them: a few blocks, cheap.
HOT_POSTINGS = 1024
TEXT_FIELDS = ("title", "title_folded", "content", "content_folded", "content_pairs")
FACET_FIELDS = tuple(name for name, field in SCHEMA.items() if isinstance(field, FacetField))
# The day of an article with no date: below any real one (articles before 1970 have negative days).
UNKNOWN_DAY = np.iinfo(np.int32).min
# Files checksummed at every open; the large posting arrays are checked by size only (a checksum would read them).
CHECKED_AT_OPEN = (".json", ".terms", ".starts")
EMPTY_DOCS = np.zeros(0, dtype=np.int32)
EMPTY_FREQS = np.zeros(0, dtype=np.float32)
EMPTY_LEADS = np.zeros(0, dtype=np.uint64)


class MappedArrays:
    """The mapped arrays of one folder; every array is read-only and shared with the other processes."""

    def __init__(self, folder: Path, manifest: dict):
        self.folder = folder
        self.manifest = manifest
        self._arrays: dict[str, np.ndarray] = {}

    def _array(self, name: str) -> np.ndarray:
        array = self._arrays.get(name)
        if array is None:
            entry = self.manifest["files"][name]
            dtype = np.dtype(entry["dtype"])
            if entry["count"] == 0:
                array = np.zeros(0, dtype=dtype)
            else:
                # A plain array over the mapping: slicing a ``np.memmap`` runs Python code on every access.
                array = np.memmap(self.folder / name, dtype=dtype, mode="r", shape=(entry["count"],)).view(np.ndarray)
            self._arrays[name] = array
        return array


class SharedArrays(MappedArrays):
    """What every query reads of one generation: frequent terms' postings, field lengths, days, facet tables."""

    def __init__(self, folder: Path, manifest: dict):
        super().__init__(folder, manifest)
        self._terms = {field: (self._array(f"{field}.terms"), self._array(f"{field}.starts"))
                       for field in TEXT_FIELDS}

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """``(docs, freqs)`` of a frequent term, or None: a term not held here (rare or absent) is read from Whoosh."""
        if field not in self._terms:
            return None
        terms, starts = self._terms[field]
        key = text.encode("utf-8")
        if not len(terms) or len(key) > terms.dtype.itemsize:
            return None
        position = int(np.searchsorted(terms, key))
        if position >= len(terms) or terms[position] != key:
            return None
        start, end = int(starts[position]), int(starts[position + 1])
        return self._array(f"{field}.docs")[start:end], self._array(f"{field}.freqs")[start:end]

    def lengths(self, field: str) -> np.ndarray:
        return self._array(f"lengths-{field}")

    @property
    def days(self) -> np.ndarray:
        return self._array("days")

    def facet(self, field: str) -> dict:
        """A facet field's values, their meta, aliases, and its entries by value and by document (``FacetTable``)."""
        described = json.loads((self.folder / f"facet-{field}.json").read_text(encoding="utf-8"))
        return {"values": tuple(described["values"]), "meta": tuple(described["meta"]),
                "aliases": described["aliases"],
                **{part: self._array(f"facet-{field}.{part}")
                   for part in ("entry_docs", "entry_values", "doc_starts", "doc_values")}}


class StoryArrays(MappedArrays):
    """Every article's ``duplicates.story_signature``, by document number."""

    def signature(self, doc: int) -> tuple[str, bool, np.ndarray]:
        keys, leads = self._array("title_key.starts"), self._array("lead.starts")
        key = self._array("title_key.utf8")[keys[doc]:keys[doc + 1]].tobytes().decode("utf-8")
        return key, bool(self._array("title_cut")[doc]), self._array("lead.hashes")[leads[doc]:leads[doc + 1]]


@dataclass(frozen=True)
class _Derived:
    """One kind of data derived from a generation: its folder, what its key says it holds, how it is written."""

    folder: str
    holds: Callable[[], list]
    write: Callable


def prepare(path: Path) -> None:
    """Build the shared and the story arrays of the generation at ``path`` as committed now: the indexer's last
    step, so that the first query after a swap or a commit does not wait for them."""
    with whoosh_index.open_dir(str(path)).reader() as reader:
        open_shared(path, reader)
        open_stories(path, reader)


def open_shared(path: Path, reader) -> SharedArrays:
    """The shared arrays of ``reader`` (a generation at ``path``), built first when missing, stale or damaged."""
    return SharedArrays(*_open(path, reader, POSTINGS))


def open_stories(path: Path, reader) -> StoryArrays:
    """The story arrays of ``reader`` (a generation at ``path``), built first when missing, stale or damaged."""
    return StoryArrays(*_open(path, reader, STORIES))


def _open(path: Path, reader, derived: _Derived) -> tuple[Path, dict]:
    key = generation_key(reader, derived)
    folder = path / derived.folder / key["name"]
    manifest = _valid_manifest(folder, key)
    if manifest is None:
        with _build_lock(path / derived.folder):
            manifest = _valid_manifest(folder, key)
            if manifest is None:
                manifest = _build(reader, path / derived.folder, key, derived.write)
    return folder, manifest


def generation_key(reader, derived: _Derived | None = None) -> dict:
    """What the arrays are derived from (the TOC generation, its segments and their deletions) and what they hold
    (``derived``, the shared arrays unless said): arrays written by code with other fields, another threshold or
    other rules are not these."""
    segments = [[leaf.segment().segment_id(), leaf.doc_count_all(), leaf.segment().deleted_count()]
                for leaf, _ in segment_readers(reader)]
    generation = reader.generation() or 0  # Whoosh's reader of an index without documents has none
    described = [*(derived or POSTINGS).holds(), generation, segments]
    digest = hashlib.sha1(json.dumps(described).encode()).hexdigest()[:12]
    return {"format": FORMAT, "generation": generation, "digest": digest, "name": f"{generation:06d}-{digest}"}


def _valid_manifest(folder: Path, key: dict) -> dict | None:
    """The folder's manifest if it describes this generation and every file is whole; else None (never trusted)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("key") != key:
            return None
        for name, entry in manifest["files"].items():
            file = folder / name
            if file.stat().st_size != entry["bytes"]:
                return None
            if name.endswith(CHECKED_AT_OPEN) and zlib.crc32(file.read_bytes()) != entry["crc32"]:
                return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


class _build_lock:
    """``flock`` on ``shared/.lock``: one build at a time per generation folder; released by the kernel on death."""

    def __init__(self, shared_dir: Path):
        self.shared_dir = shared_dir

    def __enter__(self):
        self.shared_dir.mkdir(exist_ok=True)
        self.handle = open(self.shared_dir / LOCK, "a+")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _build(reader, shared_dir: Path, key: dict, write) -> dict:
    """Decode the generation into a fresh folder, write its manifest last, and rename it into place."""
    for leftover in shared_dir.glob(f"{BUILD_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    build = shared_dir / f"{BUILD_PREFIX}{secrets.token_hex(4)}"
    build.mkdir()
    try:
        files = _Writer(build)
        write(reader, files)
        manifest = {"key": key, "files": files.entries}
        _write_synced(build / MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
        target = shared_dir / key["name"]
        if target.exists():  # damaged: moved aside first, since a reader may still map its files
            stale = shared_dir / f"{BUILD_PREFIX}{secrets.token_hex(4)}"
            target.rename(stale)
            shutil.rmtree(stale, ignore_errors=True)
        build.rename(target)
        fsync_dir(shared_dir)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    for older in shared_dir.iterdir():
        if older.is_dir() and older.name != key["name"] and not older.name.startswith(BUILD_PREFIX):
            shutil.rmtree(older, ignore_errors=True)  # a process still mapping them keeps its pages
    return manifest


class _Writer:
    """Array files of one build, each fsynced and listed with its size and checksum for the manifest."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.entries: dict[str, dict] = {}

    def array(self, name: str, values: np.ndarray) -> None:
        self.stream(name, values.dtype, [values])

    def stream(self, name: str, dtype, chunks) -> None:
        """Write an array that arrives in pieces, so memory stays bounded by the largest piece."""
        self.streams({name: dtype}, ((chunk,) for chunk in chunks))

    def streams(self, named: dict, rows) -> None:
        """Several parallel arrays arriving in pieces: each row of ``rows`` holds one piece of each, in order."""
        dtypes = [np.dtype(dtype) for dtype in named.values()]
        handles = [open(self.folder / name, "wb") for name in named]
        counts, crcs = [0] * len(named), [0] * len(named)
        try:
            for row in rows:
                for i, (chunk, handle, dtype) in enumerate(zip(row, handles, dtypes)):
                    data = np.ascontiguousarray(chunk, dtype=dtype).tobytes()
                    handle.write(data)
                    counts[i] += len(chunk)
                    crcs[i] = zlib.crc32(data, crcs[i])
            for handle in handles:
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            for handle in handles:
                handle.close()
        for name, dtype, count, crc in zip(named, dtypes, counts, crcs):
            self.entries[name] = {"dtype": dtype.str, "count": count, "bytes": count * dtype.itemsize, "crc32": crc}

    def json(self, name: str, value) -> None:
        data = json.dumps(value, ensure_ascii=False).encode("utf-8")
        _write_synced(self.folder / name, data)
        self.entries[name] = {"dtype": "|u1", "count": len(data), "bytes": len(data), "crc32": zlib.crc32(data)}


def _write_arrays(reader, files: _Writer) -> None:
    """Every array of the generation, one term at a time, so memory stays bounded by the longest posting list."""
    doc_count_all = reader.doc_count_all()
    leaves = segment_readers(reader)
    live = np.ones(doc_count_all, dtype=bool)
    for leaf, offset in leaves:
        if leaf.has_deletions():
            live[deleted_docs(leaf) + offset] = False

    def read(field: str, term: bytes) -> tuple[np.ndarray, np.ndarray]:
        return read_postings(leaves, live, field, term)

    for field in TEXT_FIELDS:
        hot = frequent_terms(leaves, field)
        width = max((len(term) for term in hot), default=1)
        files.array(f"{field}.terms", np.array(hot, dtype=f"S{width}"))
        counts: list[int] = []

        def rows():  # consumed within this iteration of the loop
            for term in hot:
                docs, freqs = read(field, term)
                counts.append(len(docs))
                yield docs, freqs

        files.streams({f"{field}.docs": np.int32, f"{field}.freqs": np.float32}, rows())
        files.array(f"{field}.starts", np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64))
        parts = [read_field_lengths(leaf._perdoc, field, leaf.doc_count_all()) for leaf, _ in leaves]
        files.array(f"lengths-{field}", np.concatenate(parts).astype(np.float32) if parts else EMPTY_FREQS)
    days = np.full(doc_count_all, UNKNOWN_DAY, dtype=np.int32)
    for term, _ in reader.iter_field("day"):
        days[read("day", term)[0]] = np.datetime64(term.decode("utf-8"), "D").astype(np.int64)
    files.array("days", days)
    for field in FACET_FIELDS:
        _write_facet(reader, field, read, files)


def _write_stories(reader, files: _Writer) -> None:
    """Every article's story signature, from its stored title and body as a result page reads them (repaired),
    ``STORIES_CHUNK`` articles at a time."""
    key_lengths, cuts, lead_lengths = [], [], []

    def rows():  # consumed by ``streams`` below, before the lengths are written
        for first in range(0, reader.doc_count_all(), STORIES_CHUNK):
            keys, leads = [], []
            for doc in range(first, min(first + STORIES_CHUNK, reader.doc_count_all())):
                document = shown_document(reader.stored_fields(doc).get("document") or {})
                key, cut, lead = duplicates.story_signature(repair_value(document.get("title", "")),
                                                            repair_value(document.get("body", "")))
                keys.append(key.encode("utf-8"))
                cuts.append(cut)
                leads.append(lead)
            key_lengths.extend(map(len, keys))
            lead_lengths.extend(map(len, leads))
            yield np.frombuffer(b"".join(keys), dtype=np.uint8), np.concatenate(leads) if leads else EMPTY_LEADS

    files.streams({"title_key.utf8": np.uint8, "lead.hashes": np.uint64}, rows())
    for name, lengths in (("title_key.starts", key_lengths), ("lead.starts", lead_lengths)):
        files.array(name, np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64))
    files.array("title_cut", np.array(cuts, dtype=bool))


POSTINGS = _Derived(SHARED_DIR, lambda: [FORMAT, HOT_POSTINGS, TEXT_FIELDS, FACET_FIELDS], _write_arrays)
STORIES = _Derived(STORIES_DIR, lambda: [STORIES_FORMAT, STORY_RULES], _write_stories)


def segment_readers(reader) -> list:
    """``(segment reader, first document number)`` of each segment; an index with no documents has none."""
    return [(leaf, offset) for leaf, offset in reader.leaf_readers() if leaf.segment() is not None]


def frequent_terms(leaves, field: str) -> list[bytes]:
    """Terms of ``field`` with at least ``HOT_POSTINGS`` postings over all segments, in term order.

    One segment: its frequent terms. Several: each segment's term list is read once, merged in order (Whoosh's own
    multi-segment listing looks every term up in every segment again).
    """
    if len(leaves) == 1:
        return [term for term, _ in field_term_frequencies(leaves[0][0], field, HOT_POSTINGS)]
    merged = heapq.merge(*[field_term_frequencies(leaf, field) for leaf, _ in leaves])
    hot, current, total = [], None, 0
    for term, frequency in merged:
        if term != current:
            if total >= HOT_POSTINGS:
                hot.append(current)
            current, total = term, 0
        total += frequency
    if total >= HOT_POSTINGS:
        hot.append(current)
    return hot


def read_postings(leaves, live: np.ndarray, field: str, term) -> tuple[np.ndarray, np.ndarray]:
    """One term's postings over every segment as global ``(docs, freqs)``, deleted documents dropped."""
    docs_parts, freq_parts = [], []
    for leaf, offset in leaves:
        try:
            matcher = leaf.postings(field, term)
        except TermNotFound:
            continue
        for docs, freqs in read_blocks(matcher):
            docs_parts.append(docs + offset)
            freq_parts.append(freqs)
    if not docs_parts:
        return EMPTY_DOCS, EMPTY_FREQS
    docs = np.concatenate(docs_parts).astype(np.int32)
    freqs = np.concatenate(freq_parts).astype(np.float32)
    kept = live[docs]
    if not kept.all():
        docs, freqs = docs[kept], freqs[kept]
    return docs, freqs


def _write_facet(reader, field: str, read, files: _Writer) -> None:
    """Every value of a facet field with its documents, grouped by value and again by document."""
    # Terms of one value can differ in their meta (an issuer or an author's name spelt two ways): they are one
    # value, shown with the meta that says most (``_specificity``). An empty value cannot be selected: dropped.
    grouped: dict[str, list[tuple[dict, np.ndarray]]] = {}
    # An index built before a facet field existed (``locality_all``) has no terms for it: no values.
    terms = reader.iter_field(field) if field in reader.schema else ()
    for term, _ in terms:
        value, term_meta = split_facet_term(term.decode("utf-8"))
        if value:
            grouped.setdefault(value, []).append((term_meta, read(field, term)[0]))
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
    entry_docs = np.concatenate(docs_parts).astype(np.int32) if docs_parts else EMPTY_DOCS
    entry_values = np.concatenate(value_parts) if value_parts else EMPTY_DOCS
    order = np.argsort(entry_docs, kind="stable")
    by_doc = entry_docs[order]
    doc_starts = np.searchsorted(by_doc, np.arange(int(by_doc[-1]) + 2 if len(by_doc) else 1))
    files.json(f"facet-{field}.json", {"values": values, "meta": meta, "aliases": aliases})
    files.array(f"facet-{field}.entry_docs", entry_docs)
    files.array(f"facet-{field}.entry_values", entry_values)
    files.array(f"facet-{field}.doc_starts", doc_starts.astype(np.int64))
    files.array(f"facet-{field}.doc_values", entry_values[order])


def _specificity(part: tuple[dict, np.ndarray]) -> tuple:
    """Which of a value's terms names it: the one that says most about the document (year, symbol, issuer), then
    the most frequent."""
    meta, docs = part
    return bool(meta.get("year")), bool(meta.get("symbol")), bool(meta.get("issuer")), len(docs)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
