"""``searchsvc watch``: index the files a scraper writes into folders as they arrive, in batches, one commit each.

* **Only complete files.** A file renamed into place (the scraper writes ``bai.txt.part`` or ``.bai.txt`` and
  renames it to ``bai.txt``) is complete when it appears and is read at once. A file written in place is read only
  once its size and modification time have stayed the same for ``settle`` seconds; should it change while it is read,
  its record in ``sources.json`` (taken before reading) no longer matches and it is read again.
* **Batches.** Every file that is ready at a wake-up (every ``poll`` seconds) goes into one commit, at most
  ``MAX_BATCH_FILES``; a burst of arrivals becomes a few commits, not one per file.
* **Restarts.** The live generation's ``sources.json`` records the size and time of every file indexed, so a restart
  reads only the files that are new or changed since, including those that arrived while the watcher was down.
  A full scan every ``rescan`` seconds catches anything the kernel's notifications missed (a queue overflow).
* **Changes and deletions.** A changed file is read again: its articles replace the ones with the same ids. A file
  that disappears leaves its articles in the index: scrapers clean their folders, while retracting an article is a
  decision, taken with ``searchsvc delete``.
* A bad file or line is reported (``path:line: reason``) and the watch goes on; the file is not read again until it
  changes. While another writer holds the index (the web server applying API writes), the batch waits for the next
  wake-up.

Events come from watchdog (inotify on Linux).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (DirCreatedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent,
                             FileMovedEvent, FileSystemEvent, FileSystemEventHandler)
from watchdog.observers.inotify import InotifyObserver

from searchsvc.errors import IndexBusy, ParseError
from searchsvc.index.generations import CURRENT, live_generation
from searchsvc.index.indexer import IndexReport, index_paths
from searchsvc.index.sources import read_sources
from searchsvc.ingest.parse import input_file, iter_input_files

logger = logging.getLogger(__name__)

MAX_BATCH_FILES = 1000
EVENTS = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileMovedEvent, FileDeletedEvent, DirCreatedEvent]
RETRY_AFTER_FAILURE = 5.0


@dataclass
class Arrival:
    """A file waiting to be read: its size and time when last looked at, since when they have not changed."""

    stat: tuple[int, int] | None
    steady_since: float
    first_seen: float
    renamed: bool


@dataclass(frozen=True)
class Batch:
    """One commit of the watch, for the command's output and for tests."""

    files: int
    report: IndexReport
    waits: list[float]  # seconds from each file's arrival to its articles being searchable


