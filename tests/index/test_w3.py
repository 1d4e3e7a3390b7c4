"""The Whoosh internals searchsvc relies on behave as assumed (whoosh-reloaded is pinned for this reason)."""

from importlib.metadata import version

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

from searchsvc.ingest.extract import enrich
from searchsvc.index.fastwriter import FastSegmentWriter
from searchsvc.ingest.parse import iter_input_files, read_articles
from searchsvc.search.postings import IndexView
from searchsvc.index.schema import SCHEMA, article_to_document
from searchsvc.index import w3
from searchsvc.index.w3 import WHOOSH_VERSION, read_blocks

from conftest import SAMPLES


def test_the_pinned_whoosh_is_installed():
    assert version("whoosh-reloaded") == WHOOSH_VERSION


@pytest.fixture(scope="module")
def documents():
    articles = [item for path in iter_input_files([SAMPLES]) for item in read_articles(path)]
    return [article_to_document(enrich(article)) for article in articles] * 13


def _build(path, documents, fast: bool, **whoosh_options):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), SCHEMA)
    writer = FastSegmentWriter(ix) if fast else ix.writer(**whoosh_options)
    for number, document in enumerate(documents):
        writer.add_document(**{**document, "id": f"{document['id']}-{number}"})
    writer.commit()
    return ix


def _all_postings(ix):
    with ix.reader() as reader:
        postings = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), matcher.weight()))
                matcher.next()
            postings[field, term] = items
        lengths = {field: [reader.doc_field_length(doc, field) for doc in range(reader.doc_count_all())]
                   for field in ("title", "content", "content_pairs")}
        return postings, lengths


def test_fast_writer_output_reads_back_exactly_like_whoosh_own(tmp_path, documents):
    ours = _all_postings(_build(tmp_path / "fast", documents, fast=True))
    whoosh_own = _all_postings(_build(tmp_path / "whoosh", documents, fast=False))
    assert ours == whoosh_own
    assert any(len(items) > 128 for items in ours[0].values()), "a term must span several posting blocks"


def test_block_reader_returns_what_whoosh_matchers_return(tmp_path, documents):
    ix = _build(tmp_path / "ix", documents, fast=True)
    postings, _ = _all_postings(ix)
    with ix.reader() as reader:
        for (field, term), items in postings.items():
            blocks = list(read_blocks(reader.postings(field, term)))
            docs = np.concatenate([docs for docs, _ in blocks]).tolist()
            freqs = np.concatenate([freqs for _, freqs in blocks]).tolist()
            assert list(zip(docs, freqs)) == items


def test_view_reads_postings_across_segments_and_skips_deleted(tmp_path, documents):
    ix = _build(tmp_path / "ix", documents[:10], fast=True)
    writer = FastSegmentWriter(ix)
    for number, document in enumerate(documents[10:20]):
        writer.add_document(**{**document, "id": f"second-{number}"})
    writer.delete_by_term("id", f"{documents[0]['id']}-0")
    writer.commit(merge=False)
    view = IndexView(tmp_path / "ix")
    assert len(view.leaves) == 2
    assert view.doc_count == 19
    term = next(iter(documents[0]["content_folded"]))
    with ix.searcher() as searcher:
        matcher = searcher.reader().postings("content_folded", term)
        expected = [doc for doc in matcher.all_ids() if not searcher.reader().is_deleted(doc)]
    found = view.postings("content_folded", term).docs.tolist()
    assert found == expected
    assert 0 not in found and any(doc >= 10 for doc in found)


@pytest.mark.parametrize("chunk", [w3.CHUNK_POSTINGS, 300])
def test_fast_writer_writes_the_bytes_whoosh_own_writer_writes(tmp_path, documents, monkeypatch, chunk):
    """Terms and posting files byte for byte: the bulk writer reproduces Whoosh's blocks and term table exactly,
    however many chunks it writes a field in."""
    monkeypatch.setattr(w3, "CHUNK_POSTINGS", chunk)
    fast = _build(tmp_path / "fast", documents, fast=True)
    own = _build(tmp_path / "whoosh", documents, fast=False, codec=W3Codec(compression=0), compound=False)
    for extension in (".trm", ".pst"):
        [ours] = [path for path in (tmp_path / "fast").iterdir() if path.suffix == extension]
        [theirs] = [path for path in (tmp_path / "whoosh").iterdir() if path.suffix == extension]
        assert ours.read_bytes() == theirs.read_bytes(), extension
    assert fast.doc_count() == own.doc_count()


