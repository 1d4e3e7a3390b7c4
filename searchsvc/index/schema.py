"""The Whoosh schema and ``article_to_document``: the only module that names Whoosh fields.

Field design, for speed on Vietnamese (every syllable a token, the common ones in every article):

* ``title`` / ``content`` hold exact forms and ``title_folded`` / ``content_folded`` folded forms, all
  frequency-only: matching and BM25F read document ids and frequencies, never positions.
* ``content_pairs`` holds every pair of neighbouring folded syllables (``hoi nghi``). Adjacency of query words
  (a Vietnamese word is several syllables) and quoted phrases become term look-ups scored over whole posting
  lists, instead of position checks per document: Whoosh never stores positions here.
* Text fields are handed to Whoosh already analyzed and counted (``SyllableField``), so each article is
  tokenized once, and the counting can happen in a worker process (``indexer``).
* Facet fields hold one term per value, ``value<US>json(meta)``, so the facet values, their labels and their
  hierarchy come from the term list of the index itself, with no stored-field reads.
* ``document`` stores the article as a dict for display, and under ``INPUT`` what the extractors read beyond it
  (the raw byline, the date the input gave, the publisher whose locality a placeless article takes), so the stored articles can be analysed again without their source
  files (``reanalysis.py``).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date

from whoosh.fields import ID, STORED, FieldType, Schema
from whoosh.formats import Existence

from searchsvc.text.analysis import adjacent_pairs, syllable_forms
from searchsvc.article import Article
from searchsvc.ingest.gazetteer import load_gazetteer
from searchsvc.text.normalize import fold_text

FACET_SEPARATOR = "\x1f"
# What each text field holds: one form of the syllables of one part of the article. Forms: "exact", "folded", or
# "pairs" of neighbouring folded syllables; parts: "title", or "content" (the title then the body: no syllable spans
# the line between them, a pair does).
TEXT_FIELDS = {
    "title": ("exact", "title"),
    "title_folded": ("folded", "title"),
    "content": ("exact", "content"),
    "content_folded": ("folded", "content"),
    "content_pairs": ("pairs", "content"),
}
TEXT = "text"  # in a document made with analyzed=False: (title, body), what its text fields are to be made of
INPUT = "input"
MONTH_NAMES = "Tháng {month}/{year}"


class SyllableField(FieldType):
    """A text field whose value is the ``Counter`` of its terms, already analyzed by ``analysis``.

    Skipping Whoosh's token-object pipeline and counting terms with ``Counter`` removes most of the per-token
    Python work at indexing time. The term frequency travels as the posting weight (what Whoosh's own BM25 reads
    too), so postings carry no value bytes at all.
    """

    indexed = True
    scorable = True
    stored = False

    def __init__(self):
        self.format = Existence()

    def index(self, value, **kwargs):
        return ((term.encode("utf-8"), freq, float(freq), b"") for term, freq in value.items())

    def counted_terms(self, value: Counter) -> tuple[list[bytes], list[int]]:
        """The terms and their frequencies in two lists, for ``FastSegmentWriter``'s bulk path."""
        return [term.encode("utf-8") for term in value], list(value.values())


class FacetField(SyllableField):
    """One term per facet value (the value is a list of facet terms): a value counts once, with no length."""

    scorable = False

    def index(self, value, **kwargs):
        return super().index(dict.fromkeys(value, 1))

    def counted_terms(self, value: list[str]) -> tuple[list[bytes], list[int]]:
        return super().counted_terms(dict.fromkeys(value, 1))


SCHEMA = Schema(
    id=ID(unique=True),
    title=SyllableField(),
    title_folded=SyllableField(),
    content=SyllableField(),
    content_folded=SyllableField(),
    content_pairs=SyllableField(),
    day=ID(),
    date=FacetField(),
    locality=FacetField(),
    locality_all=FacetField(),
    author=FacetField(),
    directive=FacetField(),
    document=STORED(),
)


# Whoosh pickles the schema's classes into the index by module path. Indexes built before the package was split into
# stages named this module ``searchsvc.schema``; the alias lets them open without a rebuild.
sys.modules.setdefault("searchsvc.schema", sys.modules[__name__])


def facet_term(value: str, meta: dict) -> str:
    """One facet term: its filter value, then what a page needs to show it."""
    return value + FACET_SEPARATOR + json.dumps(meta, ensure_ascii=False, separators=(",", ":"))


