"""The HTTP layer: request arguments in, search-layer calls, JSON or HTML out. No search logic lives here.

Every API error has one shape, ``{"error": {"code", "message", "param"}}`` (``errors.error_body``); pages get
``templates/error.html``. Successful responses carry ``Cache-Control`` and an ``ETag`` built from the index
generation, so a client's cached copy is revalidated as soon as a new index is swapped in.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from urllib.parse import unquote_to_bytes, urlencode

from flask import Blueprint, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from searchsvc import VIEWS_EXTENSION, catalog
from searchsvc.analysis import analyze
from searchsvc.errors import InvalidParameter, SearchError, UnknownParameter, error_body
from searchsvc.facets import FACETS
from searchsvc.openapi import MAX_ANALYZE_LENGTH, build_document
from searchsvc.postings import IndexView
from searchsvc.search import MAX_QUERY_LENGTH, SearchRequest, search

logger = logging.getLogger(__name__)
bp = Blueprint("web", __name__)

API_PREFIXES = ("/api/", "/healthz")
CACHE_CONTROL = "public, max-age=60"
FACET_TITLES = {"date": "Thời gian", "locality": "Địa phương", "author": "Tác giả", "directive": "Văn bản"}
HTTP_MESSAGES = {
    404: "Không tìm thấy đường dẫn này.",
    405: "Phương thức HTTP này không được hỗ trợ ở đây.",
}


class InvalidEncoding(InvalidParameter):
    """The query string is not UTF-8: an HTTP problem, caught before any argument is read."""

    code = "invalid_encoding"


# --- the JSON API -----------------------------------------------------------------------------------------------

@bp.get("/api/search")
def api_search():
    """Search with filters: the JSON shape of ``SearchResult.to_dict``."""
    search_request = SearchRequest.from_args(request.args)
    return jsonify(search(_view(), search_request).to_dict())


@bp.get("/api/facets/<name>")
def api_facet_values(name: str):
    """Values of one facet matching ``q`` (accents and directive spellings ignored), with counts."""
    args = _args(("q", "limit"))
    q = args.get("q", "")
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidParameter(f"Câu tìm kiếm dài quá {MAX_QUERY_LENGTH} ký tự.", param="q")
    limit = _int_arg(args, "limit", 1, catalog.MAX_FACET_SEARCH_LIMIT, catalog.FACET_SEARCH_LIMIT)
    values, total = catalog.search_facet(_view(), name, q, limit)
    return jsonify({"facet": name, "q": q, "total": total, "values": [value.to_dict() for value in values]})


@bp.get("/api/articles/<path:article_id>")
def api_article(article_id: str):
    _args(())
    return jsonify(catalog.get_article(_view(), article_id))


@bp.get("/api/directives")
def api_directives():
    _args(())
    directives = catalog.list_directives(_view())
    return jsonify({"total": len(directives), "directives": directives})


@bp.get("/api/directives/<path:directive_id>")
def api_directive(directive_id: str):
    _args(())
    return jsonify(catalog.directive_stats(_view(), directive_id))


@bp.get("/api/analyze")
def api_analyze():
    """The tokens of ``text`` in both forms, as ``searchsvc analyze`` prints them."""
    args = _args(("text",))
    text = args.get("text")
    if text is None:
        raise InvalidParameter("Thiếu tham số «text».", param="text")
    if len(text) > MAX_ANALYZE_LENGTH:
        raise InvalidParameter(f"«text» dài quá {MAX_ANALYZE_LENGTH} ký tự.", param="text")
    tokens = [
        {"position": position, "exact": token.exact, "folded": token.folded, "start": token.start, "end": token.end}
        for position, token in enumerate(analyze(text))
    ]
    return jsonify({"text": text, "tokens": tokens})


@bp.get("/healthz")
def healthz():
    _args(())
    view = _view()
    response = jsonify({"status": "ok", "documents": view.doc_count, "generation": view.generation})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/openapi.json")
def api_openapi():
    _args(())
    return jsonify(_openapi_document())


@cache
def _openapi_document() -> dict:
    return build_document()


# --- the HTML page ----------------------------------------------------------------------------------------------

@bp.get("/")
def index():
    """A plain server-rendered search page over the same search layer as ``/api/search``."""
    search_request = SearchRequest.from_args(request.args)
    result = search(_view(), search_request)
    pairs = list(request.args.items(multi=True))
    facets = [
        {
            "name": name,
            "title": FACET_TITLES[name],
            "values": [
                {**value.to_dict(), "url": _toggle_url(pairs, name, value.value)} for value in result.facets[name]
            ],
        }
        for name in FACETS
    ]
    suggestions = [{**item, "url": _page_url(pairs + [(item["facet"], item["value"])])}
                   for item in result.suggestions]
    hits = [{**hit.to_dict(), "link": _safe_link(hit.url)} for hit in result.hits]
    pages = {}
    if search_request.page > 1:
        pages["previous"] = _page_url(_with_page(pairs, search_request.page - 1))
    if search_request.page < result.pages:
        pages["next"] = _page_url(_with_page(pairs, search_request.page + 1))
    # A new search from the form keeps the filters, range, order and page size; it starts again at page 1.
    hidden = [(name, value) for name, value in pairs if name not in ("q", "page") and value]
    return render_template("search.html", result=result, request_=search_request, hits=hits, facets=facets,
                           suggestions=suggestions, pages=pages, hidden=hidden)


def _toggle_url(pairs: list[tuple[str, str]], facet: str, value: str) -> str:
    """The page with ``value`` of ``facet`` selected, or unselected if it was; back to page 1."""
    if (facet, value) in pairs:
        changed = [pair for pair in pairs if pair != (facet, value)]
    else:
        changed = pairs + [(facet, value)]
    return _page_url([pair for pair in changed if pair[0] != "page"])


def _with_page(pairs: list[tuple[str, str]], page: int) -> list[tuple[str, str]]:
    return [pair for pair in pairs if pair[0] != "page"] + [("page", str(page))]


def _page_url(pairs: list[tuple[str, str]]) -> str:
    return "/?" + urlencode(pairs) if pairs else "/"


def _safe_link(url: str | None) -> str | None:
    """Only web links leave the page: a stored ``javascript:`` URL must not become clickable."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


