"""Find the administrative units an article names, and which of them it is about.

The gazetteer comes from the ``vietnamadminunits`` package (``data/dataset.db``): its ``admin_units_legacy`` table is
the 63-province, three-level structure in force until 30 June 2025, ``admin_units`` the 34-province, two-level
structure after it, and ``data/converter_2025.json`` says which old communes went into which new one.

Code space, chosen so that facets stay stable over a 2013–2025 corpus:

- Provinces, districts and communes that existed before July 2025 keep their plain GSO codes (``"89"`` An Giang,
  ``"890"`` Tịnh Biên, ``"30523"`` Văn Giáo). Almost every article in the corpus was written under that structure.
- ``province_code`` is always a pre-2025 province code. The 34 post-2025 province names are all old province names,
  so ``Gia Lai`` stays ``"64"`` whatever the date; an article about Quy Nhơn stays under Bình Định (``"52"``) rather
  than moving to the enlarged Gia Lai, whose new GSO code (52) would collide with old Bình Định.
- A commune that exists only after July 2025 (``Phường Quy Nhơn Nam``) gets ``"2025-" + its new GSO code``, because new
  commune codes reuse old ones for different places, and the province its predecessor communes mostly came from.
- A name that fits several units and no nearby province or district picks one (``huyện Châu Thành`` alone) stays
  unresolved: empty ``code``, no province.

Matching is case-aware, over word n-grams looked up in one dict of folded names, so ``Thái Bình Dương``,
``Trương Hòa Bình`` and ``HTX Phú Lộc`` are not places: a bare name must fill a whole run of capitalised words.
Districts and communes are matched only after their type word (``huyện Tịnh Biên``, ``xã Văn Giáo``) except in the
headline prefix and the byline, where a bare name is the norm.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from functools import cache, lru_cache
from itertools import islice
from typing import NamedTuple

from searchsvc.article import Locality
from searchsvc.ingest.gazetteer import PREFIX_LABELS, PROVINCE_ALIASES, Gazetteer, fold_key, fold_word, load_gazetteer
from searchsvc.text.normalize import fold, nfc, normalize_text, normalize_word

# How far (in characters) a province or district name may sit from an ambiguous name and still decide it.
NEARBY = 300
# Province names that are also people or ideas; they count only after a type word (``TP Hồ Chí Minh``).
BARE_PROVINCE_STOPLIST = frozenset({"ho chi minh", "hcm", "thua thien"})
# Type words, folded, and the levels they introduce.
PREFIXES = {
    ("tinh",): (1,),
    ("thanh", "pho"): (1, 2),
    ("tp",): (1, 2),
    ("huyen",): (2,),
    ("quan",): (2,),
    ("thi", "xa"): (2,),
    ("tx",): (2,),
    ("xa",): (3,),
    ("phuong",): (3,),
    ("thi", "tran"): (3,),
    ("dac", "khu"): (3,),
    ("h",): (2,),
    ("q",): (2,),
}
PREFIX_WORDS = frozenset("tỉnh thành phố huyện quận thị xã trấn phường đặc khu".split())
# The unit type a district-level type word names: it decides between namesakes (quận Hoàng Mai in Hà Nội, thị xã
# Hoàng Mai in Nghệ An) when no province is named nearby. Not ``huyện``: many huyện have since become thị xã or
# cities, so an older ``huyện Phong Điền`` (Huế, now a thị xã) would go to the huyện of that name in Cần Thơ.
KIND_TYPES = {"quan": "quận", "q": "quận", "thi xa": "thị xã", "tx": "thị xã"}
# Abbreviated type words may be followed by a dot (``TP.HCM``, ``TP. Hà Nội``); after a full word a dot ends the
# sentence (``… trên địa bàn xã. Hồ Phú Ninh …``).
ABBREVIATIONS = frozenset({("tp",), ("tx",)})
# One-letter abbreviations need their dot (``H.Ân Thi``, ``Q.1``, ``Q. Bình Thạnh``): a bare ``H`` is an initial.
DOTTED = frozenset({("h",), ("q",)})
NAME_DOT = re.compile(r"[^\S\n]*\.[^\S\n]*")
# Words that start a sentence in front of a place name without being part of it (``Tại Quảng Nam``).
LEADING_WORDS = frozenset(
    "tại ở theo về từ đến tới còn trong với như cùng nhưng và khi sau trước riêng cả chiều sáng tối trưa ngày đêm"
    " hôm nhân do vì là trên dưới ngoài giữa qua ra vào thăm tuy dù nếu để các những toàn".split()
)
# Spellings of one word that papers and the gazetteer itself mix: Đắk Glei, Đăk Glei, Đak Pơ; Phú Quí, Phú Quý.
SPELLINGS = {"đắk": "đăk", "đak": "đăk", "đắc": "đăk", "lắk": "lăk", "quí": "quý", "quì": "quỳ", "quỉ": "quỷ", "quĩ": "quỹ",
             "quị": "quỵ"}
# Words before ``xã`` that make it part of another word (``hợp tác xã``), not a commune.
NOT_COMMUNE_BEFORE = frozenset({"tac"})
LIST_STARTERS = frozenset({"cac", "nhung", "hai", "ba", "bon", "nam"})
TOKEN = re.compile(r"[^\W_]+")
TOKEN_START = re.compile(r"(?<![^\W_])[^\W_]")
# The word before a position, matched on the reversed text: one anchored attempt instead of a search that tries
# every position of a window before it (see ``_previous_word`` and ``_word_before``).
PREVIOUS_WORD_REVERSED = re.compile(r"[\W_]*([^\W_]+)")
# The title of a tag page or a news digest ("Cháy ở Đồng Nai - Tin tức mới nhất 24h qua", "Tin tức thời sự 24h mới
# nhất ngày 11/2"): its body is other stories' leads.
DIGEST_TITLE = re.compile(r"(?i)(?:^|\s[-–|]\s)tin tức(?![^\W_])|(?<![^\W_])24h qua(?![^\W_])|tin tức.*mới nhất")
HEADLINE_PREFIX = re.compile(r"^\s*([^:]{2,40}?)\s*:\s")
BYLINE_PLACE = re.compile(r"\(([^()]{2,40})\)\s*$")


_GAP = r"[^\S\n]+"


def _char_class(test) -> str:
    """A regular-expression class of the characters up to U+2FFF that pass ``test`` (Latin, Greek, Cyrillic …)."""
    chars = [chr(point) for point in range(0x3000) if test(chr(point))]
    ranges, first = [], 0
    for index in range(1, len(chars) + 1):
        if index == len(chars) or ord(chars[index]) != ord(chars[index - 1]) + 1:
            ranges.append(re.escape(chars[first]) + ("-" + re.escape(chars[index - 1]) if index - 1 > first else ""))
            first = index
    return "[" + "".join(ranges) + "]"


def _type_words_pattern(prefixes) -> str:
    """One pattern for every type word, in any case and with any marks; the words are checked exactly once found.

    It starts with one class of the first letters and tests the word boundary after it, so that the regular
    expression engine can skip to those letters instead of trying every position.
    """
    letters: dict[str, set[str]] = defaultdict(set)
    for point in range(0x3000):
        char = chr(point)
        base = fold(char).lower() if char.isalpha() else ""
        if len(base) == 1 and base.isascii():
            letters[base].add(char)

    def loose(word: str) -> str:
        return "".join("[" + "".join(sorted(letters[char])) + "]" for char in word)

    by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    # Longest first, so that ``thị xã`` is one type word and not ``thị`` and ``xã``.
    for words in sorted(prefixes, key=len, reverse=True):
        by_first[words[0][0]].append(words)
    rests = "|".join(
        f"(?<={loose(first)})(?:"
        + "|".join(loose(words[0][1:]) + "".join(_GAP + loose(word) for word in words[1:]) for words in group)
        + ")"
        for first, group in by_first.items()
    )
    firsts = "".join(sorted(set().union(*(letters[first] for first in by_first))))
    return f"[{firsts}](?<![^\\W_].)(?:{rests})(?![^\\W_])"


UPPER = _char_class(str.isupper)
LOWER = _char_class(str.islower)
LOWER_CHAR = re.compile(LOWER)
# The place a web page sets above its lead, glued to it once the page is flattened: "Kon TumXe giường nằm …",
# "TP HCMĐông người …": the body's first words, up to a capital that starts a word right after a letter.
GLUED_WORD = re.compile(rf"[^\W\d_](?={UPPER}{LOWER})")
DATELINE = re.compile(rf"[^\n]{{2,30}}?(?<=[^\W\d_])(?={UPPER}{LOWER})")
UPPER_CHAR = re.compile(UPPER)
# A capitalised word (not an acronym: ``UBND Q.1``) right before a one-letter type word: the letter is a person's
# initial.
NAME_BEFORE = re.compile(rf"(?<![^\W_]){UPPER}{LOWER}[^\W\d_]*[^\S\n]+$")
# A capitalised word; Central Highlands names keep an apostrophe inside a word (``Đắk R'Lấp``, ``Ia H’Drai``).
_APOSTROPHE_PART = r"(?:['’ʼ][^\W_]+)*"
_CAPITALISED = UPPER + r"[^\W_]*" + _APOSTROPHE_PART
TYPE_WORDS = re.compile(_type_words_pattern(PREFIXES))
NAME_GAP = re.compile(_GAP)
NAME_GAP_DOT = re.compile(r"[^\S\n]+|[^\S\n]*\.[^\S\n]*")
# A capital, then (a test the engine can skip to) the word boundary before it.
CAPITALISED_RUN = re.compile(rf"{UPPER}(?<![^\W_].)[^\W_]*{_APOSTROPHE_PART}(?:{_GAP}{_CAPITALISED})*")
# The longest province name (``Bà Rịa Vũng Tàu``) after a word that only starts the sentence (``Tại``).
MAX_BARE_WORDS = 5
NOT_NEWSPAPER_BEFORE = ("thông", "cảnh", "dự", "tình", "khai", "trình", "điện", "họp", "tố")
# What comes before a newspaper's place name: ``báo``/``tờ`` and capitalised title words, ``Pháp luật`` or ``báo
# Công an``.
# ``thông báo``, ``cảnh báo``, ``dự báo`` … are words of their own, not newspapers.
NEWSPAPER_BEFORE = re.compile(
    r"(?:(?<![^\W_])"
    + "".join(f"(?<!{word} )(?<!{word.capitalize()} )" for word in NOT_NEWSPAPER_BEFORE)
    + rf"(?:[Bb]áo|[Tt]ờ)|(?<![^\W_])(?:{UPPER}[^\W_]*[^\S\n]+)*Pháp[^\S\n]+[Ll]uật|(?<![^\W_])[Bb]áo[^\S\n]+Công[^\S\n]+an)"
    rf"(?:[^\S\n]+{UPPER}[^\W_]*)*[^\S\n]+$"
)
# Words that say where someone lives, comes from or was born, with no closed parenthesis or sentence end before the
# name: "trú tại", "quê", "gốc Thanh Hóa", "sinh tháng 2-1927 tại xã …", "sống tại", "có địa chỉ ở huyện Củ Chi
# (TP.HCM)". Not a bare address after a person's name or age ("ông Lợi (42 tuổi, xã Phú Thuận, huyện Phú Tân)", "anh
# Toàn (50 tuổi, ở thị trấn Phú Phong)"): that is often where the story happened, the victim's or the subject's home.
# The lookahead on the first letters lets the engine skip to them instead of trying the whole pattern everywhere.
RESIDENCE_BEFORE = re.compile(
    r"(?=[TtNnQqHhSsGgĐđ])(?<![^\W_])(?:[Tt]rú|[Nn]gụ|[Qq]uê|HKTT|[Hh]ộ khẩu|[Ss]inh sống|[Gg]ốc|[Ss]ống[^\S\n]+(?:tại|ở)|"
    r"[Ss]inh(?:[^\S\n]+ra)?(?:[^\S\n]+(?:năm|ngày|tháng)[^\S\n]+[\d/.-]+)?[^\S\n]+(?:tại|ở)|"
    r"[Đđ]ịa chỉ[^\S\n]+(?:ở|tại))"
    r"(?![^\W_])(?:[^()\n;.]|(?<=[A-Z])\.|(?<=\S[^\S\n])\()*$"
)
# What separates a commune from its district in an address: ", huyện ", " (TP. ", ", H.".
ADDRESS_STEP = re.compile(r"[^\S\n]*[,(][^\S\n]*(?:[^\W\d_]+\.?[^\S\n]*){0,2}")
# A sentence ends at a line break or at . ! ? before a space, unless the dot closes an abbreviation (TP. Hà Nội).
SENTENCE_END = re.compile(r"(?<![A-ZĐ])[.!?…](?=\s)|\n")
# How far into the body its first place still counts as the lead's.
LEAD_CHARS = 400
# A district of a province the article is about counts as its place too when the first paragraph names it.
FIRST_PARAGRAPH_CHARS = 800
# ... or when the article names it this often.
DISTRICT_REPEATS = 2
# How many districts a story may be about by the weaker signs (first paragraph, repeats, an address).
MAX_DISTRICTS = 3
# How often a province must be named to be the article's place when neither headline nor lead names one: twice is
# a passing mention in a general story as often as not.
MOST_NAMED_MINIMUM = 3
# A list of this many places in the lead sentence makes each of them the story's place.
MIN_LIST = 3
# The regions of the country: a story about one names its provinces in lists.
REGION = re.compile(r"(?<![^\W_])(?:[Mm]iền (?:Bắc|Trung|Nam|Tây)|[Tt]ây (?:Bắc|Nguyên|Nam Bộ)|[Đđ]ông (?:Bắc|Nam Bộ)|"
                    r"[Bb]ắc Bộ|[Tt]rung Bộ|[Nn]am Bộ|[Đđ]ồng bằng sông Cửu Long|ĐBSCL|[Nn]am Trung Bộ|[Bb]ắc Trung Bộ)"
                    r"(?![^\W_])")
# The paper's own province, referred to without its name: "UBND tỉnh tổ chức …", "Tỉnh ủy họp".
LOCAL_GOVERNMENT = re.compile(r"\b(?:UBND|HĐND|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ)(?: (?:tỉnh|thành phố))?(?![^\S\n]+[A-ZĐ])")
# A district named alone (``BARE``) keeps its place only with its province or as a city or town (``thị xã``).
BARE = "bare"
WELL_KNOWN_TYPES = frozenset({"thành phố", "thị xã"})
ACRONYM = re.compile(r"[A-ZĐ]{2,}")
# Words before a name that make it a structure's, a village's or a person's name (folded): "cầu Bình Phước",
# "bãi biển Thuận An", "cầu vượt Bình Phước", "thôn Đông Hòa", "anh Thanh Xuân".
STRUCTURE_WORDS = frozenset("cầu vượt đường phố sông chợ cảng bến sân hầm đèo biển thôn ấp xóm".split())
# Words before a route's ends: "cao tốc Hà Nội - Hải Phòng", "đường sắt …", "hướng Đà Nẵng - Tam Kỳ". The places are
# named, but the story is not about them.
ROUTE_WORDS = frozenset("tuyến tốc lộ sắt hướng".split())
# A place that only ends a route's or an institution's name: named, never what the story is about.
ASIDE = "aside"
# An institution whose name ends with a place: "Trường ĐH Khoa học Xã hội và Nhân văn TP.HCM", "Đoàn Luật sư TP HCM".
INSTITUTION_BEFORE = re.compile(
    r"(?=[TĐHVBCNLQ])(?<![^\W_])(?:Trường|Đại học|ĐH|Học viện|Viện|Bệnh viện|BV|Công ty|Cty|Tập đoàn|Ngân hàng|Đoàn Luật sư|"
    r"Hội(?![^\S\n]+(?:nghị|thảo|thi|chợ|diễn|đàm))|Liên đoàn|Câu lạc bộ|CLB|Nhà hát|Bảo tàng|Thư viện|Nhà xuất bản|"
    r"NXB|Quỹ)(?:[^\S\n]+(?!(?:tại|ở|trên|của|thuộc|về|đến|từ)[^\S\n])[^\W\d_]+){0,8}[^\S\n]+$"
)
# Other words before a name that make it a mention, each with a word the text must hold for the pattern to be tried
# (one search per name, most of them skipped by a substring test).
ASIDE_BEFORE = (
    # A firm's seat, in parentheses after its name: "Công ty TNHH Trang Việt (tỉnh Đồng Nai)".
    (("(",), re.compile(r"(?<![^\W_])(?:Công ty|Cty|Tập đoàn|Doanh nghiệp)(?:[^\S\n]+[^\W_]+){0,8}[^\S\n]*\([^\S\n]*$")),
    # A deputy's constituency: "đại biểu Trịnh Ngọc Thúy (TP.Hồ Chí Minh)", "Vị đại biểu Quốc hội tỉnh Cà Mau"; not a
    # province's delegation at work ("Đoàn ĐBQH tỉnh Quảng Nam tiếp xúc cử tri").
    (("biểu", "ĐB"), re.compile(
        rf"(?<![^\W_])(?<!Đoàn )(?:[Đđ]ại biểu|ĐB|ĐBQH)(?:[^\S\n]*\(ĐB\))?(?:[^\S\n]+(?:Quốc hội|QH|HĐND))?"
        rf"(?:[^\S\n]+{_CAPITALISED}){{0,4}}[^\S\n]*\(?[^\S\n]*$")),
    # An address or contact field, most often the site's own footer: "Địa chỉ: Tầng 10, …, Cầu Giấy, Hà Nội", "Tòa
    # soạn: …, Quận 3, TP.HCM", "Điện thoại (Hà Nội) (TP. Hồ Chí Minh)".
    (("chỉ", "soạn", "thoại"), re.compile(
        r"(?:[Đđ]ịa chỉ|[Tt]òa soạn|[Tt]oà soạn)[^\S\n]*:[^\n.;()]*$"
        r"|[Đđ]iện thoại(?:[^\S\n]*\([^()\n]*\))*[^\S\n]*\([^\S\n]*$")),
    # A number plate names where the vehicle was registered: "ôtô biển số Đăk Lăk".
    (("iển", "BKS"), re.compile(r"(?<![^\W_])(?:[Bb]iển số|[Bb]iển kiểm soát|BKS)[^\S\n]+$")),
    # A distance is measured from a place the story is not about: "cách thành phố Bến Tre khoảng 80km".
    (("cách",), re.compile(r"(?<![^\W_])cách(?:[^\S\n]+(?:trung tâm|khoảng|chừng))?[^\S\n]+$")),
    # The far ends of a route: "cao tốc TP HCM - Long Thành - Dầu Giây", "tuyến Dầu Giây - Phan Thiết".
    (("-", "–"), re.compile(rf"(?<![^\W_])(?:tuyến|tốc|lộ|sắt|hướng)(?:[^\S\n]+{_CAPITALISED})+[^\S\n]*[-–][^\S\n]*$")),
)
PERSON_WORDS = frozenset("ông bà anh chị em cô chú bác cháu cụ thầy tên vợ chồng con".split())
NUMBER_AFTER = re.compile(r"[^\S\n]+\d")
WORD_BEFORE_REVERSED = re.compile(r"[^\S\n]+([^\W\d_]+)")
ROUTE_JOIN = re.compile(r"[^\S\n]*[-–][^\S\n]*")
RANGE_NEXT = re.compile(r"[^\S\n]*[-–][^\S\n]*|[^\S\n]+(?:vào[^\S\n]+|ra[^\S\n]+)?(?:đến|tới)[^\S\n]+")
# An open list after words that announce examples gives examples, not the story's places: "các tỉnh miền Tây như:
# Tiền Giang, Bến Tre, Vĩnh Long...", "chẳng hạn tỉnh A, B, C v.v.". A closed one ("các tỉnh ít thiệt hại hơn như Hà
# Tĩnh, Nghệ An, Thanh Hóa, …") may name them all.
EXAMPLES_BEFORE = re.compile(r"(?<![^\W_])(?:[Nn]hư|[Cc]hẳng hạn(?:[^\S\n]+như)?|[Vv]í dụ|[Đđ]iển hình(?:[^\S\n]+(?:là|như))?)"
                             r"[^\S\n]*:?[^\S\n]*(?:(?:các|những)[^\S\n]+)?(?:(?:tỉnh|thành phố|huyện|quận|thị xã|TP)"
                             r"[^\S\n]+)?$")
OPEN_END = re.compile(r"[^\S\n]*(?:\.\.\.|…|,?[^\S\n]*v\.v)")
LIST_NEXT = re.compile(r"[^\S\n]*,[^\S\n]*|[^\S\n]+(?i:và|va)[^\S\n]+")


# The head of an outlet's name that says whose site or paper it is: "Báo Bình Định", "Trang TTĐT huyện Đắk Song".
OUTLET_HEAD = re.compile(
    r"^\s*(?:[Bb]áo(?:[^\S\n]+điện[^\S\n]+tử)?|Cổng[^\S\n]+(?:thông tin điện tử|TTĐT)|Trang[^\S\n]+(?:thông tin điện tử|TTĐT)|"
    r"Đài[^\S\n]+(?:PT-TH|PTTH|Phát thanh[^\S\n]*(?:-|và)?[^\S\n]*Truyền hình))[^\S\n]+([^()|,;/\n]{2,60})"
)
# A site's host name spells its locality without spaces: baobinhdinh.vn, daksong.daknong.gov.vn (a district's portal
# under its province's domain).
HOST = re.compile(r"(?<![\w.])((?:[a-z0-9-]+\.)+?)(?:gov\.vn|org\.vn|com\.vn|vn)(?![\w.])")
NEWSPAPER_HOST_HEAD = "bao"


class Hit(NamedTuple):
    """One place name found in the text, before ambiguity is resolved."""

    codes: tuple[str, ...]
    name: str
    level: int
    start: int
    main: bool
    # The folded type word in front of the name (``quan``, ``thi xa``), empty for a bare name.
    kind: str = ""


def extract_localities(title: str, body: str, byline: str | None = None,
                       outlets: tuple[str | None, ...] = ()) -> tuple[Locality, ...]:
    """Return the distinct places of an article, ``role="main"`` first, each with its province where it is known.

    ``outlets`` name where the article comes from (the site, the paper credited): a province's paper or a district's
    portal writes about its own locality, often without naming it ("UBND huyện", "CA tỉnh"), so that locality is the
    article's place when the text names none, and decides between namesakes the text leaves open.

    >>> [(p.name, p.province, p.role) for p in extract_localities("Tịnh Biên: Hội nghị giao ban", "Chiều 30/9, ...")]
    [('Tịnh Biên', 'An Giang', 'main')]
    """
    gazetteer = load_gazetteer()
    title, body = nfc(title or ""), nfc(body or "")
    # One text, so that "nearby" can be measured across the title, the body and the byline.
    if byline is None:
        # The byline is the body's last line, already in the text: scanning it twice would double its places.
        text = f"{title}\n{body}"
        lines = body.rstrip().splitlines()
        byline = lines[-1] if lines else ""
        byline_start = len(title) + 1 + body.rstrip().rfind(byline) if byline else len(text)
    else:
        byline = nfc(byline)
        text = f"{title}\n{body}\n{byline}"
        byline_start = len(title) + len(body) + 2
    # Places in the title are main; in the body, the lead decides (see ``_main_places``).
    hits = _scan(text, gazetteer, main_before=len(title) + 1)
    prefix = HEADLINE_PREFIX.match(title)
    if prefix:
        hits.extend(_bare_hits(prefix.group(1), prefix.start(1), gazetteer))
    dateline = DATELINE.match(body)
    # A page of teasers under datelines of several places, or a digest page whose teasers have none.
    teasers = _teasers(body, dateline, gazetteer) if dateline else DIGEST_TITLE.search(title) is not None
    if dateline and not teasers:
        hits.extend(_bare_hits(dateline.group(), len(title) + 1, gazetteer))
    place = BYLINE_PLACE.search(byline)
    if place:
        hits.extend(_bare_hits(place.group(1), byline_start + place.start(1), gazetteer))
    return _resolve(hits, gazetteer, text, body_start=len(title) + 1, home=_home(outlets), title_only=teasers)


def _scan(text: str, gazetteer: Gazetteer, main_before: int) -> list[Hit]:
    """Find typed names (``huyện X``, lists ``các huyện X, Y và Z``) and bare province names.

    Two regular-expression passes over the text, no tokenizing: type words (``huyện``, ``TP.``), each followed by
    the longest gazetteer name made of the capitalised words right after it; then runs of capitalised words that
    are a whole province name. Only those short spans are folded, and the look-ups are cached by span, because
    the same names and capitalised words come back article after article.
    """
    hits: list[Hit] = []
    consumed: list[tuple[int, int]] = []
    upper_lines: dict[int, bool] = {}
    skip_until = 0
    for match in TYPE_WORDS.finditer(text):
        start = match.start()
        if start < skip_until:
            continue
        prefix = _type_word(match.group())
        if prefix is None:
            continue
        words, levels = prefix
        if words == ("xa",) and _previous_word(text, start) in NOT_COMMUNE_BEFORE:
            continue
        if words in DOTTED and NAME_BEFORE.search(text, max(0, start - 12), start):
            continue  # "Cao Thị H. Lạc Dương": an initial ending a person's name
        gap = (NAME_DOT if words in DOTTED else NAME_GAP_DOT if words in ABBREVIATIONS else NAME_GAP).match(
            text, match.end())
        if gap is None:
            continue
        found = _longest_name(text, gap.end(), levels, gazetteer, words in (("quan",), ("q",)), upper_lines)
        if found is None or _newspaper(text, start):
            continue
        end, hit = found
        if 2 in levels and hit.level == 1:
            hit = _city_of_province(hit, gazetteer)
        aside = _institution(text, start) or _word_before(text, start) in ROUTE_WORDS
        hit = hit._replace(kind=ASIDE if aside else " ".join(words))
        hits.append(hit._replace(main=hit.start < main_before and not aside))
        consumed.append((start, end))
        skip_until = end
        if _previous_word(text, start) in LIST_STARTERS:
            while (step := LIST_NEXT.match(text, end)) is not None:
                listed = _longest_name(text, step.end(), (hit.level,), gazetteer, False, upper_lines)
                if listed is None:
                    break
                end, item = listed
                hits.append(item._replace(main=item.start < main_before, kind=hit.kind))
                consumed.append((step.end(), end))
                skip_until = end

    position = 0
    route_end = -1
    for run in CAPITALISED_RUN.finditer(text):
        found = _bare_place(run.group())
        if found is None:
            continue
        offset, level, codes = found
        # A run that holds a typed name (``Tỉnh Quảng Nam``, ``UBND TP Hà Nội``) was read as one.
        while position < len(consumed) and consumed[position][1] <= run.start():
            position += 1
        if position < len(consumed) and consumed[position][0] < run.end():
            continue
        start = run.start() + offset
        if _upper_line(text, run.start(), upper_lines) or _newspaper(text, start):
            continue
        before = _word_before(text, start)
        if before in STRUCTURE_WORDS or level == 2 and (before in PERSON_WORDS or NUMBER_AFTER.match(text, run.end())):
            # A numbered name is one of the communes a district became in 2025 (``Phù Mỹ 7``), not the district.
            continue
        kind = "" if level == 1 else BARE
        if before in ROUTE_WORDS or ROUTE_JOIN.fullmatch(text, route_end, start):
            kind, route_end = ASIDE, run.end()
        elif _institution(text, start):
            kind = ASIDE
        hits.append(Hit(codes, text[start:run.end()], level, start, start < main_before and kind != ASIDE, kind))
    return hits


def _city_of_province(hit: Hit, gazetteer: Gazetteer) -> Hit:
    """``TP Tây Ninh`` is the city, not the province: a ``tỉnh`` is never called ``thành phố``, its capital of the same
    name is (``TP Tây Ninh (tỉnh Tây Ninh)``, ``TP Thanh Hóa``), or was (``TP Ninh Bình``, merged into TP Hoa Lư)."""
    units = gazetteer.units
    if len(hit.codes) != 1 or units[hit.codes[0]].type == "thành phố":
        return hit
    key = _name_key(hit.name)
    cities = tuple(code for code in gazetteer.names[2].get(key, gazetteer.former_districts.get(key.replace(" ", ""), ()))
                   if units[code].province_code == hit.codes[0] and units[code].type == "thành phố")
    return hit._replace(codes=cities, level=2) if cities else hit


@lru_cache(maxsize=1024)
def _type_word(phrase: str) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """The folded words and levels of a type word the loose pattern found, if it is one."""
    words = phrase.split()
    # Folding makes "xa" (far), "quân" (army) and "tính" look like type words; accented text must say them.
    if any(not word.isascii() and normalize_word(word) not in PREFIX_WORDS for word in words):
        return None
    folded = tuple(_fold_word(word) for word in words)
    levels = PREFIXES.get(folded)
    return (folded, levels) if levels else None


@lru_cache(maxsize=100_000)
def _bare_place(run: str) -> tuple[int, int, tuple[str, ...]] | None:
    """Where in a run of capitalised words a whole province or district name starts, its level and its codes.

    The run may start with a word that only starts the sentence (``Tại Quảng Nam``) or an acronym of an institution
    (``UBND Lai Châu``, ``ĐT Lai Châu`` of ``Sở GD-ĐT Lai Châu``). A district name must be written with its marks and
    have two words or more: ``Sơn Trà``, ``Gio Linh``; ``_resolve`` keeps it only when its province is named too or
    it is a city or town that needs no introduction.
    """
    words = run.split()
    if len(words) > MAX_BARE_WORDS + 1:
        return None
    names = load_gazetteer().names
    # A word with an apostrophe (``R’Lấp``) is two words of the gazetteer's name.
    syllables = [TOKEN.findall(word) for word in words]
    keys = [" ".join(map(_fold_word, parts)) for parts in syllables]
    skips = [0]
    if len(words) > 1 and (normalize_word(words[0]) in LEADING_WORDS or ACRONYM.fullmatch(words[0])):
        skips.append(1)
    for skip in skips:
        key = " ".join(keys[skip:])
        offset = run.index(words[skip], len(words[0]) if skip else 0)
        codes = names[1].get(key)
        if codes and key not in BARE_PROVINCE_STOPLIST:
            return offset, 1, codes
        marked = tuple(normalize_word(part) for parts in syllables[skip:] for part in parts)
        codes = tuple(code for code in names[2].get(key, ()) if _marks_agree(marked, _marked(load_gazetteer().units[code].name)))
        if codes and len(words) - skip > 1:
            return offset, 2, codes
    return None


def _longest_name(text, start, levels, gazetteer, numbered, upper_lines):
    """Match the longest gazetteer name at ``start``; in cased text it must be capitalised words.

    Return the end of the name and its hit, or None.
    """
    capitalised, numbered_words, any_words = _name_patterns(gazetteer.max_words)
    run = (numbered_words if numbered else capitalised).match(text, start)
    if run is None:
        # All-caps lines carry no case to tell names from words: any words may be the name there.
        if not TOKEN_START.match(text, start) or not _upper_line(text, start, upper_lines):
            return None
        run = any_words.match(text, start)
    found = _name_at(run.group(), levels)
    if found is None:
        return None
    length, level, codes = found
    return start + length, Hit(codes, text[start:start + length], level, start, False)


@lru_cache(maxsize=100_000)
def _name_at(words_text: str, levels: tuple[int, ...]) -> tuple[int, int, tuple[str, ...]] | None:
    """The longest leading words of ``words_text`` that name a unit of one of ``levels``: length, level, codes."""
    gazetteer = load_gazetteer()
    spans = [word.span() for word in TOKEN.finditer(words_text)]
    words = [words_text[left:right] for left, right in spans]
    keys = [_fold_word(word) for word in words]
    for size in range(len(words), 0, -1):
        key = " ".join(keys[:size])
        for level in levels:
            codes = gazetteer.names[level].get(key)
            if not codes:
                continue
            marked = tuple(map(normalize_word, words[:size]))
            if " ".join(marked) != key and key not in PROVINCE_ALIASES:
                # Folding merges Chư/Chũ and Hòa/Hoa: a word written with marks must match them, a word written
                # without (``Chư Pah`` for Chư Păh) matches any. An alias (``Thừa Thiên - Huế``) is its own spelling.
                codes = tuple(code for code in codes if _marks_agree(marked, _marked(gazetteer.units[code].name)))
            if codes:
                return spans[size - 1][1], level, codes
        if 2 in levels and (codes := gazetteer.former_districts.get("".join(keys[:size]))):
            # A district's name before a merger (``huyện Đất Đỏ``, ``quận 9``): the district it went into.
            return spans[size - 1][1], 2, codes
    return None


@cache
def _name_patterns(max_words: int) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Up to ``max_words`` words joined by spaces or a dash (``tỉnh Bà Rịa - Vũng Tàu``): capitalised, capitalised or
    numbers (``Quận 1``), any."""
    number = r"\d+(?![^\W_])"
    gap = rf"(?:{_GAP}|[^\S\n]*[-–][^\S\n]*)"
    return tuple(
        re.compile(rf"{word}(?:{gap}{word}){{0,{max_words - 1}}}")
        for word in (_CAPITALISED, f"(?:{_CAPITALISED}|{number})", r"[^\W_]+")
    )


