import json

import pytest
from click.testing import CliRunner
from werkzeug.datastructures import MultiDict

from searchsvc import config
from searchsvc.cli import cli
from searchsvc.errors import InvalidParameter, UnknownParameter
from searchsvc.index.indexer import index_paths
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest, search

MARKET_FIRE = ("Khoảng 3 giờ sáng, lửa bùng lên từ một gian hàng quần áo rồi lan nhanh sang các gian bên cạnh "
               "trong chợ đêm, lực lượng cứu hỏa mất hai giờ mới dập tắt đám cháy.")
RECORDS = [
    {"id": "duong", "title": "Sửa chữa đường giao thông nông thôn", "body": "Xã nâng cấp tuyến đường liên thôn dài 3 km."},
    {"id": "duong-2", "title": "Tuyên dương gương người tốt việc tốt", "body": "Huyện tuyên dương 20 tập thể và cá nhân."},
    {"id": "duong-3", "title": "Đảm nhận nhiệm vụ đương nhiệm", "body": "Ông được giao nhiệm vụ đương nhiệm tại xã."},
    {"id": "tinh-bien", "title": "Tịnh Biên tổ chức hội nghị giao ban", "body": "Huyện Tịnh Biên tổng kết công tác khoa giáo."},
    {"id": "tinh-bien-body", "title": "Tổng kết năm học", "body": "Học sinh ở Tịnh Biên đạt nhiều giải thưởng; huyện khen thưởng."},
    {"id": "tinh-scattered", "title": "Tính toán biên chế", "body": "Sở tính lại biên chế cho các trường."},
    {"id": "plain-tinh", "title": "Tin tinh gon bien ban", "body": "Ghi chep tinh gon, khong dau."},
    {"id": "hoi-nghi", "title": "Hội nghị giao ban khoa giáo", "body": "Hội nghị giao ban diễn ra sáng nay."},
    {"id": "hoi-nghi-scattered", "title": "Giao lưu văn nghệ", "body": "Hội thi nghị lực sống, giao lưu và ban nhạc."},
    {"id": "html", "title": "<script>alert(1)</script> đường mới", "body": "Con đường <b>mới</b> & đẹp."},
    {"id": "flood-news", "title": "Bản tin lũ quét", "body": "Lũ quét tràn qua hai xã vùng cao.", "published": "2019-05-01"},
    {"id": "flood", "title": "Cảnh báo lũ quét ở vùng núi", "body": "Mưa lớn gây lũ quét, sạt lở.", "published": "2019-06-01"},
    {"id": "vaccine-hcm", "title": "TPHCM đẩy nhanh tiêm vắc xin cho trẻ", "body": "Thành phố tiêm chủng mở rộng."},
    {"id": "ubnd", "title": "UBND huyện họp bàn phòng chống lụt bão", "body": "Cuộc họp thường kỳ."},
    {"id": "uy-ban", "title": "Ủy ban nhân dân xã tiếp dân", "body": "Lịch tiếp dân hằng tuần."},
    {"id": "market-fire", "title": "Cháy chợ đêm Phú Quốc - VnExpress", "body": MARKET_FIRE},
    {"id": "market-fire-2", "title": "Cháy chợ đêm Phú Quốc", "body": "Sáng 3-7, huyện đảo cho biết đang khắc phục vụ cháy."},
    {"id": "market-fire-3", "title": "Nhiều gian hàng bị thiêu rụi ở chợ đêm", "body": MARKET_FIRE + " Thiệt hại chưa thống kê."},
    {"id": "legacy-eth", "title": "Ðảm bảo an ninh trật tự", "body": "Công an huyê%3ḅn ra quân&nbsp;bảo vệ lễ hội &amp; chợ đêm."},
] + [
    {"id": f"bulk-{n:02d}", "title": f"Bản tin số {n}", "body": "Tin tức địa phương trong tuần.", "published": f"2020-01-{n:02d}"}
    for n in range(1, 26)
]


def index_records(folder, records):
    """A view of an index of ``records`` (JSON objects), built in ``folder``."""
    feed = folder / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    index_paths([feed], folder / "index")
    return ViewCache(folder / "index").get()


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    return index_records(tmp_path_factory.mktemp("search"), RECORDS)


