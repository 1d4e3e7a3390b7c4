"""A seeded generator of realistic local-government news articles, in the corpus JSONL schema.

Articles are what the service must handle at scale: a headline with a locality prefix (``Tịnh Biên: ...``), several
paragraphs built from templates of real Vietnamese administrative prose (meetings, plans, campaigns, agriculture,
health, education, infrastructure, security), places drawn from the ``vietnamadminunits`` gazetteer with province,
district and commune consistent with each other, cited documents numbered the way issuers number them
(``05/CT-TTg``, ``29-NQ/TW``, ``08/2016/NĐ-CP``, ``1234/QĐ-UBND``), bylines ``Tên Tác Giả (Địa phương)`` and dates
over 2015–2025. Templates and fillers are drawn with Zipf-like weights, so the function syllables of the language are
in nearly every article while place names, people and document numbers make a long tail.

The same seed and size always give the same bytes. Run: ``python -m bench.generate 10000 out.jsonl [--seed 1]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from searchsvc.ingest.gazetteer import gazetteer_database

FIRST_DAY = date(2015, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days + 1
ZIPF_EXPONENT = 1.0

SURNAMES = ("Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương "
            "Lâm Mai Tạ Hà Lương Đoàn Trịnh Cao Châu Quách Thái Kiều La Vương Tôn Lưu Triệu").split()
MIDDLE_MALE = "Văn Văn Hữu Đức Minh Quốc Thanh Công Xuân Ngọc Đình Quang Trung Hoàng Tấn Bá Thành Duy Anh Tiến".split()
MIDDLE_FEMALE = "Thị Thị Thị Ngọc Thanh Thu Hồng Kim Minh Thúy Phương Bích Mỹ Diệu Hoài Khánh".split()
GIVEN_MALE = ("An Bình Cường Dũng Dương Đạt Định Đông Giang Hải Hiếu Hiển Hòa Hùng Huy Hưng Khải Khang Khoa Kiên Lâm "
              "Linh Long Lộc Luân Mạnh Minh Nam Nghĩa Nhân Phong Phúc Phước Quân Quang Quý Sơn Tài Tâm Thái Thắng "
              "Thành Thiện Thịnh Thuận Tiến Toàn Trí Trung Tuấn Tùng Việt Vinh Vũ Hậu Lợi Châu Tín").split()
GIVEN_FEMALE = ("Anh Ánh Chi Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hồng Huệ Hương Lan Liên Linh Loan Mai My Nga "
                "Ngân Ngọc Nhung Oanh Phương Quyên Quỳnh Tâm Thảo Thủy Thư Trang Trâm Tuyết Uyên Vân Vy Xuân Yến Hân "
                "Diệp Thoa Hạnh Nhàn").split()
OFFICES = (
    ("Chủ tịch UBND {dlevel}", 5), ("Phó Chủ tịch UBND {dlevel}", 6), ("Bí thư {dparty}", 4),
    ("Phó Bí thư Thường trực {dparty}", 2), ("Chủ tịch HĐND {dlevel}", 2), ("Chủ tịch UBND {clevel}", 4),
    ("Bí thư Đảng ủy {clevel}", 3), ("Giám đốc Sở Nông nghiệp và Phát triển nông thôn", 2),
    ("Giám đốc Sở Y tế", 2), ("Giám đốc Sở Giáo dục và Đào tạo", 2), ("Trưởng Phòng Tài nguyên và Môi trường", 2),
    ("Trưởng Phòng Giáo dục và Đào tạo {dlevel}", 2), ("Giám đốc Trung tâm Y tế {dlevel}", 2),
    ("Chủ tịch Ủy ban MTTQ Việt Nam {dlevel}", 2), ("Chủ tịch Hội Nông dân {dlevel}", 2),
    ("Bí thư Huyện đoàn", 1), ("Trưởng Công an {dlevel}", 2), ("Chỉ huy trưởng Ban Chỉ huy Quân sự {dlevel}", 1),
    ("Phó Chủ tịch UBND tỉnh", 3), ("Chủ tịch UBND tỉnh", 2), ("Trưởng ấp", 1), ("Trưởng thôn", 1),
)
CATEGORIES = (("Thời sự", 6), ("Chính trị", 4), ("Kinh tế", 4), ("Nông nghiệp", 3), ("Xã hội", 4), ("Y tế", 2),
              ("Giáo dục", 2), ("An ninh - Quốc phòng", 2), ("Văn hóa", 2), ("Môi trường", 1))
ORGS = ("UBND {district}", "UBND {commune}", "Huyện ủy {dname}", "Đảng ủy {commune}", "HĐND {district}",
        "Ủy ban MTTQ Việt Nam {district}", "Hội Nông dân {district}", "Hội Liên hiệp Phụ nữ {district}",
        "Huyện đoàn {dname}", "Hội Cựu chiến binh {commune}", "Phòng Nông nghiệp và Phát triển nông thôn {district}",
        "Phòng Giáo dục và Đào tạo {district}", "Trung tâm Y tế {district}", "Công an {district}",
        "Ban Chỉ huy Quân sự {district}", "Phòng Tài nguyên và Môi trường {district}", "Sở Y tế {province}",
        "Sở Nông nghiệp và Phát triển nông thôn {province}", "Sở Giáo dục và Đào tạo {province}",
        "Ngân hàng Chính sách xã hội {district}", "Phòng Lao động - Thương binh và Xã hội {district}",
        "Ban Chỉ đạo xây dựng nông thôn mới {district}", "Văn phòng HĐND và UBND {district}")
TOPICS = (
    "xây dựng nông thôn mới", "cải cách hành chính", "chuyển đổi số", "phòng, chống dịch bệnh",
    "giảm nghèo bền vững", "bảo vệ môi trường", "phòng, chống thiên tai", "phát triển kinh tế - xã hội",
    "xây dựng Đảng và hệ thống chính trị", "an ninh trật tự", "an toàn giao thông", "thu ngân sách",
    "giải ngân vốn đầu tư công", "phổ cập giáo dục", "bảo hiểm y tế toàn dân", "tiêm chủng mở rộng",
    "phòng, chống cháy rừng", "chống khai thác hải sản bất hợp pháp", "đô thị văn minh", "thực hành tiết kiệm",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "phòng, chống tham nhũng, lãng phí",
    "chuyển đổi cơ cấu cây trồng", "phát triển sản phẩm OCOP", "giải quyết việc làm", "đền ơn đáp nghĩa",
    "tiếp công dân và giải quyết khiếu nại, tố cáo", "quản lý đất đai", "xóa nhà tạm, nhà dột nát",
    "phòng, chống ma túy", "công tác dân vận", "tuyển quân", "phòng, chống sốt xuất huyết", "vệ sinh an toàn thực phẩm",
    "xây dựng trường chuẩn quốc gia", "cấp nước sạch nông thôn", "kiên cố hóa kênh mương", "sắp xếp đơn vị hành chính",
)
CROPS = ("lúa", "lúa chất lượng cao", "cà phê", "hồ tiêu", "điều", "cao su", "thanh long", "sầu riêng", "xoài", "bưởi",
         "mía", "sắn", "ngô", "chè", "dưa hấu", "rau an toàn", "cây ăn quả", "khoai lang", "đậu phộng", "nhãn", "vải thiều",
         "mít", "dừa", "chuối", "cam sành", "bắp lai", "dược liệu", "nấm rơm", "hoa màu")
ANIMALS = ("bò", "heo", "gà", "vịt", "dê", "trâu", "tôm thẻ chân trắng", "cá tra", "cá rô phi", "ong mật", "bò thịt",
           "lợn", "cua", "ốc hương", "yến")
INFRA = ("tuyến đường giao thông nông thôn", "cầu bê tông", "trường mầm non", "trạm y tế xã", "nhà văn hóa ấp",
         "kênh thủy lợi", "hệ thống chiếu sáng", "chợ nông thôn", "đê bao", "hồ chứa nước", "nhà máy nước",
         "điểm trường", "khu tái định cư", "bờ kè chống sạt lở", "tuyến đường liên xã", "trụ sở làm việc")
PERIODS = ("6 tháng đầu năm", "9 tháng", "quý I", "quý II", "quý III", "năm", "tháng", "nhiệm kỳ 2020 - 2025",
           "giai đoạn 2021 - 2025", "giai đoạn 2016 - 2020", "5 năm", "đợt 1", "10 năm")
BENEFICIARIES = ("hộ nghèo", "hộ cận nghèo", "gia đình chính sách", "người có công", "học sinh nghèo",
                 "người cao tuổi", "trẻ em có hoàn cảnh khó khăn", "đồng bào dân tộc thiểu số", "nạn nhân chất độc da cam",
                 "người khuyết tật", "thanh niên lên đường nhập ngũ", "lao động nông thôn")
HEADLINES = (
    ("Hội nghị giao ban công tác {topic} {period}", 8), ("Triển khai kế hoạch {topic} năm {year}", 8),
    ("Sơ kết {period} thực hiện {topic}", 6), ("Tổng kết công tác {topic} năm {year}", 6),
    ("Ra quân {topic}", 4), ("Phát động phong trào thi đua {topic}", 4), ("Đẩy mạnh {topic}", 5),
    ("Nông dân trúng mùa {crop}", 4), ("Hiệu quả từ mô hình nuôi {animal}", 4), ("Khánh thành {infra}", 4),
    ("Khởi công xây dựng {infra}", 4), ("Trao {n} căn nhà đại đoàn kết cho {beneficiary}", 3),
    ("Tặng quà {beneficiary} nhân dịp Tết Nguyên đán", 4), ("Kiểm tra tiến độ {topic} tại {commune}", 4),
    ("{commune} đạt chuẩn nông thôn mới", 3), ("Tiếp xúc cử tri trước kỳ họp HĐND", 3),
    ("Kỳ họp thứ {small} HĐND {district} khóa {term}", 3), ("Quán triệt {directive_short}", 3),
    ("Tập huấn kỹ thuật trồng {crop} cho nông dân", 3), ("Khai giảng năm học mới {year} - {year1}", 2),
    ("Tiêm vắc xin cho trẻ em tại {commune}", 2), ("Phòng, chống dịch tả lợn châu Phi", 2),
    ("Đối thoại với nông dân về {topic}", 2), ("Lễ giao nhận quân năm {year}", 2), ("Giải ngân vốn vay ưu đãi cho {beneficiary}", 2),
    ("Hội thi tìm hiểu pháp luật về {topic}", 2), ("Đại hội Đảng bộ {commune} nhiệm kỳ 2020 - 2025", 2),
    ("Chủ tịch UBND tỉnh làm việc với {district}", 3), ("Kiểm tra công tác {topic}", 3),
)
OPENINGS = (
    ("{when}, {org} tổ chức hội nghị {meeting} công tác {topic} {period} và triển khai nhiệm vụ thời gian tới.", 8),
    ("{when}, {org} đã tổ chức {event} về {topic} với sự tham dự của hơn {n} đại biểu.", 6),
    ("{when}, đoàn công tác của {org} do {person} làm trưởng đoàn đã đến kiểm tra tiến độ {topic} tại {commune}.", 5),
    ("Thực hiện {directive}, {org} đã ban hành kế hoạch triển khai đến các ngành, địa phương.", 5),
    ("{when}, tại hội trường {org}, {person} chủ trì hội nghị {meeting} tình hình thực hiện {topic}.", 5),
    ("Những năm qua, phong trào {topic} ở {commune}, {district} đã có nhiều chuyển biến tích cực.", 4),
    ("{when}, {org} phối hợp với {org2} tổ chức lễ ra quân {topic} năm {year}.", 4),
    ("Vụ {season} năm nay, nông dân {commune} gieo trồng {n} ha {crop}, năng suất bình quân đạt {decimal} tấn/ha.", 4),
    ("{when}, {org} tổ chức lễ khánh thành và đưa vào sử dụng {infra} tại {place_full}.", 3),
)
SENTENCES = {
    "meeting": (
        ("Theo báo cáo, {period}, {org} đã tập trung lãnh đạo, chỉ đạo thực hiện đồng bộ các giải pháp, hoàn thành {pct}% kế hoạch đề ra.", 8),
        ("Tại hội nghị, các đại biểu tập trung thảo luận, làm rõ những khó khăn, vướng mắc và đề xuất giải pháp khắc phục.", 8),
        ("Phát biểu chỉ đạo, {person} ghi nhận và đánh giá cao những kết quả mà các ngành, địa phương đạt được trong thời gian qua.", 7),
        ("{person} yêu cầu các cơ quan, đơn vị tiếp tục quán triệt, triển khai thực hiện nghiêm {directive}.", 6),
        ("Bên cạnh những kết quả đạt được, công tác {topic} vẫn còn một số hạn chế như tiến độ một số công trình còn chậm, nguồn lực còn hạn chế.", 6),
        ("Hội nghị cũng đã thống nhất các chỉ tiêu, nhiệm vụ trọng tâm trong thời gian tới, trong đó ưu tiên {topic}.", 5),
        ("Dịp này, {org} đã khen thưởng {small} tập thể và {n2} cá nhân có thành tích xuất sắc trong {topic}.", 5),
        ("Các ý kiến tham luận đều thống nhất cao với báo cáo và đề xuất nhiều giải pháp thiết thực.", 4),
        ("Đến nay, toàn {dtype} có {small} xã đạt chuẩn nông thôn mới, {small2} xã đạt chuẩn nông thôn mới nâng cao.", 4),
        ("Tổng thu ngân sách trên địa bàn ước đạt {money}, đạt {pct}% dự toán, tăng {pct2}% so với cùng kỳ.", 4),
        ("Kết luận hội nghị, {person} đề nghị các ngành chức năng tăng cường phối hợp, kịp thời tháo gỡ khó khăn cho cơ sở.", 5),
        ("Đồng chí nhấn mạnh, cần phát huy vai trò của người đứng đầu cấp ủy, chính quyền trong {topic}.", 4),
    ),
    "plan": (
        ("Mục tiêu của kế hoạch là đến năm {year_end}, có {pct}% hộ dân được tiếp cận thông tin về {topic}.", 5),
        ("Kế hoạch được triển khai theo {directive}.", 6),
        ("Để thực hiện, {org} giao các phòng, ban chuyên môn phối hợp với UBND các xã, thị trấn xây dựng kế hoạch cụ thể.", 6),
        ("Tổng kinh phí thực hiện kế hoạch hơn {money}, từ nguồn ngân sách nhà nước và huy động xã hội hóa.", 5),
        ("Các địa phương phải báo cáo kết quả thực hiện định kỳ hằng quý về {org} trước ngày {day_month}.", 4),
        ("Kế hoạch đề ra {small} nhóm nhiệm vụ, giải pháp chủ yếu, trong đó chú trọng công tác tuyên truyền, nâng cao nhận thức của người dân.", 5),
        ("Phấn đấu đến cuối năm {year}, tỷ lệ hộ nghèo giảm còn {decimal}%, tỷ lệ người dân tham gia bảo hiểm y tế đạt {pct}%.", 4),
        ("Theo đó, các ngành, địa phương căn cứ chức năng, nhiệm vụ được giao chủ động triển khai thực hiện.", 5),
    ),
    "campaign": (
        ("Hưởng ứng lễ ra quân, các đoàn viên, thanh niên đã tham gia dọn dẹp vệ sinh, phát quang bụi rậm, khơi thông cống rãnh.", 5),
        ("Chương trình đã thu hút đông đảo cán bộ, đoàn viên, hội viên và người dân trên địa bàn tham gia.", 6),
        ("Dịp này, ban tổ chức đã trao {n} suất quà cho {beneficiary}, mỗi suất trị giá {thousand} nghìn đồng.", 5),
        ("Thông qua phong trào, nhận thức của người dân về {topic} từng bước được nâng lên.", 5),
        ("Phong trào được triển khai rộng khắp tại {small} xã, thị trấn, với sự vào cuộc của cả hệ thống chính trị.", 4),
        ("Nhân dân đã hiến hơn {n} m2 đất, đóng góp {n2} ngày công lao động để làm đường giao thông nông thôn.", 4),
    ),
    "agriculture": (
        ("Năm nay, giá {crop} ổn định ở mức {thousand} nghìn đồng/kg, sau khi trừ chi phí, mỗi ha nông dân lãi từ {small} đến {small2} chục triệu đồng.", 6),
        ("Theo ông {person_name}, nông dân ở {commune}, gia đình ông chuyển đổi {decimal} ha đất trồng lúa kém hiệu quả sang trồng {crop}.", 5),
        ("Toàn {dtype} hiện có {n} ha {crop}, tập trung chủ yếu ở các xã {cname}, {cname2}.", 5),
        ("Mô hình nuôi {animal} của gia đình anh {person_name} cho thu nhập bình quân {money} mỗi năm.", 5),
        ("Ngành nông nghiệp khuyến cáo bà con thường xuyên thăm đồng, theo dõi diễn biến sâu bệnh để phòng trừ kịp thời.", 5),
        ("Hợp tác xã nông nghiệp {cname} đã liên kết với doanh nghiệp bao tiêu sản phẩm cho {n} hộ thành viên.", 4),
        ("Đến nay, tổng đàn {animal} trên địa bàn đạt {n} con, tăng {pct2}% so với cùng kỳ năm trước.", 4),
        ("Tuy nhiên, thời tiết diễn biến phức tạp, hạn hán và xâm nhập mặn ảnh hưởng đến sản xuất của người dân.", 4),
    ),
    "health": (
        ("Trung tâm Y tế {district} đã tổ chức tiêm {n} liều vắc xin cho trẻ em dưới 5 tuổi, đạt {pct}% kế hoạch.", 5),
        ("Từ đầu năm đến nay, trên địa bàn ghi nhận {small} ca mắc sốt xuất huyết, không có trường hợp tử vong.", 5),
        ("Ngành y tế khuyến cáo người dân chủ động diệt lăng quăng, loại bỏ vật dụng chứa nước đọng quanh nhà.", 5),
        ("Tỷ lệ người dân tham gia bảo hiểm y tế đạt {pct}%, vượt chỉ tiêu được giao.", 4),
        ("Đoàn đã khám bệnh, cấp thuốc miễn phí cho hơn {n} người cao tuổi và người thuộc diện chính sách.", 4),
        ("Trạm y tế xã {cname} đã được đầu tư trang thiết bị, đáp ứng nhu cầu khám, chữa bệnh ban đầu của nhân dân.", 4),
    ),
    "education": (
        ("Năm học {year} - {year1}, toàn {dtype} có {small} trường học với hơn {n} học sinh.", 5),
        ("Tỷ lệ học sinh tốt nghiệp trung học phổ thông đạt {decimal}%, cao hơn bình quân chung của tỉnh.", 4),
        ("Ngành giáo dục đã chuẩn bị đầy đủ cơ sở vật chất, sách giáo khoa, đội ngũ giáo viên cho năm học mới.", 5),
        ("Dịp này, Hội Khuyến học {district} trao {n} suất học bổng cho học sinh nghèo vượt khó học giỏi.", 4),
        ("Hiện nay, {district} có {small} trường đạt chuẩn quốc gia, đạt tỷ lệ {pct}%.", 4),
    ),
    "infrastructure": (
        ("Công trình có tổng vốn đầu tư {money}, được khởi công từ tháng {month}/{year} và hoàn thành vượt tiến độ.", 5),
        ("{infra_cap} dài {decimal} km, mặt đường rộng {small} m, kết cấu bê tông xi măng.", 4),
        ("Công trình hoàn thành góp phần thúc đẩy giao thương, phát triển kinh tế - xã hội của địa phương.", 5),
        ("Chủ đầu tư cam kết đảm bảo chất lượng, tiến độ và an toàn lao động trong suốt quá trình thi công.", 4),
        ("Đến nay, khối lượng thi công đạt khoảng {pct}%, giá trị giải ngân đạt {money}.", 4),
        ("Tuy nhiên, công tác giải phóng mặt bằng còn gặp khó khăn do một số hộ dân chưa đồng thuận với phương án bồi thường.", 4),
    ),
    "security": (
        ("Công an {district} đã phát hiện, xử lý {small} vụ vi phạm, thu nộp ngân sách nhà nước hơn {money}.", 4),
        ("Tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn cơ bản ổn định.", 5),
        ("Lực lượng chức năng tăng cường tuần tra, kiểm soát, xử lý nghiêm các trường hợp vi phạm trật tự an toàn giao thông.", 4),
        ("Năm {year}, toàn {dtype} giao {n} thanh niên nhập ngũ, đạt 100% chỉ tiêu trên giao.", 3),
        ("Mô hình tổ tự quản về an ninh trật tự được duy trì hiệu quả tại {small} ấp, khu phố.", 3),
    ),
    "closing": (
        ("Trong thời gian tới, {org} sẽ tiếp tục chỉ đạo quyết liệt, phấn đấu hoàn thành các chỉ tiêu kế hoạch năm {year}.", 8),
        ("Dự kiến, chương trình sẽ được nhân rộng ra các xã trên địa bàn {district} trong năm {year1}.", 5),
        ("Theo kế hoạch, {event} sẽ được tổ chức định kỳ hằng năm nhằm đánh giá kết quả và rút kinh nghiệm.", 4),
        ("Được biết, đây là hoạt động thiết thực nhằm chào mừng kỷ niệm {small} năm Ngày thành lập {party_unit}.", 3),
        ("Việc làm này thể hiện sự quan tâm của cấp ủy, chính quyền địa phương đối với đời sống của nhân dân.", 5),
    ),
}
TOPIC_SECTIONS = ("meeting", "plan", "campaign", "agriculture", "health", "education", "infrastructure", "security")
MEETINGS = ("sơ kết", "tổng kết", "giao ban", "đánh giá", "triển khai", "trực tuyến đánh giá")
EVENTS = ("hội nghị", "hội thảo", "buổi tọa đàm", "lớp tập huấn", "chương trình", "hội thi", "buổi đối thoại")
SEASONS = ("Đông Xuân", "Hè Thu", "Thu Đông", "Mùa", "Xuân Hè")
PARTY_UNITS = ("Đảng Cộng sản Việt Nam", "Mặt trận Tổ quốc Việt Nam", "Hội Nông dân Việt Nam", "Đoàn TNCS Hồ Chí Minh",
               "Hội Liên hiệp Phụ nữ Việt Nam", "Quân đội nhân dân Việt Nam", "Công an nhân dân", "huyện")
WHEN = ("Sáng {day_month}", "Chiều {day_month}", "Ngày {day_month}", "Sáng ngày {day_month}", "Chiều ngày {day_month}",
        "Mới đây", "Vừa qua", "Trong hai ngày {day_month2}", "Sáng nay ({day_month})")
MINISTRIES = (("TT-BTC", "Bộ Tài chính"), ("TT-BYT", "Bộ Y tế"), ("TT-BGDĐT", "Bộ Giáo dục và Đào tạo"),
              ("TT-BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn"), ("TT-BTNMT", "Bộ Tài nguyên và Môi trường"),
              ("TT-BLĐTBXH", "Bộ Lao động - Thương binh và Xã hội"), ("TT-BNV", "Bộ Nội vụ"),
              ("TT-BCA", "Bộ Công an"), ("TT-BXD", "Bộ Xây dựng"), ("TT-BTTTT", "Bộ Thông tin và Truyền thông"))
NATIONAL_DIRECTIVES = 1500
LOCAL_DIRECTIVES_PER_PROVINCE = 120
AUTHORS = 2000


@dataclass(frozen=True)
class Place:
    province: str          # "An Giang"
    province_full: str     # "tỉnh An Giang" / "TP Hồ Chí Minh"
    district: str          # "Tịnh Biên"
    district_full: str     # "huyện Tịnh Biên"
    district_type: str     # "huyện"
    commune: str           # "Văn Giáo"
    commune_full: str      # "xã Văn Giáo"


@dataclass(frozen=True)
class Citation:
    text: str    # "Chỉ thị số 05/CT-TTg ngày 28/2/2020 của Thủ tướng Chính phủ"
    short: str   # "Chỉ thị 05/CT-TTg"


@cache
def load_places() -> tuple[Place, ...]:
    """Every pre-2025 commune with its district and province, from the installed ``vietnamadminunits`` package."""
    with gazetteer_database() as db:
        rows = db.execute(
            "SELECT province, provinceShort, districtShort, districtType, wardShort, wardType"
            " FROM admin_units_legacy WHERE wardCode IS NOT NULL AND wardShort IS NOT NULL ORDER BY wardCode"
        ).fetchall()
    places = []
    for province, province_short, district, district_type, ward, ward_type in rows:
        province_full = f"TP {province_short}" if province.startswith("Thành phố") else f"tỉnh {province_short}"
        dtype = district_type.lower()
        places.append(Place(province_short, province_full, district, f"{dtype} {district}", dtype,
                            ward, f"{ward_type.lower()} {ward}"))
    return tuple(places)


def zipf_weights(count: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    """Cumulative Zipf weights for ``random.choices(cum_weights=...)``."""
    return list(itertools.accumulate(1.0 / (rank ** exponent) for rank in range(1, count + 1)))


class Picker:
    """Draw from a fixed list, either with given weights or Zipf over a shuffled order."""

    def __init__(self, rng: random.Random, items, weights=None, zipf: bool = False):
        items = list(items)
        if zipf:
            rng.shuffle(items)
            self.cum = zipf_weights(len(items))
        else:
            self.cum = list(itertools.accumulate(weights if weights else [1] * len(items)))
        self.items = items
        self.rng = rng

    def __call__(self):
        return self.rng.choices(self.items, cum_weights=self.cum)[0]


def _weighted(pairs) -> tuple[list, list]:
    return [item for item, _ in pairs], [weight for _, weight in pairs]


class ArticleGenerator:
    """Everything drawn once per seed (places, people, documents), and the per-article assembly."""

    def __init__(self, seed: int):
        self.rng = rng = random.Random(seed)
        self.seed = seed
        places = load_places()
        by_province: dict[str, list[Place]] = {}
        for place in places:
            by_province.setdefault(place.province, []).append(place)
        # Provinces Zipf by a seeded order (news is unevenly spread), communes uniform within a province.
        self.provinces = Picker(rng, sorted(by_province), zipf=True)
        self.places_of = by_province
        self.people = Picker(rng, [self._person_name() for _ in range(20000)], zipf=True)
        self.authors = [(self._pen_name(), rng.choice(places)) for _ in range(AUTHORS)]
        self.author_picker = Picker(rng, range(AUTHORS), zipf=True)
        self.national = Picker(rng, [self._national_citation(i) for i in range(NATIONAL_DIRECTIVES)], zipf=True)
        self.local_cache: dict[str, Picker] = {}
        self.headlines = Picker(rng, *_weighted(HEADLINES))
        self.openings = Picker(rng, *_weighted(OPENINGS))
        self.sections = {name: Picker(rng, *_weighted(pairs)) for name, pairs in SENTENCES.items()}
        self.offices = Picker(rng, *_weighted(OFFICES))
        self.categories = Picker(rng, *_weighted(CATEGORIES))
        self.topics = Picker(rng, TOPICS, zipf=True)
        self.crops = Picker(rng, CROPS, zipf=True)
        self.animals = Picker(rng, ANIMALS, zipf=True)
        self.orgs = Picker(rng, ORGS, zipf=True)

    def _person_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"

    def _pen_name(self) -> str:
        rng = self.rng
        given = GIVEN_MALE + GIVEN_FEMALE
        roll = rng.random()
        if roll < 0.45:
            return f"{rng.choice(SURNAMES)} {rng.choice(given)}"
        if roll < 0.8:
            return f"{rng.choice(MIDDLE_MALE + MIDDLE_FEMALE)} {rng.choice(given)}"
        return self._person_name()

    def _national_citation(self, i: int) -> Citation:
        rng = self.rng
        year = rng.randrange(2008, 2026)
        signed = f"{rng.randrange(1, 29)}/{rng.randrange(1, 13)}/{year}"
        kind = i % 7
        if kind == 0:
            number = f"{rng.randrange(1, 40):02d}"
            return Citation(f"Chỉ thị số {number}/CT-TTg ngày {signed} của Thủ tướng Chính phủ", f"Chỉ thị {number}/CT-TTg")
        if kind == 1:
            number = rng.randrange(1, 180)
            return Citation(f"Nghị định số {number}/{year}/NĐ-CP ngày {signed} của Chính phủ",
                            f"Nghị định {number}/{year}/NĐ-CP")
        if kind == 2:
            number = rng.randrange(1, 60)
            body = rng.choice(("Bộ Chính trị", "Ban Chấp hành Trung ương Đảng"))
            return Citation(f"Nghị quyết số {number}-NQ/TW ngày {signed} của {body}", f"Nghị quyết {number}-NQ/TW")
        if kind == 3:
            number = rng.randrange(1, 50)
            return Citation(f"Chỉ thị số {number}-CT/TW ngày {signed} của Ban Bí thư", f"Chỉ thị {number}-CT/TW")
        if kind == 4:
            number = rng.randrange(100, 2500)
            return Citation(f"Quyết định số {number}/QĐ-TTg ngày {signed} của Thủ tướng Chính phủ",
                            f"Quyết định {number}/QĐ-TTg")
        if kind == 5:
            code, ministry = rng.choice(MINISTRIES)
            number = f"{rng.randrange(1, 90):02d}"
            return Citation(f"Thông tư số {number}/{year}/{code} ngày {signed} của {ministry}", f"Thông tư {number}/{year}/{code}")
        number = rng.randrange(1, 130)
        return Citation(f"Nghị quyết số {number}/NQ-CP ngày {signed} của Chính phủ", f"Nghị quyết {number}/NQ-CP")

    def _local_citations(self, place: Place) -> Picker:
        picker = self.local_cache.get(place.province)
        if picker is None:
            rng = random.Random(f"{self.seed}-{place.province}")
            citations = []
            for i in range(LOCAL_DIRECTIVES_PER_PROVINCE):
                year = rng.randrange(2014, 2026)
                signed = f"{rng.randrange(1, 29)}/{rng.randrange(1, 13)}/{year}"
                kind = i % 4
                if kind == 0:
                    number = rng.randrange(100, 3500)
                    citations.append(Citation(
                        f"Quyết định số {number}/QĐ-UBND ngày {signed} của UBND {place.province_full}",
                        f"Quyết định {number}/QĐ-UBND"))
                elif kind == 1:
                    number = rng.randrange(1, 300)
                    citations.append(Citation(
                        f"Kế hoạch số {number}/KH-UBND ngày {signed} của UBND {place.province_full}",
                        f"Kế hoạch {number}/KH-UBND"))
                elif kind == 2:
                    number = rng.randrange(1, 40)
                    citations.append(Citation(
                        f"Nghị quyết số {number}-NQ/TU ngày {signed} của Tỉnh ủy {place.province}",
                        f"Nghị quyết {number}-NQ/TU"))
                else:
                    number = rng.randrange(1, 60)
                    citations.append(Citation(
                        f"Nghị quyết số {number}/{year}/NQ-HĐND ngày {signed} của HĐND {place.province_full}",
                        f"Nghị quyết {number}/{year}/NQ-HĐND"))
            picker = self.local_cache[place.province] = Picker(rng, citations, zipf=True)
        return picker

    def article(self, number: int) -> dict:
        """One article as a corpus JSONL record."""
        rng = self.rng
        province = self.provinces()
        place = rng.choice(self.places_of[province])
        neighbours = self.places_of[province]
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        author_name, author_place = self.authors[self.author_picker()]
        citations = [self.national() if rng.random() < 0.6 else self._local_citations(place)()
                     for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3)))]
        slots = Slots(self, place, neighbours, published, citations)
        title = self.headlines().format_map(slots)
        title = f"{place.district}: {title[0].upper()}{title[1:]}" if rng.random() < 0.7 else title
        paragraphs = [self.openings().format_map(slots)]
        for section in rng.sample(TOPIC_SECTIONS, rng.randrange(4, 8)):
            picker = self.sections[section]
            templates = list(dict.fromkeys(picker() for _ in range(rng.randrange(4, 9))))
            paragraphs.append(" ".join(template.format_map(slots) for template in templates))
        paragraphs.append(self.sections["closing"]().format_map(slots))
        if rng.random() < 0.85:
            byline = f"{author_name} ({place.district if rng.random() < 0.7 else author_place.district})"
        else:
            byline = author_name.upper()
        return {
            "id": f"gen{self.seed}-{number:07d}",
            "source": f"bench.generate seed {self.seed}",
            "url": f"https://tintuc-diaphuong.example.vn/bai-viet/{number}.html",
            "title": title,
            "body": "\n".join(paragraphs),
            "published": published.isoformat(),
            "author": byline,
            "category": self.categories(),
        }


class Slots(dict):
    """Template slots: the article's fixed facts up front, fresh numbers and fillers drawn on each use."""

    def __init__(self, generator: ArticleGenerator, place: Place, neighbours: list[Place], published: date,
                 citations: list[Citation]):
        super().__init__(
            province=place.province_full, district=place.district_full, dname=place.district,
            dtype=place.district_type, commune=place.commune_full, cname=place.commune,
            place_full=f"{place.commune_full}, {place.district_full}, {place.province_full}",
            dlevel=place.district_type, dparty=f"{'Huyện' if place.district_type == 'huyện' else 'Thị'} ủy",
            clevel=place.commune_full.split(" ")[0], year=published.year, year1=published.year + 1,
            year_end=published.year + 5, term="XII" if published.year < 2021 else "XIII",
        )
        self.generator = generator
        self.rng = generator.rng
        self.neighbours = neighbours
        self.published = published
        self.citations = citations

    def __missing__(self, key: str):
        rng, gen = self.rng, self.generator
        if key == "topic":
            return gen.topics()
        if key == "person":
            return f"ông {gen.people()}, {gen.offices()[0].format_map(self)}" if rng.random() < 0.7 else \
                f"bà {gen.people()}, {gen.offices()[0].format_map(self)}"
        if key == "person_name":
            return gen.people()
        if key == "org":
            return gen.orgs().format_map(self)
        if key == "org2":
            return rng.choice(ORGS).format_map(self)  # uniform, unlike ``org``, so the two rarely coincide
        if key == "directive":
            return rng.choice(self.citations).text if self.citations else f"chỉ đạo của UBND {self['province']}"
        if key == "directive_short":
            return rng.choice(self.citations).short if self.citations else f"Nghị quyết Đại hội Đảng bộ {self['dname']}"
        if key == "cname2":
            return rng.choice(self.neighbours).commune
        if key in ("day_month", "day_month2"):
            day = self.published - timedelta(days=rng.randrange(0, 4))
            return f"{day.day}/{day.month}" if key == "day_month" else f"{day.day}-{day.day + 1}/{day.month}"
        if key == "when":
            return rng.choice(WHEN).format_map(self)
        if key in ("n", "n2"):
            return f"{rng.randrange(20, 3000):,}".replace(",", ".")
        if key in ("small", "small2"):
            return rng.randrange(2, 40)
        if key in ("pct", "pct2"):
            return rng.randrange(5, 120) if key == "pct" else rng.randrange(1, 30)
        if key == "decimal":
            return f"{rng.randrange(1, 100)},{rng.randrange(0, 10)}"
        if key == "thousand":
            return rng.randrange(5, 500)
        if key == "money":
            return f"{rng.randrange(1, 900)},{rng.randrange(0, 10)} {rng.choice(('tỷ', 'triệu'))} đồng"
        if key == "month":
            return rng.randrange(1, 13)
        if key == "crop":
            return gen.crops()
        if key == "animal":
            return gen.animals()
        if key in ("infra", "infra_cap"):
            text = rng.choice(INFRA)
            return text[0].upper() + text[1:] if key == "infra_cap" else text
        if key == "period":
            return rng.choice(PERIODS)
        if key == "meeting":
            return rng.choice(MEETINGS)
        if key == "event":
            return rng.choice(EVENTS)
        if key == "season":
            return rng.choice(SEASONS)
        if key == "beneficiary":
            return rng.choice(BENEFICIARIES)
        if key == "party_unit":
            return rng.choice(PARTY_UNITS)
        raise KeyError(key)


def generate(count: int, seed: int = 1):
    """Yield ``count`` article records; the same ``(count, seed)`` always gives the same records."""
    generator = ArticleGenerator(seed)
    for number in range(1, count + 1):
        yield generator.article(number)


def write_corpus(path: Path, count: int, seed: int = 1) -> float:
    """Write ``count`` articles as JSONL (via a temporary name, so a killed run leaves no half file); return seconds."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as handle:
        for record in generate(count, seed):
            handle.write(json.dumps(record, ensure_ascii=False))
            handle.write("\n")
    partial.replace(path)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    seconds = write_corpus(args.output, args.count, args.seed)
    print(f"{args.count} articles in {seconds:.1f} s ({args.count / seconds:,.0f}/s) -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
