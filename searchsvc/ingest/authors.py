"""Read authors and the source credit from a byline, so the author facet counts people, not agencies.

Bylines arrive as the last line of a scraped file, as the ``author`` field of a record, or only as the tail of a
body whose paragraphs were flattened (``... ông Lai nói. Sơn Ca``). The grammar is small: optional labels
(``Tin, ảnh:``, ``CTV``), names separated by `` - `` or ``,``, then credits (``(TTXVN)``, ``/VOV.VN``,
``Theo Báo Z``) and places in parentheses (``(Tịnh Biên)``), which are not authors either; photo credits
(``Ảnh: X``) are dropped.
"""

from __future__ import annotations

import re

from searchsvc.text.normalize import fold, nfc, normalize_text

# Labels before the names that say what the person did; they are not part of a name.
LABEL = re.compile(
    r"^(?:(?:tin|bài|video|clip|thực hiện|nhóm thực hiện|(?:bài|tin)\s*(?:,|-|và)\s*ảnh(?:, video)?)\s*:\s*"
    r"|ctv\s+|pv\s+|tổng hợp\s+(?=[A-ZÀ-ỸĐ])|(?:cùng\s+)?chủ đề\s*:\s*)",
    re.IGNORECASE,
)
# What a job adds after the name ("Huỳnh Phan thực hiện", "Thùy Dương (ghi)") and what a site's page adds after the
# byline ("PHẢN HỒI", "Source link"): neither is part of a name.
TRAILING = re.compile(r"\s*(?:\(?(?:thực hiện|ghi)\)?|PHẢN HỒI|Phản hồi|Source link|Chủ đề:?|Tổng hợp|Nguồn)\s*$")
GLUED_TRAILING = re.compile(r"(?<=[a-zà-ỹđ])(?=thực hiện\s*$)")
# What a site prints after the byline: its own promotion, which names the paper ("Tâm Trí Báo Gia đình và Xã hội cập
# nhật tin tức trong ngày liên tục, mới nhất"), or a partner's advertisement.
SITE_PROMOTION = re.compile(r"(?:(?P<paper>\b[Bb]áo\s[^.]{2,40}?)\s+cập nhật tin tức\b[^.]*|"
                            r"Bạn đã được chuyển sang trang\b[^.]*)\.?\s*$")
# A photo credit in parentheses inside the text of the tail: "(Ảnh: Reuters) Hùng Cường/VOV.VN".
PHOTO_PARENTHESES = re.compile(r"\(\s*(?:ảnh|đồ họa|đồ hoạ|infographic)\s*:[^()]*\)", re.IGNORECASE)
PHOTO_CREDIT = re.compile(r"\s*[-–|,]?\s*\(?\s*(?:ảnh|đồ họa|đồ hoạ|infographic)\s*:.*$", re.IGNORECASE | re.DOTALL)
# "Theo X" glued to the previous word by the scraper ("Nhật LinhTheo Financial Times").
GLUED_THEO = re.compile(r"(?<=[a-zà-ỹđ])(?=Theo\s)")
# A paper's tag opening the lead, and the tags of papers that do not spell their name out.
LEAD_TAG = re.compile(r"\s*\(([^()\n]{2,30})\)\s*[-–—]\s")
DOMAIN_TAG = re.compile(r"[a-z0-9-]+(?:\.[a-z]{2,})+")
PAPER_TAGS = {"BĐ": "Báo Bình Định", "HNM": "Hà Nội Mới", "QĐND": "Quân đội nhân dân", "ANTĐ": "An ninh Thủ đô",
              "GDTĐ": "Giáo dục và Thời đại", "NLĐO": "Người Lao Động", "PLO": "Pháp luật TP.HCM", "TTO": "Tuổi Trẻ",
              "TNO": "Thanh Niên", "Dân trí": "Dân trí", "VOV.VN": "VOV"}
