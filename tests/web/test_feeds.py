"""Atom feeds of searches: RFC 4287's required elements, escaping, dates."""

from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree


from searchsvc.web.feeds import atom_feed
from searchsvc.search.service import Hit, SearchRequest, SearchResult, search

ATOM = "{http://www.w3.org/2005/Atom}"
GENERATED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def feed_of(result) -> ElementTree.Element:
    body = atom_feed(result, title="Tin <mới> & cũ", self_url="https://x.vn/feed.atom?q=a&b=c",
                     page_url="https://x.vn/?q=a", article_url=lambda hit: f"https://x.vn/articles/{hit.id}",
                     generated=GENERATED)
    assert body.startswith(b"<?xml")
    return ElementTree.fromstring(body)


def hit(**overrides) -> Hit:
    values = {"id": "a", "title": "Tiêu đề", "title_html": "Tiêu đề", "url": None, "published": None, "authors": [],
              "localities": [], "directives": [], "snippet": "…", "score": 0.0}
    return Hit(**{**values, **overrides})


def result_of(*hits) -> SearchResult:
    return SearchResult(request=SearchRequest(), total=len(hits), hits=list(hits), facets={}, truncated={},
                        took_ms=0.0)


def test_required_elements_of_feed_and_entries(run_search):
    feed = feed_of(run_search(q="tinh bien", sort="newest"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Tin <mới> & cũ"
    assert feed.find(f"{ATOM}id").text == "https://x.vn/feed.atom?q=a&b=c"
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "https://x.vn/?q=a"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("https://x.vn/articles/")
        assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}summary").get("type") == "html"


def test_dates_are_days_in_vietnam_and_the_feed_is_as_new_as_its_newest_entry():
    feed = feed_of(result_of(hit(id="a", published="2020-09-30"), hit(id="b", published="2021-01-05")))
    assert [e.find(f"{ATOM}published").text for e in feed.findall(f"{ATOM}entry")] == [
        "2020-09-30T00:00:00+07:00", "2021-01-05T00:00:00+07:00"]
    assert feed.find(f"{ATOM}updated").text == "2021-01-05T00:00:00+07:00"


def test_undated_entries_take_the_index_time():
    feed = feed_of(result_of(hit()))
    assert feed.find(f"{ATOM}updated").text == "2024-01-02T03:04:05+00:00"
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}updated").text == "2024-01-02T03:04:05+00:00"
    assert entry.find(f"{ATOM}published") is None


def test_markup_and_control_characters_cannot_break_the_xml():
    feed = feed_of(result_of(hit(title="<script>alert(1)</script>\x00\x0b", snippet="<mark>a</mark> &lt;b&gt;",
                                 authors=["A & B"], url="javascript:alert(1)",
                                 directives=[{"id": "x", "label": 'Chỉ thị "05"'}])))
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "<script>alert(1)</script>"
    assert entry.find(f"{ATOM}summary").text == "<mark>a</mark> &lt;b&gt;"  # HTML, escaped once in the XML
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "A & B"
    assert entry.find(f"{ATOM}link[@rel='related']") is None  # only web links
    assert entry.find(f"{ATOM}category").get("label") == 'Chỉ thị "05"'


def test_source_link_is_related(sample_view):
    result = search(sample_view, SearchRequest.from_pairs({"q": "Tịnh Biên khánh thành"}.items()))
    entry = feed_of(result).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link[@rel='related']").get("href") == "https://example.gov.vn/tin-2"
