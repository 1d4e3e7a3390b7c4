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

from searchsvc.index.schema import SCHEMA, TEXT, TEXT_FIELDS
from searchsvc.text.analysis import raw_tokens, token_forms

WORKER_TERMS = 500_000
NUMBERED_FIELDS = tuple(name for name, field in SCHEMA.items() if hasattr(field, "counted_terms"))
LISTED_FIELDS = tuple(name for name in NUMBERED_FIELDS if name not in TEXT_FIELDS)  # facets: a list of terms each
# The dictionary each field's terms are numbered in: the text fields of one form share one, a facet has its own.
# A pair is not in a dictionary: its number is its two folded syllables' numbers, first << 32 | second.
FORM_VOCABULARY = {"exact": "exact", "folded": "folded", "pairs": "folded"}
VOCABULARY = {name: FORM_VOCABULARY[TEXT_FIELDS[name][0]] if name in TEXT_FIELDS else name for name in NUMBERED_FIELDS}
PAIR_FIELDS = frozenset(name for name, (form, _) in TEXT_FIELDS.items() if form == "pairs")
LOW_32 = np.int64(0xFFFFFFFF)


@dataclass(frozen=True)
class NumberedTerms:
    """One document's terms in one field, as a worker's numbers: what ``FastSegmentWriter`` takes for a field."""

    source: str
    ids: np.ndarray  # the worker's numbers: uint32, or int64 pairs of numbers in a pair field (``PAIR_FIELDS``)
    freqs: np.ndarray  # float32
    length: int


@dataclass
class PreparedBatch:
    """Documents made by one worker, their numbered fields gathered into one array per field (cheap to pickle)."""

    source: str
    retired: str | None
    new_terms: dict[str, list[bytes]]  # per vocabulary
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
    """Term -> number, in the order terms are first met; ``take_new`` lists those not sent yet."""

    def __init__(self):
        super().__init__()
        self.terms: list = []
        self.sent = 0

    def __missing__(self, term) -> int:
        number = self[term] = len(self.terms)
        self.terms.append(term)
        return number

    def take_new(self) -> list:
        new, self.sent = self.terms[self.sent:], len(self.terms)
        return new


class _Tokens(dict):
    """Raw token -> its exact form's number << 32 | its folded form's number, or -1 for a token not indexed: one
    look-up per token of a text gives both forms, however the token is written."""

    def __init__(self, exact: _Numbers, folded: _Numbers):
        super().__init__()
        self.exact, self.folded = exact, folded

    def __missing__(self, raw: str) -> int:
        forms = token_forms(raw)
        number = self[raw] = -1 if forms is None else self.exact[forms[0]] << 32 | self.folded[forms[1]]
        return number


