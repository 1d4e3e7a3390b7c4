"""Every request parameter in one place: its type, its limits and the Vietnamese message a bad value gets.

Routes and the CLI hand over what they received as ``(name, value)`` pairs (``request.args.items(multi=True)``, or
the CLI's options) together with the parameters they accept, and get the values back, checked. A request with
several bad parameters hears about all of them: ``read`` raises the first error with the whole list on its
``errors``. Plain Python, no werkzeug, so the CLI checks its input exactly as the API does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from searchsvc.errors import InvalidParameter, SearchError, UnknownParameter
from searchsvc.search.facets import FACETS

MAX_QUERY_LENGTH = 1000
# What a query string of MAX_QUERY_STRING_BYTES can carry in any script: nine bytes a character percent-encoded.
MAX_ANALYZE_LENGTH = 1_800
MAX_PAGE = 1000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
FACET_SEARCH_LIMIT = 20
MAX_FACET_SEARCH_LIMIT = 100
SEARCH_SORTS = ("relevance", "newest", "oldest")
FORMATS = ("json", "csv", "xlsx")
# Filter values: more than staff ever select, few enough that a page of links to them stays small. Past them the
# request is refused before any work (10,000 values once made a 1.7 GB page).
MAX_FILTER_VALUES = 20
MAX_FILTER_VALUES_TOTAL = 40
MAX_FILTER_VALUE_LENGTH = 300
# The whole query string, in bytes as sent (percent-encoded): a 1,000-character Vietnamese query is up to 9,000.
# gunicorn (``searchsvc.web.worker``) and nginx (``deploy/nginx.conf``) refuse a longer request line first.
MAX_QUERY_STRING_BYTES = 16 * 1024
# A query string of thousands of unknown names must not become a response listing thousands of errors.
MAX_REPORTED_ERRORS = 20
DIRECTIVE_SORTS = ("count", "date", "label")
# The places the locality facet filters and counts: the ones an article is about, or every place it names.
LOCALITY_SCOPES = ("about", "all")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
VIETNAMESE_DAY = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")
# What a date field accepts, for an HTML input's ``pattern`` and the OpenAPI document.
DAY_PATTERN = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}"

Pairs = Iterable[tuple[str, str]]


@dataclass(frozen=True)
class Parameter:
    """One parameter: ``convert`` turns the raw text into its value or raises ``ValueError`` for ``message``."""

    name: str
    convert: Callable[[str], object]
    message: str
    default: object = None
    max_values: int = 1

    def value_of(self, raw: str) -> object:
        if raw == "":
            return self.default
        try:
            return self.convert(raw)
        except ValueError:
            raise InvalidParameter(self.message, param=self.name) from None


def _text(limit: int) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        if len(raw) > limit:
            raise ValueError
        return raw
    return convert


def _integer(low: int, high: int) -> Callable[[str], int]:
    def convert(raw: str) -> int:
        # ASCII digits only ("²".isdigit() holds), and no more of them than the bound has: int() of thousands of
        # digits is slow and Python refuses past 4,300.
        if not (raw.isascii() and raw.isdigit()) or len(raw.lstrip("0")) > len(str(high)) or not low <= int(raw) <= high:
            raise ValueError
        return int(raw)
    return convert


def _choice(values: tuple[str, ...]) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        if raw not in values:
            raise ValueError
        return raw
    return convert


def _day(raw: str) -> date:
    """A day as Vietnamese write it, ``dd/mm/yyyy`` (``1/2/2020`` too), or as ISO ``YYYY-MM-DD``.

    >>> _day("01/02/2020"), _day("1/2/2020"), _day("2020-02-01")
    (datetime.date(2020, 2, 1), datetime.date(2020, 2, 1), datetime.date(2020, 2, 1))
    """
    if match := VIETNAMESE_DAY.fullmatch(raw):
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    if not ISO_DAY.fullmatch(raw):  # fromisoformat also reads week dates such as 2020-W01-1
        raise ValueError
    return date.fromisoformat(raw)


def day_text(day: date | str | None) -> str:
    """A day as it is shown everywhere, ``dd/mm/yyyy``, from a date or an ISO string (a timestamp's day); empty for
    none.

    >>> day_text("2020-09-30T08:00:00+07:00"), day_text(date(2020, 2, 1)), day_text(None)
    ('30/09/2020', '01/02/2020', '')
    """
    if not day:
        return ""
    iso = day if isinstance(day, str) else day.isoformat()
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _integer_parameter(name: str, high: int, default: int) -> Parameter:
    return Parameter(name, _integer(1, high), f"«{name}» phải là số nguyên từ 1 đến {high}.", default)


Q = Parameter("q", _text(MAX_QUERY_LENGTH), f"Câu tìm kiếm dài quá {MAX_QUERY_LENGTH} ký tự.", "")
TEXT = Parameter("text", _text(MAX_ANALYZE_LENGTH), f"«text» dài quá {MAX_ANALYZE_LENGTH} ký tự.", "")
PAGE = _integer_parameter("page", MAX_PAGE, 1)
PER_PAGE = _integer_parameter("per_page", MAX_PER_PAGE, DEFAULT_PER_PAGE)
LIMIT = _integer_parameter("limit", MAX_FACET_SEARCH_LIMIT, FACET_SEARCH_LIMIT)
SEARCH_SORT = Parameter("sort", _choice(SEARCH_SORTS), f"«sort» phải là một trong: {', '.join(SEARCH_SORTS)}.")
DIRECTIVE_SORT = Parameter("sort", _choice(DIRECTIVE_SORTS),
                           f"«sort» phải là một trong: {', '.join(DIRECTIVE_SORTS)}.", "count")
DATE_FROM = Parameter("date_from", _day, "«date_from» phải là một ngày có thật, dạng dd/mm/yyyy (hoặc YYYY-MM-DD).")
DATE_TO = Parameter("date_to", _day, "«date_to» phải là một ngày có thật, dạng dd/mm/yyyy (hoặc YYYY-MM-DD).")
LOCALITY_SCOPE = Parameter("locality_scope", _choice(LOCALITY_SCOPES),
                           f"«locality_scope» phải là một trong: {', '.join(LOCALITY_SCOPES)}.", "about")
FORMAT = Parameter("format", _choice(FORMATS), f"«format» phải là một trong: {', '.join(FORMATS)}.", "json")
FACET_FILTERS = tuple(Parameter(name, _text(MAX_FILTER_VALUE_LENGTH),
                                f"Mỗi giá trị của «{name}» dài tối đa {MAX_FILTER_VALUE_LENGTH} ký tự.",
                                max_values=MAX_FILTER_VALUES) for name in FACETS)
SEARCH = (Q, DATE_FROM, DATE_TO, SEARCH_SORT, PAGE, PER_PAGE, LOCALITY_SCOPE, *FACET_FILTERS)


def read(pairs: Pairs, *accepted: Parameter) -> dict[str, object]:
    """The value of every accepted parameter (its default when absent; a tuple for a repeatable one).

    >>> read([("q", "hội nghị"), ("page", "2")], Q, PAGE)
    {'q': 'hội nghị', 'page': 2}
    >>> read([("page", "0")], Q, PAGE)
    Traceback (most recent call last):
    searchsvc.errors.InvalidParameter: «page» phải là số nguyên từ 1 đến 1000.
    >>> try:
    ...     read([("page", "0"), ("x", "1")], Q, PAGE)
    ... except SearchError as error:
    ...     print([(e.code, e.param) for e in error.errors])
    [('unknown_parameter', 'x'), ('invalid_parameter', 'page')]
    """
    by_name = {parameter.name: parameter for parameter in accepted}
    raw: dict[str, list[str]] = {}
    errors: list[SearchError] = []
    for name, value in pairs:
        if name not in by_name:
            if name not in raw:
                errors.append(UnknownParameter(f"Tham số không được hỗ trợ: «{name}».", param=name))
            raw.setdefault(name, [])
            continue
        raw.setdefault(name, []).append(value)
    values: dict[str, object] = {}
    repeated = [name for name, parameter in by_name.items() if parameter.max_values > 1 and raw.get(name)]
    for name, parameter in by_name.items():
        given = raw.get(name, [])
        if parameter.max_values > 1:
            if len(given) > parameter.max_values:
                errors.append(InvalidParameter(f"«{name}» có nhiều nhất {parameter.max_values} giá trị.", param=name))
                continue
        elif len(given) > 1:
            errors.append(InvalidParameter(f"Tham số «{name}» chỉ được có một giá trị.", param=name))
            continue
        try:
            if parameter.max_values > 1:
                values[name] = tuple(parameter.value_of(value) for value in given if value)
            else:
                values[name] = parameter.value_of(given[0]) if given else parameter.default
        except InvalidParameter as error:
            errors.append(error)
    if sum(len(raw[name]) for name in repeated) > MAX_FILTER_VALUES_TOTAL:
        errors.append(InvalidParameter(f"Các bộ lọc có tổng cộng nhiều nhất {MAX_FILTER_VALUES_TOTAL} giá trị.",
                                       param=repeated[0]))
    if errors:
        raise reported_together(errors)
    return values


def reported_together(errors: list[SearchError]) -> SearchError:
    """The first error, carrying all of them when there are several: the API answers it as ``error`` and lists
    them all as ``errors``."""
    first = errors[0]
    if len(errors) > 1:
        first.errors = errors[:MAX_REPORTED_ERRORS]
    return first
