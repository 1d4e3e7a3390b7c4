"""Browser tests: Debian's headless Chromium, driven by Playwright, against the app served from a real thread.

What a citizen and a staff member do: search with and without diacritics, take a type-ahead suggestion, apply and
remove each facet, open an article and a directive, use the directive index; the same without JavaScript; the
page at 390 px. axe-core (shipped inside the ``axe-playwright-python`` wheel, never fetched) checks every page, and
no page may break its own Content-Security-Policy. Screenshots go to ``tests/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need the playwright package")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from conftest import SAMPLES
from searchsvc.index.indexer import index_paths
from searchsvc.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _serve(index_dir: Path):
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(sample_index_dir):
    yield from _serve(sample_index_dir)


@pytest.fixture(scope="module")
def odd_dates_url(tmp_path_factory):
    """The sample corpus plus an article dated 1947, decades before the others, and one with no date at all."""
    extra = tmp_path_factory.mktemp("odd-dates")
    articles = [
        {"id": "odd-1947", "title": "Hội nghị tổng kết ở Tịnh Biên",
         "body": "Ngày 1/5/1947, Tịnh Biên tổ chức hội nghị tổng kết.", "published": "1947-05-01"},
        {"id": "odd-undated", "title": "Hội nghị triển khai ở Tịnh Biên", "body": "Tịnh Biên tổ chức hội nghị."},
    ]
    (extra / "odd.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    index_dir = tmp_path_factory.mktemp("odd-dates-index")
    index_paths([SAMPLES, extra], index_dir)
    yield from _serve(index_dir)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe():
    return Axe()


def _page(browser, viewport, javascript=True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript, locale="vi-VN")
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    page.javascript = javascript
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser, DESKTOP)
    yield page
    assert page.problems == [], "console errors (a CSP violation, a script error)"
    context.close()


@pytest.fixture
def phone(browser):
    context, page = _page(browser, PHONE)
    yield page
    assert page.problems == []
    context.close()


@pytest.fixture
def nojs(browser):
    context, page = _page(browser, DESKTOP, javascript=False)
    yield page
    context.close()


VISITORS = {"desktop": (DESKTOP, True), "phone": (PHONE, True), "nojs": (DESKTOP, False)}


@pytest.fixture(params=list(VISITORS))
def visitor(request, browser):
    """The same steps on a desktop, on a 390 px phone, and without JavaScript."""
    viewport, javascript = VISITORS[request.param]
    context, page = _page(browser, viewport, javascript)
    page.visitor = request.param
    yield page
    assert page.problems == []
    context.close()


def show_filters(page: Page) -> None:
    """On a phone the filters sit behind one button above the results: open it (nothing to do where they show)."""
    page.wait_for_load_state()  # after a click the next page may still be without its stylesheet
    toggle = page.locator(".facets-box__summary")
    if toggle.is_visible() and not page.locator(".facets-box[open]").count():
        toggle.click()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Page, axe: Axe) -> None:
    if not page.javascript:
        return  # axe is a script: the same markup is checked where JavaScript runs
    results = axe.run(page)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == [], violations


def result_count(page: Page) -> int:
    text = page.locator(".results-count").inner_text()
    match = re.search(r"([\d.]+) kết quả", text)
    return int(match.group(1).replace(".", "")) if match else 0


def search_for(page: Page, base_url: str, text: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Tìm tin tức theo từ khóa, địa danh, văn bản").fill(text)
    page.locator("#search-form").get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_load_state()


def hit_titles(page: Page) -> list[str]:
    return page.locator(".hit__title").all_inner_texts()


# --- search ------------------------------------------------------------------------------------------------------

def test_search_with_diacritics_marks_the_words(page, base_url, axe):
    search_for(page, base_url, "Tịnh Biên")
    assert result_count(page) >= 3
    expect(page.locator(".hit__title mark").first).to_have_text("Tịnh")
    expect(page.locator(".did-you-mean")).to_have_count(0)
    assert_accessible(page, axe)
    shot(page, "desktop-search")


def test_search_without_diacritics_finds_the_same_and_offers_the_spelling(page, base_url, axe):
    search_for(page, base_url, "Tịnh Biên")
    accented = hit_titles(page)
    search_for(page, base_url, "tinh bien")
    assert hit_titles(page) == accented
    suggestion = page.locator(".did-you-mean a")
    expect(suggestion).to_have_text("Tịnh Biên")
    suggestion.click()
    expect(page.get_by_label("Tìm tin tức theo từ khóa, địa danh, văn bản")).to_have_value("Tịnh Biên")
    assert hit_titles(page) == accented


def test_type_ahead_suggests_a_place_without_diacritics_and_the_keyboard_takes_it(page, base_url, axe):
    page.goto(base_url + "/")
    box = page.get_by_role("combobox", name="Tìm tin tức theo từ khóa, địa danh, văn bản")
    box.press_sequentially("tinh bi", delay=20)
    options = page.get_by_role("option")
    expect(options.first).to_contain_text("Tịnh Biên")
    expect(box).to_have_attribute("aria-expanded", "true")
    assert_accessible(page, axe)
    shot(page, "desktop-typeahead")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(re.compile(r"locality=890"))
    expect(page.locator(".chip")).to_contain_text("Tịnh Biên")


def test_nothing_found_page_helps(page, base_url, axe):
    search_for(page, base_url, "xyzzy không có")
    expect(page.locator(".empty h2")).to_contain_text("Không tìm thấy bài viết nào")
    expect(page.locator(".empty")).to_contain_text("gõ không dấu")
    assert_accessible(page, axe)
    shot(page, "desktop-empty")


# --- facets: apply and remove each ---------------------------------------------------------------------------

@pytest.mark.parametrize("facet", ["date", "locality", "author", "directive"])
def test_apply_and_remove_each_facet(page, base_url, facet):
    page.goto(base_url + "/")
    total = result_count(page)
    value = page.locator(f"#facet-{facet} .facet__values > li > a").first
    label = value.locator(".facet__label").inner_text()
    count = int(value.locator(".facet__count").inner_text().split()[0])
    value.click()
    page.wait_for_url(re.compile(f"{facet}="))
    assert result_count(page) == count
    chip = page.locator(".chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(label)
    expect(page.locator(f"#facet-{facet} [aria-current='true']").first).to_contain_text(label)
    chip.click()
    page.wait_for_url(base_url + "/")
    assert result_count(page) == total
    expect(page.locator(".chip")).to_have_count(0)


def test_year_chart_bar_applies_the_year_and_opens_its_months(page, base_url, axe):
    page.goto(base_url + "/")
    page.locator("#facet-date svg a").first.click()
    page.wait_for_url(re.compile(r"date=\d{4}"))
    expect(page.locator("#facet-date figure")).to_have_count(2)  # years, then the months of the chosen year
    expect(page.locator("#facet-date .facet__children").first).to_be_visible()
    assert_accessible(page, axe)


def test_choosing_a_month_narrows_the_year_to_that_month(page, base_url):
    page.goto(base_url + "/")
    page.locator("#facet-date .facet__values > li > a").first.click()
    page.wait_for_url(re.compile(r"date=\d{4}"))
    year_total = result_count(page)
    month = page.locator("#facet-date .facet__children a").first
    count = int(month.locator(".facet__count").inner_text().split()[0])
    month.click()
    page.wait_for_url(re.compile(r"date=\d{4}-\d\d"))
    assert result_count(page) == count <= year_total
    expect(page.locator(".chip")).to_have_count(2)


def test_locality_switch_includes_places_only_mentioned(page, base_url, axe):
    page.goto(base_url + "/")
    about = result_count(page)
    page.locator("#facet-locality .facet__scope a", has_text="Gồm cả nơi chỉ được nhắc đến").click()
    page.wait_for_url(re.compile("locality_scope=all"))
    assert result_count(page) == about  # the switch changes what the facet counts, not the results
    expect(page.locator("#facet-locality .facet__scope a")).to_have_text("Chỉ nơi bài viết nói về")
    assert_accessible(page, axe)


def test_one_odd_year_is_a_labelled_bucket_not_a_thousand_bars(visitor, odd_dates_url, axe):
    page = visitor
    page.goto(odd_dates_url + "/?q=tinh+bien")
    show_filters(page)
    chart = page.locator("#facet-date figure").first
    labels = chart.locator(".chart__label").all_text_contents()
    assert labels[:2] == ["Trước", "2020"] and labels[-2:] == ["Chưa rõ", "ngày"], labels
    assert chart.locator(".chart__bar").count() == 6  # before 2020, 2020 to 2023, undated
    expect(page.locator("#chart-date-1-desc")).to_have_text(
        "Số bài theo năm: Trước 2020: 1 bài; 2020: 3 bài; 2021: 0 bài; 2022: 0 bài; 2023: 1 bài; Chưa rõ ngày: 1 bài.")
    box = chart.locator("svg").bounding_box()
    assert box["width"] <= 260 and box["height"] <= 200, box
    assert_accessible(page, axe)
    shot(page, f"{page.visitor}-chart-odd-year")
    page.locator("#facet-date svg a[aria-label='Trước 2020: 1 bài']").click()
    page.wait_for_url(re.compile("date_to=2019-12-31"))
    assert hit_titles(page) == ["Hội nghị tổng kết ở Tịnh Biên"]


def test_date_range_and_district_under_province(page, base_url, axe):
    page.goto(base_url + "/?q=tinh+bien")
    page.get_by_label("Từ ngày").fill("01/01/2020")  # typed as Vietnamese write a day
    page.get_by_label("Đến ngày").fill("31/12/2020")
    page.get_by_role("button", name="Lọc theo ngày").click()
    page.wait_for_url(re.compile("date_from=01%2F01%2F2020"))
    expect(page.locator(".chip")).to_have_count(2)
    expect(page.locator(".chip").first).to_contain_text("01/01/2020")
    expect(page.get_by_label("Đến ngày")).to_have_value("31/12/2020")
    page.locator("#facet-locality a", has_text="An Giang").click()
    page.locator("#facet-locality .facet__children a", has_text="Tịnh Biên").click()
    page.wait_for_url(re.compile("locality=890"))
    expect(page.locator(".chip")).to_have_count(4)
    assert all("2020" in date for date in page.locator(".hit time").all_inner_texts())
    assert_accessible(page, axe)
    shot(page, "desktop-search-filtered")
    page.get_by_role("link", name="Bỏ tất cả bộ lọc").click()
    expect(page.locator(".chip")).to_have_count(0)
    expect(page.get_by_label("Tìm tin tức theo từ khóa, địa danh, văn bản")).to_have_value("tinh bien")


def test_facet_filter_box_finds_a_directive_not_listed(page, base_url):
    page.goto(base_url + "/")
    box = page.locator("#directive-q")
    box.fill("chi thi 05")
    listed = page.locator("#facet-directive .facet__values:not(.facet__extra) > li:visible")
    expect(listed.first).to_contain_text("Chỉ thị 05")
    assert all("Chỉ thị 05" in text for text in listed.all_inner_texts())


def test_hit_links_apply_the_filter(page, base_url):
    page.goto(base_url + "/?q=tinh+bien")
    page.locator(".hit .tag", has_text="Chỉ thị 05/CT-TTg").first.click()
    page.wait_for_url(re.compile("directive="))
    expect(page.locator(".chip")).to_contain_text("Chỉ thị 05/CT-TTg")


# --- article and directive pages -------------------------------------------------------------------------------

def test_open_an_article_then_its_directive(page, base_url, axe):
    search_for(page, base_url, "tinh bien phong chong dich")
    page.locator(".hit__title a", has_text="Triển khai Chỉ thị 05/CT-TTg").click()
    expect(page.locator("h1")).to_contain_text("Triển khai Chỉ thị 05/CT-TTg")
    expect(page.locator(".article__body mark").first).to_be_visible()
    expect(page.locator("link[rel=alternate][type='application/json']")).to_have_attribute(
        "href", "/api/articles/tinh-bien-phong-chong-dich")
    assert_accessible(page, axe)
    shot(page, "desktop-article")
    page.locator(".article__meta a", has_text="Tịnh Biên").click()
    expect(page.locator(".chip")).to_contain_text("Tịnh Biên")
    page.go_back()
    page.locator(".article__directives a").first.click()
    # The article omits the year; the index's only dated 05/CT-TTg is the one it means.
    expect(page.locator("h1")).to_have_text("Chỉ thị 05/CT-TTg (2020)")


def test_directive_page_for_staff(page, base_url, axe):
    page.goto(base_url + "/directives/chi-thi-5-ttg-2020")
    expect(page.locator(".identity")).to_contain_text("Thủ tướng Chính phủ")
    expect(page.locator(".big-number strong")).to_have_text("3")
    timeline = page.locator("#chart-timeline-desc")
    expect(timeline).to_contain_text("2/2020: 1 bài")
    expect(timeline).to_contain_text("3/2020: 1 bài")
    expect(timeline).to_contain_text("9/2020: 1 bài")
    expect(page.locator(".table")).to_contain_text("An Giang")
    expect(page.locator(".table")).to_contain_text("Tịnh Biên")
    expect(page.locator(".hits .hit")).to_have_count(3)
    assert_accessible(page, axe)
    shot(page, "desktop-directive")
    page.locator(".table a", has_text="Tịnh Biên").click()
    expect(page.locator(".chip")).to_have_count(2)


def test_directives_index_is_searchable_and_sortable(page, base_url, axe):
    page.goto(base_url + "/directives")
    counts = [int(n) for n in page.locator("tbody td.num a").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and len(counts) > 3
    assert_accessible(page, axe)
    shot(page, "desktop-directives")
    page.get_by_label("Tìm văn bản theo số hiệu hoặc tên").fill("chi thi 05")
    page.get_by_label("Sắp xếp").select_option("date")
    page.get_by_role("button", name="Tìm", exact=True).click()
    labels = page.locator("tbody th a").all_inner_texts()
    assert labels and all(label.startswith("Chỉ thị 05") for label in labels)
    years = page.locator("tbody td.num:not(:has(a))").all_inner_texts()
    assert years[0] == "2020"


# --- without JavaScript, and on a phone --------------------------------------------------------------------------

def test_everything_works_without_javascript(nojs, base_url):
    page = nojs
    search_for(page, base_url, "tinh bien")
    assert result_count(page) >= 3
    expect(page.locator("#q")).not_to_have_attribute("role", "combobox")  # the type-ahead is script only
    page.locator("#facet-locality a", has_text="An Giang").click()
    expect(page.locator(".chip")).to_contain_text("An Giang")
    page.get_by_label("Sắp xếp").select_option("oldest")
    page.get_by_role("button", name="Áp dụng").click()
    dates = [time.get_attribute("datetime") for time in page.locator(".hit time").all()]
    assert dates == sorted(dates)
    page.locator("#directive-q").fill("05/CT-TTg")
    page.locator(".facet-search button").click()
    expect(page.locator("h1")).to_have_text("Văn bản chỉ đạo được trích dẫn")
    expect(page.locator("tbody th a").first).to_contain_text("05/CT-TTg")
    page.locator("tbody th a").first.click()
    expect(page.locator(".hits .hit").first).to_be_visible()
    shot(page, "nojs-directive")


@pytest.mark.parametrize(("name", "path"), [
    ("search", "/?q=tinh+bien&locality=89"),
    ("empty", "/?q=xyzzy"),
    ("article", "/articles/tinh-bien-giao-ban-khoa-giao?q=tinh+bien"),
    ("directive", "/directives/chi-thi-5-ttg-2020"),
    ("directives", "/directives"),
])
def test_phone_width_has_no_sideways_scrolling(phone, base_url, axe, name, path):
    phone.goto(base_url + path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    assert_accessible(phone, axe)
    shot(phone, f"phone-{name}")
    phone.screenshot(path=str(SCREENSHOTS / f"phone-{name}-top.png"))


# --- staff workflows: take results away, page size, places, the way back, phone, print -----------------------------

def test_download_the_results_as_csv_and_xlsx(visitor, base_url):
    page = visitor
    page.goto(base_url + "/?q=tinh+bien&locality=89")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert download.value.suggested_filename == "tim-kiem-tinh-bien-4-bai.csv"
    assert [row[0] for row in rows[1:]] == [url.split("/articles/")[1].split("?")[0]
                                            for url in page.locator(".hit__title a").evaluate_all(
                                                "links => links.map(a => a.href)")]
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [row[0] for row in rows[1:]]


def test_page_size_and_pagination_that_shows_where_you_are(visitor, base_url):
    page = visitor
    page.goto(base_url + "/?per_page=1&page=6")
    pagination = page.get_by_role("navigation", name="Phân trang")
    assert [" ".join(text.split()) for text in pagination.locator("li").all_text_contents()] == [
        "‹ Trang trước", "Trang 1", "…", "Trang 4", "Trang 5", "Trang 6", "Trang 7", "Trang 8", "…", "Trang 11",
        "Trang sau ›"]
    expect(pagination.locator("[aria-current='page']")).to_have_text("Trang 6")
    expect(page.locator(".results-count")).to_contain_text("trang 6/11")
    page.get_by_label("Mỗi trang").select_option("20")
    page.get_by_role("button", name="Áp dụng").click()
    page.wait_for_url(re.compile("per_page=20"))
    assert "page=6" not in page.url  # a new page size starts at page 1
    expect(page.locator(".hits .hit")).to_have_count(11)
    expect(pagination).to_have_count(0)


def test_places_province_then_district_then_commune(visitor, base_url, axe):
    page = visitor
    page.goto(base_url + "/")
    show_filters(page)
    localities = page.locator("#facet-locality")
    expect(localities.locator(".facet__children")).to_have_count(0)
    localities.locator("a", has_text="An Giang").click()
    show_filters(page)
    districts = localities.locator(".facet__values > li:has-text('An Giang') > .facet__children > li > a")
    assert [(district.locator(".facet__label").inner_text(), district.locator(".facet__count").text_content())
            for district in districts.all()] == [("Tịnh Biên", "4 bài"), ("Châu Thành", "1 bài"), ("Châu Đốc", "1 bài")]
    districts.filter(has_text="Tịnh Biên").click()
    show_filters(page)
    communes = localities.locator(".facet__children .facet__children a")
    expect(communes).to_have_text([re.compile("Văn Giáo\\s*1")])
    assert_accessible(page, axe)
    shot(page, f"{page.visitor}-places")
    communes.first.click()
    assert hit_titles(page) == ["Phòng chống dịch bệnh trên đàn gia súc ở xã Văn Giáo"]
    expect(page.locator(".chip")).to_have_count(3)


def test_the_way_back_from_an_article_keeps_query_filters_and_page(visitor, base_url, axe):
    page = visitor
    page.goto(base_url + "/?q=tinh+bien&locality=89&per_page=2&page=2")
    results = page.url
    assert page.title().startswith("«tinh bien» · Địa phương: An Giang · trang 2 – ")
    title = hit_titles(page)[0]
    page.locator(".hit__title a").first.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".article mark").first).to_be_visible()
    expect(page.locator(".breadcrumb")).to_contain_text("Kết quả cho «tinh bien» (An Giang), trang 2")
    assert_accessible(page, axe)
    page.get_by_role("link", name="‹ Quay lại kết quả tìm kiếm").click()
    assert page.url == results
    page.go_back()
    page.locator(".breadcrumb a", has_text="Kết quả cho").click()
    assert page.url == results


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_phone_filters_are_one_tap_above_the_results(browser, base_url, axe, javascript):
    context, page = _page(browser, PHONE, javascript=javascript)
    page.goto(base_url + "/?q=tinh+bien")
    toggle = page.locator(".facets-box__summary")
    first_hit = page.locator(".hit").first
    assert toggle.bounding_box()["y"] < first_hit.bounding_box()["y"] < PHONE["height"] - 100  # results on screen
    expect(page.locator("#facet-locality")).to_be_hidden()
    toggle.click()
    expect(page.locator("#facet-locality")).to_be_visible()
    if javascript:
        assert_accessible(page, axe)
        shot(page, "phone-filters-open")
    page.locator("#facet-locality a", has_text="An Giang").click()
    expect(page.locator(".facets-box__summary")).to_contain_text("1 đang chọn")
    assert page.locator(".hit").first.bounding_box()["y"] < PHONE["height"] - 100
    shot(page, f"phone-filtered-{'js' if javascript else 'nojs'}")
    context.close()


def test_desktop_shows_the_filters_without_a_button(page, base_url):
    page.goto(base_url + "/?q=tinh+bien")
    expect(page.locator(".facets-box__summary")).to_be_hidden()
    expect(page.locator("#facet-locality")).to_be_visible()


@pytest.mark.parametrize(("name", "path", "heading"), [
    ("search", "/?q=tinh+bien&locality=89", "Tìm kiếm: «tinh bien» · 4 kết quả"),
    ("article", "/articles/tinh-bien-giao-ban-khoa-giao?q=tinh+bien&locality=89", "Từ tìm kiếm: «tinh bien»; Địa phương: An Giang"),
])
def test_print_shows_the_content_headed_by_query_filters_and_day(visitor, base_url, name, path, heading):
    page = visitor
    page.goto(base_url + path)
    page.emulate_media(media="print")
    expect(page.locator(".print-header")).to_be_visible()
    expect(page.locator(".print-header")).to_contain_text(heading)
    expect(page.locator(".print-header")).to_contain_text(re.compile(r"In ngày: \d\d/\d\d/\d{4}"))
    for hidden in (".site-header", ".search-form", ".layout__facets", ".site-footer", ".breadcrumb", ".downloads"):
        assert not page.locator(hidden).first.is_visible() if page.locator(hidden).count() else True, hidden
    SCREENSHOTS.mkdir(exist_ok=True)
    pdf = SCREENSHOTS / f"print-{name}-{page.visitor}.pdf"
    page.pdf(path=str(pdf), format="A4")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                       check=True)
    if name == "search":
        text = page.locator("main").inner_text()
        assert "Lọc kết quả" not in text and "Sắp xếp" not in text and "Tải danh sách" not in text


def test_a_place_named_in_the_address_and_a_name_that_names_nothing(visitor, base_url, axe):
    page = visitor
    page.goto(base_url + "/?q=tinh+bien&locality=an+giang")
    expect(page.locator(".chip")).to_contain_text("An Giang")
    assert result_count(page) == 4
    response = page.goto(base_url + "/?q=tinh+bien&locality=Atlantis")
    assert response.status == 400
    page.problems.remove("Failed to load resource: the server responded with a status of 400 (BAD REQUEST)")
    expect(page.locator("main")).to_contain_text("Không có địa phương «Atlantis» trong chỉ mục (tham số «locality»).")
    assert_accessible(page, axe)
