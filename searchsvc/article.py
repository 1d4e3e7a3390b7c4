"""The vocabulary of the pipeline: what an article is once it has been read and understood.

Plain frozen dataclasses, no I/O and no Whoosh, so every stage (parsing, extraction, indexing, search, web) can share
them without importing each other.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

MAX_ID_LENGTH = 200
# Letters (any script) and digits, then also ``-``, ``_``, ``.`` and ``~``: the characters a URL path segment
# carries unchanged, so an id never needs escaping to stay itself, and no id is ``.``, ``..`` or ``/``.
ID_PATTERN = re.compile(r"[^\W_][\w.~-]*")
ID_RULE = (f"mã bài viết phải dài 1–{MAX_ID_LENGTH} ký tự, gồm chữ cái, chữ số và «- _ . ~», "
           "bắt đầu bằng chữ cái hoặc chữ số")


def id_problem(article_id: str) -> str | None:
    """Why ``article_id`` breaks the id rule, or ``None`` when it is a valid id.

    Ids are compared in Unicode NFC (``canonical_id``), so a file name saved in decomposed form on a Mac names
    the same article as the one typed precomposed; nothing else about an id is ever changed.

    >>> id_problem("baomoi-21478619") is None and id_problem("Tịnh-Biên_2020.v2") is None
    True
    >>> id_problem("..") == id_problem("a b") == id_problem("x" * 201) == ID_RULE
    True
    """
    article_id = canonical_id(article_id)
    if len(article_id) > MAX_ID_LENGTH or not ID_PATTERN.fullmatch(article_id):
        return ID_RULE
    return None


def shown_id(raw: str) -> str:
    """An id as an error message can show it: the first 80 characters, the unprintable ones escaped (``bai\\x001``)."""
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in raw[:80])


def canonical_id(article_id: str) -> str:
    """The NFC form of an id: the form it is stored, looked up and linked by."""
    return unicodedata.normalize("NFC", article_id)


@dataclass(frozen=True)
class Directive:
    """One official document cited by an article, resolved to its identity (type + number + issuer + year)."""

    id: str
    label: str
    type: str
    number: str
    symbol: str | None = None
    year: int | None = None
    issuer: str | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Locality:
    """An administrative unit from the gazetteer, with the province it belongs to.

    ``role`` is ``"main"`` for the places an article is about (headline prefix, byline) and ``"mentioned"`` for
    places it only names in passing.
    """

    code: str
    name: str
    type: str
    level: int
    province: str | None = None
    province_code: str | None = None
    role: str = "mentioned"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Article:
    """One news article as the indexer stores it.

    ``body`` keeps the paragraphs, one per line. ``byline`` is the raw last line of a scraped file, kept so the
    author extractor can read it; ``publisher`` is the site or paper the input says the text comes from (a portal
    such as ``Trang TTĐT huyện Đắk Song``), kept so the place extractor knows whose locality the site is; ``source`` and ``line`` say where the article was read, for error messages;
    """

    id: str
    title: str
    body: str
    url: str | None = None
    published: date | None = None
    published_source: str | None = None
    authors: tuple[str, ...] = ()
    source_credit: str | None = None
    localities: tuple[Locality, ...] = ()
    directives: tuple[Directive, ...] = ()
    category: str | None = None
    byline: str | None = None
    publisher: str | None = None
    source: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    def replace(self, **changes) -> Article:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """The JSON shape of ``searchsvc parse`` and of the article API."""
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "published_source": self.published_source,
            "authors": list(self.authors),
            "source_credit": self.source_credit,
            "localities": [locality.to_dict() for locality in self.localities],
            "directives": [directive.to_dict() for directive in self.directives],
            "category": self.category,
        }
