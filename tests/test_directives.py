"""Directive extraction and query parsing, one test per case a user of the directive facet would notice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from searchsvc.directives import extract_directives, parse_directive_query

SHARED = Path(__file__).resolve().parents[2] / "shared"


def labels(text: str) -> list[str]:
    return [directive.label for directive in extract_directives(text)]


def test_seed_article_keeps_the_two_chi_thi_05_apart():
    seed = SHARED / "samples" / "tinh-bien-khoa-giao-2020.txt"
    if not seed.exists():
        pytest.skip("the seed article in ../shared/samples is not available")
    found = {d.label: d for d in extract_directives(seed.read_text(encoding="utf-8"))}
    assert found["Chỉ thị 05-CT/TW"].issuer == "Bộ Chính trị"
    assert found["Chỉ thị 05/CT-TTg"].year == 2020
    assert found["Chỉ thị 05-CT/TW"].id != found["Chỉ thị 05/CT-TTg"].id


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Chỉ thị số 05/CT-TTg", "Chỉ thị 05/CT-TTg"),
        ("Nghị quyết số 29-NQ/TW", "Nghị quyết 29-NQ/TW"),
        ("Chỉ thị 40 – CT/TW", "Chỉ thị 40-CT/TW"),
        ("Nghị định số 08/2016/NĐ-CP", "Nghị định 08/2016/NĐ-CP"),
        ("Nghị định 24/2014", "Nghị định 24/2014"),
        ("theo Nghị định116 về", "Nghị định 116"),
        ("Quyết định 37 của", "Quyết định 37"),
        ("Nghị quyết số 30a/2008/NQ-CP", "Nghị quyết 30a/2008/NQ-CP"),
        ("Nghị quyết 29-NQ/TƯ", "Nghị quyết 29-NQ/TW"),
        ("Công văn số 4919/VPCP-KTTH", "Công văn 4919/VPCP-KTTH"),
        ("theo NĐ 116, ", "Nghị định 116"),
        ("Nghị quyết 19-2017/NQ-CP", "Nghị quyết 19/2017/NQ-CP"),
    ],
)
def test_number_forms_seen_in_real_text(text, label):
    assert labels(text) == [label]


@pytest.mark.parametrize(
    ("text", "type_name"),
    [
        ("Nghị quyết số 12/NQ-HĐND", "Nghị quyết"),
        ("Quyết định số 12/QĐ-UBND", "Quyết định"),
        ("Chỉ thị số 12/CT-UBND", "Chỉ thị"),
        ("Quy chế số 12-QC/TU", "Quy chế"),
        ("Quy định số 181-QĐ/TW", "Quy định"),
        ("Thông cáo số 12/TC-VPCP", "Thông cáo"),
        ("Thông báo số 12/TB-UBND", "Thông báo"),
        ("Hướng dẫn số 12-HD/TW", "Hướng dẫn"),
        ("Chương trình số 12-CTr/TU", "Chương trình"),
        ("Kế hoạch số 12/KH-UBND", "Kế hoạch"),
        ("Phương án số 02/PA-UBND", "Phương án"),
        ("Đề án số 12-ĐA/TU", "Đề án"),
        ("Dự án số 12/DA-UBND", "Dự án"),
        ("Báo cáo số 12/BC-UBND", "Báo cáo"),
        ("Tờ trình số 12/TTr-UBND", "Tờ trình"),
        ("Công điện số 12/CĐ-TTg", "Công điện"),
        ("Công văn số 12/UBND-KT", "Công văn"),
        ("Nghị định số 12/2016/NĐ-CP", "Nghị định"),
        ("Thông tư số 12/2016/TT-BTC", "Thông tư"),
        ("Thông tư liên tịch số 12/2016/TTLT-BTC-BYT", "Thông tư liên tịch"),
        ("Kết luận số 12-KL/TW", "Kết luận"),
        ("Luật số 45/2013/QH13", "Luật"),
        ("Pháp lệnh số 02/2012/UBTVQH13", "Pháp lệnh"),
        ("CHỈ THỊ SỐ 12/CT-TTg", "Chỉ thị"),
    ],
)
def test_every_type(text, type_name):
    assert [directive.type for directive in extract_directives(text)] == [type_name]


def test_year_comes_from_the_attached_date():
    [directive] = extract_directives("Kế hoạch số 110, ngày 10/3/2019 của Ban Thường vụ Huyện ủy")
    assert (directive.year, directive.label) == (2019, "Kế hoạch 110-KH/HU")


def test_date_without_year_takes_the_publication_year():
    [directive] = extract_directives("Chỉ thị số 05, ngày 28/01 của Thủ tướng Chính phủ", date(2020, 2, 3))
    assert directive.year == 2020


def test_short_mention_refers_back_to_the_nearest_full_one():
    text = (
        "Chỉ thị số 05 của Bộ Chính trị. Chỉ thị số 05, ngày 28/01/2020 của Thủ tướng Chính phủ. "
        "Thực hiện Chỉ thị 05, các xã đã ..."
    )
    assert labels(text) == ["Chỉ thị 05-CT/TW", "Chỉ thị 05/CT-TTg"]


def test_same_document_with_and_without_date_has_one_id():
    found = extract_directives("Quyết định số 37/QĐ-UBND-TL ngày 5/1/2017 ... quyết định số 37/QĐ-UBND-TL ... Quyết định 37")
    assert [d.id for d in found] == ["quyet-dinh-37-ubnd-tl-2017"]


def test_ids_are_url_safe_and_stable_across_articles():
    first = extract_directives("Nghị định số 08/2016/NĐ-CP")[0]
    second = extract_directives("theo Nghị định 08/2016/NĐ-CP của Chính phủ")[0]
    assert first.id == second.id == "nghi-dinh-8-cp-2016"


def test_type_code_in_the_symbol_wins_over_the_type_word():
    [directive] = extract_directives("Quyết định 267/TB-HU")
    assert (directive.type, directive.label) == ("Thông báo", "Thông báo 267-TB/HU")


@pytest.mark.parametrize(
    "text",
    [
        "theo Điều 5, khoản 2",
        "Luật Đất đai 2013",
        "Nghị quyết Trung ương 4",
        "Chính phủ đã ban hành 3 Nghị định",
        "Kế hoạch 5 năm",
        "vượt kế hoạch 18%",
        "Quyết định ngày 28/01/2020",
        "Dự án 93 Láng Hạ",
        "theo phương án 1",
        "Chương trình 135",
        "thi hành kỷ luật 2 tổ chức đảng",
        "Hình thức cắt điện: KẾ HOẠCH  32 13:30",
        "báo cáo 6 tháng đầu năm",
    ],
)
def test_not_directives(text):
    assert extract_directives(text) == ()


@pytest.mark.parametrize(
    "query", ["05/CT-TTg", "CT 05", "chỉ thị 05", "chi thi 05", "chi thi 05/ct-ttg", "Chỉ thị 5", "CHỈ THỊ SỐ 05"]
)
def test_query_spellings_match_the_prime_minister_directive(query):
    [directive] = extract_directives("Chỉ thị số 05/CT-TTg")
    assert parse_directive_query(query).matches(directive)


def test_query_with_symbol_must_agree():
    party, state = extract_directives("Chỉ thị 05-CT/TW và Chỉ thị 05/CT-TTg")
    query = parse_directive_query("05-CT/TW")
    assert (query.matches(party), query.matches(state)) == (True, False)


def test_abbreviated_type_in_query():
    [directive] = extract_directives("Nghị định số 116/2010/NĐ-CP")
    assert parse_directive_query("NĐ 116").matches(directive)
    assert parse_directive_query("nd 116/2010/nd-cp").matches(directive)


@pytest.mark.parametrize("text", ["hà nội", "2020", "12/5", "", "điều 5"])
def test_query_that_is_not_a_directive(text):
    assert parse_directive_query(text) is None
