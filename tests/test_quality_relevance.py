"""The relevance set's second sealed part stays apart: only ``--part sealed2`` reads its files or shows its needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quality.corpus import CORPUS
from quality.relevance import __main__ as relevance

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")

SEALED2_FILES = set(relevance.SOURCES["sealed2"])


def files_read_before_running(monkeypatch, tmp_path, part: str) -> set[Path]:
    """The files a run of ``part`` opens up to its option checks (stopped there by an unknown ``--show``)."""
    opened = set()
    real_open = Path.open

    def spy(path, *args, **kwargs):
        opened.add(Path(path).resolve())
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    with pytest.raises(SystemExit):
        relevance.main(["--part", part, "--cache", str(tmp_path), "--show", "no-such-need"])
    return opened


@pytest.mark.parametrize("part", ["tune", "sealed", "all"])
def test_the_earlier_parts_never_read_the_second_sealed_part(monkeypatch, tmp_path, part):
    opened = files_read_before_running(monkeypatch, tmp_path, part)
    assert relevance.NEEDS in opened
    assert not opened & SEALED2_FILES


def test_the_second_sealed_part_reads_only_its_own_files(monkeypatch, tmp_path):
    opened = files_read_before_running(monkeypatch, tmp_path, "sealed2")
    assert relevance.SOURCES["sealed2"][0] in opened
    assert relevance.NEEDS not in opened and relevance.JUDGMENTS not in opened


def test_a_second_sealed_need_is_never_shown(tmp_path, capsys):
    first = json.loads(relevance.SOURCES["sealed2"][0].read_text(encoding="utf-8").splitlines()[0])["id"]
    with pytest.raises(SystemExit) as stop:
        relevance.main(["--part", "sealed2", "--cache", str(tmp_path), "--show", first])
    assert stop.value.code == 2
    assert "chỉ in số liệu tổng" in capsys.readouterr().err


def test_the_second_sealed_needs_are_their_own_part_with_ids_of_their_own():
    earlier = relevance.load_needs(relevance.NEEDS)
    second = relevance.load_needs(relevance.SOURCES["sealed2"][0])
    assert {need.part for need in second} == {"sealed2"}
    assert not {need.id for need in second} & {need.id for need in earlier}
