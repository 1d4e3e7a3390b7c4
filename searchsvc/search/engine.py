"""Query execution: matching, BM25F scoring, phrases, proximity and top-k, vectorised over whole posting lists.

The one module that decides how a ``ParsedQuery`` runs against an ``IndexView``. It works on dense numpy arrays
of the index size (a 200,000-article index is 0.8 MB of float32 per array), so the Python work per query is per
query word and per displayed hit, never per matching posting.

Adjacency is scored from the ``content_pairs`` terms: every pair of neighbouring query words is looked up as one
term and scored like a word, so documents where ``hội nghị`` stands as a word outrank documents that merely hold
``hội`` and ``nghị``. A quoted phrase keeps the documents holding all of its pairs: exact for two words, and for
longer phrases exact unless each pair occurs only in a different place, which Vietnamese text makes rare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from searchsvc.search.budget import check_budget
from searchsvc.search.postings import UNKNOWN_DAY, IndexView
from searchsvc.search.query import ParsedQuery, QueryWord

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2.0
# A document spelling an unaccented query word exactly as typed ranks above one with other marks.
EXACT_FORM_BONUS = 0.15
# A pair of query words standing side by side in the text counts as much as this share of one more word.
PAIR_WEIGHT = 2.0
PAIRS_FIELD = "content_pairs"


@dataclass(frozen=True)
class TextMatch:
    """Which documents match the words (``mask``), their scores, and whether not every word had to match."""

    mask: np.ndarray
    scores: np.ndarray | None
    relaxed: bool = False


def match_text(view: IndexView, query: ParsedQuery) -> TextMatch:
    """Match and score the query words; every word must match, else the best partial matches are returned.

    The request's time budget (``budget.check_budget``) is checked before each word and pair.
    """
    if query.is_empty:
        return TextMatch(mask=view.live.copy(), scores=None)
    scores = np.zeros(view.doc_count_all, dtype=np.float32)
    present = np.zeros(view.doc_count_all, dtype=np.int16)
    words = list(dict.fromkeys(query.words))
    for word in words:
        check_budget()
        _score_word(view, word, scores, present)
    for pair in dict.fromkeys(_pair_terms(query.words)):
        check_budget()
        _score_pair(view, pair, scores)
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


def query_terms(query: ParsedQuery) -> list[tuple[str, str]]:
    """The terms whose posting lists ``match_text`` reads for ``query`` (title lists aside)."""
    words = list(dict.fromkeys(query.words))
    terms = [_content_term(word) for word in words] + [_content_term(word) for word in query.excluded]
    terms += [(PAIRS_FIELD, pair) for pair in _pair_terms(words)]
    return terms + [(PAIRS_FIELD, pair) for phrase in query.phrases for pair in _pair_terms(phrase)]


def query_cost(view: IndexView, terms: list[tuple[str, str]]) -> float:
    """About how many index sizes of postings matching reads for ``terms`` (at most one per term), judged from the
    term index before any posting is read: what admission control calls heavy."""
    return sum(view.doc_frequency(*term) for term in terms) / max(view.doc_count, 1)


def _pair_terms(words) -> list[str]:
    return [f"{a.folded} {b.folded}" for a, b in zip(words, words[1:])]


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


def _score_pair(view: IndexView, pair: str, scores: np.ndarray) -> None:
    postings = view.postings(PAIRS_FIELD, pair)
    if not len(postings.docs):
        return
    n = view.doc_count
    idf = math.log(1 + (n - len(postings.docs) + 0.5) / (len(postings.docs) + 0.5))
    tf = postings.freqs / _length_norm(view, PAIRS_FIELD, postings.docs)
    scores[postings.docs] += PAIR_WEIGHT * idf * tf * (K1 + 1) / (tf + K1)


def _length_norm(view: IndexView, field: str, docs: np.ndarray) -> np.ndarray:
    lengths = view.field_lengths(field)[docs]
    return (1 - B) + B * lengths / view.average_length(field)


def _keep_phrase_matches(view: IndexView, phrase: tuple[QueryWord, ...], mask: np.ndarray) -> np.ndarray:
    """Keep the documents of ``mask`` that hold every neighbouring pair of the phrase."""
    kept = mask.copy()
    for pair in _pair_terms(phrase):
        holders = np.zeros_like(mask)
        holders[view.postings(PAIRS_FIELD, pair).docs] = True
        kept &= holders
    return kept


def rank(
    view: IndexView,
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
        top = _top_k(-scores, offset + limit)
        order_docs, order_scores = candidates[top], scores[top]
    else:
        days = view.days[candidates].astype(np.int64)
        if sort == "oldest":
            days = np.where(days == UNKNOWN_DAY, np.iinfo(np.int32).max, days)
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
