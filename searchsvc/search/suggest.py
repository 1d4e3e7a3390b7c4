"""Filters to propose for what the user typed: a document (``chỉ thị 05/CT-TTg``) or a time (``tháng 9/2020``).

Typing a directive or a month in the search box matches those words in the text, which misses articles that cite
the document another way (``Chỉ thị số 05``) and finds ones that merely print the number. The filter is exact, so
the response proposes it; only values the index holds are proposed, each with its number of articles.
"""

from __future__ import annotations

import re

from searchsvc.search.directives import DirectiveQuery, directive_from_facet, parse_directive_query
from searchsvc.search.facets import search_values
from searchsvc.text.normalize import fold_text, nfc
from searchsvc.search.postings import IndexView

# The longest directive reference staff type: "Chỉ thị số 05/CT-TTg ngày 2020" is six words.
MAX_SPAN_WORDS = 7
MAX_PER_MATCH = 5
# References read per query: each costs a pass over the directive values, and nobody types more than a few.
MAX_REFERENCES = 5
EDGE_PUNCTUATION = "\"'“”‘’()[]{}.,;:!?"
MONTH = re.compile(r"(?<!\w)(?:tháng|thang)\s*0?(?P<month>\d{1,2})\s*(?:/|-|\.|\s+năm\s+|\s+nam\s+)\s*"
                   r"(?P<year>(?:19|20)\d\d)(?!\d)")
YEAR = re.compile(r"(?<!\w)(?P<word>năm|nam)\s+(?P<year>(?:19|20)\d\d)(?!\d)")
# Unmarked "nam" is also "south" in place names: "Việt Nam 2020" is not "năm 2020".
PLACE_WORDS_BEFORE_NAM = frozenset({"viet", "ha", "quang", "mien", "phia", "huong", "tay", "dong", "hai", "nam"})


def suggest_filters(view: IndexView, q: str, selected: dict[str, tuple[str, ...]] | None = None) -> list[dict]:
    """Filters matching a directive or a month/year in ``q``, in the order typed; values already selected are left out.

    Each is ``{"facet", "value", "label", "count", "match"}``, ``match`` being the part of ``q`` it was read from.
    """
    text = nfc(q)
    selected = selected or {}
    suggestions: list[dict] = []
    directive_spans, queries = [], set()
    for start, end in _directive_spans(text):
        directive_spans.append((start, end))
        query = parse_directive_query(text[start:end])
        if query not in queries and len(queries) < MAX_REFERENCES:
            queries.add(query)
            suggestions += _directive_suggestions(view, query, text[start:end], start)
    for start, end, value in _date_values(text):
        if not any(s <= start < e for s, e in directive_spans):
            suggestions += _date_suggestion(view, value, text[start:end], start)
    suggestions.sort(key=lambda suggestion: suggestion.pop("_position"))
    kept, seen = [], set()
    for suggestion in suggestions:
        key = (suggestion["facet"], suggestion["value"])
        if key not in seen and suggestion["value"] not in selected.get(suggestion["facet"], ()):
            seen.add(key)
            kept.append(suggestion)
    return kept


def _directive_spans(text: str):
    """Character spans of ``text`` that read as a document reference, longest first from the left."""
    words = list(re.finditer(r"\S+", text))
    i = 0
    while i < len(words):
        found = None
        if not words[i].group().startswith("-"):  # "-05/CT-TTg" excludes the words, it does not ask for them
            for length in range(min(MAX_SPAN_WORDS, len(words) - i), 0, -1):
                start, end = words[i].start(), words[i + length - 1].end()
                start, end = _strip_edges(text, start, end)
                span = text[start:end]
                if any(c.isdigit() for c in span) and parse_directive_query(span) is not None:
                    found = (start, end, length)
                    break
        if found:
            yield found[0], found[1]
            i += found[2]
        else:
            i += 1


def _strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in EDGE_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in EDGE_PUNCTUATION:
        end -= 1
    return start, end


def _directive_suggestions(view: IndexView, query: DirectiveQuery, span: str, position: int) -> list[dict]:
    def matches(value: str, meta: dict) -> bool:
        directive = directive_from_facet(value, meta)
        return directive is not None and query.matches(directive)

    return [
        {"facet": "directive", "value": found.value, "label": found.label, "count": found.count, "match": span,
         "_position": position}
        for found in search_values(view, "directive", matches)[:MAX_PER_MATCH]
    ]


def _date_values(text: str):
    """``(start, end, date facet value)`` for each ``tháng M/YYYY`` and ``năm YYYY`` in ``text``."""
    lowered = text.lower()
    months = []
    for match in MONTH.finditer(lowered):
        month = int(match["month"])
        if 1 <= month <= 12:
            months.append((match.start(), match.end()))
            yield match.start(), match.end(), f"{match['year']}-{month:02d}"
    for match in YEAR.finditer(lowered):
        if any(s <= match.start() < e for s, e in months):
            continue  # "tháng 9 năm 2020": the month already names the year
        if match["word"] == "nam":
            before = lowered[:match.start()].split()
            if before and fold_text(before[-1]) in PLACE_WORDS_BEFORE_NAM:
                continue
        yield match.start(), match.end(), match["year"]


def _date_suggestion(view: IndexView, value: str, span: str, position: int) -> list[dict]:
    found = search_values(view, "date", lambda candidate, meta: candidate == value)
    return [
        {"facet": "date", "value": item.value, "label": item.label, "count": item.count, "match": span,
         "_position": position}
        for item in found
    ]