def _upper_line(text: str, position: int, cache: dict[int, bool]) -> bool:
    """Tell whether the line holding ``position`` is in capitals (over 80% of more than 12 letters)."""
    start = text.rfind("\n", 0, position) + 1
    if start not in cache:
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        upper = len(UPPER_CHAR.findall(text, start, end))
        # A line with a quarter as many lower-case letters as capitals is not in capitals: stop counting there.
        enough = (upper + 3) // 4
        lower = sum(1 for _ in islice(LOWER_CHAR.finditer(text, start, end), enough)) if enough else 0
        cache[start] = lower < enough and upper + lower > 12
    return cache[start]


def _word_before(text: str, position: int) -> str:
    """The word right before ``position``, with its marks, when only spaces separate them (``cầu`` of ``cầu Bình Phước``)."""
    reversed_text = _reversed(text)
    start = len(text) - position
    word = WORD_BEFORE_REVERSED.match(reversed_text, start, start + 16)
    return normalize_word(word.group(1)[::-1]) if word else ""


def _previous_word(text: str, position: int) -> str:
    """The folded word before ``position``, whatever separates them."""
    reversed_text = _reversed(text)
    start = len(text) - position
    match = PREVIOUS_WORD_REVERSED.match(reversed_text, start, start + 24)
    return _fold_word(match.group(1)[::-1]) if match else ""


