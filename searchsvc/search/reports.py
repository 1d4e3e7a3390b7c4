"""What staff read about one directive: ``catalog.directive_stats`` plus its citing articles by month and district.

Plain Python over the facet tables, like ``catalog``: counts are over every live article of the index.
"""

from __future__ import annotations

from searchsvc.search.catalog import directive_stats
from searchsvc.search.facets import filter_mask, value_counts
from searchsvc.search.postings import IndexView


def directive_report(view: IndexView, directive_id: str) -> dict:
    """``directive_stats`` with ``by_month`` (oldest first) and ``by_district`` (most first, with the province)."""
    report = directive_stats(view, directive_id)
    citing = filter_mask(view, "directive", (directive_id,)) & view.live
    months = value_counts(view, "date", citing, level="children")
    months.sort(key=lambda item: item["value"])
    provinces = {item["value"]: item["label"] for item in report["by_province"]}
    # Districts are the children of a province; communes, the children of a district, are left out.
    districts = [item for item in value_counts(view, "locality", citing, level="children") if item["parent"] in provinces]
    for item in districts:
        item["province"] = provinces.get(item["parent"], item["parent"])
    districts.sort(key=lambda item: (-item["count"], item["label"]))
    return {**report, "by_month": months, "by_district": districts}

