"""What each HTML page shows, as plain data for its template: search-layer results plus the links between pages.

Every link is built here from the route table (``link`` over ``url_for``) and the request's own parameters
(``pairs``), so a facet link toggles one value and keeps the rest, and the templates only print. Text is never
marked safe here except the search layer's ``title_html``/``snippet``, which ``snippets.highlight`` escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from flask import url_for

from searchsvc.search import catalog, params
from searchsvc.search.catalog import directive_label
from searchsvc.web.charts import Bar, bar_chart, timeline
from searchsvc.errors import InvalidParameter
from searchsvc.search.export import MAX_EXPORT_ROWS
from searchsvc.search.facets import FACETS
from searchsvc.search.filters import value_label
from searchsvc.search.postings import IndexView
from searchsvc.search.query import parse_query
from searchsvc.search.reports import directive_report
from searchsvc.index.schema import author_value
from searchsvc.search.service import SearchRequest, search
from searchsvc.search.snippets import highlight
from searchsvc.search.spelling import has_suspect_pair, suggest_spelling

Pairs = list[tuple[str, str]]

FACET_TITLES = {"date": "Thời gian", "locality": "Địa phương", "author": "Tác giả", "directive": "Văn bản"}
SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}
DIRECTIVE_SORTS = {"count": "Nhiều bài nhất", "date": "Năm ban hành mới nhất", "label": "Tên văn bản (A–Z)"}
DIRECTIVES_PER_PAGE = 50
CITING_PER_PAGE = 20
PAGE_WINDOW = 2
# The page sizes offered on the search page (the API takes any size up to params.MAX_PER_PAGE).
PAGE_SIZES = (10, 20, 50, 100)
TIMELINE_WIDTH = 640


# --- links: every one from the route table -----------------------------------------------------------------------

def link(endpoint: str, pairs: Pairs = (), **path_values) -> str:
    """The URL of the route ``endpoint`` (``url_for``), with ``pairs`` as its query string, empty values left out."""
    query: dict[str, list[str]] = {}
    for name, value in pairs:
        if value != "":
            query.setdefault(name, []).append(value)
    return url_for(endpoint, **path_values, **query)


def search_url(pairs: Pairs, endpoint: str = "web.index") -> str:
    return link(endpoint, pairs)


def article_path(article_id: str, pairs: Pairs = ()) -> str:
    return link("web.article", pairs, article_id=article_id)


def directive_path(directive_id: str, pairs: Pairs = ()) -> str:
    return link("web.directive", pairs, directive_id=directive_id)


def safe_link(url: str | None) -> str | None:
    """Only web links leave the page: a stored ``javascript:`` URL must not become clickable."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _without(pairs: Pairs, *names: str) -> Pairs:
    return [pair for pair in pairs if pair[0] not in names]


def _toggle(pairs: Pairs, facet: str, value: str) -> str:
    """The search with ``value`` of ``facet`` selected, or unselected if it was; back to page 1."""
    pairs = _without(pairs, "page")
    if (facet, value) in pairs:
        return search_url([pair for pair in pairs if pair != (facet, value)])
    return search_url(pairs + [(facet, value)])


def _add(pairs: Pairs, facet: str, value: str) -> str:
    """The search with ``value`` of ``facet`` selected (kept if it already was); back to page 1."""
    pairs = _without(pairs, "page")
    return search_url(pairs if (facet, value) in pairs else pairs + [(facet, value)])


def pagination(page: int, pages: int, page_url: Callable[[int], str]) -> dict | None:
    """Previous and next, the first and last page, and the pages around this one; None when one page holds all."""
    if pages <= 1 and page <= 1:
        return None
    numbers = sorted({1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)} - {0})
    items, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            items.append({"gap": True})
        items.append({"number": number, "url": page_url(number), "current": number == page})
        previous = number
    return {
        "previous": page_url(page - 1) if page > 1 else None,
        "next": page_url(page + 1) if page < pages else None,
        "items": items,
        "page": page,
        "pages": pages,
    }


