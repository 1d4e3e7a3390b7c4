"""Highlighted, HTML-escaped snippets on the original accented text.

The text is tokenized with the same analyzer as the index, so a query ``duong`` marks ``<mark>đường</mark>`` and a
query ``dương`` does not; offsets point into the stored text, so what is marked is what the reader sees.
"""

from __future__ import annotations

from html import escape

from searchsvc.analysis import analyze
from searchsvc.query import ParsedQuery

SNIPPET_TOKENS = 36
LEAD_CHARACTERS = 240
MAX_WINDOW_STARTS = 200


def make_snippet(text: str, query: ParsedQuery) -> str:
    """The window of ``text`` with the most distinct query words, words marked, everything else escaped."""
    tokens = analyze(text)
    hits = [i for i, token in enumerate(tokens) if _matches(token, query)]
    if not hits:
        lead = text[:LEAD_CHARACTERS]
        return escape(lead) + ("…" if len(text) > len(lead) else "")
    start = _best_window(tokens, hits, query)
    end = min(len(tokens), start + SNIPPET_TOKENS)
    window_start = tokens[start].start if start > 0 else 0
    window_end = tokens[end - 1].end if end < len(tokens) else len(text)
    return ("…" if window_start > 0 else "") + highlight(text, query, window_start, window_end) + (
        "…" if window_end < len(text) else "")


def highlight(text: str, query: ParsedQuery, start: int = 0, end: int | None = None) -> str:
    """Escape ``text[start:end]`` and wrap every query word in ``<mark>``."""
    end = len(text) if end is None else end
    pieces, cursor = [], start
    for token in analyze(text):
        if token.start < start or token.end > end or not _matches(token, query):
            continue
        pieces.append(escape(text[cursor:token.start]))
        pieces.append(f"<mark>{escape(text[token.start:token.end])}</mark>")
        cursor = token.end
    pieces.append(escape(text[cursor:end]))
    return "".join(pieces)


def _matches(token, query: ParsedQuery) -> bool:
    return any(
        (token.exact == word.exact) if word.marked else (token.folded == word.folded) for word in query.words
    )


def _best_window(tokens, hits: list[int], query: ParsedQuery) -> int:
    """Start the window a few tokens before the run of hits that covers the most distinct query words."""
    best_start, best_score = hits[0], -1
    for first in hits[:MAX_WINDOW_STARTS]:
        covered = {tokens[i].folded for i in hits if first <= i < first + SNIPPET_TOKENS}
        if len(covered) > best_score:
            best_start, best_score = first, len(covered)
    return max(0, best_start - 4)
