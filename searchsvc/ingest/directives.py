"""Find the official documents an article cites (``Chỉ thị số 05/CT-TTg``) and resolve each to one identity.

Numbers restart every year for every issuer (NĐ 30/2020, Điều 15), so a document is (type, number, issuer, year):
``Chỉ thị 05`` of the Politburo and ``Chỉ thị 05`` of the Prime Minister are two documents. The issuer comes from
the symbol (``05/CT-TTg``, ``05-CT/TW``) or, when the symbol is not written, from the words after the number
(``của Thủ tướng Chính phủ``); the year from the number (``08/2016/NĐ-CP``) or from a date attached to the mention.
A short mention (``Chỉ thị 05``) is folded into the nearest compatible fuller mention of the same article.

Id scheme: ``<type slug>-<number>[-<issuer part of the symbol>][-<year>]``, ASCII lower case, leading zeros of the
number dropped so ``05`` and ``5`` agree: ``chi-thi-5-ttg-2020``, ``chi-thi-5-tw``, ``nghi-dinh-8-cp-2016``,
``cong-van-4919-vpcp-ktth``. The year enters the id only when the text gives it, because two documents of the same
number and issuer differ only by year and must never share an id; the price is that an article that omits the year
gives the same document a year-less id. Facets group such ids back with ``parse_directive_query``, whose matches
ignore what a query leaves out. The issuer part is the symbol minus its type code, so ``37/QĐ-UBND`` of two
provinces share an id: the text does not say more, and we do not guess.

A symbol whose type code is known is a citation even with no type word in front (``thay thế 153/2010/TT-BTC``, the
list ``bãi bỏ các Thông tư sau: số 11/2009/TT-BXD; số 01/2010/TT-BXD``): the code names the type. A symbol without a
type code (``4919/VPCP-KTTH``) needs its type word. A press licence (``354/GP-TTĐT``) is a site's footer, never a
citation.

Where the type word and the symbol's type code disagree (``Quyết định 267/TB-HU``), the code wins: it is copied
from the document itself, while the word is the journalist's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from searchsvc.article import Directive
from searchsvc.text.documents import (
    CODE_OF_TYPE, OTHER_CODES, PARTY_ISSUERS, SYMBOL_SEPARATOR, TYPE_BY_ABBREVIATION, TYPE_BY_CODE_WRITTEN,
    TYPE_BY_FOLDED, TYPES, ISSUER_OF_TYPE, code_of_issuer, issuer_name, issuer_of_code, number_key, read_symbol, slug,
)
from searchsvc.text.normalize import fold_text, nfc

STRENGTH = {name: strength for name, _, strength in TYPES}

_WORDS = "|".join(
    r"\s+".join(name.split()) for name in sorted([name for name, _, _ in TYPES] + ["Văn bản"], key=len, reverse=True)
)
_CODE = r"[A-ZĐƯ][A-ZĐƯ0-9&]*(?:[a-z][A-ZĐ0-9]*)?(?![^\W\d_])"
MENTION = re.compile(
    rf"(?<![^\W\d_])(?:(?P<word>(?i:{_WORDS}))|(?P<abbr>NĐ|NQ|QĐ|TTLT)(?=\s))"
    # "thông tư hướng dẫn số 21": the guidance is what the Thông tư does, not a second type.
    r"(?P<guide>\s+(?i:hướng\s+dẫn)(?=\s+(?i:số)\s*:?\s*\d))?"
    # "Quyết định đình chỉ thi công số 139/QĐ-UBND": a few words may qualify the type before "số" and a symbol.
    rf"(?P<qualifier>(?:\s+(?!(?i:{_WORDS}))[^\W\d_]+){{1,6}}?(?=\s+(?i:số)\s*:?\s*\d))?"
    r"(?P<so>\s+(?i:số)\s*:?)?\s*"
    r"(?P<number>\d{1,5}[a-dA-D]?)(?![^\W_])"
    r"(?:\s*/\s*(?P<year>(?:19|20)\d\d)(?!\d)|\s*[-–]\s*(?P<dash_year>(?:19|20)\d\d)(?=\s*/))?"
    rf"(?:(?P<sep>{SYMBOL_SEPARATOR})(?P<symbol>{_CODE}(?:{SYMBOL_SEPARATOR}{_CODE})*))?"
)
# Type codes as written in symbols (QyĐ is only our own code for Quy định, never written).
_TYPE_CODES = "|".join(sorted((code for code in TYPE_BY_CODE_WRITTEN), key=len, reverse=True))
# A symbol with a known type code and an issuer, with no type word in front: "153/2010/TT- BTC", "số 29-NQ/TW".
BARE_SYMBOL = re.compile(
    r"(?<![\w/.,-])(?<![-–/]\s)(?:(?P<so>(?i:số)\s*:?)\s*)?"
    r"(?P<number>\d{1,5}[a-dA-D]?)"
    r"(?:\s*/\s*(?P<year>(?:19|20)\d\d)(?!\d)|\s*[-–]\s*(?P<dash_year>(?:19|20)\d\d)(?=\s*/))?"
    rf"(?P<sep>[-/])\s*(?P<symbol>(?:{_TYPE_CODES})(?![^\W\d_]){SYMBOL_SEPARATOR}{_CODE}(?:{SYMBOL_SEPARATOR}{_CODE})*)"
)
# Where a citation can start, found fast in the lower-cased text (``(?i:…)`` over the whole text costs several times
# more): a type word or an abbreviation (``MENTION`` then checks its case); and a type code after a separator,
# without which no bare symbol occurs.
CITATION_START = re.compile(_WORDS.lower() + "|nđ|nq|qđ|ttlt")
TYPE_CODE_AFTER_SEPARATOR = re.compile(rf"[-/]\s*(?:{_TYPE_CODES})(?![^\W\d_])")
SHARED_JOIN = re.compile(r"\s*(?:,|và|&)\s*")
DATE_CONTINUES = re.compile(r"\s*[/.-]\s*\d")
# What follows a mention on its own line: a title's last word and the lead's "Ngày 30/6, …" are not one clause.
_SAME_LINE = r"[^\S\n]*"
ATTACHED_DATE = re.compile(
    rf"{_SAME_LINE}[,(]?{_SAME_LINE}(?:(?i:ban hành|ký|kí|cấp)\s+)?(?:(?i:ngày)\s+)?"
    r"(?:(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})(?:\s*[/.-]\s*(?P<year>(?:19|20)\d\d))?(?!\d)"
    r"|(?P<day2>\d{1,2})\s+tháng\s+(?P<month2>\d{1,2})(?:\s+năm\s+(?P<year2>(?:19|20)\d\d))?)"
)
# "năm 2016", "ban hành tháng 7/2014", "(năm 2014)", "đã có hiệu lực từ năm 2015" right after a mention or its issuer.
ATTACHED_YEAR = re.compile(
    rf"{_SAME_LINE}[,(]?{_SAME_LINE}"
    # "từ" only after the issuing or the entry into force: "…, từ tháng 9/2015 đến …" is a period of the story.
    r"(?:(?:(?i:đã|được)\s+)?(?i:ban hành|ký|kí|có hiệu lực)\s+(?:(?i:vào|từ)\s+)?|(?i:vào)\s+)?"
    r"(?:(?i:năm)\s+|(?i:tháng)\s+\d{1,2}\s*[/.-]\s*)"
    r"(?P<year>(?:19|20)\d\d)(?!\d)(?!\s*[-–]\s*\d)"
)
# A date that opens the clause of the citation: "Ngày 6/6/2017, Bộ trưởng Bộ TT&TT đã ký Quyết định số 866",
# "ngày 24-10-2014, UBND TP Hà Nội đã ra Quyết định 5383", "Ngày 09/5/2017, Chi nhánh DNTN Xây dựng số 1 … có Văn
# bản số 96/CV-KSMTSH" (a small number after "số" is part of a name, not another date).
_CLAUSE_WORDS = r"(?:[^.;!?\n\d]|(?<=[Ss]ố )\d{1,3}(?![\d/.-]))"
CLAUSE_DATE = re.compile(
    r"(?:^|[.;!?\n]\s*|(?<=[,\s])(?=[Nn]gày\s))(?:[^.;!?\n\d,]{1,20},\s*)?(?:(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa)\s+)?"
    r"(?:(?:[Nn]gày\s+)?\d{1,2}\s*(?P<sep>[/.-])\s*\d{1,2}\s*(?:(?P=sep)\s*(?P<year>(?:19|20)\d\d))?"
    r"|(?:(?:[Tt]rong|[Vv]ào|[Cc]uối|[Đđ]ầu|[Gg]iữa)\s+)?(?:[Nn]ăm|[Tt]háng\s+\d{1,2}\s*[/.-]|[Tt]háng\s+\d{1,2}\s+năm)"
    r"\s*(?P<opening_year>(?:19|20)\d\d)(?!\d)),"
    rf"(?={_CLAUSE_WORDS}*(?:\b(?:ban hành|ký|kí|có)\s|\bra\s+$)){_CLAUSE_WORDS}{{0,120}}$"
)
ISSUER_START = re.compile(r"\s*,?\s*(?:(?i:do|của)\s+)")
# "của Chánh Thanh tra thành phố": some body issued it, even one ``issuer_name`` does not know.
ISSUED_BY = re.compile(r"\s*,?\s*(?:do|của)\s+[A-ZĐ]")
# "Quyết định số 3897/QĐ-UBND do chủ tịch UBND tỉnh Thái Bình, Nguyễn Hồng Diên ký ngày 23/12/2016", "… số 235 do
# Sở cấp ngày 17/2/2016": a signer in any words, then the signing (or granting) date. No digits or sentence punctuation in between, so it stays within the clause.
SIGNED_BY = re.compile(r"\s*,?\s*(?i:do)\s+[^\d.;:()\n“”\"]{1,80}?\s(?=(?i:ký|kí|ban hành|cấp)\s)")
ISSUER_WORD = re.compile(r"[^\s,;:.…()\"“”']+(?:\.[^\s,;:.…()\"“”']+)*")
# Lowercase syllables that occur inside the names of issuing bodies (Bộ Chính trị, Thủ tướng Chính phủ, UBND tỉnh).
ISSUER_INNER = frozenset(
    "chính trị phủ tướng thư vụ ủy uỷ hội nhân dân tỉnh huyện thành phố quận xã thị trấn trung ương đảng phòng "
    "tài y tế nội an dựng thương nghiệp phát triển nông thôn nguyên môi trường giao thông vận tải giáo dục đào tạo "
    "khoa học công nghệ tin truyền hóa hoá thể thao du lịch kế hoạch đầu tư pháp ngoại lao động binh và quốc nhà "
    "nước hàng bảo hiểm kiểm sát toán quân sự phòng thanh tra chấp hành thường bí ban chức đốc tổng cục sở viện "
    "tòa án trưởng tịch chỉ đạo đồng tối cao đoàn quản thẩm định phán".split()
)
# Lowercase words that end the issuer's name and start the rest of the sentence: "Chính phủ ban hành", "VPCP thông báo".
ISSUER_END = re.compile(r"(?:ban\s+hành|thông\s+báo|ký|kí)(?![^\W\d_])")
TYPE_WORD_AHEAD = re.compile(rf"(?:{_WORDS})(?![^\W\d_])")
# Words that, right after a bare number, make it a quantity rather than a document number.
UNIT_WORDS = frozenset(
    "năm tháng ngày tuần quý giờ phút lần người triệu tỷ tỉ nghìn ngàn đồng usd km ha m kg tấn điểm bước nhóm "
    "vấn nội giải nhiệm tỉnh huyện xã cuộc em học bệnh tàu con cái chiếc căn hộ dự đơn doanh cơ tổ cán binh "
    "phiến trang mục điều khoản chương văn lĩnh chỉ đợt ca vụ trường nhà thành tiêu".split()
)
# Words after a bare number of a "weak" type that close a citation (Kết luận 49 của Bộ Chính trị).
CLOSING_WORDS = frozenset("của về ngày do này đã được và là có ban quy yêu nêu cho thì vẫn cũng đó tại nói".split())
# Who licenses papers and news sites (``346/GP-BTTTT``, ``70/GP-CBC``, ``354/GP-TTĐT``): such a licence is the
# site's footer, not a document the article cites.
PRESS_LICENSORS = frozenset({"btttt", "bttt", "cbc", "ttdt", "dt", "tt", "stttt"})
# Types whose symbol follows from the issuer alone; others (Quyết định, Nghị định) may carry the year in the symbol.
PRIME_MINISTER_TYPES = frozenset({"Chỉ thị", "Công điện"})


@dataclass(frozen=True)
class _Mention:
    """One citation as read at one place in the text, before mentions of the same document are merged."""

    start: int
    type: str
    number: str
    symbol: str | None
    issuer_code: str | None
    year: int | None
    issuer: str | None
    party: bool
    year_in_number: bool
    end: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return self.type, number_key(self.number)


def extract_directives(text: str, published: date | None = None) -> tuple[Directive, ...]:
    """Return every document cited in ``text``, one per identity, in order of first mention.

    ``published`` only dates a mention whose attached date omits the year (``ngày 28/1``).

    >>> [d.label for d in extract_directives(
    ...     "Chỉ thị số 05 của Bộ Chính trị; Chỉ thị số 05, ngày 28/01/2020 của Thủ tướng Chính phủ. Chỉ thị 05")]
    ['Chỉ thị 05-CT/TW', 'Chỉ thị 05/CT-TTg']
    >>> extract_directives("theo Nghị định 116/2020/NĐ-CP")[0].id
    'nghi-dinh-116-cp-2020'
    """
    text = nfc(text).replace("Ð", "Đ")  # U+00D0 (Icelandic eth) is typed for Đ in some papers
    matches = _mentions(text)
    covered = [(match.start(), match.end()) for match in matches]
    # Symbols with no type word in front; one a type word already introduced is read once, with its word.
    if TYPE_CODE_AFTER_SEPARATOR.search(text):
        matches += [match for match in BARE_SYMBOL.finditer(text)
                    if not any(a <= match.start("number") < b for a, b in covered)]
    matches.sort(key=lambda match: match.start())
    mentions = [mention for match in matches if (mention := _read_mention(text, match, published))]
    return tuple(_resolve(_shared_symbols(mentions, text)))


def _mentions(text: str) -> list[re.Match]:
    """What ``MENTION.finditer(text)`` finds, tried only where a type word or an abbreviation starts."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: positions would shift
        return list(MENTION.finditer(text))
    starts = []
    found = CITATION_START.search(lowered)
    while found:  # overlapping starts too: "nghị quyết định số 5" holds "quyết định số 5"
        starts.append(found.start())
        found = CITATION_START.search(lowered, found.start() + 1)
    matches, end = [], 0
    for start in starts:
        if start >= end and (match := MENTION.match(text, start)):
            matches.append(match)
            end = match.end()
    return matches


