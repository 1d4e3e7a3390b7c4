"""Deleting an article, the id rule, and rebuilds that would lose articles: what an operator and a reader see."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from searchsvc.article import MAX_ID_LENGTH, id_problem
from searchsvc.cli import cli
from searchsvc.errors import RebuildWouldDrop
from searchsvc.index.indexer import delete_articles, index_paths
from searchsvc.ingest.parse import read_articles
from searchsvc.web.app import create_app

from conftest import SAMPLES

RETRACTED = "tinh-bien.2020_rút~1"
RECORD = {
    "id": RETRACTED,
    "title": "Tịnh Biên triển khai Chỉ thị 05-CT/TW về học tập và làm theo Bác tại xã Văn Giáo",
    "body": "Ngày 30/9/2020, Đảng ủy xã Văn Giáo, huyện Tịnh Biên, tỉnh An Giang tổ chức hội nghị quán triệt "
            "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, "
            "đạo đức, phong cách Hồ Chí Minh.",
    "published": "2020-09-30",
    "author": "LÝ THỊ RÚT",
}


def write_feed(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def index_dir(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([SAMPLES, write_feed(tmp_path / "extra.jsonl", [RECORD])], index_dir)
    return index_dir


def everything_a_reader_sees(client) -> dict:
    """Every route that lists articles or counts them, as the JSON (or text) a reader gets."""
    def json_of(path, **params):
        response = client.get(path, query_string=params)
        return response.status_code, response.get_json()

    return {
        "article": json_of("/api/articles/" + quote(RETRACTED, safe=""))[0],
        "page": client.get("/articles/" + quote(RETRACTED, safe="")).status_code,
        "search": json_of("/api/search", q="Văn Giáo học tập làm theo Bác", per_page=100)[1],
        "all": json_of("/api/search", per_page=100)[1],
        "directives": json_of("/api/directives")[1],
        "authors": json_of("/api/facets/author", q="ly thi rut")[1],
        "suggest": json_of("/api/suggest", q="van giao hoc tap lam th")[1],
        "feed": client.get("/feed.atom", query_string={"q": "Văn Giáo"}).get_data(as_text=True),
    }


def test_a_deleted_article_is_gone_from_every_route_at_once(index_dir):
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    before = everything_a_reader_sees(client)
    assert (before["article"], before["page"]) == (200, 200)
    assert RETRACTED in {hit["id"] for hit in before["search"]["results"]}
    assert any(quote(RETRACTED, safe="") in item["url"] for item in before["suggest"]["suggestions"])
    assert quote(RETRACTED, safe="") in before["feed"]

    report = delete_articles([RETRACTED], index_dir)
    assert (report.deleted, report.missing) == (1, [])

    after = everything_a_reader_sees(client)
    assert (after["article"], after["page"]) == (404, 404)
    assert RETRACTED not in {hit["id"] for hit in after["search"]["results"]}
    assert after["all"]["total"] == before["all"]["total"] - 1
    assert RETRACTED not in {hit["id"] for hit in after["all"]["results"]}
    assert not any(quote(RETRACTED, safe="") in item["url"] for item in after["suggest"]["suggestions"])
    assert quote(RETRACTED, safe="") not in after["feed"]
    # LÝ THỊ RÚT writes only this article; 05-CT/TW is cited by others too.
    assert before["authors"]["values"] and not after["authors"]["values"]
    counts = {facet: {v["value"]: v["count"] for v in values} for facet, values in after["all"]["facets"].items()}
    before_counts = {facet: {v["value"]: v["count"] for v in values}
                     for facet, values in before["all"]["facets"].items()}
    assert "ly-thi-rut" in before_counts["author"] and "ly-thi-rut" not in counts["author"]
    directive = {d["id"]: d["count"] for d in before["directives"]["directives"]}
    directive_after = {d["id"]: d["count"] for d in after["directives"]["directives"]}
    cited = [d for d in directive if directive_after.get(d, 0) != directive[d]]
    assert cited and all(directive_after.get(d, 0) == directive[d] - 1 for d in cited)


def test_cli_deletes_ids_from_arguments_and_from_a_file_and_names_the_missing(index_dir, tmp_path):
    ids = tmp_path / "retracted.txt"
    ids.write_text(f"{RETRACTED}\n\nphu-my-thuy-loi\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["delete", "--index-dir", str(index_dir), "--from-file", str(ids), "no-such-id"])
    assert result.exit_code == 0, result.output
    assert "Đã xoá 2 bài" in result.output and "Không có bài «no-such-id»" in result.output
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/api/articles/phu-my-thuy-loi").status_code == 404


def test_a_bad_id_in_the_file_is_named_by_line_and_nothing_is_deleted(index_dir, tmp_path):
    ids = tmp_path / "retracted.txt"
    ids.write_text(f"{RETRACTED}\n../etc\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["delete", "--index-dir", str(index_dir), "--from-file", str(ids)])
    assert result.exit_code == 1
    assert f"{ids}:2: mã «../etc» không hợp lệ" in result.output
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/api/articles/" + quote(RETRACTED, safe="")).status_code == 200


VALID_IDS = ["1", "a.b", "a..b", "x~y", "A_B-c", "Tịnh-Biên", "a" * MAX_ID_LENGTH, "baomoi-21478619.", "đ~.~-_"]
INVALID_IDS = [".", "..", "/", "a/b", "a b", " a", "a?b", "a#b", "a%2Fb", "-a", "_a", "~a", ".hidden",
               "a" * (MAX_ID_LENGTH + 1), "a\u200bb", "tab\tid", "a&b", "a+b"]


@pytest.mark.parametrize("article_id", INVALID_IDS)
def test_an_id_that_breaks_the_rule_is_a_path_line_error_never_changed(tmp_path, article_id):
    feed = write_feed(tmp_path / "a.jsonl", [{"id": "ok", "title": "Tin", "body": "Nội dung"},
                                             {"id": article_id, "title": "Tin", "body": "Nội dung"}])
    items = list(read_articles(feed))
    assert items[0].id == "ok"
    assert str(items[1]).startswith(f"{feed}:2: mã «") and "không hợp lệ" in str(items[1])
    assert id_problem(article_id)


def test_a_text_file_whose_name_breaks_the_rule_is_refused_by_name(tmp_path):
    path = tmp_path / "bản tin.txt"
    path.write_text("Trang\nTiêu đề\nNội dung bài.", encoding="utf-8")
    (error,) = read_articles(path)
    assert str(error).startswith(f"{path}: tên tệp «bản tin» không dùng được làm mã bài viết")


def test_every_valid_id_round_trips_through_its_page_and_api_url(tmp_path):
    index_dir = tmp_path / "index"
    decomposed = unicodedata.normalize("NFD", "Hòa-Bình")
    records = [{"id": i, "title": f"Tin số {n}", "body": "Nội dung"} for n, i in enumerate(VALID_IDS + [decomposed])]
    report = index_paths([write_feed(tmp_path / "a.jsonl", records)], index_dir)
    assert (report.indexed, report.skipped) == (len(records), 0)
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    for article_id in VALID_IDS + ["Hòa-Bình"]:
        for prefix in ("/api/articles/", "/articles/"):
            response = client.get(prefix + quote(article_id, safe=""), headers={"Accept": "application/json"})
            assert response.status_code == 200, (prefix, article_id)
            assert response.get_json()["id"] == unicodedata.normalize("NFC", article_id)
    hits = client.get("/api/search", query_string={"q": "Tin số", "per_page": 100}).get_json()["results"]
    assert {hit["id"] for hit in hits} == set(VALID_IDS) | {"Hòa-Bình"}


def test_a_rebuild_that_would_drop_articles_says_how_many_and_needs_the_flag(index_dir, tmp_path):
    with pytest.raises(RebuildWouldDrop) as refused:
        index_paths([SAMPLES], index_dir, rebuild=True)
    assert refused.value.count == 1 and RETRACTED in refused.value.message
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/api/articles/" + quote(RETRACTED, safe="")).status_code == 200
    result = CliRunner().invoke(cli, ["index", "--index-dir", str(index_dir), "--rebuild", str(SAMPLES)])
    assert result.exit_code == 1 and "Dựng lại sẽ bỏ 1 bài" in result.output and "--allow-drop" in result.output
    result = CliRunner().invoke(cli, ["index", "--index-dir", str(index_dir), "--rebuild", "--allow-drop", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/articles/" + quote(RETRACTED, safe="")).status_code == 404


def test_type_ahead_completes_no_word_that_only_deleted_articles_held(tmp_path, monkeypatch):
    """«tru» completes to the most frequent title word it begins: «trung» while three articles hold it, «trường»
    (two articles) once they are deleted, before any compaction reclaims them."""
    from searchsvc.index import compaction
    from searchsvc.search.postings import ViewCache
    from searchsvc.search.typeahead import complete_last_word, suggest_as_you_type

    monkeypatch.setattr(compaction, "DELETED_SHARE", 1.0)  # keep the deleted documents in their segment
    records = [{"id": f"trung-{n}", "title": f"Hội nghị Trung tâm y tế số {n}", "body": "Nội dung."} for n in range(3)]
    records += [{"id": f"truong-{n}", "title": f"Khai giảng Trường tiểu học số {n}", "body": "Nội dung."}
                for n in range(2)]
    index_dir = tmp_path / "index"
    index_paths([write_feed(tmp_path / "tin.jsonl", records)], index_dir)
    assert complete_last_word(ViewCache(index_dir).get(), "tru") == "trung"

    delete_articles([f"trung-{n}" for n in range(3)], index_dir)

    view = ViewCache(index_dir).get()
    assert view.doc_count < view.doc_count_all  # the deleted documents are still in the segment
    assert complete_last_word(view, "tru") == "truong"
    assert [item["label"] for item in suggest_as_you_type(view, "tru") if item["kind"] == "title"] == [
        "Khai giảng Trường tiểu học số 0", "Khai giảng Trường tiểu học số 1"]
