"""``Article`` as parsed -> ``Article`` with its metadata read from the text: date, places, authors, directives.

Each extractor is its own module and knows nothing of the others; this one only decides the order and what the
input's own metadata overrides (a ``published`` field beats a date found in the text).
"""

from __future__ import annotations

from searchsvc.article import Article
from searchsvc.ingest.authors import extract_byline
from searchsvc.ingest.dates import extract_date
from searchsvc.ingest.directives import extract_directives
from searchsvc.ingest.localities import extract_localities

LEAD_CHARACTERS = 600


def enrich(article: Article) -> Article:
    """Fill in published date (from the lead when the input had none), authors, localities and directives."""
    published, source = article.published, article.published_source
    if published is None:
        published = extract_date(article.body[:LEAD_CHARACTERS])
        source = "text" if published else None
    authors, source_credit = extract_byline(article.byline, article.body)
    text = f"{article.title}\n{article.body}"
    return article.replace(
        published=published,
        published_source=source,
        authors=authors,
        source_credit=source_credit,
        localities=extract_localities(article.title, article.body, article.byline),
        directives=extract_directives(text, published),
    )
