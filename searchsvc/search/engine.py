"""Query execution: matching, BM25F scoring, phrases, proximity and top-k, vectorised over whole posting lists.

The one module that decides how a ``ParsedQuery`` runs against an ``IndexView``. It works on dense numpy arrays
of the index size (a 200,000-article index is 0.8 MB of float32 per array), so the Python work per query is per
query word and per displayed hit, never per matching posting.

Ranking never has a cliff. Every article holding enough of the query is a result, in tiers: first the articles
holding every word (or lacking only words nearly every article holds, ``FIRST_TIER_SHARE``), then those lacking a
small share of the query's weight, then larger shares (``tier``). A word
weighs its idf, so lacking a word most articles hold (``vì``, ``là``) costs less than lacking a rare one; within a
tier, BM25F decides. Articles lacking more than ``MAX_MISSING_SHARE`` of the weight are not results, and each
result can say which words it lacks (``TextMatch.missing``). Words no article holds (a typo, a stray letter) carry
no weight: they cannot tell articles apart, though results still report lacking them.

Adjacency is scored from the ``content_pairs`` terms: every pair of neighbouring query words is looked up as one
term and scored like a word, so documents where ``hội nghị`` stands as a word outrank documents that merely hold
``hội`` and ``nghị``. A quoted phrase keeps the documents holding all of its pairs: exact for two words, and for
longer phrases exact unless each pair occurs only in a different place, which Vietnamese text makes rare.

A document reference typed among the words (``nghị quyết 18``) takes part through the directive facet: an article
citing a document the reference can mean holds the reference's words, however it writes them, and comes first
within its tier. A resolution cited once in a long article about something else is found that way.

Freshness, when an operator turns it on (``freshness`` > 0), is a mild preference within a tier: an article's
score is multiplied by ``1 + freshness * 2 ** (-age / FRESHNESS_HALF_LIFE_DAYS)``, its age counted from the
newest dated article of the index (not after today), so an equally relevant newer article ranks first while a
clearly better older match keeps its place. Undated articles, and dates after that newest day, never count as new.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np

from searchsvc.search.budget import check_budget
from searchsvc.search.postings import UNKNOWN_DAY, IndexView
from searchsvc.search.directives import DirectiveQuery, directive_from_facet
from searchsvc.search.query import ParsedQuery, QueryWord
from searchsvc.text.documents import number_key

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2.0
# A document spelling an unaccented query word exactly as typed ranks above one with other marks.
EXACT_FORM_BONUS = 0.15
# A pair of query words standing side by side in the text counts as much as this share of one more word.
PAIR_WEIGHT = 2.0
PAIRS_FIELD = "content_pairs"
# Tiers are steps of this share of the query's weight: 0 holds every word, 1 lacks up to 10 %, 2 up to 20 % ...
# (``tiers`` counts each step four times: citing a document typed or not, then the words as typed or variants).
TIER_STEP = 0.1
# An article lacking more than this share of the query's weight is not a result (for two words of equal weight,
# an article with one of them is not).
MAX_MISSING_SHARE = 0.5
# Shares are compared with this tolerance, so float32 sums of the same weights compare equal.
SHARE_EPSILON = 1e-4
# An article lacking only words that weigh this share of the query or less (in a long query, words nearly every
# article holds: ``những``, ``được``, ``vào``) ranks in the first tier, beside those holding every word, where its
# score decides: such a word cannot tell articles apart, so lacking it is no reason to rank below all of them.
FIRST_TIER_SHARE = 0.02
# An article holding a variant (``ủy ban nhân dân`` for ``UBND``) or a Telex reading instead of the words typed
# scores this share of what the variant alone would score; it also ranks below the articles of its tier that
# hold the words as typed.
VARIANT_WEIGHT = 0.8
# Up to this many query words, the share of the query's weight a document lacks is looked up by the set of words
# it holds (2 ** 16 sets at most) instead of worked out per document (``_tiers``).
LOOKED_UP_WORDS = 16
# Ranking more keys than four times this many, ``_top_k`` bounds the cut by a sample of this many of them.
TOP_K_SAMPLE = 4096
DIRECTIVE_FIELD = "directive"
_directives_by_number: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Each view's BM25 length normalisation per field (``_length_norm``): float32 per document, 0.8 MB per field at 200k.
_length_norms: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# An article this many days older than the newest one gets half the freshness preference of the newest.
FRESHNESS_HALF_LIFE_DAYS = 365


@dataclass(frozen=True)
class TextMatch:
    """Which documents match (``mask``), their scores and tiers, and which query words each one holds."""

    mask: np.ndarray
    scores: np.ndarray | None
    tiers: np.ndarray | None = None
    # Bit ``i`` of ``held[doc]`` is set when the document holds ``words[i]``.
    held: np.ndarray | None = None
    words: tuple[QueryWord, ...] = ()
    # The documents found by a corrected reading of a typo (``with_reading``), whose ``held`` bits are of its words.
    by_reading: np.ndarray | None = None
    reading_words: tuple[QueryWord, ...] = ()

    def lacks_words(self, mask: np.ndarray) -> bool:
        """True when some document of ``mask`` lacks a query word (whole arrays compared: selecting the masked
        documents first cost more than the comparison)."""
        return self.held is not None and bool(((self.held != self._every_word) & mask).any())

    def holding_every_word(self, mask: np.ndarray) -> np.ndarray:
        return mask if self.held is None else mask & (self.held == self._every_word)

    @property
    def _every_word(self) -> np.ndarray | np.int64:
        """The ``held`` bits of a document holding every word: one number, or one per document when some were
        found by a corrected reading."""
        every = np.int64((1 << len(self.words)) - 1)
        if self.by_reading is None:
            return every
        return np.where(self.by_reading, np.int64((1 << len(self.reading_words)) - 1), every)

    def missing(self, doc: int) -> list[str]:
        """The query words document ``doc`` lacks, as typed (normalized), or as read when it was found by a
        corrected reading."""
        if self.held is None:
            return []
        held = int(self.held[doc])
        words = self.reading_words if self.by_reading is not None and self.by_reading[doc] else self.words
        return [word.exact for i, word in enumerate(words) if not held >> i & 1]

    def best_tier(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` kept to its best tier: the relevance floor of a date-ordered list."""
        if self.tiers is None or not mask.any():
            return mask
        return mask & (self.tiers == self.tiers[mask].min())