COMPILED_BY = re.compile(r"(?<![^\W_])Tổng hợp\s+(?:[A-ZÀ-ỸĐ][^\s]*\s*){1,4}$")
# "(Tổng hợp)", "(Tổng hợp theo báo VNE, Zing.vn)", "(t/h)", "(lược dịch)" after the writer's name.
COMPILED_FROM = re.compile(r"\(\s*(?:tổng hợp|t/h|lược dịch)(?:\s+theo\s+(?:báo\s+)?([^()]*?))?\s*\)", re.IGNORECASE)
# An outlet named by what it is ("Báo Công Thương", "Tạp chí Tri Thức"): never an author, always the credit.
OUTLET = re.compile(r"(?:[Bb]áo|[Tt]ạp chí|Đài|Truyền hình|Cổng thông tin|Trang tin|Kênh|Thông tấn xã)\s+[A-ZÀ-ỸĐ0-9]")
# The label of a photo credit that opens the tail: "Ảnh: Hồng Vĩnh Nguyên Khánh-Hồng Vĩnh".
PHOTO_LABEL = re.compile(r"\(?(?:[Ảả]nh|ẢNH)\s*:\s*")
SOURCE_LINE = re.compile(r"^(?:theo|nguồn)\s*:?\s+\S", re.IGNORECASE)
THEO = re.compile(r"(?:^|\s|\()(?:theo|nguồn)\s*:?\s+(.+?)\)?\s*$", re.IGNORECASE)
PARENTHESES = re.compile(r"\s*\(([^()]*)\)\s*")
SLASH_CREDIT = re.compile(r"\s*/\s*([^/]*[^\W\d_][^/]*)$")
# Agencies that a bare byline names instead of a person.
AGENCIES = frozenset({"ttxvn", "vgp", "vov", "vov.vn", "vna", "tttxvn", "vtv", "vnexpress", "vietnamplus", "pv",
                      "dân việt", "dân trí", "tuổi trẻ", "vietnamnet", "zing", "zingnews", "kenh14", "người lao động",
                      "tiền phong", "sggp", "vtc news", "infonet", "soha", "cafef", "báo mới", "nhân dân", "cand",
                      "qđnd", "hà nội mới", "an ninh thủ đô", "giáo dục thời đại", "đspl", "bvpl"})
# Not people: compilations and anonymous staff.
COMPILED = frozenset({"tổng hợp", "th", "t.h", "pv", "nhóm pv", "phóng viên", "nhóm phóng viên", "ctv", "btv"})
NAME_WORD = re.compile(r"^(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]*\.?)+$|^[A-ZÀ-ỸĐ][a-zà-ỹđA-ZÀ-ỸĐ]*$")
# Between names: a dash with a space on either side ("Thái Bình- Nguyễn Hồng") or between two capitalised words
# ("Nguyên Khánh-Hồng Vĩnh"), a comma, "và".
SEPARATORS = re.compile(r"\s+[-–—]\s*|\s*[-–—]\s+|(?<=[a-zà-ỹđ])[-–—](?=[A-ZÀ-ỸĐ])|\s*,\s*|\s+và\s+")
DOMAIN = re.compile(r"\s+([A-Za-z0-9-]+(?:\.[a-z]{2,})+)$")
# The end of the last sentence of a body: a stop not right after a lone initial ("B. H").
SENTENCE_END = re.compile(r"(?:\./\.|(?<![\s.][A-ZÀ-ỸĐ])[.!?…]+[\"”»)]*|[\"”»])\s+|(?<=[a-zà-ỹđ]{3})\.(?=[A-ZÀ-ỸĐ][a-zà-ỹđ])")
# A name in capitals after a colon ends a caption-like last sentence: "… của Hồ Quỳnh Hương: HẢI ANH".
CAPITALS_AFTER_COLON = re.compile(r"(?<![Ảả]nh)(?<!ẢNH)(?<!họa)(?<!hoạ):\s+((?:[A-ZÀ-ỸĐ]+\s+){1,3}[A-ZÀ-ỸĐ]+)\s*$")
# Lines that are not text: the scraper's image placeholders and links to the original.
NOISE_LINE = re.compile(r"^(?:\[img\]|responsive image|https?://\S+)$", re.IGNORECASE)
# A word of a Vietnamese name: no f, j, w or z ("Facebook Minh Hạnh" is a photo credit, then the writer).
_NAME = r"[A-EG-IK-VXYÀ-ỸĐ][a-eg-ik-vxyà-ỹđ]*(?:\.[A-EG-IK-VXYÀ-ỸĐ][a-eg-ik-vxyà-ỹđ]*)*"
GLUED_BYLINE = re.compile(rf"(?:(?P<before>[a-zà-ỹđ0-9:]) |\.\s?)(?P<byline>(?P<name>{_NAME}(?: {_NAME}){{1,2}})"
                          rf"(?P<credit>\s*/\s*[^/\s][^/]{{0,40}})?)$")
