from hypothesis import given, settings
from hypothesis import strategies as st

from searchsvc.text.normalize import fold
from searchsvc.search.query import MAX_QUERY_WORDS, QueryWord, parse_query


def terms(words):
    return [word.term for word in words]


def test_words_keep_their_marks_or_their_absence():
    query = parse_query("Tinh Biên")
    assert terms(query.words) == ["tinh", "biên"]
    assert [w.marked for w in query.words] == [False, True]


def test_quoted_phrases_and_excluded_words_are_understood():
    query = parse_query('"hội nghị giao ban" -covid -"dịch bệnh" xã')
    assert terms(query.words) == ["hội", "nghị", "giao", "ban", "xã"]
    assert [terms(p) for p in query.phrases] == [["hội", "nghị", "giao", "ban"]]
    assert terms(query.excluded) == ["covid", "dịch", "bệnh"]


def test_an_unbalanced_quote_is_read_as_plain_words():
    assert parse_query('"tinh bien') == parse_query("tinh bien")


def test_operators_and_wildcards_are_plain_text():
    assert terms(parse_query("a* AND (b OR c)").words) == ["a", "and", "b", "or", "c"]


def test_decomposed_and_old_tone_spellings_parse_alike():
    assert parse_query("ho\u0300a thuỷ") == parse_query("hòa thủy")


def test_an_empty_query_has_no_words():
    assert parse_query("  - \" ").is_empty


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1000))
def test_any_text_parses_within_the_word_limit(text):
    query = parse_query(text)
    assert len(query.words) <= MAX_QUERY_WORDS and len(query.excluded) <= MAX_QUERY_WORDS
    assert all(isinstance(word, QueryWord) and word.exact and word.folded == fold(word.exact) for word in query.words)
    assert all(len(phrase) > 1 for phrase in query.phrases)