@lru_cache(maxsize=2)
def _reversed(text: str) -> str:
    """The text read backwards (cached: one article's text is asked for again and again)."""
    return text[::-1]


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    return fold_word(word)


@cache
def _marked(name: str) -> tuple[str, ...]:
    return tuple(normalize_word(word) for word in TOKEN.findall(name))


def _marks_agree(written: tuple[str, ...], name: tuple[str, ...]) -> bool:
    return len(written) == len(name) and all(
        word == other or word.isascii() or SPELLINGS.get(word, word) == SPELLINGS.get(other, other)
        for word, other in zip(written, name)
    )


def _institution(text: str, start: int) -> bool:
    """Tell whether the name at ``start`` ends an institution's name (``Trường Đại học Luật TP HCM``) or is otherwise
    only named in passing (``ASIDE_BEFORE``: a firm's seat, a deputy's constituency, a number plate, a distance, the
    end of a route)."""
    window = text[max(0, start - 70):start]
    if INSTITUTION_BEFORE.search(window):
        return True
    for words, pattern in ASIDE_BEFORE:
        for word in words:
            if word in window:
                if pattern.search(window):
                    return True
                break
    return False


def _newspaper(text: str, start: int) -> bool:
    """Tell whether the name at ``start`` ends a newspaper's name (``báo Pháp luật TP.HCM``, ``báo Quảng Nam``)."""
    before = text[max(0, start - 40):start]
    if "áo" not in before and "ờ" not in before and "uật" not in before:
        return False
    return NEWSPAPER_BEFORE.search(text, max(0, start - 40), start) is not None


