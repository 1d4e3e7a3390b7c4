"""What a user filtering by date notices: the day of the event, never a cited document's date or a made-up year."""

from datetime import date

import pytest

from searchsvc.ingest.dates import article_date, extract_date
from conftest import SHARED



def test_seed_article_event_date():
    path = SHARED / "samples" / "tinh-bien-khoa-giao-2020.txt"
    if not path.exists():
        pytest.skip("../shared/samples is not checked out next to the repository")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert extract_date("\n".join(lines[2:])) == date(2020, 9, 30)


@pytest.mark.parametrize(
    "text",
    ["Chiều ngày 30/9/2020, UBND huyện họp.", "Ngày 30-9-2020, UBND huyện họp.", "Sáng 30.9.2020, UBND huyện họp.",
     "Ngày 30 tháng 9 năm 2020, UBND huyện họp."],
)
def test_written_forms(text):
    assert extract_date(text) == date(2020, 9, 30)


def test_yearless_date_takes_the_context_year():
    assert extract_date("(BĐ) - Sáng 22.4, Tỉnh ủy họp.", context_year=2025) == date(2025, 4, 22)


def test_yearless_date_without_context_stays_null():
    assert extract_date("(BĐ) - Sáng 22.4, Tỉnh ủy họp.") is None


def test_decimal_number_is_not_a_date():
    assert extract_date("Giá tăng 22.4 phần trăm so với cùng kỳ.", context_year=2020) is None


def test_cited_document_date_is_not_the_event_date():
    text = "Thực hiện Chỉ thị số 05, ngày 28/01/2020 của Thủ tướng, sáng 3/2/2020 UBND tỉnh họp."
    assert extract_date(text) == date(2020, 2, 3)
    assert extract_date("Triển khai Chỉ thị số 05, ngày 28/01/2020 của Thủ tướng.") is None


def test_anniversary_span_gives_way_to_the_event_date():
    text = "Kỷ niệm 50 năm Ngày giải phóng (30.4.1975 - 30.4.2025), tối 29.4.2025, tỉnh tổ chức lễ mít tinh."
    assert extract_date(text) == date(2025, 4, 29)


def test_impossible_date_is_rejected():
    assert extract_date("Ngày 31/2/2020, UBND huyện họp.") is None


TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("title, body, expected", [
    ("Lễ hội", "Ngày 5/2/1012, lễ hội khai mạc.", (None, None)),
    ("Lễ hội", "Ngày 9/2/1907, lễ hội khai mạc. Năm nay, ngày 3/2/2017 lễ hội lại mở.", (None, None)),
    ("Hội nghị", "Ngày 5/2/2027, hội nghị khai mạc.", (None, None)),
    ("Hội nghị", "Chiều 23/6, huyện họp. Trước đó, ngày 21/6/2017, ...", (date(2017, 6, 23), "text+year")),
    ("Giải bóng chuyền năm 2025", "Giải diễn ra ngày 20.4 tại trường.", (date(2025, 4, 20), "text+year")),
    ("Chuyển đổi số", "Ngày 17.2.2025, Ban Thường vụ Tỉnh ủy đã ban hành Chương trình hành động số 32-CT/TU.",
     (None, None)),
    ("Xét xử", "Ngày 12/6, tòa xử bị cáo A (sinh ngày 3/4/1993).", (None, None)),
    ("Lễ kỷ niệm", "Tối 30/3, tỉnh tổ chức Lễ kỷ niệm 50 năm Ngày giải phóng (31/3/1975 - 31/3/2025).",
     (date(2025, 3, 30), "text+year")),
    # Other years only, far from the lead's day: a trial of 2017 about a crime of 2014 stays undated.
    ("Xét xử", "Ngày 12/6, TAND TP Hà Nội mở phiên tòa. Ngày 29/9/2009, các bị cáo đã ký hợp đồng.", (None, None)),
    ("Đồng Tâm", "Chiều 7/7, Chủ tịch UBND TP Hà Nội làm việc với xã. Ngày 24-10-2014, thanh tra kết luận.",
     (None, None)),
    # A full date within a month gives the year, even when the lead names an older one.
    ("Họp báo", "Chiều 11-5, Tổng cục tổ chức họp báo về điển hình từ năm 2013. Ngày 10-5-2017, Bộ đã công bố.",
     (date(2017, 5, 11), "text+year")),
    # Two plain years in the lead and no full date: no way to tell which.
    ("Quốc hội", "Chiều 23/5, Quốc hội thảo luận kế hoạch năm 2018 và kết quả năm 2017.", (None, None)),
])
def test_only_plausible_dates_of_the_story_are_used(title, body, expected):
    assert article_date(title, body, TODAY) == expected
