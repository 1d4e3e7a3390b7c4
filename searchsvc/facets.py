"""Facet filters and counts: date, locality, author, directive.

Within a facet the selected values combine with OR, across facets with AND. Each facet is counted with every
filter except its own, so selecting one district still shows the others with their counts. Counting is one
``bincount`` over a facet's (document, value) entries, loaded once per index generation (``FacetTable``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from searchsvc.postings import FacetTable, IndexView

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
    """Documents holding any of the selected values of one facet."""
    table = view.facet_table(facet)
    positions = [table.position[value] for value in selected if value in table.position]
    mask = np.zeros(view.doc_count_all, dtype=bool)
    if positions:
        mask[table.entry_docs[np.isin(table.entry_values, positions)]] = True
    return mask


def count_values(view: IndexView, facet: str, base: np.ndarray, selected: tuple[str, ...],
                 size: int = FACET_SIZE) -> tuple[list[FacetValue], bool]:
    """The values of one facet among the ``base`` documents, most frequent first (dates newest first).

    Children (months of a year, districts of a province) are listed only under a selected parent. Selected
    values are always listed, even at zero. Returns the values and whether the list was cut at ``size``.
    """
    table = view.facet_table(facet)
    counts = np.bincount(table.entry_values[base[table.entry_docs]], minlength=len(table.values))
    open_parents = set(selected) | {_parent(table, table.position[v]) for v in selected if v in table.position}
    shown = []
    for i, value in enumerate(table.values):
        parent = _parent(table, i)
        is_selected = value in selected
        if parent and parent not in open_parents:
            continue
        if counts[i] or is_selected:
            shown.append(FacetValue(value, table.meta[i].get("label", value), int(counts[i]), is_selected, parent))
    if facet == "date":
        shown.sort(key=lambda v: v.value, reverse=True)
    else:
        shown.sort(key=lambda v: (not v.selected, -v.count, v.label))
    kept, unselected = [], 0
    for value in shown:
        if value.selected or unselected < size:
            kept.append(value)
            unselected += not value.selected
    return kept, len(kept) < len(shown)


def _parent(table: FacetTable, position: int) -> str | None:
    return table.meta[position].get("parent")


def search_values(view: IndexView, facet: str, matches) -> list[FacetValue]:
    """Every value of a facet accepted by ``matches(value, meta)``, with its count over the whole index."""
    table = view.facet_table(facet)
    counts = np.bincount(table.entry_values[view.live[table.entry_docs]], minlength=len(table.values))
    found = [
        FacetValue(value, table.meta[i].get("label", value), int(counts[i]), False, _parent(table, i))
        for i, value in enumerate(table.values)
        if counts[i] and matches(value, table.meta[i])
    ]
    found.sort(key=lambda v: (-v.count, v.label))
    return found