def _bare_hits(phrase: str, offset: int, gazetteer: Gazetteer) -> list[Hit]:
    """Read a headline prefix or byline place: a bare province or district name, or a typed one."""
    typed = [hit for hit in _scan(phrase, gazetteer, main_before=len(phrase) + 1) if hit.kind != BARE]
    if typed:
        return [hit._replace(start=hit.start + offset, main=True) for hit in typed]
    key = fold_key(phrase)
    for level in (1, 2):
        codes = gazetteer.names[level].get(key)
        if codes:
            return [Hit(codes, phrase.strip(), level, offset, True)]
    return []


def _resolve(hits: list[Hit], gazetteer: Gazetteer, text: str = "", body_start: int = 0,
             home: tuple[str, ...] = (), title_only: bool = False) -> tuple[Locality, ...]:
    """Pick one unit per hit from the provinces and districts named nearby, else in the outlet's ``home``, or leave
    the name unresolved."""
    units = gazetteer.units
    hits = _bare_districts_placed(hits, gazetteer)
    anchors = [(hit.start, hit.codes[0]) for hit in hits if len(hit.codes) == 1]
    # Resolve provinces first, then districts, so that a resolved district can decide a commune.
    resolved: dict[int, str | None] = {}
    by_name: dict[tuple[int, str], str] = {}
    for level in (1, 2, 3):
        for number, hit in enumerate(hits):
            if hit.level != level:
                continue
            # A name repeated in one article is one place: the first resolution holds for every mention.
            name = _name_key(hit.name)
            if (level, name) in by_name:
                resolved[number] = by_name[level, name]
                continue
            # Commune names repeat across the country and old ones vanished in mergers: a commune needs its
            # province or district named in the article, even when the gazetteer has one commune of that name.
            if level == 2 and hit.kind in KIND_TYPES or hit.kind == "huyen" and len(
                    {units[code].province_code for code in hit.codes}) == 1:
                # ``thị xã Kỳ Anh`` is the town, ``huyện Kỳ Anh`` the huyện of that name in the same province.
                typed = tuple(code for code in hit.codes if units[code].type == KIND_TYPES.get(hit.kind, "huyện"))
                hit = hit._replace(codes=typed or hit.codes)
            unique = len(hit.codes) == 1 and level < 3
            code = hit.codes[0] if unique else _pick(hit, anchors, gazetteer, window=None if level == 3 else NEARBY)
            if code is None and level == 2:
                code = _district_of_commune_before(hit, hits, text, gazetteer)
            if code is None and home:
                local = [code for code in hit.codes if units[code].province_code in home]
                code = local[0] if len(local) == 1 else None
            resolved[number] = code
            if code:
                by_name[level, name] = code
            if code and not unique:
                anchors.append((hit.start, code))

    places: dict[str, Locality] = {}
    order: dict[str, int] = {}
    keys: list[str] = []
    for number, hit in enumerate(hits):
        code = resolved[number]
        if code:
            key = code
            places[key] = units[code]
        else:
            key = f"?{hit.level}:{_name_key(hit.name)}"
            places[key] = Locality("", normalize_text(hit.name),
                                   units[hit.codes[0]].type if hit.level == 1 else PREFIX_LABELS[hit.level], hit.level)
        keys.append(key)
        order[key] = min(order.get(key, hit.start), hit.start)
    main = _main_places(hits, keys, places, gazetteer, text, body_start, title_only)
    if not main and home:
        # Nothing in the text says where: the outlet's own locality ("UBND huyện" on a district's portal).
        main = set(home)
    # A commune the story is about is in its district, named or not.
    main |= {gazetteer.district_of[key] for key in main if key in gazetteer.district_of}
    for code in main - places.keys():
        places[code] = units[code]
        order[code] = len(text)
    ranked = sorted(places, key=lambda key: (key not in main, order[key]))
    return tuple(_as_main(places[key]) if key in main else places[key] for key in ranked)


