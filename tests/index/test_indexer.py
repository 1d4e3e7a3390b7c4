import json
import multiprocessing
import os
from pathlib import Path

import pytest

from searchsvc.errors import IndexBusy
from searchsvc.index.indexer import index_paths
from searchsvc.index.generations import CURRENT, LOCK_FILE, indexer_lock, live_generation
from searchsvc.search.postings import ViewCache


def write_feed(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return path


def record(article_id: str, title: str, body: str = "Nội dung bài viết về xã Văn Giáo.") -> dict:
    return {"id": article_id, "title": title, "body": body}


def titles(index_dir: Path) -> dict[str, str]:
    view = ViewCache(index_dir).get()
    return {view.stored(doc)["id"]: view.stored(doc)["title"] for doc in range(view.doc_count_all) if view.live[doc]}


def test_indexing_the_same_id_again_replaces_it(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([write_feed(tmp_path / "a.jsonl", [record("x", "Bản cũ"), record("y", "Tin khác")])], index_dir)
    report = index_paths([write_feed(tmp_path / "b.jsonl", [record("x", "Bản mới")])], index_dir)
    assert (report.indexed, report.updated) == (0, 1)
    assert titles(index_dir) == {"x": "Bản mới", "y": "Tin khác"}


def test_a_repeated_id_within_one_run_keeps_the_last_record(tmp_path):
    feed = write_feed(tmp_path / "a.jsonl", [record("x", "Lần một"), record("x", "Lần hai"), record("z", "Khác")])
    report = index_paths([feed], tmp_path / "index")
    assert (report.indexed, report.updated) == (2, 1)
    assert titles(tmp_path / "index") == {"x": "Lần hai", "z": "Khác"}


def test_bad_records_are_skipped_and_reported_while_good_ones_are_indexed(tmp_path):
    feed = tmp_path / "a.jsonl"
    feed.write_text(json.dumps(record("ok", "Tin tốt")) + "\n{broken\n", encoding="utf-8")
    report = index_paths([feed, tmp_path / "nowhere.txt"], tmp_path / "index")
    assert report.indexed == 1 and report.skipped == 2
    assert [str(e).split(": ")[0] for e in report.errors] == [str(tmp_path / "nowhere.txt"), f"{feed}:2"]


def test_rebuild_swaps_in_a_new_generation_and_keeps_the_previous_one(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([write_feed(tmp_path / "a.jsonl", [record("old", "Tin cũ")])], index_dir)
    first = live_generation(index_dir)
    index_paths([write_feed(tmp_path / "b.jsonl", [record("new", "Tin mới")])], index_dir, rebuild=True,
                allow_drop=True)
    assert live_generation(index_dir) != first and first.exists()
    assert titles(index_dir) == {"new": "Tin mới"}
    assert (index_dir / CURRENT).is_symlink()


def test_a_failed_rebuild_leaves_the_live_index_and_no_leftovers(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    index_paths([write_feed(tmp_path / "a.jsonl", [record("keep", "Giữ lại")])], index_dir)

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("searchsvc.index.generations.swap_current", explode)
    with pytest.raises(OSError):
        index_paths([write_feed(tmp_path / "b.jsonl", [record("lost", "Mất")])], index_dir, rebuild=True,
                    allow_drop=True)
    assert titles(index_dir) == {"keep": "Giữ lại"}
    assert not list(index_dir.glob(".build-*"))


def _hold_lock(index_dir, ready, release):
    with indexer_lock(Path(index_dir)):
        ready.set()
        release.wait(10)


def test_a_second_indexer_is_refused_while_one_runs(tmp_path):
    index_dir = tmp_path / "index"
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(index_dir), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(IndexBusy):
            index_paths([write_feed(tmp_path / "a.jsonl", [record("x", "Tin")])], index_dir)
    finally:
        release.set()
        holder.join(10)
    assert (index_dir / LOCK_FILE).exists()
    index_paths([write_feed(tmp_path / "a.jsonl", [record("x", "Tin")])], index_dir)
    assert titles(index_dir) == {"x": "Tin"}


def test_readers_follow_a_new_generation_without_reopening_by_hand(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([write_feed(tmp_path / "a.jsonl", [record("a", "Một")])], index_dir)
    cache = ViewCache(index_dir)
    before = cache.get()
    index_paths([write_feed(tmp_path / "b.jsonl", [record("b", "Hai")])], index_dir)
    after = cache.get()
    assert after is not before and after.doc_count == 2
    assert cache.get() is after


def test_a_rebuild_splits_into_segments_and_searches_across_them(tmp_path, monkeypatch):
    monkeypatch.setattr("searchsvc.index.indexer.SEGMENT_DOCUMENTS", 3)
    feed = write_feed(tmp_path / "a.jsonl", [record(f"n{i}", f"Tin số {i}", "Hội nghị giao ban") for i in range(8)])
    index_paths([feed], tmp_path / "index", rebuild=True)
    view = ViewCache(tmp_path / "index").get()
    assert len(view.leaves) == 3
    assert len(view.postings("content_folded", "giao").docs) == 8
    assert set(titles(tmp_path / "index")) == {f"n{i}" for i in range(8)}


def test_a_repeated_id_keeps_its_last_record_across_rebuild_segments(tmp_path, monkeypatch):
    monkeypatch.setattr("searchsvc.index.indexer.SEGMENT_DOCUMENTS", 3)
    records = [record(f"n{i}", f"Tin số {i}") for i in range(7)] + [record("n1", "Bản sau cùng"), record("n6", "Sửa")]
    report = index_paths([write_feed(tmp_path / "a.jsonl", records)], tmp_path / "index", rebuild=True)
    assert (report.indexed, report.updated) == (7, 2)
    found = titles(tmp_path / "index")
    assert len(found) == 7 and found["n1"] == "Bản sau cùng" and found["n6"] == "Sửa"
    assert ViewCache(tmp_path / "index").get().doc_count == 7


def test_an_index_built_before_the_package_split_still_opens_and_answers(tmp_path):
    import shutil

    from searchsvc.search.service import SearchRequest, search

    legacy = Path(__file__).parent / "data" / "index-before-split"
    shutil.copytree(legacy, tmp_path / "index", symlinks=True)
    page = search(ViewCache(tmp_path / "index").get(), SearchRequest(q="khoa giáo")).to_dict()
    assert [hit["id"] for hit in page["results"]] == ["tinh-bien-giao-ban-khoa-giao"]


def test_a_small_commit_flushes_only_the_files_it_wrote(tmp_path, monkeypatch):
    """Flushing the whole index on every write made each small commit cost as much as the index is large."""
    index_dir = tmp_path / "index"
    index_paths([write_feed(tmp_path / "a.jsonl", [record(f"a{n}", f"Tin {n}") for n in range(30)])], index_dir)
    before = set(live_generation(index_dir).iterdir())
    flushed = []
    real_fsync = os.fsync

    def recording_fsync(descriptor: int) -> None:
        flushed.append(Path(os.readlink(f"/proc/self/fd/{descriptor}")))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    index_paths([write_feed(tmp_path / "b.jsonl", [record("b", "Tin mới")])], index_dir)
    generation = live_generation(index_dir)
    written = {path for path in flushed if path.parent == generation and path.is_file()}
    assert written and not written & before
    assert {"b", "a0", "a29"} <= set(titles(index_dir))
