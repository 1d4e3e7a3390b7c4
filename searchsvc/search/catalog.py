"""What the index holds, outside of a search: articles by id, the documents cited, and facet values by name.

Knows nothing of Flask: the JSON API serves these as they are. Counts are over every live article of the index.
"""

from __future__ import annotations

import re

from searchsvc.errors import NotFound
from searchsvc.search import params
from searchsvc.search.facets import FACETS, FacetValue, filter_mask, search_values, value_counts
from searchsvc.text.normalize import fold_text
from searchsvc.search.postings import UNKNOWN_DAY, IndexView
from searchsvc.search.directives import directive_fields, directive_from_facet, parse_directive_query



def get_article(view: IndexView, article_id: str) -> dict:
    """The stored article (its text and every extracted field); ``NotFound`` for an id the index does not hold."""
    docnum = view.docnum_of(article_id)
    if docnum is None:
        raise NotFound(f"Không có bài viết «{article_id}».", param="id")
    return view.stored(docnum)


def list_directives(view: IndexView) -> list[dict]:
    """Every document cited by a live article, with its number of citing articles, most cited first."""
    table = view.facet_table("directive")
    counts = table.count(view.live)
    directives = [
        _directive_summary(value, table.meta[i], int(counts[i]))
        for i, value in enumerate(table.values)
        if counts[i]
    ]
    directives.sort(key=lambda d: (-d["count"], d["label"], d["id"]))
    return directives


def directive_stats(view: IndexView, directive_id: str) -> dict:
    """One cited document with the number of citing articles by year and by province, from the facet tables.

    ``undated`` and ``unlocated`` count the citing articles with no publication date or no province.
    """
    table = view.facet_table("directive")
    position = table.position.get(directive_id)
    citing = filter_mask(view, "directive", (directive_id,)) & view.live if position is not None else None
    if citing is None or not citing.any():
        raise NotFound(f"Không có văn bản «{directive_id}» trong chỉ mục.", param="id")
    by_year = _without_parent(value_counts(view, "date", citing, level="top"))
    by_year.sort(key=lambda item: item["value"])
    by_province = _without_parent(value_counts(view, "locality", citing, level="top"))
    by_province.sort(key=lambda item: (-item["count"], item["label"]))
    return {
        **_directive_summary(directive_id, table.meta[position], int(citing.sum())),
        "by_year": by_year,
        "undated": int((citing & (view.days == UNKNOWN_DAY)).sum()),
        "by_province": by_province,
        "unlocated": int((citing & ~filter_mask(view, "locality", _top_level_values(view, "locality"))).sum()),
    }


def directive_label(label: str, year) -> str:
    """A directive's label with its year when the number does not carry it: two ``Chỉ thị 05/CT-TTg`` differ by it.

    >>> directive_label("Chỉ thị 05/CT-TTg", 2020), directive_label("Nghị quyết 88/2019/QH14", 2019)
    ('Chỉ thị 05/CT-TTg (2020)', 'Nghị quyết 88/2019/QH14')
    """
    return f"{label} ({year})" if year and str(year) not in label else label


def search_facet(view: IndexView, facet: str, q: str, limit: int = params.FACET_SEARCH_LIMIT) -> tuple[list[FacetValue], int]:
    """Values of ``facet`` matching what was typed, most frequent first, at most ``limit``; and how many matched.

    Matching ignores case and marks: every typed word starts a word of the label (``tinh bien`` finds Tịnh Biên),
    or the whole entry is the value itself. For directives, a reference in any spelling staff use (``05/CT-TTg``,
    ``05-CT/TW``, ``CT 05``, ``chỉ thị 05``) finds the documents it can mean. An empty entry lists every value.
    """
    if facet not in FACETS:
        raise NotFound(f"Không có bộ lọc «{facet}».", param="name")
    typed = fold_text(q)
    query = parse_directive_query(q) if facet == "directive" and any(c.isdigit() for c in q) else None
    if query is not None:
        def matches(value: str, meta: dict) -> bool:
            directive = directive_from_facet(value, meta)
            return directive is not None and query.matches(directive)
    else:
        words = typed.split()

        def matches(value: str, meta: dict) -> bool:
            if not words or typed == value.lower():
                return True
            label_words = _words(meta.get("label", value))
            return all(any(label_word.startswith(word) for label_word in label_words) for word in words)

    found = search_values(view, facet, matches)
    return found[:limit], len(found)


def _words(label: str) -> list[str]:
    """Folded words of a label; a slash or dash separates them (``Tháng 9/2020``, ``05/CT-TTg``)."""
    return re.findall(r"[^\W_]+", fold_text(label))


def _directive_summary(value: str, meta: dict, count: int) -> dict:
    return {**directive_fields(value, meta), "count": count}


def _top_level_values(view: IndexView, facet: str) -> tuple[str, ...]:
    table = view.facet_table(facet)
    return tuple(value for value, meta in zip(table.values, table.meta) if not meta.get("parent"))


def _without_parent(counts: list[dict]) -> list[dict]:
    return [{name: item[name] for name in ("value", "label", "count")} for item in counts]
