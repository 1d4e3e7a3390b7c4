"""Near-duplicate stories: the same article republished by several papers, shown as one result.

Two results are the same story when their titles are the same once the publisher's suffix (`` - VnExpress``) and
a truncation (``...``) are set aside, or when their leads share most of their word triples (the first
``LEAD_WORDS`` words, Jaccard similarity at least ``SAME_LEAD``; a lead of a few words says too little). The check runs at query time over the ranked
results up to the page shown (``LOOKAHEAD`` times as many, at most ``MAX_COMPARED``), so the index never changes;
the best-ranked article of a story stands for it and lists the others. ``total`` and the facet counts still count
articles, not stories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from searchsvc.text.normalize import fold_text

# Publisher names that aggregators append to a title: `` - VnExpress Sức khỏe``, `` | Ngoisao.net``.
SOURCE_SUFFIX = re.compile(
    r"\s+[-–|]\s+(?:VnExpress(?:\s[^-–|]*)?|Ngoisao\.net|Ngôi sao|Tin tức mới nhất 24h qua|Dân trí|"
    r"Tuổi Trẻ(?: Online)?|Thanh Niên|VietNamNet|Zing(?:\.vn)?|VOV|VTC News)\s*$", re.IGNORECASE)
TRUNCATION = re.compile(r"\s*(?:\.\.\.|…)\s*$")
# A truncated title stands for a longer one only if this many characters of it remain.
MIN_PREFIX = 20
LEAD_WORDS = 60
SAME_LEAD = 0.5
# Leads shorter than this many word triples say too little to call two articles one story.
MIN_LEAD_SHINGLES = 10
LOOKAHEAD = 3
MAX_COMPARED = 300


@dataclass
class Story:
    """One result and the articles that repeat it, in rank order."""

    doc: int
    score: float
    document: dict
    repeats: list[dict] = field(default_factory=list)


def title_key(title: str) -> tuple[str, bool]:
    """The title without publisher suffix, folded, and whether it was cut short.

    >>> title_key("Tai nạn liên hoàn trên cao tốc Cam Lộ - La Sơn, ba mẹ con ... - VnExpress")
    ('tai nan lien hoan tren cao toc cam lo - la son, ba me con', True)
    """
    title = SOURCE_SUFFIX.sub("", title or "")
    cut = bool(TRUNCATION.search(title))
    return fold_text(TRUNCATION.sub("", title)), cut


def lead_shingles(body: str) -> frozenset[tuple[str, ...]]:
    """Word triples of the lead. Only the first ``LEAD_WORDS`` whitespace-separated pieces are folded (each holds
    at least one word or none): folding works within a piece, so the words are those of the whole body folded."""
    body = body or ""
    head = " ".join(body.split(None, LEAD_WORDS)[:LEAD_WORDS])
    words = re.findall(r"\w+", fold_text(head))[:LEAD_WORDS]
    if len(words) < LEAD_WORDS and len(head) < len(body.strip()):
        words = re.findall(r"\w+", fold_text(body))[:LEAD_WORDS]
    return frozenset(zip(words, words[1:], words[2:]))


def same_story(a: tuple, b: tuple) -> bool:
    """Whether two ``(title key, cut, lead bits, lead size)`` (``_signature``) are one story."""
    (key_a, cut_a, lead_a, size_a), (key_b, cut_b, lead_b, size_b) = a, b
    if key_a and key_a == key_b:
        return True
    for short, cut, long in ((key_a, cut_a, key_b), (key_b, cut_b, key_a)):
        if cut and len(short) >= MIN_PREFIX and long.startswith(short):
            return True
    if min(size_a, size_b) >= MIN_LEAD_SHINGLES:
        shared = (lead_a & lead_b).bit_count()
        return shared / (size_a + size_b - shared) >= SAME_LEAD
    return False


def _signature(document: dict, numbering: dict[tuple, int]) -> tuple:
    """A document's title key and its lead's word triples as bits of one integer, each triple numbered the first
    time a collapse meets it: Jaccard similarity of two leads is then a ``&`` and a bit count, not set building."""
    shingles = lead_shingles(document.get("body", ""))
    bits = 0
    for shingle in shingles:
        bits |= 1 << numbering.setdefault(shingle, len(numbering))
    return (*title_key(document.get("title", "")), bits, len(shingles))


def collapse(ranked: list[tuple[int, float, dict]]) -> list[Story]:
    """Ranked ``(doc, score, stored document)`` grouped into stories, each at the rank of its best article."""
    stories: list[Story] = []
    signatures: list[list[tuple]] = []  # of every article of each story: a repeat can match any of them
    numbering: dict[tuple, int] = {}
    for doc, score, document in ranked:
        signature = _signature(document, numbering)
        for story, others in zip(stories, signatures):
            if any(same_story(signature, other) for other in others):
                story.repeats.append(document)
                others.append(signature)
                break
        else:
            stories.append(Story(doc, score, document))
            signatures.append([signature])
    return stories
