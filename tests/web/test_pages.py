"""Server-side page tests through the Flask test client: escaping, security headers, JSON alternates, the Atom
feed, OpenSearch, forms that work without JavaScript, and the type-ahead route.

An index of hostile articles (markup in every field the pages print, a ``javascript:`` source link) is built for
the escaping tests; the rest runs on the sample corpus.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

import pytest

from searchsvc.web.app import create_app
from searchsvc.index.indexer import index_paths

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
SCRIPT = "<script>alert(1)</script>"
PAGES = ["/", "/?q=tinh+bien", "/?q=tinh+bien&locality=89&date=2020", "/?q=xyzzy", "/articles/tin-3?q=tinh+bien",
         "/directives", "/directives?q=chi+thi+05&sort=date", "/directives/chi-thi-5-ttg-2020", "/no-such-page"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """An index whose every printed field carries markup."""
    corpus = tmp_path_factory.mktemp("hostile")
    article = {
        "id": "xss-1",
        "title": f'Tịnh Biên {SCRIPT} "><img src=x onerror=alert(2)>',
        "body": f"Ngày 2/9/2023, thị xã Tịnh Biên thực hiện Chỉ thị 05/CT-TTg. {SCRIPT}\n<b>đậm</b> & <i>nghiêng</i>",
        "url": "javascript:alert(3)",
        "published": "2023-09-02",
        "author": f"{SCRIPT}",
        "category": f"<em>{SCRIPT}</em>",
    }
    (corpus / "tin.jsonl").write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("hostile-index")
    index_paths([corpus], index_dir)
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


class Page(HTMLParser):
    """The parts of a page the tests look at: script tags, links, forms and their fields."""

    def __init__(self, html: str):
        super().__init__()
        self.scripts, self.links, self.anchors, self.forms, self.inline_handlers = [], [], [], [], []
        self.style_attributes = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if any(name.startswith("on") for name in attributes):
            self.inline_handlers.append((tag, attributes))
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "a":
            self.anchors.append(attributes.get("href"))
        elif tag == "form":
            self.forms.append({**attributes, "fields": []})
        elif tag in ("input", "select", "button") and self.forms:
            self.forms[-1]["fields"].append((tag, attributes))


def page(client, path, status=200, **headers) -> tuple[str, Page]:
    response = client.get(path, headers=headers)
    assert response.status_code == status, path
    html = response.get_data(as_text=True)
    return html, Page(html)


# --- escaping --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/?q=tinh+bien", "/?q=script&directive=chi-thi-5-ttg", "/articles/xss-1",
                                  "/articles/xss-1?q=script", "/directives/chi-thi-5-ttg", "/directives",
                                  "/directives?q=chi+thi", "/feed.atom?q=tinh"])
def test_markup_from_the_corpus_is_escaped_on_every_page(hostile, path):
    response = hostile.get(path)
    assert response.status_code == 200, path
    text = response.get_data(as_text=True)
    assert SCRIPT not in text and "<img src=x" not in text and "<b>đậm</b>" not in text
    if not path.startswith("/feed"):
        urls = [url for url in Page(text).anchors + [link.get("href") for link in Page(text).links] if url]
        assert urls and not any(url.strip().lower().startswith("javascript:") for url in urls)


def test_the_hostile_article_is_readable_as_text(hostile):
    html, parsed = page(hostile, "/articles/xss-1")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp; &lt;i&gt;nghiêng&lt;/i&gt;" in html
    assert not parsed.inline_handlers


@pytest.mark.parametrize("path", ["/?q={}", "/articles/tin-3?q={}", "/directives?q={}", "/articles/{}",
                                  "/directives/{}", "/?locality={}", "/?q=x&date_from={}"])
def test_what_the_user_typed_is_escaped_on_every_page(client, path):
    typed = '"><script>alert(1)</script>'
    response = client.get(path.format(typed.replace("/", "%2F").replace("<", "%3C").replace(">", "%3E")
                                      .replace('"', "%22")))
    text = response.get_data(as_text=True)
    assert SCRIPT not in text
    assert not Page(text).inline_handlers


# --- headers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES + ["/api/search?q=x", "/api/suggest?q=tinh", "/feed.atom", "/opensearch.xml",
                                          "/static/site.css", "/static/site.js", "/api/nope", "/?page=0"])
def test_every_response_has_csp_and_nosniff(client, path):
    with client.get(path) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_style(client, path):
    response = client.get(path)
    parsed = Page(response.get_data(as_text=True))
    assert parsed.scripts == [{"src": "/static/site.js", "defer": None}]
    assert not parsed.inline_handlers and parsed.style_attributes == 0
    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_static_files_are_served_with_their_types(client):
    with client.get("/static/site.css") as css, client.get("/static/site.js") as js:
        assert css.mimetype == "text/css"
        assert js.mimetype in ("text/javascript", "application/javascript")


# --- JSON alternates -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "api"), [
    ("/?q=tinh+bien&locality=89", "/api/search?q=tinh+bien&locality=89"),
    ("/articles/tin-3", "/api/articles/tin-3"),
    ("/directives/chi-thi-5-ttg-2020", "/api/directives/chi-thi-5-ttg-2020"),
    ("/directives", "/api/directives"),
])
def test_each_page_links_its_json_and_answers_json_when_asked(client, path, api):
    _, parsed = page(client, path)
    alternates = [link["href"] for link in parsed.links
                  if link.get("rel") == "alternate" and link.get("type") == "application/json"]
    assert alternates == [api]
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json" and "Accept" in as_json.headers["Vary"]
    expected = client.get(api).get_json()
    got = as_json.get_json()
    got.pop("took_ms", None), expected.pop("took_ms", None)
    assert got == expected
    assert as_json.headers["ETag"] != client.get(path).headers["ETag"], "HTML and JSON are two representations"


def test_a_browser_accept_header_gets_html(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/", headers={"Accept": accept}).mimetype == "text/html"
    assert client.get("/", headers={"Accept": "*/*"}).mimetype == "text/html"


def test_errors_asked_for_as_json_are_json(client):
    response = client.get("/articles/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_directive_json_has_months_and_districts(client):
    data = client.get("/api/directives/chi-thi-5-ttg-2020").get_json()
    # The February article cites "Chỉ thị 05/CT-TTg" without a year: the index's only dated 05/CT-TTg is this one.
    assert [m["value"] for m in data["by_month"]] == ["2020-02", "2020-03", "2020-09"]
    assert [(d["label"], d["province"], d["count"]) for d in data["by_district"]] == [("Tịnh Biên", "An Giang", 3)]


# --- Atom and OpenSearch ---------------------------------------------------------------------------------------

def test_every_search_page_links_its_atom_feed(client):
    _, parsed = page(client, "/?q=tinh+bien&locality=89&page=1&sort=oldest")
    feeds = [link["href"] for link in parsed.links if link.get("type") == "application/atom+xml"]
    assert len(feeds) == 1
    assert parse_qsl(urlsplit(feeds[0]).query) == [("q", "tinh bien"), ("locality", "89")]


def test_atom_feed_is_valid_and_newest_first(client):
    response = client.get("/feed.atom?q=tinh+bien&locality=89")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").startswith("http://127.0.0.1:8000/feed.atom?")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("http://127.0.0.1:8000/articles/")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == entry.find(f"{ATOM}id").text
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.find(f"{ATOM}updated").text == updated[0]


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    description = ElementTree.fromstring(response.data)
    assert description.find(f"{OPENSEARCH}ShortName").text
    templates = {url.get("type"): url.get("template") for url in description.findall(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == "http://127.0.0.1:8000/?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://127.0.0.1:8000/feed.atom?q={searchTerms}"
    _, parsed = page(client, "/")
    assert any(link.get("rel") == "search" and link.get("type") == "application/opensearchdescription+xml"
               and link.get("href") == "/opensearch.xml" for link in parsed.links)


# --- the search page without JavaScript --------------------------------------------------------------------------

def test_every_form_is_a_plain_get_form(client):
    for path in PAGES:
        _, parsed = page(client, path, status=404 if path == "/no-such-page" else 200)
        for form in parsed.forms:
            assert form.get("method") == "get" and form.get("action") in ("/", "/directives"), (path, form)
            assert any(tag == "button" and attributes.get("type") == "submit" for tag, attributes in form["fields"])


def test_sort_and_date_forms_keep_the_other_parameters(client):
    _, parsed = page(client, "/?q=tinh+bien&locality=89&date_from=2020-01-01&sort=oldest&page=2")
    hidden_by_visible = {}
    for form in parsed.forms:
        visible = frozenset(a.get("name") for _, a in form["fields"] if a.get("type") != "hidden" and a.get("name"))
        hidden_by_visible[form["action"], visible] = {(a["name"], a["value"]) for _, a in form["fields"] if a.get("type") == "hidden"}
    assert hidden_by_visible["/", frozenset({"q"})] == {("locality", "89"), ("sort", "oldest"),
                                                       ("date_from", "2020-01-01")}
    assert hidden_by_visible["/", frozenset({"sort", "per_page"})] == {("q", "tinh bien"), ("locality", "89"),
                                                      ("date_from", "2020-01-01")}
    assert hidden_by_visible["/", frozenset({"date_from", "date_to"})] == {("q", "tinh bien"), ("locality", "89"),
                                                                      ("sort", "oldest")}


def test_facet_links_toggle_and_chips_remove(client):
    html, parsed = page(client, "/?q=tinh+bien&locality=89&locality=890")
    assert "/?q=tinh+bien&amp;locality=890" in html  # the An Giang chip (and value) removes An Giang only
    assert "/?q=tinh+bien&amp;locality=89" in html
    assert 'href="/?q=tinh+bien"' in html  # "Bỏ tất cả bộ lọc"


def test_did_you_mean_restores_diacritics(client):
    html, _ = page(client, "/?q=tinh+bien")
    assert 'Có phải bạn muốn tìm: <a href="/?q=T%E1%BB%8Bnh+Bi%C3%AAn" lang="vi">Tịnh Biên</a>' in html
    html, _ = page(client, "/?q=T%E1%BB%8Bnh+Bi%C3%AAn")
    assert "Có phải bạn muốn tìm" not in html


def test_nothing_found_page_helps(client):
    html, _ = page(client, "/?q=xyzzy&locality=89")
    assert "Không tìm thấy bài viết nào cho «xyzzy»" in html
    assert "bỏ tất cả bộ lọc" in html and 'href="/?q=xyzzy"' in html
    assert "/directives" in html


def test_pagination_links(client):
    html, _ = page(client, "/?per_page=2&page=3")
    assert 'href="/?per_page=2&amp;page=2" rel="prev"' in html
    assert 'href="/?per_page=2&amp;page=4" rel="next"' in html
    assert 'aria-current="page"><span class="visually-hidden">Trang </span>3</a>' in html
    assert 'href="/?per_page=2"' in html  # page 1 has no page parameter


def test_hits_link_the_article_filters_and_directives(client):
    html, _ = page(client, "/?q=tinh+bien")
    assert 'href="/articles/tin-3?q=tinh+bien"' in html
    assert 'href="/?q=tinh+bien&amp;directive=chi-thi-5-ttg-2020"' in html
    assert 'href="/?q=tinh+bien&amp;author=phan-huu"' in html
    assert 'href="/?q=tinh+bien&amp;locality=890"' in html


def test_article_page_links(client):
    html, _ = page(client, "/articles/tinh-bien-giao-ban-khoa-giao?q=giao+ban")
    assert "<mark>giao</mark> <mark>ban</mark>" in html
    assert 'href="/directives/chi-thi-5-ttg-2020"' in html and 'href="/directives/chi-thi-5-tw"' in html
    assert 'href="/?author=phan-huu"' in html and 'href="/?locality=890"' in html
    assert 'href="/?q=giao+ban"' in html  # back to the results


def test_directives_index_sorts_and_pages(client):
    counts = [int(n) for n in re.findall(r'bài trích dẫn [^"]*">(\d+)</a>', page(client, "/directives")[0])]
    assert counts == sorted(counts, reverse=True)
    html, _ = page(client, "/directives?sort=label")
    labels = re.findall(r'<th scope="row"><a href="/directives/[^"]+">([^<]+)</a>', html)
    assert labels[0].startswith("Chỉ thị") and labels[-1].startswith("Quyết định")
    assert client.get("/directives?sort=nope").status_code == 400
    assert client.get("/directives?page=9").status_code == 400
    assert client.get("/directives?x=1").status_code == 400


def test_page_routes_refuse_unknown_parameters_with_an_html_error(client):
    for path in ["/articles/tin-3?x=1", "/directives/chi-thi-5-tw?q=1", "/opensearch.xml?x=1", "/?nope=1"]:
        response = client.get(path)
        assert response.status_code == 400 and response.mimetype == "text/html", path


# --- type-ahead --------------------------------------------------------------------------------------------------

def test_suggest_finds_places_directives_and_titles_without_accents(client):
    data = client.get("/api/suggest?q=tinh+bi").get_json()
    kinds = [(item["kind"], item["label"]) for item in data["suggestions"]]
    assert kinds[0] == ("place", "Tịnh Biên") and data["suggestions"][0]["url"] == "/?locality=890"
    assert any(kind == "title" and "Tịnh Biên" in label for kind, label in kinds)
    directives = client.get("/api/suggest?q=chi+thi").get_json()["suggestions"]
    assert any(item["kind"] == "directive" and item["url"].startswith("/directives/") for item in directives)


def test_suggest_needs_two_letters_and_caps_length(client):
    assert client.get("/api/suggest?q=t").get_json()["suggestions"] == []
    assert client.get("/api/suggest?q=" + "a" * 1001).status_code == 400


# --- context that travels, page size, dates, print --------------------------------------------------------------

def test_a_result_opens_with_the_search_it_came_from_and_leads_back_to_it(client):
    html, parsed = page(client, "/?q=tinh+bien&locality=89&sort=oldest&per_page=2&page=2")
    articles = [url for url in parsed.anchors if url.startswith("/articles/")]
    assert articles and all(dict(parse_qsl(urlsplit(url).query)) == {
        "q": "tinh bien", "locality": "89", "sort": "oldest", "per_page": "2", "page": "2"} for url in articles)
    html, parsed = page(client, articles[0])
    back = "/?q=tinh+bien&amp;locality=89&amp;sort=oldest&amp;per_page=2&amp;page=2"
    assert f'<a href="{back}">Kết quả cho «tinh bien» (An Giang), trang 2</a>' in html  # the breadcrumb
    assert f'<a href="{back}">‹ Quay lại kết quả tìm kiếm</a>' in html
    assert "<mark>" in html


def test_an_article_opened_directly_has_no_way_back_to_a_search(client):
    html, _ = page(client, "/articles/tin-3")
    assert "Quay lại kết quả" not in html and "<mark>" not in html


def test_the_title_says_the_query_the_filters_and_the_page(client):
    html, _ = page(client, "/?q=tinh+bien&locality=89&date=2020&per_page=1&page=2")
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title == "«tinh bien» · Địa phương: An Giang · Thời gian: 2020 · trang 2 – Tìm kiếm tin tức chính quyền địa phương"


def test_page_sizes_are_offered_and_the_chosen_one_kept(client):
    html, _ = page(client, "/?q=tinh+bien&per_page=20")
    sizes = re.findall(r'<option value="(\d+)"( selected)?>\1 bài</option>', html)
    assert sizes == [("10", ""), ("20", " selected"), ("50", ""), ("100", "")]


def test_date_fields_are_typed_and_shown_as_dd_mm_yyyy(client):
    html, _ = page(client, "/?q=tinh+bien&date_from=1/2/2020&date_to=2020-09-30")
    assert re.search(r'<input type="text" name="date_from"[^>]*pattern="[^"]+"[^>]*value="01/02/2020"', html)
    assert re.search(r'<input type="text" name="date_to"[^>]*value="30/09/2020"', html)
    assert "Từ ngày:</span> 01/02/2020" in html  # the chip
    assert 'href="/?q=tinh+bien&amp;date_to=2020-09-30"' in html  # links carry the day as ISO


def test_a_printed_search_is_headed_by_query_filters_and_day(client):
    html, _ = page(client, "/?q=tinh+bien&locality=89")
    header = re.search(r'<div class="print-header">(.*?)</div>', html, re.S).group(1)
    assert "«tinh bien»" in header and "Địa phương: An Giang" in header
    assert re.search(r"<span data-print-date>\d\d/\d\d/\d{4}</span>", header)


def test_a_filter_value_that_names_nothing_is_a_400_page_naming_it(client):
    html, _ = page(client, "/?q=tinh+bien&locality=Atlantis", status=400)
    assert "Không có địa phương «Atlantis» trong chỉ mục (tham số «locality»)." in html


def test_a_place_name_in_the_address_becomes_its_code_in_the_links(client):
    html, _ = page(client, "/?q=tinh+bien&locality=An+Giang")
    assert 'class="chip" href="/?q=tinh+bien"' in html
    assert "Địa phương:</span> An Giang" in html and "locality=An" not in html


def test_a_typo_read_otherwise_is_said_above_the_results(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("typos")
    records = [{"id": f"ntm-{n}", "title": f"Xã thứ {n} đạt chuẩn nông thôn mới", "body": "Nông thôn mới."}
               for n in range(6)]
    records += [{"id": f"tt-{n}", "title": "Tổng thống phát biểu", "body": "Thông tin mới."} for n in range(60)]
    records += [{"id": f"nd-{n}", "title": "Nông dân thu hoạch lúa", "body": "Nông dân vui."} for n in range(60)]
    (corpus / "tin.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("typos-index")
    index_paths([corpus], index_dir)
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    html, _ = page(client, "/?q=n%C3%B4ng+th%C3%B4ng+m%E1%BB%9Bi")
    assert ('Kết quả có cả các bài viết «<a href="/?q=n%C3%B4ng+th%C3%B4n+m%E1%BB%9Bi" lang="vi">nông thôn mới</a>»'
            in html)
    assert "Có phải bạn muốn tìm" not in html
    assert 'href="/articles/ntm-0' in html
