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

import json
import logging
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple
from importlib import resources

from searchsvc.article import Locality
from searchsvc.normalize import fold, nfc, normalize_text, normalize_word

logger = logging.getLogger(__name__)

NEW_CODE_PREFIX = "2025-"
# How far (in characters) a province or district name may sit from an ambiguous name and still decide it.
NEARBY = 300
# Names the gazetteer does not carry: abbreviations, and the province name used until January 2025.
PROVINCE_ALIASES = {
    "tphcm": "79",
    "hcm": "79",
    "thua thien hue": "46",
    "thua thien": "46",
    "ba ria vung tau": "77",
    "dak lak": "66",
    "dac lac": "66",
    "dak nong": "67",
    "dac nong": "67",
    "kontum": "62",
}
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
}
PREFIXES_BY_FIRST_WORD = {
    first: [(words, levels) for words, levels in PREFIXES.items() if words[0] == first]
    for first in {words[0] for words in PREFIXES}
}
PREFIX_WORDS = frozenset("tỉnh thành phố huyện quận thị xã trấn phường đặc khu".split())
PREFIX_LABELS = {1: "tỉnh", 2: "huyện", 3: "xã"}
# Words that start a sentence in front of a place name without being part of it (``Tại Quảng Nam``).
LEADING_WORDS = frozenset(
    "tại ở theo về từ đến tới còn trong với như cùng nhưng và khi sau trước riêng cả chiều sáng tối trưa ngày đêm"
    " hôm nhân do vì là trên dưới ngoài giữa qua ra vào thăm tuy dù nếu để các những toàn".split()
)
# Words before ``xã`` that make it part of another word (``hợp tác xã``), not a commune.
NOT_COMMUNE_BEFORE = frozenset({"tac"})
LIST_STARTERS = frozenset({"cac", "nhung", "hai", "ba", "bon", "nam"})
TOKEN = re.compile(r"[^\W_]+")
LETTER = re.compile(r"[^\W\d_]")
HEADLINE_PREFIX = re.compile(r"^\s*([^:]{2,40}?)\s*:\s")
BYLINE_PLACE = re.compile(r"\(([^()]{2,40})\)\s*$")


@dataclass(frozen=True)
class Gazetteer:
    """The units by code and a folded-name index per level, built once per process."""

    units: dict[str, Locality]
    names: dict[int, dict[str, tuple[str, ...]]]
    district_of: dict[str, str]
    # Post-2025 communes: every old province their new province was made of, any of which may be named nearby.
    merged_provinces: dict[str, frozenset[str]]
    max_words: int


@dataclass(frozen=True)
class Hit:
    """One place name found in the text, before ambiguity is resolved."""

    codes: tuple[str, ...]
    name: str
    level: int
    start: int
    main: bool


class Token(NamedTuple):
    """One word of the text; a tuple because an article has hundreds and frozen dataclasses are slow to build."""

    start: int
    end: int
    text: str
    key: str
    capitalised: bool


def extract_localities(title: str, body: str, byline: str | None = None) -> tuple[Locality, ...]:
    """Return the distinct places of an article, ``role="main"`` first, each with its province where it is known.

    >>> [(p.name, p.province, p.role) for p in extract_localities("Tịnh Biên: Hội nghị giao ban", "Chiều 30/9, ...")]
    [('Tịnh Biên', 'An Giang', 'main')]
    """
    gazetteer = load_gazetteer()
    title, body = nfc(title or ""), nfc(body or "")
    if byline is None:
        lines = body.rstrip().splitlines()
        byline = lines[-1] if lines else ""
    byline = nfc(byline)
    # One text, so that "nearby" can be measured across the title, the body and the byline.
    text = f"{title}\n{body}\n{byline}"
    lead_end = len(title) + 1 + _first_sentence_end(body)
    hits = _scan(text, gazetteer, main_before=lead_end)
    prefix = HEADLINE_PREFIX.match(title)
    if prefix:
        hits.extend(_bare_hits(prefix.group(1), prefix.start(1), gazetteer))
    place = BYLINE_PLACE.search(byline)
    if place:
        hits.extend(_bare_hits(place.group(1), len(title) + len(body) + 2 + place.start(1), gazetteer))
    return _resolve(hits, gazetteer)


def locality_by_code(code: str) -> Locality | None:
    """Return the unit with this code, for facet labels.

    >>> locality_by_code("890").name, locality_by_code("890").province
    ('Tịnh Biên', 'An Giang')
    """
    return load_gazetteer().units.get(code)


