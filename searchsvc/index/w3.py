"""The few internals of Whoosh's W3 codec that searchsvc depends on, in one place.

Reading posting blocks straight into numpy arrays (``read_blocks``) and writing a field's blocks and terms in one
loop (``write_field_postings``) is what makes Whoosh fast enough for Vietnamese, where a common syllable has a
posting in most articles. These touch private attributes of ``whoosh-reloaded`` 2.7.5, which is why pyproject.toml pins that exact
version; ``tests/test_w3.py`` checks both directions against Whoosh's own reader and writer.
"""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo, _lenfield
from whoosh.compat import dumps
from whoosh.filedb.filetables import _lengths as HASH_LENGTHS, _pointer as HASH_POINTER, md5_hash
from whoosh.matching import FilterMatcher, ListMatcher
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache, byte_to_length

WHOOSH_VERSION = "2.7.5"
BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)
LENGTH_BYTE_CACHE = np.array(_length_byte_cache, dtype=np.int64)
LONGEST_LENGTH = 106374  # whoosh.util.numeric.length_to_byte: this length and longer are byte 255
TERM_INFO = W3TermInfo._struct
BLOCK_SIZE = 128  # W3Codec's blocklimit
CHUNK_POSTINGS = 1 << 16
EMPTY_SLOT = HASH_POINTER.pack(0, 0)
TERM_CHUNK = 1 << 16
DOC_FREQUENCY_AT = 5  # in a term info (TERM_INFO, "!BfIBBfII"): after the flags byte and the total weight


def deleted_docs(segment_reader) -> np.ndarray:
    """Segment-local numbers of the deleted documents of one segment."""
    return np.fromiter(segment_reader._perdoc.deleted_docs(), dtype=np.int64)


def read_field_lengths(per_doc_reader, fieldname: str, count: int) -> np.ndarray:
    """Each document's length of ``fieldname`` as Whoosh reports it (rounded through one byte)."""
    column = per_doc_reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    raw = np.zeros(count, dtype=np.uint8)
    if column is not None:
        stored = column._dbfile.get(column._basepos, min(column._count, count))
        raw[: len(stored)] = np.frombuffer(stored, dtype=np.uint8)
    return BYTE_TO_LENGTH[raw]


def field_term_frequencies(segment_reader, fieldname: str, min_frequency: int = 1):
    """Yield ``(term, number of documents)`` of each term of ``fieldname`` in one segment with at least
    ``min_frequency`` documents, in term order.

    Whoosh builds a term-info object per term to say this; here the term table's records are decoded
    ``TERM_CHUNK`` at a time with numpy (a record is key length, value length, key, value; the value's
    document count is at ``DOC_FREQUENCY_AT``), and only the terms kept become Python objects.
    """
    tindex = segment_reader._terms._tindex
    fieldid = segment_reader._terms._fieldmap.get(fieldname)
    if fieldid is None or not tindex.indexlen:
        return
    dbfile = tindex.dbfile
    positions = np.frombuffer(dbfile.get(tindex.indexbase, tindex.indexlen * tindex.indexsize),
                              dtype=">" + tindex.extras["indextype"]).astype(np.int64)
    first, after = (tindex.closest_key_pos(pack_ushort(number)) for number in (fieldid, fieldid + 1))
    low = int(np.searchsorted(positions, first)) if first is not None else len(positions)
    high = int(np.searchsorted(positions, after)) if after is not None else len(positions)
    for start in range(low, high, TERM_CHUNK):
        chunk = positions[start:min(start + TERM_CHUNK, high)]
        key_length, value_length = HASH_LENGTHS.unpack(dbfile.get(int(chunk[-1]), HASH_LENGTHS.size))
        base = int(chunk[0])
        raw = dbfile.get(base, int(chunk[-1]) - base + HASH_LENGTHS.size + key_length + value_length)
        data = np.frombuffer(raw, dtype=np.uint8)
        keys = chunk - base + HASH_LENGTHS.size
        key_ends = keys + _big_endian_uint32(data, keys - HASH_LENGTHS.size)
        frequencies = _big_endian_uint32(data, key_ends + DOC_FREQUENCY_AT)
        kept = np.flatnonzero(frequencies >= min_frequency)
        for key, key_end, frequency in zip(keys[kept].tolist(), key_ends[kept].tolist(), frequencies[kept].tolist()):
            yield raw[key + 2:key_end], frequency  # the key starts with the field's number (two bytes)


