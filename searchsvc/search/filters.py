"""Filter values as people give them, resolved to the index's own: a place by code or by name in any spelling
(``An Giang``, ``an giang``, ``tỉnh An Giang``, ``Châu Thành, An Giang``), an author by name, a directive in any
form staff type (``05/CT-TTg``, ``CT 05``, ``chỉ thị 05``), a month as ``9/2020``. A value that names nothing in
the index, or several things, is an ``InvalidParameter`` naming the value and the parameter, in Vietnamese; every
bad value of a request is reported together.
"""

from __future__ import annotations

import re
from dataclasses import replace

from searchsvc.errors import InvalidParameter, SearchError
from searchsvc.index.schema import author_value
from searchsvc.search.catalog import directive_label
from searchsvc.search.directives import directive_from_facet, parse_directive_query
from searchsvc.search.params import reported_together
from searchsvc.search.postings import FacetTable, IndexView
from searchsvc.text.normalize import fold_text

# Unit type words a place name may be typed with, folded, longest first.
PLACE_TYPES = ("thanh pho", "thi tran", "thi xa", "phuong", "huyen", "quan", "tinh", "tp.", "tp", "xa")
PLACE_WITHIN = re.compile(r"\s*(?P<name>[^,(]+?)\s*(?:,\s*(?P<comma>.+?)|\(\s*(?P<bracket>[^)]+?)\s*\))\s*")
MONTH = re.compile(r"(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})|(?P<year2>\d{4})-(?P<month2>\d{1,2})")
# At most this many candidates are named when a value fits several.
NAMED_CANDIDATES = 5
WHAT = {"locality": "địa phương", "author": "tác giả", "directive": "văn bản", "date": "năm hoặc tháng"}


def resolve_request(view: IndexView, request):
    """``request`` (a ``SearchRequest``) with each filter value replaced by the index value it names, in order."""
    filters, errors = {}, []
    for name, values in request.filters.items():
        resolved = []
        for value in values:
            try:
                resolved.append(resolve_value(view, name, value))
            except SearchError as error:
                errors.append(error)
        filters[name] = tuple(resolved)
    if errors:
        raise reported_together(errors)
    return request if filters == request.filters else replace(request, filters=filters)


def resolve_value(view: IndexView, facet: str, value: str) -> str:
    """The value of ``facet`` that ``value`` names; ``InvalidParameter`` when it names none, or several."""
    tables = [view.facet_table(field) for field in _fields(facet)]
    if any(value in table.position for table in tables):
        return value
    if facet == "date":
        found = [_month(value)]
    elif facet == "author":
        found = [author_value(value)]
    elif facet == "directive":
        found = _directives(tables[0], value)
    else:
        found = _places(tables, value)
    found = list(dict.fromkeys(key for key in found if key and any(key in table.position for table in tables)))
    if len(found) == 1:
        return found[0]
    if not found:
        raise InvalidParameter(f"Không có {WHAT[facet]} «{value}» trong chỉ mục (tham số «{facet}»).", param=facet)
    named = "; ".join(f"{value_label(view, facet, key, with_parent=True)} ({key})" for key in found[:NAMED_CANDIDATES])
    more = f" và {len(found) - NAMED_CANDIDATES} giá trị khác" if len(found) > NAMED_CANDIDATES else ""
    raise InvalidParameter(f"«{value}» (tham số «{facet}») có thể là: {named}{more}. Hãy dùng mã trong ngoặc.",
                           param=facet)


def _fields(facet: str) -> list[str]:
    """The index fields a facet's values live in: places any article names count as well as those it is about."""
    return [facet, "locality_all"] if facet == "locality" else [facet]


def _month(value: str) -> str | None:
    """``9/2020`` or ``2020-9`` -> ``2020-09``.

    >>> _month("9/2020"), _month("2020-9"), _month("x")
    ('2020-09', '2020-09', None)
    """
    match = MONTH.fullmatch(value.strip())
    if not match:
        return None
    month, year = (match["month"], match["year"]) if match["month"] else (match["month2"], match["year2"])
    return f"{year}-{int(month):02d}"


def _directives(table: FacetTable, typed: str) -> list[str]:
    """The documents a reference in any spelling can mean; a label typed in full is its document."""
    query = parse_directive_query(typed)
    folded = fold_text(typed)
    found = []
    for value, meta in zip(table.values, table.meta):
        directive = directive_from_facet(value, meta) if query else None
        if (directive is not None and query.matches(directive)) or fold_text(meta.get("label", "")) == folded:
            found.append(value)
    return found


def _places(tables: list[FacetTable], typed: str) -> list[str]:
    """Places whose name is ``typed`` without marks, case or a type word; ``Tên, Tỉnh`` or ``Tên (Tỉnh)`` narrows
    to the places of that province (or district)."""
    name, within = typed, ""
    if match := PLACE_WITHIN.fullmatch(typed):
        name, within = match["name"], match["comma"] or match["bracket"]
    wanted, around = _bare(name), _bare(within)
    found = []
    for table in tables:
        labels = [_bare(label) for label in table.labels]
        for i, label in enumerate(labels):
            if label != wanted:
                continue
            parent = int(table.parent_positions[i])
            if around and (parent < 0 or around not in {labels[parent], *_ancestors(table, labels, parent)}):
                continue
            found.append(table.values[i])
    return found


def _ancestors(table: FacetTable, labels: list[str], position: int) -> list[str]:
    parents = []
    while (position := int(table.parent_positions[position])) >= 0:
        parents.append(labels[position])
    return parents


def _bare(name: str) -> str:
    """A place name folded, without its type word: ``Tỉnh An Giang`` -> ``an giang``.

    >>> _bare("Tỉnh An Giang"), _bare("TP. Hồ Chí Minh"), _bare("xã Văn Giáo")
    ('an giang', 'ho chi minh', 'van giao')
    """
    folded = " ".join(fold_text(name).split())
    for word in PLACE_TYPES:
        if folded.startswith(word + " "):
            return folded[len(word) + 1:].strip()
    return folded


def value_label(view: IndexView, facet: str, value: str, with_parent: bool = False) -> str:
    """How the index names a filter value (a document with its year; with its parent's, a place as staff tell
    namesakes apart: ``Châu Thành, An Giang``); the value itself if it names nothing."""
    for field in _fields(facet):
        table = view.facet_table(field)
        position = table.position.get(value)
        if position is not None:
            label = directive_label(table.labels[position], table.meta[position].get("year"))
            parent = int(table.parent_positions[position]) if with_parent else -1
            return label + (f", {table.labels[parent]}" if parent >= 0 else "")
    return value