def _page_pairs(pairs: Pairs, number: int) -> Pairs:
    """``pairs`` for page ``number``: page 1 is the address without ``page``."""
    return _without(pairs, "page") + ([("page", str(number))] if number > 1 else [])


# --- the search page -------------------------------------------------------------------------------------------

def search_page(view: IndexView, pairs: Pairs, freshness: float = 0.0) -> dict:
    """Everything the search page shows for the request parameters ``pairs`` (``freshness``: the operator's
    setting)."""
    result = search(view, SearchRequest.from_pairs(pairs, freshness))
    search_request = result.request
    pairs = _resolved(pairs, search_request)
    table = view.facet_table("directive")
    years = {value: meta.get("year") for value, meta in zip(table.values, table.meta)}
    facets = [_facet(name, result, pairs, years) for name in FACETS]
    suggestions = [{**item, "url": _add(pairs, item["facet"], item["value"]),
                    "label": directive_label(item["label"], years.get(item["value"])) if item["facet"] == "directive"
                    else item["label"]} for item in result.suggestions]
    chips = _chips(view, pairs)
    return {
        "request_": search_request,
        "result": result,
        "hits": [_hit(hit, pairs, pairs) for hit in result.hits],
        "facets": facets,
        "chips": chips,
        "clear_url": search_url([pair for pair in pairs if pair[0] in ("q", "sort", "per_page")]),
        "suggestions": suggestions,
        "also_read_as": _also_read_as(result.reading, pairs),
        "did_you_mean": None if result.reading else _did_you_mean(view, search_request.q, pairs, result.total),
        "pages": pagination(search_request.page, result.pages,
                            lambda number: search_url(_page_pairs(pairs, number))),
        # The search box keeps filters, range, order and page size; a new search starts again at page 1.
        "hidden": [pair for pair in pairs if pair[0] not in ("q", "page")],
        "sort_hidden": [pair for pair in pairs if pair[0] not in ("sort", "per_page", "page")],
        "page_sizes": [{"value": size, "selected": size == search_request.per_page}
                       for size in sorted({*PAGE_SIZES, search_request.per_page})],
        "title_parts": _title_parts(search_request, chips),
        "today": params.day_text(date.today()),
        "range_hidden": [pair for pair in pairs if pair[0] not in ("date_from", "date_to", "page")],
        "sorts": [{"value": value, "label": label, "selected": value == search_request.effective_sort}
                  for value, label in SORT_LABELS.items() if value != "relevance" or search_request.q.strip()],
        "json_url": search_url(pairs, "web.api_search"),
        "feed_url": search_url(_without(pairs, "page", "sort", "per_page"), "web.feed"),
        "downloads": _downloads(lambda fmt: search_url(_without(pairs, "page", "per_page") + [("format", fmt)],
                                                       "web.api_search"), result.total),
        "first_number": (search_request.page - 1) * search_request.per_page + 1,
        "day_pattern": params.DAY_PATTERN,
    }


def _title_parts(search_request: SearchRequest, chips: list[dict]) -> list[str]:
    """What the page's ``<title>`` says before the site name, so history and bookmarks tell searches apart."""
    parts = [f"«{search_request.q.strip()}»"] if search_request.q.strip() else []
    parts += [f"{chip['title']}: {chip['label']}" for chip in chips]
    return parts + ([f"trang {search_request.page}"] if search_request.page > 1 else [])


def _resolved(pairs: Pairs, request: SearchRequest) -> Pairs:
    """``pairs`` without empty values, each filter value as the search resolved it (``An Giang`` -> ``89``) and
    each day in ISO form (``01/02/2020`` -> ``2020-02-01``), so links and chips speak one language."""
    resolved = {name: iter(values) for name, values in request.filters.items()}
    days = {"date_from": request.date_from, "date_to": request.date_to}
    return [(name, next(resolved[name]) if name in resolved else days[name].isoformat() if name in days else value)
            for name, value in pairs if value != ""]


