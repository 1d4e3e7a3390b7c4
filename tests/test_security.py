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


def test_production_app_runs_without_debug(sample_index_dir):
    app = create_app({"INDEX_DIR": str(sample_index_dir)})
    assert not app.debug and not app.testing
    assert app.config["PROPAGATE_EXCEPTIONS"] is not True
