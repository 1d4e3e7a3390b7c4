"""The OpenAPI 3.1 document of the JSON API, built as a dict and served at ``/api/openapi.json``.

Parameter limits come from the modules that enforce them, so the document cannot drift from the validation;
``tests/test_openapi.py`` checks the real responses against it.
"""

from __future__ import annotations

from searchsvc.search.export import MAX_EXPORT_ROWS
from searchsvc.search.facets import FACETS
from searchsvc.search.params import (
    DAY_PATTERN, DEFAULT_PER_PAGE, FACET_SEARCH_LIMIT, FORMATS, MAX_ANALYZE_LENGTH, MAX_FACET_SEARCH_LIMIT, MAX_PAGE,
    MAX_PER_PAGE, LOCALITY_SCOPES, MAX_FILTER_VALUE_LENGTH, MAX_FILTER_VALUES, MAX_FILTER_VALUES_TOTAL,
    MAX_QUERY_LENGTH, MAX_QUERY_STRING_BYTES, SEARCH_SORTS as SORTS,
)
DATE_PATTERN = f"^(?:{DAY_PATTERN})$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict, required: tuple[str, ...] | None = None, **extra) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties if required is None else required), **extra}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


STRING = {"type": "string"}
COUNT = {"type": "integer", "minimum": 0}
DAY = {"type": "string", "format": "date"}
_ERROR_DETAIL = _object({
    "code": {"type": "string", "description": "Stable machine-readable code, e.g. `invalid_parameter`."},
    "message": {"type": "string", "description": "What went wrong, in Vietnamese."},
    "param": {**_nullable(STRING), "description": "The request parameter at fault, if one is."},
}, additionalProperties=False)

