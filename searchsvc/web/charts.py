"""Bar charts as plain data for the templates, which draw them as SVG: geometry here, escaping in Jinja.

A chart is a ``Chart`` of ``Bar``s with their rectangles already computed, plus ``summary``, the sentence that is
its text alternative. Months with no article are drawn as empty slots (``month_series``), so a timeline's gaps
are visible. Plain Python: no Flask, no SVG strings.
"""

from __future__ import annotations

from dataclasses import dataclass

PLOT_HEIGHT = 100
LABEL_HEIGHT = 18
COUNT_HEIGHT = 16
MIN_SLOT = 14
MAX_SLOT = 56
# Narrow slots cannot carry every label: at most this many are written under the bars.
MAX_LABELS = 12


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str | None = None
    selected: bool = False
    # Drawn by the template; computed by ``bar_chart``.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    show_label: bool = True


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    width: float
    height: float
    plot_top: float
    plot_bottom: float
    summary: str

    @property
    def empty(self) -> bool:
        return not any(bar.count for bar in self.bars)


def bar_chart(title: str, bars: list[Bar], unit: str = "bài", width: float | None = None) -> Chart:
    """Lay out vertical bars, tallest at full height; ``summary`` lists every bar with its count.

    >>> chart = bar_chart("Theo năm", [Bar("2020", 4), Bar("2021", 2)])
    >>> [(bar.label, bar.height) for bar in chart.bars], chart.summary
    ([('2020', 100.0), ('2021', 50.0)], 'Theo năm: 2020: 4 bài; 2021: 2 bài.')
    """
    count = max(len(bars), 1)
    slot = max(MIN_SLOT, min(MAX_SLOT, (width or count * MAX_SLOT) / count))
    gap = max(2.0, slot * 0.2)
    highest = max((bar.count for bar in bars), default=0) or 1
    plot_top = COUNT_HEIGHT
    plot_bottom = COUNT_HEIGHT + PLOT_HEIGHT
    every = -(-len(bars) // MAX_LABELS) if len(bars) > MAX_LABELS else 1
    laid = []
    for i, bar in enumerate(bars):
        height = round(PLOT_HEIGHT * bar.count / highest, 1)
        laid.append(Bar(
            label=bar.label, count=bar.count, url=bar.url, selected=bar.selected,
            x=round(i * slot + gap / 2, 1), y=round(plot_bottom - height, 1), width=round(slot - gap, 1),
            height=height, show_label=i % every == 0,
        ))
    summary = f"{title}: " + "; ".join(f"{bar.label}: {bar.count} {unit}" for bar in bars) + "." if bars else (
        f"{title}: không có dữ liệu.")
    return Chart(title=title, bars=tuple(laid), width=round(count * slot, 1),
                 height=plot_bottom + LABEL_HEIGHT, plot_top=plot_top, plot_bottom=plot_bottom, summary=summary)


def month_series(counts: dict[str, int]) -> list[tuple[str, int]]:
    """``YYYY-MM`` counts as a run of consecutive months from the first to the last, gaps at zero.

    >>> month_series({"2020-11": 2, "2021-02": 1})
    [('2020-11', 2), ('2020-12', 0), ('2021-01', 0), ('2021-02', 1)]
    """
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:7])
    series = []
    while True:
        key = f"{year:04d}-{month:02d}"
        series.append((key, counts.get(key, 0)))
        if key >= last:
            return series
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_label(key: str) -> str:
    """``2020-09`` -> ``9/2020``, the way Vietnamese writes a month.

    >>> month_label("2020-09")
    '9/2020'
    """
    return f"{int(key[5:7])}/{key[:4]}"
