"""Directive extraction and query parsing, one test per case a user of the directive facet would notice."""

from __future__ import annotations

from datetime import date

import pytest

from searchsvc.ingest.directives import extract_directives
from searchsvc.search.directives import parse_directive_query
from conftest import SHARED



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
        ("Nghị quyết 19- 2017/NQ-CP", "Nghị quyết 19/2017/NQ-CP"),
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
        ("Giấy mời số 88/GM-UBND ngày 29/6/2016 của UBND huyện", "Giấy mời"),
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


def test_a_title_ending_in_a_citation_is_not_dated_by_the_leads_opening_date():
    """The title and the body are joined by a line break: ``… theo Nghị định 67`` / ``Ngày 30/6, Bộ …``."""
    title = "Báo cáo chính thức về chất lượng tàu cá đóng theo Nghị định 67"
    alone = extract_directives(f"{title}\nNgày 30/6, Bộ Nông nghiệp đã có báo cáo.", date(2017, 7, 1))
    assert [(d.label, d.year) for d in alone] == [("Nghị định 67", None)]
    cited = extract_directives(f"{title}\nNgày 30/6, Bộ đã báo cáo về tàu đóng theo Nghị định 67/2014/NĐ-CP.",
                               date(2017, 7, 1))
    assert [d.id for d in cited] == ["nghi-dinh-67-cp-2014"]


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hướng dẫn thi hành nghị định. (thay thế 153/2010/TT- BTC ).", ["Thông tư 153/2010/TT-BTC"]),
        (
            "có điều khoản bãi bỏ các Thông tư sau: số 11/2009/TT-BXD ngày 18/6/2009, số 01/2010/TT-BXD ngày "
            "08/01/2010, số 14/2010/TT-BXD ngày 20/8/2010.",
            ["Thông tư 11/2009/TT-BXD", "Thông tư 01/2010/TT-BXD", "Thông tư 14/2010/TT-BXD"],
        ),
        ("về hoàn thiện thể chế kinh tế thị trường (số 11-NQ/TW).", ["Nghị quyết 11-NQ/TW"]),
        ("Quyết định hành chính 166/QĐ-UBND ngày 16.1.2015", ["Quyết định 166/QĐ-UBND"]),
    ],
)
def test_symbol_with_a_type_code_needs_no_type_word(text, expected):
    assert labels(text) == expected


def test_symbol_without_a_type_word_takes_its_year_from_the_number_or_the_date():
    found = extract_directives("bãi bỏ các Thông tư sau: số 15/2014/TT-BXD ngày 15/9/2014; số 05/TT-BXD ngày 2/1/2015")
    assert [(d.type, d.year) for d in found] == [("Thông tư", 2014), ("Thông tư", 2015)]


@pytest.mark.parametrize(
    "text",
    [
        "License number: 71/GP-CBC, Ministry of Information and Communications",
        "Trang tin tổng hợp giới trẻ. GP: 354/GP-TTĐT do Sở TT&TT Hà Nội cấp",
        "số hiệu bằng: 2473746/BTPT do Trường Dạy nghề số 8 cấp",
        "ban hành QCVN 16:2014/BXD quản lý chất lượng",
        "xe container biển số 63C-13xxx chạy cùng chiều",
    ],
)
def test_symbols_without_a_type_code_need_their_word(text):
    assert extract_directives(text) == ()


def test_a_type_word_before_a_symbol_is_read_once():
    assert labels("Quyết định số 1193/QĐ-UBND ngày 6/4/2015 và văn bản 4919/VPCP-KTTH") == [
        "Quyết định 1193/QĐ-UBND",
        "Công văn 4919/VPCP-KTTH",
    ]


def test_thong_tu_huong_dan_is_a_thong_tu():
    [directive] = extract_directives("Năm 2012 có thông tư hướng dẫn số 21, từ việc nhận dạng hộ nghèo")
    assert (directive.type, directive.number) == ("Thông tư", "21")