def ids(view, q, **args):
    result = search(view, SearchRequest.from_pairs({"q": q, "per_page": "100", **args}.items()))
    return [hit.id for hit in result.hits]


def test_a_word_typed_without_marks_matches_every_accented_form(view):
    assert {"duong", "duong-2", "duong-3", "html"} <= set(ids(view, "duong"))


def test_a_word_typed_with_marks_matches_only_that_word(view):
    assert ids(view, "dương") == ["duong-2"]
    assert set(ids(view, "đường")) == {"duong", "html"}


def test_marks_and_no_marks_mix_per_word(view):
    found = ids(view, "Tinh Biên")
    assert {"tinh-bien", "tinh-bien-body"} <= set(found)
    assert "plain-tinh" not in found


def test_among_folded_matches_the_same_spelling_ranks_first(view):
    assert ids(view, "tinh gon")[0] == "plain-tinh"


def test_title_matches_rank_above_body_matches(view):
    found = ids(view, "tịnh biên")
    assert found.index("tinh-bien") < found.index("tinh-bien-body")


def test_words_standing_together_rank_above_scattered_syllables(view):
    found = ids(view, "tinh bien")
    assert found.index("tinh-scattered") > max(found.index("tinh-bien"), found.index("tinh-bien-body"))
    found = ids(view, "hoi nghi giao ban")
    assert found[0] == "hoi-nghi" and found.index("hoi-nghi-scattered") > 0


def test_quoted_phrases_keep_only_documents_with_the_words_side_by_side(view):
    assert set(ids(view, '"tinh bien"')) == {"tinh-bien", "tinh-bien-body"}
    assert set(ids(view, '"hội nghị giao ban"')) == {"hoi-nghi", "tinh-bien"}


def test_excluded_words_remove_documents(view):
    assert "duong" not in ids(view, "duong -nông")


def test_articles_with_every_word_come_first_then_those_lacking_only_common_words(view):
    result = search(view, SearchRequest.from_pairs({"q": "bản tin lũ quét", "per_page": "100"}.items()))
    assert [hit.id for hit in result.hits] == ["flood-news", "flood"]
    assert [hit.missing_words for hit in result.hits] == [[], ["bản", "tin"]]
    assert not result.to_dict()["query"]["all_words_matched"]


def test_lacking_rare_words_costs_more_than_lacking_common_ones(view):
    # "bản tin" is in 26 articles and "lũ quét" in 2: the bulletins lacking "lũ quét" are not results at all.
    assert not {f"bulk-{n:02d}" for n in range(1, 26)} & set(ids(view, "bản tin lũ quét"))


def test_newest_first_lists_only_the_best_matches(view):
    assert ids(view, "bản tin lũ quét", sort="newest") == ["flood-news"]


def test_variants_and_abbreviations_find_each_other_and_the_form_typed_ranks_first(view):
    assert ids(view, "tiêm vaccine tp hcm")[0] == "vaccine-hcm"
    assert ids(view, "UBND")[:2] == ["ubnd", "uy-ban"]
    assert ids(view, "ủy ban nhân dân")[:2] == ["uy-ban", "ubnd"]
    assert set(ids(view, "TP HCM")) == set(ids(view, "TPHCM")) == set(ids(view, "TP.HCM")) >= {"vaccine-hcm"}


def test_words_typed_with_telex_or_vni_keys_are_read_as_vietnamese(view):
    assert ids(view, "hooij nghij giao ban")[0] == "hoi-nghi"
    assert ids(view, "ho6i5 nghi5 giao ban")[0] == "hoi-nghi"
    assert ids(view, "Tijnh Bieen")[:2] == ids(view, "Tịnh Biên")[:2]


@pytest.mark.parametrize(("q", "first"), [
    ("vì sao lũ quét tràn qua", "flood-news"),
    ("bao giờ lũ quét tràn qua", "flood-news"),  # when
    ("có nên cảnh báo lũ quét", "flood"),  # should we
])
def test_question_words_are_not_required(view, q, first):
    hit = search(view, SearchRequest.from_pairs({"q": q}.items())).hits[0]
    assert hit.id == first and hit.missing_words == []


