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

Typos first (``correct_typos``): a syllable one letter away from the one typed, or one a Vietnamese speaker's
spelling confuses with it (``ch``/``tr``, ``s``/``x``, ``d``/``gi``/``r``, ``l``/``n``, final ``c``/``t``, ``n``/``ng``),
is read instead when it makes the query's pairs of neighbouring syllables far more frequent in the index, so ``nông
thông mới`` is ``nông thôn mới``, ``hoi ngi giao ban`` is ``hội nghị giao ban`` and ``bắt chộm chó`` is ``bắt
trộm chó``. Only syllables the index holds beside their neighbours are offered, never a non-word.

The ranking reads typos too (``read_typos``): a query with a syllable found beside its neighbours in (almost) no
article, or typed with marks that (almost) no article gives it there (``ô nhiểm môi trường``), is also searched as
corrected; ``engine.with_reading`` ranks the articles holding the words as typed first, then the corrected
reading's, then the rest.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter, defaultdict

from dataclasses import replace

import numpy as np

from searchsvc.search.engine import PAIRS_FIELD, match_text, rank
from searchsvc.search.postings import IndexView
from searchsvc.search.query import ParsedQuery, QueryWord, parse_query
from searchsvc.search.variants import CURATED_VARIANTS, Variants, is_syllable
from searchsvc.text.analysis import AnalyzedToken, analyze
from searchsvc.text.normalize import fold, nfc

# The top documents read for spellings: enough to outvote a typo, few enough to stay a small part of a search.
DOCUMENTS_READ = 20
# Longer queries are sentences pasted from elsewhere, not words typed without marks.
MAX_WORDS = 12
# A correction must make the query's pairs this many times more frequent (as a product), each found in at least
# ``MIN_PAIR_DOCUMENTS`` articles.
TYPO_FACTOR = 10
MIN_PAIR_DOCUMENTS = 3
MAX_CORRECTIONS = 2
# In a query of more words than this, only a syllable (almost) no article holds as typed is read as a typo: a real
# word rare beside its neighbour there mostly stands at the edge of two words (``chậm | cấp sổ đỏ``, ``tiền | sai
# quy định``), and a long query holding an unknown word still finds its articles by the others.
REAL_WORD_TYPO_MAX_WORDS = 5
# A pair of neighbouring syllables found in fewer articles than this makes its syllables suspect, if it is also
# found in under this share of the articles holding its rarer word (``correct_typos``).
SUSPECT_PAIR_DOCUMENTS = 5
ASSOCIATION = 0.02
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Provinces and districts: commune names are too often common words (``Đoàn Kết``, ``Hòa Lợi``).
PLACE_LEVELS = (1, 2)
PLACE_FIELD = "locality_all"
_places: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Spellings a Vietnamese speaker confuses (dialects merge the sounds): onsets, then finals, each a one-step edit.
CONFUSED_ONSETS = (("ch", "tr"), ("s", "x"), ("d", "gi"), ("d", "r"), ("gi", "r"), ("l", "n"), ("d", "v"))
CONFUSED_FINALS = (("c", "t"), ("n", "ng"), ("t", "ch"), ("n", "nh"))


def suggest_spelling(view: IndexView, q: str) -> str | None:
    """``q`` with its words spelt the way the matching documents most often spell them, or None if nothing changes.

    Quotes, dashes and spacing of ``q`` are kept; only the syllables are replaced.
    """
    q = nfc(q)
    typed = [token for token in analyze(q) if token.folded]
    if not typed or len(typed) > MAX_WORDS:
        return None
    places = find_places(view, [token.folded for token in typed])
    folded, _ = correct_typos(view, [token.folded for token in typed], [(start, end) for start, end, _ in places])
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


