"""Facet filters and counts: date, locality, author, directive.

Within a facet the selected values combine with OR, across facets with AND; a hierarchy narrows: a selected value
with a selected child (a year and one of its months, a province and one of its districts) stands for its selected
children only, so choosing a month inside a year gives that month. Each facet is counted with every filter except
its own, so selecting one district still shows the others with their counts. Counting is one
``bincount`` over a facet's (document, value) entries, loaded once per index generation (``FacetTable``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from searchsvc.search.postings import IndexView

FACETS = ("date", "locality", "author", "directive")
FACET_SIZE = 20


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    parent: str | None = None

    def to_dict(self) -> dict:
        data = {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected}
        if self.parent:
            data["parent"] = self.parent
        return data


def filter_mask(view: IndexView, facet: str, selected: tuple[str, ...]) -> np.ndarray:
    """Documents holding any of the selected values of one facet, a parent giving way to its selected children."""
    table = view.facet_table(facet)
    mask = np.zeros(view.doc_count_all, dtype=bool)
    positions = {table.position[value] for value in selected if value in table.position}
    narrowed = {int(table.parent_positions[position]) for position in positions}
    for position in positions - narrowed:
        mask[table.documents_of(position)] = True
    return mask


def count_values(view: IndexView, facet: str, base: np.ndarray, selected: tuple[str, ...],
                 size: int = FACET_SIZE) -> tuple[list[FacetValue], bool]:
    """The values of one facet among the ``base`` documents, most frequent first (dates newest first).

    Children (months of a year, districts of a province, communes of a district) are listed only under a selected
    parent (or one whose child is selected), at most ``size`` of them per parent as at the top level. Selected
    values are always listed, even at zero. Returns the values and whether a list was cut at ``size``. Dates are
    never cut: there are few years, and the year chart needs every one to gather the outliers in its buckets.
    Everything up to the listed values is numpy, so a facet with thousands of values costs no Python loop.
    """
    table = view.facet_table(facet)
    if facet == "date":
        size = len(table.values)
    counts = table.count(base)
    chosen = np.zeros(len(table.values), dtype=bool)
    chosen[[table.position[value] for value in selected if value in table.position]] = True
    parents = table.parent_positions
    open_parents = chosen.copy()
    while True:  # a chosen commune opens its district and its province: every ancestor, however deep
        widened = open_parents | np.isin(np.arange(len(parents)), parents[open_parents])
        if (widened == open_parents).all():
            break
        open_parents = widened
    eligible = (parents < 0) | open_parents[np.maximum(parents, 0)]
    candidates = np.flatnonzero(eligible & ((counts > 0) | chosen))
    listed = len(candidates)
    if facet == "date":
        candidates = candidates[np.argsort(np.array([table.values[i] for i in candidates]))[::-1]]
    else:
        candidates = _first_of_one_list(table, candidates, counts, chosen, size)
        candidates = candidates[np.lexsort((table.label_ranks[candidates], -counts[candidates], ~chosen[candidates]))]
    # ``size`` per list of siblings: the provinces, the districts of an open province, the communes of a district.
    groups = parents[candidates]
    keep = chosen[candidates].copy()
    for group in np.unique(groups):
        siblings = groups == group
        keep |= siblings & (np.cumsum(siblings & ~chosen[candidates]) <= size)
    kept = candidates[keep]
    values = [
        FacetValue(table.values[i], table.labels[i], int(counts[i]), bool(chosen[i]),
                   table.values[parents[i]] if parents[i] >= 0 else None)
        for i in kept
    ]
    return values, len(kept) < listed


def _first_of_one_list(table, candidates: np.ndarray, counts: np.ndarray, chosen: np.ndarray,
                       size: int) -> np.ndarray:
    """``candidates`` without the values that cannot be listed, when they are all siblings (every author, every
    directive): the chosen ones and the ``size`` others that come first (most frequent, then by label). The sort
    that follows then orders a few dozen values, not the thousands a common word's articles hold."""
    others = np.flatnonzero(~chosen[candidates])
    parents = table.parent_positions[candidates]
    if len(others) <= size or size < 1 or not (parents == parents[0]).all():
        return candidates
    # One integer per value in the listing order: a higher count first, then the label's rank (unique per value).
    order = -counts[candidates[others]] * len(table.values) + table.label_ranks[candidates[others]]
    first = others[np.argpartition(order, size - 1)[:size]]
    return candidates[np.sort(np.concatenate((np.flatnonzero(chosen[candidates]), first)))]


def search_values(view: IndexView, facet: str, matches) -> list[FacetValue]:
    """Every value of a facet accepted by ``matches(value, meta)``, with its count over the whole index."""
    table = view.facet_table(facet)
    counts = table.count(view.live)
    parents = table.parent_positions
    found = [
        FacetValue(value, table.labels[i], int(counts[i]), False, table.values[parents[i]] if parents[i] >= 0 else None)
        for i, value in enumerate(table.values)
        if counts[i] and matches(value, table.meta[i])
    ]
    found.sort(key=lambda v: (-v.count, v.label))
    return found


def value_counts(view: IndexView, facet: str, documents: np.ndarray, level: str = "all") -> list[dict]:
    """``{value, label, count, parent}`` of every value held by ``documents`` (a mask), zeros left out.

    ``level`` keeps only the top values (years, provinces: ``"top"``) or only their children (months, districts:
    ``"children"``).
    """
    table = view.facet_table(facet)
    counts = table.count(documents)
    return [
        {"value": value, "label": meta.get("label", value), "count": int(counts[i]), "parent": meta.get("parent")}
        for i, (value, meta) in enumerate(zip(table.values, table.meta))
        if counts[i] and (level == "all" or (level == "top") != bool(meta.get("parent")))
    ]