def _shared_symbols(mentions: list[_Mention], text: str) -> list[_Mention]:
    """``các quyết định 106, 107/QĐ-TTg``: numbers listed before a symbol share it, and the list shares its year
    (written in the symbol, after the list, or in the date that opens the clause)."""
    for index in range(len(mentions) - 2, -1, -1):
        mention, following = mentions[index], mentions[index + 1]
        if (mention.symbol is None and following.symbol and mention.type == following.type
                and mention.issuer_code in (None, following.issuer_code)
                and SHARED_JOIN.fullmatch(text, mention.end, following.start)):
            year = mention.year or following.year
            mentions[index] = replace(mention, symbol=following.symbol, issuer_code=following.issuer_code,
                                      party=following.party, year=year, year_in_number=following.year_in_number)
            mentions[index + 1] = replace(following, year=following.year or year)
    return mentions


def _read_mention(text: str, match: re.Match, published: date | None) -> _Mention | None:
    """Turn one regex match into a mention, or None when the words around it say it is not a citation."""
    groups = match.groupdict()
    word, number, symbol = groups.get("word"), match["number"], match["symbol"]
    if groups.get("abbr"):
        type_name = TYPE_BY_ABBREVIATION[match["abbr"]]
    elif word:
        type_name = TYPE_BY_FOLDED[fold_text(word)]
    else:  # a bare symbol: its type code names the type
        type_name = read_symbol(symbol)[0]
    end = match.end()
    if word and symbol and match["sep"].strip() != match["sep"] and not re.search(r"[-–—/]", symbol):
        # "Quyết định 37 - UBND ..." : a spaced dash before one lone code is punctuation, not a symbol.
        symbol, end = None, match.start("sep")
    letter = bool(word) and fold_text(word) == "van ban"
    if not symbol and not match["year"] and DATE_CONTINUES.match(text, end):
        return None  # "Quyết định 28/01/2020": a date, or a number we cannot read
    year = int(match["year"] or match["dash_year"] or 0) or None
    symbol_type, issuer_code, party = read_symbol(symbol) if symbol else (None, None, False)
    if symbol_type and re.split(SYMBOL_SEPARATOR, symbol)[0].upper() not in OTHER_CODES.get(type_name, ()):
        type_name = symbol_type
    tail, attached_year = end, None
    date_match = ATTACHED_DATE.match(text, tail) or ATTACHED_YEAR.match(text, tail)
    if date_match:
        attached_year, tail = _year_of(date_match, published), date_match.end()
    issuer, tail = _read_issuer(text, tail)
    if issuer and not date_match:
        date_match = ATTACHED_DATE.match(text, tail) or ATTACHED_YEAR.match(text, tail)
    if not date_match and (signed := SIGNED_BY.match(text, end)):
        date_match = ATTACHED_DATE.match(text, signed.end())
    if date_match and attached_year is None:
        attached_year = _year_of(date_match, published)
    attached = bool(date_match or issuer)
    if not date_match and not year and (opening := CLAUSE_DATE.search(text, max(0, match.start() - 160),
                                                                      match.start())):
        date_match = opening
        opening_year = opening["year"] or opening["opening_year"]
        attached_year = attached_year or (int(opening_year) if opening_year else None)
    if not symbol and groups.get("qualifier") and not (date_match or issuer or ISSUED_BY.match(text, end)):
        return None  # "Quyết định thanh tra số 311" is a citation only with its issuer or date
    if letter and not symbol and not (date_match if match["so"] else attached) and not issuer:
        return None  # "văn bản 5" is any text; "văn bản (số) 4178" of a body or a date is a letter
    bare = not symbol and not year
    if bare and not _is_bare_citation(text, match, type_name, number, attached=bool(date_match or issuer)):
        return None
    if type_name == "Giấy phép" and issuer_code and _press_licence(issuer_code):
        return None
    if issuer_code is None and issuer:
        issuer_code, party = code_of_issuer(issuer)
    issuer_code = issuer_code or ISSUER_OF_TYPE.get(type_name)
    return _Mention(match.start(), type_name, number, _clean_symbol(symbol, party) if symbol else None,
                    issuer_code, year or attached_year, issuer, party, year is not None, match.end())


