"""Find the date of the event an article reports, from its first sentences, when no metadata gives one.

Vietnamese news dates the event in the lead (``Chiều ngày 30/9/2020``, ``Sáng 22.4``). Other dates there are
traps: a cited document's date (``Chỉ thị số 05, ngày 28/01/2020``) and an anniversary span
(``30.4.1975 - 30.4.2025``). No date-parsing library reads Vietnamese running text with day-first numeric forms and
yearless ``sáng 22.4``, so candidates are found with one regular expression and validated by ``datetime.date``.

A yearless lead date takes its year from the article only when the article pins it down, because a wrong date is
worse than none: a full date within a month of it (``Chiều 23/6`` … ``ngày 21/6/2017``), else its month with a
year (``tháng 6/2017``), else the one plain year of the title and lead (``năm 2017``; targets such as ``đến năm
2020`` left out). An article that names other years only (a trial in 2017 of a crime of 2014) stays undated. A date
is only used when it is plausible: not before 1945, not after today, and not far from every other date of the
article (a typo such as ``1012``, or a historical date in the lead of a report from 2017).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from searchsvc.text.normalize import nfc

# The lead: the event date sits in the first sentences, and later dates are usually of other things.
LEAD_SENTENCES = 3
LEAD_CHARS = 600
DATE = re.compile(
    r"(?<![\d/.\-])(?:"
    r"(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?:(?P=sep)(?P<year>\d{4}))?"
    r"|(?P<day2>\d{1,2})\s+tháng\s+(?P<month2>\d{1,2})(?:\s+năm\s+(?P<year2>\d{4}))?"
    r")(?![\d/.\-]\d|\s*[/.]\s*\d)",
    re.IGNORECASE,
)
# A yearless "22.4" is a date only after a word that introduces one ("sáng 22.4", "ngày 30/9"); else it is a number.
TIME_WORD = re.compile(r"(?:sáng|chiều|tối|trưa|đêm|ngày|hôm|khuya|từ|đến)(?:\s+(?:nay|qua|mai))?\s*$", re.IGNORECASE)
DOCUMENT_TYPES = ("chỉ thị|quyết định|nghị quyết|nghị định|thông tư|công văn|kế hoạch|kết luận|thông báo|tờ trình|"
                  "hướng dẫn|luật|chương trình")
# A document citation right before the date, or a birth: "Chỉ thị số 05, ngày", "sinh ngày".
DOCUMENT = re.compile(
    rf"(?:\bsố\s*\d[\w/\-]*|\b\d+/[A-ZĐ][\wĐđ\-]*|{DOCUMENT_TYPES}|\bsinh|\bSN)[^.;:\n\d]{{0,25}}$",
    re.IGNORECASE,
)
# "Ngày 17.2.2025, Ban Thường vụ Tỉnh ủy đã ban hành Chương trình …": the date of the document, not of the story.
ISSUED_AFTER = re.compile(rf"[^.;\n]{{0,80}}?\b(?:ban hành|ký)\s+(?:{DOCUMENT_TYPES})", re.IGNORECASE)
RANGE_JOIN = re.compile(r"^\s*[-–—]\s*$|^\s*(?:đến|tới)\s+(?:ngày\s+)?$", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÀ-ỸĐ\"“(])|\n")
# Full dates anywhere in an article, and months or quarters of a year: what a yearless lead date is compared with.
# Found from the year backwards (a year is rare, and finding it first is several times faster than the date).
YEAR = re.compile(r"(?:19|20)\d\d(?!\d)")
DAY_MONTH_BEFORE_YEAR = re.compile(
    r"(?:(?P<day>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*"
    r"|(?P<day2>\d{1,2})\s+tháng\s+(?P<month2>\d{1,2})\s+năm\s+"
    r"|(?:[Tt]háng\s+(?P<month3>\d{1,2})|[Qq]uý\s+(?:\d{1,2}|[IV]{1,3}))\s*[/.\-]\s*)$"
)
# "năm 2017" names the year of the story, unless it is a target ("đến năm 2030"), a span ("năm 2021 - 2025") or a
# birth ("sinh năm 1993").
PLAIN_YEAR = re.compile(r"(?<!đến )(?<!tới )(?<!Đến )(?<!sinh )(?i:năm)\s+(?P<year>(?:19|20)\d\d)(?!\d)(?!\s*[-–])")
EARLIEST_YEAR = 1945
LEAP_YEAR = 2000  # a stand-in year that accepts 29/2, to ask whether the lead holds any date
# How many years a date may lie from the nearest other date of the article.
MAX_YEARS_APART = 3
# How many days a full date of the article may lie from a yearless lead date and still give it its year.
MAX_DAYS_APART = 31


@dataclass(frozen=True)
class Candidate:
    value: date | None  # None: a yearless date and no year to complete it
    start: int
    end: int
    in_range: bool = False


class DayMonth(NamedTuple):
    """A date as written in the lead, before a year is chosen for it: ``year`` is None when the text omits it."""

    day: int
    month: int
    year: int | None
    start: int
    end: int


def extract_date(text: str, context_year: int | None = None) -> date | None:
    """Return the event date of the lead, or ``None`` when it names none (or no year can be trusted).

    >>> extract_date("Chiều ngày 30/9/2020, Khối Khoa giáo huyện Tịnh Biên tổ chức Hội nghị")
    datetime.date(2020, 9, 30)
    >>> extract_date("(BĐ) - Sáng 22.4, Tỉnh ủy họp", context_year=2025), extract_date("Sáng 22.4, Tỉnh ủy họp")
    (datetime.date(2025, 4, 22), None)
    """
    lead = _lead(nfc(text or ""))
    return _event_date(_day_months(lead), lead, context_year)


def _event_date(written: list[DayMonth], lead: str, context_year: int | None) -> date | None:
    """The lead's event date among its written dates, a yearless one taking ``context_year``."""
    candidates = _mark_ranges(list(_candidates(written, context_year)), lead)
    plain = [candidate for candidate in candidates if not candidate.in_range]
    if plain:
        return plain[0].value
    return candidates[-1].value if candidates else None


