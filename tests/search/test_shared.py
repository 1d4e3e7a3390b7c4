"""The shared per-generation arrays answer exactly as Whoosh does, and are rebuilt whenever they cannot be trusted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from searchsvc.index.indexer import index_paths
from searchsvc.search import shared
from searchsvc.search.duplicates import lead_shingles, story_signature, title_key
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest, search

from conftest import HOT_IN_TESTS, write_corpus

QUERIES = ["hội nghị", "tinh bien", "xã", "ubnd huyện", '"phát triển"', "nong thon moi -covid", "thủy lợi", ""]


@pytest.fixture
def hot(monkeypatch):
    monkeypatch.setattr(shared, "HOT_POSTINGS", HOT_IN_TESTS)


def answers(index_dir: Path) -> list[dict]:
    view = ViewCache(index_dir).get()
    results = []
    for q in QUERIES:
        for filters in ({}, {"locality": ("89",)}):
            result = search(view, SearchRequest(q=q, filters=filters, per_page=50)).to_dict()
            result.pop("took_ms")
            results.append(result)
    return results


def shared_folders(index_dir: Path, kind: str = shared.SHARED_DIR) -> list[Path]:
    return [p for p in ((index_dir / "current").resolve() / kind).iterdir() if p.is_dir()]


def test_the_index_has_segments_deletions_and_frequent_terms(segmented_index_dir, hot):
    view = ViewCache(segmented_index_dir).get()
    assert len(view.leaves) > 1 and not view.live.all()
    assert view.shared.postings("content_folded", "xa") is not None


def test_shared_arrays_answer_exactly_like_postings_read_from_whoosh(segmented_index_dir, hot, monkeypatch):
    view = ViewCache(segmented_index_dir).get()
    checked = 0
    for field in shared.TEXT_FIELDS:
        terms, _ = view.shared._terms[field]
        for term in terms.tolist():
            docs, freqs = view.shared.postings(field, term.decode("utf-8"))
            expected = shared.read_postings(view.leaves, view.live, field, term)
            assert docs.tolist() == expected[0].tolist() and freqs.tolist() == expected[1].tolist()
            checked += 1
    assert checked > 100
    with_shared = answers(segmented_index_dir)
    monkeypatch.setattr(shared, "HOT_POSTINGS", 10**9)  # nothing frequent: every term read from Whoosh
    assert answers(segmented_index_dir) == with_shared


def test_story_arrays_hold_what_grouping_reads_of_each_stored_article(segmented_index_dir, hot):
    view = ViewCache(segmented_index_dir).get()
    for doc in range(view.doc_count_all):
        document = view.stored(doc)
        key, cut, lead = view.stories.signature(doc)
        expected_key, expected_cut, expected_lead = story_signature(document["title"], document["body"])
        assert (key, cut) == (expected_key, expected_cut) == title_key(document["title"])
        assert lead.tolist() == expected_lead.tolist() and len(lead) == len(lead_shingles(document["body"]))


def test_stale_story_arrays_are_rebuilt_for_other_rules_and_answers_stay(segmented_index_dir, hot, monkeypatch):
    before = answers(segmented_index_dir)
    [folder] = shared_folders(segmented_index_dir, shared.STORIES_DIR)
    monkeypatch.setattr(shared, "STORY_RULES", "other rules")
    assert answers(segmented_index_dir) == before
    [rebuilt] = shared_folders(segmented_index_dir, shared.STORIES_DIR)
    assert rebuilt.name != folder.name


def _delete_folder(folder: Path) -> None:
    shutil.rmtree(folder)


def _delete_file(folder: Path) -> None:
    (folder / "content_folded.docs").unlink()


def _truncate(folder: Path) -> None:
    with open(folder / "content.freqs", "r+b") as handle:
        handle.truncate(8)


def _scramble_terms(folder: Path) -> None:
    path = folder / "content_folded.terms"
    data = bytearray(path.read_bytes())
    data[: len(data) // 2] = bytes(reversed(data[: len(data) // 2]))
    path.write_bytes(bytes(data))


def _garbage_manifest(folder: Path) -> None:
    (folder / shared.MANIFEST).write_text("{not json", encoding="utf-8")


def _other_generation(folder: Path) -> None:
    manifest = json.loads((folder / shared.MANIFEST).read_text(encoding="utf-8"))
    manifest["key"]["generation"] += 1
    (folder / shared.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _delete_lead_hashes(folder: Path) -> None:
    (folder / "lead.hashes").unlink()


def _truncate_title_keys(folder: Path) -> None:
    with open(folder / "title_key.utf8", "r+b") as handle:
        handle.truncate(8)


def _scramble_lead_starts(folder: Path) -> None:
    path = folder / "lead.starts"
    path.write_bytes(bytes(reversed(path.read_bytes())))


@pytest.mark.parametrize(("derived", "damage"), [
    *((shared.POSTINGS, damage) for damage in (_delete_folder, _delete_file, _truncate, _scramble_terms,
                                               _garbage_manifest, _other_generation)),
    *((shared.STORIES, damage) for damage in (_delete_folder, _delete_lead_hashes, _truncate_title_keys,
                                              _scramble_lead_starts, _garbage_manifest, _other_generation)),
])
def test_missing_or_damaged_derived_arrays_are_rebuilt_with_the_same_answers(segmented_index_dir, hot, derived,
                                                                             damage):
    before = answers(segmented_index_dir)
    [folder] = shared_folders(segmented_index_dir, derived.folder)
    damage(folder)
    assert answers(segmented_index_dir) == before
    [rebuilt] = shared_folders(segmented_index_dir, derived.folder)
    view = ViewCache(segmented_index_dir).get()
    key = shared.generation_key(view.reader, derived)
    assert rebuilt.name == key["name"] and shared._valid_manifest(rebuilt, key) is not None


def test_each_commit_gets_its_arrays_before_any_reader_and_the_previous_ones_are_removed(tmp_path, hot):
    index_paths([write_corpus(tmp_path / "a.jsonl", 20, "a")], tmp_path / "index", prepare=shared.prepare)
    [first] = shared_folders(tmp_path / "index")
    index_paths([write_corpus(tmp_path / "b.jsonl", 20, "b")], tmp_path / "index", prepare=shared.prepare)
    [second] = shared_folders(tmp_path / "index")
    assert first.name != second.name
    view = ViewCache(tmp_path / "index").get()
    assert view.doc_count == 40 and view.shared.folder == second
    assert len(view.days) == len(view.field_lengths("content")) == view.doc_count_all