SHORT_LINE_WORDS = 8
# The byline is among the last lines; noise lines may follow it, but never this many.
TAIL_LINES = 8
# A flattened body is one long line: its last sentence and byline lie within its last characters.
TAIL_CHARS = 600
# How far from the end of a text its last sentence end is looked for first.
LAST_SENTENCE_WINDOW = 160
VOWEL = re.compile(r"[aeiouy]")
MAX_NAME_WORDS = 5
MAX_BYLINE_WORDS = 14


def extract_byline(byline: str | None, body: str) -> tuple[tuple[str, ...], str | None]:
    """Return ``(authors, source_credit)`` from a byline, or from the end of the body when there is none.

    >>> extract_byline("Phan Hữu (Tịnh Biên)", "")
    (('Phan Hữu',), None)
    >>> extract_byline(None, "Cơ quan chức năng đang điều tra. CTV Lê Tùng/VOV.VN")
    (('Lê Tùng',), 'VOV.VN')
    """
    authors, credit = _parse(byline if byline and byline.strip() else _body_tail(body or ""))
    return authors, credit or _lead_tag(body or "")


def _lead_tag(body: str) -> str | None:
    """The outlet a lead opens with: ``(BĐ) - Chiều 22.4, …`` is Báo Bình Định, ``(binhdinh.gov.vn) - …`` the site."""
    tag = LEAD_TAG.match(body)
    if not tag:
        return None
    name = tag.group(1).strip()
    return PAPER_TAGS.get(name) or (name if DOMAIN_TAG.fullmatch(name) or name.lower() in AGENCIES else None)


def normalize_author_name(name: str) -> str:
    """Title-case an all-caps name the Vietnamese way, keep initials, and unify tone marks for the facet.

    >>> normalize_author_name("NGUYỄN HÂN"), normalize_author_name("T.SỸ"), normalize_author_name("Thanh  Thuỷ")
    ('Nguyễn Hân', 'T.Sỹ', 'Thanh Thủy')
    """
    words = []
    for word in nfc(name).split():
        parts = re.split(r"(\.)", word)
        words.append("".join(_title_syllable(part) for part in parts))
    return normalize_text(" ".join(words))


def _title_syllable(part: str) -> str:
    # A Vietnamese syllable has a vowel; initialisms such as "DTD" have none and stay as they are.
    if len(part) > 1 and part.isupper() and VOWEL.search(fold(part).lower()):
        return part[0] + part[1:].lower()
    return part


