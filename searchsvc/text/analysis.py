"""Vietnamese analysis: text -> syllable tokens in two forms, the same chain at index and at query time.

Every syllable is a token. Its *exact* form is NFC, lower case, canonical tone marks (``Hoà`` -> ``hòa``); its
*folded* form has no marks at all (``đường`` -> ``duong``). No stop words and no minimum length: ``ở`` and ``ý``
are words. Offsets point into the original text, so highlights land on the characters the reader sees even when
the stored text is decomposed (NFD).

Plain Python, no Whoosh: the schema hands these terms to Whoosh already analyzed, and the query parser uses the
same functions, so index and query time cannot drift apart. ``analyze`` is cached on the text, so a document is
tokenized once, not once per field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from searchsvc.text.normalize import fold, nfc, normalize_word

# Word characters plus combining marks: a decomposed "hòa" (o + U+0300) stays one token.
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:[\u0300-\u036f]+[^\W_]*)*")
MAX_TOKEN_LENGTH = 40


class AnalyzedToken(NamedTuple):
    exact: str
    folded: str
    start: int
    end: int


@lru_cache(maxsize=200_000)
def _forms(raw: str) -> tuple[str, str]:
    exact = normalize_word(nfc(raw))
    return exact, fold(exact)


@lru_cache(maxsize=16)
def analyze(text: str) -> tuple[AnalyzedToken, ...]:
    """Tokenize ``text`` into syllables with both normalized forms and their character offsets.

    >>> [(t.exact, t.folded) for t in analyze("Thuỷ lợi ở Tịnh Biên")]
    [('thủy', 'thuy'), ('lợi', 'loi'), ('ở', 'o'), ('tịnh', 'tinh'), ('biên', 'bien')]
    """
    # The tokens are found in one call and placed by ``str.index`` from the end of the previous one (no letter lies
    # between two tokens, so the first occurrence is the token): a match object per token cost half of this.
    tokens = []
    end = 0
    for raw in TOKEN_PATTERN.findall(text):
        start = text.index(raw, end)
        end = start + len(raw)
        if len(raw) <= MAX_TOKEN_LENGTH:
            exact, folded = _forms(raw)
            tokens.append(AnalyzedToken(exact, folded, start, end))
    return tuple(tokens)


def raw_tokens(text: str) -> list[str]:
    """Every token of ``text`` as written, in order; ``token_forms`` says which are syllables, and their forms.

    >>> raw_tokens("Thuỷ lợi, 2025")
    ['Thuỷ', 'lợi', '2025']
    """
    return TOKEN_PATTERN.findall(text)


def token_forms(raw: str) -> tuple[str, str] | None:
    """The exact and the folded form of one raw token, or ``None`` for a token too long to be a word (not indexed).

    >>> token_forms("Thuỷ"), token_forms("x" * 41)
    (('thủy', 'thuy'), None)
    """
    return None if len(raw) > MAX_TOKEN_LENGTH else _forms(raw)


def syllable_forms(text: str) -> tuple[list[str], list[str]]:
    """The exact and the folded form of every syllable of ``text``, in order: what ``analyze`` finds, without the
    offsets and the token objects, which are most of its cost when indexing.

    >>> syllable_forms("Thuỷ lợi ở Tịnh Biên")
    (['thủy', 'lợi', 'ở', 'tịnh', 'biên'], ['thuy', 'loi', 'o', 'tinh', 'bien'])
    """
    forms = [_forms(raw) for raw in TOKEN_PATTERN.findall(text) if len(raw) <= MAX_TOKEN_LENGTH]
    return [exact for exact, _ in forms], [folded for _, folded in forms]


def adjacent_pairs(folded: list[str]) -> list[str]:
    """Pairs of neighbouring folded syllables (``hoi nghi``): the terms that make adjacency and phrases cheap.

    >>> adjacent_pairs(syllable_forms("Hội nghị giao ban")[1])
    ['hoi nghi', 'nghi giao', 'giao ban']
    """
    return [f"{a} {b}" for a, b in zip(folded, folded[1:])]
