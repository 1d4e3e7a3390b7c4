"""``Article`` as parsed -> ``Article`` with its metadata read from the text: date, places, authors, directives.

Each extractor is its own module and knows nothing of the others; this one only decides the order and what the
input's own metadata overrides (a ``published`` field beats a date found in the text).
"""

from __future__ import annotations

from datetime import date

from searchsvc.article import Article
from searchsvc.ingest.authors import extract_byline
from searchsvc.ingest.dates import EARLIEST_YEAR, article_date
from searchsvc.ingest.directives import extract_directives
from searchsvc.ingest.localities import extract_localities



def enrich(article: Article, today: date | None = None) -> Article:
    """Fill in published date (from the lead when the input had none), authors, localities and directives.

    A metadata date before 1945 or after ``today`` (the day of indexing) is a broken record: the article is undated
    unless its text gives a plausible date.
    """
    today = today or date.today()
    published, source = article.published, article.published_source
    if published and not EARLIEST_YEAR <= published.year or published and published > today:
        published, source = None, None
    if published is None:
        published, source = article_date(article.title, article.body, today)
    authors, source_credit = extract_byline(article.byline, article.body)
    text = f"{article.title}\n{article.body}"
    return article.replace(
        published=published,
        published_source=source,
        authors=authors,
        source_credit=source_credit,
        localities=extract_localities(article.title, article.body, article.byline,
                                      outlets=(article.publisher, source_credit)),
        directives=extract_directives(text, published),
    )