def test_an_operator_synonyms_file_adds_groups_and_names_its_bad_lines(view, caplog):
    synonyms = view.path.parent / "synonyms.txt"
    synonyms.write_text("# nhóm thêm\nkhoa giáo, tuyên giáo giáo dục\nchỉ một cách viết\n", encoding="utf-8")
    try:
        assert ids(view, "tuyên giáo giáo dục")[0] == "hoi-nghi"
        assert f"{synonyms}:3:" in caplog.text
    finally:
        synonyms.unlink()
    assert "hoi-nghi" not in ids(view, "tuyên giáo giáo dục")


def test_a_word_no_article_holds_is_reported_missing_not_a_filter(view):
    result = search(view, SearchRequest.from_pairs({"q": "đường xyzzyqq"}.items()))
    assert result.relaxed and result.hits[0].id in {"duong", "html"}


def test_a_story_republished_by_several_papers_is_one_result_listing_the_others(view):
    result = search(view, SearchRequest.from_pairs({"q": "cháy chợ đêm"}.items()))
    stories = [hit for hit in result.hits if hit.id.startswith("market-fire")]
    assert len(stories) == 1
    assert {other["id"] for other in stories[0].similar} == {"market-fire", "market-fire-2", "market-fire-3"} - {stories[0].id}
    assert result.total == len(result.hits) + 2  # the total still counts articles, the two repeats included


def test_the_legacy_eth_is_read_as_đ_when_indexing_and_when_searching(view):
    assert "legacy-eth" in ids(view, "đảm bảo") and "legacy-eth" in ids(view, "dam bao")
    assert "legacy-eth" in ids(view, "Ðảm bảo")
    hit = search(view, SearchRequest.from_pairs({"q": "dam bao"}.items())).hits[0]
    assert hit.id == "legacy-eth" and hit.title == "Đảm bảo an ninh trật tự"


def test_html_entities_and_a_mangled_dot_below_are_repaired_at_ingest(view):
    hit = next(h for h in search(view, SearchRequest.from_pairs({"q": "huyện"}.items())).hits if h.id == "legacy-eth")
    assert "Công an <mark>huyện</mark> ra quân bảo vệ lễ hội &amp; chợ đêm." in hit.snippet
    assert "nbsp" not in hit.snippet and "%3" not in hit.snippet


def test_unreadable_syntax_is_searched_as_plain_words(view):
    assert ids(view, '"tinh bien') == ids(view, "tinh bien")


def test_snippets_mark_accented_words_for_an_unaccented_query_and_escape_html(view):
    result = search(view, SearchRequest.from_pairs({"q": "duong moi"}.items()))
    hit = next(h for h in result.hits if h.id == "html")
    assert "<mark>đường</mark>" in hit.snippet and "&lt;b&gt;<mark>mới</mark>&lt;/b&gt; &amp; đẹp" in hit.snippet
    assert "&lt;script&gt;" in hit.title_html and "<script>" not in hit.title_html


def test_pages_split_the_results_without_overlap(view):
    first = ids(view, "tin tuc", per_page="10")
    request = lambda page: SearchRequest.from_pairs({"q": "tin tuc", "per_page": "10", "page": page}.items())
    pages = [[h.id for h in search(view, request(str(p))).hits] for p in (1, 2, 3)]
    assert pages[0] == first[:10]
    assert len(set(sum(pages, []))) == 25 and [len(p) for p in pages] == [10, 10, 5]
    assert search(view, request("3")).pages == 3


def test_no_text_lists_newest_first(view):
    result = search(view, SearchRequest.from_pairs({"per_page": "3"}.items()))
    assert [h.id for h in result.hits] == ["bulk-25", "bulk-24", "bulk-23"]
    assert result.total == len(RECORDS)


@pytest.mark.parametrize(("args", "error"), [
    ({"page": "0"}, InvalidParameter), ({"per_page": "101"}, InvalidParameter), ({"page": "x"}, InvalidParameter),
    ({"date_from": "2020-13-01"}, InvalidParameter), ({"sort": "best"}, InvalidParameter),
    ({"q": "a" * 1001}, InvalidParameter), ({"colour": "red"}, UnknownParameter),
])
def test_bad_requests_are_refused_before_searching(args, error):
    with pytest.raises(error) as raised:
        SearchRequest.from_pairs(MultiDict(args).items(multi=True))
    assert raised.value.param == next(iter(args))