def article_date(title: str, body: str, today: date) -> tuple[date | None, str | None]:
    """The date an article reports, from its lead, and where it came from: ``"text"`` when the lead gives the year,
    ``"text+year"`` when the year comes from the rest of the article; ``(None, None)`` when nothing is trustworthy.

    >>> article_date("Hội nghị", "Chiều 23/6, huyện họp. Trước đó, ngày 21/6/2017, ...", date(2026, 1, 1))
    (datetime.date(2017, 6, 23), 'text+year')
    >>> article_date("Lễ hội", "Ngày 5/2/1012 (âm lịch), ... tối 3/2/2017 khai mạc; ngày 4/2/2017 ...", date(2026, 1, 1))
    (None, None)
    """
    body = nfc(body or "")
    lead = body[:LEAD_CHARS]
    lead_sentences = _lead(nfc(lead))
    written = _day_months(lead_sentences)  # read once, then dated with each year tried
    found, source = _event_date(written, lead_sentences, None), "text"
    day_month = found or _event_date(written, lead_sentences, LEAP_YEAR)
    if day_month is None:
        return None, None  # no date in the lead at all: the rest of the article need not be read
    mentions = [mention for mention in _full_dates(body) if EARLIEST_YEAR <= mention.year <= today.year]
    years = [mention.year for mention in mentions]
    if found is None:
        year = _year_of(day_month, mentions, f"{nfc(title or '')}\n{_lead(lead)}", today)
        found, source = (_event_date(written, lead_sentences, year) if year else None), "text+year"
    # A lead date written with its year is among the article's full dates: it is compared with the others.
    others = list(years)
    if source == "text" and found is not None and found.year in others:
        others.remove(found.year)
    if found is None or not plausible(found, others, today):
        return None, None
    return found, source


def plausible(value: date, years: list[int], today: date) -> bool:
    """Not before 1945, not after ``today``, and near at least one of the ``years`` of the article's other dates."""
    if not (EARLIEST_YEAR <= value.year and value <= today):
        return False
    return not years or min(abs(year - value.year) for year in years) <= MAX_YEARS_APART


