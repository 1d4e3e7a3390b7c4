import json

from click.testing import CliRunner

from searchsvc.cli import cli
from searchsvc.ingest.extract import enrich

from conftest import make_article

SEED_KEYS = {"id", "title", "body", "url", "published", "published_source", "authors", "source_credit",
             "localities", "directives"}


def test_the_seed_article_parses_to_its_metadata(shared_corpus):
    seed = shared_corpus.parent / "samples" / "tinh-bien-khoa-giao-2020.txt"
    result = CliRunner().invoke(cli, ["parse", "--json", str(seed)])
    assert result.exit_code == 0, result.output
    article = json.loads(result.output)
    assert SEED_KEYS <= article.keys()
    assert article["authors"] == ["Phan Hữu"]
    assert article["published"] == "2020-09-30" and article["published_source"] == "text"
    main = [place for place in article["localities"] if place["role"] == "main"]
    assert [(p["name"], p["province"]) for p in main] == [("Tịnh Biên", "An Giang")]
    labels = {d["label"] for d in article["directives"]}
    assert {"Chỉ thị 05-CT/TW", "Chỉ thị 05/CT-TTg"} <= labels
    fives = [d for d in article["directives"] if d["type"] == "Chỉ thị" and d["number"] == "05"]
    assert len({d["id"] for d in fives}) == 2
    assert {d["issuer"] for d in fives} == {"Bộ Chính trị", "Thủ tướng Chính phủ"}


def test_the_input_date_wins_over_a_date_in_the_text():
    from datetime import date

    article = make_article(body="Ngày 30/9/2020, huyện tổ chức hội nghị.", published=date(2021, 1, 5),
                           published_source="metadata")
    assert enrich(article).published == date(2021, 1, 5)
    assert enrich(article.replace(published=None, published_source=None)).published == date(2020, 9, 30)


def test_parse_reports_unreadable_inputs_and_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "title": "Tin", "body": "Nội dung"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(bad)])
    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[0])["id"] == "ok"
    assert f"{bad}:2:" in result.stderr
