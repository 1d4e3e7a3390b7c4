"""Every bad input to the API gets the one error shape, ``{"error": {"code", "message", "param"}}``, and its status."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchsvc.web.app import create_app

LONG = "a" * 1001

# (raw path with query string, status, code, param)
BAD_REQUESTS = [
    # unknown and repeated parameters, on every route
    ("/api/search?qq=x", 400, "unknown_parameter", "qq"),
    ("/api/search?q=x&Q=y", 400, "unknown_parameter", "Q"),
    ("/api/search?q=a&q=b", 400, "invalid_parameter", "q"),
    ("/api/search?page=1&page=2", 400, "invalid_parameter", "page"),
    ("/api/facets/locality?query=x", 400, "unknown_parameter", "query"),
    ("/api/facets/locality?q=a&q=b", 400, "invalid_parameter", "q"),
    ("/api/articles/tin-1?full=1", 400, "unknown_parameter", "full"),
    ("/api/directives?page=2", 400, "unknown_parameter", "page"),
    ("/api/directives/chi-thi-5-tw?x=1", 400, "unknown_parameter", "x"),
    ("/api/analyze?text=a&lang=vi", 400, "unknown_parameter", "lang"),
    ("/healthz?verbose=1", 400, "unknown_parameter", "verbose"),
    ("/api/openapi.json?v=2", 400, "unknown_parameter", "v"),
    # page and page size
    ("/api/search?page=0", 400, "invalid_parameter", "page"),
    ("/api/search?page=-1", 400, "invalid_parameter", "page"),
    ("/api/search?page=abc", 400, "invalid_parameter", "page"),
    ("/api/search?page=1.5", 400, "invalid_parameter", "page"),
    ("/api/search?page=%C2%B2", 400, "invalid_parameter", "page"),
    ("/api/search?page=+1", 400, "invalid_parameter", "page"),
    ("/api/search?page=1001", 400, "invalid_parameter", "page"),
    ("/api/search?page=99999999999999999999999", 400, "invalid_parameter", "page"),
    ("/api/search?per_page=0", 400, "invalid_parameter", "per_page"),
    ("/api/search?per_page=101", 400, "invalid_parameter", "per_page"),
    ("/api/search?per_page=ten", 400, "invalid_parameter", "per_page"),
    ("/api/facets/author?limit=0", 400, "invalid_parameter", "limit"),
    ("/api/facets/author?limit=101", 400, "invalid_parameter", "limit"),
    ("/api/facets/author?limit=x", 400, "invalid_parameter", "limit"),
    # dates
    ("/api/search?date_from=2020-13-01", 400, "invalid_parameter", "date_from"),
    ("/api/search?date_from=2020-02-30", 400, "invalid_parameter", "date_from"),
    ("/api/search?date_from=20200101", 400, "invalid_parameter", "date_from"),
    ("/api/search?date_from=2020-W01-1", 400, "invalid_parameter", "date_from"),
    ("/api/search?date_from=31/02/2020", 400, "invalid_parameter", "date_from"),
    ("/api/search?date_from=2020/02/01", 400, "invalid_parameter", "date_from"),
    ("/api/search?date_to=h%C3%B4m+nay", 400, "invalid_parameter", "date_to"),
    ("/api/search?date_to=2020-1-1", 400, "invalid_parameter", "date_to"),
    ("/api/search?date_from=2021-01-01&date_to=2020-01-01", 400, "invalid_parameter", "date_from"),
    # other values
    ("/api/search?sort=best", 400, "invalid_parameter", "sort"),
    (f"/api/search?q={LONG}", 400, "invalid_parameter", "q"),
    (f"/api/facets/directive?q={LONG}", 400, "invalid_parameter", "q"),
    ("/api/analyze", 400, "invalid_parameter", "text"),
    (f"/api/analyze?text={'a' * 10_001}", 400, "invalid_parameter", "text"),
    # invalid UTF-8 in the query string, in a value or a name, percent-encoded or raw
    ("/api/search?q=%FF", 400, "invalid_encoding", "q"),
    ("/api/search?q=ch%E1%BB", 400, "invalid_encoding", "q"),
    ("/api/search?q=%C3%28", 400, "invalid_encoding", "q"),
    ("/api/search?q=%ED%A0%80", 400, "invalid_encoding", "q"),  # an encoded UTF-16 surrogate
    ("/api/search?q=%C0%AF", 400, "invalid_encoding", "q"),  # overlong "/"
    ("/api/search?locality=%FE%FF", 400, "invalid_encoding", "locality"),
    ("/api/facets/locality?q=t%ECnh", 400, "invalid_encoding", "q"),
    ("/api/analyze?text=%80", 400, "invalid_encoding", "text"),
    ("/healthz?%FF=1", 400, "invalid_encoding", "\ufffd"),
    # unknown paths and ids
    ("/api/nope", 404, "not_found", None),
    ("/api", 404, "not_found", None),
    ("/api/search/more", 404, "not_found", None),
    ("/api/articles/no-such-article", 404, "not_found", "id"),
    ("/api/articles/%FF", 404, "not_found", "id"),
    ("/api/directives/no-such-directive", 404, "not_found", "id"),
    ("/api/facets/province", 404, "not_found", "name"),
    ("/api/facets/", 404, "not_found", None),
]


def assert_error_shape(response, status: int, code: str | None = None, param: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) <= {"error", "errors"}
    for error in [body["error"], *body.get("errors", [])]:
        assert set(error) == {"code", "message", "param"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    if code is not None:
        assert body["error"]["code"] == code
        assert body["error"]["param"] == param


@pytest.mark.parametrize(("path", "status", "code", "param"), BAD_REQUESTS, ids=[r[0][:60] for r in BAD_REQUESTS])
def test_bad_request_gets_the_one_error_shape(client, path, status, code, param):
    assert_error_shape(client.get(path), status, code, param)


def test_every_bad_parameter_of_a_request_is_reported(client):
    response = client.get("/api/search?page=0&per_page=500&sort=best&colour=red&q=a&q=b")
    assert_error_shape(response, 400, "unknown_parameter", "colour")
    reported = [(error["code"], error["param"]) for error in response.get_json()["errors"]]
    assert sorted(reported) == sorted([("unknown_parameter", "colour"), ("invalid_parameter", "q"),
                                       ("invalid_parameter", "sort"), ("invalid_parameter", "page"),
                                       ("invalid_parameter", "per_page")])


def test_a_page_lists_every_bad_parameter_too(client):
    response = client.get("/?page=0&per_page=500", headers={"Accept": "text/html"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "«page» phải là số nguyên từ 1 đến 1000." in text and "«per_page» phải là số nguyên từ 1 đến 100." in text


def test_raw_bytes_that_are_not_utf8_are_refused(client):
    response = client.get("/api/search", environ_overrides={"QUERY_STRING": b"q=\xff".decode("latin-1")})
    assert_error_shape(response, 400, "invalid_encoding", "q")


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("path", ["/api/search", "/api/directives", "/api/articles/tin-1", "/healthz"])
def test_other_methods_are_refused_with_the_shape(client, method, path):
    response = getattr(client, method)(path)
    if path == "/api/articles/tin-1" and method in ("put", "delete"):  # the write API: a key first
        assert_error_shape(response, 401, "missing_api_key", "Authorization")
        return
    assert_error_shape(response, 405, "method_not_allowed", None)
    assert "GET" in response.headers["Allow"]


def test_head_is_answered_like_get(client):
    response = client.head("/api/search?q=x")
    assert response.status_code == 200 and response.data == b""


@pytest.mark.parametrize("path", ["/api/search", "/healthz", "/api/directives", "/api/articles/tin-1"])
def test_missing_index_is_503_with_the_shape(tmp_path, path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    assert_error_shape(client.get(path), 503, "index_missing", None)


def test_valid_requests_never_use_the_error_shape(client):
    for path in ["/api/search?q=x", "/api/facets/date?q=2020", "/api/directives", "/healthz", "/api/openapi.json",
                 "/api/analyze?text=x"]:
        response = client.get(path)
        assert response.status_code == 200 and "error" not in response.get_json(), path


ROUTES = ["/api/search", "/api/facets/directive", "/api/articles/tin-1", "/api/directives", "/api/directives/x",
          "/api/analyze", "/healthz", "/api/openapi.json", "/"]
# Query strings built from the characters that matter to parsing: separators, escapes, digits, dates, names.
QUERY_PIECES = st.sampled_from(["&", "=", "%", "+", "q", "page", "per_page", "date", "date_from", "locality", "sort",
                                "text", "limit", "-", "1", "0", "2020", "/", "%FF", "%C3", "%A9", "\u1ecb", "\x00"])


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(ROUTES), query=st.lists(QUERY_PIECES | st.text(max_size=5), max_size=12).map("".join))
def test_no_query_string_reaches_a_server_error(client, path, query):
    raw = query.encode("utf-8", "surrogatepass").decode("latin-1")
    response = client.get(path, environ_overrides={"QUERY_STRING": raw})
    assert response.status_code < 500
    if response.status_code >= 400 and path != "/":
        assert_error_shape(response, response.status_code)
