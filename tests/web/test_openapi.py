"""The OpenAPI document: valid 3.1, covering every API route and parameter, and true of the real responses.

Two layers: hand-picked requests (every route, every error status) validated against the document with
``jsonschema``, and schemathesis generating requests from the document itself (valid and invalid ones) against the
Flask app, checking that nothing answers 5xx and that every response matches its documented status, media type and
schema. Example counts are bounded so the file runs in well under a minute.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from searchsvc.web.openapi import build_document

DOCUMENT_URI = "urn:searchsvc:openapi"


@pytest.fixture(scope="module")
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_served_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document == build_document()


def _template(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?\w+>", "{}", rule)


def test_document_describes_every_api_route(app, document):
    routes = {_template(rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(("/api", "/healthz"))}
    documented = {re.sub(r"\{\w+\}", "{}", path) for path in document["paths"]}
    assert routes == documented


def _example(parameter: dict) -> str | list[str]:
    examples = {"q": "tịnh biên", "text": "Tịnh Biên", "date_from": "2020-01-01", "date_to": "2020-12-31",
                "sort": "newest", "page": "1", "per_page": "5", "limit": "5", "date": ["2020"],
                "locality": ["89"], "author": ["phan-huu"], "directive": ["chi-thi-5-tw"],
                "locality_scope": "all", "format": "csv"}
    return examples[parameter["name"]]


PATH_VALUES = {"/api/facets/{name}": "/api/facets/locality", "/api/articles/{id}": "/api/articles/tin-1",
               "/api/directives/{id}": "/api/directives/chi-thi-5-tw"}


def test_every_documented_parameter_is_accepted_and_nothing_else(client, document):
    for path, item in document["paths"].items():
        if "get" not in item or path == "/api/tasks/{uid}":  # writes and their tasks: tests/web/test_writes.py
            continue
        url = PATH_VALUES.get(path, path)
        query = {p["name"]: _example(p) for p in item["get"]["parameters"] if p["in"] == "query"}
        response = client.get(url, query_string=query)
        assert response.status_code == 200, (path, response.get_json())
        refused = client.get(url, query_string={**query, "undocumented": "1"})
        assert refused.status_code == 400, path


@pytest.fixture(scope="module")
def registry(document):
    return Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))


def _response_schema(document: dict, path: str, status: int) -> dict:
    response = document["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    schema = response["content"]["application/json"]["schema"]
    # Anchor the document's own "#/components/..." references to the document in the registry.
    return {"$ref": DOCUMENT_URI + schema["$ref"]} if "$ref" in schema else schema


REQUESTS = [
    ("/api/search", "/api/search?q=t%E1%BB%8Bnh+bi%C3%AAn&per_page=3", 200),
    ("/api/search", "/api/search?q=ch%E1%BB%89+th%E1%BB%8B+05/CT-TTg+th%C3%A1ng+9/2020", 200),
    ("/api/search", "/api/search?locality=89&locality=890&date=2020&sort=oldest", 200),
    ("/api/search", "/api/search?date_from=2020-01-01&date_to=2020-06-30&page=2&per_page=1", 200),
    ("/api/search", "/api/search?page=0", 400),
    ("/api/search", "/api/search?q=%FF", 400),
    ("/api/facets/{name}", "/api/facets/directive?q=chi+thi+05", 200),
    ("/api/facets/{name}", "/api/facets/locality", 200),
    ("/api/facets/{name}", "/api/facets/nope", 404),
    ("/api/articles/{id}", "/api/articles/tin-1", 200),
    ("/api/articles/{id}", "/api/articles/tinh-bien-phong-chong-dich", 200),
    ("/api/articles/{id}", "/api/articles/nope", 404),
    ("/api/directives", "/api/directives", 200),
    ("/api/directives/{id}", "/api/directives/chi-thi-5-ttg-2020", 200),
    ("/api/directives/{id}", "/api/directives/nope", 404),
    ("/api/analyze", "/api/analyze?text=Thu%E1%BB%B7+l%E1%BB%A3i", 200),
    ("/api/analyze", "/api/analyze", 400),
    ("/healthz", "/healthz", 200),
    ("/healthz", "/healthz?x=1", 400),
    ("/api/openapi.json", "/api/openapi.json", 200),
]


@pytest.mark.parametrize(("path", "url", "status"), REQUESTS, ids=[r[1][:70] for r in REQUESTS])
def test_real_responses_match_the_document(client, document, registry, path, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    schema = _response_schema(document, path, status)
    Draft202012Validator(schema, registry=registry, format_checker=FormatChecker()).validate(response.get_json())


def test_every_search_result_of_the_corpus_matches_the_document(client, document, registry):
    schema = _response_schema(document, "/api/search", 200)
    validator = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    for page in (1, 2):
        validator.validate(client.get(f"/api/search?per_page=10&page={page}").get_json())


# --- generated: schemathesis drives the app from the document ---------------------------------------------------

@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
# Built from the document itself, so a route added to it is fuzzed without touching this file. Invalid requests
# exist only where there are query parameters: any non-empty text is a valid id.
CASES = [
    (path, mode)
    for path, item in build_document()["paths"].items() if "get" in item
    for mode in ((POSITIVE, NEGATIVE) if any(p["in"] == "query" for p in item["get"]["parameters"]) else (POSITIVE,))
]


# schemathesis' own pytest integration (from_fixture / parametrize) does not run on pytest 9, so the test draws
# the cases from schemathesis' hypothesis strategies itself.
@pytest.mark.parametrize(("path", "mode"), CASES, ids=[f"{path}-{mode.value}" for path, mode in CASES])
def test_generated_requests_never_fail_and_always_match_the_document(api_schema, path, mode):
    """Valid requests and invalid ones: no 5xx, and status, media type and body as documented.

    schemathesis' ``negative_data_rejection`` is not used: in a query string every value is text, so its
    "array became boolean" (``author=true``) is a valid author value, and an empty value means "not given".
    Invalid values the API must refuse are pinned one by one in ``test_error_shape.py``.
    """
    operation = api_schema[path]["GET"]
    checks = CHECKS

    @settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        case.call_and_validate(checks=checks)

    check()
