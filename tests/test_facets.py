import numpy as np

from searchsvc.search.facets import FACETS, filter_mask


def test_counting_few_documents_through_their_entries_equals_a_full_count(sample_view, monkeypatch):
    rng = np.random.default_rng(3)
    for facet in FACETS:
        table = sample_view.facet_table(facet)
        for _ in range(20):
            base = rng.random(sample_view.doc_count_all) < rng.random()
            full = np.bincount(table.entry_values[base[table.entry_docs]], minlength=len(table.values))
            monkeypatch.setattr("searchsvc.search.postings.SPARSE_SHARE", 10**9)
            sparse = table.count(base)
            monkeypatch.setattr("searchsvc.search.postings.SPARSE_SHARE", 0)
            dense = table.count(base)
            assert sparse.tolist() == full.tolist() == dense.tolist()


def test_a_filter_holds_exactly_the_documents_of_its_values(sample_view):
    table = sample_view.facet_table("locality")
    for value in table.values:
        mask = filter_mask(sample_view, "locality", (value,))
        expected = {doc for doc, v in zip(table.entry_docs.tolist(), table.entry_values.tolist())
                    if table.values[v] == value}
        assert set(np.flatnonzero(mask).tolist()) == expected
