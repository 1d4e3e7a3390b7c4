"""The relevance set's later sealed parts stay apart: only a run of that part reads its files, and none shows its needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quality.corpus import CORPUS
from quality.relevance import __main__ as relevance

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")

LATER_SEALED = ("sealed2", "sealed3")
LATER_SEALED_FILES = {path for part in LATER_SEALED for path in relevance.SOURCES[part]}


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
def test_the_earlier_parts_never_read_a_later_sealed_part(monkeypatch, tmp_path, part):
    opened = files_read_before_running(monkeypatch, tmp_path, part)
    assert relevance.NEEDS in opened
    assert not opened & LATER_SEALED_FILES


@pytest.mark.parametrize("part", LATER_SEALED)
def test_a_later_sealed_part_reads_only_its_own_files(monkeypatch, tmp_path, part):
    opened = files_read_before_running(monkeypatch, tmp_path, part)
    assert relevance.SOURCES[part][0] in opened
    assert not opened & ({relevance.NEEDS, relevance.JUDGMENTS} | LATER_SEALED_FILES - set(relevance.SOURCES[part]))


@pytest.mark.parametrize("part", LATER_SEALED)
def test_a_later_sealed_need_is_never_shown(tmp_path, capsys, part):
    first = json.loads(relevance.SOURCES[part][0].read_text(encoding="utf-8").splitlines()[0])["id"]
    with pytest.raises(SystemExit) as stop:
        relevance.main(["--part", part, "--cache", str(tmp_path), "--show", first])
    assert stop.value.code == 2
    assert "chỉ in số liệu tổng" in capsys.readouterr().err


def test_each_later_sealed_part_has_needs_and_ids_of_its_own():
    seen = {need.id for need in relevance.load_needs(relevance.NEEDS)}
    for part in LATER_SEALED:
        needs = relevance.load_needs(relevance.SOURCES[part][0])
        assert {need.part for need in needs} == {part}
        assert not {need.id for need in needs} & seen
        seen |= {need.id for need in needs}
