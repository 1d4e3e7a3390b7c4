"""The time budget covers a whole request, not only matching: a request whose snippets, facets or page take too
long stops at the next step with the API's error shape, or the error page, instead of running on."""

from __future__ import annotations

import pytest

from searchsvc.errors import QueryTooExpensive
from searchsvc.search import budget
from searchsvc.search.budget import check_budget, time_budget


class Clock:
    """A monotonic clock the test moves by hand: no sleeping, no timing in the assertions."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(budget, "time", clock)
    return clock


def slow_step(clock, monkeypatch, target: str, seconds: float):
    """Make ``target`` (a function the request calls) take ``seconds`` of the fake clock each call."""
    module, name = target.rsplit(".", 1)
    original = getattr(__import__(module, fromlist=[name]), name)

    def slow(*args, **kwargs):
        clock.now += seconds
        return original(*args, **kwargs)

    monkeypatch.setattr(target, slow)


def test_checks_pass_outside_a_budget_and_fail_once_it_is_spent(clock):
    check_budget()
    with time_budget(2.0):
        clock.now += 1.9
        check_budget()
        clock.now += 0.2
        with pytest.raises(QueryTooExpensive):
            check_budget()


def test_a_nested_budget_cannot_outlast_the_one_around_it(clock):
    with time_budget(1.0):
        with time_budget(5.0):
            clock.now += 1.5
            with pytest.raises(QueryTooExpensive):
                check_budget()


def test_slow_snippets_stop_an_api_search_with_the_error_shape(client, clock, monkeypatch):
    slow_step(clock, monkeypatch, "searchsvc.search.service.make_snippet", 0.5)
    response = client.get("/api/search", query_string={"per_page": 10})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "query_too_expensive"


def test_slow_facet_counts_stop_the_search_page_with_the_error_page(client, clock, monkeypatch):
    slow_step(clock, monkeypatch, "searchsvc.search.service.count_values", 0.6)
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "quá nhiều thời gian" in page
    assert 'data-error-code="query_too_expensive"' in page  # a script tells a budget cut from a bad request


def test_a_request_within_its_budget_is_answered(client, clock, monkeypatch):
    slow_step(clock, monkeypatch, "searchsvc.search.service.make_snippet", 0.01)
    assert client.get("/api/search", query_string={"per_page": 10}).status_code == 200
