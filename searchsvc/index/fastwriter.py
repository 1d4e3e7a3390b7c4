"""A Whoosh segment writer that writes posting lists block by block instead of posting by posting.

Whoosh's own writer spends most of an indexing run in its commit: every posting goes through a sorted pool, a
per-posting field-length look-up and a per-posting ``add_posting`` call. Vietnamese articles produce about 900
postings each (every syllable, in two forms, and the syllable pairs), so that is several milliseconds per article.
``FastSegmentWriter`` keeps Whoosh's per-document writer (stored fields, lengths, the segment and the table of
contents) and replaces the postings path: a document's terms arrive already counted, or already numbered by a
worker process (``numbering``), and go into flat arrays per field; at commit they are sorted with numpy and
written as Whoosh's blocks and term table, laid out by numpy (``w3.write_field_postings``), byte for byte what
Whoosh's own writer writes.

Merging segments (compaction) goes through the same arrays: a merged segment's postings are read a term at a time
as numpy arrays (``add_postings_to_pool``), not handed over one posting at a time as Whoosh's merge does.

The Whoosh internals this needs live in ``w3.py``; ``tests/test_w3.py`` checks that an index written this way
reads back exactly like one written by Whoosh.
"""

from __future__ import annotations

from array import array

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from searchsvc.index.numbering import PAIR_FIELDS, NumberedTerms, TermSources
from searchsvc.index.w3 import (HashEntries, close_field_writer, encode_lengths, read_blocks, read_field_lengths,
                                write_field_postings)


PAIR_CHUNK = 1 << 20


class ArrayPool:
    """Postings of one segment as parallel arrays per field, in the order documents were added."""

    def __init__(self):
        self.fields: dict[str, _FieldPostings] = {}

    def add(self, item) -> None:
        """One posting, as Whoosh's merge of an existing segment (``add_reader``) hands them over."""
        fieldname, term, docnum, weight, _ = item
        self.field(fieldname).add_many([term], [weight], docnum)

    def field(self, fieldname: str) -> _FieldPostings:
        postings = self.fields.get(fieldname)
        if postings is None:
            postings = self.fields[fieldname] = _FieldPostings()
        return postings

    def cleanup(self) -> None:
        self.fields.clear()


