"""The issue-11 gold draw: the recorded sample is what the seeded rule draws, and no round reuses an annotated id."""

from __future__ import annotations

import json

import pytest

from quality.corpus import CORPUS
from quality.facts_sample import GOLD, ROUNDS, SAMPLE_FILE, corpus_titles, draw_all, near_identical

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")]


def test_the_recorded_sample_is_the_seeded_draw_of_every_round():
    recorded = [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()]
    assert draw_all() == recorded


@pytest.mark.parametrize(("number", "size"), [(2, 147), (3, 120), (4, 120)])
def test_a_later_sealed_round_reuses_no_id_of_the_earlier_gold(number, size):
    rows = [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()]
    part = ROUNDS[number].part
    drawn = {row["id"] for row in rows if row["part"] == part}
    earlier = {row["id"] for row in rows[:rows.index(next(row for row in rows if row["part"] == part))]}
    for name in ("authors.jsonl", "directives.jsonl", "localities.jsonl", "facts.jsonl"):
        earlier |= {json.loads(line)["id"] for line in (GOLD / name).read_text(encoding="utf-8").splitlines()}
    assert len(drawn) == sum(ROUNDS[number].draws.values()) + sum(ROUNDS[number].text_layout_draws.values()) == size
    assert not drawn & earlier


def test_the_fourth_sealed_round_retells_no_story_already_in_the_gold():
    """baomoi republishes one story from several papers under other ids: round 4 leaves those out by title too."""
    rows = [json.loads(line) for line in SAMPLE_FILE.read_text(encoding="utf-8").splitlines()]
    drawn = [row["id"] for row in rows if row["part"] == "sealed4"]
    earlier = {row["id"] for row in rows if row["part"] != "sealed4"}
    for name in ("authors.jsonl", "directives.jsonl", "localities.jsonl"):
        earlier |= {json.loads(line)["id"] for line in (GOLD / name).read_text(encoding="utf-8").splitlines()}
    titles = corpus_titles()
    known = [titles[article_id] for article_id in earlier if titles.get(article_id)]
    assert drawn and not [article_id for article_id in drawn
                          if any(near_identical(titles[article_id], other) for other in known)]
