"""The house rules a newcomer relies on: the folders are the pipeline and imports point down it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "searchsvc"
STAGES = ("text", "ingest", "index", "search", "web")
# What each stage may import from the project, besides the shared modules at the top (article, config, errors).
ALLOWED = {
    "text": set(),
    "ingest": {"text"},
    "index": {"text", "ingest"},
    "search": {"text", "index"},
    "web": {"text", "index", "search", "web"},
}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules_of(stage: str) -> list[Path]:
    return sorted((PACKAGE / stage).glob("*.py"))


def test_the_folder_list_is_the_pipeline():
    folders = sorted(path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__")
    assert folders == sorted(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_imports_only_the_stages_before_it(stage):
    for path in modules_of(stage):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] == "searchsvc" and len(parts) > 1 and parts[1] in STAGES and parts[1] != stage:
                assert parts[1] in ALLOWED[stage], f"{path.relative_to(PACKAGE)} imports {name}"


def test_only_the_web_package_imports_flask_or_werkzeug():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "web":
            continue
        flask = {name for name in imports_of(path) if name.split(".")[0] in ("flask", "werkzeug")}
        assert not flask, f"{path.relative_to(PACKAGE)} imports {sorted(flask)}"


def test_the_search_layer_imports_no_extractor():
    for path in modules_of("search"):
        assert not any(name.startswith("searchsvc.ingest") for name in imports_of(path)), path.name
