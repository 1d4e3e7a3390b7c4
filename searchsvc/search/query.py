"""What the user typed -> ``ParsedQuery``: words, quoted phrases and excluded words, each in both forms.

The syntax is forgiving by design: ``"quoted phrases"`` and ``-excluded`` words are understood, and anything else
(an unbalanced quote, stray operators) is read as plain words, never an error. Each word remembers whether it was
typed with diacritics, which decides whether it matches only its exact form or every accented form.

Two readings are added to what was typed, never replacing it: the other forms of a variant or abbreviation
(``variants.py``: ``UBND`` also searches ``ủy ban nhân dân``) and the syllable a Telex or VNI leftover spells
(``hooij`` also searches ``hội``), as ``expansions``. Question words (``vì sao``, ``bao nhiêu``, ``bao giờ``, ``có
nên``, ``nào``) of a
question with at least two other words are ``optional``: they add to the score where they occur and are never
required. Words asking for the latest news (``mới nhất``, ``hôm nay``) beside at least one other word are optional
too, and mark the query as ``wants_news``: the ranking then prefers newer articles (``service.NEWS_FRESHNESS``),
since the articles the user wants say it by their date, not by holding the words ``mới nhất``.

A document reference among the words (``nghị quyết 18``, ``chỉ thị 05 CT/TW``) is kept as ``directives``: the
articles citing a document it can mean hold its words, whatever they write (``engine.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from searchsvc.search.directives import DirectiveQuery, find_directive_queries
from searchsvc.search.variants import CURATED_VARIANTS, Variants, read_typed
from searchsvc.text.analysis import analyze
from searchsvc.text.normalize import fold, nfc

MAX_QUERY_WORDS = 32
PHRASE = re.compile(r'(-?)"([^"]*)"')
# Words that make a question of a search (exact forms); single syllables only as typed with their marks, since
# ``nao``/``gi`` without marks are other words too. ``ai`` (who) counts only at the start.
QUESTION_PHRASES = ("vì sao", "tại sao", "vì đâu", "là gì", "là bao nhiêu", "bao nhiêu", "như thế nào", "làm thế nào",
                    "thế nào", "ra sao", "bằng cách nào", "ở đâu", "khi nào", "bao giờ", "bao lâu", "làm sao",
                    "có phải", "có nên", "hay không", "là ai")
QUESTION_WORDS = frozenset({"nào", "gì", "đâu"})
QUESTION_FIRST_WORDS = frozenset({"ai"})
# A question needs this many other words before its question words become optional.
MIN_WORDS_BESIDE_QUESTION = 2
# Words asking for the newest reports rather than naming a topic (exact forms, or typed without marks).
NEWS_PHRASES = ("mới nhất", "hôm nay", "gần đây", "mới đây", "gần nhất")


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
class Expansion:
    """Other ways of writing ``words[start:end]``: variant forms, or the syllable a Telex/VNI leftover spells."""

    start: int
    end: int
    alternatives: tuple[tuple[QueryWord, ...], ...]
    reading: bool = False


@dataclass(frozen=True)
class Reference:
    """A document reference typed as ``words[start:end]``."""

    start: int
    end: int
    query: DirectiveQuery


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[QueryWord, ...] = ()
    phrases: tuple[tuple[QueryWord, ...], ...] = ()
    excluded: tuple[QueryWord, ...] = ()
    words_ignored: int = 0
    expansions: tuple[Expansion, ...] = ()
    optional: tuple[QueryWord, ...] = ()
    directives: tuple[Reference, ...] = ()
    wants_news: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.words

    @property
    def highlighted(self) -> tuple[QueryWord, ...]:
        """Every word a snippet marks: the words typed, their alternatives and the question words."""
        alternatives = (word for expansion in self.expansions for form in expansion.alternatives for word in form)
        return tuple(dict.fromkeys((*self.words, *alternatives, *self.optional)))


def parse_query(text: str, variants: Variants = CURATED_VARIANTS) -> ParsedQuery:
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
    words = words[:MAX_QUERY_WORDS]
    optional: list[QueryWord] = []
    news: list[QueryWord] = []
    if not phrases:
        words, news = _set_aside(words, _news_forms(), frozenset(), 1)
        words, optional = _set_aside(words, _question_forms(), QUESTION_WORDS, MIN_WORDS_BESIDE_QUESTION,
                                     QUESTION_FIRST_WORDS)
    return ParsedQuery(tuple(words), tuple(phrases), tuple(excluded[:MAX_QUERY_WORDS]), ignored,
                       _expansions(words, variants), tuple(optional + news), _references(text, words), bool(news))


def _references(text: str, words: list[QueryWord]) -> tuple[Reference, ...]:
    """The document references of ``text``, each at the run of ``words`` that spells it.

    >>> [(r.start, r.end, r.query.number) for r in _references("họp về chỉ thị 05", _words("họp về chỉ thị 05"))]
    [(2, 5, '5')]
    """
    folded = [word.folded for word in words]
    references = []
    for query, spelled in find_directive_queries(text):
        run = [word.folded for word in _words(spelled)]
        for start in range(len(folded) - len(run) + 1):
            if folded[start:start + len(run)] == run:
                references.append(Reference(start, start + len(run), query))
                break
    return tuple(references)


def _set_aside(words: list[QueryWord], phrases, single: frozenset[str], min_beside: int,
               first: frozenset[str] = frozenset()) -> tuple[list[QueryWord], list[QueryWord]]:
    """Split off the words of ``phrases`` (and the ``single`` words anywhere, the ``first`` words at the start, as
    typed with their marks) when at least ``min_beside`` other words remain; a phrase typed without marks counts.

    >>> question = _set_aside(_words("vì sao tôm hùm chết"), _question_forms(), QUESTION_WORDS, 2)
    >>> [[w.exact for w in part] for part in question]
    [['tôm', 'hùm', 'chết'], ['vì', 'sao']]
    >>> news = _set_aside(_words("gia vang hom nay"), _news_forms(), frozenset(), 1)
    >>> [[w.exact for w in part] for part in news]
    [['gia', 'vang'], ['hom', 'nay']]
    """
    aside = [False] * len(words)
    for forms in phrases:
        for start in range(len(words) - len(forms) + 1):
            window = words[start:start + len(forms)]
            if all(w.exact == f.exact or not w.marked and w.folded == f.folded for w, f in zip(window, forms)):
                aside[start:start + len(forms)] = [True] * len(forms)
    for i, word in enumerate(words):
        if word.exact in single or (i == 0 and word.exact in first):
            aside[i] = True
    kept = [word for word, is_aside in zip(words, aside) if not is_aside]
    if len(kept) < min_beside or len(kept) == len(words):
        return words, []
    return kept, [word for word, is_aside in zip(words, aside) if is_aside]


@cache
def _question_forms() -> tuple[list[QueryWord], ...]:
    return tuple(_words(phrase) for phrase in QUESTION_PHRASES)


@cache
def _news_forms() -> tuple[list[QueryWord], ...]:
    return tuple(_words(phrase) for phrase in NEWS_PHRASES)


def _expansions(words: list[QueryWord], variants: Variants) -> tuple[Expansion, ...]:
    """Variant forms for the runs of ``words`` that are a form of a group, Telex/VNI readings for the others."""
    expansions = []
    covered = set()
    for start, end, forms in variants.find([word.folded for word in words]):
        alternatives = tuple(tuple(QueryWord(syllable, syllable) for syllable in form) for form in forms)
        expansions.append(Expansion(start, end, alternatives))
        covered.update(range(start, end))
    for i, word in enumerate(words):
        reading = None if word.marked or i in covered else read_typed(word.exact)
        if reading:
            # Telex typists often type one ``d`` for ``đ``: ``duowngf`` is read as ``đường`` first, then ``dường``.
            readings = [reading] if not reading.startswith("d") else ["đ" + reading[1:], reading]
            alternatives = tuple((QueryWord(form, fold(form)),) for form in readings)
            expansions.append(Expansion(i, i + 1, alternatives, reading=True))
    return tuple(sorted(expansions, key=lambda expansion: expansion.start))


def _words(text: str) -> list[QueryWord]:
    return [QueryWord(token.exact, token.folded) for token in analyze(text)]
