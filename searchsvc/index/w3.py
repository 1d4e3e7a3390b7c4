"""The few internals of Whoosh's W3 codec that searchsvc depends on, in one place.

Reading posting blocks straight into numpy arrays (``read_blocks``) and laying out a field's blocks and term table
as bytes with numpy (``write_field_postings``) is what makes Whoosh fast enough for Vietnamese, where a common
syllable has a posting in most articles. These touch private attributes of ``whoosh-reloaded`` 2.7.5, which is why pyproject.toml pins that exact
version; ``tests/test_w3.py`` checks both directions against Whoosh's own reader and writer.
"""

from __future__ import annotations

from hashlib import md5

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo, _lenfield
from whoosh.filedb.filetables import _lengths as HASH_LENGTHS
from whoosh.matching import FilterMatcher, ListMatcher
from whoosh.system import pack_ushort
from whoosh.util.numeric import _length_byte_cache, byte_to_length

WHOOSH_VERSION = "2.7.5"
BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)
LENGTH_BYTE_CACHE = np.array(_length_byte_cache, dtype=np.int64)
LONGEST_LENGTH = 106374  # whoosh.util.numeric.length_to_byte: this length and longer are byte 255
TERM_INFO = W3TermInfo._struct
BLOCK_SIZE = 128  # W3Codec's blocklimit
CHUNK_POSTINGS = 1 << 16
TERM_CHUNK = 1 << 16
DOC_FREQUENCY_AT = 5  # in a term info (TERM_INFO, "!BfIBBfII"): after the flags byte and the total weight
# A term table record's value: Whoosh's term info (``TERM_INFO``), then where its postings are and how long.
TERM_VALUE = np.dtype([("flags", "u1"), ("total", ">f4"), ("count", ">u4"), ("min_byte", "u1"), ("max_byte", "u1"),
                       ("max_weight", ">f4"), ("first_doc", ">u4"), ("last_doc", ">u4"), ("offset", ">i8"),
                       ("size", ">i4")])
RECORD_HEAD = np.dtype([("key_length", ">i4"), ("value_length", ">i4"), ("field", ">u2")])  # HASH_LENGTHS, prefix
HASH_SLOT = np.dtype([("hash", ">u4"), ("position", ">i8")])  # HASH_POINTER: a term's md5 hash, its record
INDEX_LIMITS = {"B": 1 << 8, "H": 1 << 16, "i": 1 << 31, "I": 1 << 32}  # GrowableArray: what each type holds
# Pickle (protocol 2) opcodes of what a posting block holds: tuples of ints, floats and None.
PROTOCOL_2, MARK, TUPLE, NONE, FLOAT, BINPUT = b"\x80\x02", b"(", b"t", b"N", ord("G"), b"q"
TUPLE_END = np.array([0, 0x85, 0x86, 0x87, ord(TUPLE)], dtype=np.uint8)  # TUPLE1..3, then MARK ... TUPLE
INT_OPCODES = ((0x4B, 1), (0x4D, 2), (0x4A, 4))  # BININT1, BININT2, BININT: opcode, bytes
HashEntries = list  # of (hashes, positions): each term key's md5 hash and the position of its record, in order


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
                         docs: np.ndarray, weights: np.ndarray, length_bytes: np.ndarray) -> HashEntries:
    """Write one field's terms and posting lists with the bytes Whoosh's ``W3FieldWriter`` would write; returns
    the term table's hash entries of the field, for ``close_field_writer``.

    Term ``i`` (``terms`` sorted) has the postings ``bounds[i]:bounds[i + 1]`` of ``docs`` (ascending within a
    term), ``weights`` and ``length_bytes`` (each posting's document length, ``encode_lengths``). Whoosh spends
    ~30 Python calls per term (start, block, term info, hash table); Vietnamese syllable pairs make ~50 new terms
    per article, most with one posting, so the posting blocks (pickled headers, ids and weights) and the term
    table's records are laid out as bytes by numpy (``_posting_bytes``, ``_record_bytes``), ``CHUNK_POSTINGS``
    postings at a time (memory stays bounded); only the hash of each term's key is a Python call.
    ``tests/test_w3.py`` compares the files byte for byte with Whoosh's.
    """
    fieldwriter.start_field(fieldname, fieldobj)
    entries = []
    first = 0
    while first < len(terms):
        fitting = int(np.searchsorted(bounds, bounds[first] + CHUNK_POSTINGS, "right")) - 1
        last = min(len(terms), max(first + 1, fitting))
        low, high = bounds[first], bounds[last]
        entries.append(_write_terms(fieldwriter, terms[first:last], bounds[first:last + 1] - low,
                                    docs[low:high].astype(np.int64), weights[low:high], length_bytes[low:high]))
        first = last
    fieldwriter.finish_field()
    return entries


