"""Every setting, declared once with its default and help; the only module that reads ``os.environ``."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Beyond this, freshness would outweigh relevance rather than break near ties.
MAX_FRESHNESS = 1.0


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = (
    Setting("INDEX_DIR", str(PROJECT_ROOT / "index"), "Where the index lives (a folder holding the live generation)."),
    Setting("CORS_ORIGINS", "", "Comma-separated origins allowed to call the JSON API from a browser; empty: CORS off."),
    Setting("MAX_CONTENT_LENGTH", 64 * 1024, "Largest request body accepted, in bytes, except by the write API, "
            "whose limit is each API key's own (``searchsvc keys create --max-body``)."),
    Setting("METRICS_PUBLIC", False, "Serve /metrics to any client; otherwise only to requests from the machine "
            "itself (a Prometheus on the same host). The shipped nginx config never passes /metrics on."),
    Setting("APPLY_TASKS", True, "Apply queued write tasks in a thread of each web worker (the one holding the "
            "indexer lock works, the others wait); off for a server that only reads."),
    Setting("TASKS_KEEP", 10_000, "How many outcomes of finished write tasks ``GET /api/tasks/<uid>`` can report: "
            "older ones are forgotten (their uid then answers 404 saying so)."),
    Setting("TASKS_KEEP_DAYS", 7, "Days the outcome of a finished write task is kept, at most."),
    Setting("BASE_URL", "http://127.0.0.1:8000", "The public address of the service (scheme, host and port, no "
            "path), for the absolute links of feeds and the OpenSearch description: never taken from the Host header, "
            "which any client can set. «searchsvc serve» defaults it to its own --host and --port."),
    Setting("FRESHNESS", 0.0, "How much a relevance order prefers newer articles: the newest dated article's score "
            f"is raised by this share (0 to {MAX_FRESHNESS}), an article a year older by half of it, two years "
            "older by a quarter; undated articles never count as new. 0 turns the preference off."),
)


def defaults() -> dict:
    return {setting.name: setting.default for setting in SETTINGS}


def from_environment() -> dict:
    """Defaults overridden by ``SEARCHSVC_<NAME>`` variables."""
    values = defaults()
    for setting in SETTINGS:
        value = os.environ.get(f"SEARCHSVC_{setting.name}")
        if value is not None:
            values[setting.name] = value
    return values


def index_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The index folder: ``--index-dir``, else ``SEARCHSVC_INDEX_DIR``, else ``index/`` of the project."""
    return Path(explicit) if explicit else Path(from_environment()["INDEX_DIR"])


def flag(value: object) -> bool:
    """A yes/no setting from ``test_config`` (a bool) or the environment (``1``/``true``/``yes``/``on``, else no)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def check_base_url(url: str) -> str:
    """``BASE_URL`` without its trailing slash, or a clear error at start-up rather than wrong links later."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
        raise ValueError(f"SEARCHSVC_BASE_URL phải có dạng http(s)://máy[:cổng], không phải «{url}».")
    return url.rstrip("/")


def check_freshness(value: object) -> float:
    """``FRESHNESS`` as a number between 0 and ``MAX_FRESHNESS``, or a clear error at start-up.

    >>> check_freshness("0.2"), check_freshness(0)
    (0.2, 0.0)
    """
    try:
        share = float(value)
    except (TypeError, ValueError):
        share = math.nan
    if not 0 <= share <= MAX_FRESHNESS:
        raise ValueError(f"SEARCHSVC_FRESHNESS phải là một số từ 0 đến {MAX_FRESHNESS:g}, không phải «{value}».")
    return share