def _district_of_commune_before(hit: Hit, hits: list[Hit], text: str, gazetteer: Gazetteer) -> str | None:
    """The one candidate of a district name that holds the commune named right before it in an address: ``xã Phong
    Thu, huyện Phong Điền`` is Phong Điền of Huế, not of Cần Thơ."""
    for commune in hits:
        end = commune.start + len(commune.name)
        if commune.level == 3 and end <= hit.start and ADDRESS_STEP.fullmatch(text, end, hit.start):
            held = {gazetteer.district_of.get(code) for code in commune.codes} & set(hit.codes)
            return held.pop() if len(held) == 1 else None
    return None


def _teasers(body: str, dateline: re.Match, gazetteer: Gazetteer) -> bool:
    """Tell whether a body is a page of teasers under datelines of different places ("Hà NộiThẻ …  Hải PhòngTheo …"):
    its datelines and sentences are other stories', and only its title names the page's place."""
    first = fold_key(dateline.group())
    for glued in GLUED_WORD.finditer(body, dateline.end()):
        words = body[max(dateline.end(), glued.end() - 30):glued.end()].split()
        for size in range(1, min(4, len(words)) + 1):
            key = fold_key(" ".join(words[-size:]))
            if key != first and (key in gazetteer.names[1] or key in gazetteer.names[2]):
                return True
    return False