def _body_tail(body: str) -> str:
    """The text after the last sentence of the body, where a byline survives flattening."""
    lines = [line.strip() for line in body.rstrip().rsplit("\n", TAIL_LINES)[-TAIL_LINES:]
             if line.strip() and not NOISE_LINE.match(line.strip())]
    if not lines:
        return ""
    if len(lines) > 1 and len(lines[-2].split()) <= MAX_NAME_WORDS and not lines[-2].endswith(tuple(".!?…:;\"”")):
        if SOURCE_LINE.match(lines[-1]):
            return f"{lines[-2]} {lines[-1]}"  # the name on its own line, then "Theo Source"
        if _is_outlet(lines[-1]) and _looks_like_name(lines[-2]):
            return f"{lines[-2]} Theo {lines[-1]}"  # the name, then the outlet alone: "Báo Công Thương", "Dân Việt"
    promotion = SITE_PROMOTION.search(lines[-1], max(0, len(lines[-1]) - TAIL_CHARS))
    if promotion:
        paper = promotion["paper"]
        lines[-1] = lines[-1][: promotion.start()] + (f" Theo {paper}" if paper else "")
    last = PHOTO_PARENTHESES.sub(" ", lines[-1][-TAIL_CHARS:])
    capitals = CAPITALS_AFTER_COLON.search(last)
    if capitals:
        return capitals.group(1)
    end = _last_sentence_end(last + " ")
    if end is None and len(last.split()) <= SHORT_LINE_WORDS:
        return last
    tail = last[end:].strip() if end is not None else last
    words = tail.split()
    if len(words) >= 4 and len(words) % 2 == 0 and words[: len(words) // 2] == words[len(words) // 2:]:
        tail = " ".join(words[: len(words) // 2])  # the byline printed twice: "Việt Cường/VOV Việt Cường/VOV"
    tail = _after_photo_credit(tail, body)
    short = len(tail.split()) <= MAX_BYLINE_WORDS
    if short and (not tail or _parse(tail)[0]):
        return tail
    compiled = COMPILED_BY.search(tail)  # "… chỉ mang tính tham khảo Tổng hợp Cự Giải": no stop before the credit
    if compiled:
        return compiled.group()
    return _glued_byline(tail, body) or (tail if short else "")


def _after_photo_credit(tail: str, body: str) -> str:
    """The byline glued after the last photo credits: ``Ảnh: Hồng Vĩnh Nguyên Khánh-Hồng Vĩnh`` is the writers
    Nguyên Khánh and Hồng Vĩnh after a credit to Hồng Vĩnh, when the text credits that photographer elsewhere too.
    A photographer's name has two or three words (the longest credited one first, so the credit does not eat the
    byline's first word); a word glued to the next (``Hùng LêĐức Hùng``) is two."""
    rest = tail
    while rest and (label := PHOTO_LABEL.match(rest)):
        words = [part for word in rest[label.end():].split() for part in _unglued(word)]
        for size in (3, 2):
            photographer = " ".join(words[:size])
            if len(words) >= size and ":" not in photographer and _photo_credits(photographer, body) > 1:
                rest = " ".join(words[size:])
                break
        else:
            break
    return rest if rest != tail and _parse(rest)[0] else tail


def _photo_credits(name: str, body: str) -> int:
    """How often the body credits a photo to ``name``, also when the next word is glued to it (``Ảnh: Hùng LêĐức``)."""
    credits = re.finditer(rf"(?:[Ảả]nh|ẢNH)\s*:\s*{re.escape(name)}", body)
    return sum(1 for credit in credits if credit.end() == len(body) or not body[credit.end()].islower())


def _unglued(word: str) -> list[str]:
    """A word split where a lower-case letter runs into a capital: ``LêĐức`` -> ``Lê``, ``Đức``."""
    cuts = [i for i in range(1, len(word) - 1) if word[i - 1].islower() and word[i].isupper() and word[i + 1].islower()]
    return [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)])]


def _last_sentence_end(text: str) -> int | None:
    """Where the last sentence of ``text`` ends. The scan starts near the end, where it usually is found (a match
    begun before the window ends where the full scan's does, so the last end is the same), else reads it all."""
    for start in (max(0, len(text) - LAST_SENTENCE_WINDOW), 0):
        end = None
        for end_match in SENTENCE_END.finditer(text, start):
            end = end_match.end()
        if end is not None or start == 0:
            return end
    return None


def _glued_byline(tail: str, body: str) -> str:
    """The byline a caption or a cut sentence runs into, with no stop before it: "… vụ án mạn Lưu Anh/VOV.VN", "…
    cập nhật thông tin đến bạn đọc Trúc Dân", "… Schalke: Trọng Phú/VOV online".

    The last two or three capitalised words after a lower-case one, after a stop the sentence splitter took for an
    initial ("… 0,5-1 độ C. Gia Chính", "… khoảng 10 km.Hoàng Nam"), or after a colon when a credit follows, are the
    writer when the text names them nowhere else (a subject, ``hoa hậu Phương Nga``, is named before).
    """
    glued = GLUED_BYLINE.search(tail)
    if not glued:
        return ""
    words = glued.group("name").split()
    # The pattern's letter classes also hold lower-case letters with marks ("đọc Trúc Dân"): drop those words.
    lower = 0
    while lower < len(words) and not words[lower][0].isupper():
        lower += 1
    name = " ".join(words[lower:])
    before = tail[: glued.start("name")].split()[-1:] + words[:lower]
    if before and before[-1].lower() in ("theo", "nguồn"):
        return ""  # "Theo Trí Thức Trẻ": an outlet credited, read as such
    if len(words) - lower < 2 or not all(word[0].isupper() for word in words[lower:]) or _named_elsewhere(name, body):
        return ""
    if not lower and glued.group("before") == ":" and not glued.group("credit"):
        return ""  # "Stylist: Bí Bo", "Make-up: …": a credit for another job
    return name + (glued.group("credit") or "")