SCHEMAS = {
    "Error": _object({
        "error": _ERROR_DETAIL,
        "errors": {**_array(_ERROR_DETAIL),
                   "description": "Every bad parameter, when the request had several (`error` is the first)."},
    }, required=("error",), additionalProperties=False),
    "FacetValue": _object({
        "value": {"type": "string", "description": "What to pass as the facet's filter parameter."},
        "label": STRING,
        "count": COUNT,
        "selected": {"type": "boolean"},
        "parent": {"type": "string", "description": "The year of a month, the province of a district."},
    }, required=("value", "label", "count", "selected")),
    "Locality": _object({
        "code": STRING,
        "name": STRING,
        "type": STRING,
        "level": {"type": "integer"},
        "province": _nullable(STRING),
        "province_code": _nullable(STRING),
        "role": {"type": "string", "enum": ["main", "mentioned"]},
    }),
    "Directive": _object({
        "id": STRING,
        "label": STRING,
        "type": STRING,
        "number": STRING,
        "symbol": _nullable(STRING),
        "year": _nullable({"type": "integer"}),
        "issuer": _nullable(STRING),
    }),
    "Hit": _object({
        "id": STRING,
        "title": STRING,
        "title_html": {"type": "string", "description": "The title, HTML-escaped, with query words in `<mark>`."},
        "url": _nullable(STRING),
        "published": _nullable(DAY),
        "authors": _array(STRING),
        "localities": _array(_ref("Locality")),
        "directives": _array(_ref("Directive")),
        "snippet": {"type": "string", "description": "HTML-escaped passage with query words in `<mark>`."},
        "score": {"type": "number"},
        "similar": {**_array(_object({"id": STRING, "title": STRING})), "description":
                    "The same story republished by other papers, folded into this result. `total` and the facet "
                    "counts still count articles."},
        "missing_words": {**_array(STRING), "description":
                          "Query words this article lacks; articles holding every word rank above it."},
    }),
    "Suggestion": _object({
        "facet": {"type": "string", "enum": ["directive", "date"]},
        "value": STRING,
        "label": STRING,
        "count": COUNT,
        "match": {"type": "string", "description": "The part of `q` the filter was recognised in."},
    }),
    "SearchResponse": _object({
        "query": _object({
            "q": STRING,
            "filters": {"type": "object", "propertyNames": {"enum": list(FACETS)},
                        "additionalProperties": _array(STRING)},
            "date_from": _nullable(DAY),
            "date_to": _nullable(DAY),
            "sort": {"type": "string", "enum": list(SORTS)},
            "locality_scope": {"type": "string", "enum": list(LOCALITY_SCOPES)},
            "all_words_matched": {"type": "boolean",
                                  "description": "False when some result lacks a query word (see each result's `missing_words`)."},
            "words_ignored": {"type": "integer", "minimum": 0,
                              "description": "Query words past the limit of 32, left out of the search."},
            "also_read_as": {**_nullable(STRING),
                             "description": "The query as corrected when some of its words looked like typos "
                                            "(`nông thông mới`: `nông thôn mới`): the results include its articles, "
                                            "after those holding the words as typed."},
        }),
        "total": COUNT,
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "pages": COUNT,
        "took_ms": {"type": "number", "minimum": 0},
        "results": _array(_ref("Hit")),
        "facets": _object({name: _array(_ref("FacetValue")) for name in FACETS}, additionalProperties=False),
        "suggestions": _array(_ref("Suggestion")),
    }),
    "FacetSearchResponse": _object({
        "facet": {"type": "string", "enum": list(FACETS)},
        "q": STRING,
        "total": {**COUNT, "description": "How many values matched; `values` holds at most `limit` of them."},
        "values": _array(_ref("FacetValue")),
    }),
    "Article": _object({
        "id": STRING,
        "title": STRING,
        "body": {"type": "string", "description": "Paragraphs, one per line."},
        "url": _nullable(STRING),
        "published": _nullable(DAY),
        "published_source": _nullable(STRING),
        "authors": _array(STRING),
        "source_credit": _nullable(STRING),
        "localities": _array(_ref("Locality")),
        "directives": _array(_ref("Directive")),
        "category": _nullable(STRING),
    }),
    "DirectiveSummary": {
        "allOf": [_ref("Directive"), _object({"count": {**COUNT, "description": "Citing articles."}})],
    },
    "DirectiveList": _object({"total": COUNT, "directives": _array(_ref("DirectiveSummary"))}),
    "Count": _object({"value": STRING, "label": STRING, "count": COUNT}),
    "DirectiveStats": {
        "allOf": [_ref("DirectiveSummary"), _object({
            "by_year": {**_array(_ref("Count")), "description": "Citing articles by year of publication."},
            "undated": {**COUNT, "description": "Citing articles with no publication date."},
            "by_province": {**_array(_ref("Count")), "description": "Citing articles by province, most first."},
            "unlocated": {**COUNT, "description": "Citing articles with no province."},
            "by_month": {**_array(_ref("ChildCount")), "description": "Citing articles by month (`YYYY-MM`, its "
                                                                     "year as `parent`), oldest first."},
            "by_district": {**_array({"allOf": [_ref("ChildCount"), _object({"province": STRING})]}),
                            "description": "Citing articles by district (its province code as `parent`, its "
                                           "name as `province`), most first."},
        })],
    },
    "ChildCount": _object({"value": STRING, "label": STRING, "count": COUNT, "parent": STRING}),
    "SuggestResponse": _object({
        "q": STRING,
        "suggestions": _array(_object({
            "kind": {"type": "string", "enum": ["place", "directive", "title"]},
            "label": {"type": "string", "description": "What to show, as the corpus spells it."},
            "detail": {"type": "string", "description": "The province of a place, the article count of a "
                                                        "directive, the date of an article (may be empty)."},
            "url": {"type": "string", "description": "Where choosing it leads: a filtered search, a directive "
                                                     "page or an article page (a path on this site)."},
        })),
    }),
    "AnalyzeResponse": _object({
        "text": STRING,
        "tokens": _array(_object({
            "position": COUNT,
            "exact": {"type": "string", "description": "NFC, lower case, canonical tone marks."},
            "folded": {"type": "string", "description": "Without marks (đ -> d)."},
            "start": COUNT,
            "end": COUNT,
        })),
    }),
    "Health": _object({
        "status": {"type": "string", "const": "ok"},
        "documents": COUNT,
        "generation": STRING,
    }),
    "Task": _object({
        "uid": {"type": "integer", "minimum": 1, "description": "Tasks are applied in the order of their numbers."},
        "type": {"type": "string", "enum": ["put", "delete", "bulk"]},
        "id": {**_nullable(STRING), "description": "The article of a put or delete."},
        "status": {"type": "string", "enum": ["queued", "succeeded", "failed"]},
        "enqueued_at": STRING,
        "finished_at": STRING,
        "articles": {**COUNT, "description": "Articles written or deleted, once succeeded."},
        "errors": {**_array(_object({"line": _nullable(COUNT), "message": STRING})),
                   "description": "Why lines of the body could not be applied (a failed task applies none)."},
    }, required=("uid", "type", "id", "status", "enqueued_at")),
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


RESPONSES = {
    "BadRequest": _error("Unknown or repeated parameter, bad value, query too long, or a query string that is not "
                         "UTF-8."),
    "NotFound": _error("No such path, article, directive, facet or task."),
    "Unauthorized": _error("No API key, or not a valid one (`Authorization: Bearer <key>`)."),
    "Forbidden": _error("The API key was revoked."),
    "RateLimited": _error("The API key sent more writes a minute than it may; `Retry-After` says when to retry."),
    "Unavailable": _error("No index has been built yet, or the service is overloaded: retry after the `Retry-After` "
                          "seconds."),
    "TooLarge": _error("A request body (every route is a GET) longer than the service accepts."),
    "UriTooLong": _error(f"A query string longer than {MAX_QUERY_STRING_BYTES} bytes."),
    "TooManyRequests": _error("Another heavy search is running: retry after the `Retry-After` seconds."),
}
# What any request can get before its work starts.
REFUSED_UNREAD = {
    "413": {"$ref": "#/components/responses/TooLarge"},
    "414": {"$ref": "#/components/responses/UriTooLong"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}
ETAG = {"ETag": {"description": "Changes when a new index generation is served.", "schema": STRING}}


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1},
            "description": description}


