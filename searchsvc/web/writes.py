"""The write API, in the way Meilisearch does it: a change is answered ``202`` with a task once it is on disk, and
``GET /api/tasks/<uid>`` says when it was applied.

``PUT /api/articles/<id>`` (one JSON object), ``DELETE /api/articles/<id>`` and ``POST /api/articles`` (JSON Lines)
need an API key (``Authorization: Bearer <key>``, see ``keys.py``); every read route stays open. Each key has its own
body size and rate limits, the rate counted over every worker of the server (``RateBuckets``). Tasks are applied by
``TaskApplier``: a thread in every web worker, of which the one that takes the indexer lock applies everything
queued, so nothing is lost when a worker dies.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, url_for

from searchsvc.article import canonical_id, id_problem
from searchsvc.errors import (ApiKeyRevoked, InvalidApiKey, InvalidParameter, MissingApiKey, NotFound,
                              PayloadTooLarge, RateLimited)
from searchsvc.index.tasks import TaskQueue, record_problem
from searchsvc.web.keys import ApiKey, KeyStore
from searchsvc.web.metrics import count_applied

logger = logging.getLogger(__name__)
bp = Blueprint("writes", __name__)
APPLY_INTERVAL = 0.2
RATES_DIR = "rates"
PRUNE_INTERVAL = 60.0  # seconds between two prunings of finished tasks' outcomes, at most
BUCKET_BYTES = 64


@bp.put("/api/articles/<path:article_id>")
def put_article(article_id: str):
    """Add or replace one article; the body is its JSON object (its ``id``, when given, must be the URL's)."""
    key = _authenticate()
    _check_id(article_id)
    try:
        record = json.loads(_body(key))
    except ValueError:
        raise InvalidParameter("Nội dung phải là một đối tượng JSON.", param="body") from None
    if not isinstance(record, dict):
        raise InvalidParameter("Nội dung phải là một đối tượng JSON.", param="body")
    record.setdefault("id", article_id)
    if not isinstance(record["id"], str) or canonical_id(record["id"]) != canonical_id(article_id):
        raise InvalidParameter("Trường «id» trong nội dung khác mã trong đường dẫn.", param="id")
    problem = record_problem(record)
    if problem:
        raise InvalidParameter(problem, param="body")
    return _accepted(_queue().enqueue("put", json.dumps(record).encode(), canonical_id(article_id)))


@bp.delete("/api/articles/<path:article_id>")
def delete_article(article_id: str):
    _authenticate()
    _check_id(article_id)
    return _accepted(_queue().enqueue("delete", b"", canonical_id(article_id)))


@bp.post("/api/articles")
def post_articles():
    """Add or replace many articles: one JSON object per line. A task whose lines do not all parse fails whole."""
    key = _authenticate()
    body = _body(key)
    if not body.strip():
        raise InvalidParameter("Nội dung rỗng: cần ít nhất một dòng JSON.", param="body")
    return _accepted(_queue().enqueue("bulk", body))


@bp.get("/api/tasks/<int:uid>")
def task(uid: int):
    status = _queue().status(uid)
    if status is None and _queue().issued(uid):
        raise NotFound(f"Tác vụ {uid} đã xong từ lâu; kết quả của nó không còn được giữ (chỉ giữ "
                       f"{current_app.config['TASKS_KEEP']} tác vụ gần nhất, trong {current_app.config['TASKS_KEEP_DAYS']} "
                       "ngày).", param="uid")
    if status is None:
        raise NotFound(f"Không có tác vụ {uid}.", param="uid")
    response = jsonify(status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.after_request
def add_authentication_headers(response):
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="searchsvc"'
    if response.status_code == 429:
        response.headers["Retry-After"] = str(g.get("retry_after", 1))
    return response


def _queue() -> TaskQueue:
    return TaskQueue(Path(current_app.config["INDEX_DIR"]))


def _accepted(status: dict):
    response = jsonify(status)
    response.status_code = 202
    response.headers["Location"] = url_for("writes.task", uid=status["uid"])
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_id(article_id: str) -> None:
    problem = id_problem(article_id)
    if problem:
        raise InvalidParameter(problem[0].upper() + problem[1:] + ".", param="id")


def _authenticate() -> ApiKey:
    """The caller's key from ``Authorization: Bearer``: 401 without a valid one, 403 revoked, 429 over its rate."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise MissingApiKey("Cần khoá API: gửi tiêu đề «Authorization: Bearer <khoá>».", param="Authorization")
    key = KeyStore(Path(current_app.config["INDEX_DIR"])).find(secret.strip())
    if key is None:
        raise InvalidApiKey("Khoá API không hợp lệ.", param="Authorization")
    if key.revoked:
        raise ApiKeyRevoked(f"Khoá API «{key.name}» đã bị thu hồi.", param="Authorization")
    wait = RateBuckets(Path(current_app.config["INDEX_DIR"]) / RATES_DIR).take(key)
    if wait:
        g.retry_after = wait
        raise RateLimited(f"Khoá «{key.name}» đã gửi quá {key.rate_per_minute} yêu cầu mỗi phút; hãy thử lại sau.")
    return key


def _body(key: ApiKey) -> bytes:
    """The request body, at most the key's ``max_body_bytes`` (a chunked body is cut there and refused)."""
    if request.content_length is not None and request.content_length > key.max_body_bytes:
        raise PayloadTooLarge(f"Nội dung lớn quá {key.max_body_bytes} byte cho phép với khoá «{key.name}».",
                              param="body")
    request.max_content_length = key.max_body_bytes
    return request.get_data(cache=False)


class RateBuckets:
    """A token bucket per key (``rate_per_minute`` requests a minute, in bursts up to that many), shared by every
    worker of the server: a small file per key in ``rates/`` of the index folder, read and written under an
    ``flock``, so a key's limit holds whichever worker answers it (and across a restart)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def take(self, key: ApiKey, now: float | None = None) -> int:
        """0 when the request may go ahead, else the seconds to wait."""
        now = time.time() if now is None else now
        capacity, per_second = float(key.rate_per_minute), key.rate_per_minute / 60
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.folder / key.hash[:32], os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            tokens, last = _bucket(os.pread(descriptor, BUCKET_BYTES, 0), capacity, now)
            tokens = min(capacity, tokens + max(0.0, now - last) * per_second)
            wait = 0 if tokens >= 1 else max(1, int((1 - tokens) / per_second + 0.999))
            if not wait:
                tokens -= 1
            os.pwrite(descriptor, f"{tokens:.6f} {now:.6f}".ljust(BUCKET_BYTES).encode(), 0)
            return wait
        finally:
            os.close(descriptor)  # and with it the lock


def _bucket(data: bytes, capacity: float, now: float) -> tuple[float, float]:
    """Tokens and time of a bucket file; a new or unreadable one is full."""
    try:
        tokens, last = map(float, data.split())
        return tokens, last
    except ValueError:
        return capacity, now


class TaskApplier:
    """The thread that applies queued write tasks; every worker runs one, the indexer lock lets one work at a time."""

    def __init__(self, index_dir: Path, keep_records: int, keep_days: float, interval: float = APPLY_INTERVAL):
        self.queue = TaskQueue(index_dir)
        self.index_dir = index_dir
        self.keep_records, self.keep_days = keep_records, keep_days
        self.interval = interval
        self.pruned_at = -PRUNE_INTERVAL
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="task-applier", daemon=True)

    def start(self) -> TaskApplier:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(30)

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                applied = self.queue.apply_pending(self.index_dir)
            except Exception:  # noqa: BLE001 - a failed batch stays queued and is retried; the thread must live on
                logger.exception("applying queued write tasks failed; retrying")
                applied = []
                self.stopped.wait(1)
            count_applied(applied)
            if applied and time.monotonic() - self.pruned_at >= PRUNE_INTERVAL:
                self._prune()
            if not applied:
                self.stopped.wait(self.interval)

    def _prune(self) -> None:
        self.pruned_at = time.monotonic()
        try:
            self.queue.prune(self.keep_records, self.keep_days)
        except OSError:
            logger.exception("forgetting old task outcomes failed; trying again later")