def _named_elsewhere(name: str, body: str) -> bool:
    """Whether the body names ``name`` besides the byline, as a subject would be; a photo credit (``Ảnh: Hoàng Nam``)
    does not count, since the writer often takes the photos."""
    return body.count(name) - _photo_credits(name, body) > 1


def _is_outlet(text: str) -> bool:
    return bool(OUTLET.match(text)) or text.strip(" .").lower() in AGENCIES


def _parse(text: str) -> tuple[tuple[str, ...], str | None]:
    text = " ".join(GLUED_TRAILING.sub(" ", GLUED_THEO.sub(" ", nfc(text))).split())
    text = TRAILING.sub("", PHOTO_CREDIT.sub("", LABEL.sub("", PHOTO_PARENTHESES.sub(" ", text))))
    credits: list[str] = []
    compiled = COMPILED_FROM.search(text)
    if compiled:
        # "Trung Hùng (Tổng hợp theo báo VNE, Zing.vn)": the writer compiled it; one outlet named is the credit,
        # several are none.
        sources = compiled.group(1)
        if sources and not re.search(r",|\svà\s", sources):
            credits.append(sources.strip())
        text = (text[: compiled.start()] + " " + text[compiled.end():]).strip()

    theo = THEO.search(text)
    if theo:
        credited = theo.group(1).strip(" .)")
        # "Theo Hà Trang/ dantri.com.vn", "Theo DUY CƯỜNG/SGGP", "Theo Minh Anh | Dân Việt", "Theo Mạnh Tùng (VNE)",
        # "Theo Thanh Hương - Báo Công Thương":
        # the writer, the paper.
        writer, *paper = re.split(r"\s*[/|(]\s*|\s+[-–]\s+(?=" + OUTLET.pattern + ")", credited, maxsplit=1)
        if paper and paper[0] and _looks_like_name(writer):
            credited, text = paper[0], writer
        else:
            text = text[: theo.start()].strip()
        credits.append(credited)

    def drop_parentheses(match: re.Match) -> str:
        inside = match.group(1).strip()
        if inside.lower() in AGENCIES:
            credits.append(inside)
        return " "

    text = PARENTHESES.sub(drop_parentheses, text).strip()
    slash = SLASH_CREDIT.search(text)
    if slash:
        credits.append(slash.group(1).strip())
        text = text[: slash.start()]
    domain = DOMAIN.search(text)
    if domain:
        credits.append(domain.group(1))
        text = text[: domain.start()]
    text = LABEL.sub("", text.strip(" .-–")).strip()
    if text.lower() in AGENCIES:
        credits.insert(0, text)
        text = ""

    authors = []
    for part in SEPARATORS.split(text):
        part = part.strip(" .-–")
        if not part or part.lower() in COMPILED:
            continue
        if OUTLET.match(part):  # "Thanh Hương - Báo Công Thương"
            credits.append(part)
            continue
        words = part.split()
        if len(words) >= 4 and words[-1] == words[-2]:
            # A site's doubled signature glued to the writer's name: "Hoàng Anh Tú Minh Minh".
            part = " ".join(words[:-2])
        if not _looks_like_name(part):
            return (), _credit(credits)
        authors.append(normalize_author_name(part))
    return tuple(dict.fromkeys(authors)), _credit(credits)


def _looks_like_name(part: str) -> bool:
    words = part.split()
    letters = sum(char.isalpha() for char in part)
    return 0 < len(words) <= MAX_NAME_WORDS and letters >= 2 and all(NAME_WORD.match(word) for word in words)


def _credit(credits: list[str]) -> str | None:
    return ", ".join(dict.fromkeys(_agency_desk(credit) for credit in credits if credit)) or None


def _agency_desk(credit: str) -> str:
    """An agency with its desk or bureau is the agency: ``VOV-Trung tâm Tin``, ``VOV - Phnom Penh`` -> ``VOV``."""
    agency = re.split(r"\s*[-–]\s*", credit, maxsplit=1)[0].strip()
    return agency if agency != credit and agency.lower() in AGENCIES else credit