class Watcher:
    """Watch ``folders`` and index what arrives in them into ``index_dir`` until ``stop``."""

    def __init__(self, folders: Iterable[Path], index_dir: Path, settle: float = 2.0, poll: float = 0.5,
                 rescan: float = 300.0, prepare: Callable[[Path], None] | None = None,
                 on_batch: Callable[[Batch], None] = lambda batch: None,
                 on_error: Callable[[ParseError | OSError], None] = lambda error: None,
                 on_start: Callable[[], None] = lambda: None):
        self.roots = [Path(folder).resolve() for folder in folders]
        self.index_dir = index_dir
        self.settle, self.poll, self.rescan = settle, poll, rescan
        self.prepare, self.on_batch, self.on_error, self.on_start = prepare, on_batch, on_error, on_start
        self.events: queue.SimpleQueue[tuple[str, bool]] = queue.SimpleQueue()
        self.pending: dict[str, Arrival] = {}
        self.known: dict[str, tuple[int, int]] = {}
        self.stopped = threading.Event()

    def stop(self) -> None:
        """Ask the watch to end after the batch in progress (called from a signal handler)."""
        self.stopped.set()

    def run(self) -> None:
        """Watch until ``stop``; the observer starts before the first scan, so nothing arrives unseen in between."""
        observer = InotifyObserver(generate_full_events=True)
        handler = _Arrivals(self.events)
        for root in self.roots:
            observer.schedule(handler, str(root), recursive=True, event_filter=EVENTS)
        observer.start()
        self.on_start()
        try:
            if (self.index_dir / CURRENT).exists():
                self.known = read_sources(live_generation(self.index_dir))
            last_scan = -float("inf")
            while not self.stopped.is_set():
                if time.monotonic() - last_scan >= self.rescan:
                    self._scan()
                    last_scan = time.monotonic()
                self._take_events()
                ready = self._ready()
                if not ready or not self._index(ready):
                    self.stopped.wait(self.poll)
        finally:
            observer.stop()
            observer.join()

    def _scan(self) -> None:
        for item in iter_input_files(self.roots):
            self._checked(item, renamed=False)

    def _take_events(self) -> None:
        while True:
            try:
                raw, renamed = self.events.get_nowait()
            except queue.Empty:
                return
            if renamed is None:
                key = str(Path(raw).resolve())
                self.pending.pop(key, None)
                if key in self.known:
                    logger.info("%s: tệp đã bị xoá; các bài của nó vẫn ở trong chỉ mục", raw)
                continue
            path = Path(raw)
            if path.is_dir():
                for item in iter_input_files([path]):
                    self._checked(item, renamed=False)
            else:
                self._checked(input_file(path, self.roots), renamed)

    def _checked(self, item: Path | ParseError | None, renamed: bool) -> None:
        if isinstance(item, ParseError):
            self.on_error(item)
        elif item is not None and not item.name.startswith("."):
            self._arrive(str(item.resolve()), renamed)

    def _arrive(self, key: str, renamed: bool) -> None:
        now = time.monotonic()
        arrival = self.pending.get(key)
        if arrival is None:
            self.pending[key] = Arrival(None, now, now, renamed)
        elif renamed:
            arrival.renamed = True

    def _ready(self) -> list[str]:
        """Files complete and not yet indexed as they are now, oldest arrival first."""
        now = time.monotonic()
        ready = []
        for key, arrival in list(self.pending.items()):
            try:
                stat = os.stat(key)
            except OSError:
                del self.pending[key]
                continue
            current = (stat.st_size, stat.st_mtime_ns)
            if self.known.get(key) == current:
                del self.pending[key]
                continue
            if arrival.stat != current:
                if arrival.stat is not None:
                    arrival.renamed = False  # written to after it arrived: it must settle like any other
                arrival.stat, arrival.steady_since = current, now
            if arrival.renamed or now - arrival.steady_since >= self.settle:
                ready.append(key)
        ready.sort(key=lambda key: self.pending[key].first_seen)
        return ready[:MAX_BATCH_FILES]

    def _index(self, ready: list[str]) -> bool:
        """Index ``ready`` in one commit; ``False`` when it has to wait (another writer, a failed write)."""
        try:
            report = index_paths(ready, self.index_dir, prepare=self.prepare)
        except IndexBusy:
            logger.info("một tiến trình khác đang ghi vào chỉ mục; chờ lượt sau")
            return False
        except OSError as error:
            self.on_error(error)
            self.stopped.wait(RETRY_AFTER_FAILURE)
            return False
        done = time.monotonic()
        self.known.update(report.sources)
        waits = [done - self.pending.pop(key).first_seen for key in ready if key in self.pending]
        self.on_batch(Batch(len(ready), report, waits))
        return True


class _Arrivals(FileSystemEventHandler):
    """Hands watchdog's events to the watch loop: ``(path, renamed)``; ``renamed`` is ``None`` for a departure."""

    def __init__(self, events: queue.SimpleQueue):
        self.events = events

    def on_any_event(self, event: FileSystemEvent) -> None:
        if isinstance(event, FileMovedEvent):
            if event.src_path:
                self.events.put((os.fsdecode(event.src_path), None))
            if event.dest_path:
                self.events.put((os.fsdecode(event.dest_path), True))
        elif isinstance(event, FileDeletedEvent):
            self.events.put((os.fsdecode(event.src_path), None))
        else:
            self.events.put((os.fsdecode(event.src_path), False))
