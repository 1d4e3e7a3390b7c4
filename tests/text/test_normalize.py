import json
import unicodedata

import pytest

from searchsvc.text.normalize import (
    CONTROL_CHARACTERS, NEEDS_REPAIR, UNENCODABLE, fold, fold_text, has_marks, nfc, normalize_text, normalize_word,
    repair_text, unify_tone_marks,
)


@pytest.mark.parametrize(("old", "canonical"), [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("uỷ", "ủy"), ("toà", "tòa"), ("xoá", "xóa"),
    ("tuỳ", "tùy"), ("hoá", "hóa"), ("hoạ", "họa"), ("Hoà", "Hòa"), ("THUỶ", "THỦY"),
])
def test_old_tone_placement_becomes_canonical(old, canonical):
    assert unify_tone_marks(old) == canonical
    assert unify_tone_marks(canonical) == canonical


@pytest.mark.parametrize("word", ["hoàng", "quý", "quỳnh", "giữa", "người", "hoài", "khuỷu", "huỳnh", "gì",
                                  "rượu", "thuở", "của", "thuyết", "khoảng"])
def test_syllables_written_one_way_are_left_alone(word):
    assert unify_tone_marks(word) == word


def test_mark_on_the_wrong_vowel_is_mended():
    assert unify_tone_marks("qủy") == "quỷ"


def test_non_vietnamese_words_are_untouched():
    assert unify_tone_marks("café") == "café"
    assert unify_tone_marks("TTg") == "TTg"


def test_decomposed_text_composes():
    assert nfc(unicodedata.normalize("NFD", "Tịnh Biên")) == "Tịnh Biên"


@pytest.mark.parametrize(("word", "folded"), [("Tịnh Biên", "Tinh Bien"), ("đường", "duong"), ("Đắk Lắk", "Dak Lak"),
                                              ("ở", "o"), ("ý", "y"), ("khỏe", "khoe")])
def test_folding_removes_every_mark_including_d_bar(word, folded):
    assert fold(word) == folded


def test_dương_and_đường_differ_exactly_but_fold_together():
    assert normalize_word("dương") != normalize_word("đường")
    assert fold("dương") == fold("đường") == "duong"
    assert has_marks("dương") and not has_marks("duong")


def test_whole_texts_keep_case_and_spacing():
    assert normalize_text("Phường Hoà Bình, tỉnh Khánh Hoà") == "Phường Hòa Bình, tỉnh Khánh Hòa"
    assert fold_text("  Thừa  Thiên Huế ") == "thua thien hue"


def test_corpus_old_and_new_tone_spellings_meet(shared_corpus):
    """Words the real corpus spells both ways (hoà and hòa) end up as one spelling."""
    old_style, new_style = set(), set()
    with (shared_corpus / "news_mds_phenikaa.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            for word in nfc(record["title"] + " " + record["body"]).split():
                word = word.strip(".,;:!?()\"'“”").lower()
                canonical = unify_tone_marks(word)
                (old_style if canonical != word else new_style).add(canonical)
    assert {"hòa", "hóa", "ủy"} <= old_style & new_style


def test_repair_skips_only_text_that_needs_no_repair():
    """The fast paths (``str.isprintable``, then one search) may skip a string only if neither pattern would change
    it: every code point the patterns replace is not printable, and the search finds exactly those."""
    replaced = [chr(code) for code in range(0x110000)
                if UNENCODABLE.match(chr(code)) or CONTROL_CHARACTERS.match(chr(code))]
    assert len(replaced) > 2000 and not any(character.isprintable() for character in replaced)
    assert [chr(code) for code in range(0x110000) if NEEDS_REPAIR.match(chr(code))] == replaced
    assert repair_text("Tịnh Biên \x07") == "Tịnh Biên  " and repair_text("dòng 1\ndòng 2") == "dòng 1\ndòng 2"