def _write_terms(fieldwriter, terms: list[bytes], bounds: np.ndarray, docs: np.ndarray, weights: np.ndarray,
                 length_bytes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if docs.size and (docs.max() >= 1 << 31):
        raise ValueError("document numbers past 2**31 are pickled otherwise")
    postfile, tindex = fieldwriter._postwriter._postfile, fieldwriter._tindex
    starts = bounds[:-1]
    posts, term_at, term_size = _posting_bytes(bounds, docs, weights, length_bytes)
    post_base = postfile.tell()
    values = np.zeros(len(terms), dtype=TERM_VALUE)
    values["total"] = np.add.reduceat(weights.astype(np.float64), starts)
    values["count"] = np.diff(bounds)
    values["min_byte"] = np.minimum.reduceat(length_bytes, starts)
    values["max_byte"] = np.maximum.reduceat(length_bytes, starts)
    values["max_weight"] = np.maximum.reduceat(weights, starts)
    values["first_doc"] = docs[starts]
    values["last_doc"] = docs[bounds[1:] - 1]
    values["offset"] = post_base + term_at
    values["size"] = term_size
    prefix = pack_ushort(fieldwriter._fieldid)
    records, record_at = _record_bytes(prefix, terms, values)
    record_base = tindex.dbfile.tell()
    postfile.write(posts.tobytes())
    tindex.dbfile.write(records.tobytes())
    positions = record_base + record_at
    _extend_positions(tindex.index, positions)
    tindex.lastkey = prefix + terms[-1]
    digests = np.frombuffer(b"".join([md5(prefix + term, usedforsecurity=False).digest() for term in terms]),
                            dtype=">u4").reshape(-1, 4)[:, 3]  # md5_hash: the digest's last four bytes
    return digests.astype(np.int64), positions


def _record_bytes(prefix: bytes, terms: list[bytes], values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The term table's records (key length, value length, key, value) of ``terms``, and where each starts."""
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    sizes = HASH_LENGTHS.size + len(prefix) + lengths + TERM_VALUE.itemsize
    record_at = _exclusive_cumsum(sizes)
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    heads = np.empty(len(terms), dtype=RECORD_HEAD)
    heads["key_length"], heads["value_length"] = len(prefix) + lengths, TERM_VALUE.itemsize
    heads["field"] = int.from_bytes(prefix, "big")
    _put(out, record_at, heads.view(np.uint8).reshape(len(terms), -1))
    text_at = record_at + RECORD_HEAD.itemsize
    characters = np.frombuffer(b"".join(terms), dtype=np.uint8)
    out[np.repeat(text_at - _exclusive_cumsum(lengths), lengths) + np.arange(len(characters))] = characters
    _put(out, text_at + lengths, values.view(np.uint8).reshape(len(terms), -1))
    return out, record_at


def _posting_bytes(bounds: np.ndarray, docs: np.ndarray, weights: np.ndarray,
                   length_bytes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The posting lists of a run of terms as Whoosh writes them, and where each term's starts and its size.

    A term is ``WHOOSH3_HEADER_MAGIC`` then blocks of ``BLOCK_SIZE`` postings; a block is its size (negative for a
    term's last block), the pickle of ``(postings, last id, top weight, 0, least length byte, greatest)``, and the
    pickle of ``(ids as gaps after the first, weights, None)``, where the weights are None when all are 1, one number
    when all are equal, else a tuple. Sizes are worked out first, then each part is written at its place.
    """
    count = len(docs)
    starts, counts = bounds[:-1], np.diff(bounds)
    blocks_of_term = (counts + BLOCK_SIZE - 1) // BLOCK_SIZE
    within_term = np.arange(count) - np.repeat(starts, counts)
    block_starts = np.flatnonzero(within_term % BLOCK_SIZE == 0)
    sizes = np.diff(np.r_[block_starts, count])
    block_term = np.repeat(np.arange(len(counts)), blocks_of_term)
    term_blocks = _exclusive_cumsum(blocks_of_term)  # each term's first block
    last_of_term = np.r_[block_term[1:] != block_term[:-1], True]
    gaps = np.diff(docs, prepend=0)
    gaps[block_starts] = docs[block_starts]
    top, bottom = np.maximum.reduceat(weights, block_starts), np.minimum.reduceat(weights, block_starts)
    low = np.minimum.reduceat(length_bytes, block_starts).astype(np.int64)
    high = np.maximum.reduceat(length_bytes, block_starts).astype(np.int64)
    last_id = docs[block_starts + sizes - 1]
    listed, unit = top != bottom, (top == bottom) & (top == 1.0)
    marked = (sizes > 3).astype(np.int64)  # a tuple of more than three opens with MARK
    gap_widths = _int_widths(gaps)
    gap_bytes = np.add.reduceat(gap_widths, block_starts)
    info_size = (len(PROTOCOL_2) + 1 + _int_widths(sizes) + _int_widths(last_id) + 9 + 2 + _int_widths(low)
                 + _int_widths(high) + 4)
    weight_size = np.where(listed, marked + 9 * sizes + 3, np.where(unit, 1, 9))
    data_size = len(PROTOCOL_2) + marked + gap_bytes + 3 + weight_size + 5
    block_size = 4 + info_size + data_size
    block_before = _exclusive_cumsum(block_size)
    term_size = len(WHOOSH3_HEADER_MAGIC) + np.add.reduceat(block_size, term_blocks)
    term_at = _exclusive_cumsum(term_size)
    out = np.zeros(int(term_size.sum()), dtype=np.uint8)
    _put(out, term_at, WHOOSH3_HEADER_MAGIC)
    at = term_at[block_term] + len(WHOOSH3_HEADER_MAGIC) + block_before - block_before[term_blocks][block_term]
    signed = np.where(last_of_term, -(info_size + data_size), info_size + data_size)
    at = _put(out, at, signed.astype(">i4").view(np.uint8).reshape(-1, 4))
    at = _put(out, at, PROTOCOL_2 + MARK)
    for value in (sizes, last_id):
        at = _put_ints(out, at, value)
    at = _put_floats(out, at, top)
    at = _put(out, at, b"K\x00")
    for value in (low, high):
        at = _put_ints(out, at, value)
    at = _put(out, at, TUPLE + BINPUT + b"\x00.")
    at = _put(out, at, PROTOCOL_2)
    out[at[marked == 1]] = ord(MARK)
    at = at + marked
    posting_block = np.repeat(np.arange(len(block_starts)), sizes)
    in_block = np.arange(count) - block_starts[posting_block]
    gap_before = _exclusive_cumsum(gap_widths)
    _put_ints(out, at[posting_block] + gap_before - gap_before[block_starts][posting_block], gaps)
    at = at + gap_bytes
    out[at] = TUPLE_END[np.minimum(sizes, 4)]
    at = _put(out, at + 1, BINPUT + b"\x00")
    out[at[unit]] = ord(NONE)
    single = ~listed & ~unit
    _put_floats(out, at[single], top[single])
    out[at[listed & (marked == 1)]] = ord(MARK)
    listed_postings = listed[posting_block]
    weight_at = (at + marked)[posting_block] + 9 * in_block
    _put_floats(out, weight_at[listed_postings], weights[listed_postings])
    closing = (at + marked + 9 * sizes)[listed]
    out[closing] = TUPLE_END[np.minimum(sizes[listed], 4)]
    _put(out, closing + 1, BINPUT + b"\x01")
    at = at + weight_size
    at = _put(out, at, NONE + bytes([TUPLE_END[3]]) + BINPUT)
    out[at] = np.where(listed, 2, 1)
    out[at + 1] = ord(".")
    return out, term_at, term_size


def _exclusive_cumsum(values: np.ndarray) -> np.ndarray:
    total = np.cumsum(values)
    return total - values


def _put(out: np.ndarray, at: np.ndarray, data) -> np.ndarray:
    """Write ``data`` (bytes for every place, or one row of bytes per place) at each of ``at``; the places after."""
    rows = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes) else data
    out[at[:, None] + np.arange(rows.shape[-1])] = rows
    return at + rows.shape[-1]


def _int_widths(values: np.ndarray) -> np.ndarray:
    """How many bytes pickle writes for each of ``values`` (non-negative, below 2**31), opcode included."""
    return np.where(values < 1 << 8, 2, np.where(values < 1 << 16, 3, 5))


def _put_ints(out: np.ndarray, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    widths = _int_widths(values)
    for opcode, width in INT_OPCODES:
        chosen = widths == width + 1
        if chosen.any():
            places, numbers = at[chosen], values[chosen]
            out[places] = opcode
            for byte in range(width):
                out[places + 1 + byte] = (numbers >> (8 * byte)) & 0xFF
    return at + widths


def _put_floats(out: np.ndarray, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Pickle's BINFLOAT: the opcode, then the value as a big-endian double."""
    out[at] = FLOAT
    return _put(out, at + 1, values.astype(">f8").view(np.uint8).reshape(-1, 8))


def _extend_positions(index, positions: np.ndarray) -> None:
    """``GrowableArray.extend`` in one step: the array is widened as appending each position would widen it."""
    if not len(positions):
        return
    largest = int(positions[-1])
    if largest >= INDEX_LIMITS.get(index.typecode, 1 << 63):
        index._retype(largest)
    index.array.frombytes(positions.astype(index.typecode).tobytes())



def close_field_writer(fieldwriter, entries: list[HashEntries]) -> None:
    """``W3FieldWriter.close`` with the term table's hash tables made from ``entries`` (what
    ``write_field_postings`` returned for each field, in order) and written one bucket at a time: Whoosh writes each
    of their slots (two per term) through its own file wrapper, a second Python loop over every term."""
    tindex = fieldwriter._tindex
    dbfile = tindex.dbfile
    parts = [part for field in entries for part in field]
    hashes = np.concatenate([hashes for hashes, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
    positions = np.concatenate([positions for _, positions in parts]) if parts else np.zeros(0, dtype=np.int64)
    bucket_of = hashes & 255
    order = np.argsort(bucket_of, kind="stable")
    bucket_bounds = np.searchsorted(bucket_of[order], np.arange(257))
    homes = hashes >> 8
    for bucket in range(256):
        chosen = order[bucket_bounds[bucket]:bucket_bounds[bucket + 1]]
        slots = 2 * len(chosen)
        tindex.directory.append((dbfile.tell(), slots))
        table = np.zeros(slots, dtype=HASH_SLOT)
        if slots:
            taken = bytearray(slots)
            places = []
            for home in (homes[chosen] % slots).tolist():
                while taken[home]:
                    home = home + 1 if home + 1 < slots else 0
                taken[home] = 1
                places.append(home)
            table["hash"][places] = hashes[chosen]
            table["position"][places] = positions[chosen]
        dbfile.write(table.tobytes())
    tindex._write_directory()
    extras_start = dbfile.tell()
    tindex._write_extras()
    dbfile.write_int(dbfile.tell() - extras_start)
    dbfile.close()
    fieldwriter._postfile.close()
    fieldwriter.is_closed = True
