""""Did you mean": the query typed without (or with wrong) diacritics, spelt as the corpus itself spells it.

The documents that match the query with every mark ignored are read, and each run of the query's syllables is
looked up in their text: the most frequent spelling of the whole run wins, so ``tinh bien`` becomes ``Tịnh Biên``
(a place) by its context rather than syllable by syllable (``tính``, ``tình``, ``tĩnh`` are all more common words
than ``tịnh`` on their own). Runs cross only spaces, never punctuation, so ``Biên: Triển`` is not a spelling of
``bien trien``. Plain Python over ``IndexView``: no Flask.

Place names first: a run of the query that spells a province or district the index names is given the place's
spelling (``tinh bien`` is ``Tịnh Biên`` even where the documents read say ``tỉnh biên giới`` more often) and is
never "corrected" as a typo (``thoai son`` is ``Thoại Sơn``, not ``thoái vốn``), unless the texts read more often
spell the place's syllables otherwise as part of a run going on past it (``tinh bien gioi`` stays ``tỉnh biên
giới``; ``hoi nghi tinh bien`` is ``hội nghị Tịnh Biên``).

Typos first (``correct_typos``): a syllable one letter away from the one typed is read instead when it makes the
query's pairs of neighbouring syllables far more frequent in the index, so ``nông thông mới`` is ``nông
thôn mới`` and ``hoi ngi giao ban`` is ``hội nghị giao ban``. Only syllables the index holds beside their
neighbours are offered, never a non-word.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter, defaultdict

from searchsvc.search.engine import PAIRS_FIELD, match_text, rank
from searchsvc.search.postings import IndexView
from searchsvc.search.query import parse_query
from searchsvc.search.variants import is_syllable
from searchsvc.text.analysis import AnalyzedToken, analyze
from searchsvc.text.normalize import nfc

# The top documents read for spellings: enough to outvote a typo, few enough to stay a small part of a search.
DOCUMENTS_READ = 20
# Longer queries are sentences pasted from elsewhere, not words typed without marks.
MAX_WORDS = 12
# A correction must make the query's pairs this many times more frequent (as a product), each found in at least
# ``MIN_PAIR_DOCUMENTS`` articles.
TYPO_FACTOR = 10
MIN_PAIR_DOCUMENTS = 3
MAX_CORRECTIONS = 2
# A pair of neighbouring syllables found in fewer articles than this makes its syllables suspect.
SUSPECT_PAIR_DOCUMENTS = 5
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Provinces and districts: commune names are too often common words (``Đoàn Kết``, ``Hòa Lợi``).
PLACE_LEVELS = (1, 2)
PLACE_FIELD = "locality_all"
_places: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def suggest_spelling(view: IndexView, q: str) -> str | None:
    """``q`` with its words spelt the way the matching documents most often spell them, or None if nothing changes.

    Quotes, dashes and spacing of ``q`` are kept; only the syllables are replaced.
    """
    q = nfc(q)
    typed = [token for token in analyze(q) if token.folded]
    if not typed or len(typed) > MAX_WORDS:
        return None
    places = find_places(view, [token.folded for token in typed])
    protected = {i for start, end, _ in places for i in range(start, end)}
    folded = correct_typos(view, [token.folded for token in typed], protected)
    folded_query = parse_query(" ".join(folded))
    match = match_text(view, folded_query)
    docs, _ = rank(view, match, match.mask, "relevance", 0, DOCUMENTS_READ)
    texts = []
    for doc in docs:
        document = view.stored(int(doc))
        texts.extend((document["title"], document["body"]))
    spellings = respell(folded, texts, places)
    if not any(spelling is not None and _normalized(spelling) != token.exact
               for token, spelling in zip(typed, spellings)):
        return None
    # Once one syllable changes, the whole query takes the corpus' spelling, capitals included ("Tịnh Biên").
    pieces, cursor = [], 0
    for token, spelling in zip(typed, spellings):
        pieces.append(q[cursor:token.start])
        pieces.append(spelling if spelling is not None else q[token.start:token.end])
        cursor = token.end
    pieces.append(q[cursor:])
    return "".join(pieces)


def correct_typos(view: IndexView, folded: list[str], protected: set[int] = frozenset()) -> list[str]:
    """The folded syllables with up to ``MAX_CORRECTIONS`` of them replaced by a syllable one letter away; the
    positions in ``protected`` (a place's name) are kept.

    A query is scored as a chain of neighbouring pairs, ``log(1 + articles holding the pair)`` summed: a correction
    is made when it raises that score by ``log(TYPO_FACTOR)`` and every pair is then found in the index, the best
    correction first (``nong thong moi``: ``nong thon`` and ``thon moi`` together beat ``tong thong``, common
    alone, beside a rare ``thong moi``).
    """
    corrected = list(folded)
    for _ in range(MAX_CORRECTIONS if len(corrected) > 1 else 0):
        typed = _coherence(view, corrected)
        pairs = [view.doc_frequency(PAIRS_FIELD, f"{a} {b}") for a, b in zip(corrected, corrected[1:])]
        best = None
        for i, syllable in enumerate(corrected):
            # Only a syllable standing in a pair the index (almost) never holds is suspect.
            touching = pairs[max(i - 1, 0):i + 1]
            if min(touching) >= SUSPECT_PAIR_DOCUMENTS or not syllable.isascii() or not syllable.isalpha() \
                    or i in protected:
                continue
            for candidate in _one_letter_away(syllable):
                rarest, score = _coherence(view, corrected[:i] + [candidate] + corrected[i + 1:])
                if rarest >= MIN_PAIR_DOCUMENTS and score >= typed[1] + math.log(TYPO_FACTOR) \
                        and (best is None or score > best[0]):
                    best = (score, i, candidate)
        if best is None:
            break
        corrected[best[1]] = best[2]
    return corrected


def find_places(view: IndexView, folded: list[str]) -> list[tuple[int, int, list[str]]]:
    """``(start, end, spelling)`` of each run of the folded syllables that is a province's or district's name, the
    longest first, left to right; a name shared by several places takes the spelling of the most named one."""
    places = _place_spellings(view)
    longest = max((len(key) for key in places), default=0)
    found, i = [], 0
    while i < len(folded):
        for length in range(min(longest, len(folded) - i), 1, -1):
            spelling = places.get(tuple(folded[i:i + length]))
            if spelling is not None:
                found.append((i, i + length, spelling))
                i += length
                break
        else:
            i += 1
    return found


def _place_spellings(view: IndexView) -> dict[tuple[str, ...], list[str]]:
    """Folded syllables of every province and district some live article names -> its label's syllables (built
    once per view)."""
    cached = _places.get(view)
    if cached is not None:
        return cached
    table = view.facet_table(PLACE_FIELD)
    named = {}
    for position in sorted(range(len(table.values)), key=lambda i: int(table.totals[i])):
        if table.totals[position] and table.meta[position].get("level") in PLACE_LEVELS:
            label = table.labels[position]
            tokens = analyze(label)
            if len(tokens) > 1:
                named[tuple(token.folded for token in tokens)] = [label[t.start:t.end] for t in tokens]
    _places[view] = named
    return named


def has_suspect_pair(view: IndexView, q: str) -> bool:
    """Whether two neighbouring syllables of ``q`` stand together in (almost) no article: a sign of a typo."""
    folded = [token.folded for token in analyze(nfc(q))]
    return any(view.doc_frequency(PAIRS_FIELD, f"{a} {b}") < SUSPECT_PAIR_DOCUMENTS
               for a, b in zip(folded, folded[1:]))


def _coherence(view: IndexView, words: list[str]) -> tuple[int, float]:
    """How many articles hold the rarest pair of neighbouring ``words``, and the chain's log score."""
    counts = [view.doc_frequency(PAIRS_FIELD, f"{a} {b}") for a, b in zip(words, words[1:])]
    return min(counts), sum(math.log1p(count) for count in counts)


