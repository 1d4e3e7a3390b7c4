"""Shared fixtures: the project's sample corpus indexed once per session, and the shared corpus when present."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from searchsvc.article import Article
from searchsvc.index.indexer import index_paths
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest, search

PROJECT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT / "samples"
SHARED = PROJECT.parent / "shared"


def make_article(**overrides) -> Article:
    values = {"id": "a-1", "title": "Tiêu đề", "body": "Nội dung bài viết."}
    values.update(overrides)
    return Article(**values)


@pytest.fixture(scope="session")
def sample_index_dir(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("index")
    report = index_paths([SAMPLES], index_dir)
    assert report.skipped == 0, report.errors
    return index_dir


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
