"""Errors the domain raises, each with an HTTP status and a stable code, and the one JSON body they become.

Plain Python, so the CLI and the web layer report the same problem the same way.
"""

from __future__ import annotations

import os


class SearchError(Exception):
    """A problem the user can fix, or a missing index: never a bug."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.message = message
        self.param = param
        self.errors: list[SearchError] = []  # every problem of the request when there were several to report


class InvalidParameter(SearchError):
    code = "invalid_parameter"


class UnknownParameter(SearchError):
    code = "unknown_parameter"


class QueryTooExpensive(SearchError):
    """A query that would hold a worker past its time budget is stopped rather than left running."""

    code = "query_too_expensive"


class NotFound(SearchError):
    status = 404
    code = "not_found"


class IndexMissing(SearchError):
    status = 503
    code = "index_missing"


class IndexBusy(SearchError):
    """Another indexer holds the index; refusing is safer than interleaving two writers."""

    status = 409
    code = "index_busy"


class MissingApiKey(SearchError):
    status = 401
    code = "missing_api_key"


class InvalidApiKey(SearchError):
    status = 401
    code = "invalid_api_key"


class ApiKeyRevoked(SearchError):
    status = 403
    code = "api_key_revoked"


class PayloadTooLarge(SearchError):
    status = 413
    code = "payload_too_large"


class RateLimited(SearchError):
    status = 429
    code = "rate_limited"


class RefusedRebuild(SearchError):
    """A rebuild refused because of some of the articles the live index holds: says how many, and names a few."""

    status = 409
    template = ""

    def __init__(self, count: int, examples: list[str]):
        self.count = count
        super().__init__(self.template.format(count=count, examples=", ".join(examples)))


class RebuildWouldDrop(RefusedRebuild):
    """A rebuild from sources that lack articles the live index holds: refused unless the operator says so."""

    code = "rebuild_would_drop"
    template = ("Dựng lại sẽ bỏ {count} bài đang có trong chỉ mục nhưng không có trong nguồn (ví dụ: {examples}). "
                "Thêm --allow-drop nếu muốn bỏ chúng.")


class NotReanalysable(RefusedRebuild):
    """Articles stored before the index kept what they were read from: only their source files can rebuild them."""

    code = "not_reanalysable"
    template = ("{count} bài trong chỉ mục được lưu từ trước khi chỉ mục giữ dữ liệu gốc của bài (dòng ký tên, ngày "
                "của nguồn), nên không phân tích lại được khi không có tệp nguồn (ví dụ: {examples}). Hãy dựng lại "
                "một lần từ các tệp nguồn: «searchsvc index --rebuild THƯ_MỤC…» (hoặc gửi lại các bài qua API); từ "
                "đó «searchsvc reanalyze» dùng được. Chỉ mục đang phục vụ không thay đổi.")


class ParseError(SearchError):
    """An input file or line that cannot become an article; reported as ``path:line: reason`` and skipped."""

    code = "parse_error"

    def __init__(self, path: str, line: int | None, reason: str):
        self.path = display_path(path)
        self.line = line
        self.reason = reason
        location = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{location}: {reason}")


def error_body(code: str, message: str, param: str | None = None, errors: list[SearchError] = ()) -> dict:
    """The single shape of every API error: ``{"error": {"code", "message", "param"}}``.

    A request with several bad parameters also gets ``"errors"``: one such object for each, the first repeated.
    """
    body = {"error": {"code": code, "message": message, "param": param}}
    if errors:
        body["errors"] = [{"code": e.code, "message": e.message, "param": e.param} for e in errors]
    return body


def display_path(path) -> str:
    """A file name as a message can print it: bytes that are not UTF-8 shown as ``\\xff`` instead of breaking output.

    >>> display_path(os.fsdecode(b"tin-\\xff.txt"))
    'tin-\\\\xff.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")
