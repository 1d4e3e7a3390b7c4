"""The catalog: articles by id, cited documents and their statistics, facet value search; no Flask involved."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from whoosh import index as whoosh_index

from conftest import make_article
from searchsvc.search import catalog
from searchsvc.article import Directive, Locality
from searchsvc.errors import NotFound
from searchsvc.search.facets import FACETS, filter_mask
from searchsvc.search.postings import IndexView
from searchsvc.index.schema import SCHEMA, article_to_document


def labels(values) -> set[str]:
    return {value.label for value in values}


# --- articles ------------------------------------------------------------------------------------------------------

def test_article_by_id_has_text_and_metadata(sample_view):
    article = catalog.get_article(sample_view, "tinh-bien-phong-chong-dich")
    assert article["title"] == "Tịnh Biên: Triển khai Chỉ thị 05/CT-TTg về phòng, chống dịch bệnh"
    assert "vi rút Corona" in article["body"]
    assert article["published"] == "2020-02-03"
    assert "Tịnh Biên" in {place["name"] for place in article["localities"]}


def test_unknown_article_is_not_found(sample_view):
    with pytest.raises(NotFound) as raised:
        catalog.get_article(sample_view, "no-such-article")
    assert raised.value.status == 404 and raised.value.param == "id"


# --- directives ------------------------------------------------------------------------------------------------------

def test_directive_list_counts_each_document_once_per_citing_article(sample_view):
    directives = catalog.list_directives(sample_view)
    ids = [d["id"] for d in directives]
    assert len(ids) == len(set(ids))
    for directive in directives:
        mask = filter_mask(sample_view, "directive", (directive["id"],)) & sample_view.live
        assert directive["count"] == int(mask.sum()) > 0
    assert [d["count"] for d in directives] == sorted((d["count"] for d in directives), reverse=True)


def test_directive_list_tells_the_prime_minister_and_the_politburo_apart(sample_view):
    by_label = {}
    for directive in catalog.list_directives(sample_view):
        by_label.setdefault(directive["label"], []).append(directive)
    party = by_label["Chỉ thị 05-CT/TW"]
    government = by_label["Chỉ thị 05/CT-TTg"]
    assert {d["issuer"] for d in party} == {"Bộ Chính trị"}
    assert all(d["issuer"].startswith("Thủ tướng") for d in government)
    assert not {d["id"] for d in party} & {d["id"] for d in government}


def test_one_document_cited_with_two_issuer_wordings_is_one_value(sample_view):
    """tin-3 writes 'của Thủ tướng', the giao ban article 'của Thủ tướng Chính phủ': one document, two articles."""
    cited = {d["id"] for d in catalog.get_article(sample_view, "tin-3")["directives"]}
    also = {d["id"] for d in catalog.get_article(sample_view, "tinh-bien-giao-ban-khoa-giao")["directives"]}
    shared = cited & also
    assert shared
    for directive_id in shared:
        assert catalog.directive_stats(sample_view, directive_id)["count"] >= 2


def test_directive_stats_add_up(sample_view):
    for directive in catalog.list_directives(sample_view):
        stats = catalog.directive_stats(sample_view, directive["id"])
        assert stats["count"] == directive["count"]
        assert sum(y["count"] for y in stats["by_year"]) + stats["undated"] == stats["count"]
        assert sum(p["count"] for p in stats["by_province"]) + stats["unlocated"] >= stats["count"]
        assert [y["value"] for y in stats["by_year"]] == sorted(y["value"] for y in stats["by_year"])
        assert all(y["count"] > 0 for y in stats["by_year"] + stats["by_province"])


def test_directive_stats_years_are_the_citing_articles_years(sample_view):
    directive_id = next(d["id"] for d in catalog.get_article(sample_view, "phu-my-thuy-loi")["directives"])
    stats = catalog.directive_stats(sample_view, directive_id)
    assert {"value": "2024", "label": "2024", "count": 1} in stats["by_year"]
    assert "Bình Định" in {p["label"] for p in stats["by_province"]}


def test_unknown_directive_is_not_found(sample_view):
    with pytest.raises(NotFound):
        catalog.directive_stats(sample_view, "chi-thi-999-ttg")


# --- facet value search ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["tinh bien", "Tịnh Biên", "tịnh biên", "TINH", "bien"])
def test_locality_search_is_accent_and_case_insensitive(sample_view, q):
    values, _ = catalog.search_facet(sample_view, "locality", q)
    assert "Tịnh Biên" in labels(values)


def test_locality_search_needs_every_word(sample_view):
    values, _ = catalog.search_facet(sample_view, "locality", "tinh dak")
    assert values == []


@pytest.mark.parametrize(("q", "expected"), [
    ("05/CT-TTg", {"Chỉ thị 05/CT-TTg"}),
    ("chỉ thị 05/CT-TTg", {"Chỉ thị 05/CT-TTg"}),
    ("05-CT/TW", {"Chỉ thị 05-CT/TW"}),
    ("chỉ thị 05-CT/TW", {"Chỉ thị 05-CT/TW"}),
    ("CT 05", {"Chỉ thị 05/CT-TTg", "Chỉ thị 05-CT/TW"}),
    ("chỉ thị 05", {"Chỉ thị 05/CT-TTg", "Chỉ thị 05-CT/TW"}),
    ("chi thi 5", {"Chỉ thị 05/CT-TTg", "Chỉ thị 05-CT/TW"}),
    ("NĐ 100", {"Nghị định 100/2019/NĐ-CP"}),
    ("100/2019/NĐ-CP", {"Nghị định 100/2019/NĐ-CP"}),
    ("nghi dinh 100", {"Nghị định 100/2019/NĐ-CP"}),
    ("57-NQ/TW", {"Nghị quyết 57-NQ/TW"}),
])
def test_directive_search_reads_the_spellings_staff_type(sample_view, q, expected):
    values, total = catalog.search_facet(sample_view, "directive", q)
    assert labels(values) == expected and total == len(values)


def test_directive_number_does_not_match_as_a_substring(sample_view):
    values, _ = catalog.search_facet(sample_view, "directive", "chỉ thị 5")
    assert all(value.label.startswith("Chỉ thị 05") for value in values)
    assert catalog.search_facet(sample_view, "directive", "Chỉ thị 105/CT-TTg")[0] == []


def test_directive_search_by_words(sample_view):
    values, _ = catalog.search_facet(sample_view, "directive", "nghi quyet")
    assert values and all(value.label.startswith("Nghị quyết") for value in values)


def test_date_search(sample_view):
    values, _ = catalog.search_facet(sample_view, "date", "thang 9")
    assert values and all(value.label.startswith("Tháng 9/") for value in values)


def test_author_search(sample_view):
    values, _ = catalog.search_facet(sample_view, "author", "nguyen han")
    assert labels(values) == {"Nguyễn Hân"}


@pytest.mark.parametrize("facet", FACETS)
def test_empty_search_lists_every_value_most_frequent_first(sample_view, facet):
    values, total = catalog.search_facet(sample_view, facet, "", limit=100)
    table = sample_view.facet_table(facet)
    assert total == len(values) == len(table.values)
    assert [v.count for v in values] == sorted((v.count for v in values), reverse=True)


def test_search_limit_cuts_the_list_but_reports_the_total(sample_view):
    values, total = catalog.search_facet(sample_view, "author", "", limit=2)
    assert len(values) == 2 and total > 2


def test_unknown_facet_is_not_found(sample_view):
    with pytest.raises(NotFound):
        catalog.search_facet(sample_view, "province", "")


# --- facet tables of terms that differ only in their meta -----------------------------------------------------------

@pytest.fixture
def tricky_view(tmp_path):
    """Two articles citing one document with different issuer wording, author names folding to one key, and a
    district the locality extractor could not place (empty code)."""
    cited = dict(id="chi-thi-5-ttg-2020", label="Chỉ thị 05/CT-TTg", type="Chỉ thị", number="05", symbol="CT-TTg",
                 year=2020)
    unplaced = Locality(code="", name="An Lão", type="huyện", level=2, role="main")
    articles = [
        make_article(id="a-1", published=date(2020, 2, 3), authors=("Cẩm Thủy",),
                     directives=(Directive(**cited, issuer="Thủ tướng Chính phủ"),), localities=(unplaced,)),
        make_article(id="a-2", published=date(2020, 3, 1), authors=("Cẩm Thúy",),
                     directives=(Directive(**cited, issuer="Thủ tướng"),)),
        make_article(id="a-3", published=date(2021, 1, 1), authors=("Cẩm Thủy",),
                     directives=(Directive(**cited, issuer="Thủ tướng Chính phủ"),)),
    ]
    ix = whoosh_index.create_in(str(tmp_path), SCHEMA)
    with ix.writer() as writer:
        for article in articles:
            writer.add_document(**article_to_document(article))
    view = IndexView(tmp_path)
    yield view
    view.close()


def test_terms_of_one_value_are_merged(tricky_view):
    for facet in FACETS:
        values = tricky_view.facet_table(facet).values
        assert len(values) == len(set(values)), facet
    [directive] = catalog.list_directives(tricky_view)
    assert directive["count"] == 3
    assert directive["issuer"] == "Thủ tướng Chính phủ", "the wording of most citing articles"
    values, _ = catalog.search_facet(tricky_view, "author", "cam thuy")
    assert [(v.value, v.count) for v in values] == [("cam-thuy", 3)]
    assert np.array_equal(np.flatnonzero(filter_mask(tricky_view, "author", ("cam-thuy",))), [0, 1, 2])


def test_a_value_that_cannot_be_selected_is_not_listed(tricky_view):
    assert "" not in tricky_view.facet_table("locality").values
    assert catalog.directive_stats(tricky_view, "chi-thi-5-ttg-2020")["unlocated"] == 3
