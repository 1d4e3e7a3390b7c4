"""Rebuild from the stored articles themselves, for when the analysis changes (a new extractor rule, a gazetteer
update) and the source files are gone.

Each stored document keeps the article as it was read (``schema.INPUT``: the raw byline, the date the input gave),
so ``enrich`` and the analyzers run again exactly as they would on the files. The new generation is built aside and
swapped in whole, like any rebuild, with the same ids and the same ``sources.json``: a watch goes on without reading
its folders again. A document stored before the index kept its input cannot be read again faithfully: the run is
refused, with the count and the command that makes it possible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index

from searchsvc.article import Article
from searchsvc.errors import NotReanalysable
from searchsvc.index.generations import indexer_lock, live_generation
from searchsvc.index.indexer import IndexReport, apply_changes
from searchsvc.index.schema import parsed_article
from searchsvc.index.sources import read_sources

EXAMPLES = 5


def reanalyse(index_dir: Path, allow_drop: bool = False, progress: Callable[[int, int], None] | None = None,
              prepare: Callable[[Path], None] | None = None) -> IndexReport:
    """Extract and analyse every live article of the index again, into a new generation swapped in when complete.

    An article whose extraction now fails is left out only with ``allow_drop`` (else ``RebuildWouldDrop``)."""
    with indexer_lock(index_dir):
        generation = live_generation(index_dir)
        with whoosh_index.open_dir(str(generation)).reader() as reader:
            total = reader.doc_count()
            return apply_changes(_stored_articles(reader), index_dir, IndexReport(), rebuild=True, allow_drop=allow_drop,
                                 progress=progress, total=total, sources=read_sources(generation), locked=True,
                                 prepare=prepare)


def _stored_articles(reader) -> Iterator[Article]:
    """The live articles as they were read; raises ``NotReanalysable`` at the end when some cannot be (the build
    aside is then thrown away and the live index stays as it was)."""
    lacking = []
    for _, fields in reader.iter_docs():
        article = parsed_article(fields["document"])
        if article is None:
            lacking.append(fields["document"]["id"])
        else:
            yield article.replace(source=f"{fields['document']['id']} (đã lưu)")
    if lacking:
        raise NotReanalysable(len(lacking), sorted(lacking)[:EXAMPLES])
