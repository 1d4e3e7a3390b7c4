"""The ``searchsvc`` command as an operator meets it: summaries in Vietnamese, errors naming file and line, no
tracebacks, and the same checks on its input as the API."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from searchsvc.cli import cli


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("cli-index")
    result = CliRunner().invoke(cli, ["index", "--index-dir", str(target), str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert "Đã lập chỉ mục" in result.output and "bỏ qua 0" in result.output
    return target


def test_search_prints_the_count_and_the_ranked_titles(index_dir):
    result = CliRunner().invoke(cli, ["search", "--index-dir", str(index_dir), "tinh", "bien"])
    assert result.exit_code == 0, result.output
    first_line = result.output.splitlines()[0]
    assert "kết quả" in first_line and "trang 1/" in first_line
    assert "\n1. " in result.output and "Tịnh Biên" in result.output


def test_search_json_is_the_api_shape(index_dir):
    result = CliRunner().invoke(cli, ["search", "--index-dir", str(index_dir), "--json", "khoa giáo"])
    body = json.loads(result.output)
    assert body["query"]["q"] == "khoa giáo" and body["total"] >= 1
    assert set(body) >= {"results", "facets", "total", "page", "per_page"}


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--page", "0", "«page» phải là số nguyên từ 1 đến 1000."),
    ("--per-page", "500", "«per_page» phải là số nguyên từ 1 đến 100."),
])
def test_a_bad_option_is_refused_with_the_apis_message(index_dir, option, value, message):
    result = CliRunner().invoke(cli, ["search", "--index-dir", str(index_dir), option, value, "tin"])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_a_missing_index_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(cli, ["search", "--index-dir", str(tmp_path / "none"), "tin"])
    assert result.exit_code == 1 and "searchsvc index" in result.output


def test_parse_names_the_file_and_line_of_a_bad_record_and_goes_on(tmp_path):
    records = tmp_path / "tin.jsonl"
    records.write_text('{"id": "ok-1", "title": "Tịnh Biên: hội nghị", "body": "Ngày 30/9/2020, huyện họp."}\n'
                       "{not json\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(records)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    parsed = [json.loads(line) for line in lines if line.startswith("{")]
    assert [article["id"] for article in parsed] == ["ok-1"] and parsed[0]["published"] == "2020-09-30"
    assert any(line.startswith(f"{records}:2: ") for line in lines)


def test_analyze_prints_exact_and_folded_forms_with_offsets():
    result = CliRunner().invoke(cli, ["analyze", "Hoà", "Bình"])
    assert result.output.splitlines() == ["0\thòa\thoa\t0-3", "1\tbình\tbinh\t4-8"]
