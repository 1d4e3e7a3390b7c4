"""What a user filtering by place notices: the right province, the place the article is about, no false places."""


import pytest

from searchsvc.ingest.localities import extract_localities
from conftest import SHARED



def places(title, body, byline=""):
    return {(place.name, place.province, place.role) for place in extract_localities(title, body, byline)}


def test_seed_article_is_about_tinh_bien_in_an_giang():
    path = SHARED / "samples" / "tinh-bien-khoa-giao-2020.txt"
    if not path.exists():
        pytest.skip("../shared/samples is not checked out next to the repository")
    lines = path.read_text(encoding="utf-8").splitlines()
    found = extract_localities(lines[1], "\n".join(lines[2:-1]), lines[-1])
    main = [place for place in found if place.role == "main"]
    assert [(place.name, place.province, place.province_code) for place in main] == [("Tịnh Biên", "An Giang", "89")]


def test_headline_prefix_marks_the_main_place():
    assert ("Tịnh Biên", "An Giang", "main") in places("Tịnh Biên: Hội nghị giao ban", "Nội dung hội nghị.")


def test_byline_parentheses_mark_the_main_place():
    assert ("Tịnh Biên", "An Giang", "main") in places("Hội nghị giao ban", "Nội dung hội nghị.", "Phan Hữu (Tịnh Biên)")


def test_commune_carries_its_province():
    found = extract_localities("", "Đoàn về thăm xã Văn Giáo, huyện Tịnh Biên.", "")
    assert ("Văn Giáo", "xã", "An Giang", "89") in {(p.name, p.type, p.province, p.province_code) for p in found}


def test_later_mentions_are_not_main():
    found = places("Hội nghị giao ban", "Hội nghị diễn ra tại huyện Tịnh Biên, tỉnh An Giang. Đoàn đã đến thăm tỉnh Quảng Nam.")
    assert ("Quảng Nam", "Quảng Nam", "mentioned") in found
    assert ("Tịnh Biên", "An Giang", "main") in found


def test_lead_place_is_the_first_the_body_names_not_a_residence():
    found = places("Bắt đối tượng trộm cắp", "Công an thành phố Hà Tĩnh vừa bắt giữ Đặng Văn Hiếu (SN 1994, trú tại xã"
                   " Nghi Long, huyện Nghi Lộc, Nghệ An) và Phạm Quốc Anh (quê huyện Can Lộc).")
    assert {name for name, _, role in found if role == "main"} == {"Hà Tĩnh"}


def test_lead_commune_makes_its_district_and_province_main():
    found = places("Nữ công nhân tử vong", "Mọi người tá hỏa.\nVụ việc xảy ra tại xã Kim Xuyên, huyện Kim Thành, tỉnh Hải"
                   " Dương. Nạn nhân trú tại xã Tà Hộc, huyện Mai Sơn, tỉnh Sơn La.")
    assert {name for name, _, role in found if role == "main"} == {"Kim Thành", "Hải Dương"}


def test_lead_sentence_keeps_only_the_lead_province():
    found = places("Tai nạn", "Tai nạn xảy ra trên đường theo hướng từ Bình Dương đi Đồng Nai.")
    assert {name for name, _, role in found if role == "main"} == {"Bình Dương"}


def test_main_place_brings_its_province_only_when_named():
    assert {n for n, _, role in places("Quỳnh Lưu: Trao quà", "Tại xã Quỳnh Hoa.") if role == "main"} == {"Quỳnh Lưu"}
    found = places("Gò Công Tây: Giông lốc", "Xã Yên Luông, huyện Gò Công Tây (Tiền Giang) khắc phục.")
    assert {name for name, _, role in found if role == "main"} == {"Gò Công Tây", "Tiền Giang"}


def test_tp_hcm_abbreviation_is_ho_chi_minh_city():
    assert {place.province_code for place in extract_localities("", "Giá nhà tại TP.HCM tăng.", "")} == {"79"}


def test_thua_thien_hue_pre_2025_name_resolves():
    assert {place.province_code for place in extract_localities("", "Mưa lớn ở Thừa Thiên Huế.", "")} == {"46"}


