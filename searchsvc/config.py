"""Every setting, declared once with its default and help; the only module that reads ``os.environ``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = (
    Setting("INDEX_DIR", str(PROJECT_ROOT / "index"), "Where the index lives (a folder holding the live generation)."),
    Setting("CORS_ORIGINS", "", "Comma-separated origins allowed to call the JSON API from a browser; empty: CORS off."),
    Setting("MAX_CONTENT_LENGTH", 64 * 1024, "Largest request body accepted, in bytes; the service reads none."),
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
