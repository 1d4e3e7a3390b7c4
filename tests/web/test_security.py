"""Limits and exposure: oversized requests, the index folder, debug mode."""

import pytest

from searchsvc.web.app import create_app


@pytest.fixture(scope="module")
def client(sample_index_dir):
    return create_app({"INDEX_DIR": str(sample_index_dir)}).test_client()


def test_an_oversized_body_is_refused_before_it_is_read(client):
    response = client.get("/api/search", data=b"x" * (64 * 1024 + 1))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"]


@pytest.mark.parametrize("path", ["/index/current", "/index/.indexer.lock", "/static/../index/current",
                                  "/static/%2e%2e/index/current", "/current/_MAIN_1.toc", "/static/../pyproject.toml"])
def test_the_index_folder_and_project_files_are_never_served(client, sample_index_dir, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"_MAIN" not in response.data and b"[project]" not in response.data


def test_a_bug_in_production_answers_500_without_its_traceback(sample_index_dir, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("searchsvc.web.routes.search", broken)
    monkeypatch.setattr("searchsvc.web.pages.search", broken)
    client = create_app({"INDEX_DIR": str(sample_index_dir)}).test_client()
    for path, media_type in (("/api/search?q=x", "application/json"), ("/?q=x", "text/html")):
        response = client.get(path)
        assert response.status_code == 500 and response.mimetype == media_type
        text = response.get_data(as_text=True)
        assert "Traceback" not in text and "secret internals" not in text and "Werkzeug Debugger" not in text