def match_text(view: IndexView, query: ParsedQuery) -> TextMatch:
    """Match and score the query words: the articles holding enough of the query's weight, in tiers.

    The request's time budget (``budget.check_budget``) is checked before each word, form and pair.
    """
    if query.is_empty:
        return TextMatch(mask=view.live.copy(), scores=None)
    scores = np.zeros(view.doc_count_all, dtype=np.float32)
    held = np.zeros(view.doc_count_all, dtype=np.int64)
    by_variant = np.zeros(view.doc_count_all, dtype=bool)
    words = tuple(dict.fromkeys(query.words))
    idfs, holders = [], []
    for i, word in enumerate(words):
        check_budget()
        # The first word's scores and bit go into arrays of zeros: written, not added (the same values, one pass
        # fewer over a common word's postings).
        docs, idf = _score_word(view, word, scores, into_zeros=not i)
        if i:
            held[docs] |= np.int64(1) << i
        else:
            held[docs] = 1
        idfs.append(idf)
        holders.append(len(docs))
    for word in query.optional:
        _score_word(view, word, scores)
    read_as = list(query.words)
    for expansion in query.expansions:
        check_budget()
        kept = _score_expansion(view, expansion, [words.index(w) for w in query.words[expansion.start:expansion.end]],
                                scores, held, idfs, holders, by_variant)
        if expansion.reading and kept:
            read_as[expansion.start] = kept[0][0]
    # Neighbouring words score as pairs as they were meant: ``ddaauf tuw coong`` as ``đầu tư công``.
    for pair in dict.fromkeys(_pair_terms(read_as)):
        check_budget()
        _score_pair(view, pair, scores)
    citing = np.zeros(view.doc_count_all, dtype=bool)
    for reference in query.directives:
        check_budget()
        docs = _citing_documents(view, reference.query)
        held[docs] |= np.int64(sum(1 << i for i in {words.index(w) for w in query.words[reference.start:reference.end]}))
        citing[docs] = True
    mask, tiers = _tiers(held, idfs, citing if query.directives else None, by_variant)
    for word in query.excluded:
        mask[view.postings(*_content_term(word)).docs] = False
    for phrase in query.phrases:
        mask = _keep_phrase_matches(view, phrase, mask)
    return TextMatch(mask=mask & view.live, scores=scores, tiers=tiers, held=held, words=words)