def test_pre_2025_district_resolves_to_its_province():
    found = extract_localities("", "Ngày 1/3/2019, huyện Hoài Ân tổ chức lễ kỷ niệm.", "")
    assert [(place.name, place.province) for place in found] == [("Hoài Ân", "Bình Định")]


def test_post_2025_commune_gets_its_own_code_and_old_province():
    found = extract_localities("", "Phường Quy Nhơn Nam, tỉnh Gia Lai ra mắt ngày 1/7/2025.", "")
    (place,) = [place for place in found if place.level == 3]
    assert place.code.startswith("2025-") and place.province == "Bình Định"


def test_commune_without_its_province_or_district_stays_unresolved():
    (place,) = extract_localities("", "Người dân xã Văn Giáo thu hoạch lúa.", "")
    assert (place.name, place.province) == ("Văn Giáo", None)


def test_pacific_ocean_is_not_thai_binh():
    assert places("", "Các nước vùng Thái Bình Dương họp thượng đỉnh.") == set()


def test_person_named_hoa_binh_is_not_the_province():
    assert places("", "Ông Trương Hòa Bình phát biểu tại hội nghị.") == set()


def test_cooperative_named_after_a_place_is_not_a_place():
    assert places("", "HTX Phú Lộc thu hoạch lúa. Hợp tác xã Phú Lộc có 300 thành viên.") == set()