def _write(operation_id: str, summary: str, parameters: list, body: str | None) -> dict:
    """A write operation: 202 with its task once the change is on disk (see ``writes.py``)."""
    operation = {
        "operationId": operation_id, "summary": summary, "parameters": parameters, "security": [{"apiKey": []}],
        "responses": {
            "202": {"description": "Accepted: the change is on disk and will be applied in order; `Location` is "
                                   "its task.", "content": {"application/json": {"schema": _ref("Task")}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "413": {"$ref": "#/components/responses/TooLarge"},
            "429": {"$ref": "#/components/responses/RateLimited"},
        },
    }
    if body:
        operation["requestBody"] = {"required": True, "content": {body: {"schema": STRING if "ndjson" in body
                                                                         else {"type": "object"}}}}
    return operation


def _get(operation_id: str, summary: str, schema: str, parameters: list | None = None, not_found: bool = False,
         headers: dict | None = None, export: bool = False) -> dict:
    content = {"application/json": {"schema": _ref(schema)}}
    if export:
        parameters = [*(parameters or []), FORMAT_PARAMETER]
        content.update(EXPORT_CONTENT)
        headers = {**ETAG, **EXPORT_HEADERS}
    responses = {
        "200": {"description": "OK", "headers": headers if headers is not None else ETAG, "content": content},
        "304": {"description": "Not modified since the `ETag` sent in `If-None-Match`."},
        "400": {"$ref": "#/components/responses/BadRequest"},
        **REFUSED_UNREAD,
        "503": {"$ref": "#/components/responses/Unavailable"},
    }
    if not_found:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {"get": {"operationId": operation_id, "summary": summary, "parameters": parameters or [],
                    "responses": responses}}


FORMAT_PARAMETER = _query(
    "format", {"type": "string", "enum": list(FORMATS), "default": "json"},
    f"`csv` (UTF-8 with BOM, dates dd/mm/yyyy) or `xlsx`: every article found, in the same order, one row each "
    f"(id, title, date, places written about and mentioned, authors, directives, source URL, page URL), at most "
    f"{MAX_EXPORT_ROWS:,} rows, sent as an attachment whose name says the count and the cut.")
EXPORT_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "contentMediaType": "application/octet-stream"}},
}
EXPORT_HEADERS = {
    "X-Total-Count": {"description": "With `format=csv|xlsx`: how many articles matched.", "schema": STRING},
    "X-Export-Limit": {"description": f"With `format=csv|xlsx`: the most rows a file holds ({MAX_EXPORT_ROWS}).",
                       "schema": STRING},
}
FACET_VALUE = {"type": "array", "items": {"type": "string", "maxLength": MAX_FILTER_VALUE_LENGTH},
               "maxItems": MAX_FILTER_VALUES}