def test_huong_dan_alone_is_still_a_huong_dan():
    assert [d.type for d in extract_directives("theo Hướng dẫn số 12-HD/TW và hướng dẫn số 5 của Ban")] == [
        "Hướng dẫn",
        "Hướng dẫn",
    ]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Quyết định số 3897/QĐ-UBND do chủ tịch UBND tỉnh Thái Bình, Nguyễn Hồng Diên ký ngày 23/12/2016.", 2016),
        ("Quyết định số 71 do Thanh tra tỉnh này ban hành ngày 9/6/2017 chỉ thanh tra nguồn gốc", 2017),
        ("Công văn số 12/UBND-KT do ông Nguyễn Văn A kí ngày 3 tháng 4 năm 2018", 2018),
        # The signer's clause ends at the full stop: the next sentence's date is not the signing date.
        ("Quyết định số 71/QĐ-UBND do ông A ký. Ngày 9/6/2017 đoàn thanh tra làm việc", None),
        # A number between the signer and the date belongs to something else.
        ("Quyết định số 71/QĐ-UBND do Tổ 3 ký ngày 9/6/2017", None),
    ],
)
def test_date_after_the_signer(text, year):
    [directive] = extract_directives(text)
    assert directive.year == year


def _meta(directive_id, number, symbol=None, year=None, issuer=None, type_name="Chỉ thị"):
    return directive_id, {"id": directive_id, "label": directive_id, "type": type_name, "number": number,
                          "symbol": symbol, "year": year, "issuer": issuer}


def test_less_specific_mentions_join_the_only_document_they_can_be():
    """Issue 11 changed this: a mention without issuer or year joins the one fullest compatible document."""
    from searchsvc.search.directives import catalogue_aliases

    directives = dict([
        _meta("chi-thi-5-ttg", "05", "CT-TTg", issuer="Thủ tướng"),
        _meta("chi-thi-5-ttg-2020", "05", "CT-TTg", 2020, "Thủ tướng"),
        _meta("chi-thi-16-ttg", "16", "CT-TTg"),
        _meta("chi-thi-16-ttg-2019", "16", "CT-TTg", 2019),
        _meta("chi-thi-16-ttg-2020", "16", "CT-TTg", 2020),
        _meta("chi-thi-7", "7"),
        _meta("chi-thi-7-2021", "7", year=2021),
        _meta("nghi-dinh-67", "67", type_name="Nghị định"),
        _meta("nghi-dinh-67-2014", "67", year=2014, type_name="Nghị định"),
        _meta("nghi-dinh-67-cp-2014", "67", "NĐ-CP", 2014, "Chính phủ", type_name="Nghị định"),
        _meta("nghi-quyet-19", "19", type_name="Nghị quyết"),
        _meta("nghi-quyet-19-qh", "19", issuer="Quốc hội", type_name="Nghị quyết"),
        _meta("nghi-quyet-19-qh14-2016", "19", "QH14", 2016, type_name="Nghị quyết"),
        _meta("chi-thi-8", "08"),
        _meta("chi-thi-8-tw", "08", "CT/TW"),
        _meta("chi-thi-8-ttg", "08", "CT-TTg"),
    ])
    assert catalogue_aliases(directives) == {
        "chi-thi-5-ttg": "chi-thi-5-ttg-2020",
        "chi-thi-7": "chi-thi-7-2021",
        "nghi-dinh-67": "nghi-dinh-67-cp-2014",
        "nghi-dinh-67-2014": "nghi-dinh-67-cp-2014",
        "nghi-quyet-19": "nghi-quyet-19-qh14-2016",
        "nghi-quyet-19-qh": "nghi-quyet-19-qh14-2016",
    }


