"""The Whoosh schema and ``article_to_document``: the only module that names Whoosh fields.

Field design, for speed on Vietnamese (every syllable a token, the common ones in every article):

* ``title`` / ``content`` hold exact forms and ``title_folded`` / ``content_folded`` folded forms, all
  frequency-only: matching and BM25F read document ids and frequencies, never positions.
* ``content_positions`` (folded, with positions) is read only to check quoted phrases and to reward query words
  that stand next to each other, for a short list of candidate documents.
* Facet fields hold one term per value, ``value<US>json(meta)``, so the facet values, their labels and their
  hierarchy come from the term list of the index itself, with no stored-field reads.
* ``document`` stores the article as a dict for display.
"""

from __future__ import annotations

import json

from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema

from searchsvc.analysis import EXACT_ANALYZER, FOLDED_ANALYZER
from searchsvc.article import Article
from searchsvc.normalize import fold_text

FACET_SEPARATOR = "\x1f"
VALUE_SEPARATOR = "\x1e"
FACET_FIELDS = ("date", "locality", "author", "directive")
MONTH_NAMES = "Tháng {month}/{year}"


def _facet_field() -> TEXT:
    """One term per facet value; the separator is a control character, which no value or label contains."""
    return TEXT(analyzer=RegexTokenizer(f"[^{VALUE_SEPARATOR}]+"), phrase=False)


SCHEMA = Schema(
    id=ID(unique=True),
    title=TEXT(analyzer=EXACT_ANALYZER, phrase=False),
    title_folded=TEXT(analyzer=FOLDED_ANALYZER, phrase=False),
    content=TEXT(analyzer=EXACT_ANALYZER, phrase=False),
    content_folded=TEXT(analyzer=FOLDED_ANALYZER, phrase=False),
    content_positions=TEXT(analyzer=FOLDED_ANALYZER, phrase=True),
    day=ID(),
    date=_facet_field(),
    locality=_facet_field(),
    author=_facet_field(),
    directive=_facet_field(),
    document=STORED(),
)


def facet_term(value: str, meta: dict) -> str:
    """One facet term: its filter value, then what a page needs to show it."""
    return value + FACET_SEPARATOR + json.dumps(meta, ensure_ascii=False, separators=(",", ":"))


def split_facet_term(term: str) -> tuple[str, dict]:
    value, _, meta = term.partition(FACET_SEPARATOR)
    return value, json.loads(meta) if meta else {}


def author_value(name: str) -> str:
    """Authors are filtered by their accent-free key, so ``NGUYỄN HÂN`` and ``Nguyễn Hân`` are one value."""
    return fold_text(name).replace(" ", "-")


def article_to_document(article: Article) -> dict:
    """The Whoosh document of an article: searchable text, facet terms, and the stored article."""
    content = f"{article.title}\n{article.body}"
    document = {
        "id": article.id,
        "title": article.title,
        "title_folded": article.title,
        "content": content,
        "content_folded": content,
        "content_positions": content,
        "document": article.to_dict(),
    }
    facets = {
        "date": _date_terms(article),
        "locality": _locality_terms(article),
        "author": [facet_term(author_value(name), {"label": name}) for name in article.authors],
        "directive": [facet_term(d.id, d.to_dict()) for d in article.directives],
    }
    for field, terms in facets.items():
        if terms:
            document[field] = VALUE_SEPARATOR.join(dict.fromkeys(terms))
    if article.published:
        document["day"] = article.published.isoformat()
    return document


def _date_terms(article: Article) -> list[str]:
    if not article.published:
        return []
    year, month = article.published.year, article.published.month
    return [
        facet_term(f"{year}", {"label": str(year)}),
        facet_term(f"{year}-{month:02d}", {"label": MONTH_NAMES.format(month=month, year=year), "parent": str(year)}),
    ]


def _locality_terms(article: Article) -> list[str]:
    """Province and district values of the places the article is about (or, failing those, the ones it names)."""
    places = [p for p in article.localities if p.role == "main"] or list(article.localities)
    terms = []
    for place in places:
        if place.province_code:
            terms.append(facet_term(place.province_code, {"label": place.province or place.province_code, "level": 1}))
        if place.level == 2:
            terms.append(facet_term(place.code, {"label": place.name, "level": 2, "parent": place.province_code}))
    return terms
