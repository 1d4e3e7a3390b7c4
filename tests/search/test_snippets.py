"""Snippets show the reader where the words are, in the article's own spelling, and never its markup."""

from __future__ import annotations

import re

from searchsvc.search.query import parse_query
from searchsvc.search.snippets import SNIPPET_CHARACTERS, _whole_words, highlight, make_snippet


def test_an_unaccented_query_marks_the_accented_words_a_marked_one_only_its_own():
    text = "Con đường và Thái Bình Dương."
    assert highlight(text, parse_query("duong")) == "Con <mark>đường</mark> và Thái Bình <mark>Dương</mark>."
    assert highlight(text, parse_query("đường")) == "Con <mark>đường</mark> và Thái Bình Dương."


def test_markup_in_the_text_is_escaped_around_the_marks():
    assert highlight("<b>Hội nghị</b> & tin", parse_query("hoi")) == "&lt;b&gt;<mark>Hội</mark> nghị&lt;/b&gt; &amp; tin"


def test_the_snippet_of_a_long_article_is_the_stretch_that_holds_the_words():
    filler = "Trời nắng nóng kéo dài nhiều ngày liền. " * 40
    text = filler + "Huyện Tịnh Biên tổ chức hội nghị giao ban khoa giáo. " + filler
    snippet = make_snippet(text, parse_query("hoi nghi khoa giao"))
    assert "<mark>hội</mark> <mark>nghị</mark>" in snippet and "<mark>khoa</mark> <mark>giáo</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_CHARACTERS + 60


def test_without_a_matching_word_the_snippet_is_the_lead():
    assert make_snippet("Mở đầu bài viết. Phần sau.", parse_query("xyz")) == "Mở đầu bài viết. Phần sau."


def test_a_syllable_standing_alone_is_not_marked_where_the_passage_holds_the_words_together():
    text = "Chính phủ yêu cầu thanh tra biệt phủ trên đồi."
    assert highlight(text, parse_query("biệt phủ")) == "Chính phủ yêu cầu thanh tra <mark>biệt</mark> <mark>phủ</mark> trên đồi."
    assert highlight("Chính phủ và phủ Chủ tịch", parse_query("biệt phủ")) == "Chính <mark>phủ</mark> và <mark>phủ</mark> Chủ tịch"


def test_the_passage_where_the_query_words_stand_together_is_preferred():
    filler = "Trời nắng nóng kéo dài nhiều ngày liền. " * 20
    text = "Bệnh sốt cao, xuất viện sau khi truyền huyết thanh. " + filler + "Dịch sốt xuất huyết tăng mạnh ở Hà Nội. " + filler
    snippet = make_snippet(text, parse_query("sốt xuất huyết"))
    assert "<mark>sốt</mark> <mark>xuất</mark> <mark>huyết</mark> tăng mạnh" in snippet and "truyền" not in snippet


def test_the_window_is_chosen_on_whole_words_only():
    """A query word inside a longer word, or touching a digit, does not draw the snippet to it: the window opens at
    the word standing whole, as a pattern with word boundaries on both sides finds it."""
    filler = "Trời nắng nóng kéo dài nhiều ngày liền. " * 12
    text = "Thanhhoa2025 2025thanh. " + filler + "Tỉnh Thanh Hóa (thanh) tổ chức." + filler
    snippet = make_snippet(text, parse_query("thanh"))
    assert snippet.startswith("…") and "<mark>Thanh</mark> Hóa (<mark>thanh</mark>)" in snippet
    words = {"thanh", "hoa", "2025"}
    folded = "thanhhoa2025 thanh_hoa 2025thanh. tinh thanh hoa (thanh) 2025"
    bounded = re.compile(r"(?<![^\W_])(?:thanh|hoa|2025)(?![^\W_])")
    assert _whole_words(folded, words) == [(m.start(), m.group()) for m in bounded.finditer(folded)]
