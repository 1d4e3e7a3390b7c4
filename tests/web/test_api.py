"""Contract tests of the JSON API and the search page, over the sample corpus.

Facet checks are relational: a facet value's count must equal the total the user gets by selecting it, and
selections must combine as OR within a facet and AND across facets, whatever the corpus holds.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
from itertools import combinations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchsvc.web.app import JsonFormatter, create_app
from searchsvc.cli import cli
from searchsvc.index.indexer import index_paths
from searchsvc.ingest.parse import iter_input_files, read_articles
from conftest import SAMPLES

FACETS = ("date", "locality", "author", "directive")
HIT_FIELDS = {"id", "title", "url", "published", "authors", "localities", "directives", "snippet", "score"}


def get(client, path, **params):
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def search_ids(client, **params) -> set[str]:
    data = get(client, "/api/search", per_page=100, **params)
    assert data["total"] <= 100, "the sample corpus fits on one page"
    return {hit["id"] for hit in data["results"]}


def sample_articles():
    return [a for path in iter_input_files([SAMPLES]) for a in read_articles(path)]


# --- /api/search: shape and parameters ---------------------------------------------------------------------

def test_search_response_has_the_documented_names(client):
    data = get(client, "/api/search", q="Tịnh Biên")
    assert {"query", "total", "page", "per_page", "pages", "took_ms", "results", "facets", "suggestions"} <= set(data)
    assert set(data["facets"]) == set(FACETS)
    assert data["results"] and all(HIT_FIELDS <= set(hit) for hit in data["results"])
    for values in data["facets"].values():
        for value in values:
            assert {"value", "label", "count", "selected"} <= set(value)


def test_query_text_finds_articles_with_and_without_accents(client):
    accented = search_ids(client, q="Tịnh Biên")
    assert accented == search_ids(client, q="tinh bien")
    assert "tinh-bien-phong-chong-dich" in accented
    assert "dak-song-ca-phe" not in accented


def test_query_echo_reports_the_request(client):
    data = get(client, "/api/search", q="cà phê", locality=["89", "52"], date_from="2020-01-01", sort="oldest")
    assert data["query"]["q"] == "cà phê"
    assert data["query"]["filters"] == {"locality": ["89", "52"]}
    assert data["query"]["date_from"] == "2020-01-01"
    assert data["query"]["sort"] == "oldest"


def test_empty_query_lists_every_article_newest_first(client):
    data = get(client, "/api/search", per_page=100)
    assert data["total"] == len(sample_articles())
    dates = [hit["published"] for hit in data["results"] if hit["published"]]
    assert dates == sorted(dates, reverse=True)
    assert data["query"]["sort"] == "newest"


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date(client, sort):
    dates = [hit["published"] for hit in get(client, "/api/search", q="tịnh biên", sort=sort)["results"]]
    assert dates == sorted(dates, reverse=sort == "newest")


def test_relevance_sort_orders_by_score(client):
    scores = [hit["score"] for hit in get(client, "/api/search", q="phòng chống dịch", sort="relevance")["results"]]
    assert len(scores) > 1 and scores == sorted(scores, reverse=True)


def test_pages_split_the_results_without_overlap(client):
    everything = get(client, "/api/search", per_page=100)
    first = get(client, "/api/search", per_page=4, page=1)
    second = get(client, "/api/search", per_page=4, page=2)
    assert first["per_page"] == 4 and first["pages"] == -(-everything["total"] // 4)
    assert [h["id"] for h in first["results"] + second["results"]] == [h["id"] for h in everything["results"][:8]]
    past_the_end = get(client, "/api/search", per_page=4, page=first["pages"] + 1)
    assert past_the_end["results"] == [] and past_the_end["total"] == everything["total"]


def test_default_page_size_is_ten(client):
    data = get(client, "/api/search")
    assert data["per_page"] == 10 and data["page"] == 1 and len(data["results"]) == min(10, data["total"])


def test_date_range_keeps_articles_published_within_it(client):
    inside = get(client, "/api/search", date_from="2020-02-01", date_to="2020-09-30", per_page=100)["results"]
    assert inside
    assert all("2020-02-01" <= hit["published"][:10] <= "2020-09-30" for hit in inside)
    everything = get(client, "/api/search", per_page=100)["results"]
    expected = {h["id"] for h in everything if h["published"] and "2020-02-01" <= h["published"][:10] <= "2020-09-30"}
    assert {hit["id"] for hit in inside} == expected


@pytest.mark.parametrize("q", ['"hội nghị', "-", "***", "(tịnh OR", "AND", '""', "- -", "'", "\\", "title:x",
                               "\x00", "ﷺ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"])
def test_unreadable_query_syntax_is_searched_as_plain_words(client, q):
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    assert response.get_json()["query"]["q"] == q


def test_unbalanced_quote_matches_the_words(client):
    assert search_ids(client, q='"hội nghị giao ban') == search_ids(client, q="hội nghị giao ban")


def test_hits_snippets_are_escaped_html_with_marked_words(client):
    hit = get(client, "/api/search", q="giao ban")["results"][0]
    assert "<mark>" in hit["snippet"]
    data = get(client, "/api/search", q="<script>alert(1)</script> tịnh biên")
    assert all("<script>" not in hit["snippet"] and "<script>" not in hit["title_html"] for hit in data["results"])


# --- facets: counts, OR within, AND across ------------------------------------------------------------------

def assert_counts_equal_totals(client, params: dict) -> None:
    """Each listed value's count is the total the user gets by selecting it instead of that facet's selection."""
    data = get(client, "/api/search", **params)
    for facet, values in data["facets"].items():
        assert len({value["value"] for value in values}) == len(values), f"{facet} lists a value twice"
        for value in values:
            chosen = {**params, facet: [value["value"]]}
            assert get(client, "/api/search", **chosen)["total"] == value["count"], (facet, value)


@pytest.mark.parametrize("params", [
    {},
    {"q": "tịnh biên"},
    {"q": "phòng chống dịch"},
    {"locality": ["89"]},
    {"locality": ["89", "890"]},
    {"date": ["2020"]},
    {"date": ["2020"], "locality": ["89"]},
    {"date": ["2020", "2020-09"]},
    {"directive": ["chi-thi-5-ttg-2020"], "date": ["2020"]},
    {"date_from": "2020-01-01", "date_to": "2022-12-31"},
], ids=lambda params: json.dumps(params, ensure_ascii=False))
def test_facet_counts_equal_the_totals_of_selecting_each_value(client, params):
    assert_counts_equal_totals(client, params)


def test_counts_cover_every_match_not_the_page(client):
    data = get(client, "/api/search", per_page=1)
    years = [v for v in data["facets"]["date"] if "parent" not in v]
    dated = [hit for hit in get(client, "/api/search", per_page=100)["results"] if hit["published"]]
    assert sum(v["count"] for v in years) == len(dated) > 1


@pytest.mark.parametrize("facet", FACETS)
def test_values_of_one_facet_combine_with_or(client, facet):
    values = [v["value"] for v in get(client, "/api/search")["facets"][facet]][:4]
    assert len(values) >= 2
    for a, b in combinations(values, 2):
        union = search_ids(client, **{facet: [a]}) | search_ids(client, **{facet: [b]})
        assert search_ids(client, **{facet: [a, b]}) == union


def test_facets_combine_with_and(client):
    facets = get(client, "/api/search")["facets"]
    for first, second in combinations(FACETS, 2):
        for a in facets[first][:3]:
            for b in facets[second][:3]:
                both = search_ids(client, **{first: [a["value"]], second: [b["value"]]})
                assert both == search_ids(client, **{first: [a["value"]]}) & search_ids(client, **{second: [b["value"]]})


def test_choosing_a_district_still_shows_the_other_districts(client):
    province = get(client, "/api/search", locality="89")["facets"]["locality"]
    districts = [v for v in province if v.get("parent") == "89"]
    assert len(districts) >= 2, "selecting An Giang opens its districts"
    chosen = districts[0]["value"]
    after = get(client, "/api/search", locality=["89", chosen])
    listed = {v["value"]: v for v in after["facets"]["locality"]}
    assert all(d["value"] in listed and listed[d["value"]]["count"] == d["count"] for d in districts)
    assert listed[chosen]["selected"] and not listed[districts[1]["value"]]["selected"]


def test_months_appear_under_a_selected_year(client):
    before = get(client, "/api/search")["facets"]["date"]
    assert all("parent" not in v for v in before)
    after = get(client, "/api/search", date="2020")["facets"]["date"]
    months = [v for v in after if v.get("parent") == "2020"]
    assert months and all(v["value"].startswith("2020-") for v in months)
    assert sum(v["count"] for v in months) == get(client, "/api/search", date="2020")["total"]


def test_choosing_a_month_inside_a_year_gives_that_month(client):
    year = get(client, "/api/search", date="2020", per_page=100)
    months = [v for v in year["facets"]["date"] if v.get("parent") == "2020"]
    assert months
    for month in months:
        narrowed = get(client, "/api/search", date=["2020", month["value"]], per_page=100)
        assert narrowed["total"] == month["count"] == get(client, "/api/search", date=month["value"])["total"]
        assert all(hit["published"].startswith(month["value"]) for hit in narrowed["results"])
        assert next(v for v in narrowed["facets"]["date"] if v["value"] == month["value"])["selected"]


def test_months_of_several_years_combine_and_a_range_intersects(client):
    years = [v["value"] for v in get(client, "/api/search")["facets"]["date"]][:2]
    assert len(years) == 2
    first, second = (next(v for v in get(client, "/api/search", date=year)["facets"]["date"]
                          if v.get("parent") == year) for year in years)
    both = search_ids(client, date=[*years, first["value"], second["value"]])
    assert both == search_ids(client, date=first["value"]) | search_ids(client, date=second["value"])
    month = first["value"]
    ranged = get(client, "/api/search", date=[years[0], month], date_from=f"{month}-01", date_to=f"{month}-15",
                 per_page=100)
    assert all(f"{month}-01" <= hit["published"][:10] <= f"{month}-15" for hit in ranged["results"])
    assert ranged["total"] <= first["count"]


def test_locality_counts_places_articles_are_about_unless_the_scope_is_all(client):
    about = {v["value"]: v["count"] for v in get(client, "/api/search")["facets"]["locality"]}
    every = get(client, "/api/search", locality_scope="all")
    assert every["query"]["locality_scope"] == "all"
    named = {v["value"]: v["count"] for v in every["facets"]["locality"]}
    assert all(named.get(value, 0) >= count for value, count in about.items())
    assert sum(named.values()) > sum(about.values())
    assert_counts_equal_totals(client, {"locality_scope": "all"})
    error = client.get("/api/search", query_string={"locality_scope": "some"})
    assert error.status_code == 400 and error.get_json()["error"]["param"] == "locality_scope"


def test_selected_value_stays_listed_when_nothing_matches(client):
    data = get(client, "/api/search", q="cà phê", locality="89")
    assert data["total"] == 0
    an_giang = next(v for v in data["facets"]["locality"] if v["value"] == "89")
    assert an_giang["selected"] and an_giang["count"] == 0


@pytest.mark.parametrize(("param", "value"), [("author", "nobody-at-all"), ("locality", "Atlantis"),
                                              ("locality", "99999"), ("directive", "Chỉ thị 999/CT-TTg"),
                                              ("date", "2031"), ("date", "13/2020")])
def test_a_filter_value_that_names_nothing_is_a_400_naming_it(client, param, value):
    response = client.get("/api/search", query_string={param: value})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == param and f"«{value}»" in error["message"] and f"«{param}»" in error["message"]


def test_every_bad_filter_value_is_reported_together(client):
    response = client.get("/api/search", query_string={"locality": ["89", "Atlantis"], "author": "nobody"})
    assert response.status_code == 400
    assert [(e["param"], "Atlantis" in e["message"] or "nobody" in e["message"])
            for e in response.get_json()["errors"]] == [("locality", True), ("author", True)]


@pytest.mark.parametrize("typed", ["89", "An Giang", "an giang", "AN GIANG", "tỉnh An Giang", "An  Giang"])
def test_a_locality_by_code_or_by_name_in_any_spelling(client, typed):
    data = get(client, "/api/search", locality=typed)
    assert data["query"]["filters"] == {"locality": ["89"]}
    assert data["total"] == 6  # the six sample articles about An Giang


def test_a_district_or_commune_by_name_and_a_namesake_by_its_province(client):
    assert get(client, "/api/search", locality="Tịnh Biên")["query"]["filters"] == {"locality": ["890"]}
    assert get(client, "/api/search", locality="xã Văn Giáo")["query"]["filters"] == {"locality": ["30523"]}
    assert get(client, "/api/search", locality="Châu Thành, An Giang")["query"]["filters"] == {"locality": ["892"]}


@pytest.mark.parametrize("typed", ["05/CT-TTg", "Chỉ thị số 05/CT-TTg", "CT 05/TTg", "05/CT-TTg năm 2020", "5/ct-ttg",
                                   "chi-thi-5-ttg-2020"])
def test_a_directive_in_any_form_staff_type(client, typed):
    data = get(client, "/api/search", directive=typed)
    assert data["query"]["filters"] == {"directive": ["chi-thi-5-ttg-2020"]}
    assert data["total"] == 3


def test_a_reference_that_fits_two_documents_names_both(client):
    response = client.get("/api/search", query_string={"directive": "chỉ thị 05"})
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "chi-thi-5-ttg-2020" in message and "chi-thi-5-tw" in message


def test_month_and_author_as_people_write_them(client):
    assert get(client, "/api/search", date="9/2020")["query"]["filters"] == {"date": ["2020-09"]}
    assert get(client, "/api/search", author="PHAN HỮU")["query"]["filters"] == {"author": ["phan-huu"]}


def test_days_typed_the_vietnamese_way(client):
    data = get(client, "/api/search", date_from="1/2/2020", date_to="30/09/2020")
    assert (data["query"]["date_from"], data["query"]["date_to"]) == ("2020-02-01", "2020-09-30")
    assert data == get(client, "/api/search", date_from="2020-02-01", date_to="2020-09-30") | {
        "took_ms": data["took_ms"]}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_selection_is_or_within_and_across(client, data):
    """Property: for random selections, the result set is the AND over facets of the OR over values."""
    listing = get(client, "/api/search")["facets"]
    selection = {
        facet: data.draw(st.lists(st.sampled_from([v["value"] for v in listing[facet]]), max_size=2, unique=True),
                         label=facet)
        for facet in FACETS
    }
    selection = {facet: values for facet, values in selection.items() if values}
    expected = search_ids(client)
    for facet, values in selection.items():
        expected &= set().union(*(search_ids(client, **{facet: [value]}) for value in values))
    assert search_ids(client, **selection) == expected


# --- suggestions ---------------------------------------------------------------------------------------------

def test_directive_typed_in_the_box_suggests_its_filter(client):
    data = get(client, "/api/search", q="chỉ thị 05/CT-TTg")
    directives = [s for s in data["suggestions"] if s["facet"] == "directive"]
    assert directives
    assert all(s["label"] == "Chỉ thị 05/CT-TTg" for s in directives), "the Politburo's 05-CT/TW is another document"
    for suggestion in directives:
        filtered = get(client, "/api/search", directive=suggestion["value"])
        assert filtered["total"] == suggestion["count"] > 0
    cited = search_ids(client, directive=[s["value"] for s in directives])
    assert {"tinh-bien-phong-chong-dich", "tin-3"} <= cited


@pytest.mark.parametrize("q", ["tháng 9/2020", "hội nghị giao ban tháng 9 năm 2020"])
def test_month_typed_in_the_box_suggests_the_month(client, q):
    suggestion = next(s for s in get(client, "/api/search", q=q)["suggestions"] if s["facet"] == "date")
    assert suggestion["value"] == "2020-09"
    hits = get(client, "/api/search", date="2020-09", per_page=100)["results"]
    assert hits and all(hit["published"].startswith("2020-09") for hit in hits)
    assert suggestion["count"] == len(hits)


def test_year_typed_in_the_box_suggests_the_year(client):
    suggestion = next(s for s in get(client, "/api/search", q="năm 2020")["suggestions"] if s["facet"] == "date")
    assert suggestion["value"] == "2020"


def test_a_selected_filter_is_not_suggested_again(client):
    data = get(client, "/api/search", q="tháng 9/2020", date="2020-09")
    assert not [s for s in data["suggestions"] if s["value"] == "2020-09"]


def test_plain_words_suggest_nothing(client):
    assert get(client, "/api/search", q="nông thôn mới")["suggestions"] == []


# --- facet value search ------------------------------------------------------------------------------------------

def facet_values(client, name, q, **params):
    return get(client, f"/api/facets/{name}", q=q, **params)["values"]


@pytest.mark.parametrize("q", ["tinh bien", "Tịnh Biên", "TỊNH BIÊN", "tịnh"])
def test_facet_search_ignores_accents_and_case(client, q):
    assert "Tịnh Biên" in {v["label"] for v in facet_values(client, "locality", q)}


@pytest.mark.parametrize("q", ["05/CT-TTg", "05/ct-ttg", "chỉ thị 05/CT-TTg", "5/CT-TTg"])
def test_facet_search_reads_a_prime_minister_directive(client, q):
    labels = {v["label"] for v in facet_values(client, "directive", q)}
    assert labels == {"Chỉ thị 05/CT-TTg"}


@pytest.mark.parametrize("q", ["05-CT/TW", "05-ct/tw"])
def test_facet_search_reads_a_party_directive(client, q):
    assert {v["label"] for v in facet_values(client, "directive", q)} == {"Chỉ thị 05-CT/TW"}


@pytest.mark.parametrize("q", ["CT 05", "chỉ thị 05", "chi thi 05", "Chỉ thị số 5"])
def test_facet_search_without_issuer_finds_both_directives_05(client, q):
    labels = {v["label"] for v in facet_values(client, "directive", q)}
    assert labels == {"Chỉ thị 05/CT-TTg", "Chỉ thị 05-CT/TW"}


def test_facet_search_counts_equal_search_totals(client):
    for name, q in [("locality", "tinh bien"), ("directive", "chi thi 05"), ("date", "2020"), ("author", "phan")]:
        values = facet_values(client, name, q)
        assert values
        for value in values:
            assert get(client, "/api/search", **{name: value["value"]})["total"] == value["count"]


def test_facet_search_limit(client):
    everything = get(client, "/api/facets/author", q="")
    assert everything["total"] == len(everything["values"]) >= 3
    limited = get(client, "/api/facets/author", q="", limit=2)
    assert limited["total"] == everything["total"] and limited["values"] == everything["values"][:2]


def test_facet_search_finds_a_district_with_its_province(client):
    district = next(v for v in facet_values(client, "locality", "tinh bien") if v["label"] == "Tịnh Biên")
    assert district["parent"] == next(v for v in facet_values(client, "locality", "an giang"))["value"]


# --- articles, directives, analyze, health ------------------------------------------------------------------------

def test_article_is_returned_whole(client):
    article = get(client, "/api/articles/phu-my-thuy-loi")
    assert article["title"] == "Phù Mỹ: Nạo vét kênh mương, bảo đảm nước tưới vụ hè thu"
    assert "Quyết định số 1234/QĐ-UBND" in article["body"]
    assert article["published"] == "2024-05-10"
    assert {"Minh Ngọc", "Hải Yến"} <= set(article["authors"])
    assert "Phù Mỹ" in {place["name"] for place in article["localities"]}
    assert "Quyết định 1234/QĐ-UBND" in {d["label"] for d in article["directives"]}


def test_every_search_hit_can_be_fetched(client):
    for hit in get(client, "/api/search", per_page=100)["results"]:
        article = get(client, f"/api/articles/{hit['id']}")
        assert (article["id"], article["title"], article["published"]) == (hit["id"], hit["title"], hit["published"])


def test_directive_list_counts_citing_articles(client):
    data = get(client, "/api/directives")
    assert data["total"] == len(data["directives"]) > 0
    counts = [d["count"] for d in data["directives"]]
    assert counts == sorted(counts, reverse=True)
    for directive in data["directives"]:
        assert {"id", "label", "type", "number", "year", "issuer", "count"} <= set(directive)
        assert get(client, "/api/search", directive=directive["id"])["total"] == directive["count"]


def test_directive_list_holds_every_directive_cited_in_results(client):
    listed = {d["id"] for d in get(client, "/api/directives")["directives"]}
    cited = {d["id"] for hit in get(client, "/api/search", per_page=100)["results"] for d in hit["directives"]}
    assert cited == listed


def test_directive_stats_by_year_and_province(client):
    for directive in get(client, "/api/directives")["directives"]:
        stats = get(client, f"/api/directives/{directive['id']}")
        assert stats["count"] == directive["count"]
        assert sum(y["count"] for y in stats["by_year"]) + stats["undated"] == stats["count"]
        for year in stats["by_year"]:
            assert get(client, "/api/search", directive=directive["id"], date=year["value"])["total"] == year["count"]
        for province in stats["by_province"]:
            total = get(client, "/api/search", directive=directive["id"], locality=province["value"])["total"]
            assert total == province["count"]


def test_directive_stats_of_the_prime_minister_directive(client):
    stats = get(client, "/api/directives/chi-thi-5-ttg-2020")
    assert stats["label"] == "Chỉ thị 05/CT-TTg" and stats["type"] == "Chỉ thị" and stats["year"] == 2020
    assert [y["value"] for y in stats["by_year"]] == ["2020"]
    assert [p["label"] for p in stats["by_province"]] == ["An Giang"]


def test_analyze_matches_the_cli(client):
    text = "Thuỷ lợi ở Tịnh Biên, 05/CT-TTg"
    tokens = get(client, "/api/analyze", text=text)["tokens"]
    printed = CliRunner().invoke(cli, ["analyze", text]).output.splitlines()
    assert [f"{t['position']}\t{t['exact']}\t{t['folded']}\t{t['start']}-{t['end']}" for t in tokens] == printed
    assert tokens[0]["exact"] == "thủy" and tokens[0]["folded"] == "thuy"


def test_analyze_of_empty_text_has_no_tokens(client):
    assert get(client, "/api/analyze", text="")["tokens"] == []


def test_healthz_reports_the_index(client, sample_view):
    data = get(client, "/healthz")
    assert data["documents"] == len(sample_articles())
    assert data["generation"] == sample_view.generation


# --- HTTP: caching, new index generations, CORS ---------------------------------------------------------------

def test_responses_carry_cache_control_and_etag(client):
    for path in ["/api/search?q=x", "/api/directives", "/api/articles/tin-1", "/api/facets/date", "/"]:
        response = client.get(path)
        assert response.headers["Cache-Control"] and response.headers["ETag"], path


def test_matching_etag_gets_not_modified(client):
    first = client.get("/api/search", query_string={"q": "tịnh biên"})
    again = client.get("/api/search", query_string={"q": "tịnh biên"}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/search", query_string={"q": "cà phê"}, headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200


def test_errors_are_not_cached(client):
    assert client.get("/api/articles/nope").headers["Cache-Control"] == "no-store"


def test_a_new_index_generation_is_served_without_restart_and_changes_the_etag(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLES / "dak-song-ca-phe.txt", corpus)
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir)
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    before = client.get("/api/search", query_string={"q": "phù mỹ"})
    assert before.get_json()["total"] == 0
    shutil.copy(SAMPLES / "phu-my-thuy-loi.txt", corpus)
    index_paths([corpus], index_dir, rebuild=True)
    after = client.get("/api/search", query_string={"q": "phù mỹ"}, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["total"] == 1
    assert after.headers["ETag"] != before.headers["ETag"]
    assert client.get("/healthz").get_json()["documents"] == 2


def test_cors_is_off_by_default(client):
    response = client.get("/api/search", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
def cors_client(sample_index_dir, monkeypatch):
    monkeypatch.setenv("SEARCHSVC_CORS_ORIGINS", "https://a.example.vn, https://b.example.vn")
    return create_app({"INDEX_DIR": str(sample_index_dir), "TESTING": True}).test_client()


def test_cors_allows_only_the_configured_origins(cors_client):
    allowed = cors_client.get("/api/search", headers={"Origin": "https://b.example.vn"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example.vn"
    assert "Origin" in allowed.headers["Vary"]
    refused = cors_client.get("/api/search", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_cors_preflight(cors_client):
    response = cors_client.options("/api/search", headers={
        "Origin": "https://a.example.vn", "Access-Control-Request-Method": "GET"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://a.example.vn"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def test_cors_errors_are_readable_cross_origin(cors_client):
    response = cors_client.get("/api/search?nope=1", headers={"Origin": "https://a.example.vn"})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "https://a.example.vn"


# --- the last resort, logging ---------------------------------------------------------------------------------------

def test_a_bug_becomes_a_json_500_without_traceback_and_is_logged(sample_index_dir, caplog):
    app = create_app({"INDEX_DIR": str(sample_index_dir), "TESTING": True})

    def broken():
        raise RuntimeError("secret detail")

    app.add_url_rule("/api/broken", "broken", broken)
    with caplog.at_level(logging.ERROR, logger="searchsvc"):
        response = app.test_client().get("/api/broken")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "internal_error"
    assert "secret detail" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert any(record.exc_info and "secret detail" in str(record.exc_info[1]) for record in caplog.records)


def test_log_lines_are_json():
    try:
        raise ValueError("hỏng")
    except ValueError:
        record = logging.LogRecord("searchsvc.web.routes", logging.ERROR, __file__, 1, "lỗi %s", ("x",), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["message"] == "lỗi x" and "ValueError: hỏng" in line["exception"]


# --- the search page --------------------------------------------------------------------------------------------

def test_search_page_is_vietnamese_html_with_a_get_form(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert '<form method="get" action="/"' in page and 'name="q"' in page
    # The page's one script is a file (progressive enhancement, allowed by the CSP); nothing inline.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/site.js" defer>']


def test_search_page_lists_results_and_facets(client):
    response = client.get("/", query_string={"q": "tịnh biên"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>Tịnh</mark>" in page
    assert "An Giang" in page and "/?q=t%E1%BB%8Bnh+bi%C3%AAn&amp;locality=89" in page


def test_search_page_facet_link_toggles_the_value(client):
    page = client.get("/", query_string={"locality": "89"}).get_data(as_text=True)
    assert 'href="/"' in page  # unselecting the only filter goes back to the plain page
    assert 'aria-current="true"' in page


def test_search_page_escapes_what_was_typed(client):
    page = client.get("/", query_string={"q": '"><script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_search_page_errors_are_html(client):
    response = client.get("/", query_string={"page": "0"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert '<html lang="vi">' in response.get_data(as_text=True)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"


def test_search_form_keeps_the_filters_but_not_the_page(client):
    page = client.get("/", query_string={"q": "x", "locality": "89", "sort": "oldest", "page": "2"}).get_data(
        as_text=True)
    assert '<input type="hidden" name="locality" value="89">' in page
    assert '<input type="hidden" name="sort" value="oldest">' in page
    assert 'name="page"' not in page


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory):
    """Two equally relevant reports, the older one indexed first."""
    folder = tmp_path_factory.mktemp("freshness")
    feed = folder / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in [
        {"id": "old", "title": "Giá vàng tuần này tăng", "body": "Giá vàng trong nước tăng.", "published": "2017-03-01"},
        {"id": "new", "title": "Giá vàng tuần này giảm", "body": "Giá vàng trong nước giảm.", "published": "2021-03-01"},
    ]), encoding="utf-8")
    index_paths([feed], folder / "index")
    return folder / "index"


@pytest.mark.parametrize("freshness, first", [(0, "old"), ("0.2", "new")])
def test_the_operator_setting_freshness_puts_the_newer_report_first(two_reports, freshness, first):
    client = create_app({"INDEX_DIR": str(two_reports), "FRESHNESS": freshness, "APPLY_TASKS": False}).test_client()
    assert [hit["id"] for hit in get(client, "/api/search", q="gia vang tuan nay")["results"]][0] == first
    page = client.get("/", query_string={"q": "gia vang tuan nay"}).get_data(as_text=True)
    assert page.index(f"/articles/{first}") < page.index(f"/articles/{'new' if first == 'old' else 'old'}")


@pytest.mark.parametrize("value", ["nhiều", "-0.1", "2"])
def test_a_freshness_setting_out_of_range_is_refused_at_start_up(two_reports, value):
    with pytest.raises(ValueError, match="SEARCHSVC_FRESHNESS phải là một số từ 0 đến 1"):
        create_app({"INDEX_DIR": str(two_reports), "FRESHNESS": value, "APPLY_TASKS": False})