def province_for(code: str) -> Locality | None:
    """Return the (pre-2025) province a unit code belongs to, so a district facet can show its province.

    >>> province_for("30523").name
    'An Giang'
    """
    unit = locality_by_code(code)
    if unit is None or unit.province_code is None:
        return None
    return locality_by_code(unit.province_code)


@cache
def load_gazetteer() -> Gazetteer:
    """Read both structures from the installed ``vietnamadminunits`` package and index their names by level."""
    data = resources.files("vietnamadminunits") / "data"
    with resources.as_file(data / "dataset.db") as path, sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        legacy = db.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort, districtType,"
            " districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey FROM admin_units_legacy"
        ).fetchall()
        current = db.execute(
            "SELECT provinceKey, ward, wardShort, wardType, wardCode, wardKey FROM admin_units"
        ).fetchall()
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))

    units: dict[str, Locality] = {}
    district_of: dict[str, str] = {}
    old_province_by_key: dict[str, str] = {}
    province_by_key: dict[str, str] = {}
    merged_provinces: dict[str, frozenset[str]] = {}
    legacy_names: set[tuple[str, str]] = set()
    for (province, province_short, province_code, province_key, district, district_short, district_type,
         district_code, district_key, ward, ward_short, ward_type, ward_code, ward_key) in legacy:
        province_name = _clean(province_short)
        units.setdefault(province_code, Locality(
            province_code, province_name, _type_of(province, level=1), 1, province_name, province_code))
        units.setdefault(district_code, Locality(
            district_code, _strip_type(district_short, district_type), district_type.lower(), 2,
            province_name, province_code))
        if ward_code:
            units[ward_code] = Locality(
                ward_code, _strip_type(ward_short, ward_type), ward_type.lower(), 3, province_name, province_code)
            district_of[ward_code] = district_code
            province_by_key[province_key] = province_code
            old_province_by_key[f"{province_key}_{district_key}_{ward_key}"] = province_code
            legacy_names.add((fold_key(units[ward_code].name), province_code))

    for province_key, ward, ward_short, ward_type, ward_code, ward_key in current:
        old_keys = converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).get(ward_key, [])
        old_keys = old_keys + [
            old_key
            for old_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items()
            if any(target["newWardKey"] == ward_key for target in targets)
        ]
        origins = Counter(old_province_by_key[key] for key in old_keys if key in old_province_by_key)
        if not origins:
            continue
        province_code = origins.most_common(1)[0][0]
        name = _strip_type(ward_short, ward_type)
        if (fold_key(name), province_code) in legacy_names:
            continue
        code = NEW_CODE_PREFIX + ward_code
        units[code] = Locality(code, name, ward_type.lower(), 3, units[province_code].name, province_code)
        merged_provinces[code] = frozenset(
            province_by_key[key] for key in converter["DICT_PROVINCE"].get(province_key, []) if key in province_by_key
        )

    names: dict[int, dict[str, list[str]]] = {1: defaultdict(list), 2: defaultdict(list), 3: defaultdict(list)}
    for unit in units.values():
        for key in _index_keys(unit):
            names[unit.level][key].append(unit.code)
    for alias, code in PROVINCE_ALIASES.items():
        if code not in names[1][alias]:
            names[1][alias].append(code)
    frozen = {level: {key: tuple(codes) for key, codes in index.items()} for level, index in names.items()}
    max_words = max(len(key.split()) for index in frozen.values() for key in index)
    logger.debug("gazetteer: %d units", len(units))
    return Gazetteer(units, frozen, district_of, merged_provinces, max_words)


def fold_key(name: str) -> str:
    """The look-up key of a name: folded, lower case, words only (``Bà Rịa - Vũng Tàu`` -> ``ba ria vung tau``).

    >>> fold_key("Bà Rịa – Vũng Tàu"), fold_key("TP.HCM")
    ('ba ria vung tau', 'tp hcm')
    """
    return " ".join(fold(word).lower() for word in TOKEN.findall(nfc(name)))


def _clean(name: str) -> str:
    return normalize_text(" ".join(name.split()))


def _type_of(full_name: str, level: int) -> str:
    return "thành phố" if fold(full_name).lower().startswith("thanh pho") else PREFIX_LABELS[level]


def _strip_type(short: str, unit_type: str) -> str:
    """The name without the type word the source sometimes leaves in it, keeping numbered ones (``Quận 1``)."""
    name = _clean(short)
    rest = name[len(unit_type) + 1:]
    if fold_key(name).startswith(fold_key(unit_type) + " ") and not rest[:1].isdigit():
        return rest
    return name


