"""Bar chart layout and timelines for the SVG charts: they hold up whatever the dates are."""

from __future__ import annotations

from searchsvc.web.charts import (
    LABEL_CHAR_WIDTH, MAX_LABELS, MAX_MONTHS, MAX_YEARS, PLOT_HEIGHT, Bar, bar_chart, month_label, summarize, timeline,
)


def test_tallest_bar_fills_the_plot_and_others_scale():
    chart = bar_chart("Theo năm", [Bar("2019", 1), Bar("2020", 4), Bar("2021", 0)])
    heights = [bar.height for bar in chart.bars]
    assert heights == [PLOT_HEIGHT / 4, PLOT_HEIGHT, 0]
    assert all(bar.y + bar.height == chart.plot_bottom for bar in chart.bars)
    assert chart.height > chart.plot_bottom  # room for the labels


def test_bars_do_not_overlap_and_fit_the_width():
    chart = bar_chart("x", [Bar(str(i), i) for i in range(30)], width=240)
    for left, right in zip(chart.bars, chart.bars[1:]):
        assert left.x + left.width < right.x
    assert chart.bars[-1].x + chart.bars[-1].width <= chart.width


def test_long_series_label_only_some_bars():
    chart = bar_chart("x", [Bar(str(i), 1) for i in range(40)])
    assert 1 < sum(bar.show_label for bar in chart.bars) <= MAX_LABELS
    assert chart.bars[0].show_label


def test_summary_is_the_text_alternative():
    chart = bar_chart("Số bài theo tháng", [Bar("9/2020", 2), Bar("10/2020", 0)])
    assert chart.summary == "Số bài theo tháng: 9/2020: 2 bài; 10/2020: 0 bài."
    assert bar_chart("Trống", []).summary == "Trống: không có dữ liệu."
    assert bar_chart("Trống", [Bar("2020", 0)]).empty


def test_links_and_selection_are_kept():
    chart = bar_chart("x", [Bar("2020", 3, url="/?date=2020", selected=True)])
    assert chart.bars[0].url == "/?date=2020" and chart.bars[0].selected


def test_timeline_fills_the_gaps_across_years():
    bars = timeline({"2020-12": 1, "2021-02": 3})
    assert [(bar.label, bar.count, bar.key) for bar in bars] == [
        ("12/2020", 1, "2020-12"), ("1/2021", 0, "2021-01"), ("2/2021", 3, "2021-02")]
    assert [(bar.label, bar.count) for bar in timeline({"2020-05": 2})] == [("5/2020", 2)]
    assert timeline({}) == []
    assert month_label("2021-01") == "1/2021"


def test_one_odd_year_goes_to_a_bucket_not_across_the_axis():
    # The "hội nghị" case: one article dated 1012 among a decade of articles.
    counts = {str(year): 10 + year % 7 for year in range(2012, 2026)} | {"1012": 1, "1900": 2}
    bars = timeline(counts, undated=5)
    assert bars[0].label == "Trước 2012" and bars[0].count == 3 and bars[0].last_day == "2011-12-31"
    assert [bar.label for bar in bars[1:-1]] == [str(year) for year in range(2012, 2026)]
    assert (bars[-1].label, bars[-1].count, bars[-1].bucket) == ("Chưa rõ ngày", 5, "undated")
    assert sum(bar.count for bar in bars) == sum(counts.values()) + 5


def test_a_wide_span_keeps_the_busiest_years_and_buckets_both_ends():
    counts = {"1947": 2, **{str(year): 5 for year in range(2000, 2040)}, "2099": 1}
    bars = timeline(counts)
    years = [bar for bar in bars if not bar.bucket]
    assert len(years) == MAX_YEARS and years[-1].label == "2039"  # the latest of equally busy runs
    assert bars[0].label == f"Trước {years[0].label}" and bars[-1].label == "Sau 2039"
    assert bars[-1].first_day == "2040-01-01" and bars[-1].count == 1
    assert sum(bar.count for bar in bars) == sum(counts.values())


def test_a_directive_cited_from_1947_to_2017_is_drawn_by_year():
    counts = {"1947-03": 1, **{f"{year}-{month:02d}": 1 for year in range(2010, 2018) for month in (1, 6)}}
    bars = timeline(counts)
    assert bars[0].label == "Trước 2010" and bars[0].count == 1
    assert [bar.label for bar in bars[1:]] == [str(year) for year in range(2010, 2018)]
    assert len(timeline({f"2020-{m:02d}": 1 for m in range(1, 13)})) == 12 <= MAX_MONTHS


def test_keys_that_are_not_dates_count_as_undated():
    bars = timeline({"2020": 3, "unknown": 2, "2020-13": 1}, months=False)
    assert [(bar.label, bar.count) for bar in bars] == [("2020", 3), ("Chưa rõ ngày", 3)]
    assert [(bar.label, bar.count) for bar in timeline({}, undated=4)] == [("Chưa rõ ngày", 4)]


def test_chart_size_is_bounded_whatever_the_span():
    counts = {str(year): 1 for year in range(1000, 2026)}
    chart = bar_chart("Số bài theo năm", timeline(counts, undated=1), width=240)
    assert len(chart.bars) <= MAX_YEARS + 2
    assert chart.width <= 240 * 1.5
    assert len(chart.summary) < 200
    assert chart.summary == "Số bài theo năm, 2010–2025: nhiều nhất 2010 (1 bài); Trước 2010: 1010 bài; Chưa rõ ngày: 1 bài."


def test_buckets_are_wider_and_always_labelled_on_two_lines():
    chart = bar_chart("x", timeline({"1990": 1, **{str(year): 2 for year in range(2001, 2017)}}), width=240)
    bucket, first = chart.bars[0], chart.bars[1]
    assert bucket.bucket == "before" and bucket.width > 2 * first.width
    assert bucket.show_label and bucket.label_lines == ["Trước", "2001"]
    assert first.x > bucket.x + bucket.width


def test_few_bars_are_read_one_by_one():
    assert summarize("Năm", [Bar("2020", 1), Bar("Chưa rõ ngày", 2, bucket="undated")]) == (
        "Năm: 2020: 1 bài; Chưa rõ ngày: 2 bài.")


def test_undated_articles_do_not_flatten_the_years():
    chart = bar_chart("x", timeline({"2020": 10, "2021": 5}, undated=2481), width=240)
    years, undated = chart.bars[:2], chart.bars[-1]
    assert years[0].height == PLOT_HEIGHT and years[1].height == PLOT_HEIGHT / 2
    assert undated.height == PLOT_HEIGHT and undated.cut and undated.count == 2481
    assert not years[0].cut


def test_no_year_label_runs_into_a_bucket_label():
    chart = bar_chart("x", timeline({"1990": 1, **{str(year): 2 for year in range(2010, 2026)}}, undated=3), width=240)
    shown = sorted((bar.x + bar.width / 2, bar) for bar in chart.bars if bar.show_label)
    for (left, a), (right, b) in zip(shown, shown[1:]):
        half_widths = sum(max(map(len, bar.label_lines)) * LABEL_CHAR_WIDTH / 2 for bar in (a, b))
        assert right - left >= half_widths, (a.label, b.label)
