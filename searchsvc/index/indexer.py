"""Input files -> the live index, without ever exposing a half-written one.

Layout of an index folder::

    index/current          symlink to the live generation (swapped atomically with os.replace)
    index/gen-<stamp>/     a complete Whoosh index
    index/.build-<token>/  a rebuild in progress (deleted on failure, or at the next run after a crash)
    index/.indexer.lock    flock held by the one running indexer

Adding (``searchsvc index PATH``) and deleting write into the live generation in one Whoosh commit, which is
atomic: a crash before the commit leaves the previous table of contents, and so the previous index; a failed commit
removes its unfinished segment. Rebuilding (``--rebuild``) writes a new generation beside the live one and swaps
the symlink only once it is complete; so does compaction (``compaction.py``), which a write starts by itself when
dead documents pile up. Each generation records the files it was built from (``sources.json``). A run can end
by preparing what readers derive from the generation (``prepare``: the command line builds the shared arrays of
``search/shared.py``, which readers would otherwise build on first use).
The lock is an ``flock``, which the kernel releases when its holder dies, so a killed indexer never leaves a lock
behind and a live one is never robbed of it.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from searchsvc.article import Article, canonical_id, id_problem, shown_id
from searchsvc.errors import InvalidParameter, ParseError, RebuildWouldDrop
from searchsvc.ingest.extract import enrich
from searchsvc.index.fastwriter import FastSegmentWriter
from searchsvc.index import compaction
from searchsvc.index.numbering import PreparedBatch, TermNumbering, TermSources
from searchsvc.index.generations import (CURRENT, generation_aside, indexer_lock, live_generation, live_ids,
                                         remove_abandoned_builds, sync_files)
from searchsvc.index.sources import record_sources, stat_files
from searchsvc.ingest.parse import JSONL_SUFFIXES, iter_input_files, read_articles
from searchsvc.index.schema import SCHEMA, article_to_document

logger = logging.getLogger(__name__)

WORKER_BATCH = 16
PARALLEL_FROM = 400
SEGMENT_DOCUMENTS = 25_000
PR_SET_PDEATHSIG = 1


@dataclass
class IndexReport:
    """What a run did, for the summary line and for tests."""

    indexed: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    seconds: float = 0.0
    errors: list[ParseError] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)  # the files recorded in ``sources.json``
    compacted: compaction.CompactionReport | None = None


@dataclass(frozen=True)
class Deletion:
    """An article to remove, travelling in the same ordered stream as the articles to add."""

    id: str


def index_paths(
    paths: Iterable[str | Path],
    index_dir: Path,
    rebuild: bool = False,
    allow_drop: bool = False,
    progress: Callable[[int, int], None] | None = None,
    prepare: Callable[[Path], None] | None = None,
) -> IndexReport:
    """Read, extract and index every article under ``paths``; a later duplicate id replaces an earlier one.

    A rebuild that would leave out articles the live index holds is refused (``RebuildWouldDrop``, saying how
    many) unless ``allow_drop``. ``prepare`` is called with a generation's folder once it is complete (before a
    rebuild is swapped in, after an add's commit): a later stage's per-generation data, ready before readers ask.
    """
    report = IndexReport()
    files = []
    for item in iter_input_files(paths):
        if isinstance(item, ParseError):
            _skip(report, item)
        else:
            files.append(item)
    sources = stat_files(files)
    return apply_changes(_articles(files, report), index_dir, report, rebuild=rebuild, allow_drop=allow_drop,
                         progress=progress, total=_count_records(files), sources=sources, prepare=prepare)


def delete_articles(ids: Iterable[str], index_dir: Path) -> IndexReport:
    """Remove articles by id in one commit; ids the index does not hold are listed in ``report.missing``."""
    deletions = []
    for article_id in ids:
        if id_problem(article_id):
            raise InvalidParameter(f"Mã bài viết không hợp lệ: «{shown_id(article_id)}».", param="id")
        deletions.append(Deletion(canonical_id(article_id)))
    if not (index_dir / CURRENT).exists():
        live_generation(index_dir)  # raises IndexMissing with its message
    return apply_changes(deletions, index_dir, IndexReport())


def apply_changes(
    changes: Iterable[Article | Deletion],
    index_dir: Path,
    report: IndexReport,
    rebuild: bool = False,
    allow_drop: bool = False,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
    sources: dict[str, tuple[int, int]] | None = None,
    locked: bool = False,
    prepare: Callable[[Path], None] | None = None,
) -> IndexReport:
    """Write an ordered stream of articles and deletions: into the live index in one commit, or as a new
    generation (``rebuild``, or when there is no index yet); then compact if dead documents piled up.

    ``locked``: the caller already holds the indexer lock (the task queue reads its tasks under it).
    """
    started = time.monotonic()
    report.sources = sources or {}
    with nullcontext() if locked else indexer_lock(index_dir):
        remove_abandoned_builds(index_dir)
        if rebuild or not (index_dir / CURRENT).exists():
            _build_generation(changes, index_dir, report, progress, total, report.sources, allow_drop, prepare)
        else:
            generation = live_generation(index_dir)
            ix = whoosh_index.open_dir(str(generation))
            _write(ix, changes, report, progress, total, replace_existing=True)
            record_sources(generation, report.sources, rebuilt=False)
            report.compacted = compaction.compact_if_needed(index_dir)
            if prepare:
                prepare(live_generation(index_dir))
    report.seconds = time.monotonic() - started
    logger.info("indexed=%d updated=%d deleted=%d skipped=%d seconds=%.1f",
                report.indexed, report.updated, report.deleted, report.skipped, report.seconds)
    return report


def _build_generation(changes: Iterable[Article | Deletion], index_dir: Path, report: IndexReport,
                      progress: Callable[[int, int], None] | None, total: int,
                      sources: dict[str, tuple[int, int]], allow_drop: bool, prepare: Callable[[Path], None] | None) -> None:
    with generation_aside(index_dir) as build_dir:
        ix = whoosh_index.create_in(str(build_dir), SCHEMA)
        written = _write(ix, changes, report, progress, total, replace_existing=False)
        if (index_dir / CURRENT).exists() and not allow_drop:
            dropped = live_ids(live_generation(index_dir)) - written
            if dropped:
                raise RebuildWouldDrop(len(dropped), sorted(dropped)[:5])
        record_sources(build_dir, sources, rebuilt=True)
        if prepare:
            prepare(build_dir)


def _write(ix, changes: Iterable[Article | Deletion], report: IndexReport,
           progress: Callable[[int, int], None] | None, total: int, replace_existing: bool) -> set[str]:
    """Write every change of the run in order; nothing is visible before the end of the run. Returns the ids the
    run wrote (and did not delete again).

    Changing the live index is one writer and one commit, all or nothing. A rebuild writes into a folder nobody
    reads yet, so it commits a segment every ``SEGMENT_DOCUMENTS`` articles to bound the writer's memory. An id
    repeated within the run keeps its last record (or its deletion).
    """
    written: dict[str, tuple[int, int]] = {}  # id -> (segment of this run, document number in it)
    segment = 0
    folder = Path(ix.storage.folder)
    files_before = {path.name for path in folder.iterdir()}
    sources = TermSources()
    writer = FastSegmentWriter(ix, sources)
    try:
        with ix.searcher() as searcher, _document_maker(total >= PARALLEL_FROM, sources) as make_documents:
            for done, (article, document) in enumerate(make_documents(changes), start=1):
                if progress:
                    progress(done, total)
                if isinstance(document, ParseError):
                    _skip(report, document)
                    continue
                earlier = written.get(article.id)
                if isinstance(article, Deletion):
                    _delete(writer, searcher, article.id, earlier, segment, report)
                    written.pop(article.id, None)
                    continue
                if earlier and earlier[0] == segment:
                    writer.forget(earlier[1])
                    writer.add_document(**document)
                    report.updated += 1
                elif earlier or (replace_existing and searcher.document_number(id=article.id) is not None):
                    writer.update_document(**document)
                    report.updated += 1
                else:
                    writer.add_document(**document)
                    report.indexed += 1
                written[article.id] = (segment, writer.docnum - 1)
                if not replace_existing and writer.doc_count() >= SEGMENT_DOCUMENTS:
                    writer.commit(merge=False)
                    writer, segment = FastSegmentWriter(ix, sources), segment + 1
        # Merging is compaction's work, in a generation of its own: a merge here would delete segment files that
        # serving processes may still read.
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise
    sync_files(folder, skip=files_before)
    return set(written)


def _delete(writer, searcher, article_id: str, earlier: tuple[int, int] | None, segment: int,
            report: IndexReport) -> None:
    if earlier and earlier[0] == segment:
        writer.forget(earlier[1])
    elif earlier or searcher.document_number(id=article_id) is not None:
        writer.delete_by_term("id", article_id)
    else:
        report.missing.append(article_id)
        return
    report.deleted += 1


def _articles(files: list[Path], report: IndexReport) -> Iterator[Article]:
    for path in files:
        for item in read_articles(path):
            if isinstance(item, ParseError):
                _skip(report, item)
            else:
                yield item


def make_document(article: Article | Deletion) -> dict | ParseError | None:
    """Extraction and analysis of one article: the CPU-heavy part, run in worker processes.

    An extractor bug on strange input skips that article with a reason instead of ending the run. The text
    fields are left to the term numbering (``prepare_batch``), which makes them from raw tokens.
    """
    if isinstance(article, Deletion):
        return None
    try:
        return article_to_document(enrich(article), parsed=article, analyzed=False)
    except Exception as error:  # noqa: BLE001 - any failure here is one article's, reported and skipped
        logger.exception("extraction failed for %s", article.id)
        return ParseError(article.source or article.id, article.line, f"lỗi khi trích xuất siêu dữ liệu: {error}")


def prepare_batch(articles: list[Article | Deletion], numbering: TermNumbering | None = None) -> PreparedBatch:
    """The documents of ``articles`` with their terms numbered: one pool task. ``numbering``: this worker's."""
    return (numbering or _worker_numbering).batch([make_document(article) for article in articles])