# --- request helpers --------------------------------------------------------------------------------------------

def _view() -> IndexView:
    """The live index generation (reopened if a new one was swapped in), remembered for the ETag."""
    view = current_app.extensions[VIEWS_EXTENSION].get()
    g.generation = view.generation
    return view


def _args(allowed: tuple[str, ...]):
    """``request.args`` once unknown and repeated parameters are rejected."""
    for name in request.args:
        if name not in allowed:
            raise UnknownParameter(f"Tham số không được hỗ trợ: «{name}».", param=name)
        if len(request.args.getlist(name)) > 1:
            raise InvalidParameter(f"Tham số «{name}» chỉ được có một giá trị.", param=name)
    return request.args


def _int_arg(args, name: str, low: int, high: int, default: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise InvalidParameter(f"«{name}» phải là số nguyên từ {low} đến {high}.", param=name)
    return int(raw)


def _is_api() -> bool:
    return request.path.startswith(API_PREFIXES) or request.path == "/api"


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


@bp.after_app_request
def add_cache_and_cors_headers(response):
    if response.status_code == 200 and request.method in ("GET", "HEAD"):
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = CACHE_CONTROL
        generation = g.get("generation")
        if generation is not None:
            tag = hashlib.sha1(f"{generation}\n{request.full_path}".encode()).hexdigest()[:32]
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
    return _error_response(error.status, error.code, error.message, error.param)


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


def _error_response(status: int, code: str, message: str, param: str | None):
    if _is_api():
        response = jsonify(error_body(code, message, param))
    else:
        response = current_app.make_response(
            (render_template("error.html", status=status, message=message, param=param), status))
    response.status_code = status
    return response
