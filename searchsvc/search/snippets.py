"""Highlighted, HTML-escaped snippets on the original accented text.

The window is chosen on a folded copy of the text (one ``str.translate``, the same length as the text, so
positions carry over), where one compiled pattern finds every query word; only the chosen window is then
tokenized with the index's analyzer to mark words, so a query ``duong`` marks ``<mark>đường</mark>`` and a
query ``dương`` does not. What is marked is what the reader sees.

Words, not stray syllables: the window preferred is the one where neighbouring query words stand together
(``biệt phủ``), and where a pair of query words stands together in a passage, their syllables are marked only
there, not elsewhere on their own (``Chính phủ`` for a query ``biệt phủ``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from searchsvc.text.analysis import analyze
from searchsvc.text.normalize import fold_passage
from searchsvc.search.query import ParsedQuery

SNIPPET_CHARACTERS = 240
CONTEXT_BEFORE = 40
MAX_WINDOW_STARTS = 200
MAX_WORD_CHARACTERS = 30


def make_snippet(text: str, query: ParsedQuery) -> str:
    """The stretch of ``text`` with the most query words standing together and the most distinct query words,
    words marked, everything else escaped."""
    start = _best_window_start(text, query)
    if start is None:
        lead = text[:SNIPPET_CHARACTERS]
        return escape(lead) + ("…" if len(text) > len(lead) else "")
    start = _word_boundary_before(text, max(0, start - CONTEXT_BEFORE))
    end = _word_boundary_after(text, min(len(text), start + SNIPPET_CHARACTERS))
    return ("…" if start > 0 else "") + highlight(text, query, start, end) + ("…" if end < len(text) else "")


def highlight(text: str, query: ParsedQuery, start: int = 0, end: int | None = None) -> str:
    """Escape ``text[start:end]`` and wrap every query word in ``<mark>``, except a syllable standing alone that the
    passage also holds within a pair of query words.

    >>> from searchsvc.search.query import parse_query
    >>> highlight("Chính phủ thanh tra biệt phủ", parse_query("biệt phủ"))
    'Chính phủ thanh tra <mark>biệt</mark> <mark>phủ</mark>'
    """
    piece = text[start:len(text) if end is None else end]
    exact, folded = _query_forms(query.highlighted)
    pairs = _query_pairs(query)
    tokens = analyze(piece)
    found = [token.exact in exact or token.folded in folded for token in tokens]
    together = [False] * len(tokens)
    for i in range(len(tokens) - 1):
        if found[i] and found[i + 1] and (tokens[i].folded, tokens[i + 1].folded) in pairs \
                and piece[tokens[i].end:tokens[i + 1].start].isspace():
            together[i] = together[i + 1] = True
    joined = {token.folded for token, is_together in zip(tokens, together) if is_together}
    pieces, cursor = [], 0
    for token, is_found, is_together in zip(tokens, found, together):
        if is_found and (is_together or token.folded not in joined):
            pieces.append(escape(piece[cursor:token.start]))
            pieces.append(f"<mark>{escape(piece[token.start:token.end])}</mark>")
            cursor = token.end
    pieces.append(escape(piece[cursor:]))
    return "".join(pieces)


@lru_cache(maxsize=256)
def _query_forms(words) -> tuple[frozenset[str], frozenset[str]]:
    """The exact forms of marked query words and the folded forms of unmarked ones, for O(1) token checks."""
    return (frozenset(w.exact for w in words if w.marked), frozenset(w.folded for w in words if not w.marked))


@lru_cache(maxsize=256)
def _query_pairs(query: ParsedQuery) -> frozenset[tuple[str, str]]:
    """Folded pairs of neighbouring query words, and of neighbouring syllables of each variant form."""
    runs = [query.words] + [form for expansion in query.expansions for form in expansion.alternatives]
    return frozenset((a.folded, b.folded) for run in runs for a, b in zip(run, run[1:]))


def holds_in_a_row(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds the folded ``words`` one after another, nothing but spaces or punctuation between.

    >>> holds_in_a_row("Tỉnh ủy, Thường trực HĐND, UBND tỉnh", ("tinh", "uy", "thuong", "truc", "hdnd"))
    True
    >>> holds_in_a_row("Thường trực Tỉnh ủy", ("tinh", "uy", "thuong", "truc"))
    False
    """
    return _sequence_pattern(words).search(fold_passage(text)) is not None


@lru_cache(maxsize=256)
def _sequence_pattern(folded_words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, folded_words)) + r"(?![^\W_])")


def _best_window_start(text: str, query: ParsedQuery) -> int | None:
    """Where the window with the most query pairs standing together, then the most distinct query words, begins;
    None when no word occurs."""
    if not query.words:
        return None
    folded_text = fold_passage(text)
    if len(folded_text) != len(text):
        folded_text = text.lower()
    hits = _whole_words(folded_text, {w.folded for w in query.highlighted})
    if not hits:
        return None
    pairs = _query_pairs(query)
    standing = {i for i, ((position, word), (after, following)) in enumerate(zip(hits, hits[1:]))
                if (word, following) in pairs and folded_text[position + len(word):after].isspace()}
    best_start, best_cover = hits[0][0], (0, 0)
    for index, (position, _) in enumerate(hits[:MAX_WINDOW_STARTS]):
        covered, together = set(), set()
        for offset, (other, word) in enumerate(hits[index:], start=index):
            if other >= position + SNIPPET_CHARACTERS - CONTEXT_BEFORE:
                break
            covered.add(word)
            if offset in standing:
                together.add((word, hits[offset + 1][1]))
        if (len(together), len(covered)) > best_cover:
            best_start, best_cover = position, (len(together), len(covered))
    return best_start


def _whole_words(text: str, words: set[str]) -> list[tuple[int, str]]:
    """``(position, word)`` of every one of ``words`` standing whole in ``text`` (no letter or digit touching it),
    in order. ``str.find`` per word and a look at the characters either side: a regular expression trying every
    word at every position of an article body cost eight times as much.

    >>> _whole_words("hoi nghi, nghia hoi", {"hoi", "nghi"})
    [(0, 'hoi'), (4, 'nghi'), (16, 'hoi')]
    """
    found = []
    for word in words:
        position = text.find(word)
        while position >= 0:
            end = position + len(word)
            if not (position and text[position - 1].isalnum() or end < len(text) and text[end].isalnum()):
                found.append((position, word))
            position = text.find(word, position + 1)
    return sorted(found)


def _word_boundary_before(text: str, position: int) -> int:
    """Move back to the start of the word ``position`` falls in, so a snippet never opens mid-word."""
    space = text.rfind(" ", max(0, position - MAX_WORD_CHARACTERS), position)
    return space + 1 if space >= 0 else position


def _word_boundary_after(text: str, position: int) -> int:
    space = text.find(" ", position, position + MAX_WORD_CHARACTERS)
    return space if space >= 0 else position
