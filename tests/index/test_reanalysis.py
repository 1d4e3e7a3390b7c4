"""Rebuilding from the stored articles when the analysis changes and the source files are gone."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from searchsvc.cli import cli
from searchsvc.errors import NotReanalysable
from searchsvc.index import indexer
from searchsvc.index.generations import live_generation
from searchsvc.index.indexer import index_paths
from searchsvc.index.reanalysis import reanalyse
from searchsvc.index.schema import INPUT
from searchsvc.index.sources import read_sources
from searchsvc.ingest import extract
from searchsvc.web.app import create_app

from conftest import SAMPLES


def stored_documents(index_dir) -> dict[str, dict]:
    with whoosh_index.open_dir(str(live_generation(index_dir))).reader() as reader:
        return {fields["document"]["id"]: fields["document"] for _, fields in reader.iter_docs()}


@pytest.fixture
def index_without_sources(tmp_path):
    """The sample corpus indexed from a copy that is then deleted, as when the scraper's folder was cleaned."""
    copy = tmp_path / "scraped"
    shutil.copytree(SAMPLES, copy)
    index_dir = tmp_path / "index"
    report = index_paths([copy], index_dir)
    assert report.skipped == 0, report.errors
    shutil.rmtree(copy)
    return index_dir


def test_reanalysing_with_the_same_rules_gives_back_every_stored_article_unchanged(index_without_sources):
    before = stored_documents(index_without_sources)
    sources = read_sources(live_generation(index_without_sources))
    generation = live_generation(index_without_sources)

    report = reanalyse(index_without_sources)

    assert live_generation(index_without_sources) != generation  # a new generation, swapped in whole
    assert report.indexed == len(before) == 11 and report.skipped == 0
    assert stored_documents(index_without_sources) == before  # bylines and given dates included
    assert read_sources(live_generation(index_without_sources)) == sources  # a watch need not read its folders again


def test_a_changed_byline_rule_reaches_every_article_without_its_file(index_without_sources, monkeypatch):
    """The authors come from the raw byline, which the displayed article does not hold: the index keeps it."""
    bylines = {article_id: document[INPUT]["byline"] for article_id, document in
               stored_documents(index_without_sources).items()}
    assert bylines["chau-doc-nong-thon-moi"] == "NGUYỄN HÂN" and bylines["tin-1"] == "KIM LOAN"
    monkeypatch.setattr(extract, "extract_byline", lambda byline, body: ((f"[{byline}]",) if byline else (), None))

    reanalyse(index_without_sources)

    authors = {article_id: document["authors"] for article_id, document in
               stored_documents(index_without_sources).items()}
    assert authors == {article_id: [f"[{byline}]"] if byline else [] for article_id, byline in bylines.items()}


def test_a_portal_s_article_keeps_the_portal_s_locality_when_analysed_again(tmp_path):
    """A portal's notice names no place; the portal is its place, and the index keeps who published it."""
    feed = tmp_path / "daksong.jsonl"
    feed.write_text(json.dumps({"id": "tb-01", "title": "Thông báo lịch tiếp công dân của Lãnh đạo UBND huyện",
                                "body": "Lịch tiếp công dân 6 tháng đầu năm.",
                                "source": "Trang TTĐT huyện Đắk Song (daksong.daknong.gov.vn)"}, ensure_ascii=False),
                    encoding="utf-8")
    index_dir = tmp_path / "index"
    index_paths([feed], index_dir)
    feed.unlink()
    reanalyse(index_dir)
    [document] = stored_documents(index_dir).values()
    assert {(place["name"], place["role"]) for place in document["localities"]} == {("Đắk Song", "main"),
                                                                                   ("Đắk Nông", "main")}


def test_the_stored_input_is_not_shown_to_readers(index_without_sources):
    client = create_app({"INDEX_DIR": str(index_without_sources), "TESTING": True}).test_client()
    article = client.get("/api/articles/tin-1").get_json()
    assert sorted(article) == sorted(["id", "title", "body", "url", "published", "published_source", "authors",
                                      "source_credit", "localities", "directives", "category"])


def test_an_index_stored_before_it_kept_its_input_is_refused_with_the_command_to_run(tmp_path, monkeypatch):
    def without_input(article, parsed=None, **options):
        document = article_to_document(article, parsed, **options)
        del document["document"][INPUT]
        return document

    article_to_document = indexer.article_to_document
    with monkeypatch.context() as patch:
        patch.setattr(indexer, "article_to_document", without_input)
        index_paths([SAMPLES], tmp_path / "index")
    generation = live_generation(tmp_path / "index")
    before = stored_documents(tmp_path / "index")

    with pytest.raises(NotReanalysable) as refused:
        reanalyse(tmp_path / "index")
    assert refused.value.count == 11
    result = CliRunner().invoke(cli, ["reanalyze", "--index-dir", str(tmp_path / "index")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "11 bài" in result.output and "searchsvc index --rebuild" in result.output

    assert live_generation(tmp_path / "index") == generation and stored_documents(tmp_path / "index") == before
    assert sorted(path.name for path in (tmp_path / "index").iterdir() if path.name.startswith(".build")) == []