def test_term_frequencies_read_from_the_term_table_are_whoosh_own(tmp_path, documents, monkeypatch):
    monkeypatch.setattr(w3, "TERM_CHUNK", 100)  # several chunks per field
    ix = _build(tmp_path / "ix", documents, fast=True)
    with ix.reader() as reader:
        leaf = reader.leaf_readers()[0][0]
        for field in ("id", "title", "content_pairs", "locality", "directive", "no_such_field"):
            expected = [(term, info.doc_frequency()) for term, info in leaf.iter_field(field)] \
                if field in SCHEMA else []
            assert list(w3.field_term_frequencies(leaf, field)) == expected
            assert list(w3.field_term_frequencies(leaf, field, 13)) == [item for item in expected if item[1] >= 13]
        assert len(list(w3.field_term_frequencies(leaf, "content_pairs"))) > 300


def _write_field(folder, fast: bool, fields) -> dict[str, bytes]:
    """The term and posting files of ``fields`` (name -> ``(terms, docs, weights, lengths)`` per term), written by
    ``w3`` or by Whoosh's own field writer a posting at a time."""
    folder.mkdir()
    storage = FileStorage(str(folder))
    codec = W3Codec(compression=0)
    fieldwriter = codec.field_writer(storage, codec.new_segment(storage, "MAIN"))
    entries = []
    for name, postings in fields.items():
        fieldobj = SCHEMA["content_pairs"]
        if fast:
            terms = [term for term, _, _, _ in postings]
            bounds = np.cumsum([0] + [len(docs) for _, docs, _, _ in postings])
            docs, weights, lengths = (np.concatenate([item[part] for item in postings]) for part in (1, 2, 3))
            entries.append(w3.write_field_postings(fieldwriter, name, fieldobj, terms, bounds, docs.astype(np.uint32),
                                                   weights.astype(np.float32), w3.encode_lengths(lengths)))
            continue
        fieldwriter.start_field(name, fieldobj)
        for term, docs, weights, lengths in postings:
            fieldwriter.start_term(term)
            for doc, weight, length in zip(docs.tolist(), weights.tolist(), lengths.tolist()):
                fieldwriter.add(doc, weight, b"", length)
            fieldwriter.finish_term()
        fieldwriter.finish_field()
    if fast:
        w3.close_field_writer(fieldwriter, entries)
    else:
        fieldwriter.close()
    return {path.suffix: path.read_bytes() for path in folder.iterdir()}


def test_posting_blocks_and_term_table_are_whoosh_own_bytes_for_every_kind_of_value(tmp_path, monkeypatch):
    """Document numbers and lengths of one, two and four bytes, weights all 1, all equal or mixed, terms of one
    posting and of several blocks, several chunks, and a second field: the files are Whoosh's, byte for byte."""
    monkeypatch.setattr(w3, "CHUNK_POSTINGS", 500)
    random = np.random.default_rng(7)
    fields = {}
    for name, count in (("content_pairs", 400), ("title", 60)):
        postings = []
        for number in range(count):
            size = int(random.choice([1, 1, 2, 3, 4, 5, 127, 128, 129, 300]))
            docs = np.sort(random.choice(300_000 if number % 3 else 400, size=size, replace=False))
            kind = number % 4
            weights = (np.ones(size) if kind == 0 else np.full(size, 2.0) if kind == 1
                       else random.choice([1.0, 2.0, 0.5, 7.0], size=size))
            lengths = random.integers(1, 200_000 if number % 2 else 20, size=size)
            postings.append((f"term {number:05d} đ".encode(), docs, weights, lengths))
        fields[name] = postings
    ours = _write_field(tmp_path / "ours", True, fields)
    theirs = _write_field(tmp_path / "theirs", False, fields)
    assert ours.keys() == theirs.keys() and set(ours) >= {".trm", ".pst"}
    for extension, data in theirs.items():
        assert ours[extension] == data, extension
