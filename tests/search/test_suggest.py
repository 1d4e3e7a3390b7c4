"""Suggested filters for a directive or a month/year typed in the search box."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchsvc.text.normalize import nfc
from searchsvc.search.suggest import suggest_filters


def suggested(view, q, **selected):
    return [(s["facet"], s["label"]) for s in suggest_filters(view, q, {k: tuple(v) for k, v in selected.items()})]


@pytest.mark.parametrize("q", [
    "chỉ thị 05/CT-TTg",
    "Chỉ thị số 05/CT-TTg",
    "chi thi 05/ct-ttg",
    "05/CT-TTg",
    "phòng chống dịch theo Chỉ thị 05/CT-TTg",
    "(chỉ thị 05/CT-TTg)",
    "chỉ thị 05/CT-TTg, tịnh biên",
])
def test_prime_minister_directive_is_recognised_wherever_it_is_typed(sample_view, q):
    found = suggested(sample_view, q)
    assert found and set(found) == {("directive", "Chỉ thị 05/CT-TTg")}


def test_party_directive_is_recognised(sample_view):
    assert set(suggested(sample_view, "thực hiện 05-CT/TW")) == {("directive", "Chỉ thị 05-CT/TW")}


def test_directive_without_issuer_proposes_every_match(sample_view):
    labels = {label for facet, label in suggested(sample_view, "chỉ thị 05")}
    assert labels == {"Chỉ thị 05/CT-TTg", "Chỉ thị 05-CT/TW"}


def test_suggestion_tells_what_was_recognised_and_how_many_articles(sample_view):
    [first, *_] = suggest_filters(sample_view, "tập huấn Chỉ thị số 05/CT-TTg.")
    assert first["match"] == "Chỉ thị số 05/CT-TTg"
    assert first["count"] > 0 and first["value"]


def test_most_cited_document_comes_first(sample_view):
    counts = [s["count"] for s in suggest_filters(sample_view, "CT 05")]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize(("q", "value"), [
    ("tháng 9/2020", "2020-09"),
    ("tháng 09/2020", "2020-09"),
    ("Tháng 9-2020", "2020-09"),
    ("thang 9/2020", "2020-09"),
    ("tháng 9 năm 2020", "2020-09"),
    ("giao ban tháng 9/2020 ở Tịnh Biên", "2020-09"),
    ("năm 2020", "2020"),
    ("Năm 2020", "2020"),
    ("kết quả nam 2020", "2020"),
])
def test_month_or_year_is_recognised(sample_view, q, value):
    assert [s["value"] for s in suggest_filters(sample_view, q) if s["facet"] == "date"] == [value]


def test_month_label_is_the_facet_label(sample_view):
    [suggestion] = suggest_filters(sample_view, "tháng 9/2020")
    assert suggestion["label"] == "Tháng 9/2020" and suggestion["match"] == "tháng 9/2020"


@pytest.mark.parametrize("q", [
    "Việt Nam 2020",          # "Nam" is the country, not "năm"
    "Quảng Nam 2020",
    "tháng 13/2020",          # no such month
    "tháng 9/2031",           # nothing published then
    "năm 1990",
    "ngày 30/9/2020",         # a day, not a month search
    "2020",
    "hội nghị giao ban",
    "-05/CT-TTg",             # excluded words are not asked for
    "chỉ thị",
    "Chỉ thị 999/CT-TTg",     # the index holds no such document
    "",
])
def test_nothing_is_suggested(sample_view, q):
    assert suggest_filters(sample_view, q) == []


def test_date_inside_a_directive_reference_is_not_a_date_filter(sample_view):
    found = suggested(sample_view, "Nghị quyết 88/2019/QH14 năm 2019")
    assert found == [("directive", "Nghị quyết 88/2019/QH14")]


def test_directive_and_month_together_in_the_order_typed(sample_view):
    found = suggest_filters(sample_view, "tháng 9/2020 chỉ thị 05-CT/TW")
    assert [(s["facet"], s["value"]) for s in found][:1] == [("date", "2020-09")]
    assert ("directive", "Chỉ thị 05-CT/TW") in {(s["facet"], s["label"]) for s in found}


def test_selected_values_are_not_suggested(sample_view):
    everything = suggest_filters(sample_view, "chỉ thị 05 tháng 9/2020")
    chosen = next(s["value"] for s in everything if s["facet"] == "directive")
    remaining = suggest_filters(sample_view, "chỉ thị 05 tháng 9/2020", {"directive": (chosen,), "date": ("2020-09",)})
    assert chosen not in {s["value"] for s in remaining}
    assert "2020-09" not in {s["value"] for s in remaining}
    assert len(remaining) == len(everything) - 2


def test_each_value_is_suggested_once(sample_view):
    found = suggest_filters(sample_view, "CT 05 và chỉ thị 05/CT-TTg")
    keys = [(s["facet"], s["value"]) for s in found]
    assert len(keys) == len(set(keys))


@settings(max_examples=200, deadline=None)
@given(q=st.text(max_size=120))
def test_any_text_gives_well_formed_suggestions(sample_view, q):
    for suggestion in suggest_filters(sample_view, q):
        assert set(suggestion) == {"facet", "value", "label", "count", "match"}
        assert suggestion["facet"] in ("directive", "date") and suggestion["count"] > 0
        assert suggestion["match"] and suggestion["match"] in nfc(q)


def test_many_references_in_one_query_are_read_a_few_at_a_time(sample_view):
    references = ["CT 05", "KH 120", "KL 114", "NQ 26", "NQ 57", "NQ 88", "NĐ 100", "QĐ 1234"]
    one_by_one = [suggest_filters(sample_view, reference) for reference in references]
    assert all(one_by_one), "each is cited in the sample corpus"
    together = suggest_filters(sample_view, " ".join(references))
    assert [s["match"] for s in together] == [s["match"] for found in one_by_one[:5] for s in found]
