"""The issue-11 gold draw: the recorded sample is what the seeded rule draws, and no round reuses an annotated id."""

from __future__ import annotations

import json

import pytest

from quality.corpus import CORPUS
from quality.facts_sample import GOLD, ROUNDS, SAMPLE_FILE, draw_all

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")]


def test_the_recorded_sample_is_the_seeded_draw_of_every_round():
    recorded = [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()]
    assert draw_all() == recorded


def test_the_second_sealed_round_reuses_no_id_of_the_earlier_gold():
    rows = [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()]
    second = {row["id"] for row in rows if row["part"] == "sealed2"}
    earlier = {row["id"] for row in rows if row["part"] != "sealed2"}
    for name in ("authors.jsonl", "directives.jsonl", "localities.jsonl", "facts.jsonl"):
        earlier |= {json.loads(line)["id"] for line in (GOLD / name).read_text(encoding="utf-8").splitlines()}
    assert len(second) == sum(ROUNDS[2].draws.values()) + sum(ROUNDS[2].text_layout_draws.values()) == 147
    assert not second & earlier