def _home(outlets: tuple[str | None, ...]) -> tuple[str, ...]:
    """The locality of the first outlet that has one: its district, if any, and its province."""
    for outlet in outlets:
        home = _home_of(outlet) if outlet else ()
        if home:
            return home
    return ()


@lru_cache(maxsize=1024)
def _home_of(outlet: str) -> tuple[str, ...]:
    """Whose locality an outlet is: ``Báo Bình Định`` -> Bình Định, ``Trang TTĐT huyện Đắk Song`` -> Đắk Song and Đắk
    Nông, ``baohatinh.vn`` -> Hà Tĩnh; a national outlet (``VnExpress``, ``Báo Thanh Niên``) has none.

    >>> _home_of("Trang TTĐT huyện Đắk Song (daksong.daknong.gov.vn)"), _home_of("baohatinh.vn"), _home_of("Dân trí")
    (('665', '67'), ('42',), ())
    """
    gazetteer = load_gazetteer()
    units = gazetteer.units
    head = OUTLET_HEAD.match(nfc(outlet))
    if head:
        found = [hit for hit in _bare_hits(head.group(1).strip(), 0, gazetteer) if len(hit.codes) == 1]
        if found:
            unit = units[found[0].codes[0]]
            return (unit.code, unit.province_code) if unit.level == 2 else (unit.code,) if unit.level == 1 else ()
    for host in HOST.finditer(outlet.lower()):
        labels = [label.removeprefix(NEWSPAPER_HOST_HEAD) for label in host.group(1).rstrip(".").split(".")]
        provinces = [_spaceless_names()[1].get(label, ()) for label in labels]
        if provinces[-1:] and len(provinces[-1]) == 1:
            province = provinces[-1][0]
            districts = [code for code in _spaceless_names()[2].get(labels[-2], ()) if units[code].province_code
                         == province] if len(labels) > 1 else []
            return (districts[0], province) if len(districts) == 1 else (province,)
    return ()


