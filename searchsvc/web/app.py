"""The Flask application factory: configuration, the blueprint with its error handlers, JSON logging; nothing else."""

from __future__ import annotations

import json
import logging
import logging.config
from pathlib import Path

from searchsvc import config

TEMPLATES_DIR = config.PROJECT_ROOT / "templates"
STATIC_DIR = config.PROJECT_ROOT / "static"
VIEWS_EXTENSION = "searchsvc.views"
ADMISSION_EXTENSION = "searchsvc.admission"
APPLIER_EXTENSION = "searchsvc.applier"


class JsonFormatter(logging.Formatter):
    """One JSON object per log line, so the log collector needs no parsing rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def create_app(test_config: dict | None = None):
    """Build the app: settings from ``config``, then ``SEARCHSVC_*`` variables, then ``test_config``."""
    # Imported here so that the CLI, the indexer and the search layer never load Flask through this package.
    from flask import Flask

    from searchsvc.web import metrics, routes, writes
    from searchsvc.search.params import day_text
    from searchsvc.search.postings import ViewCache
    from searchsvc.web.admission import Admission, heavy_lane_path

    _configure_logging()
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), static_folder=str(STATIC_DIR))
    app.config.from_mapping(config.defaults())
    app.config.from_prefixed_env("SEARCHSVC")
    if test_config:
        app.config.update(test_config)
    app.config["BASE_URL"] = config.check_base_url(app.config["BASE_URL"])
    app.config["FRESHNESS"] = config.check_freshness(app.config["FRESHNESS"])
    # ``/api//search`` would be redirected to ``/api/search`` on the Host the client sent: answered 404 instead.
    app.url_map.merge_slashes = False
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # One cache per app: each request checks (two stat calls) whether a new index generation was swapped in.
    app.extensions[VIEWS_EXTENSION] = ViewCache(Path(app.config["INDEX_DIR"]))
    app.extensions[ADMISSION_EXTENSION] = Admission(heavy_lane_path(Path(app.config["INDEX_DIR"])))
    app.add_template_filter(day_text, "day")  # every day on a page reads dd/mm/yyyy
    app.register_blueprint(routes.bp)  # its app_errorhandler()s cover every path, not only the blueprint's
    app.register_blueprint(writes.bp)
    app.register_blueprint(metrics.bp)
    if config.flag(app.config["APPLY_TASKS"]):
        app.extensions[APPLIER_EXTENSION] = writes.TaskApplier(
            Path(app.config["INDEX_DIR"]), keep_records=int(app.config["TASKS_KEEP"]),
            keep_days=float(app.config["TASKS_KEEP_DAYS"])).start()
    return app


def _configure_logging() -> None:
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {"searchsvc": {"level": "INFO", "handlers": ["stderr"], "propagate": True}},
    })
