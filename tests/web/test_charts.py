"""Bar chart layout and month series for the SVG charts."""

from __future__ import annotations

from searchsvc.web.charts import MAX_LABELS, PLOT_HEIGHT, Bar, bar_chart, month_label, month_series


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


def test_month_series_fills_the_gaps_across_years():
    assert month_series({"2020-12": 1, "2021-02": 3}) == [("2020-12", 1), ("2021-01", 0), ("2021-02", 3)]
    assert month_series({"2020-05": 2}) == [("2020-05", 2)]
    assert month_series({}) == []
    assert month_label("2021-01") == "1/2021"
