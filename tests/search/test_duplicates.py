"""The lead compared between near-duplicate stories is the whole body's first words, however the body is cut."""

import re

import numpy as np
import pytest

from searchsvc.ingest.parse import iter_input_files, read_articles
from searchsvc.search.duplicates import LEAD_WORDS, lead_shingles, story_signature
from searchsvc.text.normalize import fold_text

from conftest import SAMPLES


def _shingles_of_whole_body(body: str) -> frozenset:
    words = re.findall(r"\w+", fold_text(body))[:LEAD_WORDS]
    return frozenset(zip(words, words[1:], words[2:]))


def _bodies() -> list[str]:
    bodies = [article.body for path in iter_input_files([SAMPLES]) for article in read_articles(path)]
    if not bodies:
        pytest.skip(f"no sample articles under {SAMPLES}")
    punctuated = " - ".join(["…", "Hòa Bình,Tịnh Biên", "(UBND)", "—"] * 40)
    return bodies + [body[:length] for body in bodies for length in (30, 200)] + [punctuated, "", "  Đường  "]


def test_lead_shingles_read_only_the_lead_but_equal_those_of_the_whole_body():
    for body in _bodies():
        assert lead_shingles(body) == _shingles_of_whole_body(body), body[:80]


def test_lead_hashes_share_exactly_what_the_lead_triples_share():
    """Grouping compares leads by their triples' hashes (``story_signature``): as many hashes as triples, and two
    leads share as many hashes as triples, so every Jaccard figure is the one of the triples themselves."""
    bodies = _bodies()
    hashed = [story_signature("", body)[2] for body in bodies]
    triples = [lead_shingles(body) for body in bodies]
    for lead, shingles in zip(hashed, triples):
        assert len(lead) == len(shingles)
    for i in range(0, len(bodies), 7):
        for j in range(len(bodies)):
            assert len(np.intersect1d(hashed[i], hashed[j])) == len(triples[i] & triples[j])
