"""Spelling variants, abbreviations and words typed without an input method, read at query time.

Nothing here changes the index: a query word, or a run of query words, that is one form of a variant group also
searches every other form of the group, and the engine ranks the form typed above its variants
(``engine.VARIANT_WEIGHT``). Forms are compared without marks, syllable by syllable, so ``TP.HCM``, ``TP HCM`` and
``tp hcm`` are the same form, and a form of several syllables matches only where they stand together.

* ``CURATED`` is the built-in list for local-government Vietnamese (below, with the reason for each group).
* An operator adds groups without code in ``synonyms.txt`` in the index folder: one group per line, forms separated
  by commas, ``#`` starts a comment. The file is read again when it changes; a line that cannot be used is logged
  as ``path:line: reason`` and skipped.

A word typed with Telex or VNI keys but no input method (``hooij nghij``, ``ho6i5 nghi5``, ``duowngf``) also
searches the Vietnamese syllable it spells (``read_typed``), when that is a Vietnamese syllable; the engine keeps
the reading only where the index holds it more often than the word as typed (``tas`` stays ``tas``).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from searchsvc.text.analysis import analyze
from searchsvc.text.normalize import SYLLABLE, nfc, unify_tone_marks

logger = logging.getLogger(__name__)

SYNONYMS_FILE = "synonyms.txt"
# The longest form, in syllables, that is looked for in a query.
MAX_FORM_SYLLABLES = 6

CURATED: tuple[tuple[str, ...], ...] = (
    # Administrative bodies, written out or abbreviated in the same article.
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
    ("MTTQ", "Mặt trận Tổ quốc"),
    ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc"),
    ("ĐBQH", "đại biểu Quốc hội"),
    ("UBTVQH", "Ủy ban Thường vụ Quốc hội"),
    ("TAND", "Tòa án nhân dân"),
    ("VKSND", "Viện kiểm sát nhân dân"),
    ("CAND", "Công an nhân dân"),
    ("QĐND", "Quân đội nhân dân"),
    ("UBKT", "Ủy ban Kiểm tra"),
    # Departments, whose ampersand splits them into syllables (``GD&ĐT`` is ``gd đt``).
    ("GD&ĐT", "GD-ĐT", "GDĐT", "Giáo dục và Đào tạo"),
    ("TN&MT", "TN-MT", "TNMT", "Tài nguyên và Môi trường"),
    ("NN&PTNT", "NN-PTNT", "Nông nghiệp và Phát triển nông thôn"),
    ("KH&ĐT", "KH-ĐT", "Kế hoạch và Đầu tư"),
    ("GTVT", "Giao thông vận tải"),
    ("LĐTB&XH", "Lao động Thương binh và Xã hội"),
    ("TT&TT", "Thông tin và Truyền thông"),
    # Ho Chi Minh City in all its spellings (``TP.HCM``, ``TP. HCM``, ``TP HCM`` analyse to ``tp hcm``).
    ("TP.HCM", "TPHCM", "TP Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    # Schools, services, campaigns.
    ("THPT", "trung học phổ thông"),
    ("THCS", "trung học cơ sở"),
    ("CSGT", "cảnh sát giao thông"),
    ("TNGT", "tai nạn giao thông"),
    ("ATGT", "an toàn giao thông"),
    ("PCCC", "phòng cháy chữa cháy"),
    ("BHYT", "bảo hiểm y tế"),
    ("BHXH", "bảo hiểm xã hội"),
    ("NTM", "nông thôn mới"),
    ("KT-XH", "kinh tế - xã hội"),
    # Loanwords with a Vietnamese spelling.
    ("vắc xin", "vaccine", "vacxin", "vaccin"),
    ("COVID-19", "covid"),
)


@dataclass(frozen=True)
class Variants:
    """Variant groups by form: ``forms[("tp", "hcm")]`` is the group that form belongs to."""

    forms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]

    def find(self, folded: list[str]) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
        """``(start, end, other forms)`` for the longest forms found in the folded query syllables, left to right.

        >>> CURATED_VARIANTS.find(["tiem", "vaccine", "tp", "hcm"])
        [(1, 2, (('vac', 'xin'), ('vacxin',), ('vaccin',))), (2, 4, (('tphcm',), ('tp', 'ho', 'chi', 'minh'), ('thanh', 'pho', 'ho', 'chi', 'minh')))]
        """
        found, i = [], 0
        while i < len(folded):
            for length in range(min(MAX_FORM_SYLLABLES, len(folded) - i), 0, -1):
                form = tuple(folded[i:i + length])
                if form in self.forms:
                    found.append((i, i + length, tuple(f for f in self.forms[form] if f != form)))
                    i += length
                    break
            else:
                i += 1
        return found


def build_variants(groups) -> Variants:
    """Index the forms of every group; a form in two groups searches the forms of both."""
    forms: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for group in groups:
        folded = list(dict.fromkeys(_syllables(form) for form in group if _syllables(form)))
        for form in folded:
            forms.setdefault(form, [])
            forms[form].extend(other for other in folded if other not in forms[form])
    return Variants({form: tuple(others) for form, others in forms.items()})


def _syllables(form: str) -> tuple[str, ...]:
    return tuple(token.folded for token in analyze(nfc(form)))


CURATED_VARIANTS = build_variants(CURATED)


def variants_for(index_dir: Path) -> Variants:
    """The curated groups plus the operator's ``synonyms.txt`` of ``index_dir``, read again when it changes."""
    path = index_dir / SYNONYMS_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return CURATED_VARIANTS
    return _with_operator_file(path, stamp)


