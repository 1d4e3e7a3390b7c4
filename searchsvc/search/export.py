"""What staff take away from a search: one row per article, in the order of the result pages, at most
``MAX_EXPORT_ROWS``. The web layer encodes the rows (CSV, .xlsx); this module knows no file format and no Flask.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from searchsvc.search.catalog import directive_label
from searchsvc.search.postings import IndexView
from searchsvc.search.service import SearchRequest, ranked_documents

MAX_EXPORT_ROWS = 10_000
# Column headings, in order; the last column (the article's page on this site) is the web layer's to fill.
COLUMNS = ("Mã bài", "Tiêu đề", "Ngày đăng", "Địa phương được nói đến", "Địa phương được nhắc tới", "Tác giả",
           "Văn bản được trích dẫn", "Bài gốc", "Trang bài viết")


@dataclass(frozen=True)
class ExportRow:
    id: str
    title: str
    published: date | None
    places_about: str
    places_mentioned: str
    authors: str
    directives: str
    source_url: str

    def cells(self) -> tuple:
        """The row's cells in ``COLUMNS`` order, but for the last one."""
        return (self.id, self.title, self.published, self.places_about, self.places_mentioned, self.authors,
                self.directives, self.source_url)


@dataclass(frozen=True)
class Export:
    total: int  # articles matching; ``rows`` holds at most ``limit`` of them
    rows: Iterator[ExportRow]
    limit: int = MAX_EXPORT_ROWS

    @property
    def truncated(self) -> bool:
        return self.total > self.limit


def export_rows(view: IndexView, request: SearchRequest, limit: int = MAX_EXPORT_ROWS) -> Export:
    """The rows of every article ``request`` finds (its filters and order; its page and page size ignored)."""
    total, documents = ranked_documents(view, request, limit)
    return Export(total, (export_row(document) for document in documents), limit)


def export_row(document: dict) -> ExportRow:
    """One stored article as a row: places split into those it is about and those it only mentions.

    >>> row = export_row({"id": "a", "title": "T", "published": "2020-09-30T08:00:00+07:00", "authors": ["X", "Y"],
    ...     "localities": [{"name": "Tịnh Biên", "level": 2, "province": "An Giang", "role": "main"},
    ...                    {"name": "An Giang", "level": 1, "province": "An Giang", "role": "mentioned"}],
    ...     "directives": [{"id": "d", "label": "Chỉ thị 05/CT-TTg", "year": 2020}]})
    >>> row.published, row.places_about, row.places_mentioned, row.authors, row.directives
    (datetime.date(2020, 9, 30), 'Tịnh Biên (An Giang)', 'An Giang', 'X; Y', 'Chỉ thị 05/CT-TTg (2020)')
    """
    published = document.get("published")
    localities = document.get("localities", [])
    return ExportRow(
        id=document["id"],
        title=document["title"],
        published=date.fromisoformat(published[:10]) if published else None,
        places_about=_places([place for place in localities if place.get("role") == "main"]),
        places_mentioned=_places([place for place in localities if place.get("role") != "main"]),
        authors="; ".join(document.get("authors", [])),
        directives="; ".join(directive_label(d["label"], d.get("year")) for d in document.get("directives", [])),
        source_url=document.get("url") or "",
    )


def _places(places: list[dict]) -> str:
    """Place names, each below a province followed by it, once each."""
    names = []
    for place in places:
        name = place.get("name") or ""
        province = place.get("province")
        label = f"{name} ({province})" if province and place.get("level") != 1 and province != name else name
        if label and label not in names:
            names.append(label)
    return "; ".join(names)