@cache
def _spaceless_names() -> dict[int, dict[str, tuple[str, ...]]]:
    """Province and district names without spaces (``binhdinh``, ``daksong``), the way host names spell them."""
    gazetteer = load_gazetteer()
    spaceless: dict[int, dict[str, tuple[str, ...]]] = {1: {}, 2: {}}
    for level, index in spaceless.items():
        for key, codes in gazetteer.names[level].items():
            index[key.replace(" ", "")] = index.get(key.replace(" ", ""), ()) + codes
    return spaceless


def _bare_districts_placed(hits: list[Hit], gazetteer: Gazetteer) -> list[Hit]:
    """Keep a district named alone only as the one unit of its name in a province the article names, or as a city or
    town with a name of its own in the country (Biên Hòa, Sa Pa, Phú Quốc); drop it otherwise (a person, a firm)."""
    if not any(hit.kind == BARE for hit in hits):
        return hits
    named = {gazetteer.units[hit.codes[0]].province_code for hit in hits
             if hit.kind != BARE and len(hit.codes) == 1 and hit.level < 3}
    kept = []
    for hit in hits:
        if hit.kind == BARE:
            codes = [code for code in hit.codes if gazetteer.units[code].province_code in named]
            if len(codes) != 1:
                # A town of that name in a province the article names is the place meant, not the city elsewhere.
                local = any(gazetteer.units[code].province_code in named
                            for code in gazetteer.names[3].get(fold_key(hit.name), ()))
                codes = [code for code in hit.codes if gazetteer.units[code].type in WELL_KNOWN_TYPES]
                if len(hit.codes) != 1 or not codes or local:
                    continue
            hit = hit._replace(codes=tuple(codes))
        kept.append(hit)
    return kept