def test_cli_search_json_has_the_api_shape(view):
    result = CliRunner().invoke(cli, ["search", "--index-dir", str(view.path.parent), "--json", "--per-page", "2", "duong"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"total", "page", "per_page", "pages", "results", "facets"} <= data.keys()
    assert data["per_page"] == 2 and len(data["results"]) == 2
    assert {"id", "title", "snippet", "score"} <= data["results"][0].keys()


def test_cli_analyze_prints_both_forms():
    result = CliRunner().invoke(cli, ["analyze", "Hoà Bình"])
    assert result.output.splitlines() == ["0\thòa\thoa\t0-3", "1\tbình\tbinh\t4-8"]


def test_cli_reports_a_missing_index_without_a_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["search", "--index-dir", str(tmp_path), "x"])
    assert result.exit_code == 1 and "Chưa có chỉ mục" in result.output and "Traceback" not in result.output


def test_words_past_the_limit_are_ignored_and_counted(view):
    from searchsvc.search.query import MAX_QUERY_WORDS

    q = " ".join(["duong"] * (MAX_QUERY_WORDS + 5))
    result = search(view, SearchRequest.from_pairs({"q": q}.items()))
    assert result.to_dict()["query"]["words_ignored"] == 5
    assert result.total > 0


def test_a_query_past_its_time_budget_is_stopped_with_a_clear_error(view, monkeypatch):
    from searchsvc.errors import QueryTooExpensive

    monkeypatch.setattr("searchsvc.search.service.QUERY_TIME_BUDGET", -1.0)
    with pytest.raises(QueryTooExpensive) as raised:
        search(view, SearchRequest.from_pairs({"q": "duong moi"}.items()))
    assert raised.value.status == 400 and raised.value.param == "q"


# --- freshness: an operator's mild preference for newer articles in a relevance order ---------------------------

GOLD = [
    # Indexed oldest first, so that without freshness a tie keeps the older article first.
    {"id": "gold-undated", "title": "Giá vàng tuần này đi ngang", "body": "Sáng nay giá vàng trong nước đi ngang."},
    {"id": "gold-future", "title": "Giá vàng tuần này đi xuống", "body": "Sáng nay giá vàng trong nước đi xuống.",
     "published": "2099-01-01"},
    {"id": "gold-2017", "title": "Giá vàng tuần này tăng nhẹ", "body": "Sáng nay giá vàng trong nước tăng nhẹ.",
     "published": "2017-03-01"},
    {"id": "gold-2021", "title": "Giá vàng tuần này giảm nhẹ", "body": "Sáng nay giá vàng trong nước giảm nhẹ.",
     "published": "2021-03-01"},
    {"id": "exact-old", "title": "Giá vàng tuần này", "body": "Giá vàng tuần này đứng yên ở mức cũ.",
     "published": "2015-01-01"},
    {"id": "weak-fresh", "title": "Thị trường cuối tuần", "published": "2021-03-02",
     "body": "Giá thép tăng, còn vàng miếng ít người mua; tuần qua và này chợ đều vắng khách."},
]


@pytest.fixture(scope="module")
def gold_view(tmp_path_factory):
    return index_records(tmp_path_factory.mktemp("freshness"), GOLD)


def ranked_ids(view, q, freshness):
    result = search(view, SearchRequest.from_pairs({"q": q, "per_page": "100"}.items(), freshness))
    return [hit.id for hit in result.hits]


def equally_relevant(ranked):
    return [doc for doc in ranked if doc.startswith("gold-")]


def test_without_freshness_equally_relevant_articles_keep_the_index_order(gold_view):
    assert equally_relevant(ranked_ids(gold_view, "giá vàng tuần này", 0.0)) == [
        "gold-undated", "gold-future", "gold-2017", "gold-2021"]


def test_with_freshness_a_newer_equally_relevant_article_ranks_first(gold_view):
    assert equally_relevant(ranked_ids(gold_view, "gia vang tuan nay", 0.2))[:2] == ["gold-2021", "gold-2017"]


def test_undated_articles_and_dates_in_the_future_never_count_as_new(gold_view):
    ranked = equally_relevant(ranked_ids(gold_view, "giá vàng tuần này", 0.2))
    assert ranked.index("gold-2017") < ranked.index("gold-undated")
    assert ranked.index("gold-2017") < ranked.index("gold-future")