class TermNumbering:
    """A worker's dictionaries: term -> number, per vocabulary (``VOCABULARY``), and raw token -> both forms."""

    def __init__(self):
        self.retired: str | None = None
        self._start()

    def _start(self) -> None:
        self.source = secrets.token_hex(8)
        self.numbers = {vocabulary: _Numbers() for vocabulary in set(VOCABULARY.values())}
        self.tokens = _Tokens(self.numbers["exact"], self.numbers["folded"])
        self.size = 0

    def batch(self, documents: list) -> PreparedBatch:
        """Number the fields of ``documents`` (what ``article_to_document`` made, or not a dict: passed through).

        The text fields of a document made with ``analyzed=False`` are made here from its raw tokens; a document
        that carries its text fields as counted terms keeps them (the writer takes both).
        """
        if self.size + len(self.tokens) > WORKER_TERMS:
            self.retired = self.source
            self._start()
        kept = [dict(document) if isinstance(document, dict) else document for document in documents]
        numbered = {**self._text_fields(kept), **self._listed_fields(kept)}
        new_terms = {}
        for vocabulary, numbers in self.numbers.items():
            new = numbers.take_new()
            if new:
                new_terms[vocabulary] = [term.encode("utf-8") for term in new]
                self.size += len(new)
        retired, self.retired = self.retired, None
        return PreparedBatch(
            source=self.source, retired=retired, new_terms=new_terms, documents=kept,
            present={field: present for field, (present, _, _, _, _) in numbered.items()},
            bounds={field: bounds for field, (_, bounds, _, _, _) in numbered.items()},
            ids={field: ids for field, (_, _, ids, _, _) in numbered.items()},
            freqs={field: freqs for field, (_, _, _, freqs, _) in numbered.items()},
            lengths={field: lengths for field, (_, _, _, _, lengths) in numbered.items()})

    def _text_fields(self, documents: list) -> dict[str, tuple]:
        """Every text field of the documents holding ``TEXT``, counted for the whole batch at once with numpy."""
        at = [index for index, document in enumerate(documents) if isinstance(document, dict) and TEXT in document]
        codes, sizes = [], []
        for index in at:
            for text in documents[index].pop(TEXT):
                before = len(codes)
                codes.extend(map(self.tokens.__getitem__, raw_tokens(text)))
                sizes.append(len(codes) - before)
        packed = np.array(codes, dtype=np.int64)
        part = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)  # 2 * document (title) or 2 * document + 1
        indexed = packed >= 0
        packed, part = packed[indexed], part[indexed]
        document, in_title = part >> 1, (part & 1) == 0
        fields = {}
        for field, (form, where) in TEXT_FIELDS.items():
            chosen = in_title if where == "title" else slice(None)
            values, owners = packed[chosen], document[chosen]
            if form == "exact":
                ids = values >> 32
            elif form == "folded":
                ids = values & LOW_32
            else:
                neighbours = owners[1:] == owners[:-1]
                folded = values & LOW_32
                ids, owners = (folded[:-1] << 32 | folded[1:])[neighbours], owners[1:][neighbours]
            fields[field] = _count(ids, owners, at, len(documents), np.int64 if form == "pairs" else np.uint32)
        return fields

    def _listed_fields(self, documents: list) -> dict[str, tuple]:
        """The facet fields, a term at a time (a few per document)."""
        fields = {}
        for field in LISTED_FIELDS:
            numbers = self.numbers[VOCABULARY[field]]
            present, lengths, ids, freqs, bounds = [], [], [], [], [0]
            for document in documents:
                value = document.pop(field, None) if isinstance(document, dict) else None
                present.append(value is not None)
                if value is not None:
                    counts = value if isinstance(value, dict) else dict.fromkeys(value, 1)
                    ids.extend([numbers[term] for term in counts])
                    freqs.extend(counts.values())
                    lengths.append(sum(counts.values()))
                else:
                    lengths.append(0)
                bounds.append(len(ids))
            fields[field] = (present, np.array(bounds, dtype=np.int64), np.array(ids, dtype=np.uint32),
                             np.array(freqs, dtype=np.float32), lengths)
        return fields


def _count(ids: np.ndarray, owners: np.ndarray, at: list[int], documents: int, dtype) -> tuple:
    """``(present, bounds, ids, freqs, lengths)`` of one field over a batch of ``documents``, from each
    occurrence's term number (a pair's two numbers are 64 bits) and owner (an index into ``at``, the documents'
    places in the batch)."""
    order = np.lexsort((ids, owners))
    ids, owners = ids[order], owners[order]
    starts = np.ones(len(ids), dtype=bool)
    starts[1:] = (ids[1:] != ids[:-1]) | (owners[1:] != owners[:-1])
    first = np.flatnonzero(starts)
    freqs = np.diff(np.r_[first, len(ids)])
    per_document = np.zeros(documents, dtype=np.int64)
    per_document[at] = np.bincount(owners[first], minlength=len(at))
    lengths = np.zeros(documents, dtype=np.int64)
    lengths[at] = np.bincount(owners, minlength=len(at))
    present = np.zeros(documents, dtype=bool)
    present[at] = True
    return (present.tolist(), np.r_[0, np.cumsum(per_document)], ids[first].astype(dtype), freqs.astype(np.float32),
            lengths.tolist())


class TermSources:
    """The writer's side: each worker's terms in the order it numbered them, per vocabulary, for the whole run."""

    def __init__(self):
        self.terms: dict[str, dict[str, list[bytes]]] = {}

    def learn(self, batch: PreparedBatch) -> None:
        if batch.retired:
            self.terms.pop(batch.retired, None)
        terms = self.terms.setdefault(batch.source, {vocabulary: [] for vocabulary in set(VOCABULARY.values())})
        for vocabulary, new in batch.new_terms.items():
            terms[vocabulary].extend(new)

    def of(self, source: str, field: str) -> list[bytes]:
        """The terms ``source`` numbered so far for ``field``, by number."""
        return self.terms[source][VOCABULARY[field]]