def _downloads(url_of: Callable[[str], str], total: int) -> dict | None:
    """The export links of a list of articles, and whether the cap cuts it."""
    if not total:
        return None
    return {"csv": url_of("csv"), "xlsx": url_of("xlsx"), "limit": MAX_EXPORT_ROWS, "cut": total > MAX_EXPORT_ROWS}


def _hit(hit, pairs: Pairs, context: Pairs) -> dict:
    """One result; its article link carries ``context``, the search it was found by, for the way back."""
    seen, links = set(), []
    for place in _places_about(hit.localities):
        value = _place_value(place)
        key = value or place.get("name")
        if key in seen:
            continue
        seen.add(key)
        links.append({"label": place.get("name") or "", "url": _add(pairs, "locality", value) if value else None})
    return {
        "id": hit.id,
        "title_html": hit.title_html,
        "snippet": hit.snippet,
        "missing_words": hit.missing_words,
        "similar": [{"title": repeat["title"], "url": article_path(repeat["id"], context)} for repeat in hit.similar],
        "url": article_path(hit.id, context),
        "source": safe_link(hit.url),
        "published": hit.published,
        "date_label": params.day_text(hit.published),
        "places": links,
        "authors": [{"label": name, "url": _add(pairs, "author", author_value(name))} for name in hit.authors],
        "directives": [{"label": directive_label(d["label"], d.get("year")), "url": _add(pairs, "directive", d["id"]),
                        "page": directive_path(d["id"])} for d in hit.directives],
    }


def _places_about(localities: list[dict]) -> list[dict]:
    """The places an article is about; those it only mentions (often in a name) are left out when there are any."""
    return [place for place in localities if place.get("role") == "main"] or localities


def _place_value(place: dict) -> str | None:
    """The locality filter value of a place: provinces and districts are facet values; a commune has none."""
    return place.get("code") if place.get("level") in (1, 2) else None


def _facet(name: str, result, pairs: Pairs, years: dict) -> dict:
    """One sidebar section: top-level values with their children (months of a year, districts of a province)."""
    values = [{**value.to_dict(), "url": _toggle(pairs, name, value.value), "children": []}
              for value in result.facets[name]]
    if name == "directive":
        for value in values:
            value["label"] = directive_label(value["label"], years.get(value["value"]))
    by_value = {value["value"]: value for value in values}
    top = []
    for value in values:
        parent = by_value.get(value.get("parent"))
        (parent["children"] if parent else top).append(value)
    if name == "date":
        top.sort(key=lambda value: value["value"], reverse=True)
        for value in top:
            value["children"].sort(key=lambda child: child["value"])
    facet = {"name": name, "title": FACET_TITLES[name], "values": top, "truncated": result.truncated[name],
             "selected": any(value["selected"] for value in values)}
    if name == "date":
        facet["charts"] = _date_charts(top, result.undated, pairs)
    if name == "locality":
        every = result.request.locality_scope == "all"
        facet["scope"] = {"label": "Chỉ nơi bài viết nói về" if every else "Gồm cả nơi chỉ được nhắc đến",
                          "url": search_url(_without(pairs, "page", "locality_scope")
                                            + ([] if every else [("locality_scope", "all")]))}
    return facet


def _date_charts(years: list[dict], undated: int, pairs: Pairs) -> list:
    """Articles by year over the years where most are, outliers and undated ones in buckets; then by month for
    each selected year."""
    charts = []
    if years or undated:
        by_value = {value["value"]: value for value in years}
        bars = [_linked(bar, pairs, lambda key: (by_value[key]["url"], by_value[key]["selected"]))
                for bar in timeline({value["value"]: value["count"] for value in years}, undated, months=False)]
        charts.append(bar_chart("Số bài theo năm", bars, width=240))
    for year in years:
        if not year["selected"]:
            continue
        months = {child["value"]: child for child in year["children"]}
        bars = []
        for month in range(1, 13):
            child = months.get(f"{year['value']}-{month:02d}")
            bars.append(Bar(str(month), child["count"] if child else 0, child["url"] if child and child["count"] else None,
                            bool(child and child["selected"])))
        charts.append(bar_chart(f"Năm {year['value']} theo tháng", bars, width=240))
    return charts


