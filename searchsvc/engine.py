"""Query execution: matching, BM25F scoring, phrases, proximity and top-k, vectorised over whole posting lists.

The one module that decides how a ``ParsedQuery`` runs against an ``IndexView``. It works on dense numpy arrays
of the index size (a 200,000-article index is 0.8 MB of float32 per array), so the Python work per query is per
query word and per displayed hit, never per matching posting. Positions are read only for quoted phrases (on the
documents that already hold every word) and for the proximity bonus (on the top ``RERANK_DEPTH`` documents).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from searchsvc.postings import IndexView
from searchsvc.query import ParsedQuery, QueryWord

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2.0
# A document spelling an unaccented query word exactly as typed ranks above one with other marks.
EXACT_FORM_BONUS = 0.15
# Query words that stand next to each other in the text, as in the query, are worth this share of their idf.
ADJACENCY_WEIGHT = 0.6
RERANK_DEPTH = 100
POSITIONS_FIELD = "content_positions"


@dataclass(frozen=True)
class TextMatch:
    """Which documents match the words (``mask``), their scores, and whether not every word had to match."""

    mask: np.ndarray
    scores: np.ndarray | None
    relaxed: bool = False


def match_text(view: IndexView, query: ParsedQuery) -> TextMatch:
    """Match and score the query words; every word must match, else the best partial matches are returned."""
    if query.is_empty:
        return TextMatch(mask=view.live.copy(), scores=None)
    scores = np.zeros(view.doc_count_all, dtype=np.float32)
    present = np.zeros(view.doc_count_all, dtype=np.int16)
    words = list(dict.fromkeys(query.words))
    for word in words:
        _score_word(view, word, scores, present)
    mask = present == len(words)
    relaxed = False
    if not mask.any() and len(words) > 1:
        mask = present >= max(1, math.ceil(len(words) / 2))
        scores += present.astype(np.float32)
        relaxed = True
    for word in query.excluded:
        mask[view.postings(*_content_term(word)).docs] = False
    for phrase in query.phrases:
        mask = _keep_phrase_matches(view, phrase, mask)
    return TextMatch(mask=mask & view.live, scores=scores, relaxed=relaxed)


def _content_term(word: QueryWord) -> tuple[str, str]:
    return ("content", word.exact) if word.marked else ("content_folded", word.folded)


def _score_word(view: IndexView, word: QueryWord, scores: np.ndarray, present: np.ndarray) -> None:
    """Add one word's BM25F (title and content, lengths normalised per field) to ``scores``."""
    suffix = "" if word.marked else "_folded"
    content = view.postings("content" + suffix, word.term)
    if not len(content.docs):
        return
    title = view.postings("title" + suffix, word.term)
    n = view.doc_count
    idf = math.log(1 + (n - len(content.docs) + 0.5) / (len(content.docs) + 0.5))
    tf = content.freqs / _length_norm(view, "content" + suffix, content.docs)
    if len(title.docs):
        title_tf = np.zeros(view.doc_count_all, dtype=np.float32)
        title_tf[title.docs] = TITLE_WEIGHT * title.freqs / _length_norm(view, "title" + suffix, title.docs)
        tf = tf + title_tf[content.docs]
    scores[content.docs] += idf * tf * (K1 + 1) / (tf + K1)
    present[content.docs] += 1
    if not word.marked:
        exact = view.postings("content", word.folded)
        scores[exact.docs] += EXACT_FORM_BONUS * idf


def _length_norm(view: IndexView, field: str, docs: np.ndarray) -> np.ndarray:
    lengths = view.field_lengths(field)[docs]
    return (1 - B) + B * lengths / view.average_length(field)


def _keep_phrase_matches(view: IndexView, phrase: tuple[QueryWord, ...], mask: np.ndarray) -> np.ndarray:
    """Keep the documents of ``mask`` in which the phrase's words stand in order, side by side."""
    candidates = np.flatnonzero(mask).astype(np.int32)
    positions = [view.positions(POSITIONS_FIELD, word.folded, candidates) for word in phrase]
    kept = np.zeros_like(mask)
    for doc in candidates:
        doc = int(doc)
        if all(doc in word_positions for word_positions in positions) and _has_sequence(
            [word_positions[doc] for word_positions in positions]
        ):
            kept[doc] = True
    return kept


def _has_sequence(positions: list[np.ndarray]) -> bool:
    starts = positions[0]
    for offset, following in enumerate(positions[1:], start=1):
        starts = np.intersect1d(starts, following - offset, assume_unique=True)
        if not len(starts):
            return False
    return True


def rank(
    view: IndexView,
    query: ParsedQuery,
    match: TextMatch,
    mask: np.ndarray,
    sort: str,
    offset: int,
    limit: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and scores of one page of results, in the requested order."""
    candidates = np.flatnonzero(mask)
    if not len(candidates) or offset >= len(candidates):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    scores = match.scores[candidates] if match.scores is not None else np.zeros(len(candidates), np.float32)
    if sort == "relevance" and match.scores is not None:
        depth = min(len(candidates), max(offset + limit, RERANK_DEPTH))
        top = _top_k(-scores, depth)
        order_docs, order_scores = candidates[top], scores[top]
        order_docs, order_scores = _rerank_by_proximity(view, query, order_docs, order_scores)
    else:
        days = view.days[candidates].astype(np.int64)
        if sort == "oldest":
            days = np.where(days < 0, np.iinfo(np.int32).max, days)
            order = np.lexsort((-scores, days))
        else:
            order = np.lexsort((-scores, -days))
        order = order[: offset + limit]
        order_docs, order_scores = candidates[order], scores[order]
    return order_docs[offset: offset + limit], order_scores[offset: offset + limit]


def _top_k(keys: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the ``k`` smallest keys, sorted (ties by index, so pages are stable)."""
    if k < len(keys):
        part = np.argpartition(keys, k - 1)[:k]
    else:
        part = np.arange(len(keys))
    return part[np.lexsort((part, keys[part]))]


def _rerank_by_proximity(view: IndexView, query: ParsedQuery, docs: np.ndarray,
                         scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reward the top documents where consecutive query words stand side by side, as they do in the query.

    Vietnamese words have several syllables (``hội nghị giao ban``), so adjacency is what tells a document
    about the query from one that merely contains its syllables.
    """
    pairs = [(a, b) for a, b in zip(query.words, query.words[1:]) if a.folded != b.folded]
    head = min(len(docs), RERANK_DEPTH)
    if not pairs or head == 0:
        return docs, scores
    wanted = np.sort(docs[:head]).astype(np.int32)
    positions = {
        word.folded: view.positions(POSITIONS_FIELD, word.folded, wanted)
        for word in {w for pair in pairs for w in pair}
    }
    n = view.doc_count
    bonus = np.zeros(head, dtype=np.float32)
    for a, b in pairs:
        df = len(view.postings("content_folded", b.folded).docs) or 1
        weight = ADJACENCY_WEIGHT * math.log(1 + (n - df + 0.5) / (df + 0.5))
        first, second = positions[a.folded], positions[b.folded]
        for i in range(head):
            doc = int(docs[i])
            if doc in first and doc in second and len(np.intersect1d(first[doc] + 1, second[doc])):
                bonus[i] += weight
    rescored = scores.copy()
    rescored[:head] += bonus
    order = np.concatenate([np.lexsort((docs[:head], -rescored[:head])), np.arange(head, len(docs))])
    return docs[order], rescored[order]