def _index_keys(unit: Locality) -> list[str]:
    """Look-up keys of a unit: its folded name, and the bare number of ``Quận 1`` (the type word is matched apart)."""
    key = fold_key(unit.name)
    number = key.removeprefix(fold_key(unit.type) + " ")
    return [key, number] if number != key and number.isdigit() else [key]


def _tokens(text: str) -> list[Token]:
    return [
        Token(match.start(), match.end(), match.group(), fold(match.group()).lower(), match.group()[0].isupper())
        for match in TOKEN.finditer(text)
    ]


def _joined(text: str, left: Token, right: Token, allow_dot: bool = False) -> bool:
    """Tell whether two tokens belong to one name: only spaces between them (or ``TP.HCM``'s dot)."""
    gap = text[left.end:right.start]
    if allow_dot and gap.strip() == ".":
        return "\n" not in gap
    return gap != "" and gap.isspace() and "\n" not in gap


def _upper_lines(text: str) -> list[tuple[int, int]]:
    """Spans of all-caps lines: they carry no case to tell names from words, so only typed names count there."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        letters = LETTER.findall(line.group())
        if len(letters) > 12 and sum(map(str.isupper, letters)) > 0.8 * len(letters):
            spans.append(line.span())
    return spans


def _scan(text: str, gazetteer: Gazetteer, main_before: int) -> list[Hit]:
    """Find typed names (``huyện X``, lists ``các huyện X, Y và Z``) and bare province names in one pass."""
    tokens = _tokens(text)
    upper_lines = _upper_lines(text)

    def upper(token: Token) -> bool:
        return any(start <= token.start < end for start, end in upper_lines)

    hits: list[Hit] = []
    consumed: set[int] = set()
    index = 0
    while index < len(tokens):
        prefix = _prefix_at(tokens, index)
        name_start = index + prefix[0] if prefix else index
        if prefix is None or name_start >= len(tokens) or not _joined(
            text, tokens[name_start - 1], tokens[name_start], allow_dot=prefix[0] == 1
        ):
            index += 1
            continue
        in_caps = upper(tokens[index])
        numbered = tokens[index].key == "quan"
        match = _longest_name(tokens, name_start, prefix[1], gazetteer, text, in_caps, numbered)
        if match is None:
            index = name_start
            continue
        end, hit = match
        hits.append(replace(hit, main=hit.start < main_before))
        consumed.update(range(index, end))
        in_list = index > 0 and tokens[index - 1].key in LIST_STARTERS
        while in_list and end < len(tokens):
            gap = text[tokens[end - 1].end:tokens[end].start]
            if gap.strip() == ",":
                next_start = end
            elif gap.isspace() and tokens[end].key == "va":
                next_start = end + 1
            else:
                break
            match = _longest_name(tokens, next_start, (hit.level,), gazetteer, text, in_caps)
            if "\n" in gap or match is None:
                break
            end, listed = match
            hits.append(replace(listed, main=listed.start < main_before))
            consumed.update(range(next_start, end))
        index = end

    for run in _capitalised_runs(tokens, text):
        if any(position in consumed for position in run) or upper(tokens[run[0]]):
            continue
        if len(run) > 1 and normalize_word(tokens[run[0]].text) in LEADING_WORDS:
            run = run[1:]
        key = " ".join(tokens[position].key for position in run)
        codes = gazetteer.names[1].get(key)
        if codes and key not in BARE_PROVINCE_STOPLIST:
            start = tokens[run[0]].start
            hits.append(Hit(codes, text[start:tokens[run[-1]].end], 1, start, start < main_before))
    return hits


def _prefix_at(tokens: list[Token], index: int) -> tuple[int, tuple[int, ...]] | None:
    """Return the length and levels of the type word starting at ``index``, if there is one."""
    for words, levels in PREFIXES_BY_FIRST_WORD.get(tokens[index].key, ()):
        span = tokens[index:index + len(words)]
        if tuple(token.key for token in span) != words:
            continue
        # Folding makes "xa" (far), "quân" (army) and "tính" look like type words; accented text must say them.
        if any(not token.text.isascii() and normalize_word(token.text) not in PREFIX_WORDS for token in span):
            continue
        if words == ("xa",) and index > 0 and tokens[index - 1].key in NOT_COMMUNE_BEFORE:
            return None
        if words == ("xa",) and index > 0 and tokens[index - 1].key == "thi":
            return None
        return len(words), levels
    return None


def _longest_name(tokens, start, levels, gazetteer, text, upper, numbered=False):
    """Match the longest gazetteer name right after a type word; in cased text it must be capitalised words."""
    if start >= len(tokens):
        return None
    span = [start]
    while len(span) < gazetteer.max_words and span[-1] + 1 < len(tokens) and _joined(
        text, tokens[span[-1]], tokens[span[-1] + 1]
    ):
        span.append(span[-1] + 1)
    for size in range(len(span), 0, -1):
        words = [tokens[position] for position in span[:size]]
        if not upper and not all(token.capitalised or (numbered and token.text.isdigit()) for token in words):
            continue
        key = " ".join(token.key for token in words)
        marked = " ".join(normalize_word(token.text) for token in words)
        for level in levels:
            codes = gazetteer.names[level].get(key, ())
            if marked != key:
                # Folding merges Chư/Chũ and Hòa/Hoa; text written with marks must match them.
                codes = tuple(code for code in codes if _marked(gazetteer.units[code].name) == marked)
            if codes:
                name = text[words[0].start:words[-1].end]
                return start + size, Hit(codes, name, level, words[0].start, False)
    return None


def _marked(name: str) -> str:
    return " ".join(normalize_word(word) for word in TOKEN.findall(name))


def _capitalised_runs(tokens: list[Token], text: str):
    run: list[int] = []
    for position, token in enumerate(tokens):
        if token.capitalised and run and _joined(text, tokens[run[-1]], token):
            run.append(position)
            continue
        if run:
            yield run
        run = [position] if token.capitalised else []
    if run:
        yield run


def _bare_hits(phrase: str, offset: int, gazetteer: Gazetteer) -> list[Hit]:
    """Read a headline prefix or byline place: a bare province or district name, or a typed one."""
    typed = _scan(phrase, gazetteer, main_before=len(phrase) + 1)
    if typed:
        return [replace(hit, start=hit.start + offset, main=True) for hit in typed]
    key = fold_key(phrase)
    for level in (1, 2):
        codes = gazetteer.names[level].get(key)
        if codes:
            return [Hit(codes, phrase.strip(), level, offset, True)]
    return []


def _first_sentence_end(body: str) -> int:
    match = re.search(r"[.!?](\s|$)|\n", body)
    return match.end() if match else len(body)


def _resolve(hits: list[Hit], gazetteer: Gazetteer) -> tuple[Locality, ...]:
    """Pick one unit per hit from the provinces and districts named nearby, or leave the name unresolved."""
    units = gazetteer.units
    anchors = [(hit.start, hit.codes[0]) for hit in hits if len(hit.codes) == 1]
    # Resolve provinces first, then districts, so that a resolved district can decide a commune.
    resolved: dict[int, str | None] = {}
    by_name: dict[tuple[int, str], str] = {}
    for level in (1, 2, 3):
        for number, hit in enumerate(hits):
            if hit.level != level:
                continue
            # A name repeated in one article is one place: the first resolution holds for every mention.
            if (level, fold_key(hit.name)) in by_name:
                resolved[number] = by_name[level, fold_key(hit.name)]
                continue
            # Commune names repeat across the country and old ones vanished in mergers: a commune needs its
            # province or district named in the article, even when the gazetteer has one commune of that name.
            unique = len(hit.codes) == 1 and level < 3
            code = hit.codes[0] if unique else _pick(hit, anchors, gazetteer, window=None if level == 3 else NEARBY)
            resolved[number] = code
            if code:
                by_name[level, fold_key(hit.name)] = code
            if code and not unique:
                anchors.append((hit.start, code))

    found: dict[str, Locality] = {}
    order: dict[str, int] = {}
    for number, hit in enumerate(hits):
        code = resolved[number]
        if code:
            unit = units[code]
        else:
            name = normalize_text(hit.name)
            unit = Locality("", name, units[hit.codes[0]].type if hit.level == 1 else PREFIX_LABELS[hit.level],
                            hit.level)
        key = unit.code or f"?{hit.level}:{fold_key(unit.name)}"
        role = "main" if hit.main or found.get(key, unit).role == "main" else "mentioned"
        found[key] = replace(unit, role=role)
        order[key] = min(order.get(key, hit.start), hit.start)
    return tuple(sorted(found.values(), key=lambda unit: (unit.role != "main",
                                                         order[unit.code or f"?{unit.level}:{fold_key(unit.name)}"])))


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