def _is_bare_citation(text: str, match: re.Match, type_name: str, number: str, attached: bool) -> bool:
    """Tell a bare ``Quyết định 37`` from ``kế hoạch 5 năm``, ``Chương trình 135`` or ``Luật 2015``."""
    strength = "strong" if match["abbr"] else STRENGTH[type_name]
    if strength == "symbol" and not (match["so"] and attached):
        return False
    if not match["so"] and not attached and re.fullmatch(r"(?:19|20)\d\d", number):
        return False
    following = re.match(_SAME_LINE + r"([^\W\d_]+|%)", text[match.end() : match.end() + 20])
    next_word = following[1].lower() if following else ""
    if (next_word in UNIT_WORDS and not attached) or next_word == "%":
        return False
    if strength == "weak" and not match["so"]:
        word = match["word"]
        if not word[0].isupper() or word.isupper():
            return False
        closed = not following or text[match.end() : following.start(1) + match.end()].strip()
        return bool(closed or next_word in CLOSING_WORDS or attached)
    return True


def _clean_symbol(symbol: str, party: bool) -> str:
    """Write a symbol the official way: ``CT/TW`` for the Party, ``CT-TTg`` for the State, no spaces."""
    codes = re.split(SYMBOL_SEPARATOR, symbol.replace("TƯ", "TW"))
    if party and len(codes) >= 2:
        return codes[0] + "/" + "-".join(codes[1:])
    return "-".join(codes)


