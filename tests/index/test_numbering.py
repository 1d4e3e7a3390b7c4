"""Terms numbered in worker processes make the same index as terms handed to the writer as text."""

import pytest
from whoosh import index as whoosh_index

from searchsvc.index import numbering
from searchsvc.index.fastwriter import FastSegmentWriter
from searchsvc.index.numbering import TermNumbering, TermSources
from searchsvc.index.schema import SCHEMA, TEXT, article_to_document, text_terms
from searchsvc.ingest.extract import enrich
from searchsvc.ingest.parse import iter_input_files, read_articles

from conftest import SAMPLES
from index.test_w3 import _all_postings


def _documents(analyzed: bool) -> list[dict]:
    articles = [item for path in iter_input_files([SAMPLES]) for item in read_articles(path)]
    documents = [article_to_document(enrich(article), analyzed=analyzed) for article in articles] * 5
    return [{**document, "id": f"{document['id']}-{number}"} for number, document in enumerate(documents)]


@pytest.fixture(scope="module")
def documents():
    """The sample articles five times, with their text fields as counted terms."""
    return _documents(analyzed=True)


@pytest.fixture(scope="module")
def unanalyzed():
    """The same documents with their text left for the term numbering to analyze."""
    return _documents(analyzed=False)


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


def test_workers_numbering_writes_the_index_the_terms_as_text_write(tmp_path, documents, unanalyzed, monkeypatch):
    """Two workers taking batches in turn, each making the text fields from the raw text, a segment boundary inside
    a batch, and a worker that outgrows its dictionary and starts a new one: the postings and lengths are exactly
    those of the plain path, where the writer gets every field as counted terms."""
    monkeypatch.setattr(numbering, "WORKER_TERMS", 300)
    workers = [TermNumbering(), TermNumbering()]
    batches = [unanalyzed[start:start + 7] for start in range(0, len(unanalyzed), 7)]
    numbered = [workers[index % 2].batch(batch) for index, batch in enumerate(batches)]
    assert any(batch.retired for batch in numbered), "a worker must start a new dictionary in this test"
    plain_batches = [documents[start:start + 7] for start in range(0, len(documents), 7)]
    plain = _all_postings(_build(tmp_path / "plain", plain_batches, segment_size=40))
    ours = _all_postings(_build(tmp_path / "numbered", numbered, segment_size=40))
    assert ours == plain
    assert len(plain[0]) > 1000


def test_a_batch_of_deletions_empty_texts_and_overlong_tokens_is_numbered_as_the_text_says():
    """A batch with no text at all (deletions only), and documents with an empty title or a token too long to be a
    word: each field gets the terms and the length the plain analysis gives."""
    worker = TermNumbering()
    assert worker.batch([None, None]).complete_documents() == [None, None]
    texts = [("", "Hội nghị"), ("Tịnh Biên", "x" * 41 + " Tịnh Biên"), ("", "")]
    documents = [{"id": str(number), TEXT: text} for number, text in enumerate(texts)]
    sources = TermSources()
    batch = worker.batch([None, *documents])
    sources.learn(batch)
    for (title, body), document in zip(texts, batch.complete_documents()[1:]):
        for field, expected in text_terms(title, body).items():
            value = document[field]
            terms = sources.of(value.source, field)
            if field in numbering.PAIR_FIELDS:
                found = {terms[key >> 32] + b" " + terms[key & 0xFFFFFFFF]: freq
                         for key, freq in zip(value.ids.tolist(), value.freqs.tolist())}
            else:
                found = dict(zip((terms[number] for number in value.ids.tolist()), value.freqs.tolist()))
            assert found == {term.encode(): freq for term, freq in expected.items()}, field
            assert value.length == sum(expected.values())
