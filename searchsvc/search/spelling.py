""""Did you mean": the query typed without (or with wrong) diacritics, spelt as the corpus itself spells it.

The documents that match the query with every mark ignored are read, and each run of the query's syllables is
looked up in their text: the most frequent spelling of the whole run wins, so ``tinh bien`` becomes ``Tịnh Biên``
(a place) by its context rather than syllable by syllable (``tính``, ``tình``, ``tĩnh`` are all more common words
than ``tịnh`` on their own). Runs cross only spaces, never punctuation, so ``Biên: Triển`` is not a spelling of
``bien trien``. Plain Python over ``IndexView``: no Flask.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from searchsvc.text.analysis import AnalyzedToken, analyze
from searchsvc.search.engine import match_text, rank
from searchsvc.text.normalize import nfc
from searchsvc.search.postings import IndexView
from searchsvc.search.query import parse_query

# The top documents read for spellings: enough to outvote a typo, few enough to stay a small part of a search.
DOCUMENTS_READ = 20
# Longer queries are sentences pasted from elsewhere, not words typed without marks.
MAX_WORDS = 12


def suggest_spelling(view: IndexView, q: str) -> str | None:
    """``q`` with its words spelt the way the matching documents most often spell them, or None if nothing changes.

    Quotes, dashes and spacing of ``q`` are kept; only the syllables are replaced.
    """
    q = nfc(q)
    typed = [token for token in analyze(q) if token.folded]
    if not typed or len(typed) > MAX_WORDS:
        return None
    folded_query = parse_query(" ".join(token.folded for token in typed))
    match = match_text(view, folded_query)
    docs, _ = rank(view, match, match.mask, "relevance", 0, DOCUMENTS_READ)
    texts = []
    for doc in docs:
        document = view.stored(int(doc))
        texts.extend((document["title"], document["body"]))
    spellings = respell([token.folded for token in typed], texts)
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


def respell(folded: list[str], texts: list[str]) -> list[str | None]:
    """The corpus spelling of each folded syllable, chosen for the longest runs of them found in ``texts``.

    Greedy from the left: the longest run starting at a syllable that the texts hold wins, and the next run starts
    after it. A syllable found nowhere stays None.

    >>> respell(["tinh", "bien", "tinh"], ["Thị xã Tịnh Biên tính toán", "tại Tịnh Biên; tình hình"])
    ['Tịnh', 'Biên', 'tính']
    """
    runs = [_runs(text) for text in texts]
    found: list[str | None] = [None] * len(folded)
    i = 0
    while i < len(folded):
        for length in range(len(folded) - i, 0, -1):
            spelling = _most_frequent(folded[i:i + length], runs)
            if spelling is not None:
                found[i:i + length] = spelling
                i += length
                break
        else:
            i += 1
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


def _most_frequent(sequence: list[str], runs) -> list[str] | None:
    """The most frequent exact spelling of the folded ``sequence``, in the case the texts most often give it.

    A spelling seen anywhere in lower case is given in lower case (a common word capitalised at the start of a
    sentence stays a common word); one seen only capitalised is a name and keeps its capitals.
    """
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
    if not counts:
        return None
    best = max(counts, key=lambda exact: (counts[exact], exact))
    forms = surfaces[best]
    lower = [form for form in forms if all(word == word.lower() for word in form)]
    chosen = lower[0] if lower else max(forms, key=lambda form: (forms[form], form))
    return [nfc(word) for word in chosen]


def _normalized(word: str) -> str:
    tokens = analyze(word)
    return tokens[0].exact if tokens else word
