"""Input files -> the live index, without ever exposing a half-written one.

Layout of an index folder::

    index/current          symlink to the live generation (swapped atomically with os.replace)
    index/gen-<stamp>/     a complete Whoosh index
    index/.build-<token>/  a rebuild in progress (deleted on failure, or at the next run after a crash)
    index/.indexer.lock    flock held by the one running indexer

Adding (``searchsvc index PATH``) writes into the live generation in one Whoosh commit, which is atomic: a crash
before the commit leaves the previous table of contents, and so the previous index. Rebuilding
(``--rebuild``) writes a new generation beside the live one and swaps the symlink only once it is complete.
The lock is an ``flock``, which the kernel releases when its holder dies, so a killed indexer never leaves a lock
behind and a live one is never robbed of it.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import multiprocessing
import os
import secrets
import shutil
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from searchsvc.article import Article
from searchsvc.errors import IndexBusy, InvalidParameter, ParseError
from searchsvc.ingest.extract import enrich
from searchsvc.index.fastwriter import FastSegmentWriter
from searchsvc.index.generations import CURRENT, live_generation
from searchsvc.ingest.parse import JSONL_SUFFIXES, iter_input_files, read_articles
from searchsvc.index.schema import SCHEMA, article_to_document

logger = logging.getLogger(__name__)

LOCK_FILE = ".indexer.lock"
BUILD_PREFIX = ".build-"
GENERATION_PREFIX = "gen-"
KEPT_GENERATIONS = 2
WORKER_BATCH = 16
PARALLEL_FROM = 400
SEGMENT_DOCUMENTS = 25_000
PR_SET_PDEATHSIG = 1


@dataclass
class IndexReport:
    """What a run did, for the summary line and for tests."""

    indexed: int = 0
    updated: int = 0
    skipped: int = 0
    seconds: float = 0.0
    errors: list[ParseError] = field(default_factory=list)


@contextmanager
def indexer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the one-indexer-at-a-time lock, or fail at once with a clear message.

    The lock lives in the index folder, so a generation inside it (``index/current``) given as the folder would
    take a lock of its own beside the real one: refused.
    """
    if any(index_dir.glob("*.toc")):
        raise InvalidParameter(f"{index_dir} là một thế hệ bên trong thư mục chỉ mục; hãy chỉ thư mục chứa nó "
                               f"({index_dir.resolve().parent}).", param="index_dir")
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"Một tiến trình lập chỉ mục khác đang ghi vào {index_dir}; hãy chờ nó xong.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_paths(
    paths: Iterable[str | Path],
    index_dir: Path,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> IndexReport:
    """Read, extract and index every article under ``paths``; a later duplicate id replaces an earlier one."""
    started = time.monotonic()
    report = IndexReport()
    with indexer_lock(index_dir):
        _remove_abandoned_builds(index_dir)
        files = []
        for item in iter_input_files(paths):
            if isinstance(item, ParseError):
                _skip(report, item)
            else:
                files.append(item)
        if rebuild or not (index_dir / CURRENT).exists():
            _build_generation(files, index_dir, report, progress)
        else:
            ix = whoosh_index.open_dir(str(live_generation(index_dir)))
            _write(ix, files, report, progress, replace_existing=True)
    report.seconds = time.monotonic() - started
    logger.info(
        "indexed=%d updated=%d skipped=%d seconds=%.1f", report.indexed, report.updated, report.skipped, report.seconds
    )
    return report


def _build_generation(files: list[Path], index_dir: Path, report: IndexReport,
                      progress: Callable[[int, int], None] | None) -> None:
    build_dir = index_dir / f"{BUILD_PREFIX}{secrets.token_hex(4)}"
    build_dir.mkdir(parents=True)
    try:
        ix = whoosh_index.create_in(str(build_dir), SCHEMA)
        _write(ix, files, report, progress, replace_existing=False)
        generation = index_dir / f"{GENERATION_PREFIX}{_next_sequence(index_dir):06d}-{time.strftime('%Y%m%dT%H%M%S')}"
        build_dir.rename(generation)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    _swap_current(index_dir, generation)
    _remove_old_generations(index_dir)


def _write(ix, files: list[Path], report: IndexReport, progress: Callable[[int, int], None] | None,
           replace_existing: bool) -> None:
    """Write every article of the run; nothing is visible before the end of the run.

    Adding to the live index is one writer and one commit, all or nothing. A rebuild writes into a folder nobody
    reads yet, so it commits a segment every ``SEGMENT_DOCUMENTS`` articles to bound the writer's memory. An id
    repeated within the run keeps its last record.
    """
    total = _count_records(files)
    # id -> (segment of this run, document number in it, where it was read, the id as the input spelt it)
    written: dict[str, tuple[int, int, str, str]] = {}
    segment = 0
    writer = FastSegmentWriter(ix)
    try:
        with ix.searcher() as searcher, _document_maker(parallel=total >= PARALLEL_FROM) as make_documents:
            for done, (article, document) in enumerate(make_documents(_articles(files, report)), start=1):
                if progress:
                    progress(done, total)
                if isinstance(document, ParseError):
                    _skip(report, document)
                    continue
                earlier = written.get(article.id)
                if earlier:
                    _warn_collision(article, earlier[2], earlier[3])
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
                written[article.id] = (segment, writer.docnum - 1, _location(article), article.original_id or article.id)
                if not replace_existing and writer.doc_count() >= SEGMENT_DOCUMENTS:
                    writer.commit(merge=False)
                    writer, segment = FastSegmentWriter(ix), segment + 1
        writer.commit(merge=replace_existing)
    except BaseException:
        writer.cancel()
        raise