class _FieldPostings:
    __slots__ = ("term_ids", "terms", "docs", "weights", "renumbering", "syllables", "pair_keys", "pair_docs",
                 "pair_weights")

    def __init__(self):
        self.terms: dict[bytes, int] = {}
        self.term_ids = array("I")
        self.docs = array("I")
        self.weights = array("f")
        self.renumbering: dict[str, np.ndarray] = {}  # a worker's term numbers -> this segment's, -1 if not met yet
        # A pair field's postings as pairs of syllable numbers (first << 32 | second) until the commit spells them.
        self.syllables: dict[bytes, int] = {}
        self.pair_keys = array("q")
        self.pair_docs = array("I")
        self.pair_weights = array("f")

    def add_term(self, term: bytes, docs: np.ndarray, weights: np.ndarray) -> None:
        """Every posting of one term at once: how a merged segment's posting lists arrive."""
        self.term_ids.extend([self.terms.setdefault(term, len(self.terms))] * len(docs))
        self.docs.frombytes(docs.astype(np.uint32).tobytes())
        self.weights.frombytes(weights.astype(np.float32).tobytes())

    def add_many(self, terms: list[bytes], weights: list[float], docnum: int) -> None:
        """All postings of one document in this field; a new term gets the next id as it is first seen.

        A posting's weight is its frequency for every field of this schema (``Existence`` formats carry no value).
        """
        known = self.terms
        self.term_ids.extend([known.setdefault(term, len(known)) for term in terms])
        self.docs.extend([docnum] * len(terms))
        self.weights.extend(weights)

    def add_numbered(self, value: NumberedTerms, source_terms: list[bytes], docnum: int) -> None:
        """All postings of one document, numbered by a worker whose terms so far are ``source_terms``."""
        ids = self._renumber(value.source, value.ids, source_terms, self.terms)
        self.term_ids.frombytes(ids.astype(np.uint32).tobytes())
        self.docs.frombytes(np.full(len(ids), docnum, dtype=np.uint32).tobytes())
        self.weights.frombytes(value.freqs.tobytes())

    def add_numbered_pairs(self, value: NumberedTerms, source_terms: list[bytes], docnum: int) -> None:
        """All postings of one document in a pair field: pairs of syllables a worker numbered (``source_terms``)."""
        first = self._renumber(value.source, value.ids >> 32, source_terms, self.syllables)
        second = self._renumber(value.source, value.ids & 0xFFFFFFFF, source_terms, self.syllables)
        self.pair_keys.frombytes((first << 32 | second).tobytes())
        self.pair_docs.frombytes(np.full(len(first), docnum, dtype=np.uint32).tobytes())
        self.pair_weights.frombytes(value.freqs.tobytes())

    def spell_pairs(self) -> None:
        """Turn the pairs of syllable numbers into terms (``first second``), a chunk of postings at a time."""
        if not self.pair_keys:
            return
        words = list(self.syllables)  # by number: numbers are given in the order syllables are first met
        known = self.terms
        keys = np.frombuffer(self.pair_keys, dtype=np.int64)
        for start in range(0, len(keys), PAIR_CHUNK):
            unique, inverse = np.unique(keys[start:start + PAIR_CHUNK], return_inverse=True)
            ids = np.array([known.setdefault(words[key >> 32] + b" " + words[key & 0xFFFFFFFF], len(known))
                            for key in unique.tolist()], dtype=np.uint32)
            self.term_ids.frombytes(ids[inverse].tobytes())
        del keys
        self.docs.extend(self.pair_docs)
        self.weights.extend(self.pair_weights)
        self.pair_keys, self.pair_docs, self.pair_weights = array("q"), array("I"), array("f")

    def _renumber(self, source: str, numbers: np.ndarray, source_terms: list[bytes], known: dict[bytes, int]) -> np.ndarray:
        """A worker's ``numbers`` as this segment's (``known``: term -> number here); a term met for the first time
        gets the next number."""
        renumbering = self.renumbering.get(source)
        if renumbering is None or len(renumbering) < len(source_terms):
            grown = np.full(max(len(source_terms), 2 * len(renumbering) if renumbering is not None else 0), -1,
                            dtype=np.int64)
            if renumbering is not None:
                grown[: len(renumbering)] = renumbering
            renumbering = self.renumbering[source] = grown
        ids = renumbering[numbers]
        unmet = ids < 0
        if unmet.any():
            for number in numbers[unmet].tolist():
                renumbering[number] = known.setdefault(source_terms[number], len(known))
            ids = renumbering[numbers]
        return ids


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with array-backed postings; use like ``ix.writer()``: ``FastSegmentWriter(ix)``."""

    def __init__(self, ix, sources: TermSources | None = None, **kwargs):
        # Separate segment files, not one compound file: Whoosh reads a compound file's parts through BytesIO
        # copies, which put the whole index in each reading process's memory (2.4 GB per worker at 200k articles).
        # Posting blocks uncompressed (each block records it, so any Whoosh reads them): zlib was a third of the
        # commit's time and of reading a rare term, for 30 % more bytes on disk.
        kwargs.setdefault("codec", W3Codec(compression=0))
        super().__init__(ix, compound=False, **kwargs)
        self.pool = ArrayPool()
        self.sources = sources or TermSources()
        self._forgotten: set[int] = set()
        unsupported = [name for name, field in self.schema.items()
                       if field.vector or field.column_type or field.separate_spelling()]
        if unsupported:
            raise TypeError(f"FastSegmentWriter does not write vectors, columns or spelling: {unsupported}")

    def add_document(self, **fields):
        """Whoosh's ``add_document`` for this schema (no boosts, vectors, columns or spelling), in bulk per field."""
        self._check_state()
        docnum = self.docnum
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for fieldname in sorted(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                field = self.schema[fieldname]
                length = 0
                if isinstance(value, NumberedTerms):
                    postings, terms = self.pool.field(fieldname), self.sources.of(value.source, fieldname)
                    if fieldname in PAIR_FIELDS:
                        postings.add_numbered_pairs(value, terms, docnum)
                    else:
                        postings.add_numbered(value, terms, docnum)
                    length = value.length if field.scorable else 0
                elif field.indexed:
                    if hasattr(field, "counted_terms"):
                        terms, freqs = field.counted_terms(value)
                    else:
                        terms, freqs = [], []
                        for term, freq, _, _ in field.index(value):
                            terms.append(term)
                            freqs.append(freq)
                    self.pool.field(fieldname).add_many(terms, freqs, docnum)
                    if field.scorable:
                        length = sum(freqs)
                perdoc.add_field(fieldname, field, value if field.stored else None, length)
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_postings_to_pool(self, reader, startdoc, docmap):
        """Whoosh's merge step for one segment (its documents are already renumbered by ``write_per_doc``).

        ``docmap`` maps the segment's live documents to their new numbers when it has deletions, else the new
        number is ``startdoc`` plus the old one.
        """
        mapping = None
        if docmap is not None:
            mapping = np.full(reader.doc_count_all(), -1, dtype=np.int64)
            mapping[np.fromiter(docmap.keys(), dtype=np.int64)] = np.fromiter(docmap.values(), dtype=np.int64)
        for fieldname in reader.indexed_field_names():
            if fieldname not in self.schema:
                continue
            postings = self.pool.field(fieldname)
            for term in reader.lexicon(fieldname):
                blocks = list(read_blocks(reader.postings(fieldname, term)))
                docs = np.concatenate([docs for docs, _ in blocks])
                weights = np.concatenate([weights for _, weights in blocks])
                if mapping is None:
                    docs = docs + startdoc
                else:
                    docs = mapping[docs]
                    kept = docs >= 0
                    docs, weights = docs[kept], weights[kept]
                if len(docs):
                    postings.add_term(term, docs, weights)

    def cancel(self):
        """Whoosh's cancel, then the files of the unfinished segment: a failed write leaves nothing behind."""
        super().cancel()
        for name in self.newsegment.list_files(self.storage):
            self.storage.delete_file(name)

    def forget(self, docnum: int) -> None:
        """Delete a document added earlier to this same writer (Whoosh can only delete committed ones)."""
        self._forgotten.add(docnum - self.docbase)

    def get_segment(self):
        segment = super().get_segment()
        for docnum in self._forgotten:
            segment.delete_document(docnum)
        return segment

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        hash_entries = []
        try:
            for fieldname in sorted(self.pool.fields):
                # Taken out of the pool as it is written: a written field's arrays are freed before the next.
                hash_entries.append(self._write_field(fieldname, self.pool.fields.pop(fieldname), lengths))
        finally:
            lengths.close()
        close_field_writer(self.fieldwriter, hash_entries)

    def _write_field(self, fieldname: str, postings: _FieldPostings, lengths) -> HashEntries:
        fieldobj = self.schema[fieldname]
        if fieldobj.format.posting_size != 0:
            raise TypeError(f"field {fieldname!r} has posting values; FastSegmentWriter writes only weights")
        postings.spell_pairs()
        terms = sorted(postings.terms)
        rank_of_id = np.empty(len(terms), dtype=np.uint32)
        rank_of_id[[postings.terms[term] for term in terms]] = np.arange(len(terms), dtype=np.uint32)
        ranks = rank_of_id[np.frombuffer(postings.term_ids, dtype=np.uint32)]
        docs = np.frombuffer(postings.docs, dtype=np.uint32)
        order = np.lexsort((docs, ranks))
        ranks, docs = ranks[order], docs[order]
        weights = np.frombuffer(postings.weights, dtype=np.float32)[order]
        del order
        documents = self.docnum - self.docbase
        if fieldobj.scorable:
            per_document = encode_lengths(read_field_lengths(lengths, fieldname, documents))
        else:
            per_document = np.zeros(documents, dtype=np.uint8)
        starts = np.flatnonzero(np.r_[True, ranks[1:] != ranks[:-1]]) if len(ranks) else np.zeros(0, dtype=np.int64)
        return write_field_postings(self.fieldwriter, fieldname, fieldobj,
                                    [terms[rank] for rank in ranks[starts].tolist()], np.append(starts, len(ranks)),
                                    docs, weights, per_document[docs - np.uint32(self.docbase)])