class DateMention(NamedTuple):
    """A date the article gives with its year: a day (``21/6/2017``), or a month (``tháng 3/2017``, no ``day``)."""

    year: int
    month: int | None = None
    day: int | None = None


def _full_dates(text: str) -> list[DateMention]:
    """The full dates an article gives (``21/6/2017``, ``tháng 3/2017``), cited documents' dates left out."""
    mentions = []
    for match in YEAR.finditer(text):
        start = match.start()
        if start and text[start - 1].isdigit():
            continue
        day_month = DAY_MONTH_BEFORE_YEAR.search(text, max(0, start - 24), start)
        if day_month and not DOCUMENT.search(text, max(0, day_month.start() - 60), day_month.start()):
            day = day_month["day"] or day_month["day2"]
            month = day_month["month"] or day_month["month2"] or day_month["month3"]
            mentions.append(DateMention(int(match.group()), month and int(month), day and int(day)))
    return mentions


def _year_of(day_month: date, mentions: list[DateMention], text: str, today: date) -> int | None:
    """The year of a yearless lead date, when the article pins it down (see the module's docstring), else ``None``.

    >>> _year_of(date(2000, 6, 23), [DateMention(2017, 6, 21), DateMention(2014, 4, 2)], "", date(2026, 1, 1))
    2017
    >>> _year_of(date(2000, 7, 7), [DateMention(2014, 10, 24)], "", date(2026, 1, 1)) is None
    True
    """
    near = []
    for mention in mentions:
        if mention.day is None:
            continue
        try:
            gap = abs((date(mention.year, day_month.month, day_month.day) - date(mention.year, mention.month,
                                                                                   mention.day)).days)
        except ValueError:
            continue
        if gap <= MAX_DAYS_APART:
            near.append((gap, -mention.year))
    if near:
        return -min(near)[1]
    months = {mention.year for mention in mentions if mention.day is None and mention.month == day_month.month}
    if len(months) == 1:
        return months.pop()
    plain = {int(match["year"]) for match in PLAIN_YEAR.finditer(text)} & set(range(EARLIEST_YEAR, today.year + 1))
    return plain.pop() if len(plain) == 1 else None


def _lead(text: str) -> str:
    ends = [match.end() for match in SENTENCE_END.finditer(text, 0, LEAD_CHARS)]
    return text[: ends[LEAD_SENTENCES - 1]] if len(ends) >= LEAD_SENTENCES else text[:LEAD_CHARS]


def _day_months(lead: str) -> list[DayMonth]:
    """The dates written in the lead that may be the event's: not a cited document's, and a yearless one only after
    a word that introduces a date."""
    written = []
    for match in DATE.finditer(lead):
        year_text = match.group("year") or match.group("year2")
        start = match.start()
        if DOCUMENT.search(lead, max(0, start - 60), start) or ISSUED_AFTER.match(lead, match.end()):
            continue
        if year_text is None and not TIME_WORD.search(lead, max(0, start - 20), start):
            continue
        written.append(DayMonth(int(match.group("day") or match.group("day2")),
                                int(match.group("month") or match.group("month2")),
                                int(year_text) if year_text else None, start, match.end()))
    return written


def _candidates(written: list[DayMonth], context_year: int | None):
    for day, month, written_year, start, end in written:
        year = written_year if written_year is not None else context_year
        if year is None:
            yield Candidate(None, start, end)
            continue
        try:
            yield Candidate(date(year, month, day), start, end)
        except ValueError:
            continue


def _mark_ranges(candidates: list[Candidate], lead: str) -> list[Candidate]:
    """Flag both ends of ``A - B`` spans: an anniversary or a period, not the day of the event."""
    flagged = set()
    for left, right in zip(candidates, candidates[1:]):
        if RANGE_JOIN.match(lead[left.end:right.start]):
            flagged.update({left.start, right.start})
    return [
        Candidate(candidate.value, candidate.start, candidate.end, candidate.start in flagged)
        for candidate in candidates
    ]