def _big_endian_uint32(data: np.ndarray, at: np.ndarray) -> np.ndarray:
    return ((data[at].astype(np.int64) << 24) | (data[at + 1].astype(np.int64) << 16)
            | (data[at + 2].astype(np.int64) << 8) | data[at + 3].astype(np.int64))


def read_blocks(matcher):
    """Yield ``(docs, freqs)`` of each posting block of a term, as numpy arrays (one unpickle per block).

    Deleted documents are included: Whoosh filters them per posting, the caller drops them with one mask.
    """
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, ListMatcher):
        docs = np.asarray(matcher._ids, dtype=np.int64)
        if matcher._weights is not None:
            freqs = np.asarray(matcher._weights, dtype=np.float32)
        else:
            freqs = np.full(len(docs), matcher._all_weights or 1.0, dtype=np.float32)
        yield docs, freqs
        return
    if not isinstance(matcher, W3LeafMatcher):
        raise TypeError(f"unexpected Whoosh matcher {type(matcher).__name__}: is whoosh-reloaded {WHOOSH_VERSION} installed?")
    while True:
        matcher._read_data()
        ids, weights, _ = matcher._data
        docs = np.cumsum(np.asarray(ids, dtype=np.int64))
        if weights is None:
            freqs = np.ones(len(docs), dtype=np.float32)
        elif isinstance(weights, float):
            freqs = np.full(len(docs), weights, dtype=np.float32)
        else:
            freqs = np.asarray(weights, dtype=np.float32)
        yield docs, freqs
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def encode_lengths(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's one-byte form of each field length (``length_to_byte``), what posting blocks record."""
    encoded = np.searchsorted(LENGTH_BYTE_CACHE, np.minimum(lengths, LONGEST_LENGTH), side="left")
    encoded[lengths >= LONGEST_LENGTH] = 255
    return encoded.astype(np.uint8)


def write_field_postings(fieldwriter, fieldname: str, fieldobj, terms: list[bytes], bounds: np.ndarray,
                         docs: np.ndarray, weights: np.ndarray, length_bytes: np.ndarray) -> None:
    """Write one field's terms and posting lists with the bytes Whoosh's ``W3FieldWriter`` would write.

    Term ``i`` (``terms`` sorted) has the postings ``bounds[i]:bounds[i + 1]`` of ``docs`` (ascending within a
    term), ``weights`` and ``length_bytes`` (each posting's document length, ``encode_lengths``). Whoosh spends
    ~30 Python calls per term (start, block, term info, hash table); Vietnamese syllable pairs make ~50 new terms
    per article, most with one posting, so the blocks' and terms' figures (gaps, maxima, totals) are worked out
    with numpy, and one loop builds the same blocks (pickled ids and weights after a pickled block header), term
    infos and hash-table records directly into buffers, ``CHUNK_POSTINGS`` postings at a time (memory stays
    bounded). ``tests/test_w3.py`` compares the files byte for byte with Whoosh's.
    """
    fieldwriter.start_field(fieldname, fieldobj)
    first = 0
    while first < len(terms):
        fitting = int(np.searchsorted(bounds, bounds[first] + CHUNK_POSTINGS, "right")) - 1
        last = min(len(terms), max(first + 1, fitting))
        low, high = bounds[first], bounds[last]
        _write_terms(fieldwriter, terms[first:last], bounds[first:last + 1] - low, docs[low:high].astype(np.int64),
                     weights[low:high], length_bytes[low:high])
        first = last
    fieldwriter.finish_field()


def _write_terms(fieldwriter, terms: list[bytes], bounds: np.ndarray, docs: np.ndarray, weights: np.ndarray,
                 length_bytes: np.ndarray) -> None:
    starts, counts = bounds[:-1], np.diff(bounds)
    within_term = np.arange(len(docs)) - np.repeat(starts, counts)
    block_starts = np.flatnonzero(within_term % BLOCK_SIZE == 0)  # a term's first posting starts a block
    block_ends = np.r_[block_starts[1:], len(docs)]
    gaps = np.diff(docs, prepend=0)
    gaps[block_starts] = docs[block_starts]  # a block's first id is a document number, the next ones are gaps
    block_max, block_min = np.maximum.reduceat(weights, block_starts), np.minimum.reduceat(weights, block_starts)
    blocks = zip((block_ends - block_starts).tolist(), docs[block_ends - 1].tolist(), block_max.tolist(),
                 np.minimum.reduceat(length_bytes, block_starts).tolist(),
                 np.maximum.reduceat(length_bytes, block_starts).tolist(), (block_max == block_min).tolist(),
                 block_starts.tolist(), block_ends.tolist())
    term_figures = zip(terms, ((counts + BLOCK_SIZE - 1) // BLOCK_SIZE).tolist(), counts.tolist(),
                       np.add.reduceat(weights.astype(np.float64), starts).tolist(),
                       np.maximum.reduceat(weights, starts).tolist(), np.minimum.reduceat(length_bytes, starts).tolist(),
                       np.maximum.reduceat(length_bytes, starts).tolist(), docs[starts].tolist(),
                       docs[bounds[1:] - 1].tolist())
    gaps, weights = gaps.tolist(), weights.tolist()
    postfile, tindex = fieldwriter._postwriter._postfile, fieldwriter._tindex
    prefix, buckets, positions = pack_ushort(fieldwriter._fieldid), tindex.buckets, []
    posts, post_base = bytearray(), postfile.tell()
    records, record_base = bytearray(), tindex.dbfile.tell()
    for term, block_count, count, total, max_weight, min_byte, max_byte, first_doc, last_doc in term_figures:
        offset = post_base + len(posts)
        posts += WHOOSH3_HEADER_MAGIC
        for remaining in range(block_count - 1, -1, -1):
            length, last_id, top, low, high, equal, start, end = next(blocks)
            info = dumps((length, last_id, top, 0, low, high), 2)
            # Whoosh stores a block's weights as nothing when all are 1, one number when all are equal.
            data = dumps((tuple(gaps[start:end]), (None if top == 1.0 else top) if equal else tuple(weights[start:end]),
                          None), 2)
            size = len(info) + len(data)
            posts += pack_int(size if remaining else -size)
            posts += info
            posts += data
        key = prefix + term
        value = TERM_INFO.pack(0, total, count, min_byte, max_byte, max_weight, first_doc, last_doc) \
            + pack_long(offset) + pack_int(post_base + len(posts) - offset)
        position = record_base + len(records)
        positions.append(position)
        records += HASH_LENGTHS.pack(len(key), len(value))
        records += key
        records += value
        digest = md5_hash(key)
        buckets[digest & 255].append((digest, position))
    postfile.write(bytes(posts))
    tindex.dbfile.write(bytes(records))
    tindex.index.extend(positions)
    tindex.lastkey = prefix + terms[-1]


def close_field_writer(fieldwriter) -> None:
    """``W3FieldWriter.close`` with the term table's hash tables written one bucket at a time: Whoosh writes each
    of their slots (two per term) through its own file wrapper, a second Python loop over every term."""
    tindex = fieldwriter._tindex
    dbfile = tindex.dbfile
    for entries in tindex.buckets:
        slots = 2 * len(entries)
        tindex.directory.append((dbfile.tell(), slots))
        table = [None] * slots
        for digest, position in entries:
            slot = (digest >> 8) % slots
            while table[slot] is not None:
                slot = (slot + 1) % slots
            table[slot] = (digest, position)
        dbfile.write(b"".join(EMPTY_SLOT if entry is None else HASH_POINTER.pack(*entry) for entry in table))
    tindex._write_directory()
    extras_start = dbfile.tell()
    tindex._write_extras()
    dbfile.write_int(dbfile.tell() - extras_start)
    dbfile.close()
    fieldwriter._postfile.close()
    fieldwriter.is_closed = True