def _main_places(hits: list[Hit], keys: list[str], places: dict[str, Locality], gazetteer: Gazetteer, text: str,
                 body_start: int, title_only: bool = False) -> set[str]:
    """The places an article is about, strongest evidence first.

    - The headline prefix (``Tịnh Biên: …``), the byline's parentheses and the title name them outright.
    - The lead: the first place the body names within its first ``LEAD_CHARS`` characters, other than where someone
      lives (``trú tại …``, ``quê …``) or the end of a route or an institution's name, and in the sentence that names
      it every district or province of the same province, and every place of a list (``các tỉnh A, B, C``). A
      commune there makes its district main rather than itself, since a lead pins the event to a commune the reader
      filters by district.
    - A story about a region (``miền Trung``) is about the provinces it lists.
    - With none of these, the province the article names most (at least twice, or once when the lead says
      ``UBND tỉnh`` without a name: the paper's own province).
    - Districts of those provinces that the first paragraph names, or that the article names twice.
    - Each main place brings its district and province, when the article names them too.
    """
    main = {key for hit, key in zip(hits, keys) if hit.main}
    named = [(hit.start, number) for number, hit in enumerate(hits)
             if hit.kind != ASIDE and not _residence(text, hit.start)]
    if title_only:
        # A page of teasers: its body is other stories' leads, only its title speaks for the page.
        named = [(start, number) for start, number in named if start < body_start]
    body = sorted((start, number) for start, number in named if body_start <= start < body_start + LEAD_CHARS)
    if body:
        lead = keys[body[0][1]]
        sentence_start, sentence_end = _sentence(text, body[0][0])
        province = places[lead].province_code
        in_sentence = [(start, number) for start, number in body if start < sentence_end]
        listed = _listed_together(in_sentence, hits, text)
        for start, number in in_sentence:
            key = keys[number]
            # Another province's place belongs to the story only in a list: "các tỉnh Long An, Tiền Giang, Cần Thơ".
            if key != lead and (province is None or places[key].province_code != province) and number not in listed:
                continue
            if hits[number].level < 3:
                main.add(key)
            elif gazetteer.district_of.get(key) in places:
                main.add(gazetteer.district_of[key])
    if REGION.search(text, 0, body_start + LEAD_CHARS):
        # A story about a region (miền Trung, Tây Bắc): the provinces it lists are its places.
        regional = [(start, number) for start, number in named if hits[number].level == 1]
        main.update(keys[number] for number in _listed_together(regional, hits, text, ranges=True))
    if not main and named:
        # "UBND tỉnh", "Tỉnh ủy" unnamed in the lead: the paper's own province, which it names at least once.
        local = LOCAL_GOVERNMENT.search(text, body_start, body_start + LEAD_CHARS) is not None
        main.update(_most_named_province(hits, keys, places, named, 1 if local else MOST_NAMED_MINIMUM))
    provinces = {places[key].province_code for key in main}
    first_paragraph = _first_paragraph_end(text, body_start)
    district_counts = Counter(keys[number] for _, number in named if hits[number].level == 2)
    addressed = _after_commune(named, hits, text)
    districts = {keys[number] for start, number in named
                 if hits[number].level == 2 and places[keys[number]].province_code in provinces
                 and (start < first_paragraph or district_counts[keys[number]] >= DISTRICT_REPEATS or number in addressed)}
    if len(districts | {key for key in main if places[key].level == 2}) <= MAX_DISTRICTS:
        # More is a story about the whole province (its districts' figures, a list of new communes) or a city's
        # round-up (gold prices in every quận): their districts are examples.
        main |= districts
    for key in list(main):
        unit = places[key]
        for parent in (gazetteer.district_of.get(key), unit.province_code):
            if parent and parent != key and parent in places:
                main.add(parent)
    return main


def _after_commune(named: list[tuple[int, int]], hits: list[Hit], text: str) -> set[int]:
    """The district hits (by number) that follow a commune in an address (``xã Tri Lễ, huyện Quế Phong``, ``xã Phước
    Bình (huyện Long Thành``): a place named down to its commune is where something happened."""
    found = set()
    ordered = sorted(named)
    for (_, before), (start, number) in zip(ordered, ordered[1:]):
        commune = hits[before]
        if hits[number].level == 2 and commune.level == 3 and ADDRESS_STEP.fullmatch(
                text, commune.start + len(commune.name), start):
            found.add(number)
    return found


def _listed_together(body: list[tuple[int, int]], hits: list[Hit], text: str, ranges: bool = False) -> set[int]:
    """The hits (by number) in a list of at least ``MIN_LIST`` places: names joined by commas or ``và``; with
    ``ranges``, also the two ends of a range (``từ Thanh Hóa đến Phú Yên``, ``các tỉnh Thanh Hóa - Phú Yên``)."""
    listed: set[int] = set()
    chain: list[int] = []
    ranged = False
    for (start, number), following in zip(body, body[1:] + [(None, None)]):
        chain.append(number)
        end = start + len(hits[number].name)
        joined = following[0] is not None and LIST_NEXT.fullmatch(text, end, following[0]) is not None
        if ranges and following[0] is not None and not joined and RANGE_NEXT.fullmatch(text, end, following[0]):
            joined = ranged = True
        if not joined:
            first = hits[chain[0]].start
            if (len(chain) >= MIN_LIST or ranged and len(chain) > 1) and not (EXAMPLES_BEFORE.search(
                    text, max(0, first - 40), first) and OPEN_END.match(text, end)):
                listed.update(chain)
            chain, ranged = [], False
    return listed


def _most_named_province(hits: list[Hit], keys: list[str], places: dict[str, Locality],
                         named: list[tuple[int, int]], minimum: int) -> set[str]:
    """When neither headline nor lead names a place: the province the article names most often, if one leads."""
    counts = Counter(places[keys[number]].province_code for _, number in named if places[keys[number]].province_code)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < minimum or len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return set()
    return {ranked[0][0]} if ranked[0][0] in places else set()


def _first_paragraph_end(text: str, body_start: int) -> int:
    end = text.find("\n", body_start)
    return min(end if end >= 0 else len(text), body_start + FIRST_PARAGRAPH_CHARS)


def _residence(text: str, start: int) -> bool:
    """Tell whether the name at ``start`` says where a person lives or comes from (``trú tại xã …``, ``quê …``)."""
    return RESIDENCE_BEFORE.search(text, max(0, start - 80), start) is not None


def _sentence(text: str, position: int) -> tuple[int, int]:
    """The bounds of the sentence holding ``position``."""
    start = 0
    for match in SENTENCE_END.finditer(text, max(0, position - 600), position):
        start = match.end()
    end = SENTENCE_END.search(text, position)
    return start, end.start() if end else len(text)


@lru_cache(maxsize=10_000)
def _as_main(unit: Locality) -> Locality:
    return replace(unit, role="main")


@lru_cache(maxsize=100_000)
def _name_key(name: str) -> str:
    return fold_key(name)


def _pick(hit: Hit, anchors: list[tuple[int, str]], gazetteer: Gazetteer, window: int | None) -> str | None:
    """Choose the candidate whose province or district is named closest to the hit, within ``window`` if given."""
    best: tuple[int, str] | None = None
    for code in hit.codes:
        unit = gazetteer.units[code]
        parents = {unit.province_code, gazetteer.district_of.get(code), *gazetteer.merged_provinces.get(code, ())}
        for position, anchor in anchors:
            distance = abs(position - hit.start)
            close = window is None or distance <= window
            if anchor in parents and anchor != code and close and (best is None or distance < best[0]):
                best = (distance, code)
    return best[1] if best else None