def correct_typos(view: IndexView, folded: list[str], units=(), typed_pairs: list[int] | None = None,
                  typed_words: list[int] | None = None,
                  marked: dict[int, str] | None = None) -> tuple[list[str], set[int]]:
    """The folded syllables with up to ``MAX_CORRECTIONS`` of them replaced by a syllable one step away
    (``_one_step_away``), and the positions read anew. ``units`` are ``(start, end)`` runs known as one name (a
    place, an abbreviation's variant): they are kept, and the pair across their edge is no sign of a typo, since a
    name can follow any word (``mưa lũ Thanh Hóa``).

    A correction must find clearly more: it raises the chain's ``log(1 + articles holding the pair)``, summed over
    the query's pairs, by ``log(TYPO_FACTOR)`` (unless no article holds the syllable typed, which then has no reading
    of its own: ``lúa nướt`` is ``lúa nước``), and every pair is then found in at least ``MIN_PAIR_DOCUMENTS``
    articles. Among those, the most likely one wins, as a model of neighbouring syllables sees it: the same sum
    less ``log(1 + articles holding the syllable)`` for each syllable between two others (a syllable everyone
    writes, such as ``cho``, stands beside anything): ``nong thong moi`` is ``nong thon moi``, and ``bat chom
    cho`` is ``bat trom cho``, not ``bat cho cho``. ``typed_pairs`` and ``typed_words`` give how many articles
    hold each pair and each word as typed when the marks typed matter; a syllable whose marks make its pairs rare
    may then be read as itself, its marks ignored. ``marked`` gives the words typed with marks (position -> exact
    form): a typist who types marks types them as meant, so such a word is read only as a syllable one step away
    with the marks it was typed with, as the index holds it (``chốn thuế`` is ``trốn thuế``, not ``cho thuê``).

    A syllable is suspect only in a pair found in fewer than ``SUSPECT_PAIR_DOCUMENTS`` articles that is also rare
    for its words: in under ``ASSOCIATION`` of the articles holding its rarer word, or that word is itself found
    almost nowhere. ``bệnh dại`` is rare, but not for ``dại``. In a query of more than ``REAL_WORD_TYPO_MAX_WORDS``
    words, only a syllable (almost) no article holds is suspect.
    """
    corrected = list(folded)
    folded_pairs = _pair_counts(view, corrected)
    pairs = list(typed_pairs) if typed_pairs is not None else list(folded_pairs)
    syllables: dict[str, int] = {}
    counted = list(typed_words) if typed_words is not None else [_count(view, syllables, word) for word in corrected]
    misspelt = {i for i in range(len(corrected)) for j in (i - 1, i)
                if 0 <= j < len(pairs) and pairs[j] < folded_pairs[j]}
    read: set[int] = set()
    protected = {i for start, end in units for i in range(start, end)}
    edges = {j for start, end in units for j in (start - 1, end - 1)}
    if len(corrected) > REAL_WORD_TYPO_MAX_WORDS:
        protected |= {i for i, count in enumerate(counted) if count >= SUSPECT_PAIR_DOCUMENTS}
    for _ in range(MAX_CORRECTIONS if len(corrected) > 1 else 0):
        typed = sum(math.log1p(count) for count in pairs)
        best = None
        for i, syllable in enumerate(corrected):
            suspect = any(_rare_pair(pairs[j], min(counted[j], counted[j + 1])) for j in (i - 1, i)
                          if 0 <= j < len(pairs) and j not in edges)
            if not suspect or i in protected or i in read:
                continue
            nearby = _marked_one_step_away(view, marked[i]) if marked and i in marked else _one_step_away(syllable)
            for candidate in nearby | ({syllable} if i in misspelt else set()):
                words = corrected[:i] + [candidate] + corrected[i + 1:]
                counts = list(pairs)
                for j in (i - 1, i):
                    if 0 <= j < len(counts):
                        counts[j] = view.doc_frequency(PAIRS_FIELD, _pair(words, j))
                        if counts[j] < MIN_PAIR_DOCUMENTS:
                            break
                else:
                    found = sum(math.log1p(count) for count in counts)
                    if found < typed + math.log(TYPO_FACTOR) and counted[i]:
                        continue
                    likely = found - sum(math.log1p(_count(view, syllables, word)) for word in words[1:-1])
                    if best is None or likely > best[0]:
                        best = (likely, i, candidate, counts)
        if best is None:
            break
        _, i, corrected[i], pairs = best
        counted[i] = _count(view, syllables, corrected[i])
        read.add(i)
    return corrected, read


def _rare_pair(count: int, rarer_word: int) -> bool:
    """Whether a pair held by ``count`` articles, whose rarer word ``rarer_word`` articles hold, marks a typo."""
    return count < SUSPECT_PAIR_DOCUMENTS and (rarer_word < SUSPECT_PAIR_DOCUMENTS or count < ASSOCIATION * rarer_word)


def _count(view: IndexView, counted: dict[str, int], syllable: str) -> int:
    """Articles holding the folded ``syllable``, remembered in ``counted``."""
    if syllable not in counted:
        counted[syllable] = view.doc_frequency("content_folded", syllable)
    return counted[syllable]


def _pair(words: list[str], j: int) -> str:
    return f"{words[j]} {words[j + 1]}"


def _pair_counts(view: IndexView, words: list[str]) -> list[int]:
    return [view.doc_frequency(PAIRS_FIELD, _pair(words, j)) for j in range(len(words) - 1)]


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


def _one_step_away(word: str) -> set[str]:
    """Vietnamese syllables (folded) one deletion, insertion, substitution or transposition away from ``word``, or
    one confused onset or final away (``CONFUSED_ONSETS``, ``CONFUSED_FINALS``).

    >>> sorted(_one_step_away("thong") & {"thon", "thong", "thongg", "khong"})
    ['khong', 'thon']
    >>> sorted(_one_step_away("chom") & {"trom", "xom"})
    ['trom']
    """
    return {edit for edit in _edits(word) if is_syllable(edit)}


