"""Vietnamese text normalization with ICU: one spelling per word, and a folded form for accent-free matching.

Everything here works on plain ``str`` and is shared by the analyzers (index and query time) and the metadata
extractors, so a word is normalized the same way wherever it is compared. ICU objects are built once per process
and the per-word functions are cached: a corpus has a few tens of thousands of distinct syllables, so after warm-up
normalizing a token is a dictionary look-up.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import icu
import numpy as np

# The five tone marks, as combining characters after NFD. Vowel-quality marks (circumflex, breve, horn) are not
# tones and stay where they are.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
QUALITY_VOWELS = frozenset("ăâêôơư")
# Text converted from legacy Vietnamese fonts (TCVN3, VNI) writes the Icelandic eth Ð/ð (U+00D0/U+00F0) for Đ/đ
# (U+0110/U+0111): the two look the same, but ``Ðảm`` would neither match ``đảm`` nor fold to ``dam``. Every text
# goes through ``nfc`` at ingest, at index time and at query time, so this table is the one place they are read.
LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
WORD = re.compile(r"[^\W\d_]+")
SYLLABLE = re.compile(r"^([bcdđghklmnpqrstvx]*)([aăâeêioôơuưy]+)(ch|ng|nh|c|m|n|p|t)?$")
# What no output can carry: lone surrogates (UTF-8 cannot encode them) and the non-characters XML refuses.
UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
# C0 and C1 control characters but tab and line breaks: they break JSON, XML and terminals and carry no meaning.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Either of the two: one search finds whether a text needs repairing at all.
NEEDS_REPAIR = re.compile(f"{UNENCODABLE.pattern}|{CONTROL_CHARACTERS.pattern}")


@cache
def _nfc_normalizer() -> icu.Normalizer2:
    return icu.Normalizer2.getNFCInstance()


@cache
def _folding_transliterator() -> icu.Transliterator:
    # ICU's mark removal does not touch đ/Đ: they are letters of their own, not d plus a mark.
    rules = ":: NFD; :: [:Nonspacing Mark:] Remove; :: NFC; đ > d; Đ > D;"
    return icu.Transliterator.createFromRules("vi-fold", rules, icu.UTransDirection.FORWARD)


def nfc(text: str) -> str:
    """Compose ``text`` to NFC, so a decomposed ``hòa`` (o + U+0300) is one word, not two, and read the look-alike
    letters of legacy encodings as the Vietnamese letter (``LOOKALIKES``), so ``Ðảm bảo`` is ``Đảm bảo``.

    >>> nfc("ho\\u0300a") == "h\\u00f2a", nfc("\\u00d0\\u1ea3m b\\u1ea3o") == "Đảm bảo"
    (True, True)
    """
    if text.isascii():
        return text
    if "\u00d0" in text or "\u00f0" in text:  # rare; translate looks up every character and costs ~50 ns each
        text = text.translate(LOOKALIKES)
    return _nfc_normalizer().normalize(text)


def repair_text(text: str) -> str:
    """``text`` as every output can carry it: what cannot be encoded becomes U+FFFD, a control character a space.

    Applied at ingest and again to whatever the index gives back, so a record indexed before the repair existed
    cannot break a page either.

    >>> repair_text("a\\udfffb\\x00c\\td")
    'a\\ufffdb c\\td'
    """
    # No control character, surrogate or non-character: most strings, checked in C. A line break is not printable,
    # so an article body is searched once (a quarter of the two replacements' cost when nothing is replaced).
    if text.isprintable() or not NEEDS_REPAIR.search(text):
        return text
    return CONTROL_CHARACTERS.sub(" ", UNENCODABLE.sub("\ufffd", text))


def repair_value(value):
    """``repair_text`` over every string of a stored record (dicts and lists of strings, numbers, ``None``)."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, dict):
        return {repair_value(key): repair_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [repair_value(item) for item in value]
    return value


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Strip every diacritic, ``đ`` included, for accent-insensitive matching.

    >>> fold("Tịnh Biên"), fold("đường")
    ('Tinh Bien', 'duong')
    """
    if word.isascii():
        return word
    return _folding_transliterator().transliterate(word)


@cache
def _passage_table() -> np.ndarray:
    """``fold`` of every accented Latin letter that folds to a single letter, as a table of code points indexed by
    code point (every other letter below its end maps to itself)."""
    table = np.arange(0x1F00, dtype=np.uint32)
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        folded = fold(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = ord(folded)
    return table


def fold_passage(text: str) -> str:
    """Fold a whole NFC text letter by letter, keeping its length, so positions in it are positions in ``text``.

    The letters are looked up as an array of code points: a snippet folds a whole article body, and ``str.translate``
    with a table of non-ASCII letters costs a dictionary look-up per character, seven times as much.

    >>> fold_passage("Đường Tịnh Biên")
    'duong tinh bien'
    """
    table = _passage_table()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    inside = codes < len(table)
    codes[inside] = table[codes[inside]]
    return codes.tobytes().decode("utf-32-le", "surrogatepass").lower()


def has_marks(word: str) -> bool:
    """Tell whether a word carries any diacritic, which makes it an exact-form query word.

    >>> has_marks("dương"), has_marks("duong")
    (True, False)
    """
    return fold(word) != word


@lru_cache(maxsize=200_000)
def unify_tone_marks(word: str) -> str:
    """Put the tone mark of one syllable where the canonical spelling puts it: ``hoà`` -> ``hòa``.

    Only the nuclei ``oa``, ``oe`` and ``uy`` with no final consonant are written two ways; the canonical form marks
    their first vowel (``hòa``, ``khỏe``, ``thủy``). Other syllables keep their mark on the vowel Vietnamese
    spelling requires, which also mends marks typed on the wrong vowel. Words that are not Vietnamese syllables
    are returned unchanged. Expects NFC input.

    >>> unify_tone_marks("hoà"), unify_tone_marks("Thuỷ"), unify_tone_marks("khoẻ"), unify_tone_marks("hoàng")
    ('hòa', 'Thủy', 'khỏe', 'hoàng')
    """
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = [char for char in decomposed if char in TONE_MARKS]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in TONE_MARKS))
    match = SYLLABLE.match(bare.lower())
    if not match:
        return word
    onset, nucleus, final = match.groups()
    onset_length = len(onset)
    if onset == "q" and nucleus.startswith("u") and len(nucleus) > 1:
        onset_length, nucleus = onset_length + 1, nucleus[1:]
    elif onset == "g" and nucleus.startswith("i") and len(nucleus) > 1:
        onset_length, nucleus = onset_length + 1, nucleus[1:]
    index = onset_length + _tone_vowel_index(nucleus, has_final=final is not None)
    marked = bare[: index + 1] + tones[0] + bare[index + 1 :]
    return unicodedata.normalize("NFC", marked)


def _tone_vowel_index(nucleus: str, has_final: bool) -> int:
    """Return which vowel of the nucleus carries the tone in the canonical spelling."""
    quality = [i for i, char in enumerate(nucleus) if char in QUALITY_VOWELS]
    if quality:
        return quality[-1]
    if len(nucleus) == 1:
        return 0
    if has_final:
        return len(nucleus) - 1
    if len(nucleus) == 3:
        return 1
    return 0


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """Lowercase and canonical tone placement of one NFC word: the form the exact-marks index holds.

    >>> normalize_word("HOÀ"), normalize_word("Thuỷ")
    ('hòa', 'thủy')
    """
    return unify_tone_marks(word.lower())


def normalize_text(text: str) -> str:
    """NFC and canonical tone marks for a whole text, keeping its case and spacing.

    Used where text is compared rather than tokenized (facet labels, gazetteer names).

    >>> normalize_text("Phường Hoà Bình")
    'Phường Hòa Bình'
    """
    return WORD.sub(lambda match: unify_tone_marks(match.group()), nfc(text))


def fold_text(text: str) -> str:
    """The accent-free, lower-case, single-spaced key of a name, for look-ups that ignore marks.

    >>> fold_text("  Tịnh  Biên ")
    'tinh bien'
    """
    return " ".join(fold(nfc(text)).lower().split())

