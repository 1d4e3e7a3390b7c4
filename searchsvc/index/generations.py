"""Where the live index generation is, and how a new one replaces it: shared by the indexer and compaction, which
build and swap generations, and the readers, which follow the ``current`` symlink."""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from searchsvc.errors import IndexBusy, IndexMissing, InvalidParameter

CURRENT = "current"
LOCK_FILE = ".indexer.lock"
BUILD_PREFIX = ".build-"
GENERATION_PREFIX = "gen-"
KEPT_GENERATIONS = 2


def live_generation(index_dir: Path) -> Path:
    """The folder of the index that is serving now; ``IndexMissing`` when there is none yet."""
    current = Path(index_dir) / CURRENT
    if not current.exists():
        raise IndexMissing(f"Chưa có chỉ mục trong {index_dir}: hãy chạy «searchsvc index».")
    return current.resolve()


def live_ids(generation: Path) -> set[str]:
    """The ids of the articles a generation holds (deleted ones excluded)."""
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        return {term.decode("utf-8") for term in reader.lexicon("id") if reader.postings("id", term).is_active()}


def new_generation_name(index_dir: Path) -> str:
    """Generation names sort in the order they were built, so readers can tell newer from older."""
    numbers = [int(p.name.split("-")[1]) for p in index_dir.glob(f"{GENERATION_PREFIX}*") if p.name.split("-")[1].isdigit()]
    return f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}-{time.strftime('%Y%m%dT%H%M%S')}"


@contextmanager
def generation_aside(index_dir: Path) -> Iterator[Path]:
    """A build folder beside the live generation: it becomes the live generation when the block ends normally,
    and is deleted when it raises (or, after a crash, by the next writer: ``remove_abandoned_builds``)."""
    build_dir = index_dir / f"{BUILD_PREFIX}{secrets.token_hex(4)}"
    build_dir.mkdir(parents=True)
    try:
        yield build_dir
        sync_files(build_dir)
        generation = index_dir / new_generation_name(index_dir)
        build_dir.rename(generation)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    swap_current(index_dir, generation)
    remove_old_generations(index_dir)


def swap_current(index_dir: Path, generation: Path) -> None:
    """Point ``current`` at ``generation`` in one atomic rename."""
    temporary = index_dir / f".current-{secrets.token_hex(4)}"
    os.symlink(generation.name, temporary)
    os.replace(temporary, index_dir / CURRENT)
    fsync_dir(index_dir)


def fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_old_generations(index_dir: Path) -> None:
    """Keep the live generation and the one before it: a worker may still be reading the previous one."""
    live = (index_dir / CURRENT).resolve().name
    generations = sorted((p for p in index_dir.glob(f"{GENERATION_PREFIX}*") if p.name != live), reverse=True)
    for old in generations[KEPT_GENERATIONS - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def remove_abandoned_builds(index_dir: Path) -> None:
    """Builds left by a killed indexer; safe to delete because this process holds the indexer lock."""
    for leftover in index_dir.glob(f"{BUILD_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in index_dir.glob(".current-*"):
        leftover.unlink(missing_ok=True)


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


def sync_files(folder: Path, skip: set[str] = frozenset()) -> None:
    """Flush a generation's files and folder to disk, so a commit that returned survives a power cut.

    ``skip``: names already on disk before the commit. Whoosh never changes a file once written, so a small commit
    to a large index flushes only what it wrote, not the whole index again.
    """
    for path in folder.iterdir():
        if path.is_file() and path.name not in skip:
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
    fsync_dir(folder)
