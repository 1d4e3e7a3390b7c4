"""Error answers made outside the Flask app, in the app's own shapes: by gunicorn before a request reaches the app
(a request line too long, a malformed header) and by nginx in front of it (rate limits, timeouts, the app down).

The API paths get the JSON error body (``errors.error_body``), every other path a short Vietnamese page. nginx serves
the files ``write_error_files`` renders; the gunicorn worker (``web.worker``) answers with the same bytes.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from searchsvc.errors import error_body
from searchsvc.search.params import MAX_QUERY_STRING_BYTES

API_PREFIXES = ("/api/", "/healthz")
# Seconds a client refused for load should wait before trying again.
RETRY_AFTER = 1
MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    403: ("forbidden", "Đường dẫn này không được phép truy cập."),
    404: ("not_found", "Không tìm thấy đường dẫn này."),
    405: ("method_not_allowed", "Phương thức HTTP này không được hỗ trợ ở đây."),
    408: ("request_timeout", "Yêu cầu được gửi quá chậm nên kết nối đã bị đóng."),
    413: ("request_entity_too_large", "Nội dung yêu cầu quá lớn."),
    414: ("request_uri_too_long", f"Chuỗi truy vấn dài quá {MAX_QUERY_STRING_BYTES} byte."),
    429: ("too_many_requests", "Có quá nhiều yêu cầu cùng lúc; hãy thử lại sau giây lát."),
    431: ("request_header_fields_too_large", "Phần đầu của yêu cầu quá lớn."),
    500: ("internal_error", "Lỗi máy chủ. Vui lòng thử lại sau."),
    501: ("not_implemented", "Máy chủ không hỗ trợ yêu cầu này."),
    502: ("bad_gateway", "Dịch vụ tìm kiếm tạm thời không trả lời; hãy thử lại sau."),
    503: ("service_unavailable", "Dịch vụ đang quá tải; hãy thử lại sau giây lát."),
    504: ("gateway_timeout", "Dịch vụ tìm kiếm trả lời quá chậm; hãy thử lại sau."),
    505: ("http_version_not_supported", "Phiên bản HTTP này không được hỗ trợ."),
}
PAGE = """<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Lỗi {status} – Tìm kiếm tin tức chính quyền địa phương</title>
  <link rel="stylesheet" href="/static/site.css">
</head>
<body>
  <main class="error-page">
    <h1>{heading} <span class="error-page__code">(lỗi {status})</span></h1>
    <p>{message}</p>
    <p><a href="/">Về trang tìm kiếm</a></p>
  </main>
</body>
</html>
"""


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path == "/api"


def json_error(status: int) -> bytes:
    code, message = MESSAGES[status]
    return json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")


def html_error(status: int) -> bytes:
    _, message = MESSAGES[status]
    heading = "Lỗi máy chủ" if status >= 500 else "Yêu cầu không được đáp ứng"
    return PAGE.format(status=status, heading=heading, message=html.escape(message)).encode("utf-8")


def error_response(status: int, path: str) -> tuple[str, bytes]:
    """The media type and body of the answer to a request for ``path`` that failed with ``status``."""
    if is_api_path(path):
        return "application/json", json_error(status)
    return "text/html; charset=utf-8", html_error(status)


def write_error_files(folder: Path) -> None:
    """``<status>.json`` and ``<status>.html`` for every status, for nginx's ``error_page``."""
    folder.mkdir(parents=True, exist_ok=True)
    for status in MESSAGES:
        (folder / f"{status}.json").write_bytes(json_error(status))
        (folder / f"{status}.html").write_bytes(html_error(status))