def _tiers(held: np.ndarray, idfs: list[float], citing: np.ndarray | None,
           by_variant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The documents holding enough of the query's weight (``MAX_MISSING_SHARE``), and every document's tier.

    A document's weight depends only on which words it holds (its ``held`` bits), so up to ``LOOKED_UP_WORDS`` words
    the share it lacks is worked out once per set of words and looked up: done per document, that float arithmetic
    (a floor division above all) cost more than scoring a word most articles hold.
    """
    if not sum(idfs):
        return np.zeros(len(held), dtype=bool), np.zeros(len(held), dtype=np.int8)
    if len(idfs) <= LOOKED_UP_WORDS:
        sets, of_document = np.arange(1 << len(idfs), dtype=np.int64), held
    else:
        sets, of_document = held, ...
    weight = np.zeros(len(sets), dtype=np.float32)
    for i, idf in enumerate(idfs):
        weight += np.float32(idf) * ((sets >> i) & 1).astype(np.float32)
    lacking = 1 - weight / np.float32(sum(idfs))
    mask = ((sets != 0) & (lacking < MAX_MISSING_SHARE - SHARE_EPSILON))[of_document]
    shares = np.where(lacking <= FIRST_TIER_SHARE, 0, 1 + (lacking - FIRST_TIER_SHARE) // TIER_STEP)
    # Within a share step, the articles citing a document typed come first, then those holding the words as typed
    # before those holding variants.
    tiers = (4 * shares).astype(np.int8)[of_document]
    if citing is not None:
        tiers += 2 * ~citing
    tiers += by_variant
    return mask, tiers


def with_reading(view: IndexView, query: ParsedQuery, literal: TextMatch, reading: TextMatch) -> TextMatch:
    """One ranked list for ``query`` and its corrected reading (``spelling.read_typos``), matched as ``literal``
    and ``reading``: first the articles holding every word as typed beside its neighbours (what the user typed, if
    some article says it), then the reading's matches in its own tiers, then the rest of the query's matches."""
    typed = np.flatnonzero(literal.holding_every_word(literal.mask))
    first = np.zeros_like(literal.mask)
    first[typed[holding_pairs(view, query.words, typed)]] = True
    by_reading = reading.mask & ~first
    step = int(max(literal.tiers[literal.mask].max(initial=0), reading.tiers[reading.mask].max(initial=0))) + 1
    tiers = np.where(first, literal.tiers, np.where(by_reading, step + reading.tiers, 2 * step + literal.tiers))
    return TextMatch(mask=literal.mask | reading.mask, scores=np.where(by_reading, reading.scores, literal.scores),
                     tiers=tiers.astype(np.int8), held=np.where(by_reading, reading.held, literal.held),
                     words=literal.words, by_reading=by_reading, reading_words=reading.words)


def _citing_documents(view: IndexView, query: DirectiveQuery) -> np.ndarray:
    """The documents citing any document ``query`` can mean, by the directive facet."""
    table = view.facet_table(DIRECTIVE_FIELD)
    by_number = _directives_by_number.get(view)
    if by_number is None:
        by_number = {}
        for position, (value, meta) in enumerate(zip(table.values, table.meta)):
            directive = directive_from_facet(value, meta)
            if directive is not None:
                by_number.setdefault(number_key(directive.number), []).append((position, directive))
        _directives_by_number[view] = by_number
    docs = [table.documents_of(position) for position, directive in by_number.get(query.number, ())
            if query.matches(directive)]
    return np.unique(np.concatenate(docs)) if docs else np.zeros(0, dtype=np.int64)


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


def holding_pairs(view: IndexView, words: tuple[QueryWord, ...], docs: np.ndarray) -> np.ndarray:
    """For each of ``docs``, whether it holds every pair of neighbouring ``words`` (a cheap first check of a row)."""
    held = np.ones(len(docs), dtype=bool)
    for pair in _pair_terms(words):
        held &= np.isin(docs, view.postings(PAIRS_FIELD, pair).docs)
    return held


def _content_term(word: QueryWord) -> tuple[str, str]:
    return ("content", word.exact) if word.marked else ("content_folded", word.folded)


def _score_word(view: IndexView, word: QueryWord, scores: np.ndarray,
                into_zeros: bool = False) -> tuple[np.ndarray, float]:
    """Add one word's BM25F (title and content, lengths normalised per field) to ``scores`` (or write it, when
    ``scores`` holds only zeros); return the documents holding it and its idf (0 when none does)."""
    suffix = "" if word.marked else "_folded"
    content = view.postings("content" + suffix, word.term)
    if not len(content.docs):
        return content.docs, 0.0
    title = view.postings("title" + suffix, word.term)
    n = view.doc_count
    idf = math.log(1 + (n - len(content.docs) + 0.5) / (len(content.docs) + 0.5))
    tf = content.freqs / _length_norm(view, "content" + suffix, content.docs)
    if len(title.docs):
        title_tf = np.zeros(view.doc_count_all, dtype=np.float32)
        title_tf[title.docs] = TITLE_WEIGHT * title.freqs / _length_norm(view, "title" + suffix, title.docs)
        tf = tf + title_tf[content.docs]
    weighted = idf * tf * (K1 + 1) / (tf + K1)
    if into_zeros:
        scores[content.docs] = weighted
    else:
        scores[content.docs] += weighted
    if not word.marked:
        exact = view.postings("content", word.folded)
        scores[exact.docs] += EXACT_FORM_BONUS * idf
    return content.docs, idf


def _score_expansion(view: IndexView, expansion, span: list[int], scores: np.ndarray, held: np.ndarray,
                     idfs: list[float], holders: list[int], by_variant: np.ndarray) -> list[tuple[QueryWord, ...]]:
    """Score the other forms of ``words[span]`` where the words typed are not all found: the articles holding a
    form count as holding those words, at ``VARIANT_WEIGHT`` of its score. A Telex/VNI reading is kept only where
    the index holds it more often than the word as typed, and the words weigh at least what the form weighs.
    Returns the forms found."""
    bits = np.int64(sum(1 << i for i in set(span)))
    kept = []
    for form in expansion.alternatives:
        form_scores = np.zeros_like(scores)
        docs, idf = _score_form(view, form, form_scores)
        if not len(docs) or expansion.reading and len(docs) <= max(holders[i] for i in span):
            continue
        lacking = docs[(held[docs] & bits) != bits]
        scores[lacking] += VARIANT_WEIGHT * form_scores[lacking]
        by_variant[lacking] = True
        held[docs] |= bits
        kept.append(form)
        for i in set(span):
            idfs[i] = max(idfs[i], idf / len(set(span)))
    return kept


def _score_form(view: IndexView, form: tuple[QueryWord, ...], scores: np.ndarray) -> tuple[np.ndarray, float]:
    """Score a word, or several words standing together (every neighbouring pair held, as a quoted phrase)."""
    if len(form) == 1:
        return _score_word(view, form[0], scores)
    docs = freqs = None
    for pair in _pair_terms(form):
        postings = view.postings(PAIRS_FIELD, pair)
        if docs is None:
            docs, freqs = postings.docs, postings.freqs
        else:
            docs, mine, theirs = np.intersect1d(docs, postings.docs, assume_unique=True, return_indices=True)
            freqs = np.minimum(freqs[mine], postings.freqs[theirs])
        if not len(docs):
            return docs, 0.0
    idf = math.log(1 + (view.doc_count - len(docs) + 0.5) / (len(docs) + 0.5))
    tf = freqs / _length_norm(view, PAIRS_FIELD, docs)
    scores[docs] += idf * tf * (K1 + 1) / (tf + K1)
    return docs, idf


def _score_pair(view: IndexView, pair: str, scores: np.ndarray) -> None:
    postings = view.postings(PAIRS_FIELD, pair)
    if not len(postings.docs):
        return
    n = view.doc_count
    idf = math.log(1 + (n - len(postings.docs) + 0.5) / (len(postings.docs) + 0.5))
    tf = postings.freqs / _length_norm(view, PAIRS_FIELD, postings.docs)
    scores[postings.docs] += PAIR_WEIGHT * idf * tf * (K1 + 1) / (tf + K1)


def _length_norm(view: IndexView, field: str, docs: np.ndarray) -> np.ndarray:
    """BM25's length normalisation of ``field`` for ``docs``, read from every document's, worked out once per view:
    three passes over a common word's postings per field and query otherwise."""
    norms = _length_norms.setdefault(view, {})
    if field not in norms:
        norms[field] = (1 - B) + B * view.field_lengths(field) / view.average_length(field)
    return norms[field][docs]


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
    freshness: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and scores of one page of results, in the requested order; ``freshness`` > 0 prefers
    newer articles within a tier of a relevance order (see the module's docstring)."""
    candidates = np.flatnonzero(mask)
    if not len(candidates) or offset >= len(candidates):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    scores = match.scores[candidates] if match.scores is not None else np.zeros(len(candidates), np.float32)
    if sort == "relevance" and match.scores is not None:
        if freshness > 0:
            scores = scores * freshness_factors(view, candidates, freshness)
        keys = -scores.astype(np.float64)
        tiers = match.tiers[candidates] if match.tiers is not None else None
        if tiers is not None and tiers.any():  # one tier (every one-word search): the scores alone order it
            # Tier first: an offset larger than any score keeps every tier above the next.
            keys += tiers * (float(scores.max(initial=0)) + 1.0)
        top = _top_k(keys, offset + limit)
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


def freshness_factors(view: IndexView, docs: np.ndarray, freshness: float) -> np.ndarray:
    """``1 + freshness`` for the newest dated article, halving toward 1 every ``FRESHNESS_HALF_LIFE_DAYS``; 1 for
    undated articles and for dates after the newest day not after today (``IndexView.newest_day``)."""
    newest = view.newest_day
    days = view.days[docs].astype(np.float64)
    dated = (days != UNKNOWN_DAY) & (days <= newest)
    age = np.where(dated, newest - days, np.inf)
    return (1 + freshness * np.exp2(-age / FRESHNESS_HALF_LIFE_DAYS)).astype(np.float32)


def _top_k(keys: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the ``k`` smallest keys, sorted (ties by index, so pages are stable).

    Among keys equal to the ``k``-th, the lowest indexes are taken: ``argpartition`` alone picks any of them, so an
    article tied across a page boundary could show on two pages or on neither.

    Many keys are first bounded by a sample: the ``k``-th smallest of any of the keys is at least the ``k``-th
    smallest of all, so the keys up to it hold the first ``k`` and every key tied with the ``k``-th, in index order;
    the exact cut then runs over those few (a common word's 150,000 matches: a few hundred) instead of every key.
    """
    if TOP_K_SAMPLE * 4 < len(keys) and k <= TOP_K_SAMPLE:
        bound = np.partition(keys[::len(keys) // TOP_K_SAMPLE], k - 1)[k - 1]
        within = np.flatnonzero(keys <= bound)
        return within[_top_k_of_all(keys[within], k)]
    return _top_k_of_all(keys, k)


def _top_k_of_all(keys: np.ndarray, k: int) -> np.ndarray:
    if k < len(keys):
        threshold = keys[np.argpartition(keys, k - 1)[k - 1]]
        below = np.flatnonzero(keys < threshold)
        part = np.concatenate((below, np.flatnonzero(keys == threshold)[: k - len(below)]))
    else:
        part = np.arange(len(keys))
    return part[np.lexsort((part, keys[part]))]