def split_facet_term(term: str) -> tuple[str, dict]:
    value, _, meta = term.partition(FACET_SEPARATOR)
    return value, json.loads(meta) if meta else {}


def author_value(name: str) -> str:
    """Authors are filtered by their accent-free key, so ``NGUYỄN HÂN`` and ``Nguyễn Hân`` are one value."""
    return fold_text(name).replace(" ", "-")


def article_to_document(article: Article, parsed: Article | None = None, analyzed: bool = True) -> dict:
    """The Whoosh document of an ``article`` (extracted from ``parsed``, the article as read): searchable text,
    facet terms, and the stored article with what the extractors need to read it again.

    ``analyzed=False``: the text fields are left to the caller (``numbering`` makes them from raw tokens), which
    finds the title and the body under ``TEXT``.
    """
    parsed = parsed or article
    document = {
        "id": article.id,
        **(text_terms(article.title, article.body) if analyzed else {TEXT: (article.title, article.body)}),
        "document": {**article.to_dict(), INPUT: {
            "byline": parsed.byline,
            "published": parsed.published.isoformat() if parsed.published else None,
            "publisher": parsed.publisher,
        }},
    }
    facets = {
        "date": _date_terms(article),
        "locality": _locality_terms(place for place in article.localities if place.role == "main"),
        "locality_all": _locality_terms(article.localities),
        "author": [facet_term(author_value(name), {"label": name}) for name in article.authors],
        "directive": [facet_term(d.id, d.to_dict()) for d in article.directives],
    }
    for field, terms in facets.items():
        if terms:
            document[field] = terms
    if article.published:
        document["day"] = article.published.isoformat()
    return document


def text_terms(title: str, body: str) -> dict[str, Counter]:
    """Each text field's terms with their frequencies (``TEXT_FIELDS``).

    >>> text_terms("Hội nghị", "Hội nghị")["content_pairs"]
    Counter({'hoi nghi': 2, 'nghi hoi': 1})
    """
    title_exact, title_folded = syllable_forms(title)
    body_exact, body_folded = syllable_forms(body)
    syllables = {("exact", "title"): title_exact, ("folded", "title"): title_folded,
                 ("exact", "content"): title_exact + body_exact, ("folded", "content"): title_folded + body_folded}
    syllables["pairs", "content"] = adjacent_pairs(syllables["folded", "content"])
    return {field: Counter(syllables[rule]) for field, rule in TEXT_FIELDS.items()}


def shown_document(stored: dict) -> dict:
    """The stored article as readers get it: without what only a re-analysis reads."""
    return {key: value for key, value in stored.items() if key != INPUT}


def parsed_article(stored: dict) -> Article | None:
    """The article as it was read, from its stored document: what ``enrich`` takes; ``None`` for a document stored
    before the index kept its input."""
    given = stored.get(INPUT)
    if given is None:
        return None
    published = date.fromisoformat(given["published"]) if given["published"] else None
    return Article(id=stored["id"], title=stored["title"], body=stored["body"], url=stored.get("url"),
                   published=published, published_source="metadata" if published else None,
                   category=stored.get("category"), byline=given["byline"], publisher=given.get("publisher"))


def _date_terms(article: Article) -> list[str]:
    if not article.published:
        return []
    year, month = article.published.year, article.published.month
    return [
        facet_term(f"{year}", {"label": str(year)}),
        facet_term(f"{year}-{month:02d}", {"label": MONTH_NAMES.format(month=month, year=year), "parent": str(year)}),
    ]


def _locality_terms(places) -> list[str]:
    """Province, district and commune values of ``places``: the ones an article is about (``locality``), or every
    place it names (``locality_all``, what ``locality_scope=all`` filters and counts). A commune is a value under
    its district, which it brings along; one with no district (communes made in July 2025 belong to a province
    directly) has none."""
    terms = []
    for place in places:
        if place.province_code:
            terms.append(facet_term(place.province_code, {"label": place.province or place.province_code, "level": 1}))
        district = load_gazetteer().units.get(load_gazetteer().district_of.get(place.code, "")) \
            if place.level == 3 else place if place.level == 2 else None
        if district and district.code:
            terms.append(facet_term(district.code, {"label": district.name, "level": 2, "parent": place.province_code}))
        if place.level == 3 and district:
            terms.append(facet_term(place.code, {"label": place.name, "level": 3, "parent": district.code}))
    return terms