def test_ho_chi_minh_thought_is_not_the_city():
    assert places("", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.") == set()


def test_ambiguous_district_without_province_stays_unresolved():
    (place,) = extract_localities("", "Nông dân huyện Châu Thành thu hoạch lúa.", "")
    assert (place.name, place.code, place.province) == ("Châu Thành", "", None)


def test_ambiguous_district_resolves_from_the_province_nearby():
    found = extract_localities("", "Nông dân huyện Châu Thành, tỉnh An Giang thu hoạch lúa.", "")
    assert ("Châu Thành", "An Giang") in {(place.name, place.province) for place in found}


def test_listed_districts_are_all_found():
    found = extract_localities("", "Cam sành trồng ở các huyện Cầu Kè, Càng Long và Tiểu Cần, tỉnh Trà Vinh.", "")
    assert {place.name for place in found if place.level == 2} == {"Cầu Kè", "Càng Long", "Tiểu Cần"}


def test_all_caps_headline_finds_typed_province():
    found = extract_localities("DỰ KIẾN 58 ĐƠN VỊ HÀNH CHÍNH CẤP XÃ CỦA TỈNH BÌNH ĐỊNH", "", "")
    assert [(place.name, place.role) for place in found] == [("Bình Định", "main")]


def test_accent_free_text_still_matches():
    assert {place.province_code for place in extract_localities("", "UBND tinh An Giang hop.", "")} == {"89"}


def test_type_word_breaks_a_tie_between_namesakes():
    # quận Hoàng Mai is in Hà Nội; the thị xã of that name is in Nghệ An.
    (place,) = extract_localities("", "UBND quận Hoàng Mai vừa chỉ đạo xử lý vi phạm đê điều.", "")
    assert (place.name, place.type, place.province) == ("Hoàng Mai", "quận", "Hà Nội")


def test_huyen_does_not_break_a_tie():
    # huyện Phong Điền of 2017 may be Huế's (a thị xã since 2021) or Cần Thơ's: the type word cannot tell.
    (place,) = extract_localities("", "Nông dân huyện Phong Điền thu hoạch lúa.", "")
    assert (place.name, place.province) == ("Phong Điền", None)


def test_newspaper_name_is_not_a_place():
    assert places("", "Trao đổi với báo Pháp luật TP.HCM, ông A cho biết.") == set()
    assert places("", "Chiều 6-2, trao đổi với Pháp Luật TP.HCM, ông A cho biết.") == set()
    assert places("", "Theo tin tức trên báo Nghệ An, mưa lớn gây ngập.") == set()


def test_reporting_is_not_a_newspaper():
    assert {p.province_code for p in extract_localities("", "Cảnh báo Quảng Ninh mưa lớn. Thông báo Hà Nội.", "")} \
        == {"22", "01"}


def test_word_written_without_marks_matches_a_marked_name():
    found = extract_localities("", "Công an huyện Chư Pah (Gia Lai) cho biết.", "")
    assert ("Chư Păh", "Gia Lai") in {(place.name, place.province) for place in found}


def test_dot_after_a_full_type_word_ends_the_sentence():
    assert places("", "Vụ việc xảy ra trên địa bàn xã. Hồ Phú Ninh rộng 2.000 ha.") == set()


def test_districts_and_cities_named_alone():
    found = places("Quy hoạch Sơn Trà", "Bảo vệ Sơn Trà là lá phổi xanh của Đà Nẵng.")
    assert ("Sơn Trà", "Đà Nẵng", "main") in found
    assert ("Biên Hòa", "Đồng Nai", "main") in places("Ngập nặng ở Biên Hòa", "Mưa lớn chiều qua.")
    # Named alone with no province, a huyện may be a person or a firm: left out.
    assert not places("Gặp gỡ", "Anh Thanh Xuân cho biết.")


def test_bridges_villages_and_routes_are_not_what_the_story_is_about():
    found = places("Nam thanh niên lao xuống sông", "Vụ việc xảy ra trên cầu Bình Phước, quận 12 (TPHCM).")
    assert "Bình Phước" not in {name for name, _, _ in found}
    found = places("Tai nạn trên cao tốc Hà Nội - Hải Phòng", "Xe khách lật ở huyện Bình Giang, tỉnh Hải Dương.")
    assert {name for name, _, role in found if role == "main"} == {"Bình Giang", "Hải Dương"}
    assert {"Hà Nội", "Hải Phòng"} <= {name for name, _, _ in found}


def test_a_list_of_provinces_in_the_lead_are_all_the_story_s_places():
    found = places("Khởi động dự án đường sắt", "UBND TP.HCM phối hợp với các tỉnh Long An, Tiền Giang, Đồng Tháp, "
                   "Vĩnh Long để thống nhất quy hoạch.")
    assert {"Long An", "Tiền Giang", "Đồng Tháp", "Vĩnh Long"} <= {name for name, _, role in found if role == "main"}


def test_the_paper_s_own_province_unnamed_in_the_lead():
    found = places("Gặp mặt cán bộ nghỉ hưu", "Chiều 31/3, UBND tỉnh tổ chức gặp mặt.\nDự có lãnh đạo tỉnh Bình Định.")
    assert ("Bình Định", "Bình Định", "main") in found


def test_a_place_ending_an_institution_s_name_is_only_mentioned():
    found = places("Đề thi Ngữ văn hay", "PGS Đoàn Lê Giang, Trường ĐH Khoa học Xã hội và Nhân văn TP.HCM cho rằng đề hay.")
    assert ("Hồ Chí Minh", "Hồ Chí Minh", "mentioned") in found


def test_a_regional_story_is_about_the_provinces_it_lists():
    found = places("Các doanh nghiệp hỗ trợ đồng bào miền Trung", "Tập đoàn trao 4.000m tôn.\nTại các tỉnh Hà Tĩnh, "
                   "Nghệ An, Thanh Hóa, ngân hàng cũng trao quà.")
    assert {"Hà Tĩnh", "Nghệ An", "Thanh Hóa"} <= {name for name, _, role in found if role == "main"}


@pytest.mark.parametrize("title, main", [
    ("Cháy lớn ở TPHCM", {"Hồ Chí Minh"}), ("Cháy lớn ở Tp. Hồ Chí Minh", {"Hồ Chí Minh"}),
    ("Kẹt xe ở Sài Gòn", {"Hồ Chí Minh"}), ("Ngân hàng Sài Gòn Thương Tín lãi lớn", set()),
    ("Mưa lớn ở Thừa Thiên - Huế", {"Huế"}), ("Du lịch Phú Quốc hút khách", {"Phú Quốc"}),
])
def test_spellings_and_well_known_places(title, main):
    assert {name for name, _, role in places(title, "Nội dung.") if role == "main"} == main


def main_places(title, body, byline=""):
    return {(name, province) for name, province, role in places(title, body, byline) if role == "main"}


def test_a_web_page_s_dateline_glued_to_the_lead_is_the_story_s_place():
    body = ("Kon TumXe giường nằm chở 37 người chạy trên quốc lộ 14, huyện Đăk Glei, đã lao xuống vực. Gần 22h, ôtô "
            "biển số Đăk Lăk đưa khách về quê ăn Tết.")
    assert main_places("Ôtô chở gần 40 người lao xuống vực sâu", body) == {("Kon Tum", "Kon Tum"), ("Đắk Glei", "Kon Tum")}
    assert ("Đắk Lắk", "Đắk Lắk", "mentioned") in places("Ôtô lao xuống vực sâu", body)
    assert main_places("Thị trường căn hộ", "TP HCMGần 4 tháng nay, nhiều tòa căn hộ kín khách.") == {
        ("Hồ Chí Minh", "Hồ Chí Minh")}


def test_thanh_pho_before_a_province_s_name_is_its_capital_city():
    body = "Hàng ngàn du khách đến núi Bà Đen, TP Tây Ninh (tỉnh Tây Ninh) dịp đầu năm."
    assert main_places("Chuyện ghi ở núi Bà Đen", body) == {("Tây Ninh", "Tây Ninh")}
    assert {(p.code, p.role) for p in extract_localities("Chuyện ghi ở núi Bà Đen", body)} >= {("703", "main"),
                                                                                              ("72", "main")}
    # A centrally-run city stays the city itself.
    assert {p.code for p in extract_localities("Cháy ở TP Hà Nội", "Nội dung.")} == {"01"}


def test_a_firm_s_seat_a_distance_and_the_ends_of_a_route_are_only_mentioned():
    body = ("Gia đình ông Bàn liên kết với Công ty TNHH Phát triển Nông nghiệp Trang Việt (tỉnh Đồng Nai) để trồng "
            "dưa chuột lấy hạt.")
    assert main_places("1 ha trồng dưa chuột lấy hạt", body) == set()
    body = "Nằm cách thành phố Bến Tre khoảng 80km, cồn Bửng thuộc xã Thạnh Hải, huyện Thạnh Phú (Bến Tre)."
    assert main_places("Huyền tích Cá Thần", body) == {("Thạnh Phú", "Bến Tre"), ("Bến Tre", "Bến Tre")}
    assert {(p.code, p.role) for p in extract_localities("Huyền tích Cá Thần", body) if p.code == "829"} == {
        ("829", "mentioned")}
    found = main_places("Tai nạn liên hoàn, cao tốc Dầu Giây - Phan Thiết đóng lối vào",
                        "Đồng NaiMột xe bẹp rúm tối 16/2. Xe khách va chạm gần nút giao thuộc huyện Cẩm Mỹ, Đồng Nai.")
    assert found == {("Đồng Nai", "Đồng Nai"), ("Cẩm Mỹ", "Đồng Nai")}


def test_a_portal_s_or_a_provincial_paper_s_own_locality_when_the_text_names_none():
    portal = ("Trang TTĐT huyện Đắk Song (daksong.daknong.gov.vn)",)
    assert {(p.name, p.province, p.role) for p in extract_localities(
        "Thông báo về lịch tiếp công dân của Lãnh đạo UBND huyện", "", outlets=portal)} == {
        ("Đắk Song", "Đắk Nông", "main"), ("Đắk Nông", "Đắk Nông", "main")}
    # The paper credited in the text, or its site's host name.
    body = "(BĐ) - Sáng 22.4, Ban Tuyên giáo và Dân vận Tỉnh ủy tổ chức gặp mặt nguyên cán bộ."
    for outlet in ("Báo Bình Định", "baobinhdinh.vn"):
        assert main_places_of("Gặp mặt nguyên cán bộ", body, outlet) == {("Bình Định", "Bình Định")}
    # A place the text names wins over the outlet's, and a national outlet has no locality.
    assert main_places_of("Cháy ở Hà Tĩnh", "Nội dung.", "Báo Bình Định") == {("Hà Tĩnh", "Hà Tĩnh")}
    assert main_places_of("Gặp mặt", body, "Báo Thanh Niên") == set()


def test_a_commune_on_the_portal_s_province_is_resolved_and_brings_its_district():
    found = extract_localities("Giấy mời họp bàn tiêu chí nông thôn mới xã Cư Knia năm 2016", "",
                               outlets=("Trang TTĐT huyện Đắk Song (daksong.daknong.gov.vn)",))
    assert {(p.name, p.province, p.role) for p in found if p.role == "main"} == {
        ("Cư Knia", "Đắk Nông", "main"), ("Cư Jút", "Đắk Nông", "main")}


def main_places_of(title, body, outlet):
    return {(p.name, p.province) for p in extract_localities(title, body, outlets=(outlet,)) if p.role == "main"}


def test_a_province_written_with_a_dash_after_its_type_word_is_one_province():
    body = "Ngày 20-5, Công an tỉnh Bà Rịa - Vũng Tàu (BR-VT) khởi tố vụ án tàu Hải Thành bị đâm chìm."
    assert main_places("Khởi tố vụ tàu Hải Thành bị đâm chìm", body) == {("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu")}


def test_a_police_newspaper_and_an_overpass_are_not_places():
    body = ("Theo thông tin ban đầu trên báo Công an TP HCM, vụ va chạm xảy ra trên đường số 3A, KCN Biên Hòa 2, "
            "TP.Biên Hòa, tỉnh Đồng Nai.")
    assert main_places("Va chạm xe máy trong khu công nghiệp", body) == {("Biên Hòa", "Đồng Nai"), ("Đồng Nai", "Đồng Nai")}
    assert main_places("Nam thanh niên bị xe tải cán", "Khi qua cầu vượt Bình Phước khoảng 200 mét, xe đâm anh T.") == set()


def test_a_deputy_s_constituency_is_not_what_a_national_assembly_story_is_about():
    body = ("Sáng 23-5, Quốc hội thảo luận tại tổ về Chương trình xây dựng luật. Đại biểu (ĐB) Trương Trọng Nghĩa "
            "(TP HCM) cho rằng dự thảo Nghị quyết xử lý nợ xấu là quá gấp.")
    assert main_places("Lo Nghị quyết xử lý nợ xấu", body) == set()
    assert ("Cà Mau", "Cà Mau", "mentioned") in places(
        "Đại biểu bức xúc vì tàu vỏ thép nhanh hỏng", "Vị đại biểu Quốc hội tỉnh Cà Mau đề nghị Bộ sớm kết luận.")
    # A province's delegation at work is that province's news.
    assert main_places("Tiếp xúc cử tri", "Đoàn ĐBQH tỉnh Quảng Nam tiếp xúc cử tri.") == {("Quảng Nam", "Quảng Nam")}


def test_thua_thien_hue_with_a_dash_ends_a_list_of_provinces():
    body = "Tập đoàn trao quà.\nGiúp người dân tại các tỉnh Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị và Thừa Thiên-Huế."
    assert ("Huế", "Huế") in main_places("Các doanh nghiệp hỗ trợ đồng bào miền Trung", body)


def test_a_page_of_teasers_under_several_datelines_is_about_its_title_s_place_only():
    body = ("Hải PhòngTheo ông Chu Đình Nghiêm, Hải Phòng thua Nam Định 1-3 tại vòng 9.  Nam ĐịnhCác gian hàng bán giỏ "
            "ở phiên chợ Viềng chật kín người mua.")
    assert main_places("Tỉnh Nam Định - Tin tức mới nhất về Nam Định", body) == {("Nam Định", "Nam Định")}
    assert main_places("Tin tức 24h mới nhất", "Hà NộiThẻ thanh toán mới phát hành. Đà NẵngTiền vệ lập tức đưa tay "
                       "vào miệng đồng đội.") == set()
    # Teasers of one place keep it.
    assert main_places("Bé trai bị ném xuống kênh - Tin tức mới nhất 24h qua", "Tiền GiangAnh Huy được khen thưởng. "
                       "Tiền GiangBé trai đã sống sót.") == {("Tiền Giang", "Tiền Giang")}


def test_a_district_s_name_before_a_merger_files_the_article_under_the_district_it_went_into():
    # Huyện Đất Đỏ and Long Điền became huyện Long Đất; quận 9 is part of TP Thủ Đức; TP Ninh Bình became TP Hoa Lư.
    assert main_places("Khai quật hầm cầu", "Trưa 12.5, Công an huyện Đất Đỏ, Công an tỉnh Bà Rịa - Vũng Tàu khai "
                       "quật hầm cầu.") == {("Long Đất", "Bà Rịa - Vũng Tàu"), ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu")}
    assert ("Thủ Đức", "Hồ Chí Minh") in main_places("Rơi từ chung cư", "Liên tiếp xảy ra 2 vụ rơi từ chung cư trên "
                                                     "địa bàn quận 9, TP HCM.")
    assert ("Hoa Lư", "Ninh Bình") in main_places("Bắt cóc trẻ em", "Công an TP.Ninh Bình bắt khẩn cấp một đối tượng.")


def test_the_type_word_tells_a_town_from_the_huyen_of_the_same_name():
    found = extract_localities("Điều tra vụ án mạng", "Công an tỉnh Hà Tĩnh đang cùng với Công an thị xã Kỳ Anh điều "
                               "tra vụ án mạng.")
    assert ("Kỳ Anh", "thị xã", "main") in {(place.name, place.type, place.role) for place in found}
    found = extract_localities("Làm đường", "UBND huyện Kỳ Anh, tỉnh Hà Tĩnh khởi công con đường.")
    assert ("Kỳ Anh", "huyện", "main") in {(place.name, place.type, place.role) for place in found}


def test_where_someone_comes_from_is_not_what_the_article_is_about():
    assert main_places("Phương Thanh vào showbiz", "Phương Thanh - cô ca sỹ sinh năm 1973, gốc Thanh Hóa đã chinh "
                       "phục khán giả.") == set()


def test_a_district_named_after_a_commune_is_where_the_story_happened():
    body = ("Ngày 14/5, Đồn Biên phòng Tri Lễ (Bộ đội Biên phòng Nghệ An) đã bàn giao 2 đối tượng.\nTrước đó, vào lúc 15 "
            "giờ, ngày 13/5, tại khu vực bản San, xã Tri Lễ, huyện Quế Phong, đồn phối hợp bắt giữ hai người.")
    assert ("Quế Phong", "Nghệ An") in main_places("Nghệ An: Bắt hai đối tượng vận chuyển ma túy", body)
    # A district named alone, once and late, stays a mention.
    body = "Ngày 14/5, Bộ đội Biên phòng Nghệ An bàn giao 2 đối tượng.\nMột người từng làm thuê ở huyện Quế Phong."
    assert ("Quế Phong", "Nghệ An") not in main_places("Nghệ An: Bắt hai đối tượng vận chuyển ma túy", body)


def test_a_page_of_teasers_with_a_digest_title_and_no_datelines_has_no_place():
    body = ("Các TV Samsung có trợ lý ảo sẽ không còn dịch vụ này. Tiền vệ Đà Nẵng lập tức đưa tay vào miệng đồng đội "
            "trong trận tiếp Đồng Nai.")
    assert main_places("Tin tức 24h tại Việt Nam & Thế giới mới nhất [HÔM NAY]", body) == set()
    assert main_places("Cháy ở Đồng Nai - Tin tức mới nhất 24h qua", "Nhà kho ở TP Long Khánh bốc cháy.") == {
        ("Đồng Nai", "Đồng Nai")}


def test_an_address_field_is_not_a_place_of_the_story():
    body = "Sở Văn hóa và Thể thao tổ chức hội nghị. Địa chỉ: số 10 đường Lê Lợi, quận Hoàn Kiếm, Hà Nội."
    assert main_places("Hội nghị", body) == set()


def test_a_site_footer_with_the_newsroom_and_phone_lines_names_no_place_of_the_story():
    body = ("Giá vàng trong nước sáng nay tăng 500.000 đồng mỗi lượng.\nTải ứng dụng Liên hệ Điện thoại (Hà Nội) "
            "(TP. Hồ Chí Minh) Tòa soạn: 432-434 Nguyễn Thị Minh Khai, Phường 5, Quận 3, TP.HCM")
    found = places("Giá vàng hôm nay tăng mạnh", body)
    assert {name for name, _, role in found if role == "main"} == set()
    assert ("Hồ Chí Minh", "Hồ Chí Minh", "mentioned") in found


def test_where_someone_lives_is_a_mention_when_said_with_song_tai_or_dia_chi():
    body = ("Ông Nguyễn Văn Mỹ là con cả trong một gia đình nghèo, sống tại làng Thanh Mỹ, huyện Châu Thành, tỉnh Trà "
            "Vinh. Năm 2010 ông lập quỹ học bổng cho sinh viên cả nước.")
    assert main_places("Vị doanh nhân dành tài sản làm từ thiện", body) == set()
    body = "Sáng 8/2, một gia đình có địa chỉ ở huyện Củ Chi (TP.HCM) đã đến cơ quan công an trình báo."
    assert main_places("Nhận dạng nạn nhân", body) == set()


GENERAL_LEAD = ("Nhiều ý kiến cho rằng cần có chính sách phù hợp để hỗ trợ người lao động trong bối cảnh giá cả leo thang, "
                "thu nhập giảm sút và việc làm bấp bênh. Các chuyên gia kinh tế đề xuất tăng lương tối thiểu vùng, giảm "
                "thuế thu nhập cá nhân và mở rộng các gói vay ưu đãi cho hộ gia đình khó khăn trên cả nước. Theo họ, những "
                "giải pháp này cần được thực hiện đồng bộ, kịp thời và có lộ trình rõ ràng.\n")


def test_a_province_named_in_passing_twice_deep_in_a_general_story_is_a_mention():
    body = GENERAL_LEAD + ("Một chuyên gia ở Hà Nội cho biết giá thuê nhà tăng nhanh. Năm ngoái, Hà Nội đã thí điểm một số "
                           "chính sách.")
    assert main_places("Cần chính sách hỗ trợ người lao động", body) == set()
    body += " Năm nay Hà Nội tiếp tục mở rộng các chính sách này cho mọi quận, huyện."
    assert main_places("Cần chính sách hỗ trợ người lao động", body) == {("Hà Nội", "Hà Nội")}


def test_an_open_list_of_examples_after_nhu_is_not_the_story_s_places():
    body = ("Sáng nay, Công an TP Hồ Chí Minh bắt giữ đối tượng cung cấp ma túy cho con nghiện ở các tỉnh miền Tây như: "
            "Tiền Giang, Bến Tre, Vĩnh Long... Vụ việc đang được điều tra.")
    assert main_places("Bắt trùm ma túy", body) == {("Hồ Chí Minh", "Hồ Chí Minh")}
    body = "Mưa lớn kéo dài tại các tỉnh miền Trung: Quảng Bình, Quảng Trị, Thừa Thiên Huế gây ngập nhiều nơi."
    assert len(main_places("Mưa lớn", body)) == 3


def test_a_district_spelled_with_an_apostrophe_is_found_typed_or_named_with_its_province():
    assert main_places("Sạt lở ở huyện Đắk R’lấp", "Nội dung.") == {("Đắk R'Lấp", "Đắk Nông")}
    assert ("Ia H'Drai", "Kon Tum") in main_places("Cháy rừng ở Ia H'Drai, Kon Tum", "Nội dung.")


def test_a_well_known_landmark_named_alone_places_the_story_in_its_province():
    assert main_places("15 phút tìm vị khách bỏ quên 100 triệu tại sân bay Nội Bài", "Nội dung.") == {
        ("Hà Nội", "Hà Nội")}
    assert main_places("Sân bay Tân Sơn Nhất quá tải dịp Tết", "Nội dung.") == {("Hồ Chí Minh", "Hồ Chí Minh")}


def test_a_numbered_2025_commune_is_not_the_district_it_is_named_after():
    body = ("Kết quả sắp xếp của tỉnh Bình Định.\n- Xã Phù Cát 5 giáp với các xã: Phù Mỹ 3, Phù Mỹ 4 và Hoài Ân 1. "
            "Phường Hoài Nhơn 1 giáp Phù Mỹ 7.")
    assert main_places("Dự kiến đơn vị hành chính cấp xã", body) == {("Bình Định", "Bình Định")}


def test_a_regional_forecast_is_about_both_ends_of_its_ranges():
    body = ("Trong ngày và đêm nay ở Bắc Bộ và các tỉnh từ Thanh Hóa đến Thừa Thiên Huế có mưa, có nơi mưa to.\n"
            "Các tỉnh, thành phố từ Đà Nẵng đến Bình Thuận mây thay đổi, có mưa rào.")
    found = main_places("Nhiều vùng có mưa dông", body)
    assert {("Thanh Hóa", "Thanh Hóa"), ("Huế", "Huế"), ("Đà Nẵng", "Đà Nẵng"), ("Bình Thuận", "Bình Thuận")} <= found
    # Outside a regional story a route's ends stay mentions.
    assert main_places("Tai nạn", "Tai nạn xảy ra trên đường theo hướng từ Bình Dương đi Đồng Nai.") == {
        ("Bình Dương", "Bình Dương")}


def test_a_city_round_up_is_about_the_city_not_each_district_it_samples():
    body = ("Nhiều người ở TPHCM tranh thủ đi mua vàng từ sớm. Ở quận Phú Nhuận khách xếp hàng. Ở quận Bình Thạnh "
            "cũng vậy. Các tiệm ở quận Gò Vấp và quận Tân Bình đông khách.")
    assert main_places("Nhộn nhịp mua vàng ngày vía Thần Tài tại TPHCM", body) == {("Hồ Chí Minh", "Hồ Chí Minh")}
    # Three are the story's districts.
    assert len(main_places("Nhộn nhịp mua vàng ngày vía Thần Tài tại TPHCM", body.rsplit(" và ", 1)[0] + ".")) == 4


def test_one_letter_type_words_need_their_dot():
    assert ("Quận 1", "Hồ Chí Minh") in main_places("Giải tỏa khu Mả Lạng", "Vị Phó chủ tịch UBND Q.1, TP.HCM đã đối "
                                                    "thoại với người dân.")
    found = places("Bắt cóc trẻ em", "Công an TP.Ninh Bình tạm giữ Đặng Minh Tiến (ngụ xã Vân Du, H.Ân Thi, Hưng Yên).")
    assert ("Ân Thi", "Hưng Yên", "mentioned") in found
    # A lone capital is an initial: "chị Cao Thị H. (23 tuổi)" names no place.
    assert places("Trình báo", "Chị Cao Thị H. Lạc Dương, 23 tuổi, trình báo.") == set()


def test_qui_and_quy_are_one_spelling_of_a_place_name():
    # The gazetteer writes huyện Phú Quí; papers write Phú Quý.
    assert ("Phú Quí", "Bình Thuận") in main_places("Tàu mắc cạn", "Tàu mắc cạn gần huyện đảo Phú Quý, tỉnh Bình "
                                                    "Thuận, ngày 11/6.")


def test_dak_and_dac_are_one_spelling_of_a_highlands_name():
    assert main_places("Phơi nhiễm HIV", "Nhân viên trung tâm y tế huyện Đắc Hà, tỉnh Kon Tum được uống thuốc.") == {
        ("Đăk Hà", "Kon Tum"), ("Kon Tum", "Kon Tum")}
    assert ("Đắk Lắk", "Đắk Lắk") in main_places("Mưa lớn ở Đắc Lắc", "Mưa lớn kéo dài.")


def test_a_district_name_two_provinces_share_is_the_one_holding_the_commune_before_it():
    body = ("Ôtô chạy trên cao tốc theo hướng Nam - Bắc.\nKhoảng 10h, đến xã Phong Thu, huyện Phong Điền, xe va vào "
            "container.")
    found = extract_localities("Tai nạn liên hoàn trên cao tốc", body)
    assert ("Phong Điền", "Huế") in {(place.name, place.province) for place in found}