_worker_numbering = None  # a pool worker's TermNumbering, set when it starts


def _start_worker() -> None:
    """A pool worker's own term numbering (not a copy of the parent's), and its death with the indexer."""
    global _worker_numbering
    _worker_numbering = TermNumbering()
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the indexer dies, even by ``kill -9``, so no orphan lingers."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:
        os._exit(1)


@contextmanager
def _document_maker(parallel: bool, sources: TermSources) -> Iterator[Callable[[Iterable[Article]], Iterator[tuple[Article, dict | ParseError]]]]:
    """Prepare documents on every core while this process writes them; in order, so runs are reproducible.

    Small runs stay in one process: starting workers (each loads the gazetteer) costs more than it saves. So does
    a process with other threads (a web worker applying write tasks, a watcher): a child forked there can inherit a
    lock another thread held at that instant and wait on it forever, with the indexer lock held.
    Each batch's new terms reach ``sources`` before its documents are handed out.
    """
    workers = len(os.sched_getaffinity(0))
    if workers < 2 or not parallel or threading.active_count() > 1:
        numbering = TermNumbering()
        yield lambda articles: _documents(((batch, prepare_batch(batch, numbering)) for batch in _batches(articles)),
                                          sources)
        return
    with multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker) as pool:
        yield lambda articles: _documents(_bounded_map(pool, articles, window=2 * workers), sources)


