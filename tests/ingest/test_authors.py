"""What a user filtering by author notices: people's names, one spelling, and agencies kept apart."""

import pytest

from searchsvc.ingest.authors import extract_byline, normalize_author_name


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Phan Hữu (Tịnh Biên)", (("Phan Hữu",), None)),
        ("NGUYỄN HÂN", (("Nguyễn Hân",), None)),
        ("Tin, ảnh: Minh Hòa", (("Minh Hòa",), None)),
        ("Đình Văn - Nguyễn Điệp", (("Đình Văn", "Nguyễn Điệp"), None)),
        ("CTV Lê Tùng/VOV.VN", (("Lê Tùng",), "VOV.VN")),
        ("Mai Hương (TTXVN)", (("Mai Hương",), "TTXVN")),
        ("Theo Báo Tuổi Trẻ", ((), "Báo Tuổi Trẻ")),
        ("TTXVN", ((), "TTXVN")),
        ("VGP", ((), "VGP")),
        ("Ảnh: Minh Anh", ((), None)),
        ("Nhật LinhTheo Financial Times", (("Nhật Linh",), "Financial Times")),
        ("Huyền Lê (Theo AFP, Times of Israel)", (("Huyền Lê",), "AFP, Times of Israel")),
        ("Hương Quỳnh - Ảnh: Đoàn Bổng", (("Hương Quỳnh",), None)),
        ("Theo DUY CƯỜNG/SGGP", (("Duy Cường",), "SGGP")),
        ("Theo Hà Trang/ dantri.com.vn", (("Hà Trang",), "dantri.com.vn")),
        ("Tổng hợp Cự Giải", (("Cự Giải",), None)),
        ("Thái Bình- Nguyễn Hồng", (("Thái Bình", "Nguyễn Hồng"), None)),
        ("Nguyên Khánh-Hồng Vĩnh", (("Nguyên Khánh", "Hồng Vĩnh"), None)),
        ("Tin-ảnh: G.Minh", (("G.Minh",), None)),
        ("Tiến Dũng/VOV-Trung tâm Tin", (("Tiến Dũng",), "VOV")),
        ("Huỳnh Phanthực hiện", (("Huỳnh Phan",), None)),
        ("Thanh Hương PHẢN HỒI", (("Thanh Hương",), None)),
        ("Theo Minh Anh | Dân Việt", (("Minh Anh",), "Dân Việt")),
        ("Dân Việt", ((), "Dân Việt")),
        ("Minh Anh (Tổng hợp)", (("Minh Anh",), None)),
    ],
)
def test_byline_forms(byline, expected):
    assert extract_byline(byline, "") == expected


def test_byline_found_at_the_end_of_a_flattened_body():
    body = "Vụ việc đang được điều tra, làm rõ. Ngọc Thành "
    assert extract_byline(None, body) == (("Ngọc Thành",), None)


def test_photo_credit_at_the_end_of_the_body_is_not_an_author():
    assert extract_byline(None, "Nhiều cử tri đến từ rất sớm. Ảnh: NGUYỄN TRÀ ") == ((), None)


def test_body_ending_with_a_sentence_has_no_author():
    assert extract_byline(None, "Cơ quan chức năng đang điều tra nguyên nhân vụ tai nạn./. ") == ((), None)


def test_all_caps_names_get_vietnamese_title_case_and_initialisms_stay():
    assert normalize_author_name("HỒNG PHÚC") == "Hồng Phúc"
    assert normalize_author_name("T.SỸ") == "T.Sỹ"
    assert normalize_author_name("DTD") == "DTD"


@pytest.mark.parametrize(("body", "expected"), [
    ("Nữ binh sĩ tập trung cao độ. (Ảnh: Reuters) Hùng Cường/VOV.VN", (("Hùng Cường",), "VOV.VN")),
    ("Hai người khác trọng thương.Võ Thạnh", (("Võ Thạnh",), None)),
    ("Việt Nam hoan nghênh các doanh nghiệp../. Việt Cường/VOV Việt Cường/VOV", (("Việt Cường",), "VOV")),
    ("Một số hình ảnh mới nhất của Hồ Quỳnh Hương: HẢI ANH", (("Hải Anh",), None)),
    ("Vụ việc đang được điều tra.\nGia Minh\nTheo Báo Giao thông", (("Gia Minh",), "Báo Giao thông")),
    ("Thông tin trong hộp này được trích từ nguồn trên mạng Internet, nên chỉ mang tính tham khảo Tổng hợp Cự Giải",
     (("Cự Giải",), None)),
    # The site's promotion after the byline names the paper; a partner's advertisement names nobody.
    ("Hiện vụ việc đang được tiếp tục làm rõ. Tâm Trí Báo Gia đình và Xã hội cập nhật tin tức trong ngày liên tục, "
     "mới nhất", (("Tâm Trí",), "Báo Gia đình và Xã hội")),
    ("Mũi tiêm giúp cắt giảm 34,5% lượng kháng sinh. Chi Lê (Theo Cidrap) Bạn đã được chuyển sang trang đăng ký của "
     "VNVC, đối tác VnExpress", (("Chi Lê",), "Cidrap")),
    ("Tôi giúp đỡ những người có hoàn cảnh khó khăn”. Cùng chủ đề: Mai Thu", (("Mai Thu",), None)),
    ("Phó Chủ tịch Hội gồm các ông Bùi Sĩ Hoa, Lê Đức Sảo. An An", (("An An",), None)),
    ("Các trường tổ chức lễ trưởng thành tiết kiệm. Theo Mạnh Tùng (VNE)", (("Mạnh Tùng",), "VNE")),
])
def test_byline_layouts_at_the_end_of_a_body(body, expected):
    assert extract_byline(None, body) == expected