@pytest.mark.parametrize("freshness", [0.2, config.MAX_FRESHNESS])
def test_an_old_exact_match_still_beats_a_fresh_weak_one(gold_view, freshness):
    ranked = ranked_ids(gold_view, "giá vàng tuần này", freshness)
    assert ranked.index("exact-old") < ranked.index("weak-fresh") == len(ranked) - 1


def test_freshness_leaves_a_date_order_alone(gold_view):
    result = search(gold_view, SearchRequest.from_pairs({"q": "giá vàng", "sort": "oldest"}.items(), 1.0))
    assert [hit.id for hit in result.hits][:3] == ["exact-old", "gold-2017", "gold-2021"]


def test_the_cli_takes_freshness_from_the_environment(gold_view):
    args = ["search", "--index-dir", str(gold_view.path.parent), "--json", "giá vàng tuần này"]
    result = CliRunner().invoke(cli, args, env={"SEARCHSVC_FRESHNESS": "0.2"})
    assert [hit["id"] for hit in json.loads(result.output)["results"]][:2] == ["exact-old", "gold-2021"]
    result = CliRunner().invoke(cli, args, env={"SEARCHSVC_FRESHNESS": "nhiều"})
    assert result.exit_code == 1 and "SEARCHSVC_FRESHNESS phải là một số từ 0 đến 1" in result.output


@pytest.mark.parametrize("q", ["giá vàng mới nhất", "gia vang hom nay"])
def test_a_query_asking_for_the_latest_news_prefers_newer_articles_without_requiring_its_words(gold_view, q):
    ranked = ranked_ids(gold_view, q, 0.0)
    assert equally_relevant(ranked)[:2] == ["gold-2021", "gold-2017"]
    assert {"gold-undated", "gold-future"} <= set(ranked)


# --- a sentence remembered from an article --------------------------------------------------------------------

REMEMBERED = [
    {"id": "scattered", "title": "Người dân về quê lấy ý kiến",
     "body": "Lấy ý kiến cử tri. Người dân về quê ăn Tết. Dự án đường lớn. Kiến người dân ở xã. Ý kiến người "
             "dân khác nhau. Người dân về quê, dân về dự án nhà ở. Lấy ý kiến nhiều lần."},
    {"id": "remembered", "title": "Huyện họp bàn kế hoạch năm",
     "body": "Sáng nay, huyện họp bàn kế hoạch năm. Tuần tới huyện lấy ý kiến người dân về dự án đường vành đai, "
             "sau đó trình tỉnh phê duyệt và khởi công trong quý hai."},
]


@pytest.fixture(scope="module")
def remembered_view(tmp_path_factory):
    return index_records(tmp_path_factory.mktemp("remembered"), REMEMBERED)


def test_a_sentence_remembered_from_an_article_finds_it_first(remembered_view):
    assert ids(remembered_view, "lay y kien nguoi dan ve du an") == ["remembered", "scattered"]
    assert ids(remembered_view, "lay y kien nguoi dan ve du an", per_page="1") == ["remembered"]


def test_a_short_query_is_ranked_by_its_scores_alone(remembered_view):
    assert ids(remembered_view, "kiến người dân về") == ["scattered", "remembered"]


def test_an_export_lists_the_remembered_article_first_as_the_page_does(remembered_view):
    from searchsvc.search.service import ranked_documents

    request = SearchRequest.from_pairs({"q": "lay y kien nguoi dan ve du an"}.items())
    total, documents = ranked_documents(remembered_view, request, 10)
    assert total == 2 and [document["id"] for document in documents] == ["remembered", "scattered"]


# --- a document reference typed among the words -----------------------------------------------------------------

