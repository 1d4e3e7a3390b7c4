"""``SearchRequest`` -> ``SearchResult``: validation, matching, filters, ranking, snippets and facet counts.

Knows nothing of Flask: the web layer and the CLI both build a ``SearchRequest`` and render the
``SearchResult`` (``to_dict`` is the JSON shape of ``/api/search`` and of ``searchsvc search --json``).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from searchsvc.search.budget import check_budget, time_budget
from searchsvc.search.duplicates import LOOKAHEAD, MAX_COMPARED, Story, collapse
from searchsvc.search.engine import holding_pairs, match_text, rank, with_reading
from searchsvc.errors import InvalidParameter
from searchsvc.search import params
from searchsvc.search.filters import resolve_request
from searchsvc.search.facets import FACETS, FacetValue, count_values, filter_mask
from searchsvc.search.postings import UNKNOWN_DAY, IndexView
from searchsvc.search.query import parse_query
from searchsvc.search.snippets import highlight, holds_in_a_row, make_snippet
from searchsvc.search.spelling import read_typos, spell_reading
from searchsvc.search.suggest import suggest_filters
from searchsvc.search.variants import variants_for

# Seconds one search may take, matching to facets, before it is stopped (the slowest real query takes a small
# fraction); the web layer gives a whole request, rendering included, the same budget.
QUERY_TIME_BUDGET = 2.0
# The first ranks of a relevance order are read for the query's words in a row: within its tier, an article holding
# the words one after another (a sentence remembered from it) comes first. Pairs of neighbouring words are scored
# by the engine, but they can stand apart. Shorter queries are topics (``du lịch Quy Nhơn``, four syllables), where
# the words in a row mark a passing mention as often as an article about them.
IN_A_ROW_DEPTH = 20
IN_A_ROW_WORDS = 5
# The freshness preference of a query asking for the latest news (``mới nhất``, ``hôm nay``: ``query.py``), whatever
# the operator's setting: the newest dated article's score is doubled, one a year older raised by half.
NEWS_FRESHNESS = 1.0


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str | None = None
    page: int = 1
    per_page: int = params.DEFAULT_PER_PAGE
    locality_scope: str = "about"
    # The operator's freshness preference (``config.FRESHNESS``), not a request parameter: see ``engine.rank``.
    freshness: float = 0.0

    def facet_field(self, facet: str) -> str:
        """The index field a facet reads: ``locality`` counts the places articles are about unless the scope is all."""
        return "locality_all" if facet == "locality" and self.locality_scope == "all" else facet

    @property
    def effective_sort(self) -> str:
        """Relevance when there is text to rank by, else newest first."""
        if self.sort:
            return self.sort
        return "relevance" if self.q.strip() else "newest"

    @classmethod
    def from_pairs(cls, pairs, freshness: float = 0.0) -> SearchRequest:
        """Validate request parameters, given as ``(name, value)`` pairs, before searching."""
        return cls.from_values(params.read(pairs, *params.SEARCH), freshness)

    @classmethod
    def from_values(cls, values: dict, freshness: float = 0.0) -> SearchRequest:
        """The request of parameters ``params.read`` has checked (``params.SEARCH`` among them)."""
        request = cls(
            q=values["q"],
            filters={name: values[name] for name in FACETS if values[name]},
            date_from=values["date_from"],
            date_to=values["date_to"],
            sort=values["sort"],
            page=values["page"],
            per_page=values["per_page"],
            locality_scope=values["locality_scope"],
            freshness=freshness,
        )
        if request.date_from and request.date_to and request.date_from > request.date_to:
            raise InvalidParameter("«date_from» phải trước hoặc bằng «date_to».", param="date_from")
        return request

    def to_dict(self) -> dict:
        return {
            "q": self.q,
            "filters": {name: list(values) for name, values in self.filters.items()},
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "sort": self.effective_sort,
            "locality_scope": self.locality_scope,
        }


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    title_html: str
    url: str | None
    published: str | None
    authors: list[str]
    localities: list[dict]
    directives: list[dict]
    snippet: str
    score: float
    # Query words this article lacks: it ranks below the articles holding them.
    missing_words: list[str] = field(default_factory=list)
    # The same story republished elsewhere, shown within this result ({"id", "title"}).
    similar: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    truncated: dict[str, bool]
    took_ms: float
    relaxed: bool = False
    words_ignored: int = 0
    suggestions: list[dict] = field(default_factory=list)
    # Matching articles with no publication date, counted like the date facet (every filter but the date's).
    undated: int = 0
    # The query as corrected when some of its words looked like typos; its matches rank below the words as typed.
    reading: str | None = None

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.request.per_page)

    def to_dict(self) -> dict:
        return {
            "query": {**self.request.to_dict(), "all_words_matched": not self.relaxed,
                      "words_ignored": self.words_ignored, "also_read_as": self.reading},
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 2),
            "results": [hit.to_dict() for hit in self.hits],
            "facets": {name: [value.to_dict() for value in values] for name, values in self.facets.items()},
            "suggestions": self.suggestions,
        }


def search(view: IndexView, request: SearchRequest) -> SearchResult:
    """Run one search: every match counted, one page ranked and rendered, every facet counted. Filter values are
    first resolved to the index's own (a place's name to its code); the result's ``request`` holds those.

    Within ``QUERY_TIME_BUDGET`` (or the caller's budget, if it ends sooner), checked between the steps.
    """
    with time_budget(QUERY_TIME_BUDGET):
        return _search(view, request)


def _search(view: IndexView, request: SearchRequest) -> SearchResult:
    started = time.perf_counter()
    request = resolve_request(view, request)
    query, reading, match, base, masks, final = _select(view, request)
    stories = _stories(view, request, query, match, final)
    hits = [_hit(story, reading if match.by_reading is not None and match.by_reading[story.doc] else query,
                 match.missing(story.doc)) for story in stories]
    facets, truncated = {}, {}
    for name in FACETS:
        check_budget()
        facet_base = base.copy()
        for other, mask in masks.items():
            if other != name:
                facet_base &= mask
        facets[name], truncated[name] = count_values(view, request.facet_field(name), facet_base,
                                                          request.filters.get(name, ()))
        if name == "date":
            undated = int(np.count_nonzero(facet_base & (view.days == UNKNOWN_DAY)))
    check_budget()
    suggestions = suggest_filters(view, request.q, request.filters)
    return SearchResult(
        request=request,
        total=int(np.count_nonzero(final)),
        hits=hits,
        facets=facets,
        truncated=truncated,
        took_ms=(time.perf_counter() - started) * 1000,
        relaxed=match.lacks_words(final),
        words_ignored=query.words_ignored,
        suggestions=suggestions,
        undated=undated,
        reading=spell_reading(reading, [story.document for story in stories]) if reading else None,
    )


def _stories(view: IndexView, request: SearchRequest, query, match, final: np.ndarray) -> list[Story]:
    """The page's results, a story republished by several papers as one (``duplicates.py``); on the pages past
    what ``MAX_COMPARED`` covers, article by article."""
    offset = (request.page - 1) * request.per_page
    end = offset + request.per_page
    if LOOKAHEAD * end > MAX_COMPARED:
        return [Story(*ranked) for ranked in _ranked(view, request, query, match, final, offset, request.per_page)]
    ranked = _ranked(view, request, query, match, final, 0, max(LOOKAHEAD * end, _in_a_row_depth(request, query)))
    ranked = _in_a_row_first(view, request, query, match, ranked)
    return collapse(ranked, [view.stories.signature(doc) for doc, _, _ in ranked])[offset:end]


def _in_a_row_depth(request: SearchRequest, query) -> int:
    """How many of the first ranks ``_in_a_row_first`` reorders: none unless ordered by relevance, with enough
    words and no question words set aside (which would break the row)."""
    if request.effective_sort != "relevance" or len(query.words) < IN_A_ROW_WORDS or query.optional:
        return 0
    return IN_A_ROW_DEPTH


def _in_a_row_first(view: IndexView, request: SearchRequest, query, match, ranked: list[tuple]) -> list[tuple]:
    """``ranked`` (``(doc, score, stored document)``) with, among its first ranks, the articles holding the query's
    words in a row moved ahead of the others of their tier; the rest as it was. Only the articles holding every
    pair of neighbouring words (``holding_pairs``) are read for the row."""
    depth = _in_a_row_depth(request, query)
    if not depth or match.tiers is None:
        return ranked
    words = tuple(word.folded for word in query.words)
    head = ranked[:depth]
    candidates = holding_pairs(view, query.words, np.array([doc for doc, _, _ in head], dtype=np.int64))
    in_a_row = [bool(candidate) and holds_in_a_row(f"{document['title']}\n{document['body']}", words)
                for candidate, (_, _, document) in zip(candidates, head)]
    order = sorted(range(len(head)), key=lambda i: (int(match.tiers[head[i][0]]), not in_a_row[i]))
    return [head[i] for i in order] + ranked[depth:]


def _ranked(view: IndexView, request: SearchRequest, query, match, final: np.ndarray, offset: int,
            limit: int) -> list[tuple]:
    """``(doc, score, stored document)`` of ranks ``offset`` to ``offset + limit``, each document prepared only as far
    as it is read (``StoredDocument``): most are read only to group near-duplicates."""
    docs, scores = rank(view, match, final, request.effective_sort, offset, limit, _freshness(request, query))
    ranked = []
    for doc, score in zip(docs, scores):
        check_budget()
        ranked.append((int(doc), float(score), view.stored_lazily(int(doc))))
    return ranked


def _freshness(request: SearchRequest, query) -> float:
    """The operator's freshness preference, raised to ``NEWS_FRESHNESS`` for a query asking for the latest news."""
    return max(request.freshness, NEWS_FRESHNESS) if query.wants_news else request.freshness


def ranked_documents(view: IndexView, request: SearchRequest, limit: int) -> tuple[int, Iterator[dict]]:
    """How many articles match, and the first ``limit`` of them as stored, in the order of the result pages (one
    ranking over the whole list, each article read only when the iterator reaches it): what an export writes."""
    query, _, match, _, _, final = _select(view, resolve_request(view, request))
    docs, scores = rank(view, match, final, request.effective_sort, 0, limit, _freshness(request, query))
    depth = _in_a_row_depth(request, query)
    head = _in_a_row_first(view, request, query, match, [(int(doc), float(score), view.stored(int(doc)))
                                                         for doc, score in zip(docs[:depth], scores[:depth])])
    rest = (view.stored(int(doc)) for doc in docs[depth:])
    return int(np.count_nonzero(final)), itertools.chain((document for _, _, document in head), rest)


def _select(view: IndexView, request: SearchRequest):
    """The parsed query, its corrected reading if it has typos (or None), their text match, the documents matching
    within the date range (``base``), each facet filter's documents, and those passing every filter (``final``)."""
    variants = variants_for(view.path.parent)
    query = parse_query(request.q, variants)
    reading = read_typos(view, query, variants)
    match = match_text(view, query)
    if reading is not None:
        check_budget()
        match = with_reading(view, query, match, match_text(view, reading))
    check_budget()
    base = match.mask & _date_range(view, request)
    if request.effective_sort != "relevance":
        # A date order has no tiers to keep weak matches down, so it lists the best tier only.
        base = match.best_tier(base)
    masks = {name: filter_mask(view, request.facet_field(name), values)
             for name, values in request.filters.items() if values}
    final = base.copy()
    for mask in masks.values():
        final &= mask
    check_budget()
    return query, reading, match, base, masks, final


def _date_range(view: IndexView, request: SearchRequest) -> np.ndarray | bool:
    if not request.date_from and not request.date_to:
        return True
    days = view.days
    mask = days != UNKNOWN_DAY
    if request.date_from:
        mask &= days >= (request.date_from - date(1970, 1, 1)).days
    if request.date_to:
        mask &= days <= (request.date_to - date(1970, 1, 1)).days
    return mask


def _hit(story: Story, query, missing: list[str]) -> Hit:
    document, score = story.document, story.score
    return Hit(
        id=document["id"],
        title=document["title"],
        title_html=highlight(document["title"], query),
        url=document.get("url"),
        published=document.get("published"),
        authors=document.get("authors", []),
        localities=document.get("localities", []),
        directives=document.get("directives", []),
        snippet=make_snippet(document["body"], query),
        score=round(score, 4),
        missing_words=missing,
        similar=[{"id": repeat["id"], "title": repeat["title"]} for repeat in story.repeats],
    )