def test_the_paper_s_tag_opening_the_lead_is_the_credit():
    assert extract_byline("T.SỸ", "(BĐ) - Chiều 22.4, Chủ tịch UBND tỉnh làm việc.") == (("T.Sỹ",), "Báo Bình Định")
    assert extract_byline("Kim Loan", "(binhdinh.gov.vn) - Sáng 18/4, huyện tổ chức lễ.") == (("Kim Loan",),
                                                                                            "binhdinh.gov.vn")
    assert extract_byline("Kim Loan", "(Tịnh Biên) - Sáng 18/4, huyện tổ chức lễ.") == (("Kim Loan",), None)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A compiled story: the writer is the author, several outlets are no single credit.
        ("Vụ việc đang được điều tra. Trung Hùng (Tổng hợp theo báo VNE, Zing.vn)", (("Trung Hùng",), None)),
        ("Cháy rừng đã thiêu rụi hơn 5.000 héc ta. An Bình Tổng hợp", (("An Bình",), None)),
        # A site's doubled signature glued to the writer's name.
        ("Học cách làm đàn ông tử tế trước. Hoàng Anh Tú Minh Minh", (("Hoàng Anh Tú",), None)),
        # No stop before the byline: a cut sentence or a caption runs into it.
        ("Cơ quan điều tra đang làm rõ nguyên nhân vụ án mạn Lưu Anh/VOV.VN", (("Lưu Anh",), "VOV.VN")),
        ("Chúng tôi sẽ tiếp tục cập nhật thông tin đến bạn đọc Trúc Dân", (("Trúc Dân",), None)),
        ("Xem cú đúp của Torres trong trận gặp Schalke: Trọng Phú/VOV online Theo Daily Mail",
         (("Trọng Phú",), "Daily Mail, VOV online")),
        ("Huy Minh – Vnexpress.net Nguồn", (("Huy Minh",), "Vnexpress.net")),
        ("Miền Bắc và Trung Trung Bộ cao hơn 0,5-1 độ C. Gia Chính", (("Gia Chính",), None)),
        # ... but not a subject the article names before, nor another job's credit.
        ("Hoa hậu Phương Nga bị tố lừa đảo, xét xử vụ hoa hậu Phương Nga", ((), None)),
        ("Cô sẽ là chiến binh của The Face năm nay! Photo: Nguyễn Hoàng Duy Make-up: Trần Hoàng Nghĩa Stylist: Bí Bo",
         ((), None)),
    ],
)
def test_bylines_at_the_end_of_a_flattened_body(body, expected):
    assert extract_byline(None, body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    # An outlet named by what it is, on its own line or after the writer, is the credit and never an author.
    ("Vụ việc đang được điều tra.\nThanh Hương\nBáo Công Thương", (("Thanh Hương",), "Báo Công Thương")),
    ("Vụ việc đang được điều tra.\nThanh Hương\nDân Việt", (("Thanh Hương",), "Dân Việt")),
    ("Vụ việc đang được điều tra.\nThanh Hương - Báo Công Thương", (("Thanh Hương",), "Báo Công Thương")),
    ("Vụ việc đang được điều tra.\nTheo Thanh Hương - Báo Công Thương", (("Thanh Hương",), "Báo Công Thương")),
    ("Vụ việc đang được điều tra.\nBáo Đất Việt", ((), "Báo Đất Việt")),
])
def test_an_outlet_is_the_credit_not_an_author(body, expected):
    assert extract_byline(None, body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    # The last caption's photo credit runs into the byline; the photographer is credited elsewhere in the text.
    ("Vợ cố nhà văn nhận giải. Ảnh: Hồng Vĩnh NSND Lê Văn Thi nhận giải. Ảnh: Hồng Vĩnh Nguyên Khánh-Hồng Vĩnh",
     (("Nguyên Khánh", "Hồng Vĩnh"), None)),
    ("Ông Obama rất được lòng trẻ con. Ảnh: Nhà Trắng Ảnh: Nhà Trắng Ảnh: Nhà Trắng Đỗ Quyên (Theo CNN)",
     (("Đỗ Quyên",), "CNN")),
    ("Lực lượng thu dọn dầu ở bờ biển. Ảnh: Hùng Lê Dầu loang dài 3 km. Ảnh: Hùng LêĐức Hùng", (("Đức Hùng",), None)),
    # ... and a text that ends on photo credits alone has no author.
    ("Một em bé bị thương. Ảnh: New York Times Người bị thương. Ảnh: New York Times Ảnh: New York Times", ((), None)),
    ("Cử tri phát biểu ý kiến. Ảnh: NGUYỄN TRÀ Nhiều người dân đến sớm. Ảnh: NGUYỄN TRÀ", ((), None)),
    # The writer who took the photos is still the writer of a byline glued to the last sentence.
    ("Dòng kênh nơi bé bị vứt xuống. Ảnh: Hoàng NamAnh Huy kể lại. Nghi phạm bỏ trốn cách nơi gây án khoảng "
     "10 km.Hoàng Nam", (("Hoàng Nam",), None)),
])
def test_a_byline_after_photo_credits(body, expected):
    assert extract_byline(None, body) == expected
