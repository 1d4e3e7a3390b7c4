"""Shared fixtures: the project's sample corpus indexed once per session, and the shared corpus when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from searchsvc.article import Article
from searchsvc.index import compaction, indexer
from searchsvc.index.indexer import index_paths
from searchsvc.ingest.parse import iter_input_files, read_articles
from searchsvc.search import shared
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest, search

PROJECT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT / "samples"
SHARED = PROJECT.parent / "shared"
# A threshold of a few postings puts most terms of a test index in its shared arrays.
HOT_IN_TESTS = 3


def make_article(**overrides) -> Article:
    values = {"id": "a-1", "title": "Tiêu đề", "body": "Nội dung bài viết."}
    values.update(overrides)
    return Article(**values)


def write_corpus(path: Path, count: int, prefix: str) -> Path:
    """``count`` articles made from the sample corpus under new ids, as JSON Lines."""
    samples = [a for p in iter_input_files([SAMPLES]) for a in read_articles(p)]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            article = samples[number % len(samples)]
            record = {"id": f"{prefix}-{number}", "title": f"{article.title} ({number})",
                      "body": article.body, "author": article.byline}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def sample_index_dir(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("index")
    report = index_paths([SAMPLES], index_dir)
    assert report.skipped == 0, report.errors
    return index_dir


@pytest.fixture(scope="session")
def segmented_index_dir(tmp_path_factory):
    """120 articles in several segments (a rebuild in small segments) and deleted documents (an add that replaces 30 ids),
    and (with ``HOT_IN_TESTS``) many terms in the shared arrays."""
    folder = tmp_path_factory.mktemp("shared")
    corpus = write_corpus(folder / "all.jsonl", 120, "doc")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexer, "SEGMENT_DOCUMENTS", 50)
        patch.setattr(compaction, "DELETED_SHARE", 1.0)  # keep the deleted documents: what the tests are about
        patch.setattr(shared, "HOT_POSTINGS", HOT_IN_TESTS)
        index_paths([corpus], folder / "index", rebuild=True)
        lines = corpus.read_text(encoding="utf-8").splitlines()[:30]
        (folder / "again.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        index_paths([folder / "again.jsonl"], folder / "index")
    return folder / "index"


@pytest.fixture(scope="session")
def sample_view(sample_index_dir):
    return ViewCache(sample_index_dir).get()


@pytest.fixture
def run_search(sample_view):
    """Search the sample index with request arguments as the API would receive them."""

    def run(**args):
        return search(sample_view, SearchRequest.from_pairs(MultiDict(args).items(multi=True)))

    return run


@pytest.fixture(scope="module")
def app(sample_index_dir):
    from searchsvc.web.app import create_app

    return create_app({"INDEX_DIR": str(sample_index_dir), "TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"the shared corpus is not at {corpus}")
    return corpus
