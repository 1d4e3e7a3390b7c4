"""Export of a search and of a directive's articles, read back as staff would: the CSV with Python's ``csv``, the
.xlsx with openpyxl (another library than the XlsxWriter that wrote it)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from searchsvc.index.indexer import index_paths
from searchsvc.search.export import COLUMNS, export_rows
from searchsvc.search.service import SearchRequest
from searchsvc.web.app import create_app
from searchsvc.web.exports import filename

openpyxl = pytest.importorskip("openpyxl", reason="reading the .xlsx back needs openpyxl")

# The three articles citing Chỉ thị 05/CT-TTg (2020) in the sample corpus, newest first (one cites it without year).
CT05_NEWEST_FIRST = ["tinh-bien-giao-ban-khoa-giao", "tin-3", "tinh-bien-phong-chong-dich"]


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def ids_of_search(client, query: str) -> list[str]:
    return [hit["id"] for hit in client.get(f"/api/search?{query}&per_page=100").get_json()["results"]]


@pytest.mark.parametrize("query", ["q=tinh+bien", "locality=89", "q=ch%E1%BB%89+th%E1%BB%8B&sort=oldest", ""])
def test_csv_holds_every_result_in_the_order_of_the_pages(client, query):
    response = client.get(f"/api/search?{query}&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    rows = read_csv(response)
    assert tuple(rows[0]) == COLUMNS
    assert [row[0] for row in rows[1:]] == ids_of_search(client, query)
    assert response.headers["X-Total-Count"] == str(len(rows) - 1)
    assert "attachment" in response.headers["Content-Disposition"]


def test_a_row_carries_date_places_authors_directives_and_links(client):
    rows = {row[0]: row for row in read_csv(client.get("/api/search?q=tinh+bien&format=csv"))}
    row = dict(zip(COLUMNS, rows["tinh-bien-phong-chong-dich"]))
    assert row["Ngày đăng"] == "03/02/2020"
    assert row["Địa phương được nói đến"] == "Tịnh Biên (An Giang)"
    assert row["Địa phương được nhắc tới"] == "Thanh Hóa"
    assert row["Tác giả"] == "Thanh Hòa"
    assert row["Văn bản được trích dẫn"] == "Chỉ thị 05/CT-TTg (2020)"
    assert row["Trang bài viết"] == "http://127.0.0.1:8000/articles/tinh-bien-phong-chong-dich"
    assert row["Bài gốc"] == ""  # a scraped file without its address
    assert dict(zip(COLUMNS, rows["tin-2"]))["Bài gốc"] == "https://example.gov.vn/tin-2"


def test_xlsx_is_a_real_workbook_with_the_same_rows_and_real_dates(client):
    response = client.get("/api/search?q=tinh+bien&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    rows = read_xlsx(response)
    assert rows[0] == COLUMNS
    assert [row[0] for row in rows[1:]] == ids_of_search(client, "q=tinh+bien")
    by_id = {row[0]: dict(zip(COLUMNS, row)) for row in rows[1:]}
    assert by_id["tinh-bien-phong-chong-dich"]["Ngày đăng"] == datetime(2020, 2, 3)
    assert by_id["tin-3"]["Tác giả"] is None  # no author: an empty cell


def test_directive_export_lists_its_citing_articles_newest_first(client):
    csv_rows = read_csv(client.get("/api/directives/chi-thi-5-ttg-2020?format=csv"))
    assert [row[0] for row in csv_rows[1:]] == CT05_NEWEST_FIRST
    xlsx_rows = read_xlsx(client.get("/api/directives/chi-thi-5-ttg-2020?format=xlsx"))
    assert [row[0] for row in xlsx_rows[1:]] == CT05_NEWEST_FIRST
    assert client.get("/api/directives/nope?format=csv").status_code == 404


def test_bad_format_is_a_400_naming_it(client):
    response = client.get("/api/search?format=pdf")
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "format"
    assert client.get("/api/directives/chi-thi-5-ttg-2020?format=").get_json()["id"] == "chi-thi-5-ttg-2020"


def test_the_cap_is_said_in_the_file_name(sample_view):
    export = export_rows(sample_view, SearchRequest(), limit=4)
    assert len(list(export.rows)) == 4 and export.total == 11 and export.truncated
    assert filename("tìm kiếm: hội nghị", export, "csv") == "tim-kiem-hoi-nghi-4-trong-11-bai.csv"
    assert filename("x", export_rows(sample_view, SearchRequest(), limit=20), "xlsx") == "x-11-bai.xlsx"


def test_the_pages_link_to_both_files_with_their_filters(client):
    html = client.get("/?q=tinh+bien&locality=89&page=1").get_data(as_text=True)
    assert 'href="/api/search?q=tinh+bien&amp;locality=89&amp;format=csv"' in html
    assert 'href="/api/search?q=tinh+bien&amp;locality=89&amp;format=xlsx"' in html
    html = client.get("/directives/chi-thi-5-ttg-2020").get_data(as_text=True)
    assert 'href="/api/directives/chi-thi-5-ttg-2020?format=csv"' in html


def test_cells_that_look_like_formulas_stay_text(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = {"id": "f-1", "title": '=HYPERLINK("http://evil","bấm")', "body": "Nội dung về Tịnh Biên.",
               "published": "2023-09-02", "author": "+cmd"}
    (corpus / "a.jsonl").write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths([corpus], tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    row = dict(zip(COLUMNS, read_csv(client.get("/api/search?format=csv"))[1]))
    assert row["Tiêu đề"] == "'" + article["title"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/api/search?format=xlsx").get_data()))
    cell = workbook.active["B2"]
    assert cell.value == article["title"] and cell.data_type == "s"