@pytest.mark.parametrize("text, issuer", [
    ("theo Nghị định 67/2014/NĐ-CP về chính sách phát triển thủy sản", "Chính phủ"),
    ("thực hiện Nghị định 67 về thủy sản", "Chính phủ"),
    ("Chỉ thị 05/CT-TTg về phòng dịch", "Thủ tướng Chính phủ"),
    ("Nghị quyết số 19/2016/QH14 về dự toán", "Quốc hội"),
    ("Quyết định số 12/QĐ-UBND của Chủ tịch UBND tỉnh Quảng Nam về", "UBND tỉnh Quảng Nam"),
    ("Nghị quyết 35/NQ-CP của Chính phủ ban hành năm 2016", "Chính phủ"),
    ("Quyết định số 123/QĐ-UBND của Chủ tịch UBND huyện", "UBND huyện"),
    ("Quyết định số 123/QĐ-UBND của Phó. Sau đó", None),
    ("Giấy mời số 88/GM-UBND ngày 29/6/2016 của UBND huyện V/v Họp bàn biện pháp", "UBND huyện"),
])
def test_issuers_are_clean_names_of_bodies(text, issuer):
    [directive] = extract_directives(text)
    assert directive.issuer == issuer


@pytest.mark.parametrize("text, label, year", [
    ("Ngày 6/6/2017, Bộ trưởng Bộ TT&TT đã ký Quyết định số 866/QĐ-BTTTT về việc phân công", "Quyết định 866/QĐ-BTTTT",
     2017),
    ("Ngày 1.11.2023, UBND tỉnh Bình Định ban hành Quyết định số 4025 về việc", "Quyết định 4025", 2023),
    ("Nghị định 67 ban hành tháng 7/2014, quy định một số chính sách", "Nghị định 67", 2014),
    ("Sau khi đo đạc lại, ngày 24-10-2014, UBND TP Hà Nội đã ra Quyết định 5383 bàn giao cho Bộ Quốc phòng 236,9 ha",
     "Quyết định 5383", 2014),
    ("Đất giao cho Bộ Quốc phòng theo Quyết định 5383 (năm 2014) vượt 28,9 ha", "Quyết định 5383", 2014),
    # A date that opens the clause is the document's only when the clause issues it.
    ("Ngày 24-10-2014, hàng trăm người ra đường phản đối Quyết định 5383 của UBND", "Quyết định 5383", None),
    ("UNISFA được thành lập năm 2011 theo Nghị quyết 1990 của Hội đồng Bảo an với nhiệm vụ", "Nghị quyết 1990", None),
    # A year or a month that opens the clause dates the document the clause issues.
    ("Đầu năm 2017, Bộ Chính trị đã ban hành Nghị quyết 08-NQ/TW về phát triển du lịch", "Nghị quyết 08-NQ/TW", 2017),
    ("Tháng 7/2014, Chính phủ ban hành Nghị định 67 về một số chính sách phát triển thủy sản", "Nghị định 67", 2014),
    # After the issuer: the year it was issued or came into force, not a period the story reports.
    ("Quy định mới theo Nghị định số 86 của Chính phủ đã có hiệu lực từ năm 2015. Vì vậy", "Nghị định 86", 2015),
    ("Theo kết luận số 07/KL-TTQ của Thanh tra quận Liên Chiểu, từ tháng 9/2015 đến tháng 5/2016, số tiền",
     "Kết luận 07/KL-TTQ", None),
])
def test_year_from_the_clause_around_the_citation(text, label, year):
    [directive] = extract_directives(text)
    assert (directive.label, directive.year) == (label, year)


def test_a_letter_cited_by_a_bare_number_and_a_date():
    [directive] = extract_directives("Theo đó, ngày 21-6, Bộ Chính trị đã có văn bản số 4178 về nhân sự Chủ tịch")
    assert (directive.type, directive.number) == ("Công văn", "4178")
    assert extract_directives("Các văn bản 5 năm qua cho thấy") == ()


def test_numbers_listed_before_a_symbol_share_it():
    found = extract_directives("thực hiện các quyết định 106, 107/QĐ-TTg của Thủ tướng")
    assert [d.id for d in found] == ["quyet-dinh-106-ttg", "quyet-dinh-107-ttg"]