SEARCH_PARAMETERS = [
    _query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
           "Words to find. `\"quoted phrases\"` and `-excluded` words are understood; anything else is read as "
           "plain words. Empty: every article matching the filters, newest first."),
    *[
        _query(name, FACET_VALUE, f"Repeatable `{name}` facet value (its `value`); values of one facet combine "
                                  f"with OR, facets with AND. At most {MAX_FILTER_VALUES_TOTAL} values over all "
                                  f"facets.", style="form", explode=True)
        for name in FACETS
    ],
    _query("date_from", {"type": "string", "pattern": DATE_PATTERN},
           "First publication day, `dd/mm/yyyy` as Vietnamese write it, or `YYYY-MM-DD`."),
    _query("date_to", {"type": "string", "pattern": DATE_PATTERN},
           "Last publication day, `dd/mm/yyyy` or `YYYY-MM-DD`; not before `date_from`."),
    _query("sort", {"type": "string", "enum": list(SORTS)},
           "Default: `relevance` with `q`, else `newest`. `relevance` puts the articles holding every word first, "
           "then those lacking less important words; where the operator has set `SEARCHSVC_FRESHNESS` (off by "
           "default), a newer article of about the same relevance ranks above an older one (undated articles never "
           "count as new), while a clearly better older match keeps its place. `newest` and `oldest` list only the "
           "best-matching tier."),
    _query("locality_scope", {"type": "string", "enum": list(LOCALITY_SCOPES), "default": "about"},
           "Which places the `locality` facet filters and counts: `about`, the places an article is about (its "
           "headline place, dateline, lead), or `all`, every place it names, residences and routes included."),
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page, from 1."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
           "Results per page."),
]


def build_document() -> dict:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "searchsvc",
            "version": "1.0.0",
            "description": "Full-text search over Vietnamese local-government news, with facets by date, "
                           "locality, author and cited document. Every error is `{\"error\": {\"code\", "
                           "\"message\", \"param\"}}`; an unknown or repeated parameter is a 400. A parameter "
                           "given with an empty value (`page=`, as an HTML form sends it) counts as not given.",
        },
        "paths": {
            "/api/search": _get("search", "Search articles, with facet counts and suggested filters",
                                "SearchResponse", SEARCH_PARAMETERS, export=True),
            "/api/facets/{name}": _get(
                "searchFacetValues", "Find values of one facet by what is typed (accents and directive "
                                     "spellings ignored)", "FacetSearchResponse",
                [
                    {**_path("name", "The facet."), "schema": {"type": "string", "enum": list(FACETS)}},
                    _query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                           "What to look for: `tinh bien`, `05/CT-TTg`, `chi thi 05`. Empty: every value."),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_FACET_SEARCH_LIMIT,
                                     "default": FACET_SEARCH_LIMIT}, "At most this many values."),
                ], not_found=True),
            "/api/articles/{id}": {
                **_get("getArticle", "One article with all of its metadata", "Article",
                       [_path("id", "The article id.")], not_found=True),
                "put": _write("putArticle", "Add or replace one article (its JSON object; needs an API key)",
                              [_path("id", "The article id: 1-200 letters, digits and `- _ . ~`, starting with a "
                                           "letter or digit.")], "application/json"),
                "delete": _write("deleteArticle", "Delete one article (needs an API key)",
                                 [_path("id", "The article id.")], None),
            },
            "/api/articles": {"post": _write(
                "postArticles", "Add or replace many articles, one JSON object per line (needs an API key); a task "
                                "with a bad line fails whole", [], "application/x-ndjson")},
            "/api/tasks/{uid}": _get("getTask", "What became of a write: queued, succeeded or failed (with the "
                                                "errors of its lines)", "Task",
                                     [_path("uid", "The task number a write answered with.")], not_found=True),
            "/api/directives": _get("listDirectives", "Every document cited in the corpus, most cited first",
                                    "DirectiveList"),
            "/api/directives/{id}": _get("getDirective", "One cited document, its citing articles by year, month, "
                                                         "province and district", "DirectiveStats",
                                         [_path("id", "The directive id, as in `/api/directives`.")], not_found=True,
                                         export=True),
            "/api/suggest": _get("suggest", "Suggestions while typing: places, directives, article titles "
                                            "(accents ignored; the last word may be unfinished)", "SuggestResponse",
                                 [_query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                                         "What has been typed so far; fewer than two letters suggest nothing.")]),
            "/api/analyze": _get("analyze", "The tokens of a text, as the index sees them", "AnalyzeResponse",
                                 [{**_query("text", {"type": "string", "maxLength": MAX_ANALYZE_LENGTH},
                                            "The text to analyze."), "required": True}]),
            "/healthz": _get("health", "Liveness, with the index's document count and generation", "Health",
                             headers={}),
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document", "parameters": [],
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "304": {"description": "Not modified."},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **REFUSED_UNREAD,
                },
            }},
        },
        "components": {"schemas": SCHEMAS, "responses": RESPONSES,
                       "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                                      "description": "A key from `searchsvc keys create NAME`."}}},
    }