@lru_cache(maxsize=8)
def _with_operator_file(path: Path, stamp: int) -> Variants:
    return build_variants(CURATED + tuple(read_synonyms(path)))


def read_synonyms(path: Path) -> list[tuple[str, ...]]:
    """The groups of an operator's synonyms file; unreadable lines are logged and skipped."""
    groups = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        logger.warning("%s: không đọc được tệp từ đồng nghĩa (%s)", path, error)
        return groups
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        forms = tuple(form.strip() for form in text.split(",") if form.strip())
        if len(forms) < 2:
            logger.warning("%s:%d: một nhóm cần ít nhất hai cách viết, cách nhau bằng dấu phẩy", path, number)
        elif any(len(_syllables(form)) > MAX_FORM_SYLLABLES or not _syllables(form) for form in forms):
            logger.warning("%s:%d: mỗi cách viết cần từ 1 đến %d âm tiết", path, number, MAX_FORM_SYLLABLES)
        else:
            groups.append(forms)
    return groups


# Telex and VNI: the keys that add a tone mark, and the letters that change a vowel.
TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
VOWELS = frozenset("aăâeêioôơuưy")
ONSETS = frozenset({"", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
                    "p", "ph", "q", "r", "s", "t", "th", "tr", "v", "x"})


@lru_cache(maxsize=4096)
def read_typed(word: str) -> str | None:
    """The Vietnamese syllable a word typed with Telex or VNI keys spells, or None if it spells none.

    >>> [read_typed(w) for w in ("hooij", "nghij", "duowngf", "ddaauf", "thuyr", "ho6i5", "gio7i1", "ban", "metro")]
    ['hội', 'nghị', 'dường', 'đầu', 'thủy', 'hội', 'giới', None, None]
    """
    word = word.lower()
    if not word.isascii() or not word.isalnum() or len(word) < 2:
        return None
    letters = _read_vni(word) if any(c.isdigit() for c in word) else _read_telex(word)
    if letters is None:
        return None
    bare, tone = letters
    if (bare == word and tone is None) or not is_syllable(bare):
        return None
    if tone is None:
        return bare
    first_vowel = next(i for i, char in enumerate(bare) if char in VOWELS)
    return unify_tone_marks(unicodedata.normalize("NFC", bare[:first_vowel + 1] + tone + bare[first_vowel + 1:]))


def _read_telex(word: str) -> tuple[str, str | None] | None:
    letters: list[str] = []
    tone = None
    for char in word:
        if char in TELEX_TONES and any(letter in VOWELS for letter in letters):
            if tone is not None:
                return None
            tone = TELEX_TONES[char]
        elif char == "w":
            if letters[-2:] == ["u", "o"]:
                letters[-2:] = ["ư", "ơ"]
            elif letters and letters[-1] in "uoa":
                letters[-1] = {"u": "ư", "o": "ơ", "a": "ă"}[letters[-1]]
            else:
                return None
        elif letters and char == letters[-1] and char in "aeod":
            letters[-1] = {"a": "â", "e": "ê", "o": "ô", "d": "đ"}[char]
        elif char.isalpha():
            letters.append(char)
        else:
            return None
    return "".join(letters), tone


def _read_vni(word: str) -> tuple[str, str | None] | None:
    letters: list[str] = []
    tone = None
    for char in word:
        if char in VNI_TONES:
            if tone is not None:
                return None
            tone = VNI_TONES[char]
        elif char in "6789":
            targets = {"6": "aeo", "7": "ou", "8": "a", "9": "d"}[char]
            position = next((i for i in range(len(letters) - 1, -1, -1) if letters[i] in targets), None)
            if position is None:
                return None
            if char == "7" and letters[position] == "o" and position and letters[position - 1] == "u":
                letters[position - 1] = "ư"
            letters[position] = {"6": {"a": "â", "e": "ê", "o": "ô"}, "7": {"o": "ơ", "u": "ư"},
                                 "8": {"a": "ă"}, "9": {"d": "đ"}}[char][letters[position]]
        elif char.isalpha():
            letters.append(char)
        else:
            return None
    return "".join(letters), tone


def is_syllable(bare: str) -> bool:
    """Whether a lower-case word without tone marks is spelt as a Vietnamese syllable can be."""
    match = SYLLABLE.match(bare)
    return bool(match) and match.group(1) in ONSETS
