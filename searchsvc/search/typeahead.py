"""Suggestions while typing: places, directives and article titles for a partial entry, accents ignored.

``tinh bi`` proposes the district Tịnh Biên, and the articles whose titles read best for ``tinh bien``: the last
word, still being typed, is completed to the most frequent title syllable it begins. Each suggestion carries the
path it leads to, so the page's script only has to show it. Plain Python: no Flask.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from searchsvc.search import params
from searchsvc.search.catalog import search_facet
from searchsvc.search.engine import match_text, rank
from searchsvc.text.normalize import fold_text
from searchsvc.search.postings import IndexView
from searchsvc.search.query import parse_query

MIN_LENGTH = 2
PLACES = 3
DIRECTIVES = 3
TITLES = 5
# Prefix completions looked at for the last word: the most frequent of them wins.
MAX_EXPANSIONS = 200


def suggest_as_you_type(view: IndexView, q: str) -> list[dict]:
    """``{"kind", "label", "detail", "url"}`` items: places, then directives, then titles; none for < 2 letters."""
    if len(fold_text(q).replace(" ", "")) < MIN_LENGTH:
        return []
    items = []
    locality = view.facet_table("locality")
    for value in search_facet(view, "locality", q, PLACES)[0]:
        parent = value.parent and locality.meta[locality.position[value.parent]].get("label", value.parent)
        items.append({"kind": "place", "label": value.label, "detail": parent or f"{value.count} bài",
                      "url": "/?" + urlencode({"locality": value.value})})
    for value in search_facet(view, "directive", q, DIRECTIVES)[0]:
        items.append({"kind": "directive", "label": value.label, "detail": f"{value.count} bài",
                      "url": "/directives/" + quote(value.value, safe="")})
    query = parse_query(complete_last_word(view, q))
    if not query.is_empty:
        match = match_text(view, query)
        docs, _ = rank(view, match, match.holding_every_word(match.mask), "relevance", 0, TITLES)
        for doc in docs:
            document = view.stored(int(doc))
            items.append({"kind": "title", "label": document["title"],
                          "detail": params.day_text(document.get("published")),
                          "url": "/articles/" + quote(document["id"], safe="")})
    return items


def complete_last_word(view: IndexView, q: str) -> str:
    """``q`` with its last word completed to the title syllable it most likely begins, by the word before it.

    ``an gi`` becomes ``an giang`` (the pair ``an giang`` is the most frequent), ``tinh bi`` becomes ``tinh bien``.
    Nothing changes once a space follows the word: the user has finished it.
    """
    if not q or q[-1].isspace():
        return q
    words = q.split()
    last = fold_text(words[-1])
    if not last.isalnum():
        return q
    previous = fold_text(words[-2]) if len(words) > 1 else None
    best, best_key = None, (0, 0)
    for term, frequency in view.expand_prefix("title_folded", last, MAX_EXPANSIONS):
        together = len(view.postings("content_pairs", f"{previous} {term}").docs) if previous else 0
        key = (together, frequency)
        if key > best_key:
            best, best_key = term, key
    return " ".join(words[:-1] + [best]) if best else q
