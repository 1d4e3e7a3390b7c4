"""Hostile searches through the HTTP API: every search parameter at once, built to be slow, huge or malformed.

``test_openapi.py`` lets schemathesis draw requests from the document (mostly short values) and
``test_error_shape.py`` fuzzes raw query strings; neither builds the queries that are expensive for this engine.
Here hypothesis combines query text made of the parser's pieces (common syllables with and without
marks, ``*`` wildcards, ``OR``, ``-`` exclusions, quotes balanced or not, phrases, dates and document references, up
to past ``MAX_QUERY_LENGTH``) with every ``/api/search`` parameter, valid or not, repeated or unknown. Each response
must be a 200 or a 400 (never a 5xx) and match the OpenAPI document (status, media type, body schema). The time
budget is checked end to end without timing anything: a search past it is a 400 ``query_too_expensive`` in the one
error shape. How long hostile searches take is measured by ``python -m bench.soak`` on a 50,000-article index.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from searchsvc.search.facets import FACETS
from searchsvc.web.openapi import build_document
from searchsvc.search.params import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, SEARCH, SEARCH_SORTS as SORTS

PARAMETERS = tuple(parameter.name for parameter in SEARCH)

DOCUMENT_URI = "urn:searchsvc:openapi"
ERROR_CODES = {"invalid_parameter", "unknown_parameter", "invalid_encoding", "query_too_expensive"}

SYLLABLES = ["tinh", "Tịnh", "biên", "bien", "phòng", "chống", "dịch", "covid", "hội", "nghị", "xã", "huyện", "an",
             "giang", "thủy", "thuỷ", "ho\u0300a", "a", "b", "c", "đ", "OR", "AND", "NOT", "chỉ", "thị", "05/CT-TTg",
             "tháng", "9/2020", "2020", "năm", "của", "và", "các", "\u200b", "<b>", "&amp;", "%", "\\"]
DECORATIONS = st.sampled_from(["{}", "{}*", "-{}", '"{}', '{}"', '"{}"', "*{}", "({})", "{}?", "-\"{}"])
WORD = st.builds(str.format, DECORATIONS, st.sampled_from(SYLLABLES) | st.text(min_size=1, max_size=6))


@st.composite
def query_text(draw) -> str:
    """Query text from the parser's pieces; often long (repeated pieces up to and just past the length limit)."""
    words = draw(st.lists(WORD, min_size=0, max_size=40))
    text = draw(st.sampled_from([" ", "  ", " OR ", "\t", '" "'])).join(words)
    if words and draw(st.booleans()):
        target = draw(st.sampled_from([MAX_QUERY_LENGTH - 1, MAX_QUERY_LENGTH, MAX_QUERY_LENGTH + 1]))
        text = (text + " ") * (target // (len(text) + 1) + 1)
        text = text[:target]
    return text


def _value(draw, name: str) -> str:
    valid = {
        "page": st.integers(1, MAX_PAGE).map(str),
        "per_page": st.integers(1, MAX_PER_PAGE).map(str),
        "sort": st.sampled_from(SORTS),
        "date_from": st.dates().map(str),
        "date_to": st.dates().map(str),
        "date": st.sampled_from(["2020", "2020-09", "2021", "1900"]),
        "locality": st.sampled_from(["89", "890", "79", "01"]),
        "author": st.sampled_from(["phan-huu", "x"]),
        "directive": st.sampled_from(["chi-thi-5-tw", "chi-thi-5-ttg-2020"]),
        "q": query_text(),
    }.get(name, st.text(max_size=10))
    invalid = st.sampled_from(["", "0", "-1", "abc", "1.5", "²", "9" * 40, str(MAX_PAGE + 1), "2020-02-30",
                               "2020-W01-1", "null", "[]", "\x00"]) | st.text(max_size=20)
    # Mostly valid values, so that requests with several parameters still often get through to a search.
    return draw(invalid if draw(st.integers(0, 4)) == 0 else valid)


@st.composite
def search_arguments(draw) -> list[tuple[str, str]]:
    """Every /api/search parameter may appear (some repeated), plus now and then an unknown one."""
    names = draw(st.lists(st.sampled_from(PARAMETERS), max_size=len(PARAMETERS) + 4))
    pairs = [(name, _value(draw, name)) for name in names]
    if draw(st.integers(0, 9)) == 0:
        pairs.append((draw(st.sampled_from(["debug", "Q", "q ", "page[]", "callback"])), "1"))
    return pairs


@pytest.fixture(autouse=True)
def heavy_lane_reopens_at_once(monkeypatch):
    """One client sends heavy searches back to back here; the lane's pacing after each has its own tests
    (``test_admission.py``), and would turn these into 429s that say nothing about parsing or the answer."""
    monkeypatch.setattr("searchsvc.web.admission.CLOSED_FOR", 0.0)


@pytest.fixture(scope="module")
def validators():
    document = build_document()
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document,
                                                                              default_specification=DRAFT202012))
    responses = document["paths"]["/api/search"]["get"]["responses"]
    found = {}
    for status, response in responses.items():
        if "$ref" in response:
            response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        if "content" not in response:  # 304: no body
            continue
        schema = response["content"]["application/json"]["schema"]
        schema = {"$ref": DOCUMENT_URI + schema["$ref"]} if "$ref" in schema else schema
        found[int(status)] = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    return found