def _location(article: Article) -> str:
    return f"{article.source}:{article.line}" if article.line is not None else str(article.source)


def _warn_collision(article: Article, earlier_location: str, earlier_spelling: str) -> None:
    """Two records spelt differently became one id once cleaned: the later replaces the earlier, and both are named."""
    spelling = article.original_id or article.id
    if spelling != earlier_spelling:
        logger.warning("%s: mã «%s» trùng với mã «%s» ở %s sau khi làm sạch (cả hai thành «%s»); "
                       "bản sau thay thế bản trước", _location(article), spelling, earlier_spelling, earlier_location,
                       article.id)


def _articles(files: list[Path], report: IndexReport) -> Iterator[Article]:
    for path in files:
        for item in read_articles(path):
            if isinstance(item, ParseError):
                _skip(report, item)
            else:
                yield item


def prepare_document(article: Article) -> tuple[Article, dict | ParseError]:
    """Extraction and analysis of one article: the CPU-heavy part, run in worker processes.

    An extractor bug on strange input skips that article with a reason instead of ending the run.
    """
    try:
        return article, article_to_document(enrich(article))
    except Exception as error:  # noqa: BLE001 - any failure here is one article's, reported and skipped
        logger.exception("extraction failed for %s", article.id)
        return article, ParseError(article.source or article.id, article.line, f"lỗi khi trích xuất siêu dữ liệu: {error}")


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the indexer dies, even by ``kill -9``, so no orphan lingers."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:
        os._exit(1)


@contextmanager
def _document_maker(parallel: bool) -> Iterator[Callable[[Iterable[Article]], Iterator[tuple[Article, dict | ParseError]]]]:
    """Prepare documents on every core while this process writes them; in order, so runs are reproducible.

    Small runs stay in one process: starting workers (each loads the gazetteer) costs more than it saves.
    """
    workers = len(os.sched_getaffinity(0))
    if workers < 2 or not parallel:
        yield lambda articles: map(prepare_document, articles)
        return
    with multiprocessing.get_context("fork").Pool(workers, initializer=_die_with_parent) as pool:
        yield lambda articles: _bounded_map(pool, articles, window=2 * workers)


def _bounded_map(pool, articles: Iterable[Article], window: int) -> Iterator[tuple[Article, dict | ParseError]]:
    """``pool.imap`` with a bounded number of batches in flight.

    ``Pool.imap`` reads its whole input ahead and keeps every finished result until it is taken, so on a large
    run the articles and documents of the whole corpus would pile up in memory while the writer catches up.
    """
    pending: deque = deque()
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == WORKER_BATCH:
            pending.append(pool.map_async(prepare_document, batch))
            batch = []
            if len(pending) >= window:
                yield from pending.popleft().get()
    if batch:
        pending.append(pool.map_async(prepare_document, batch))
    while pending:
        yield from pending.popleft().get()


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


def _next_sequence(index_dir: Path) -> int:
    """Generation names sort in the order they were built, so readers can tell newer from older."""
    numbers = [int(p.name.split("-")[1]) for p in index_dir.glob(f"{GENERATION_PREFIX}*") if p.name.split("-")[1].isdigit()]
    return max(numbers, default=0) + 1


def _swap_current(index_dir: Path, generation: Path) -> None:
    temporary = index_dir / f".current-{secrets.token_hex(4)}"
    os.symlink(generation.name, temporary)
    os.replace(temporary, index_dir / CURRENT)
    _fsync_dir(index_dir)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_abandoned_builds(index_dir: Path) -> None:
    """Builds left by a killed indexer; safe to delete because this process holds the indexer lock."""
    for leftover in index_dir.glob(f"{BUILD_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in index_dir.glob(".current-*"):
        leftover.unlink(missing_ok=True)


def _remove_old_generations(index_dir: Path) -> None:
    """Keep the live generation and the one before it: a worker may still be reading the previous one."""
    live = (index_dir / CURRENT).resolve().name
    generations = sorted((p for p in index_dir.glob(f"{GENERATION_PREFIX}*") if p.name != live), reverse=True)
    for old in generations[KEPT_GENERATIONS - 1:]:
        shutil.rmtree(old, ignore_errors=True)
