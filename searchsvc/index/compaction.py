"""Reclaiming deleted and replaced documents: their segments are merged into a new generation, swapped in whole.

Whoosh only marks a deleted or replaced document as dead; its postings and stored text stay in the segment until
the segment is merged. Merging in place would delete segment files that serving processes may still be reading, so
compaction builds aside like a rebuild does, but almost for free: the live generation's files are hard-linked into
a build folder (Whoosh never changes a segment file once written), one Whoosh commit there merges the chosen
segments through ``FastSegmentWriter``'s array path, and the ``current`` symlink is swapped when it is complete. A
crash leaves a build folder that the next writer deletes; the live generation is never touched.

After every write, ``compact_if_needed`` merges only what pays: segments whose share of dead documents reached
``DELETED_SHARE``, and the smallest segments once there are more than ``MAX_SEGMENTS``. ``compact`` (the
``searchsvc compact`` command) merges everything into one segment.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from searchsvc.index.fastwriter import FastSegmentWriter
from searchsvc.index.generations import generation_aside, indexer_lock, live_generation, remove_abandoned_builds

logger = logging.getLogger(__name__)

DELETED_SHARE = 0.2
MAX_SEGMENTS = 8


@dataclass(frozen=True)
class CompactionReport:
    """What a compaction changed, for the command's summary and the re-add test."""

    segments_before: int
    segments_after: int
    documents: int
    reclaimed: int
    bytes_before: int
    bytes_after: int
    seconds: float


def compact(index_dir: Path) -> CompactionReport | None:
    """Merge every segment into one and drop every dead document; ``None`` when there is nothing to reclaim."""
    with indexer_lock(index_dir):
        remove_abandoned_builds(index_dir)
        return _compact(index_dir, everything=True)


def compact_if_needed(index_dir: Path) -> CompactionReport | None:
    """The automatic compaction after a write; the caller holds the indexer lock."""
    return _compact(index_dir, everything=False)


def generation_bytes(generation: Path) -> int:
    """Bytes of a generation's files (files shared with another generation by hard links count in both)."""
    return sum(path.stat().st_size for path in generation.iterdir() if path.is_file())


def _compact(index_dir: Path, everything: bool) -> CompactionReport | None:
    started = time.monotonic()
    live = live_generation(index_dir)
    with whoosh_index.open_dir(str(live)).reader() as reader:
        counts = {leaf.segment().segment_id(): (leaf.doc_count_all(), leaf.doc_count_all() - leaf.doc_count())
                  for leaf, _ in reader.leaf_readers()}
    chosen = segments_to_merge(counts, everything)
    if not chosen:
        return None
    bytes_before = generation_bytes(live)
    with generation_aside(index_dir) as build_dir:
        for path in live.iterdir():
            if path.is_file() and "LOCK" not in path.name and not path.name.startswith("."):
                os.link(path, build_dir / path.name)
        writer = FastSegmentWriter(whoosh_index.open_dir(str(build_dir)))
        try:
            writer.commit(mergetype=lambda writer, segments: _merge(writer, segments, chosen))
        except BaseException:
            writer.cancel()
            raise
    report = CompactionReport(
        segments_before=len(counts),
        segments_after=len(counts) - len(chosen) + (1 if sum(counts[s][0] - counts[s][1] for s in chosen) else 0),
        documents=sum(total - deleted for total, deleted in counts.values()),
        reclaimed=sum(counts[s][1] for s in chosen),
        bytes_before=bytes_before,
        bytes_after=generation_bytes(live_generation(index_dir)),
        seconds=time.monotonic() - started,
    )
    logger.info("compacted %s", report)
    return report


def segments_to_merge(counts: dict[str, tuple[int, int]], everything: bool) -> set[str]:
    """The segments worth merging, from ``{segment id: (documents, dead documents)}``.

    >>> sorted(segments_to_merge({"a": (600, 600), "b": (600, 0)}, everything=False))
    ['a']
    >>> segments_to_merge({"a": (600, 10), "b": (600, 0)}, everything=False)
    set()
    """
    if everything:
        return set(counts) if len(counts) > 1 or any(dead for _, dead in counts.values()) else set()
    chosen = {segment for segment, (total, dead) in counts.items() if dead and dead >= DELETED_SHARE * total}
    rest = sorted((segment for segment in counts if segment not in chosen), key=lambda segment: counts[segment][0])
    if len(rest) + 1 > MAX_SEGMENTS:
        chosen.update(rest[:len(rest) + 1 - MAX_SEGMENTS // 2])
    return chosen if len(chosen) > 1 or any(counts[segment][1] for segment in chosen) else set()


def _merge(writer: FastSegmentWriter, segments: list, chosen: set[str]) -> list:
    """A Whoosh merge policy: the chosen segments' live documents go into the writer's new segment."""
    for segment in segments:
        if segment.segment_id() in chosen and segment.doc_count():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
    return [segment for segment in segments if segment.segment_id() not in chosen]