def _read_issuer(text: str, position: int) -> tuple[str | None, int]:
    """Read ``của Thủ tướng Chính phủ`` after a mention: a capitalized word, then words of institution names.

    Returns the issuer as written (or None) and where the reading stopped.
    """
    start = ISSUER_START.match(text, position)
    if not start:
        return None, position
    words: list[re.Match] = []
    for word in ISSUER_WORD.finditer(text, start.end(), start.end() + 120):
        token = word.group()
        if words and text[words[-1].end() : word.start()].strip():
            break
        if not token[0].isupper() and (not words or token.lower() not in ISSUER_INNER) or token.lower() == "v/v":
            break  # "V/v" (về việc) starts the document's subject
        if words and (ISSUER_END.match(text, word.start())
                      or words[-1].group() == "và" and TYPE_WORD_AHEAD.match(text, word.start())):
            break
        words.append(word)
        if len(words) == 10:
            break
    while words and words[-1].group() == "và":
        words.pop()
    if not words:
        return None, position
    return issuer_name(" ".join(word.group() for word in words)), words[-1].end()


def _year_of(match: re.Match, published: date | None) -> int | None:
    """The year of an attached date; a day and month alone take the publication year when that is not later."""
    if year := match.groupdict().get("year") or match.groupdict().get("year2"):
        return int(year)
    if "day" not in match.groupdict() or published is None:
        return None
    day, month = int(match["day"] or match["day2"]), int(match["month"] or match["month2"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return published.year if (month, day) <= (published.month, published.day) else published.year - 1


def _compatible(a: _Mention, b: _Mention) -> bool:
    """Two mentions of the same type and number may be one document unless issuer, year or symbol disagree."""
    return (
        a.key == b.key
        and (a.issuer_code is None or b.issuer_code is None or slug(a.issuer_code) == slug(b.issuer_code))
        and (a.year is None or b.year is None or a.year == b.year)
    )


def _resolve(mentions: list[_Mention]) -> list[Directive]:
    """Merge mentions into documents: fuller mentions first, then each shorter one into its nearest match."""
    groups: list[list[_Mention]] = []
    ranked = sorted(mentions, key=lambda m: (-((m.issuer_code is not None) + (m.year is not None)), m.start))
    for mention in ranked:
        candidates = [group for group in groups if all(_compatible(mention, other) for other in group)]
        if candidates:
            min(candidates, key=lambda group: _distance(mention, group)).append(mention)
        else:
            groups.append([mention])
    groups.sort(key=lambda group: min(m.start for m in group))
    return [_directive(sorted(group, key=lambda m: m.start)) for group in groups]


def _distance(mention: _Mention, group: list[_Mention]) -> tuple[int, int]:
    """Prefer the nearest earlier mention (a back-reference), then the nearest later one."""
    before = [mention.start - m.start for m in group if m.start <= mention.start]
    after = [m.start - mention.start for m in group if m.start > mention.start]
    return (0, min(before)) if before else (1, min(after))


def _directive(group: list[_Mention]) -> Directive:
    first = group[0]
    type_name, number = first.type, first.number
    symbol = next((m.symbol for m in group if m.symbol), None)
    issuer_code = next((m.issuer_code for m in group if m.issuer_code), None)
    issuer = next((m.issuer for m in group if m.issuer), None) or _issuer_of_codes(issuer_code)
    year = next((m.year for m in group if m.year), None)
    party = any(m.party for m in group)
    code = CODE_OF_TYPE.get(type_name)
    if symbol is None and issuer_code and code:
        if party:
            code = "QĐ" if type_name == "Quy định" else code
            symbol = f"{code}/{issuer_code}"
        elif issuer_code == "TTg" and type_name in PRIME_MINISTER_TYPES:
            symbol = f"{code}-TTg"
    in_number = f"/{year}" if any(m.year_in_number for m in group) else ""
    if symbol is None:
        label = f"{type_name} {number}{in_number}"
    elif party and "/" in symbol:
        label = f"{type_name} {number}-{symbol}"
    else:
        label = f"{type_name} {number}{in_number}/{symbol}"
    parts = [slug(type_name), number_key(number)]
    if issuer_code:
        parts.append(slug(issuer_code))
    if year:
        parts.append(str(year))
    return Directive(id="-".join(parts), label=label, type=type_name, number=number, symbol=symbol, year=year,
                     issuer=issuer)


def _press_licence(issuer_code: str) -> bool:
    return slug(re.split(SYMBOL_SEPARATOR, issuer_code)[-1]) in PRESS_LICENSORS


def _issuer_of_codes(issuer_code: str | None) -> str | None:
    """The body the symbol names: its first issuer code (``4919/VPCP-KTTH``: the Government Office, KTTH is the
    drafting unit), or the Party body that ends a Party symbol whose type code is mistyped (``28-CQ/TW``)."""
    if not issuer_code:
        return None
    codes = re.split(SYMBOL_SEPARATOR, issuer_code)
    return issuer_of_code(codes[0]) or (issuer_of_code(codes[-1]) if codes[-1] in PARTY_ISSUERS else None)
