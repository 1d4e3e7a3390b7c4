"""Bar charts as plain data for the templates, which draw them as SVG: geometry here, escaping in Jinja.

A chart is a ``Chart`` of ``Bar``s with their rectangles already computed, plus ``summary``, the short sentence that
is its text alternative. A timeline holds up whatever the dates are (``timeline``): its axis covers the years where
most articles are, at most ``MAX_YEARS`` of them, and what lies outside is gathered in labelled buckets ("Trước
2000", "Sau 2025", "Chưa rõ ngày"), so one article dated 1012 neither stretches the axis over ten centuries nor
disappears. Months with no article are drawn as empty slots, so a timeline's gaps are visible. Plain Python: no
Flask, no SVG strings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

PLOT_HEIGHT = 100
LABEL_HEIGHT = 32
COUNT_HEIGHT = 16
MIN_SLOT = 14
MAX_SLOT = 56
# A bucket is drawn this many slots wide, so its two-line label fits under it.
BUCKET_SLOTS = 3
# Bars narrower than this carry their count in their link's label only, not written above them.
MIN_COUNTED_SLOT = 20
# Narrow slots cannot carry every label: at most this many are written under the bars, and only as many as fit
# side by side (a label's width estimated from its characters at the 11 px label font).
MAX_LABELS = 12
LABEL_CHAR_WIDTH = 6.5
LABEL_GAP = 4
# A timeline draws at most this many years one by one, and months only when the drawn years hold at most
# MAX_MONTHS of them.
MAX_YEARS = 16
MAX_MONTHS = 36
UNDATED = "Chưa rõ ngày"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str | None = None
    selected: bool = False
    # What the bar stands for: a year (``2020``) or a month (``2020-09``), the first and last day of a bucket, or
    # nothing for undated articles; the page turns it into a link.
    key: str = ""
    bucket: str = ""  # "before", "after" or "undated"; empty for a year or a month
    first_day: str = ""
    last_day: str = ""
    # Drawn by the template; computed by ``bar_chart``.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    show_label: bool = True
    show_count: bool = True
    cut: bool = False  # taller than the scale (undated articles outnumbering every year): drawn cut at the top

    @property
    def label_lines(self) -> list[str]:
        """A bucket's label on two lines ("Trước" / "2000", "Chưa rõ" / "ngày"), any other label on one."""
        return self.label.rsplit(" ", 1) if self.bucket else [self.label]


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
    """Lay out vertical bars, tallest at full height, buckets ``BUCKET_SLOTS`` wide; ``summary`` stays short.

    >>> chart = bar_chart("Theo năm", [Bar("2020", 4), Bar("2021", 2)])
    >>> [(bar.label, bar.height) for bar in chart.bars], chart.summary
    ([('2020', 100.0), ('2021', 50.0)], 'Theo năm: 2020: 4 bài; 2021: 2 bài.')
    """
    slots = sum(BUCKET_SLOTS if bar.bucket else 1 for bar in bars) or 1
    slot = max(MIN_SLOT, min(MAX_SLOT, (width or slots * MAX_SLOT) / slots))
    gap = max(2.0, slot * 0.2)
    # Undated articles do not set the scale: when they outnumber every dated bar, theirs is drawn cut at full height.
    dated = [bar.count for bar in bars if bar.bucket != "undated"]
    highest = max(dated or [bar.count for bar in bars], default=0) or 1
    plot_top = COUNT_HEIGHT
    plot_bottom = COUNT_HEIGHT + PLOT_HEIGHT
    plain = [bar for bar in bars if not bar.bucket]
    widest = max((len(bar.label) for bar in plain), default=0) * LABEL_CHAR_WIDTH + LABEL_GAP
    every = max(-(-len(plain) // MAX_LABELS), -(-widest // slot) if plain else 1, 1)
    laid, left, index = [], 0.0, 0
    for bar in bars:
        span = slot * (BUCKET_SLOTS if bar.bucket else 1)
        height = round(PLOT_HEIGHT * min(bar.count, highest) / highest, 1)
        laid.append(replace(
            bar, x=round(left + gap / 2, 1), y=round(plot_bottom - height, 1), width=round(span - gap, 1),
            height=height, show_label=bool(bar.bucket) or index % every == 0,
            show_count=bool(bar.count) and span >= MIN_COUNTED_SLOT, cut=bar.count > highest,
        ))
        left += span
        index += not bar.bucket
    laid = _clear_bucket_labels(laid)
    return Chart(title=title, bars=tuple(laid), width=round(left or slot, 1), height=plot_bottom + LABEL_HEIGHT,
                 plot_top=plot_top, plot_bottom=plot_bottom, summary=summarize(title, bars, unit))


def _clear_bucket_labels(bars: list[Bar]) -> list[Bar]:
    """Hide the labels of bars that a neighbouring bucket's wider label would overlap."""
    buckets = [_label_extent(bar) for bar in bars if bar.bucket]
    return [replace(bar, show_label=False) if not bar.bucket and bar.show_label and any(
        start < _label_extent(bar)[1] and _label_extent(bar)[0] < end for start, end in buckets) else bar
        for bar in bars]


def _label_extent(bar: Bar) -> tuple[float, float]:
    half = max(len(line) for line in bar.label_lines) * LABEL_CHAR_WIDTH / 2 + LABEL_GAP / 2
    middle = bar.x + bar.width / 2
    return middle - half, middle + half


def summarize(title: str, bars: list[Bar], unit: str = "bài") -> str:
    """The text alternative, short whatever the span: every bar when there are few, else the bars that have
    articles when they are few, else the span, the peak and the buckets.

    >>> bars = [Bar("Trước 2010", 3, bucket="before")] + [Bar(str(y), y - 2000) for y in range(2010, 2020)]
    >>> summarize("Số bài theo năm", bars)
    'Số bài theo năm, 2010–2019: nhiều nhất 2019 (19 bài); Trước 2010: 3 bài.'
    >>> summarize("Theo tháng", [Bar(f"{m}/2020", int(m % 4 == 1)) for m in range(1, 10)])
    'Theo tháng, 1/2020–9/2020: 1/2020: 1 bài; 5/2020: 1 bài; 9/2020: 1 bài; các tháng khác: 0 bài.'
    """
    if not bars:
        return f"{title}: không có dữ liệu."
    plain = [bar for bar in bars if not bar.bucket]
    if len(plain) <= 6:
        return f"{title}: " + "; ".join(f"{bar.label}: {bar.count} {unit}" for bar in bars) + "."
    counted = [bar for bar in bars if bar.count]
    span = f"{title}, {plain[0].label}–{plain[-1].label}: "
    if len(counted) <= 6:
        other = "các tháng khác" if "/" in plain[0].label else "các năm khác"
        return span + "; ".join(f"{bar.label}: {bar.count} {unit}" for bar in counted) + f"; {other}: 0 {unit}."
    peak = max(plain, key=lambda bar: bar.count)
    parts = [f"nhiều nhất {peak.label} ({peak.count} {unit})"]
    parts += [f"{bar.label}: {bar.count} {unit}" for bar in bars if bar.bucket]
    return span + "; ".join(parts) + "."


def timeline(counts: dict[str, int], undated: int = 0, months: bool = True) -> list[Bar]:
    """Bars for article counts by year (``2020``) or month (``2020-09``): the years where most articles are, month by
    month when they are few enough (and ``months`` allows), and buckets for the rest.

    Keys that are not a year or a month count as undated. Each bar's ``key`` is its year or month; buckets carry
    the first and last day they cover, for a date-range link.

    >>> [(bar.label, bar.count) for bar in timeline({"1012": 1, "2019": 2, "2021": 5}, undated=4)]
    [('Trước 2019', 1), ('2019', 2), ('2020', 0), ('2021', 5), ('Chưa rõ ngày', 4)]
    >>> [bar.label for bar in timeline({"2020-11": 2, "2021-02": 1})]
    ['11/2020', '12/2020', '1/2021', '2/2021']
    """
    dated: dict[str, int] = {}
    for key, count in counts.items():
        if _is_period(key):
            dated[key] = dated.get(key, 0) + count
        else:
            undated += count
    by_year: dict[int, int] = {}
    for key, count in dated.items():
        by_year[int(key[:4])] = by_year.get(int(key[:4]), 0) + count
    bars: list[Bar] = []
    if by_year:
        first, last = _busiest_years(by_year)
        inside = {key: count for key, count in dated.items() if first <= int(key[:4]) <= last}
        before = sum(count for year, count in by_year.items() if year < first)
        after = sum(count for year, count in by_year.items() if year > last)
        month_keys = sorted(key for key in inside if len(key) == 7)
        if months and month_keys and len(month_keys) == len(inside) and _month_span(month_keys) <= MAX_MONTHS:
            start, end = month_keys[0], month_keys[-1]
            bars = [Bar(month_label(key), inside.get(key, 0), key=key) for key in _months(start, end)]
            before += sum(count for key, count in inside.items() if key < start)
            after += sum(count for key, count in inside.items() if key > end)
        else:
            bars = [Bar(str(year), by_year.get(year, 0), key=str(year)) for year in range(first, last + 1)]
        if before:
            bars.insert(0, Bar(f"Trước {bars[0].label}", before, bucket="before",
                               last_day=_day_before(bars[0].key)))
        if after:
            bars.append(Bar(f"Sau {bars[-1].label}", after, bucket="after", first_day=_day_after(bars[-1].key)))
    if undated:
        bars.append(Bar(UNDATED, undated, bucket="undated"))
    return bars


def _is_period(key: str) -> bool:
    return (len(key) == 4 and key.isdigit()) or (
        len(key) == 7 and key[:4].isdigit() and key[4] == "-" and key[5:].isdigit() and 1 <= int(key[5:]) <= 12)


def _busiest_years(by_year: dict[int, int]) -> tuple[int, int]:
    """The first and last year of the run of at most ``MAX_YEARS`` years holding the most articles (the latest
    such run on a tie), trimmed to years that have some.

    >>> _busiest_years({1012: 1, 2015: 4, 2016: 0, 2025: 9})
    (2015, 2025)
    """
    years = sorted(by_year)
    best, best_count = (years[-1], years[-1]), -1
    for start in years:
        window = [year for year in years if start <= year < start + MAX_YEARS]
        count = sum(by_year[year] for year in window)
        if count >= best_count:
            best, best_count = (window[0], window[-1]), count
    held = [year for year in years if best[0] <= year <= best[1] and by_year[year]]
    return (held[0], held[-1]) if held else best


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    keys = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        keys.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _month_span(keys: list[str]) -> int:
    return (int(keys[-1][:4]) - int(keys[0][:4])) * 12 + int(keys[-1][5:7]) - int(keys[0][5:7]) + 1


def _day_before(key: str) -> str:
    """The last day before a year or month: ``2019`` -> ``2018-12-31``, ``2019-03`` -> ``2019-02-28``."""
    first = date(int(key[:4]), int(key[5:7]) if len(key) == 7 else 1, 1)
    return (first - timedelta(days=1)).isoformat()


def _day_after(key: str) -> str:
    """The first day after a year or month: ``2019`` -> ``2020-01-01``, ``2019-12`` -> ``2020-01-01``."""
    year, month = int(key[:4]), int(key[5:7]) if len(key) == 7 else 12
    return f"{year + 1:04d}-01-01" if month == 12 else f"{year:04d}-{month + 1:02d}-01"


def month_label(key: str) -> str:
    """``2020-09`` -> ``9/2020``, the way Vietnamese writes a month.

    >>> month_label("2020-09")
    '9/2020'
    """
    return f"{int(key[5:7])}/{key[:4]}"
