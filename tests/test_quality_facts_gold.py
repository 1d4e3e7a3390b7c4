"""The issue-11 annotation files: each sealed part lives in its own file, and only a run on that part loads it."""

from __future__ import annotations

import csv
import json

import pytest

from quality.corpus import CORPUS
from quality.extraction_facts import GOLD_FILES, TUNING_PARTS, gold_files_of, main
from quality.facts_sample import GOLD, SAMPLE_FILE

GAZETTEER = CORPUS.parent / "gazetteer" / "vn_admin_units_pre2025.csv"


def test_a_run_on_the_tuning_or_earlier_parts_never_loads_a_later_sealed_part():
    for parts in (["tune"], ["tune", "sealed"], ["sealed2"], ["tune", "sealed", "sealed2"]):
        assert GOLD / "facts_sealed3.jsonl" not in gold_files_of(parts)
        assert GOLD / "facts_sealed4.jsonl" not in gold_files_of(parts)
    assert GOLD / "facts_sealed4.jsonl" not in gold_files_of(["sealed3"])
    assert gold_files_of(["tune", "sealed"]) == [GOLD / "facts.jsonl"]


@pytest.mark.parametrize("part", ["sealed3", "sealed4"])
def test_a_later_sealed_part_is_read_from_its_own_file_only(part):
    assert gold_files_of([part]) == [GOLD / f"facts_{part}.jsonl"]
    assert set(GOLD_FILES) == {"tune", "sealed", "sealed2", "sealed3", "sealed4"}


@pytest.mark.parametrize("part", ["sealed3", "sealed4"])
def test_every_article_of_a_later_sealed_part_has_one_annotation_in_the_row_format_of_round_two(part):
    drawn = [json.loads(line)["id"] for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()
             if json.loads(line)["part"] == part]
    rows = [json.loads(line) for line in (GOLD / f"facts_{part}.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = list(json.loads((GOLD / "facts_sealed2.jsonl").read_text(encoding="utf-8").splitlines()[0]))
    assert [row["id"] for row in rows] == drawn
    assert all(list(row) == keys for row in rows)


@pytest.mark.skipif(not GAZETTEER.is_file(), reason=f"gazetteer not found at {GAZETTEER}")
@pytest.mark.parametrize("part", ["sealed3", "sealed4"])
def test_a_later_sealed_part_names_places_by_their_pre_2025_codes(part):
    with GAZETTEER.open(encoding="utf-8") as lines:
        levels = {unit["code"]: int(unit["level"]) for unit in csv.DictReader(lines)}
    rows = [json.loads(line) for line in (GOLD / f"facts_{part}.jsonl").read_text(encoding="utf-8").splitlines()]
    places = [place for row in rows for place in row["places_about"] + row["places_mentioned"]]
    assert places and all(levels.get(place["code"]) == place["level"] for place in places)


def test_the_part_still_sealed_is_never_listed_article_by_article(capsys):
    assert "sealed4" not in TUNING_PARTS
    with pytest.raises(SystemExit):
        main(["--part", "sealed4", "--errors"])
    assert "aggregate only" in capsys.readouterr().err
