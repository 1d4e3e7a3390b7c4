"""The HTTP layer: request arguments in, search-layer calls, JSON or HTML out. No search logic lives here.

Every API error has one shape, ``{"error": {"code", "message", "param"}}`` (``errors.error_body``); pages get
``templates/error.html``. Successful responses carry ``Cache-Control`` and an ``ETag`` built from the index
generation, so a client's cached copy is revalidated as soon as a new index is swapped in.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from functools import cache
from datetime import datetime, timezone
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, stream_with_context
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge, RequestURITooLarge

from searchsvc.errors import InvalidParameter, SearchError, error_body
from searchsvc.search import catalog, params, service
from searchsvc.search.export import export_rows
from searchsvc.search.postings import IndexView
from searchsvc.search.reports import directive_report
from searchsvc.search.budget import check_budget, time_budget
from searchsvc.search.engine import query_cost, query_terms
from searchsvc.search.query import parse_query
from searchsvc.search.service import SearchRequest, search
from searchsvc.search.typeahead import suggest_as_you_type
from searchsvc.text.analysis import analyze
from searchsvc.web import exports, feeds, pages
from searchsvc.web import admission
from searchsvc.web.app import ADMISSION_EXTENSION, VIEWS_EXTENSION
from searchsvc.web.fallback import API_PREFIXES, MESSAGES, RETRY_AFTER, is_api_path
from searchsvc.web.openapi import build_document

logger = logging.getLogger(__name__)
bp = Blueprint("web", __name__)

CACHE_CONTROL = "public, max-age=60"
# Pages load only their own stylesheet and script: no inline script or style, no other origin, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; manifest-src 'self'"
)
HTTP_MESSAGES = {status: MESSAGES[status][1] for status in (404, 405, 413, 414)}


class InvalidEncoding(InvalidParameter):
    """The query string is not UTF-8: an HTTP problem, caught before any argument is read."""

    code = "invalid_encoding"


# --- the JSON API -----------------------------------------------------------------------------------------------

@bp.get("/api/search")
def api_search():
    """Search with filters: the JSON shape of ``SearchResult.to_dict``, or every result as CSV or .xlsx."""
    values = _args(*params.SEARCH, params.FORMAT)
    search_request = SearchRequest.from_values(values, current_app.config["FRESHNESS"])
    if values["format"] != "json":
        q = search_request.q.strip()
        return _export(search_request, values["format"], f"tim kiem {q}" if q else "tim kiem")
    return jsonify(search(_view(), search_request).to_dict())


@bp.get("/api/facets/<name>")
def api_facet_values(name: str):
    """Values of one facet matching ``q`` (accents and directive spellings ignored), with counts."""
    args = _args(params.Q, params.LIMIT)
    q = args["q"]
    values, total = catalog.search_facet(_view(), name, q, args["limit"])
    return jsonify({"facet": name, "q": q, "total": total, "values": [value.to_dict() for value in values]})


@bp.get("/api/articles/<path:article_id>")
def api_article(article_id: str):
    _args()
    return jsonify(catalog.get_article(_view(), article_id))


@bp.get("/api/directives")
def api_directives():
    _args()
    directives = catalog.list_directives(_view())
    return jsonify({"total": len(directives), "directives": directives})


@bp.get("/api/directives/<path:directive_id>")
def api_directive(directive_id: str):
    """One directive's figures, or its citing articles (newest first, as on its page) as CSV or .xlsx."""
    fmt = _args(params.FORMAT)["format"]
    report = directive_report(_view(), directive_id)
    if fmt != "json":
        return _export(SearchRequest(filters={"directive": (directive_id,)}, sort="newest"), fmt, directive_id)
    return jsonify(report)


