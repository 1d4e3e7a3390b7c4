"""Hostile records and files: each is reported as ``path:line: reason`` (or repaired), the rest of the run is indexed,
the live index stays intact, and nothing it holds can break a page."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchsvc.cli import cli
from searchsvc.errors import InvalidParameter
from searchsvc.index.generations import CURRENT
from searchsvc.index.indexer import index_paths
from searchsvc.ingest.parse import MAX_FIELD_CHARACTERS
from searchsvc.search.postings import ViewCache
from searchsvc.web.app import create_app

GOOD = {"id": "tot", "title": "Hội nghị giao ban khối khoa giáo", "body": "Chiều 5/3, huyện tổ chức hội nghị."}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(index_dir: Path) -> dict[str, dict]:
    view = ViewCache(index_dir).get()
    return {view.stored(doc)["id"]: view.stored(doc) for doc in range(view.doc_count_all) if view.live[doc]}


def test_a_lone_surrogate_in_a_title_is_repaired_and_every_page_still_answers(tmp_path):
    # json.dumps escapes the surrogate as \udfff, which json.loads turns back into a lone surrogate.
    feed = write_lines(tmp_path / "a.jsonl", [json.dumps({"id": "x\udfff", "title": "Tin \udfff mới", "body": "Nội dung"}),
                                              json.dumps({"id": "x", "title": "Tin \udfff mới", "body": "Nội dung"}),
                                              json.dumps(GOOD, ensure_ascii=False)])
    report = index_paths([feed], tmp_path / "index")
    assert (report.indexed, report.skipped) == (2, 1)
    assert str(report.errors[0]).startswith(f"{feed}:1: mã «x\\udfff» không hợp lệ")
    assert stored(tmp_path / "index")["x"]["title"] == "Tin \ufffd mới"
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    for path in ("/", "/api/search", "/api/search?q=tin", "/feed.atom", "/api/suggest?q=tin", "/articles/x"):
        assert client.get(path).status_code == 200, path


def test_nesting_a_hundred_thousand_deep_is_a_reason_and_the_other_lines_are_indexed(tmp_path):
    feed = write_lines(tmp_path / "a.jsonl", [json.dumps(GOOD, ensure_ascii=False), "[" * 100_000 + "]" * 100_000,
                                              '{"id": "hai", "title": "Tin hai", "body": "Nội dung"}'])
    report = index_paths([feed], tmp_path / "index")
    assert report.indexed == 2
    assert [str(error) for error in report.errors] == [f"{feed}:2: JSON lồng nhau quá sâu"]


def test_a_file_name_that_is_not_utf8_is_refused_and_named_with_its_bytes_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"tin-\xff.txt")
    (folder / name).write_text("Cổng thông tin\nTiêu đề bài\nĐoạn một của bài viết.\n", encoding="utf-8")
    (folder / "hong.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["index", "--index-dir", str(tmp_path / "index"), str(folder)])
    assert result.exit_code == 0, result.output
    assert "Đã lập chỉ mục 0 bài" in result.output
    assert "tên tệp «tin-\\udcff» không dùng được làm mã bài viết" in result.output


def test_an_unreadable_feed_is_a_reason_and_the_run_goes_on(tmp_path, monkeypatch):
    locked = write_lines(tmp_path / "khoa.jsonl", [json.dumps(GOOD)])
    other = write_lines(tmp_path / "mo.jsonl", ['{"id": "mo", "title": "Tin mở", "body": "Nội dung"}'])
    real_open = Path.open

    def refuse(self, *args, **kwargs):  # root reads any file, so a permission error is simulated
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    report = index_paths([locked, other], tmp_path / "index")
    assert report.indexed == 1
    assert [str(error) for error in report.errors] == [f"{locked}: không đọc được tệp (Permission denied)"]


def test_links_out_of_the_input_folders_are_not_followed(tmp_path):
    outside = write_lines(tmp_path / "secret.txt", ["Trang", "Mật khẩu", "root:x:0:0"])
    folder = tmp_path / "in"
    folder.mkdir()
    write_lines(folder / "that.jsonl", [json.dumps(GOOD, ensure_ascii=False)])
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "alias.jsonl").symlink_to(folder / "that.jsonl")
    report = index_paths([folder], tmp_path / "index")
    assert list(stored(tmp_path / "index")) == ["tot"]
    assert [str(error) for error in report.errors] == [
        f"{folder / 'passwd.txt'}: liên kết trỏ ra ngoài các thư mục đầu vào, bỏ qua"]


def test_ids_that_would_collide_once_cleaned_are_both_refused_by_line(tmp_path):
    feed = write_lines(tmp_path / "a.jsonl", [json.dumps({"id": "bai 1", "title": "Bản một", "body": "Nội dung"}),
                                              json.dumps({"id": "bai\x001", "title": "Bản hai", "body": "Nội dung"})])
    report = index_paths([feed], tmp_path / "index")
    assert (report.indexed, report.skipped) == (0, 2)
    assert [str(error).split(" không hợp lệ")[0] for error in report.errors] == [
        f"{feed}:1: mã «bai 1»", f"{feed}:2: mã «bai\\x001»"]


def test_titles_and_short_fields_are_cut_to_their_limits(tmp_path):
    record = {"id": "dai", "title": "hội nghị " * 200_000, "body": "Nội dung", "url": "https://x.vn/" + "a" * 10_000,
              "category": "c" * 5000, "author": "Nguyễn " * 1000}
    index_paths([write_lines(tmp_path / "a.jsonl", [json.dumps(record, ensure_ascii=False)])], tmp_path / "index")
    document = stored(tmp_path / "index")["dai"]
    assert len(document["title"]) == MAX_FIELD_CHARACTERS["title"]
    assert len(document["url"]) == MAX_FIELD_CHARACTERS["url"]


def test_the_live_index_is_intact_after_a_run_of_hostile_files(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([write_lines(tmp_path / "a.jsonl", [json.dumps(GOOD, ensure_ascii=False)])], index_dir)
    hostile = write_lines(tmp_path / "b.jsonl", ["[" * 100_000, '{"id": 5}', '"một chuỗi"',
                                                      '{"id": "moi", "title": "Mới"}'])
    report = index_paths([hostile, tmp_path / "khong-co"], index_dir)
    assert (report.indexed, report.skipped) == (1, 4)
    assert set(stored(index_dir)) == {"tot", "moi"}


def test_a_generation_given_as_the_index_folder_is_refused(tmp_path):
    index_dir = tmp_path / "index"
    feed = write_lines(tmp_path / "a.jsonl", [json.dumps(GOOD, ensure_ascii=False)])
    index_paths([feed], index_dir)
    with pytest.raises(InvalidParameter, match="thế hệ bên trong thư mục chỉ mục"):
        index_paths([feed], index_dir / CURRENT)
    result = CliRunner().invoke(cli, ["index", "--index-dir", str(index_dir / CURRENT), str(feed)])
    assert result.exit_code == 1 and "hãy chỉ thư mục chứa nó" in result.output


def test_a_record_stored_before_the_repair_is_repaired_on_the_way_out(tmp_path, monkeypatch):
    monkeypatch.setattr("searchsvc.ingest.parse.repair_text", lambda text: text)  # an index built by older code
    record = {"id": "cu", "title": "Tin cũ", "body": "Nội dung", "url": "https://x.vn/\udfff"}
    index_paths([write_lines(tmp_path / "a.jsonl", [json.dumps(record)])], tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    assert client.get("/api/articles/cu").get_json()["url"] == "https://x.vn/\ufffd"
    assert client.get("/?q=tin").status_code == 200
