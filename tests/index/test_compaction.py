"""Dead documents are reclaimed by merging segments, automatically and by ``searchsvc compact``, and a merge that is
killed or runs out of disk leaves the serving index as it was."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from whoosh import index as whoosh_index

from searchsvc.index.compaction import compact, generation_bytes
from searchsvc.index.fastwriter import FastSegmentWriter
from searchsvc.index.generations import live_generation
from searchsvc.index.indexer import index_paths
from searchsvc.search.postings import ViewCache

from test_crash_safety import live_ids, write_corpus
from test_w3 import _all_postings, _build

KILL_SEED = 11


def segment_count(index_dir) -> int:
    return len(ViewCache(index_dir).get().leaves)


def test_merging_through_the_array_path_gives_what_whoosh_own_merge_gives(tmp_path, documents):
    for name in ("ours", "whoosh"):
        ix = _build(tmp_path / name, documents[:40], fast=True)
        writer = FastSegmentWriter(ix)
        for number, document in enumerate(documents[40:80]):
            writer.add_document(**{**document, "id": f"second-{number}"})
        for number in range(0, 40, 3):
            writer.delete_by_term("id", f"{documents[number]['id']}-{number}")
        writer.commit(merge=False)
        merger = FastSegmentWriter(ix) if name == "ours" else ix.writer()
        merger.commit(optimize=True)
    ours, whoosh_own = _all_postings(whoosh_index.open_dir(str(tmp_path / "ours"))), \
        _all_postings(whoosh_index.open_dir(str(tmp_path / "whoosh")))
    assert ours == whoosh_own
    with whoosh_index.open_dir(str(tmp_path / "ours")).reader() as reader:
        assert reader.doc_count_all() == reader.doc_count() == 80 - 14


@pytest.fixture(scope="module")
def documents():
    from test_w3 import SAMPLES, article_to_document, enrich, iter_input_files, read_articles

    articles = [item for path in iter_input_files([SAMPLES]) for item in read_articles(path)]
    return [article_to_document(enrich(article)) for article in articles] * 13


def test_thirteen_re_adds_of_the_same_articles_keep_the_index_within_ten_percent(tmp_path):
    corpus = write_corpus(tmp_path / "same.jsonl", 150, "same")
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir)
    first = generation_bytes(live_generation(index_dir))
    for _ in range(13):
        index_paths([corpus], index_dir)
    view = ViewCache(index_dir).get()
    assert view.doc_count == view.doc_count_all == 150
    assert generation_bytes(live_generation(index_dir)) <= first * 1.10


def test_compact_merges_every_segment_and_keeps_every_live_article(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([write_corpus(tmp_path / "a.jsonl", 40, "a")], index_dir)
    index_paths([write_corpus(tmp_path / "b.jsonl", 40, "b")], index_dir)
    index_paths([write_corpus(tmp_path / "c.jsonl", 5, "a")], index_dir)  # replaces a-0 … a-4
    assert segment_count(index_dir) == 3
    before = live_ids(index_dir)
    report = compact(index_dir)
    assert (report.segments_before, report.segments_after, report.reclaimed) == (3, 1, 5)
    assert live_ids(index_dir) == before and len(before) == 80
    assert segment_count(index_dir) == 1
    assert compact(index_dir) is None, "a compact index has nothing to merge"


def test_a_compaction_that_fails_leaves_the_live_index_and_no_build(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    index_paths([write_corpus(tmp_path / "a.jsonl", 20, "a")], index_dir)
    index_paths([write_corpus(tmp_path / "b.jsonl", 2, "a")], index_dir)
    live = live_generation(index_dir)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FastSegmentWriter, "_flush_segment", full_disk)
    with pytest.raises(OSError):
        compact(index_dir)
    assert live_generation(index_dir) == live
    assert not list(index_dir.glob(".build-*"))
    assert len(live_ids(index_dir)) == 20


def test_a_failed_add_leaves_no_partial_segment_behind(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    index_paths([write_corpus(tmp_path / "a.jsonl", 5, "a")], index_dir)
    files = sorted(path.name for path in live_generation(index_dir).iterdir())

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("searchsvc.index.fastwriter.FastSegmentWriter._write_field", full_disk)
    with pytest.raises(OSError):
        index_paths([write_corpus(tmp_path / "b.jsonl", 5, "b")], index_dir)
    assert sorted(path.name for path in live_generation(index_dir).iterdir()) == files


def run_compact(index_dir) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "searchsvc", "compact", "--index-dir", str(index_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def test_kill_9_at_random_points_of_compact_leaves_a_consistent_index_and_the_next_run_works(tmp_path):
    index_dir = tmp_path / "index"
    for name in ("a", "b", "c"):
        index_paths([write_corpus(tmp_path / f"{name}.jsonl", 300, name)], index_dir)
    index_paths([write_corpus(tmp_path / "again.jsonl", 50, "a")], index_dir)
    before = live_ids(index_dir)
    started = time.monotonic()
    timing = tmp_path / "timing"
    subprocess.run(["cp", "-a", str(index_dir), str(timing)], check=True)
    _, stderr = run_compact(timing).communicate(timeout=120)
    assert not stderr, stderr.decode()
    full_run = time.monotonic() - started
    rng = random.Random(KILL_SEED)
    for fraction in sorted(rng.uniform(0.05, 1.0) for _ in range(10)):
        process = run_compact(index_dir)
        time.sleep(fraction * full_run)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        assert live_ids(index_dir) == before, f"killed at {fraction:.0%} of a compaction: articles changed"
        if process.returncode == 0:
            break
    finished = run_compact(index_dir)
    _, stderr = finished.communicate(timeout=120)
    assert finished.returncode == 0, stderr.decode()
    assert live_ids(index_dir) == before
    assert segment_count(index_dir) == 1
    assert not list(index_dir.glob(".build-*"))
