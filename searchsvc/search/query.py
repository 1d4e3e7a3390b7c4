"""What the user typed -> ``ParsedQuery``: words, quoted phrases and excluded words, each in both forms.

The syntax is forgiving by design: ``"quoted phrases"`` and ``-excluded`` words are understood, and anything else
(an unbalanced quote, stray operators) is read as plain words, never an error. Each word remembers whether it was
typed with diacritics, which decides whether it matches only its exact form or every accented form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from searchsvc.text.analysis import analyze
from searchsvc.text.normalize import nfc

MAX_QUERY_WORDS = 32
PHRASE = re.compile(r'(-?)"([^"]*)"')


@dataclass(frozen=True)
class QueryWord:
    """One query syllable: ``marked`` when typed with diacritics, so it must match ``exact`` and not ``folded``."""

    exact: str
    folded: str
    marked: bool = field(init=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "marked", self.exact != self.folded)

    @property
    def term(self) -> str:
        return self.exact if self.marked else self.folded


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[QueryWord, ...] = ()
    phrases: tuple[tuple[QueryWord, ...], ...] = ()
    excluded: tuple[QueryWord, ...] = ()
    words_ignored: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.words


def parse_query(text: str) -> ParsedQuery:
    """Parse a search box entry; words past ``MAX_QUERY_WORDS`` are ignored (and counted), so no query runs unbounded.

    >>> q = parse_query('tinh Biên "hội nghị" -covid')
    >>> [w.term for w in q.words], [[w.term for w in p] for p in q.phrases], [w.term for w in q.excluded]
    (['tinh', 'biên', 'hội', 'nghị'], [['hội', 'nghị']], ['covid'])
    """
    text = nfc(text)
    words: list[QueryWord] = []
    phrases: list[tuple[QueryWord, ...]] = []
    excluded: list[QueryWord] = []
    pieces: list[tuple[str, bool, bool]] = []  # (text, is_phrase, is_excluded) in query order
    position = 0
    for match in PHRASE.finditer(text):
        pieces.append((text[position:match.start()], False, False))
        pieces.append((match.group(2), True, match.group(1) == "-"))
        position = match.end()
    pieces.append((text[position:].replace('"', " "), False, False))
    for piece, is_phrase, is_excluded in pieces:
        if is_phrase:
            phrase = _words(piece)
            if is_excluded:
                excluded.extend(phrase)
            else:
                words.extend(phrase)
                if len(phrase) > 1:
                    phrases.append(tuple(phrase))
            continue
        for chunk in piece.split():
            target = excluded if chunk.startswith("-") and len(chunk) > 1 else words
            target.extend(_words(chunk))
    ignored = max(len(words) - MAX_QUERY_WORDS, 0) + max(len(excluded) - MAX_QUERY_WORDS, 0)
    return ParsedQuery(tuple(words[:MAX_QUERY_WORDS]), tuple(phrases), tuple(excluded[:MAX_QUERY_WORDS]), ignored)


def _words(text: str) -> list[QueryWord]:
    return [QueryWord(token.exact, token.folded) for token in analyze(text)]
