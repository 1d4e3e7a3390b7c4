"""The few internals of Whoosh's W3 codec that searchsvc depends on, in one place.

Reading posting blocks straight into numpy arrays (``read_blocks``) and writing them block by block
(``load_block``) is what makes Whoosh fast enough for Vietnamese, where a common syllable has a posting in most
articles. These touch private attributes of ``whoosh-reloaded`` 2.7.5, which is why pyproject.toml pins that exact
version; ``tests/test_w3.py`` checks both directions against Whoosh's own reader and writer.
"""

from __future__ import annotations

from array import array

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import FilterMatcher, ListMatcher
from whoosh.util.numeric import byte_to_length

WHOOSH_VERSION = "2.7.5"
BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)


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


def load_block(postwriter, docs: np.ndarray, weights: np.ndarray, doc_lengths: np.ndarray) -> None:
    """Load one block into Whoosh's postings writer exactly as its ``add_posting`` calls would have."""
    postwriter._ids = array("I", docs.astype(np.uint32).tobytes())
    postwriter._weights = array("f", weights.astype(np.float32).tobytes())
    postwriter._values = []
    postwriter._maxweight = float(weights.max())
    nonzero = doc_lengths[doc_lengths > 0]
    postwriter._minlength = int(nonzero.min()) if len(nonzero) else None
    postwriter._maxlength = int(doc_lengths.max()) if len(doc_lengths) else 0