def _check(client, validators, pairs) -> tuple[int, str]:
    response = client.get("/api/search", query_string=pairs)
    assert response.status_code in (200, 400), (pairs, response.status_code, response.get_data(as_text=True)[:300])
    assert response.status_code in validators, response.status_code  # documented, with a JSON body
    assert response.mimetype == "application/json"
    body = response.get_json()
    validators[response.status_code].validate(body)
    if response.status_code == 400:
        assert body["error"]["code"] in ERROR_CODES, body
    return response.status_code, body["error"]["code"] if response.status_code == 400 else ""


@settings(max_examples=1000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(pairs=search_arguments())
def test_any_search_request_is_answered_as_documented_within_the_bound(client, validators, pairs):
    event(("status %s %s" % _check(client, validators, pairs)).strip())


# A value of each facet that the sample index holds (a value naming nothing is a 400 of its own).
INDEXED_VALUES = {"date": "2020", "locality": "89", "author": "phan-huu", "directive": "chi-thi-5-ttg-2020"}


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(q=query_text(), facet=st.sampled_from(FACETS), per_page=st.integers(1, MAX_PER_PAGE))
def test_any_query_text_with_a_filter_is_a_search_or_a_length_refusal(client, validators, q, facet, per_page):
    status, code = _check(client, validators, [("q", q), (facet, INDEXED_VALUES[facet]), ("per_page", str(per_page))])
    event(f"status {status} {code}".strip())
    assert status == (400 if len(q) > MAX_QUERY_LENGTH else 200)


PATHOLOGICAL = [
    " ".join(f"{chr(97 + i % 26)}*" for i in range(333)),           # a* b* c* ... to the length limit
    " OR ".join(["tinh", "bien", "xa", "huyen", "phong", "chong"] * 40)[:MAX_QUERY_LENGTH],
    " OR ".join(chr(97 + i % 26) for i in range(500)),               # 500 OR-ed words: past the limit
    ('"tinh bien" ' * 100)[:MAX_QUERY_LENGTH],                       # as many phrases as fit
    '"' * MAX_QUERY_LENGTH,
    ("tinh -bien " * 100)[:MAX_QUERY_LENGTH],
    ("chỉ thị 05/CT-TTg tháng 9/2020 " * 40)[:MAX_QUERY_LENGTH],
    "ư" * MAX_QUERY_LENGTH,
]


@pytest.mark.parametrize("q", PATHOLOGICAL, ids=[f"{q[:16]}..{len(q)}" for q in PATHOLOGICAL])
def test_pathological_queries_are_answered_or_refused_within_the_bound(client, validators, q):
    status, _ = _check(client, validators, [("q", q), ("per_page", str(MAX_PER_PAGE))])
    assert status == (400 if len(q) > MAX_QUERY_LENGTH else 200)


def test_a_search_past_the_time_budget_is_a_documented_400(client, validators, monkeypatch):
    monkeypatch.setattr("searchsvc.search.service.QUERY_TIME_BUDGET", -1.0)
    response = client.get("/api/search", query_string={"q": "tinh bien"})
    assert response.status_code == 400
    body = response.get_json()
    validators[400].validate(body)
    assert body["error"]["code"] == "query_too_expensive" and body["error"]["param"] == "q"
