"""Term numbering in the worker processes, so the one writer handles numbers, not ~900 strings per article.

A worker numbers the terms of each field in the order it first meets them (its own dictionary, keyed by the
term as text, so a known term is never encoded) and sends a batch of documents as one array of term numbers per
field, plus the terms it met for the first time. The writer keeps, per worker, the terms in the order they were
numbered, and per segment an array from a worker's numbers to the segment's (``fastwriter``): a term costs the
writer Python work once per worker and segment, instead of once per posting.

The writer reads each worker's batches in the order the worker made them (one batch is one pool task, and the
indexer takes results in the order it submitted the tasks), so a term is always announced before it is used. A
worker whose dictionary passes ``WORKER_TERMS`` starts a new one under a new name and says which name it
retired, so neither side's memory grows with the size of the run.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np

from searchsvc.index.schema import SCHEMA

WORKER_TERMS = 500_000
NUMBERED_FIELDS = tuple(name for name, field in SCHEMA.items() if hasattr(field, "counted_terms"))


@dataclass(frozen=True)
class NumberedTerms:
    """One document's terms in one field, as a worker's numbers: what ``FastSegmentWriter`` takes for a field."""

    source: str
    ids: np.ndarray  # uint32, the worker's numbers
    freqs: np.ndarray  # float32
    length: int


@dataclass
class PreparedBatch:
    """Documents made by one worker, their numbered fields gathered into one array per field (cheap to pickle)."""

    source: str
    retired: str | None
    new_terms: dict[str, list[bytes]]
    documents: list  # dict without its numbered fields, a ParseError, or None (a deletion)
    present: dict[str, list[bool]]
    bounds: dict[str, np.ndarray]
    ids: dict[str, np.ndarray]
    freqs: dict[str, np.ndarray]
    lengths: dict[str, list[int]]

    def complete_documents(self) -> list:
        """The documents with their numbered fields back, as ``NumberedTerms``."""
        complete = []
        for index, document in enumerate(self.documents):
            if isinstance(document, dict):
                document = dict(document)
                for field in NUMBERED_FIELDS:
                    if self.present[field][index]:
                        start, end = self.bounds[field][index], self.bounds[field][index + 1]
                        document[field] = NumberedTerms(self.source, self.ids[field][start:end],
                                                        self.freqs[field][start:end], self.lengths[field][index])
            complete.append(document)
        return complete


class _Numbers(dict):
    """Term -> number; a term not yet numbered gets the next number and is listed in ``new``."""

    def __init__(self):
        super().__init__()
        self.new: list[str] = []

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        self.new.append(term)
        return number


class TermNumbering:
    """A worker's dictionaries: term -> number, per field."""

    def __init__(self):
        self.source = secrets.token_hex(8)
        self.numbers = {field: _Numbers() for field in NUMBERED_FIELDS}
        self.size = 0
        self.retired: str | None = None

    def batch(self, documents: list) -> PreparedBatch:
        """Number the fields of ``documents`` (what ``article_to_document`` made, or not a dict: passed through)."""
        if self.size > WORKER_TERMS:
            self.retired, self.source = self.source, secrets.token_hex(8)
            self.numbers = {field: _Numbers() for field in NUMBERED_FIELDS}
            self.size = 0
        kept, present, lengths = [], {f: [] for f in NUMBERED_FIELDS}, {f: [] for f in NUMBERED_FIELDS}
        ids = {f: [] for f in NUMBERED_FIELDS}
        freqs = {f: [] for f in NUMBERED_FIELDS}
        bounds = {f: [0] for f in NUMBERED_FIELDS}
        for document in documents:
            if not isinstance(document, dict):
                kept.append(document)
                for field in NUMBERED_FIELDS:
                    present[field].append(False)
                    lengths[field].append(0)
                    bounds[field].append(bounds[field][-1])
                continue
            document = dict(document)
            for field in NUMBERED_FIELDS:
                value = document.pop(field, None)
                present[field].append(value is not None)
                if value is None:
                    lengths[field].append(0)
                    bounds[field].append(bounds[field][-1])
                    continue
                counts = value if isinstance(value, dict) else dict.fromkeys(value, 1)
                numbers = self.numbers[field]
                ids[field].extend([numbers[term] for term in counts])
                field_freqs = list(counts.values())
                freqs[field].extend(field_freqs)
                lengths[field].append(sum(field_freqs))
                bounds[field].append(len(ids[field]))
            kept.append(document)
        new_terms = {}
        for field, numbers in self.numbers.items():
            if numbers.new:
                new_terms[field] = [term.encode("utf-8") for term in numbers.new]
                self.size += len(numbers.new)
                numbers.new = []
        retired, self.retired = self.retired, None
        return PreparedBatch(
            source=self.source, retired=retired, new_terms=new_terms, documents=kept, present=present,
            bounds={f: np.array(b, dtype=np.int64) for f, b in bounds.items()},
            ids={f: np.array(v, dtype=np.uint32) for f, v in ids.items()},
            freqs={f: np.array(v, dtype=np.float32) for f, v in freqs.items()},
            lengths=lengths)


class TermSources:
    """The writer's side: each worker's terms in the order it numbered them, for the whole run."""

    def __init__(self):
        self.terms: dict[str, dict[str, list[bytes]]] = {}

    def learn(self, batch: PreparedBatch) -> None:
        if batch.retired:
            self.terms.pop(batch.retired, None)
        terms = self.terms.setdefault(batch.source, {field: [] for field in NUMBERED_FIELDS})
        for field, new in batch.new_terms.items():
            terms[field].extend(new)