def _edits(word: str) -> set[str]:
    """Every string one deletion, insertion or substitution of an ASCII letter, transposition, confused onset or
    confused final away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    edits |= {a + c + b for a, b in splits for c in LETTERS}
    for one, other in CONFUSED_ONSETS:
        for typed, meant in ((one, other), (other, one)):
            if word.startswith(typed):
                edits.add(meant + word[len(typed):])
    for one, other in CONFUSED_FINALS:
        for typed, meant in ((one, other), (other, one)):
            if word.endswith(typed):
                edits.add(word[:-len(typed)] + meant)
    edits.discard(word)
    return edits


def _marked_one_step_away(view: IndexView, word: str) -> set[str]:
    """The folded forms of the syllables one step from the marked ``word`` (``_one_step_away``'s edits of its letters,
    its marks kept where its letters are), that the index holds with those marks.

    >>> sorted(_edits("chốn") & {"trốn", "cho", "chố", "chốt"})
    ['chố', 'chốt', 'trốn']
    """
    return {fold(edit) for edit in _edits(word)
            if is_syllable(fold(edit)) and view.doc_frequency("content", edit)}


def read_typos(view: IndexView, query: ParsedQuery, variants: Variants = CURATED_VARIANTS) -> ParsedQuery | None:
    """``query`` as meant when some of its words look like typos, or None when none does (or the query quotes a
    phrase, which asks for the words as typed).

    A syllable found beside its neighbours in (almost) no article is corrected as ``correct_typos`` does (a Telex or
    VNI leftover taken as the syllable it spells); a place's name is never corrected. A word typed with marks that
    (almost) no article holding its neighbouring pair gives it, while many articles hold the pair, is read without
    its marks (``ô nhiểm môi trường``: ``nhiễm``). Corrected words match every marked form.
    """
    words = list(query.words)
    if query.phrases or not 1 < len(words) <= MAX_WORDS:
        return None
    folded = [word.folded for word in words]
    for expansion in query.expansions:
        if expansion.reading and _held_more_than_typed(view, expansion.alternatives[0][0], words[expansion.start]):
            folded[expansion.start] = expansion.alternatives[0][0].folded
    typed_pairs = _typed_pairs(view, words, folded)
    typed_words = [view.doc_frequency("content", word.exact) if word.marked else view.doc_frequency(
        "content_folded", syllable) for word, syllable in zip(words, folded)]
    if not any(_rare_pair(count, min(typed_words[j], typed_words[j + 1])) for j, count in enumerate(typed_pairs)):
        return None
    units = [(start, end) for start, end, _ in find_places(view, folded)]
    units += [(expansion.start, expansion.end) for expansion in query.expansions if not expansion.reading]
    marked = {i: word.exact for i, word in enumerate(words) if word.marked}
    corrected, read = correct_typos(view, folded, units, typed_pairs, typed_words, marked)
    if not read:
        return None
    meant = [QueryWord(syllable, syllable) if i in read else word
             for i, (word, syllable) in enumerate(zip(words, corrected))]
    reading = parse_query(" ".join(word.exact for word in meant), variants)
    return replace(reading, excluded=query.excluded, optional=query.optional, wants_news=query.wants_news)


def _held_more_than_typed(view: IndexView, reading: QueryWord, typed: QueryWord) -> bool:
    """Whether more articles hold the Telex/VNI ``reading`` than the word as typed, as the ranking keeps a reading
    (``engine._score_expansion``): ``visa`` is a word articles write, not ``vía`` typed with Telex keys."""
    return view.doc_frequency("content", reading.exact) > view.doc_frequency("content_folded", typed.folded)


def _typed_pairs(view: IndexView, words: list[QueryWord], folded: list[str]) -> list[int]:
    """How many articles hold each pair of neighbouring ``words`` as typed: among those holding the folded pair,
    the ones holding each word typed with marks in that form (a close count: the marked word may stand elsewhere).
    Only a marked word far rarer in its typed form than without marks is looked up."""
    pairs = _pair_counts(view, folded)
    for i, word in enumerate(words):
        if not word.marked or view.doc_frequency("content", word.exact) * TYPO_FACTOR > \
                view.doc_frequency("content_folded", word.folded):
            continue
        holders = view.postings("content", word.exact).docs
        for j in (i - 1, i):
            if 0 <= j < len(pairs) and pairs[j]:
                docs = view.postings(PAIRS_FIELD, _pair(folded, j)).docs
                pairs[j] = min(pairs[j], int(np.isin(docs, holders, assume_unique=True).sum()))
    return pairs


def spell_reading(reading: ParsedQuery, documents: list[dict]) -> str:
    """The words of a corrected reading as ``documents`` (the articles found) spell them, to show the user.

    >>> spell_reading(parse_query("nông thon mới"), [{"title": "Xây dựng nông thôn mới", "body": ""}])
    'nông thôn mới'
    """
    texts = [text for document in documents for text in (document["title"], document["body"])]
    spelled = respell([word.folded for word in reading.words], texts)
    return " ".join(word.exact if word.marked or spelling is None else spelling
                    for word, spelling in zip(reading.words, spelled))


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
