"""The vocabulary of the pipeline: what an article is once it has been read and understood.

Plain frozen dataclasses, no I/O and no Whoosh, so every stage (parsing, extraction, indexing, search, web) can share
them without importing each other.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date


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
    author extractor can read it; ``source`` and ``line`` say where the article was read, for error messages;
    ``original_id`` is the id as the input spelt it when cleaning changed it, so a collision can name both spellings.
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
    source: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    original_id: str | None = field(default=None, compare=False)

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
