"""The posting arrays the engine reads are Whoosh's own postings: Whoosh's reader is the oracle."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def whoosh_reader(sample_view):
    reader = sample_view.ix.reader()
    yield reader
    reader.close()


@pytest.mark.parametrize("field", ["content", "content_folded", "title_folded", "content_pairs"])
def test_every_term_decodes_to_the_documents_and_frequencies_whoosh_reads(sample_view, whoosh_reader, field):
    terms = [text for text in whoosh_reader.lexicon(field)][:300]
    assert terms
    for term in terms:
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        postings = sample_view.postings(field, text)
        matcher = whoosh_reader.postings(field, text)
        expected_docs, expected_freqs = [], []
        while matcher.is_active():
            expected_docs.append(matcher.id())
            expected_freqs.append(matcher.weight())
            matcher.next()
        assert postings.docs.tolist() == expected_docs, text
        assert np.allclose(postings.freqs, expected_freqs), text


def test_a_term_not_in_the_index_has_no_postings(sample_view):
    assert len(sample_view.postings("content", "xyzzyqq").docs) == 0


def test_field_lengths_are_whooshs(sample_view, whoosh_reader):
    lengths = sample_view.field_lengths("content")
    assert lengths.tolist() == [whoosh_reader.doc_field_length(doc, "content", 0)
                                for doc in range(sample_view.doc_count_all)]


def test_every_stored_article_is_found_by_its_id(sample_view):
    for doc in range(sample_view.doc_count_all):
        assert sample_view.docnum_of(sample_view.stored(doc)["id"]) == doc