CITING = [
    {"id": "council-18", "title": "Nghị quyết của HĐND về 18 công trình",
     "body": "HĐND tỉnh thông qua nghị quyết về 18 công trình giao thông. Nghị quyết nêu rõ 18 công trình được "
             "ưu tiên vốn; nghị quyết có hiệu lực từ tháng 7, trong đó 18 công trình khởi công trước."},
    {"id": "cites-18", "title": "Hội nghị cán bộ chủ chốt toàn tỉnh",
     "body": "Sáng nay, tỉnh tổ chức hội nghị cán bộ chủ chốt để bàn kế hoạch năm. Hội nghị nghe báo cáo kinh tế, "
             "xã hội, quốc phòng. Tỉnh tiếp tục sắp xếp bộ máy theo Nghị quyết số 18-NQ/TW ngày 25/10/2017 của "
             "Ban Chấp hành Trung ương. Các đại biểu thảo luận về đầu tư công, thu ngân sách và cải cách hành chính."},
    {"id": "council-05", "title": "Chỉ thị 05 của Chủ tịch UBND tỉnh về phòng chống thiên tai",
     "body": "Chỉ thị 05 giao 5 nhiệm vụ: CT UBND các huyện trực ban; TW hỗ trợ vật tư. Chỉ thị 05 có hiệu lực ngay."},
    {"id": "cites-05", "title": "Học tập và làm theo tấm gương đạo đức",
     "body": "Các chi bộ triển khai Chỉ thị 05-CT/TW của Bộ Chính trị trong năm nay."},
]


@pytest.fixture(scope="module")
def citing_view(tmp_path_factory):
    return index_records(tmp_path_factory.mktemp("citing"), CITING)


@pytest.mark.parametrize(("typed", "first"), [
    ("nghị quyết 18", "cites-18"),  # cited once in a long article, ahead of one holding the words more often
    ("nghi quyet 18", "cites-18"),
    ("NQ 18", "cites-18"),  # the article never writes "NQ 18", but cites the resolution
    ("chi thi 05 CT/TW", "cites-05"),
])
def test_a_document_typed_finds_the_articles_citing_it_first(citing_view, typed, first):
    assert ids(citing_view, typed)[0] == first


# --- typos read in the ranking: the words as typed first, then the corrected reading's articles ----------------

TYPOS = [
    *({"id": f"ntm-{n}", "title": f"Xã thứ {n} đạt chuẩn nông thôn mới", "body": "Xây dựng nông thôn mới ở xã."}
      for n in range(6)),
    *({"id": f"trom-{n}", "title": f"Bắt trộm chó lần {n}", "body": "Người dân bắt trộm chó giao công an."}
      for n in range(6)),
    *({"id": f"onhiem-{n}", "title": "Ô nhiễm môi trường ở khu công nghiệp", "body": "Dân kêu ô nhiễm môi trường."}
      for n in range(6)),
    *({"id": f"tron-{n}", "title": f"Doanh nghiệp trốn thuế thứ {n} bị phạt", "body": "Cục thuế phát hiện trốn thuế."}
      for n in range(12)),
    # Renting out is written more often than tax evasion, but not with the marks ``chốn thuế`` was typed with.
    *({"id": f"rent-{n}", "title": "Cho thuê nhà trọ", "body": "Giá cho thuê nhà trọ tăng."} for n in range(30)),
    # The typo as an article itself wrote it, and the typed words standing apart.
    {"id": "literal", "title": "Bài viết sai chính tả", "body": "Chương trình nông thông mới của xã."},
    {"id": "scattered", "title": "Tin tổng hợp", "body": "Nông dân nghe thông báo mới của tổng thống."},
    # Common words, so that a pair one article holds is rare for them.
    *({"id": f"tt-{n}", "title": "Tổng thống phát biểu", "body": "Thông tin mới nhất."} for n in range(60)),
    *({"id": f"nd-{n}", "title": "Nông dân thu hoạch lúa", "body": "Nông dân vui."} for n in range(60)),
]


@pytest.fixture(scope="module")
def typo_view(tmp_path_factory):
    return index_records(tmp_path_factory.mktemp("typo-ranking"), TYPOS)


def found(result):
    """The articles of a result in order, each story's republished copies after it."""
    return [doc for hit in result.hits for doc in (hit.id, *(similar["id"] for similar in hit.similar))]


def test_a_typo_finds_what_was_meant_below_the_words_as_typed(typo_view):
    result = search(typo_view, SearchRequest.from_pairs({"q": "nông thông mới", "per_page": "20"}.items()))
    ranked = found(result)
    assert ranked[0] == "literal"
    assert set(ranked[1:7]) == {f"ntm-{n}" for n in range(6)}
    assert ranked[7] == "scattered"  # the words as typed, standing apart, come after the reading's articles
    assert result.reading == "nông thôn mới"
    assert result.to_dict()["query"]["also_read_as"] == "nông thôn mới"


