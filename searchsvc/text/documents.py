"""How Vietnamese official documents are named and numbered: types, their codes, issuers, and identity keys.

The one vocabulary shared by the extractor that finds citations in articles (``searchsvc.ingest.directives``) and
the parser of what staff type in a search box (``searchsvc.search.directives``). Facts from Nghị định 30/2020/NĐ-CP,
Phụ lục III, and Hướng dẫn 36-HD/VPTW (``../shared/reference/vn-document-numbers.md``).
"""

from __future__ import annotations

import re

from searchsvc.text.normalize import fold, fold_text

# (type, code in symbols, how a bare number after the type word is read). "strong": a bare number is a citation
# unless a unit follows; "weak": the word is also a verb or a common noun (thông báo, kế hoạch), so a bare number
# counts only after a capitalized word and before a word that closes a citation; "symbol": the word names programs,
# projects, options or laws by number (Chương trình 135, Đề án 955, phương án 1, Luật 2015), so only a symbol or a year
# in the number makes it a citation.
TYPES = (
    ("Thông tư liên tịch", "TTLT", "strong"),
    ("Nghị quyết liên tịch", "NQLT", "strong"),
    ("Nghị quyết", "NQ", "strong"),
    ("Nghị định", "NĐ", "strong"),
    ("Quyết định", "QĐ", "strong"),
    ("Chỉ thị", "CT", "strong"),
    ("Thông tư", "TT", "strong"),
    ("Công văn", "CV", "strong"),
    ("Công điện", "CĐ", "strong"),
    ("Quy chế", "QC", "weak"),
    ("Quy định", "QyĐ", "weak"),
    ("Thông cáo", "TC", "weak"),
    ("Thông báo", "TB", "weak"),
    ("Hướng dẫn", "HD", "weak"),
    ("Kế hoạch", "KH", "weak"),
    ("Đề án", "ĐA", "symbol"),
    ("Báo cáo", "BC", "weak"),
    ("Tờ trình", "TTr", "weak"),
    ("Kết luận", "KL", "weak"),
    ("Chương trình", "CTr", "symbol"),
    ("Phương án", "PA", "symbol"),
    ("Giấy mời", "GM", "symbol"),
    ("Giấy phép", "GP", "symbol"),
    ("Dự án", "DA", "symbol"),
    ("Luật", None, "symbol"),
    ("Pháp lệnh", None, "symbol"),
)
# "Văn bản số 526/UBND-TNMT" is how papers cite an official letter; it counts only with a symbol.
TYPE_BY_FOLDED = {fold_text(name): name for name, _, _ in TYPES} | {"van ban": "Công văn"}
CODE_OF_TYPE = {name: code for name, code, _ in TYPES if code}
# Upper-cased codes as written in symbols; Quy định is also written QĐ (Party) or QĐi.
# Codes typed without their Đ (``38/2012/ND-CP``) are read as written with it; not ĐA, which would be DA (Dự án).
UNMARKED_CODES = {"ND": "Nghị định", "QD": "Quyết định"}
TYPE_BY_CODE = {code.upper(): name for name, code, _ in TYPES if code} | {"QĐI": "Quy định"} | UNMARKED_CODES
TYPE_BY_CODE_WRITTEN = tuple(code for _, code, _ in TYPES if code and code not in ("QyĐ", "CV")) + ("QĐi",
                                                                                                  *UNMARKED_CODES)
# Codes a type word may carry besides its own: the Party writes its Quy định "181-QĐ/TW".
# Party action programmes are still often numbered "32-CT/TU".
OTHER_CODES = {"Quy định": frozenset({"QĐ", "QĐI"}), "Chương trình": frozenset({"CT"})}
# Abbreviations journalists put in running text (NĐ 67, QĐ 33); CT and TT are left out, they name building lots.
TYPE_BY_ABBREVIATION = {"NĐ": "Nghị định", "NQ": "Nghị quyết", "QĐ": "Quyết định", "TTLT": "Thông tư liên tịch"}
PARTY_ISSUERS = frozenset({"TW", "VPTW", "TU", "HU", "QU", "ĐU", "ĐUK"})

