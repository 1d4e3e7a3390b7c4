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


@pytest.fixture(scope="module")
def public_client(sample_index_dir):
    return create_app({"INDEX_DIR": str(sample_index_dir), "BASE_URL": "https://tin.example.gov.vn/"}).test_client()


@pytest.mark.parametrize("path", ["/feed.atom?q=giao+ban", "/opensearch.xml", "/api/search?format=csv"])
def test_absolute_links_come_from_the_base_url_never_from_the_host_header(public_client, path):
    body = public_client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in body
    assert "https://tin.example.gov.vn/" in body and "https://tin.example.gov.vn//" not in body


def test_a_doubled_slash_is_not_redirected_to_the_host_the_client_sent(public_client):
    response = public_client.get("/api//search", headers={"Host": "evil.example"})
    assert response.status_code == 404 and "Location" not in response.headers
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("url", ["tin.example.gov.vn", "ftp://x.vn", "https://x.vn/tim-kiem", "https://x.vn?a=1"])
def test_a_base_url_that_cannot_prefix_links_is_refused_at_start_up(sample_index_dir, url):
    with pytest.raises(ValueError, match="SEARCHSVC_BASE_URL"):
        create_app({"INDEX_DIR": str(sample_index_dir), "BASE_URL": url})