def test_numbers_listed_under_one_symbol_share_its_date():
    found = extract_directives("Ngày 12/3/2017, Thủ tướng Chính phủ đã ký các quyết định 106, 107/QĐ-TTg về việc")
    assert [(d.label, d.year) for d in found] == [("Quyết định 106/QĐ-TTg", 2017), ("Quyết định 107/QĐ-TTg", 2017)]
    found = extract_directives("đang sửa đổi Thông tư số 17/2016 và Thông tư 25/2015/TT-BTTTT")
    assert [d.year for d in found] == [2016, 2015]


def test_a_letter_cited_by_a_bare_number_with_its_date_or_sender():
    assert [(d.label, d.year, d.issuer) for d in extract_directives(
        "theo chỉ đạo của Phó Thủ tướng tại văn bản 571 ngày 19/1/2017 của Văn phòng Chính phủ. Trong khoản")] == [
        ("Công văn 571", 2017, "Văn phòng Chính phủ")]


@pytest.mark.parametrize("text, issuer", [
    ("theo tinh thần Nghị quyết số 28-CQ/TW về Chiến lược bảo vệ Tổ quốc", "Trung ương Đảng"),
    ("Công văn 4919/VPCP-KTTH về việc", "Văn phòng Chính phủ"),
    ("Nghị quyết liên tịch 403/2017/NQLT-UBTVQH14-CP-ĐCTUBTWMTTQVN quy định", None),
])
def test_the_issuer_shown_is_the_one_the_symbol_names(text, issuer):
    [directive] = extract_directives(text)
    assert directive.issuer == issuer


def test_a_symbol_typed_without_its_d_bar_is_the_same_document():
    [unmarked] = extract_directives("theo Nghị định 38/2012/ND-CP của Chính phủ")
    [marked] = extract_directives("theo Nghị định 38/2012/NĐ-CP")
    assert unmarked.id == marked.id == "nghi-dinh-38-cp-2012" and unmarked.issuer == "Chính phủ"


def test_a_qualified_type_with_its_issuer_or_signing_date_is_a_citation():
    assert labels("Thanh tra TP Đà Nẵng công bố Quyết định thanh tra số 311 của Chánh Thanh tra thành phố về việc "
                  "thanh tra.") == ["Quyết định 311"]
    found = extract_directives("Căn cứ Quyết định phê duyệt số 235 do Sở cấp ngày 17/2/2016 và hồ sơ thiết kế.")
    assert [(d.label, d.year) for d in found] == [("Quyết định 235", 2016)]
    # Without either, "Quyết định đình chỉ số 4" stays unread: it may be any count.
    assert labels("Theo Quyết định đình chỉ số 4 điểm cần làm.") == []


def test_a_date_opening_the_clause_dates_a_letter_across_a_number_in_a_name():
    found = extract_directives("Ngày 09/5/2017, Chi nhánh DNTN Xây dựng số 1 tỉnh Điện Biên cũng đã có Văn bản số "
                               "96/CV-KSMTSH gửi UBND thành phố.")
    assert [(d.label, d.year) for d in found] == [("Công văn 96/CV-KSMTSH", 2017)]


def test_a_numbered_permit_is_cited_and_a_press_licence_in_the_footer_is_not():
    found = extract_directives("căn cứ giấy phép xây dựng số 235 do Sở cấp ngày 17/2/2016 và hồ sơ thiết kế")
    assert [(d.type, d.number, d.year) for d in found] == [("Giấy phép", "235", 2016)]
    assert labels("Bộ Tài nguyên và Môi trường đã cấp Giấy phép số 1517/GP-BTNMT ngày 23/6/2017 cho phép") == [
        "Giấy phép 1517/GP-BTNMT"]
    assert extract_directives("Tổng Biên tập: Nguyễn Văn A. Giấy phép số 346/GP-BTTTT do Bộ TTTT cấp ngày 08.07.2022. "
                              "Giấy phép số: 4109/GXN-TTĐT do Sở TTTT Hà Nội cấp ngày 27/12/2022.") == ()
