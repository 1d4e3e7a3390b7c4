"""The engine on a corpus small enough to rank by hand: what a reader expects at the top, and what must not match."""

from __future__ import annotations

import json

import numpy as np
import pytest

from searchsvc.errors import QueryTooExpensive
from searchsvc.index.indexer import index_paths
from searchsvc.search.budget import time_budget
from searchsvc.search import engine
from searchsvc.search.engine import match_text, rank
from searchsvc.search.postings import ViewCache
from searchsvc.search.query import parse_query

ARTICLES = [
    {"id": "together", "title": "Tin địa phương", "body": "Huyện tổ chức hội nghị tổng kết công tác năm.",
     "published": "2021-03-01"},
    {"id": "apart", "title": "Tin địa phương", "body": "Hội phụ nữ góp ý, đại biểu nghị luận về công tác năm.",
     "published": "2023-03-01"},
    {"id": "in-title", "title": "Hội nghị tổng kết", "body": "Huyện tổng kết công tác năm.", "published": "2020-01-01"},
    {"id": "street", "title": "Tin giao thông", "body": "Làm mới con đường liên xã.", "published": "2022-05-05"},
    {"id": "ocean", "title": "Tin biển", "body": "Thái Bình Dương rộng lớn, dương lịch.", "published": "2019-05-05"},
    {"id": "unrelated", "title": "Thời tiết", "body": "Trời nắng nóng kéo dài.", "published": "2024-07-07"},
]


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("engine-corpus") / "tin.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("engine-index")
    index_paths([corpus], index_dir)
    return ViewCache(index_dir).get()


def ranked_ids(view, q: str, sort: str = "relevance") -> list[str]:
    match = match_text(view, parse_query(q))
    docs, _ = rank(view, match, match.mask, sort, 0, 10)
    return [view.stored(int(doc))["id"] for doc in docs]


def test_words_in_the_title_and_side_by_side_rank_above_words_scattered(view):
    assert ranked_ids(view, "hội nghị")[:2] == ["in-title", "together"]
    assert ranked_ids(view, "hội nghị")[-1] == "apart"


def test_a_quoted_phrase_keeps_only_articles_where_the_words_stand_together(view):
    assert set(ranked_ids(view, '"hội nghị"')) == {"together", "in-title"}


def test_a_word_typed_without_marks_matches_every_accented_form_one_typed_with_marks_only_its_own(view):
    assert set(ranked_ids(view, "duong")) == {"street", "ocean"}
    assert ranked_ids(view, "đường") == ["street"]
    assert ranked_ids(view, "dương") == ["ocean"]


def test_an_excluded_word_removes_its_articles(view):
    assert "in-title" not in ranked_ids(view, "tổng kết -hội")
    assert "together" not in ranked_ids(view, "tổng kết -hội")


def test_newest_and_oldest_order_by_date(view):
    assert ranked_ids(view, "công tác", sort="newest") == ["apart", "together", "in-title"]
    assert ranked_ids(view, "công tác", sort="oldest") == ["in-title", "together", "apart"]


def test_a_page_is_the_slice_of_the_full_ranking(view):
    match = match_text(view, parse_query("tin"))
    everything, _ = rank(view, match, match.mask, "relevance", 0, 10)
    second, _ = rank(view, match, match.mask, "relevance", 2, 2)
    assert second.tolist() == everything[2:4].tolist()
    order = np.argsort(-match.scores[everything], kind="stable")
    assert order.tolist() == list(range(len(everything)))


def test_a_query_past_its_time_budget_is_stopped(view):
    with time_budget(-1.0), pytest.raises(QueryTooExpensive):
        match_text(view, parse_query("hội nghị"))


@pytest.mark.parametrize("q", ["hội nghị", "hoi nghi tong ket cong tac nam", "thái bình dương lịch", "công tác năm trời"])
def test_tiers_are_the_same_looked_up_by_the_words_held_or_worked_out_per_article(view, monkeypatch, q):
    """A long query (more words than ``LOOKED_UP_WORDS``) tiers its matches by the same rule as a short one."""
    looked_up = match_text(view, parse_query(q))
    monkeypatch.setattr(engine, "LOOKED_UP_WORDS", 0)
    per_article = match_text(view, parse_query(q))
    assert looked_up.mask.any()
    assert (looked_up.mask == per_article.mask).all() and (looked_up.tiers == per_article.tiers).all()


@pytest.mark.parametrize("seed", range(20))
def test_pages_cut_through_tied_scores_by_article_order(seed):
    """Consecutive pages of a ranking with many equal scores never repeat or skip an article."""
    keys = np.random.default_rng(seed).integers(0, 4, size=300).astype(np.float64)
    ranked = np.lexsort((np.arange(len(keys)), keys))
    for k in (1, 10, 20, 57, 299):
        assert engine._top_k(keys, k).tolist() == ranked[:k].tolist()


@pytest.mark.parametrize("seed", range(6))
def test_a_ranking_of_many_articles_is_the_full_sort_cut_at_the_page(seed):
    """Past ``TOP_K_SAMPLE`` articles the cut is bounded by a sample first: the same articles in the same order as
    sorting every one, ties by article order, whatever the keys (many equal, all distinct, or sorted backwards)."""
    rng = np.random.default_rng(seed)
    n = 4 * engine.TOP_K_SAMPLE + 1 + seed * 997
    for keys in (rng.integers(0, 50, size=n).astype(np.float64), rng.random(n), np.arange(n, 0, -1.0),
                 -rng.integers(0, 3, size=n) * 10.0 - rng.random(n)):
        ranked = np.lexsort((np.arange(len(keys)), keys))
        for k in (1, 30, 500, engine.TOP_K_SAMPLE):
            assert engine._top_k(keys, k).tolist() == ranked[:k].tolist()