def _one_letter_away(word: str) -> set[str]:
    """Vietnamese syllables (folded) one deletion, insertion, substitution or transposition away from ``word``.

    >>> sorted(_one_letter_away("thong") & {"thon", "thong", "thongg", "khong"})
    ['khong', 'thon']
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    edits |= {a + c + b for a, b in splits for c in LETTERS}
    return {edit for edit in edits if edit != word and is_syllable(edit)}


def respell(folded: list[str], texts: list[str], places=()) -> list[str | None]:
    """The corpus spelling of each folded syllable, chosen for the longest runs of them found in ``texts``.

    Greedy from the left: the longest run starting at a syllable that the texts hold wins, and the next run starts
    after it. A syllable found nowhere stays None. Then each ``(start, end, spelling)`` of ``places`` takes its
    place's spelling, unless a run holding the whole place and going on past its end spells it otherwise and is
    found in the texts more often than the place is.

    >>> respell(["tinh", "bien", "tinh"], ["Thị xã Tịnh Biên tính toán", "tại Tịnh Biên; tình hình"])
    ['Tịnh', 'Biên', 'tính']
    >>> place = [(0, 2, ["Tịnh", "Biên"])]
    >>> respell(["tinh", "bien"], ["tỉnh biên giới", "các tỉnh biên giới"], place)
    ['Tịnh', 'Biên']
    >>> respell(["tinh", "bien", "gioi"], ["tỉnh biên giới", "các tỉnh biên giới"], place)
    ['tỉnh', 'biên', 'giới']
    """
    runs = [_runs(text) for text in texts]
    found: list[str | None] = [None] * len(folded)
    spans = []  # (start, end, how often the texts spell the run so)
    i = 0
    while i < len(folded):
        for length in range(len(folded) - i, 0, -1):
            spelling, count = _most_frequent(folded[i:i + length], runs)
            if spelling is not None:
                found[i:i + length] = spelling
                spans.append((i, i + length, count))
                i += length
                break
        else:
            i += 1
    for start, end, spelling in places:
        exact = [_normalized(word) for word in spelling]
        named = _spelling_counts(folded[start:end], runs)[0][tuple(exact)]
        if all(count <= named for first, last, count in spans if first <= start and last > end
               and [_normalized(word) for word in found[start:end]] != exact):
            found[start:end] = spelling
    return found


def _runs(text: str) -> list[tuple[list[AnalyzedToken], str]]:
    """Stretches of ``text`` whose syllables are separated by spaces alone, each with the text they come from."""
    tokens = analyze(text)
    runs, current = [], []
    for token in tokens:
        if current and not text[current[-1].end:token.start].isspace():
            runs.append(current)
            current = []
        current.append(token)
    if current:
        runs.append(current)
    return [(run, text) for run in runs]


def _most_frequent(sequence: list[str], runs) -> tuple[list[str] | None, int]:
    """The most frequent exact spelling of the folded ``sequence``, in the case the texts most often give it, and
    how often the texts give it.

    A spelling seen anywhere in lower case is given in lower case (a common word capitalised at the start of a
    sentence stays a common word); one seen only capitalised is a name and keeps its capitals.
    """
    counts, surfaces = _spelling_counts(sequence, runs)
    if not counts:
        return None, 0
    best = max(counts, key=lambda exact: (counts[exact], exact))
    forms = surfaces[best]
    lower = [form for form in forms if all(word == word.lower() for word in form)]
    chosen = lower[0] if lower else max(forms, key=lambda form: (forms[form], form))
    return [nfc(word) for word in chosen], counts[best]


def _spelling_counts(sequence: list[str], runs) -> tuple[Counter, dict]:
    """How often the texts spell the folded ``sequence`` in each exact form, and in which surface forms."""
    length = len(sequence)
    counts: Counter[tuple[str, ...]] = Counter()
    surfaces: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
    for doc_runs in runs:
        for run, text in doc_runs:
            for start in range(len(run) - length + 1):
                window = run[start:start + length]
                if all(token.folded == word for token, word in zip(window, sequence)):
                    exact = tuple(token.exact for token in window)
                    counts[exact] += 1
                    surfaces[exact][tuple(text[token.start:token.end] for token in window)] += 1
    return counts, surfaces


def _normalized(word: str) -> str:
    tokens = analyze(word)
    return tokens[0].exact if tokens else word