def _linked(bar: Bar, pairs: Pairs, period_link: Callable[[str], tuple[str, bool] | None]) -> Bar:
    """A timeline bar with its link: ``period_link(key)`` for a year or month (its URL and whether it is
    selected), a date range for a bucket (other date filters dropped), none for undated articles or an empty bar."""
    if not bar.count:
        return bar
    if bar.key and (linked := period_link(bar.key)):
        return replace(bar, url=linked[0], selected=linked[1])
    if bar.bucket in ("before", "after"):
        kept = _without(pairs, "page", "date", "date_from", "date_to")
        return replace(bar, url=search_url(kept + [("date_from", bar.first_day), ("date_to", bar.last_day)]))
    return bar


def _chips(view: IndexView, pairs: Pairs) -> list[dict]:
    """Each selected filter with the link that removes it (back to the search page, from any page)."""
    chips = []
    for name, value in pairs:
        if name in FACETS:
            chips.append({"title": FACET_TITLES[name], "label": value_label(view, name, value),
                          "url": search_url([pair for pair in _without(pairs, "page") if pair != (name, value)])})
        elif name in ("date_from", "date_to"):
            chips.append({"title": "Từ ngày" if name == "date_from" else "Đến ngày", "label": params.day_text(value),
                          "url": search_url(_without(pairs, "page", name))})
    return chips


def _also_read_as(reading: str | None, pairs: Pairs) -> dict | None:
    """The corrected reading whose articles the results include after those holding the words as typed."""
    if reading is None:
        return None
    return {"q": reading, "url": search_url([("q", reading)] + _without(pairs, "q", "page"))}


def _did_you_mean(view: IndexView, q: str, pairs: Pairs, total: int) -> dict | None:
    """The query as the corpus spells it; only asked when a word came without marks, nothing matched, or two
    neighbouring words stand together nowhere (a typo: ``nông thông mới``)."""
    query = parse_query(q)
    if query.is_empty or (total and all(word.marked for word in query.words) and not has_suspect_pair(view, q)):
        return None
    spelled = suggest_spelling(view, q)
    if spelled is None:
        return None
    return {"q": spelled, "url": search_url([("q", spelled)] + _without(pairs, "q", "page"))}


# --- the article page ------------------------------------------------------------------------------------------

def article_page(view: IndexView, article_id: str, pairs: Pairs) -> dict:
    """The article with the searched words marked, the way back to the results it was opened from (``pairs``, the
    search's parameters: query, filters, order, page), and links to the searches and directive pages it leads to."""
    article = catalog.get_article(view, article_id)
    pairs = [(name, value) for name, value in pairs if value != ""]
    q = dict(pairs).get("q", "")
    query = parse_query(q)
    localities = article.get("localities", [])
    places = []
    for place in _places_about(localities):
        value = _place_value(place)
        places.append({"label": place.get("name") or "", "kind": place.get("type") or "",
                       "province": place.get("province") if place.get("level") != 1 else None,
                       "url": search_url([("locality", value)]) if value else None,
                       "main": place.get("role") == "main"})
    return {
        "article": article,
        "title_html": highlight(article["title"], query),
        "paragraphs": [highlight(line, query) for line in article["body"].split("\n") if line.strip()],
        "date_label": params.day_text(article.get("published")),
        "places": places,
        "authors": [{"label": name, "url": search_url([("author", author_value(name))])}
                    for name in article.get("authors", [])],
        "directives": [{**d, "label": directive_label(d["label"], d.get("year")), "url": directive_path(d["id"])}
                       for d in article.get("directives", [])],
        "source": safe_link(article.get("url")),
        "back_url": search_url(pairs) if pairs else None,
        "q": q,
        "chips": _chips(view, pairs),
        "page": dict(pairs).get("page"),
        "today": params.day_text(date.today()),
        "json_url": link("web.api_article", article_id=article_id),
    }