@pytest.mark.parametrize(("q", "meant", "reading"), [
    ("bắt chộm chó", "trom-", "bắt trộm chó"),  # ch typed for tr, as southern speakers say it
    ("ô nhiểm môi trường", "onhiem-", "ô nhiễm môi trường"),  # a tone mark no article gives the word
    ("chốn thuế", "tron-", "trốn thuế"),  # marks typed are meant: not ``cho thuê``, though articles say it more
])
def test_a_misspelt_word_is_read_as_the_word_articles_write(typo_view, q, meant, reading):
    result = search(typo_view, SearchRequest.from_pairs({"q": q}.items()))
    assert [doc[:len(meant)] for doc in found(result)[:6]] == [meant] * 6
    assert result.reading == reading


@pytest.mark.parametrize("q", ["nông thôn mới", '"nông thông mới"', "tổng thống"])
def test_words_articles_hold_together_and_quoted_phrases_are_not_corrected(typo_view, q):
    assert search(typo_view, SearchRequest.from_pairs({"q": q}.items())).reading is None


SCHOOL_FEES = [
    *({"id": f"fees-{n}", "title": f"Trường thứ {n} thu tiền học thêm sai quy định",
       "body": "Phụ huynh phản ánh trường thu tiền học thêm sai quy định đầu năm học."} for n in range(4)),
    # ``tiền lãi quy định`` stands together far more often than ``tiền sai quy định``, which no article writes.
    *({"id": f"interest-{n}", "title": "Ngân hàng trả tiền lãi quy định mới", "body": "Tiền lãi quy định theo lãi suất."}
      for n in range(20)),
    *({"id": f"wrong-{n}", "title": "Sai phạm đất đai", "body": "Thanh tra chỉ ra sai phạm, sai sót."} for n in range(6)),
]


def test_a_long_query_s_real_words_are_not_read_as_typos_at_the_edge_of_two_words(tmp_path):
    result = search(index_records(tmp_path, SCHOOL_FEES),
                    SearchRequest.from_pairs({"q": "trường thu tiền sai quy định đầu năm học"}.items()))
    assert result.reading is None
    assert found(result)[:4] == [f"fees-{n}" for n in range(4)]


VISAS = [
    # ``được`` is in nearly every article, so an article lacking it is ranked beside those holding every word.
    {"id": "visa-free", "title": "Mở rộng diện miễn visa cho khách quốc tế",
     "body": "Chính phủ nghiên cứu mở rộng diện miễn visa cho công dân nhiều nước, gia hạn thời gian miễn visa."},
    {"id": "passing-mention", "title": "Tổng kết du lịch năm",
     "body": "Ngành du lịch được đánh giá cao. " * 20 + "Khách nước ngoài được miễn visa. " + "Doanh thu tăng. " * 20},
    *({"id": f"common-{n}", "title": f"Tin địa phương {n}", "body": "Dự án được phê duyệt."} for n in range(40)),
]


def test_lacking_a_word_nearly_every_article_holds_does_not_rank_an_article_below_passing_mentions(tmp_path):
    result = search(index_records(tmp_path, VISAS), SearchRequest.from_pairs({"q": "nước nào được miễn visa"}.items()))
    assert [hit.id for hit in result.hits][:2] == ["visa-free", "passing-mention"]
    assert result.hits[0].missing_words == ["được"]


RICE = [
    *({"id": f"rice-{n}", "title": f"Cánh đồng lúa nước thứ {n}", "body": "Nông dân cấy lúa nước."} for n in range(4)),
    *({"id": f"dry-rice-{n}", "title": "Lúa rẫy vùng cao", "body": "Đồng bào trồng lúa rẫy."} for n in range(6)),
    *({"id": f"water-{n}", "title": "Nước sạch về bản", "body": "Nước sạch cho dân."} for n in range(6)),
]


def test_a_word_no_article_holds_is_read_as_the_nearest_word_its_neighbour_stands_beside(tmp_path):
    result = search(index_records(tmp_path, RICE), SearchRequest.from_pairs({"q": "lúa nướt"}.items()))
    assert result.reading == "lúa nước"
    assert {doc[:5] for doc in found(result)[:4]} == {"rice-"}
