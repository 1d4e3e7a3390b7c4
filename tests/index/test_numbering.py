"""Terms numbered in worker processes make the same index as terms handed to the writer as text."""

import pytest
from whoosh import index as whoosh_index

from searchsvc.index import numbering
from searchsvc.index.fastwriter import FastSegmentWriter
from searchsvc.index.numbering import TermNumbering, TermSources
from searchsvc.index.schema import SCHEMA, article_to_document
from searchsvc.ingest.extract import enrich
from searchsvc.ingest.parse import iter_input_files, read_articles

from conftest import SAMPLES
from index.test_w3 import _all_postings


@pytest.fixture(scope="module")
def documents():
    articles = [item for path in iter_input_files([SAMPLES]) for item in read_articles(path)]
    documents = [article_to_document(enrich(article)) for article in articles] * 5
    return [{**document, "id": f"{document['id']}-{number}"} for number, document in enumerate(documents)]


def _build(path, batches_of_documents, segment_size: int):
    """Write documents in segments of ``segment_size``; ``batches_of_documents`` yields lists of documents."""
    path.mkdir()
    ix = whoosh_index.create_in(str(path), SCHEMA)
    sources = TermSources()
    writer = FastSegmentWriter(ix, sources)
    for batch in batches_of_documents:
        if isinstance(batch, numbering.PreparedBatch):
            sources.learn(batch)
            batch = batch.complete_documents()
        for document in batch:
            writer.add_document(**document)
            if writer.doc_count() >= segment_size:
                writer.commit(merge=False)
                writer = FastSegmentWriter(ix, sources)
    writer.commit(merge=False)
    return ix


def test_workers_numbering_writes_the_index_the_terms_as_text_write(tmp_path, documents, monkeypatch):
    """Two workers taking batches in turn, a segment boundary inside a batch, and a worker that outgrows its
    dictionary and starts a new one: the postings and lengths are exactly those of the plain path."""
    monkeypatch.setattr(numbering, "WORKER_TERMS", 300)
    workers = [TermNumbering(), TermNumbering()]
    batches = [documents[start:start + 7] for start in range(0, len(documents), 7)]
    numbered = [workers[index % 2].batch(batch) for index, batch in enumerate(batches)]
    assert any(batch.retired for batch in numbered), "a worker must start a new dictionary in this test"
    plain = _all_postings(_build(tmp_path / "plain", batches, segment_size=40))
    ours = _all_postings(_build(tmp_path / "numbered", numbered, segment_size=40))
    assert ours == plain
    assert len(plain[0]) > 1000