# --- the directive pages ---------------------------------------------------------------------------------------

def directive_page(view: IndexView, directive_id: str, page: int) -> dict:
    """One directive for staff: identity, how many cite it, when (by month) and where, and the citing articles."""
    report = directive_report(view, directive_id)
    filter_pair = [("directive", directive_id)]
    months = {item["value"]: item["count"] for item in report["by_month"]}
    bars = [_linked(bar, filter_pair, lambda key: (search_url(filter_pair + [("date", key)]), False))
            for bar in timeline(months, report["undated"])]
    result = search(view, SearchRequest(filters={"directive": (directive_id,)}, sort="newest", page=page,
                                        per_page=CITING_PER_PAGE))
    districts: dict[str, list] = {}
    for item in report["by_district"]:
        districts.setdefault(item["parent"], []).append(
            {**item, "url": search_url(filter_pair + [("locality", item["value"])])})
    provinces = [{**item, "url": search_url(filter_pair + [("locality", item["value"])]),
                  "districts": districts.get(item["value"], [])} for item in report["by_province"]]
    pages = pagination(page, result.pages, lambda number: directive_path(directive_id, _page_pairs([], number)))
    return {
        "directive": report,
        "title": directive_label(report["label"], report.get("year")),
        "timeline": bar_chart("Số bài trích dẫn theo thời gian", bars, width=TIMELINE_WIDTH) if bars else None,
        "provinces": provinces,
        "hits": [_hit(hit, filter_pair, []) for hit in result.hits],
        "total": result.total,
        "first_number": (page - 1) * CITING_PER_PAGE + 1,
        "pages": pages,
        "search_url": search_url(filter_pair),
        "feed_url": search_url(filter_pair, "web.feed"),
        "json_url": link("web.api_directive", directive_id=directive_id),
        "downloads": _downloads(lambda fmt: link("web.api_directive", [("format", fmt)], directive_id=directive_id),
                                result.total),
    }


def directives_page(view: IndexView, q: str, sort: str, page: int) -> dict:
    """Every cited directive, those matching ``q`` (any spelling staff use), in the chosen order, one page of them."""
    directives = catalog.list_directives(view)
    if q.strip():
        matching = {value.value for value in catalog.search_facet(view, "directive", q, len(directives) or 1)[0]}
        directives = [d for d in directives if d["id"] in matching]
    if sort == "date":
        directives.sort(key=lambda d: (d["year"] is None, -(d["year"] or 0), -d["count"], d["label"]))
    elif sort == "label":
        directives.sort(key=lambda d: (d["type"] or "", int(d["number"]) if (d["number"] or "").isdigit() else 0,
                                       d["label"], d["id"]))
    pages = max(1, -(-len(directives) // DIRECTIVES_PER_PAGE))
    if page > pages:
        raise InvalidParameter(f"«page» phải là số nguyên từ 1 đến {pages}.", param="page")
    shown = directives[(page - 1) * DIRECTIVES_PER_PAGE: page * DIRECTIVES_PER_PAGE]
    pairs = [pair for pair in [("q", q), ("sort", sort if sort != "count" else "")] if pair[1]]
    return {
        "q": q,
        "sort": sort,
        "sorts": [{"value": value, "label": label, "selected": value == sort} for value, label in DIRECTIVE_SORTS.items()],
        "total": len(directives),
        "directives": [{**d, "url": directive_path(d["id"]), "search_url": search_url([("directive", d["id"])])}
                       for d in shown],
        "pages": pagination(page, pages, lambda number: search_url(_page_pairs(pairs, number), "web.directives")),
        "json": {"total": len(directives), "directives": directives},
        "json_url": link("web.api_directives"),
    }

