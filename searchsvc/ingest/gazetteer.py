"""The gazetteer: every Vietnamese administrative unit with its code, and a folded-name index per level.

Read from the ``vietnamadminunits`` package: the 63-province structure before 2025, the communes after July 2025
and the mapping between them. Codes are the pre-2025 GSO codes, because the new structure reuses old province
numbers for other provinces; a commune that exists only after 2025 gets ``2025-<code>`` under the old province
most of its predecessors came from. The package's data files are not a public API: the package is pinned exactly
in ``pyproject.toml`` and ``tests/ingest/test_gazetteer.py`` fails loudly when its tables move.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources

from searchsvc.article import Locality
from searchsvc.text.normalize import fold, nfc, normalize_text

logger = logging.getLogger(__name__)

NEW_CODE_PREFIX = "2025-"
# Names the gazetteer does not carry: abbreviations, and the province name used until January 2025. Keys are look-up
# keys (``fold_key``), so ``Đắc Lắc`` is ``dak lac``.
PROVINCE_ALIASES = {
    "tphcm": "79",
    "hcm": "79",
    "thua thien hue": "46",
    "thua thien": "46",
    "ba ria vung tau": "77",
    "dak lak": "66",
    "dak lac": "66",
    "dak nong": "67",
    "kontum": "62",
    # The city's old name, still its everyday one; inside a firm's, a bank's or a river's name it is read as part of
    # that name (a bare name must fill its whole run of capitalised words, and "sông", "Ngân hàng" set it aside).
    "sai gon": "79",
    # Landmarks that papers name alone for their province (``sân bay Tân Sơn Nhất``, ``đỉnh Fansipan``): the story is
    # placed in the province, not in the district or the 2025 commune named after them.
    "tan son nhat": "79",
    "noi bai": "01",
    "fansipan": "10",
    "phan xi pang": "10",
    "phong nha": "44",
}
PREFIX_LABELS = {1: "tỉnh", 2: "huyện", 3: "xã"}
WORD = re.compile(r"[^\W_]+")
FOLDED_SPELLINGS = {"qui": "quy", "dac": "dak"}
TYPE_IN_PARENTHESES = re.compile(r"\s*\((?:Thành phố|Thị xã|Huyện|Quận|Thị trấn|Xã|Phường)\)$")
# Type words the package writes in front of a district's former names, spaceless (``huyendatdo``, ``quan9``).
FORMER_NAME_TYPES = ("thanhpho", "thixa", "huyen", "quan", "district", "tp", "tx", "q")


@dataclass(frozen=True)
class Gazetteer:
    """The units by code and a folded-name index per level, built once per process."""

    units: dict[str, Locality]
    names: dict[int, dict[str, tuple[str, ...]]]
    district_of: dict[str, str]
    # Post-2025 communes: every old province their new province was made of, any of which may be named nearby.
    merged_provinces: dict[str, frozenset[str]]
    max_words: int
    # Districts merged or renamed before 2025, by their former names, spaceless and folded: ``datdo`` (huyện Đất Đỏ,
    # now Long Đất), ``ninhbinh`` (TP Ninh Bình, now Hoa Lư), ``9`` (quận 9, now TP Thủ Đức).
    former_districts: dict[str, tuple[str, ...]]


def _package_data():
    return resources.files("vietnamadminunits") / "data"


@contextmanager
def gazetteer_database() -> Iterator[sqlite3.Connection]:
    """The installed ``vietnamadminunits`` package's data (tables ``admin_units_legacy`` and ``admin_units``)."""
    with resources.as_file(_package_data() / "dataset.db") as path, sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        yield db


@cache
def load_gazetteer() -> Gazetteer:
    """Read both structures from the installed ``vietnamadminunits`` package and index their names by level."""
    with gazetteer_database() as db:
        legacy = db.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort, districtType,"
            " districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey FROM admin_units_legacy"
        ).fetchall()
        district_aliases = db.execute(
            "SELECT DISTINCT districtCode, districtAlias FROM admin_units_legacy WHERE districtAlias IS NOT NULL"
        ).fetchall()
        current = db.execute(
            "SELECT provinceKey, ward, wardShort, wardType, wardCode, wardKey FROM admin_units"
        ).fetchall()
    converter = json.loads((_package_data() / "converter_2025.json").read_text(encoding="utf-8"))

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
    return Gazetteer(units, frozen, district_of, merged_provinces, max_words, _former_districts(units, district_aliases))


def _former_districts(units: dict[str, Locality], aliases: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """The package's aliases of a district (``["huyendatdo", "datdo", "huyenlongdien", "longdien"]``), without their
    type word, that are not its present name."""
    former: dict[str, list[str]] = defaultdict(list)
    for code, listed in aliases:
        present = fold_key(units[code].name).replace(" ", "")
        for alias in json.loads(listed):
            for name in {alias, *(alias[len(kind):] for kind in FORMER_NAME_TYPES if alias.startswith(kind))}:
                if name and name != present and code not in former[name]:
                    former[name].append(code)
    return {name: tuple(codes) for name, codes in former.items()}


def fold_key(name: str) -> str:
    """The look-up key of a name: folded, lower case, words only (``Bà Rịa - Vũng Tàu`` -> ``ba ria vung tau``).

    >>> fold_key("Bà Rịa – Vũng Tàu"), fold_key("TP.HCM"), fold_key("Phú Quí") == fold_key("Phú Quý")
    ('ba ria vung tau', 'tp hcm', True)
    """
    return " ".join(fold_word(word) for word in WORD.findall(nfc(name)))


def fold_word(word: str) -> str:
    """One word of a look-up key; ``quí`` and ``quý`` are one syllable in two spellings (the gazetteer writes huyện
    Phú Quí, papers Phú Quý), and so are the Central Highlands' ``Đắk`` and ``Đắc`` (huyện Đắc Hà, Đắc Lắc)."""
    folded = fold(word).lower()
    return FOLDED_SPELLINGS.get(folded, folded)


def _clean(name: str) -> str:
    return normalize_text(" ".join(name.split()))


def _type_of(full_name: str, level: int) -> str:
    return "thành phố" if fold(full_name).lower().startswith("thanh pho") else PREFIX_LABELS[level]


def _strip_type(short: str, unit_type: str) -> str:
    """The name without the type word the source sometimes leaves in it, keeping numbered ones (``Quận 1``), and
    without the type it adds to tell namesakes apart (``Kỳ Anh (Thị xã)``): papers write ``thị xã Kỳ Anh``.

    >>> _strip_type("Kỳ Anh (Thị xã)", "thị xã"), _strip_type("Quận 1", "quận"), _strip_type("Huyện Phú Quí", "huyện")
    ('Kỳ Anh', 'Quận 1', 'Phú Quí')
    """
    name = TYPE_IN_PARENTHESES.sub("", _clean(short))
    rest = name[len(unit_type) + 1:]
    if fold_key(name).startswith(fold_key(unit_type) + " ") and not rest[:1].isdigit():
        return rest
    return name


def _index_keys(unit: Locality) -> list[str]:
    """Look-up keys of a unit: its folded name, and the bare number of ``Quận 1`` (the type word is matched apart)."""
    key = fold_key(unit.name)
    number = key.removeprefix(fold_key(unit.type) + " ")
    return [key, number] if number != key and number.isdigit() else [key]
