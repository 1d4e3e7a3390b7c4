"""Browser tests: Debian's headless Chromium, driven by Playwright, against the app served from a real thread.

What a citizen and a staff member do: search with and without diacritics, take a type-ahead suggestion, apply and
remove each facet, open an article and a directive, use the directive index; the same without JavaScript; the
page at 390 px. axe-core (shipped inside the ``axe-playwright-python`` wheel, never fetched) checks every page, and
no page may break its own Content-Security-Policy. Screenshots go to ``tests/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import json
import re
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


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Page, axe: Axe) -> None:
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


def test_one_odd_year_is_a_labelled_bucket_not_a_thousand_bars(page, base_url, odd_dates_url, axe):
    page.goto(odd_dates_url + "/?q=tinh+bien")
    chart = page.locator("#facet-date figure").first
    labels = chart.locator(".chart__label").all_text_contents()
    assert labels[:2] == ["Trước", "2020"] and labels[-2:] == ["Chưa rõ", "ngày"], labels
    assert chart.locator(".chart__bar").count() == 6  # before 2020, 2020 to 2023, undated
    expect(page.locator("#chart-date-1-desc")).to_have_text(
        "Số bài theo năm: Trước 2020: 1 bài; 2020: 3 bài; 2021: 0 bài; 2022: 0 bài; 2023: 1 bài; Chưa rõ ngày: 1 bài.")
    box = chart.locator("svg").bounding_box()
    assert box["width"] <= 260 and box["height"] <= 200, box
    assert_accessible(page, axe)
    shot(page, "desktop-chart-odd-year")
    page.locator("#facet-date svg a[aria-label='Trước 2020: 1 bài']").click()
    page.wait_for_url(re.compile("date_to=2019-12-31"))
    assert hit_titles(page) == ["Hội nghị tổng kết ở Tịnh Biên"]


def test_date_range_and_district_under_province(page, base_url, axe):
    page.goto(base_url + "/?q=tinh+bien")
    page.get_by_label("Từ ngày").fill("2020-01-01")
    page.get_by_label("Đến ngày").fill("2020-12-31")
    page.get_by_role("button", name="Lọc theo ngày").click()
    page.wait_for_url(re.compile("date_from=2020-01-01"))
    expect(page.locator(".chip")).to_have_count(2)
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
