"""'Did you mean': the corpus' own most frequent spelling of each run of the query's syllables."""

from __future__ import annotations

import pytest

from searchsvc.search.spelling import respell, suggest_spelling


@pytest.mark.parametrize(("typed", "expected"), [
    ("tinh bien", "Tịnh Biên"),
    ("TINH BIEN", "Tịnh Biên"),
    ("tình biên", "Tịnh Biên"),  # wrong marks: found through the folded form
    ("ca phe", "cà phê"),
    ("thuy loi phu my", "thủy lợi Phù Mỹ"),
    ("phong chong dich tinh bien", "phòng chống dịch Tịnh Biên"),
    ('"tinh bien" -covid', '"Tịnh Biên" -covid'),  # the syntax is kept, only syllables change
    ("tinh bien xyzzy", "Tịnh Biên xyzzy"),  # a word found nowhere stays as typed
])
def test_unaccented_queries_get_the_corpus_spelling(sample_view, typed, expected):
    assert suggest_spelling(sample_view, typed) == expected


@pytest.mark.parametrize("typed", ["Tịnh Biên", "tịnh biên", "xyzzy", "", "   ", "2020", "a " * 13])
def test_nothing_to_suggest(sample_view, typed):
    assert suggest_spelling(sample_view, typed) is None


def test_context_decides_not_the_single_syllable():
    texts = ["Tình hình ở Tịnh Biên.", "tình hình tốt, tình cảm, tình nguyện", "xã Tịnh Biên"]
    assert respell(["tinh"], texts) == ["tình"]
    assert respell(["tinh", "bien"], texts) == ["Tịnh", "Biên"]
    assert respell(["tinh", "hinh", "tinh", "bien"], texts) == ["tình", "hình", "Tịnh", "Biên"]


def test_runs_do_not_cross_punctuation():
    assert respell(["bien", "trien"], ["Tịnh Biên: Triển khai", "biển triền"]) == ["biển", "triền"]


def test_a_common_word_capitalised_at_a_sentence_start_stays_lower_case():
    assert respell(["hoi", "nghi"], ["Hội nghị đã họp.", "tổ chức hội nghị", "Hội nghị"]) == ["hội", "nghị"]


@pytest.fixture(scope="module")
def typo_view(tmp_path_factory):
    import json

    from searchsvc.index.indexer import index_paths
    from searchsvc.search.postings import ViewCache

    records = [{"id": f"ntm-{n}", "title": "Xây dựng nông thôn mới", "body": "Xã đạt chuẩn nông thôn mới."} for n in range(6)]
    records += [{"id": f"hn-{n}", "title": "Hội nghị giao ban quý", "body": "Hội nghị giao ban sáng nay."} for n in range(6)]
    records += [{"id": f"tt-{n}", "title": "Tổng thống thăm xã", "body": "Tổng thống nói."} for n in range(8)]
    folder = tmp_path_factory.mktemp("typos")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    index_paths([folder / "feed.jsonl"], folder / "index")
    return ViewCache(folder / "index").get()


@pytest.mark.parametrize(("typed", "expected"), [
    ("nông thông mới", "nông thôn mới"),  # not "tổng thống mới": "thống mới" stands together nowhere
    ("hoi ngi giao ban", "Hội nghị giao ban"),
    ("nông thôn mới", None),
    ("tổng thống", None),
])
def test_a_typo_is_corrected_to_the_syllables_that_stand_together_in_the_corpus(typo_view, typed, expected):
    assert suggest_spelling(typo_view, typed) == expected


@pytest.fixture(scope="module")
def border_view(tmp_path_factory):
    """Many articles on border provinces and divestment, one on the town Tịnh Biên, one on the district Thoại Sơn."""
    import json

    from searchsvc.index.indexer import index_paths
    from searchsvc.search.postings import ViewCache

    records = [{"id": f"border-{n}", "title": "Các tỉnh biên giới tăng cường tuần tra",
                "body": "Bộ đội biên phòng các tỉnh biên giới phía Bắc tuần tra, tỉnh biên giới nào cũng trực."}
               for n in range(8)]
    records += [{"id": f"divest-{n}", "title": "Doanh nghiệp nhà nước thoái vốn", "body": "Tiến độ thoái vốn chậm."}
                for n in range(30)]
    records += [
        {"id": "tinh-bien", "title": "Thị xã Tịnh Biên tổ chức hội nghị giao ban",
         "body": "UBND thị xã Tịnh Biên, tỉnh An Giang tổ chức hội nghị giao ban quý."},
        {"id": "thoai-son", "title": "Huyện Thoại Sơn ra quân làm thủy lợi",
         "body": "Huyện Thoại Sơn, tỉnh An Giang ra quân làm thủy lợi nội đồng."},
    ]
    folder = tmp_path_factory.mktemp("places")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    index_paths([folder / "feed.jsonl"], folder / "index")
    return ViewCache(folder / "index").get()


@pytest.mark.parametrize(("typed", "expected"), [
    ("tinh bien", "Tịnh Biên"),  # the place, though the articles read say "tỉnh biên giới" far more often
    ("hoi nghi tinh bien", "hội nghị Tịnh Biên"),
    ("thoai son", "Thoại Sơn"),  # a place's name is not a typo of "thoái vốn"
    ("tinh bien gioi", "tỉnh biên giới"),  # the syllables go on into another phrase: not the place
])
def test_a_place_name_typed_without_marks_is_offered_as_the_place(border_view, typed, expected):
    assert suggest_spelling(border_view, typed) == expected
