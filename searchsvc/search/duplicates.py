"""Near-duplicate stories: the same article republished by several papers, shown as one result.

Two results are the same story when their titles are the same once the publisher's suffix (`` - VnExpress``) and
a truncation (``...``) are set aside, or when their leads share most of their word triples (the first
``LEAD_WORDS`` words, Jaccard similarity at least ``SAME_LEAD``; a lead of a few words says too little). The check runs at query time over the ranked
results up to the page shown (``LOOKAHEAD`` times as many, at most ``MAX_COMPARED``), so the index never changes;
the best-ranked article of a story stands for it and lists the others. ``total`` and the facet counts still count
articles, not stories.

What the check reads of an article, its title key and its lead's triples as 64-bit hashes (``story_signature``), is
worked out once per index generation for every article (``shared.open_stories``): a page compares 30 articles, and
reading and folding their stored text cost more than the rest of a search.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

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
# A triple's hash combines its words' hashes with these odd multipliers (modulo 2 ** 64): two different triples of
# the articles compared share a hash with a chance of about 2 ** -63.
TRIPLE_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


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
    """Word triples of the lead."""
    words = _lead_words(body)
    return frozenset(zip(words, words[1:], words[2:]))


def _lead_words(body: str) -> list[str]:
    """The first ``LEAD_WORDS`` words of the body, folded. Only the first ``LEAD_WORDS`` whitespace-separated
    pieces are folded (each holds at least one word or none): folding works within a piece, so the words are those
    of the whole body folded."""
    body = body or ""
    head = " ".join(body.split(None, LEAD_WORDS)[:LEAD_WORDS])
    words = re.findall(r"\w+", fold_text(head))[:LEAD_WORDS]
    if len(words) < LEAD_WORDS and len(head) < len(body.strip()):
        words = re.findall(r"\w+", fold_text(body))[:LEAD_WORDS]
    return words


def story_signature(title: str | None, body: str | None) -> tuple[str, bool, np.ndarray]:
    """What the check reads of one article: its title key, whether the title was cut, and its lead's word triples
    (``lead_shingles``) as sorted distinct 64-bit hashes."""
    words = _lead_words(body)
    hashes = np.array([_word_hash(word) for word in words], dtype=np.uint64)
    first, second, third = TRIPLE_MULTIPLIERS
    triples = hashes[:-2] * first + hashes[1:-1] * second + hashes[2:] * third
    return (*title_key(title), np.unique(triples))


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    """A folded word's 64-bit hash, the same in every process (``hash`` of a ``str`` is not)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def same_story(a: tuple, b: tuple) -> bool:
    """Whether two ``(title key, cut, lead bits, lead size)`` (``_compared``) are one story."""
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


def _compared(signatures: list[tuple[str, bool, np.ndarray]]) -> list[tuple]:
    """``(title key, cut, lead bits, lead size)`` of each ``story_signature``: the triples of all the articles
    compared numbered together, each lead one integer's bits, so Jaccard similarity of two leads is a ``&`` and a
    bit count, not set building."""
    hashes = [lead for _, _, lead in signatures]
    every, numbers = np.unique(np.concatenate(hashes), return_inverse=True) if hashes else (np.zeros(0), None)
    held = np.zeros((len(hashes), max(len(every), 1)), dtype=bool)
    held[np.repeat(np.arange(len(hashes)), [len(lead) for lead in hashes]), numbers] = True
    packed = np.packbits(held, axis=1, bitorder="little")
    return [(key, cut, int.from_bytes(bits.tobytes(), "little"), len(lead))
            for (key, cut, lead), bits in zip(signatures, packed)]


def collapse(ranked: list[tuple[int, float, dict]], signatures: list[tuple[str, bool, np.ndarray]]) -> list[Story]:
    """Ranked ``(doc, score, stored document)`` grouped into stories, each at the rank of its best article;
    ``signatures`` are the articles' ``story_signature``, in the same order."""
    stories: list[Story] = []
    compared: list[list[tuple]] = []  # of every article of each story: a repeat can match any of them
    for (doc, score, document), signature in zip(ranked, _compared(signatures)):
        for story, others in zip(stories, compared):
            if any(same_story(signature, other) for other in others):
                story.repeats.append(document)
                others.append(signature)
                break
        else:
            stories.append(Story(doc, score, document))
            compared.append([signature])
    return stories
