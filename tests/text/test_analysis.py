import json
import unicodedata

from searchsvc.text.analysis import adjacent_pairs, analyze, syllable_forms


def exact(text):
    return [token.exact for token in analyze(text)]


def test_every_syllable_is_a_token_and_none_is_dropped():
    assert exact("Người dân ở xã Ý Yên") == ["người", "dân", "ở", "xã", "ý", "yên"]


def test_no_english_stop_words():
    assert exact("the Covid and a vaccine") == ["the", "covid", "and", "a", "vaccine"]


def test_decomposed_input_does_not_split_words():
    text = "Hội nghị giao ban ở Tịnh Biên"
    assert exact(unicodedata.normalize("NFD", text)) == exact(text)


def test_offsets_point_into_the_original_text_even_when_decomposed():
    text = unicodedata.normalize("NFD", "xã Văn Giáo")
    token = analyze(text)[1]
    assert text[token.start:token.end] == unicodedata.normalize("NFD", "Văn")


def test_tone_placement_and_case_are_unified():
    assert exact("HOÀ BÌNH") == exact("hòa bình") == ["hòa", "bình"]
    assert exact("thuỷ lợi") == exact("thủy lợi")


def test_folded_form_strips_marks_and_d_bar():
    assert [t.folded for t in analyze("Đường Tịnh Biên")] == ["duong", "tinh", "bien"]
    assert [t.exact for t in analyze("Đường Tịnh Biên")] == ["đường", "tịnh", "biên"]


def test_neighbouring_syllables_pair_up_folded():
    assert adjacent_pairs(syllable_forms("Hội nghị Tịnh Biên")[1]) == ["hoi nghi", "nghi tinh", "tinh bien"]


def test_document_numbers_split_into_searchable_parts():
    assert exact("Chỉ thị 05/CT-TTg") == ["chỉ", "thị", "05", "ct", "ttg"]


def test_corpus_nfd_documents_analyze_like_their_nfc_form(shared_corpus):
    checked = 0
    with (shared_corpus / "news_mds_phenikaa.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            body = json.loads(line)["body"]
            if unicodedata.normalize("NFC", body) != body:
                assert exact(body) == exact(unicodedata.normalize("NFC", body))
                checked += 1
    assert checked >= 10


def test_the_indexing_forms_are_the_forms_of_analyze(shared_corpus):
    """``syllable_forms`` (what the indexer uses) finds exactly the tokens of ``analyze``, on real articles."""
    with (shared_corpus / "baomoi_2017.jsonl").open(encoding="utf-8") as handle:
        for _, line in zip(range(200), handle):
            record = json.loads(line)
            for text in (record["title"], record["body"], "x" * 50 + " Hoà  thuỷ\u0301 đường 05/CT-TTg"):
                tokens = analyze(text)
                assert syllable_forms(text) == ([t.exact for t in tokens], [t.folded for t in tokens])


def test_offsets_of_repeated_words_and_around_a_skipped_overlong_token_are_their_own():
    text = "ab " + "x" * 41 + " ab, Ab ab"
    tokens = analyze(text)
    assert [(t.exact, t.start, t.end) for t in tokens] == [("ab", 0, 2), ("ab", 45, 47), ("ab", 49, 51), ("ab", 52, 54)]
    assert all(text[t.start:t.end].lower() == "ab" for t in tokens)