def _documents(batches: Iterable[tuple[list[Article], PreparedBatch]], sources: TermSources) -> Iterator[tuple[Article, dict | ParseError]]:
    for articles, prepared in batches:
        sources.learn(prepared)
        yield from zip(articles, prepared.complete_documents())


def _batches(articles: Iterable[Article]) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == WORKER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _bounded_map(pool, articles: Iterable[Article], window: int) -> Iterator[tuple[list[Article], PreparedBatch]]:
    """Each batch of ``articles`` with what a worker made of it, in order, with a bounded number in flight.

    ``Pool.imap`` reads its whole input ahead and keeps every finished result until it is taken, so on a large
    run the articles and documents of the whole corpus would pile up in memory while the writer catches up. A
    batch is one task, so one worker numbers all of it, and each worker's batches are read in the order it made
    them (``numbering``). The articles stay here: only the documents come back.
    """
    pending: deque = deque()
    for batch in _batches(articles):
        pending.append((batch, pool.apply_async(prepare_batch, (batch,))))
        if len(pending) >= window:
            batch, result = pending.popleft()
            yield batch, result.get()
    while pending:
        batch, result = pending.popleft()
        yield batch, result.get()


def _count_records(files: list[Path]) -> int:
    """About how many articles the run reads (lines of JSON Lines, one per text file): the progress bar's total."""
    total = 0
    for path in files:
        if path.suffix.lower() not in JSONL_SUFFIXES:
            total += 1
            continue
        try:
            with path.open("rb") as handle:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        except OSError:
            total += 1  # reading it will fail again, and that failure is reported as the file's
    return total


def _skip(report: IndexReport, error: ParseError) -> None:
    report.skipped += 1
    report.errors.append(error)
    logger.warning("%s", error)
