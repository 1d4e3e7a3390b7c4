"""Vietnamese analysis: text -> syllable tokens in two forms, the same chain at index and at query time.

Every syllable is a token. Its *exact* form is NFC, lower case, canonical tone marks (``Hoà`` -> ``hòa``); its
*folded* form has no marks at all (``đường`` -> ``duong``). No stop words and no minimum length: ``ở`` and ``ý``
are words. Offsets point into the original text, so highlights land on the characters the reader sees even when
the stored text is decomposed (NFD).

The schema indexes the same text into several fields (exact, folded, folded with positions). ``analyze`` is
cached on the text, so a document is tokenized once, not once per field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from whoosh.analysis import Token, Tokenizer

from searchsvc.normalize import fold, nfc, normalize_word

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
    tokens = []
    for match in TOKEN_PATTERN.finditer(text):
        raw = match.group()
        if len(raw) > MAX_TOKEN_LENGTH:
            continue
        exact, folded = _forms(raw)
        tokens.append(AnalyzedToken(exact, folded, match.start(), match.end()))
    return tuple(tokens)


class VietnameseTokenizer(Tokenizer):
    """Whoosh tokenizer over ``analyze``: yields the exact or the folded form of each syllable.

    >>> [t.text for t in VietnameseTokenizer(folded=True)("Hoà Bình")]
    ['hoa', 'binh']
    """

    def __init__(self, folded: bool = False):
        self.folded = folded

    def __eq__(self, other):
        return type(other) is type(self) and other.folded == self.folded

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, analyzed in enumerate(analyze(value)):
            token.text = analyzed.folded if self.folded else analyzed.exact
            token.stopped = False
            token.boost = 1.0
            if keeporiginal:
                token.original = value[analyzed.start:analyzed.end]
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + analyzed.start
                token.endchar = start_char + analyzed.end
            yield token


EXACT_ANALYZER = VietnameseTokenizer(folded=False)
FOLDED_ANALYZER = VietnameseTokenizer(folded=True)
