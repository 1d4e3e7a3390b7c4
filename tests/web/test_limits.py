"""Bounded work per request: every limit answers at once with the error shape (or the error page), before any
search runs, and a request within the limits stays small."""

from __future__ import annotations

import io

import pytest

from searchsvc.search.params import (
    MAX_FILTER_VALUE_LENGTH, MAX_FILTER_VALUES, MAX_FILTER_VALUES_TOTAL, MAX_QUERY_STRING_BYTES, MAX_REPORTED_ERRORS,
)


def values(name: str, count: int) -> list[tuple[str, str]]:
    return [(name, f"x{i}") for i in range(count)]


def error_of(response) -> dict:
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def test_ten_thousand_filter_values_are_refused_before_any_search(client):
    response = client.get("/api/search", query_string=values("author", 10_000))
    assert response.status_code == 414
    assert error_of(response)["code"] == "request_uri_too_long"


def real_values(view, name: str, count: int) -> list[tuple[str, str]]:
    """``count`` values of ``name`` that the index holds (its first value, repeated): values that name nothing are
    refused for that reason, not for their number."""
    return [(name, view.facet_table(name).values[0])] * count


def test_one_value_past_the_per_filter_limit_is_a_400_naming_the_filter(client, sample_view):
    response = client.get("/api/search", query_string=real_values(sample_view, "author", MAX_FILTER_VALUES + 1))
    assert response.status_code == 400
    assert error_of(response)["param"] == "author"
    assert client.get("/api/search", query_string=real_values(sample_view, "author", MAX_FILTER_VALUES)).status_code == 200


def test_values_past_the_total_over_all_filters_are_a_400(client):
    per_facet = MAX_FILTER_VALUES_TOTAL // 4 + 1
    pairs = [pair for name in ("date", "locality", "author", "directive") for pair in values(name, per_facet)]
    response = client.get("/api/search", query_string=pairs)
    assert response.status_code == 400
    assert str(MAX_FILTER_VALUES_TOTAL) in error_of(response)["message"]


def test_the_search_page_refuses_too_many_values_with_the_vietnamese_error_page(client):
    response = client.get("/", query_string=values("locality", MAX_FILTER_VALUES + 1), headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert response.mimetype == "text/html" and "nhiều nhất" in response.get_data(as_text=True)


def test_a_filter_value_past_its_length_is_a_400(client):
    response = client.get("/api/search", query_string={"author": "a" * (MAX_FILTER_VALUE_LENGTH + 1)})
    assert response.status_code == 400 and error_of(response)["param"] == "author"


def test_thousands_of_unknown_parameters_list_a_bounded_number_of_errors(client):
    response = client.get("/api/search", query_string=[(f"p{i}", "") for i in range(2000)])
    assert response.status_code == 400
    assert len(response.get_json()["errors"]) == MAX_REPORTED_ERRORS


def test_a_query_string_past_its_byte_limit_is_a_414_and_one_within_it_is_answered(client):
    assert client.get("/api/search?q=" + "a" * (MAX_QUERY_STRING_BYTES - 2)).status_code == 400  # q's own limit
    assert client.get("/api/search?q=" + "a" * (MAX_QUERY_STRING_BYTES - 1)).status_code == 414
    page = client.get("/?q=" + "a" * (MAX_QUERY_STRING_BYTES - 1), headers={"Accept": "text/html"})
    assert page.status_code == 414 and page.mimetype == "text/html"


@pytest.mark.parametrize("path, name", [("/api/search", "page"), ("/api/search", "per_page"),
                                        ("/api/facets/locality", "limit"), ("/directives", "page")])
def test_integers_of_4301_digits_are_a_400(client, path, name):
    response = client.get(path, query_string={name: "9" * 4301}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and error_of(response)["param"] == name


def chunked(client, size: int):
    return client.get("/api/search", input_stream=io.BytesIO(b"x" * size),
                      headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_past_the_limit_is_a_413(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = chunked(client, limit + 1)
    assert response.status_code == 413 and error_of(response)["code"] == "request_entity_too_large"
    assert chunked(client, 1000).status_code == 200


def test_a_page_with_every_filter_value_allowed_stays_small(client, sample_view):
    per_facet = MAX_FILTER_VALUES_TOTAL // 4
    pairs = [pair for name in ("date", "locality", "author", "directive")
             for pair in real_values(sample_view, name, per_facet)]
    response = client.get("/", query_string=pairs + [("q", "hội nghị")], headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert len(response.get_data()) < 512 * 1024