def _export(search_request: SearchRequest, fmt: str, stem: str) -> Response:
    """Every result of ``search_request`` (up to the cap) as a download, streamed while the rows are read."""
    export = export_rows(_view(), search_request)
    root = current_app.config["BASE_URL"]
    body = exports.encode(fmt, export, lambda article_id: root + pages.article_path(article_id))
    response = Response(stream_with_context(body), mimetype=exports.FORMATS[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename={exports.filename(stem, export, fmt)}"
    response.headers["X-Total-Count"] = str(export.total)
    response.headers["X-Export-Limit"] = str(export.limit)
    return response


@bp.get("/api/suggest")
def api_suggest():
    """Suggestions while typing: places, directives and article titles, accents ignored."""
    q = _args(params.Q)["q"]
    return jsonify({"q": q, "suggestions": suggest_as_you_type(_view(), q)})


@bp.get("/api/analyze")
def api_analyze():
    """The tokens of ``text`` in both forms, as ``searchsvc analyze`` prints them."""
    if "text" not in request.args:
        raise InvalidParameter("Thiếu tham số «text».", param="text")
    text = _args(params.TEXT)["text"]
    tokens = [
        {"position": position, "exact": token.exact, "folded": token.folded, "start": token.start, "end": token.end}
        for position, token in enumerate(analyze(text))
    ]
    return jsonify({"text": text, "tokens": tokens})


@bp.get("/healthz")
def healthz():
    _args()
    view = _view()
    response = jsonify({"status": "ok", "documents": view.doc_count, "generation": view.generation})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/openapi.json")
def api_openapi():
    _args()
    return jsonify(_openapi_document())


@cache
def _openapi_document() -> dict:
    return build_document()


# --- the HTML pages: each is also JSON (``Accept: application/json``), the body of its API route ------------------

@bp.get("/")
def index():
    """Search: the page over the same search layer as ``/api/search``."""
    if _wants_json():
        return api_search()
    context = pages.search_page(_view(), _pairs(), current_app.config["FRESHNESS"])
    return _render("search.html", **context)


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    """One article, the words of ``q`` marked, with the way back to the search it was found by."""
    if _wants_json():
        return api_article(article_id)
    _args(*params.SEARCH)  # the search it was opened from, kept for the way back
    return _render("article.html", **pages.article_page(_view(), article_id, _pairs()))


@bp.get("/directives")
def directives():
    """Every cited directive, searchable and sortable."""
    args = _args(params.Q, params.DIRECTIVE_SORT, params.PAGE)
    context = pages.directives_page(_view(), args["q"], args["sort"], args["page"])
    if _wants_json():
        return jsonify(context["json"])
    return _render("directives.html", **context)


@bp.get("/directives/<path:directive_id>")
def directive(directive_id: str):
    """One directive for staff: who cites it, when and where."""
    if _wants_json():
        return api_directive(directive_id)
    context = pages.directive_page(_view(), directive_id, _args(params.PAGE)["page"])
    return _render("directive.html", **context)


@bp.get("/feed.atom")
def feed():
    """The newest results of a search as an Atom feed (the search page's parameters, newest first by default)."""
    pairs = _pairs()
    search_request = SearchRequest.from_pairs(pairs, current_app.config["FRESHNESS"])
    if not search_request.sort:
        search_request = replace(search_request, sort="newest")
    view = _view()
    result = search(view, search_request)
    pairs = [(name, value) for name, value in pairs if name != "page"]
    root = current_app.config["BASE_URL"]
    q = result.request.q.strip()
    body = feeds.atom_feed(
        result,
        title=f"Tin tức: {q}" if q else "Tin tức chính quyền địa phương",
        self_url=root + request.full_path.rstrip("?"),
        page_url=root + pages.search_url(pairs),
        article_url=lambda hit: root + pages.article_path(hit.id),
        generated=datetime.fromtimestamp(view.path.stat().st_mtime, timezone.utc),
    )
    return Response(body, mimetype=feeds.MEDIA_TYPE)


@bp.get("/opensearch.xml")
def opensearch():
    """Lets a browser add the search box (OpenSearch 1.1 description)."""
    _args()
    body = render_template("opensearch.xml", root=current_app.config["BASE_URL"])
    return Response(body, mimetype="application/opensearchdescription+xml")


# --- request helpers --------------------------------------------------------------------------------------------

def _view() -> IndexView:
    """The live index generation (reopened if a new one was swapped in), pinned until the request ends: every part
    of one answer reads the same generation, and a swap meanwhile does not close it. Remembered for the ETag."""
    view = g.get("view")
    if view is None:
        view = g.view = current_app.extensions[VIEWS_EXTENSION].acquire()
        g.generation = view.generation
    return view


@bp.teardown_app_request
def release_request_state(_error) -> None:
    view = g.pop("view", None)
    if view is not None:
        current_app.extensions[VIEWS_EXTENSION].release(view)
    budget = g.pop("budget", None)
    if budget is not None:
        budget.__exit__(None, None, None)
    if "heavy" in g:
        current_app.extensions[ADMISSION_EXTENSION].leave(g.pop("heavy"))


def _render(template: str, **context) -> str:
    """A page, unless the budget is already spent: rendering is the last step worth stopping before."""
    check_budget()
    return render_template(template, **context)


def _pairs() -> list[tuple[str, str]]:
    return list(request.args.items(multi=True))


def _args(*accepted: params.Parameter) -> dict:
    """The query string's values once every parameter is checked (unknown, repeated and bad ones refused)."""
    return params.read(_pairs(), *accepted)


def _wants_json() -> bool:
    """A page asked for as JSON (``Accept: application/json`` preferred to HTML) answers with its API body."""
    accept = request.accept_mimetypes
    return accept.quality("application/json") > accept.quality("text/html")


def _is_api() -> bool:
    return is_api_path(request.path) or _wants_json()


@bp.before_app_request
def reject_oversized_requests():
    """Refuse an oversized query string or body before anything parses it: apart from the write API, which checks
    the body against its key's own limit once the key is known (``writes.py``), every route is a GET, so a body is
    only a load. A chunked body declares no length: at most one byte past the limit is read to tell."""
    if len(request.query_string) > params.MAX_QUERY_STRING_BYTES:
        raise RequestURITooLarge()
    if request.blueprint == "writes":
        return
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None:
        if request.content_length > limit:
            raise RequestEntityTooLarge()
    elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        if len(request.environ["wsgi.input"].read(limit + 1)) > limit:  # Flask's stream would stop at the limit
            raise RequestEntityTooLarge()


@bp.before_app_request
def reject_undecodable_query_string():
    """Werkzeug replaces bytes that are not UTF-8, which would search for something nobody typed: refuse instead."""
    for pair in request.query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                param = unquote_to_bytes(name).decode("utf-8", "replace")
                raise InvalidEncoding("Chuỗi truy vấn phải được mã hóa UTF-8.", param=param) from None


@bp.before_app_request
def admit_request() -> None:
    """A work slot for this request, and the heavy lane for a heavy search (``web.admission``); refused fast.

    A query's cost is remembered by the live generation: a flood repeats its query, and the refusal of each repeat
    then costs no parsing and no term lookups (they were most of its CPU, and a flood is refused hundreds of times
    a second)."""
    text = request.args.get("q")
    cost = _view().remembered(("cost", text), lambda: _query_cost(text)) if text else 0.0
    g.heavy = current_app.extensions[ADMISSION_EXTENSION].enter(cost)


@bp.before_app_request
def open_time_budget() -> None:
    """One budget for the whole request once it has a work slot: matching, facets, snippets, page building and
    rendering. Registered after ``admit_request``: the wait for a slot holds none and has its own bound."""
    g.budget = time_budget(service.QUERY_TIME_BUDGET)
    g.budget.__enter__()


def _query_cost(text: str) -> float:
    terms = query_terms(parse_query(text))
    # Each term costs at most one index size: the term index is asked only when the terms could add up to heavy.
    return query_cost(_view(), terms) if len(terms) > admission.HEAVY_COST else 0.0


@bp.after_app_request
def add_cache_and_cors_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if not request.path.startswith(API_PREFIXES):
        response.vary.add("Accept")  # pages answer HTML or JSON by it
    if response.status_code == 200 and request.method in ("GET", "HEAD"):
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = CACHE_CONTROL
        generation = g.get("generation")
        if generation is not None:
            # The media type is part of the tag: a page's HTML and its JSON are two representations of one URL.
            key = f"{generation}\n{request.full_path}\n{response.mimetype}"
            tag = hashlib.sha1(key.encode()).hexdigest()[:32]
            response.set_etag(tag, weak=True)
        else:
            response.add_etag()
        response.make_conditional(request)
    elif response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
    if _is_api():
        _add_cors_headers(response)
    return response


def _add_cors_headers(response) -> None:
    allowed = _cors_origins()
    if not allowed:
        return
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if not origin or not ("*" in allowed or origin in allowed):
        return
    response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "600"


def _cors_origins() -> frozenset[str]:
    """``CORS_ORIGINS`` as a set: a comma-separated string (environment) or a list (``test_config``)."""
    setting = current_app.config.get("CORS_ORIGINS") or ()
    if isinstance(setting, str):
        setting = setting.split(",")
    return frozenset(origin.strip().rstrip("/") for origin in setting if origin.strip())


# --- errors -----------------------------------------------------------------------------------------------------

@bp.app_errorhandler(SearchError)
def handle_search_error(error: SearchError):
    return _error_response(error.status, error.code, error.message, error.param, error.errors)


@bp.app_errorhandler(HTTPException)
def handle_http_exception(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    message = HTTP_MESSAGES.get(error.code, "Yêu cầu không hợp lệ.")
    response = _error_response(error.code or 500, code, message, None)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.app_errorhandler(Exception)
def handle_unexpected_error(error: Exception):
    """A bug: logged with its traceback, answered without one."""
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return _error_response(500, "internal_error", "Lỗi máy chủ. Vui lòng thử lại sau.", None)


def _error_response(status: int, code: str, message: str, param: str | None, errors: list | None = None):
    if _is_api():
        response = jsonify(error_body(code, message, param, errors or ()))
    else:
        others = [e.message for e in errors or () if e.message != message]
        response = current_app.make_response(
            (render_template("error.html", status=status, code=code, message=message, param=param, others=others),
             status))
    response.status_code = status
    if status in (429, 503):
        response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
