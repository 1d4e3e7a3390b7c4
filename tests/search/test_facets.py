import numpy as np
import pytest

from searchsvc.search.facets import FACETS, count_values, filter_mask


def _count_by_hand(table, documents) -> list[int]:
    """The count of each value over ``documents``, one entry at a time: the definition, not the code's shortcut."""
    counts = [0] * len(table.values)
    for doc, value in zip(table.entry_docs.tolist(), table.entry_values.tolist()):
        if doc in documents:
            counts[value] += 1
    return counts


@pytest.mark.parametrize("share", [0.002, 0.05, 0.5, 1.0])
def test_counting_a_set_of_documents_counts_each_value_once_per_document(sample_view, share):
    rng = np.random.default_rng(3)
    for facet in FACETS:
        table = sample_view.facet_table(facet)
        for _ in range(10):
            base = rng.random(sample_view.doc_count_all) < share
            expected = _count_by_hand(table, set(np.flatnonzero(base).tolist()))
            assert table.count(base).tolist() == expected


def test_the_three_ways_of_counting_agree_with_the_definition(sample_view, monkeypatch):
    """Through the documents' own entries, as totals minus the few live outsiders, and by a scan of all entries."""
    rng = np.random.default_rng(3)
    for facet in FACETS:
        table = sample_view.facet_table(facet)
        for share in (0.05, 0.5, 0.95, 1.0):
            base = (rng.random(sample_view.doc_count_all) < share) & sample_view.live
            expected = _count_by_hand(table, set(np.flatnonzero(base).tolist()))
            outsiders = int((sample_view.live & ~base).sum())
            for cheaper in (lambda documents: True, lambda documents: False,
                            lambda documents: documents == outsiders):
                monkeypatch.setattr(type(table), "_cheaper_by_documents", lambda self, documents: cheaper(documents))
                assert table.count(base).tolist() == expected


def test_a_filter_holds_exactly_the_documents_of_its_values(sample_view):
    table = sample_view.facet_table("locality")
    for value in table.values:
        mask = filter_mask(sample_view, "locality", (value,))
        expected = {doc for doc, v in zip(table.entry_docs.tolist(), table.entry_values.tolist())
                    if table.values[v] == value}
        assert set(np.flatnonzero(mask).tolist()) == expected


@pytest.mark.parametrize("facet", ["author", "directive"])
@pytest.mark.parametrize("size", [1, 3, 10])
def test_a_list_of_values_shows_the_chosen_ones_then_the_most_frequent_by_label(sample_view, facet, size):
    """Chosen values first, then the ``size`` most frequent others (ties by label), cut when more were held."""
    table = sample_view.facet_table(facet)
    rng = np.random.default_rng(size)
    for share in (0.3, 1.0):
        base = (rng.random(sample_view.doc_count_all) < share) & sample_view.live
        counts = _count_by_hand(table, set(np.flatnonzero(base).tolist()))
        held = [i for i, count in enumerate(counts) if count]
        for chosen in ([], [table.values[held[-1]]]):
            order = sorted(held, key=lambda i: (table.values[i] not in chosen, -counts[i], table.labels[i]))
            others = [i for i in order if table.values[i] not in chosen]
            expected = chosen + [table.values[i] for i in others[:size]]
            values, cut = count_values(sample_view, facet, base, tuple(chosen), size=size)
            assert [v.value for v in values] == expected
            assert cut == (len(others) > size)
