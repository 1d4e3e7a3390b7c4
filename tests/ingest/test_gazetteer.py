"""The gazetteer reads the ``vietnamadminunits`` package's own data files, which are not its public API: the package
is pinned exactly, and these tests fail loudly when an upgrade moves its tables."""

from __future__ import annotations

from importlib.metadata import version

from searchsvc.ingest.gazetteer import gazetteer_database, load_gazetteer

PINNED = "1.0.4"


def test_the_installed_package_is_the_pinned_version():
    assert version("vietnamadminunits") == PINNED, (
        "vietnamadminunits moved: check ingest/gazetteer.py against its data files, then update the pin")


def test_the_package_tables_have_the_columns_the_gazetteer_reads():
    with gazetteer_database() as db:
        legacy = {row[1] for row in db.execute("PRAGMA table_info(admin_units_legacy)")}
        current = {row[1] for row in db.execute("PRAGMA table_info(admin_units)")}
    assert {"province", "provinceShort", "provinceCode", "provinceKey", "district", "districtShort", "districtType",
            "districtCode", "districtKey", "ward", "wardShort", "wardType", "wardCode", "wardKey"} <= legacy
    assert {"provinceKey", "ward", "wardShort", "wardType", "wardCode", "wardKey"} <= current


def test_the_63_provinces_and_their_districts_are_all_there():
    units = load_gazetteer().units.values()
    assert sum(unit.level == 1 for unit in units) == 63
    assert sum(unit.level == 2 for unit in units) == 696  # the GSO list of January 2025
    tinh_bien = load_gazetteer().units["890"]
    assert (tinh_bien.name, tinh_bien.province, tinh_bien.level) == ("Tịnh Biên", "An Giang", 2)