# Separators inside a symbol: "05/CT-TTg", "29-NQ/TW", "40 – CT/TW".
SYMBOL_SEPARATOR = r"\s*[-–—/]\s*"
PARTY_NAMES = (("bo chinh tri", "TW"), ("ban bi thu", "TW"), ("ban chap hanh trung uong", "TW"),
               ("trung uong", "TW"), ("ban thuong vu tinh uy", "TU"), ("tinh uy", "TU"),
               ("ban thuong vu thanh uy", "TU"), ("thanh uy", "TU"), ("ban thuong vu huyen uy", "HU"),
               ("huyen uy", "HU"), ("ban thuong vu quan uy", "QU"), ("quan uy", "QU"))
STATE_NAMES = (("thu tuong", "TTg"), ("chinh phu", "CP"), ("quoc hoi", "QH"), ("ubnd", "UBND"),
               ("uy ban nhan dan", "UBND"), ("hdnd", "HĐND"), ("hoi dong nhan dan", "HĐND"),
               ("van phong chinh phu", "VPCP"))


# The body a symbol's issuer code names for certain, to show when the text does not name it in words.
ISSUER_OF_CODE = {"CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ", "TW": "Trung ương Đảng", "VPCP": "Văn phòng Chính phủ",
                  "UBTVQH": "Ủy ban Thường vụ Quốc hội"}
QUOC_HOI = re.compile(r"QH\d*")
# A Nghị định is issued by the Government and nobody else (Luật Ban hành văn bản quy phạm pháp luật 2015, Điều 19).
ISSUER_OF_TYPE = {"Nghị định": "CP"}
# How the name of an issuing body starts, folded, after any title of its head (``Chủ tịch UBND tỉnh`` -> UBND tỉnh).
BODY_START = re.compile(
    r"(?:bo chinh tri|ban bi thu|ban chap hanh trung uong|ban thuong vu|ban chi dao|ban \w+ trung uong|"
    r"chinh phu|thu tuong|quoc hoi|uy ban|ubnd|ubtvqh|hdnd|hoi dong \w|van phong|vpcp|bo \w|"
    r"(?:tinh|thanh|huyen|quan|dang) uy|so \w|tong cuc|cuc \w|ngan hang nha nuoc|thanh tra|toa an|tand|"
    r"vien kiem sat|kiem toan nha nuoc)"
)
HEAD_TITLE = re.compile(r"(?:pho\s+)?(?:chu tich|bo truong|giam doc|chanh an|vien truong|tong cuc truong|cuc truong|"
                        r"chanh thanh tra|thu truong|truong ban)\s+")


def issuer_name(written: str) -> str | None:
    """The issuing body in words as read after a citation, or None when the words are not the name of a body.

    >>> issuer_name("Chủ tịch UBND tỉnh Quảng Nam"), issuer_name("Chủ"), issuer_name("Bộ trưởng Bộ Y tế")
    ('UBND tỉnh Quảng Nam', None, 'Bộ Y tế')
    """
    folded = fold_text(written)
    title = HEAD_TITLE.match(folded)
    if title:
        words = written.split()
        written = " ".join(words[len(title.group().split()):])
        folded = folded[title.end():]
    if not BODY_START.match(folded) or len(folded.split()) < 2 and folded != "vpcp":
        return None
    return written


def issuer_of_code(code: str | None) -> str | None:
    """The body a symbol's issuer code names (``CP``, ``TTg``, ``QH14``), when it can name only one."""
    if code is None:
        return None
    return "Quốc hội" if QUOC_HOI.fullmatch(code) else ISSUER_OF_CODE.get(code)


def read_symbol(symbol: str) -> tuple[str | None, str | None, bool]:
    """Split a symbol into its type (from the type code, if any), the issuer part, and whether it is a Party one."""
    codes = re.split(SYMBOL_SEPARATOR, symbol.replace("TƯ", "TW"))
    symbol_type = TYPE_BY_CODE.get(codes[0].upper())
    issuer_codes = codes[1:] if symbol_type else codes
    party = bool(symbol_type) and any(code in PARTY_ISSUERS for code in issuer_codes)
    return symbol_type, "-".join(issuer_codes) or None, party


def code_of_issuer(issuer: str) -> tuple[str | None, bool]:
    """Map an issuer written in words to the code its symbols use, when the convention leaves no doubt."""
    folded = fold_text(issuer)
    for name, code in PARTY_NAMES:
        if folded.startswith(name):
            return code, True
    for name, code in STATE_NAMES:
        if folded.startswith(name):
            return code, False
    return None, False


def number_key(number: str) -> str:
    return (number.lstrip("0") or "0").lower()


def slug(text: str) -> str:
    """ASCII lower-case words joined by hyphens: the URL-safe form ids are built from."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(text).lower()))
